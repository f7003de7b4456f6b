//! What the session task last showed, readable by any thread without a round trip
//! to the task: the displayed frame (server frame, predictions, notification bar),
//! which cells are predictions, and the connection status.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::frontend::notification_bar::REPLY_LATE;
use crate::prediction::PredictedCell;
use crate::session::client::SERVER_LATE;
use crate::session::{
    CloseReason, ConnectionState, ConnectionStatus, ScreenModel, ScreenRow, ScrollbackRing,
};
use crate::terminal::Framebuffer;

/// One session's published view. Cloning the frame is cheap (its rows are shared).
#[derive(Debug, Clone)]
pub(crate) struct View {
    pub frame: Framebuffer,
    /// The server's screen as last received: no predictions, no notification bar.
    pub confirmed: Framebuffer,
    pub predicted: Vec<PredictedCell>,
    pub status: ConnectionStatus,
    /// When the server's newest state arrived, to age `status` when it is read.
    pub heard_at: Option<Instant>,
    /// When the newest state the server acknowledged was sent, likewise.
    pub replied_at: Option<Instant>,
}

impl View {
    pub(super) fn new(columns: u16, rows: u16) -> Self {
        View {
            frame: Framebuffer::new(columns.into(), rows.into()),
            confirmed: Framebuffer::new(columns.into(), rows.into()),
            predicted: Vec::new(),
            status: ConnectionStatus {
                state: ConnectionState::Connecting,
                last_contact: None,
                rtt: Duration::ZERO,
                stats: Default::default(),
                background: false,
                last_reply: None,
                input_waiting: 0,
                input_dropped: 0,
            },
            heard_at: None,
            replied_at: None,
        }
    }
}

/// The published view, shared by the task (writer) and the handle and delivery
/// thread (readers). Held only to copy in or out, never across a call out. The
/// scrollback has a lock of its own, so reading the screen never copies it.
#[derive(Debug, Clone)]
pub(crate) struct Published(Arc<Mutex<View>>, Arc<Mutex<ScrollbackRing>>);

impl Published {
    pub(super) fn new(view: View, scrollback_lines: usize) -> Self {
        Published(
            Arc::new(Mutex::new(view)),
            Arc::new(Mutex::new(ScrollbackRing::new(scrollback_lines))),
        )
    }

    /// Copies the lines `source` gained since `seen` pushes; returns the new count
    /// of pushes seen.
    pub(super) fn follow_scrollback(&self, source: &ScrollbackRing, seen: u64) -> u64 {
        if source.pushed() == seen {
            return seen;
        }
        self.1
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .follow(source, seen)
    }

    /// Lines of scrollback held.
    pub(super) fn scrollback_len(&self) -> usize {
        self.1.lock().unwrap_or_else(PoisonError::into_inner).len()
    }

    /// The lines pushed after the first `seen` (those still held), and how many
    /// have been pushed in all.
    pub(super) fn scrollback_since(&self, seen: u64) -> (u64, Vec<ScreenRow>) {
        let ring = self.1.lock().unwrap_or_else(PoisonError::into_inner);
        let new = ring.pushed().saturating_sub(seen);
        let held = usize::try_from(new).unwrap_or(usize::MAX).min(ring.len());
        let lines = ring
            .iter()
            .skip(ring.len() - held)
            .map(|line| ScreenRow::clone(line))
            .collect();
        (ring.pushed(), lines)
    }

    /// Up to `count` scrollback lines from number `from` on, and the number of the
    /// first one returned (see [`ScrollbackRing::numbered`]).
    pub(super) fn scrollback(&self, from: u64, count: usize) -> (u64, Vec<ScreenRow>) {
        let ring = self.1.lock().unwrap_or_else(PoisonError::into_inner);
        let (first, lines) = ring.numbered(from, count);
        (first, lines.map(|line| ScreenRow::clone(line)).collect())
    }

    /// The numbers of the scrollback lines held: `first..end`.
    pub(super) fn scrollback_range(&self) -> std::ops::Range<u64> {
        let ring = self.1.lock().unwrap_or_else(PoisonError::into_inner);
        ring.first_number()..ring.pushed()
    }

    /// A copy of the view. A poisoned lock (a panic while it was held, which the
    /// code under it cannot do) still gives the last view rather than a panic.
    pub(super) fn view(&self) -> View {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub(super) fn frame(&self) -> Framebuffer {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .frame
            .clone()
    }

    /// The status as of now: the contact age and connected/waiting are computed at
    /// the read, so a task that has nothing to do (in the background, say) never
    /// leaves a stale age behind.
    pub(super) fn status(&self) -> ConnectionStatus {
        let view = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let mut status = view.status;
        if let (Some(at), ConnectionState::Connected | ConnectionState::Waiting) =
            (view.heard_at, status.state)
        {
            let age = at.elapsed();
            status.last_contact = Some(age);
            status.state = if age > SERVER_LATE {
                ConnectionState::Waiting
            } else {
                ConnectionState::Connected
            };
        }
        if let (Some(at), false) = (
            view.replied_at,
            matches!(status.state, ConnectionState::Closed(_)),
        ) {
            status.last_reply = Some(at.elapsed());
        }
        status
    }

    /// The server's screen as text rows: what the remote program wrote, without
    /// local echo or the notification bar.
    pub(super) fn confirmed_text(&self) -> Vec<String> {
        let confirmed = self
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .confirmed
            .clone();
        ScreenModel::from_frame(&confirmed, &[])
            .rows
            .iter()
            .map(ScreenRow::text)
            .collect()
    }

    /// Records the server's screen (a cheap clone: rows are shared).
    pub(super) fn set_confirmed(&self, frame: &Framebuffer) {
        let frame = frame.clone();
        let old = std::mem::replace(
            &mut self
                .0
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .confirmed,
            frame,
        );
        // Freed outside the lock.
        drop(old);
    }

    /// The screen's size, cursor, title and modes (no rows), and only rows `rows`:
    /// what a view redraws after a change.
    pub(super) fn screen_update(&self, rows: &[u16]) -> (ScreenModel, Vec<(u16, ScreenRow)>) {
        let view = self.view();
        (
            ScreenModel::header_of(&view.frame),
            ScreenModel::rows_of(&view.frame, &view.predicted, rows),
        )
    }

    pub(super) fn screen(&self) -> ScreenModel {
        let view = self.view();
        ScreenModel::from_frame(&view.frame, &view.predicted)
    }

    /// Replaces the frame and prediction marks; returns the rows that differ from
    /// the previous ones (`None`: nothing visible changed).
    pub(super) fn set_frame(
        &self,
        frame: &Framebuffer,
        predicted: &[PredictedCell],
    ) -> Option<Vec<u16>> {
        // Compared outside the lock (the task is the only writer, so the view cannot
        // change meanwhile): readers on the app's UI thread wait only for the swap,
        // never for a whole-screen comparison.
        let (old_frame, old_predicted) = {
            let view = self.0.lock().unwrap_or_else(PoisonError::into_inner);
            (view.frame.clone(), view.predicted.clone())
        };
        if old_frame == *frame && old_predicted == predicted {
            return None;
        }
        let rows = changed_rows(&old_frame, &old_predicted, frame, predicted);
        let (frame, predicted) = (frame.clone(), predicted.to_vec());
        let mut view = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        view.frame = frame;
        view.predicted = predicted;
        drop(view);
        // The old frame's rows are freed here, outside the lock.
        drop((old_frame, old_predicted));
        Some(rows)
    }

    /// Replaces the status; returns whether a front end should hear of it.
    pub(super) fn set_status(
        &self,
        status: ConnectionStatus,
        heard_at: Option<Instant>,
        replied_at: Option<Instant>,
    ) -> bool {
        let mut view = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let news = status_news(&view.status, &status);
        view.status = status;
        view.heard_at = heard_at;
        view.replied_at = replied_at;
        news
    }

    /// Sets the background flag of the published status (the task confirms it on
    /// its next publish).
    pub(super) fn set_background(&self, background: bool) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .status
            .background = background;
    }

    /// Whether the end has been published.
    pub(super) fn is_closed(&self) -> bool {
        matches!(
            self.0
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .status
                .state,
            ConnectionState::Closed(_)
        )
    }

    /// Marks the session closed for readers that ask later.
    pub(super) fn set_closed(&self, reason: CloseReason) {
        let mut view = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        view.status.state = ConnectionState::Closed(reason);
    }
}

/// Whether `new` says something a status line shows differently from `old`: another
/// state, the background flag, input refused, or (while waiting, or while the server
/// acknowledges nothing) another whole second of silence.
fn status_news(old: &ConnectionStatus, new: &ConnectionStatus) -> bool {
    let seconds = |status: &ConnectionStatus| status.last_contact.map(|age| age.as_secs());
    let reply_seconds = |status: &ConnectionStatus| {
        status
            .last_reply
            .filter(|age| *age > REPLY_LATE)
            .map(|age| age.as_secs())
    };
    old.state != new.state
        || old.background != new.background
        || old.input_dropped != new.input_dropped
        || (new.state == ConnectionState::Waiting && seconds(old) != seconds(new))
        || reply_seconds(old) != reply_seconds(new)
}

/// Rows whose cells or prediction marks differ; every row after a resize.
fn changed_rows(
    old: &Framebuffer,
    old_predicted: &[PredictedCell],
    new: &Framebuffer,
    new_predicted: &[PredictedCell],
) -> Vec<u16> {
    let all = || (0..new.height()).map(|r| r as u16).collect();
    if old.width() != new.width() || old.height() != new.height() {
        return all();
    }
    let marks = |cells: &[PredictedCell], row: usize| {
        cells
            .iter()
            .filter(|cell| cell.row == row)
            .map(|cell| (cell.col, cell.underlined))
            .collect::<Vec<_>>()
    };
    old.rows()
        .iter()
        .zip(new.rows())
        .enumerate()
        .filter(|(row, (a, b))| {
            !(Arc::ptr_eq(a, b) || a == b)
                || marks(old_predicted, *row) != marks(new_predicted, *row)
        })
        .map(|(row, _)| row as u16)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terminal::Emulator;

    fn screen(bytes: &[u8]) -> Emulator {
        let mut emulator = Emulator::new(20, 8);
        emulator.feed(bytes);
        emulator
    }

    fn mark(row: usize, col: usize, underlined: bool) -> PredictedCell {
        PredictedCell {
            row,
            col,
            underlined,
        }
    }

    #[test]
    fn changed_rows_names_exactly_the_rows_that_differ() {
        let mut emulator = screen(b"one\r\ntwo\r\nthree\r\nfour");
        let old = emulator.framebuffer().clone();
        // Rows 1 and 5 change (row 5 from blank), row 2 is written with what it held.
        emulator.feed(b"\x1b[2;1HTWO\x1b[3;1Hthree\x1b[6;1Hsix");
        let new = emulator.framebuffer().clone();
        assert_eq!(changed_rows(&old, &[], &new, &[]), [1, 5]);
        assert_eq!(changed_rows(&new, &[], &new, &[]), [] as [u16; 0]);
        // A prediction mark that appears, moves or changes its underline is a change
        // of its row even where the cells are equal.
        let marks = [mark(3, 0, false), mark(6, 2, true)];
        assert_eq!(changed_rows(&new, &[], &new, &marks), [3, 6]);
        let moved = [mark(3, 1, false), mark(6, 2, false)];
        assert_eq!(changed_rows(&new, &marks, &new, &moved), [3, 6]);
        assert_eq!(changed_rows(&new, &marks, &new, &marks), [] as [u16; 0]);
        // After a resize every row is named.
        emulator.resize(20, 4);
        let resized = emulator.framebuffer().clone();
        assert_eq!(changed_rows(&new, &[], &resized, &[]), [0, 1, 2, 3]);
    }
}
