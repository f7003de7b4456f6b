//! The prediction engine (`prediction.md` §3–§5, §8–§9): typed bytes in, guesses
//! about the screen out. Validation is in `cull.rs`, drawing in `apply.rs`.

use std::time::{Duration, Instant};

use crate::terminal::{Cell, Framebuffer};

use super::display::PredictionDisplay;
use super::fresh_prompt::PromptMemory;
use super::in_flight::InFlightInput;
use super::input::{InputParser, Keystroke};
use super::model::{CellPrediction, CursorPrediction, RowOverlay};

/// A single read longer than this is a paste: predictions are dropped, not made.
pub const PASTE_THRESHOLD: usize = 100;
/// While predictions are outstanding the engine wants to be culled this often.
pub const CULL_INTERVAL: Duration = Duration::from_millis(50);
/// Cursor predictions kept at most (old epochs' ones are dropped first); only
/// reached while the server is silent and the user keeps pressing Enter.
const MAX_CURSORS: usize = 256;

/// What the engine needs to know about the link (`prediction.md` §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LinkNumbers {
    /// Number of the newest client state handed to the transport.
    pub frame_sent: u64,
    /// Echo ack of the newest server state.
    pub late_ack: u64,
    /// Transport frame interval (ceil(SRTT/2) clamped to 20..=250 ms).
    pub send_interval: Duration,
}

impl Default for LinkNumbers {
    fn default() -> Self {
        LinkNumbers {
            frame_sent: 0,
            late_ack: 0,
            send_interval: Duration::from_millis(250),
        }
    }
}

/// Speculative local echo for one session.
#[derive(Debug, Clone)]
pub struct PredictionEngine {
    pub(crate) display: PredictionDisplay,
    pub(crate) overwrite: bool,
    pub(crate) prediction_epoch: u64,
    pub(crate) confirmed_epoch: u64,
    pub(crate) srtt_trigger: bool,
    pub(crate) flagging: bool,
    pub(crate) glitch_trigger: u32,
    pub(crate) last_quick_confirmation: Option<Instant>,
    pub(crate) size: (usize, usize),
    pub(crate) link: LinkNumbers,
    pub(crate) cursors: Vec<CursorPrediction>,
    pub(crate) overlays: Vec<RowOverlay>,
    input: InputParser,
    in_flight: InFlightInput,
    /// A cull threw guesses away: rebuild them from the keystrokes still in flight.
    pub(crate) rebase_pending: bool,
    /// The row a newline prediction moved the cursor to, and the frame carrying
    /// that newline (see [`PredictionEngine::row_is_stale`]).
    stale_row: Option<(usize, u64)>,
    /// Prompts seen to echo, to trust the first keystroke at a fresh one.
    pub(crate) prompts: PromptMemory,
    /// The server's cursor row text when Enter was typed (for `scroll_watch`).
    server_row_at_enter: Option<String>,
    /// After an Enter on the bottom row: that row and the text the server showed
    /// there. Once the server's row no longer starts with it, the row scrolled (or
    /// was rewritten), and the guesses kept on it are dropped quietly (see
    /// `predict_newline`).
    pub(crate) scroll_watch: Option<(usize, String)>,
}

impl PredictionEngine {
    /// An engine showing predictions per `display`; `overwrite` predicts typing as
    /// overwriting instead of inserting (`MOSH_PREDICTION_OVERWRITE=yes`).
    pub fn new(display: PredictionDisplay, overwrite: bool) -> Self {
        PredictionEngine {
            display,
            overwrite,
            prediction_epoch: 1,
            confirmed_epoch: 0,
            srtt_trigger: false,
            flagging: false,
            glitch_trigger: 0,
            last_quick_confirmation: None,
            size: (0, 0),
            link: LinkNumbers::default(),
            cursors: Vec::new(),
            overlays: Vec::new(),
            input: InputParser::default(),
            in_flight: InFlightInput::default(),
            rebase_pending: false,
            stale_row: None,
            prompts: PromptMemory::default(),
            server_row_at_enter: None,
            scroll_watch: None,
        }
    }

    /// The session was restored from a snapshot: its first keystroke is not trusted
    /// as the session's first at a shell prompt (see `fresh_prompt.rs`).
    pub fn continuing(&mut self) {
        self.prompts.continuing();
    }

    /// The display preference.
    pub fn display(&self) -> PredictionDisplay {
        self.display
    }

    /// The newest client state handed to the transport; call before each read of
    /// typed bytes is processed, and only then (`prediction.md` §2). The value stays
    /// that of the last read while painting: a cursor placed by a killed epoch then
    /// expires with the state carrying the last keystroke, not with a later
    /// heartbeat state the server may not acknowledge until it has output to send.
    /// Refreshing it at paint time leaves such a cursor pending, and the next
    /// keystrokes are predicted from its stale position, wrong, one epoch after
    /// another.
    pub fn set_frame_sent(&mut self, frame_sent: u64) {
        self.link.frame_sent = frame_sent;
    }

    /// What the newest server state says: its echo ack, and the transport's frame
    /// interval. Call after each received packet (or before each paint).
    pub fn set_server_feedback(&mut self, late_ack: u64, send_interval: Duration) {
        self.link.late_ack = late_ack;
        self.link.send_interval = send_interval;
    }

    /// Whether predictions are underlined (slow link or a long glitch).
    pub fn flagging(&self) -> bool {
        self.flagging
    }

    /// Whether any prediction is outstanding.
    pub fn has_active(&self) -> bool {
        !self.cursors.is_empty()
            || self
                .overlays
                .iter()
                .any(|o| o.cells.iter().any(|c| c.active))
    }

    /// When the engine must be culled again even without input or packets.
    pub fn poll_timeout(&self, now: Instant) -> Option<Instant> {
        let settled = self.glitch_trigger > 0 && self.flagging;
        (self.display != PredictionDisplay::Never && self.has_active() && !settled)
            .then(|| now + CULL_INTERVAL)
    }

    /// Drops every prediction and starts a new epoch (paste, resize, wrong guess).
    pub fn reset(&mut self) {
        self.cursors.clear();
        self.overlays.clear();
        self.become_tentative();
    }

    /// One read of typed bytes. `server` is the newest server frame, `displayed` the
    /// frame last painted (server frame plus overlays).
    pub fn new_user_input(
        &mut self,
        bytes: &[u8],
        server: &Framebuffer,
        displayed: &Framebuffer,
        now: Instant,
    ) {
        if self.display == PredictionDisplay::Never {
            return;
        }
        let frame = self.link.frame_sent + 1;
        if bytes.len() > PASTE_THRESHOLD {
            self.reset();
            self.in_flight.mark_gap(frame);
            return;
        }
        for &byte in bytes {
            self.in_flight.record(frame, byte);
            self.new_user_byte(byte, server, displayed, now);
        }
    }

    fn new_user_byte(
        &mut self,
        byte: u8,
        server: &Framebuffer,
        displayed: &Framebuffer,
        now: Instant,
    ) {
        if self.display == PredictionDisplay::Experimental {
            self.prediction_epoch = self.confirmed_epoch;
        }
        // Culling against the server frame is allowed by the spec (§6) and avoids
        // confirming a drawn prediction against itself.
        self.cull(server, now);
        for key in self.input.feed(byte) {
            match key {
                Keystroke::Enter => {
                    self.prompts.enter_pressed(self.link.frame_sent);
                    let row = server.cursor().0;
                    self.server_row_at_enter = server.rows().get(row).map(|r| r.text());
                }
                Keystroke::Char(_) if self.is_tentative(self.prediction_epoch) => {
                    let epoch = self.prediction_epoch;
                    let late_ack = self.link.late_ack;
                    if self.prompts.trust_first_keystroke(epoch, server, late_ack) {
                        self.trust_fresh_prompt(server, now);
                    }
                }
                Keystroke::Char(_) => self.prompts.printable_pressed(),
                Keystroke::Backspace => self.prompts.backspace_pressed(),
                _ => self.prompts.other_key_pressed(),
            }
            self.predict_key(key, displayed, now);
        }
    }

    /// The first keystroke at a fresh prompt that has echoed before (see
    /// `fresh_prompt.rs`): the epoch counts as confirmed, and the guesses of the
    /// Enter and the cursor guesses of the line before give way to the server's
    /// screen, where the prompt left the cursor.
    fn trust_fresh_prompt(&mut self, server: &Framebuffer, now: Instant) {
        self.confirmed_epoch = self.prediction_epoch;
        // The prompt shows the host has had everything typed before this key (the
        // Enter's echo acknowledgement may still be on its way): a replay after a
        // later wrong guess must not predict the Enter again, on top of the prompt.
        self.in_flight.forget_before(self.link.frame_sent + 1);
        // The Enter's own guesses (the cursor on the next row, a blank bottom row)
        // were hidden; the prompt on screen is what it really did.
        let epoch = self.prediction_epoch;
        for cell in self.overlays.iter_mut().flat_map(|o| o.cells.iter_mut()) {
            if cell.active && cell.epoch == epoch {
                cell.reset();
            }
        }
        self.cursors.clear();
        let (row, col) = server.cursor();
        self.push_cursor(row, col, now);
    }

    /// Rebuilds predictions for the keystrokes the server has not acknowledged, on
    /// top of `server` (after a cull dropped guesses; see `in_flight.rs`). Each
    /// keeps the expiration frame of the state that carries it.
    pub(crate) fn replay_in_flight(&mut self, server: &Framebuffer, now: Instant) {
        let Some(bytes) = self.in_flight.unacknowledged(self.link.late_ack) else {
            return;
        };
        let frame_sent = self.link.frame_sent;
        // A fresh parser: the bytes start after an acknowledged state, which in
        // practice is a keystroke boundary.
        let mut parser = InputParser::default();
        for (frame, byte) in bytes {
            self.link.frame_sent = frame - 1;
            for key in parser.feed(byte) {
                self.predict_key(key, server, now);
            }
        }
        self.link.frame_sent = frame_sent;
    }

    fn predict_key(&mut self, key: Keystroke, displayed: &Framebuffer, now: Instant) {
        match key {
            Keystroke::Char(c) => self.predict_char(c, displayed, now),
            Keystroke::Backspace => self.predict_backspace(displayed, now),
            Keystroke::Enter => {
                self.become_tentative();
                self.predict_newline(displayed, now);
            }
            Keystroke::Right => {
                let width = displayed.width();
                let frame = self.link.frame_sent;
                let cur = self.current_cursor(displayed, now);
                if cur.col + 1 < width {
                    cur.col += 1;
                    refresh_cursor(cur, frame, now);
                }
            }
            Keystroke::Left => {
                let frame = self.link.frame_sent;
                let cur = self.current_cursor(displayed, now);
                if cur.col > 0 {
                    cur.col -= 1;
                    refresh_cursor(cur, frame, now);
                }
            }
            Keystroke::Unpredictable => self.become_tentative(),
        }
    }

    pub(crate) fn become_tentative(&mut self) {
        if self.display != PredictionDisplay::Experimental {
            self.prediction_epoch += 1;
        }
    }

    pub(crate) fn is_tentative(&self, epoch: u64) -> bool {
        epoch > self.confirmed_epoch
    }

    /// The cursor prediction of the current epoch, created as needed.
    fn current_cursor(&mut self, displayed: &Framebuffer, now: Instant) -> &mut CursorPrediction {
        let epoch = self.prediction_epoch;
        let (row, col) = match self.cursors.last() {
            None => displayed.cursor(),
            Some(last) if last.epoch != epoch => (last.row, last.col),
            Some(_) => return self.cursors.last_mut().expect("checked non-empty"),
        };
        self.push_cursor(row, col, now);
        self.cursors.last_mut().expect("just pushed")
    }

    pub(crate) fn push_cursor(&mut self, row: usize, col: usize, now: Instant) {
        if self.cursors.len() == MAX_CURSORS {
            self.cursors.remove(0);
        }
        self.cursors.push(CursorPrediction {
            epoch: self.prediction_epoch,
            expiration_frame: self.link.frame_sent + 1,
            predicted_at: Some(now),
            row,
            col,
        });
    }

    fn overlay(&mut self, row: usize, width: usize) -> &mut RowOverlay {
        let index = match self.overlays.iter().position(|o| o.row == row) {
            Some(index) => index,
            None => {
                self.overlays
                    .push(RowOverlay::new(row, width, self.prediction_epoch));
                self.overlays.len() - 1
            }
        };
        let overlay = &mut self.overlays[index];
        if overlay.cells.len() < width {
            let epoch = self.prediction_epoch;
            overlay
                .cells
                .resize_with(width, || CellPrediction::new(epoch));
        }
        overlay
    }

    fn arm(&self, cell: &mut CellPrediction, now: Instant) {
        cell.reset_keeping_history();
        cell.active = true;
        cell.epoch = self.prediction_epoch;
        cell.expiration_frame = self.link.frame_sent + 1;
        cell.predicted_at = Some(now);
    }

    fn predict_char(&mut self, c: char, displayed: &Framebuffer, now: Instant) {
        let width = displayed.width();
        let col_now = self.current_cursor(displayed, now).col;
        if col_now + 1 >= width {
            // Shells and editors differ in what they do in the last column.
            self.become_tentative();
        }
        let (row, col) = {
            let cur = self.current_cursor(displayed, now);
            (cur.row, cur.col)
        };
        if row >= displayed.height() || col >= width {
            return;
        }
        let screen = |c: usize| displayed.cell(row, c).unwrap_or_default();
        let stale = self.row_is_stale(row);
        let mut cells = std::mem::take(&mut self.overlay(row, width).cells);
        if !self.overwrite {
            for i in (col + 1..width).rev() {
                self.arm(&mut cells[i], now);
                cells[i].push_original(screen(i));
                if i == width - 1 {
                    cells[i].unknown = true;
                } else if cells[i - 1].active {
                    let (left, right) = cells.split_at_mut(i);
                    right[0].unknown = left[i - 1].unknown;
                    if !left[i - 1].unknown {
                        right[0].replacement = left[i - 1].replacement.clone();
                    }
                } else {
                    cells[i].unknown = stale;
                    cells[i].replacement = screen(i - 1);
                }
            }
        }
        let mut rendition = displayed.pen();
        if col > 0 {
            let left = &cells[col - 1];
            rendition = if left.active && !left.unknown {
                left.replacement.rendition()
            } else {
                screen(col - 1).rendition()
            };
        }
        self.arm(&mut cells[col], now);
        let typed = &mut cells[col];
        typed.unknown = false;
        typed.replacement.set_rendition(rendition);
        typed.replacement.set_char(c);
        // Stale flags of a reused replacement would make it wide or wrapped.
        typed.replacement.set_wide(false);
        typed.replacement.set_fallback(false);
        typed.replacement.set_wrap(false);
        typed.push_original(screen(col));
        self.overlay(row, width).cells = cells;

        let frame = self.link.frame_sent;
        let cur = self.current_cursor(displayed, now);
        refresh_cursor(cur, frame, now);
        if cur.col + 1 < width {
            cur.col += 1;
        } else {
            self.become_tentative();
            self.predict_newline(displayed, now);
        }
    }

    fn predict_backspace(&mut self, displayed: &Framebuffer, now: Instant) {
        let width = displayed.width();
        let frame = self.link.frame_sent;
        let cur = self.current_cursor(displayed, now);
        if cur.col == 0 {
            return;
        }
        cur.col -= 1;
        refresh_cursor(cur, frame, now);
        let (row, col) = (cur.row, cur.col);
        if row >= displayed.height() || col >= width {
            return;
        }
        let screen = |c: usize| displayed.cell(row, c).unwrap_or_default();
        let stale = self.row_is_stale(row);
        let mut cells = std::mem::take(&mut self.overlay(row, width).cells);
        if self.overwrite {
            let (crow, ccol) = displayed.cursor();
            let under_cursor = displayed.cell(crow, ccol).unwrap_or_default();
            self.arm(&mut cells[col], now);
            let mut blank = under_cursor.clone();
            blank.set_char(' ');
            cells[col].push_original(under_cursor);
            cells[col].unknown = false;
            cells[col].replacement = blank;
        } else {
            for i in col..width {
                self.arm(&mut cells[i], now);
                cells[i].push_original(screen(i));
                if i + 2 < width {
                    let (left, right) = cells.split_at_mut(i + 1);
                    let next = &right[0];
                    if next.active && next.unknown && screen(i + 1).is_blank() {
                        // An unknown cell that shows blank (the end of a line typed
                        // after a newline) moves left as a blank: left unknown, the
                        // cursor's cell would show the erased character again while
                        // its echo is on its way. A blank guess is never credited.
                        left[i].unknown = false;
                        left[i].replacement = screen(i + 1);
                    } else if next.active {
                        left[i].unknown = next.unknown;
                        if !next.unknown {
                            left[i].replacement = next.replacement.clone();
                        }
                    } else {
                        left[i].unknown = stale;
                        left[i].replacement = screen(i + 1);
                    }
                } else {
                    cells[i].unknown = true;
                }
            }
        }
        self.overlay(row, width).cells = cells;
    }

    pub(crate) fn predict_newline(&mut self, displayed: &Framebuffer, now: Instant) {
        let (width, height) = (displayed.width(), displayed.height());
        let frame = self.link.frame_sent;
        let epoch = self.prediction_epoch;
        let cur = self.current_cursor(displayed, now);
        cur.col = 0;
        if cur.row + 1 >= height {
            let row = cur.row;
            self.scroll_watch = self.server_row_at_enter.take().map(|text| (row, text));
            let confirmed = self.confirmed_epoch;
            for cell in &mut self.overlay(row, width).cells {
                // The row scrolls up; until the host has had the newline, the
                // characters typed before it that are still on their way stay shown
                // (re-armed as this hidden epoch's blanks they would vanish while
                // their cursor stays: a state the program never shows). Judged after
                // the scroll they would not match: they are dropped quietly then.
                if cell.active && cell.epoch <= confirmed {
                    cell.may_scroll_away = true;
                    continue;
                }
                cell.active = true;
                cell.epoch = epoch;
                cell.expiration_frame = frame + 1;
                cell.predicted_at = Some(now);
                cell.replacement = Cell::blank(cell.replacement.rendition());
            }
        } else {
            cur.row += 1;
            self.stale_row = Some((cur.row, frame + 1));
        }
    }

    /// Whether the screen's content of `row` is older than the newline that moved
    /// the cursor there: until the host has had that keystroke, the row may still
    /// show what an editor is about to clear (vi's `~`), so the text that typing
    /// shifts along is unknown rather than copied from it. (An addition to the
    /// spec: copied, such a `~` rides along after the cursor, shown and never
    /// judged, for as long as typing outpaces the round trip.)
    fn row_is_stale(&self, row: usize) -> bool {
        self.stale_row
            .is_some_and(|(stale, frame)| stale == row && self.link.late_ack < frame)
    }

    /// Whether predictions are drawn at all right now (§7).
    pub(crate) fn showing(&self) -> bool {
        match self.display {
            PredictionDisplay::Never => false,
            PredictionDisplay::Adaptive => self.srtt_trigger || self.glitch_trigger > 0,
            PredictionDisplay::Always | PredictionDisplay::Experimental => true,
        }
    }
}

fn refresh_cursor(cur: &mut CursorPrediction, frame_sent: u64, now: Instant) {
    cur.expiration_frame = frame_sent + 1;
    cur.predicted_at = Some(now);
}
