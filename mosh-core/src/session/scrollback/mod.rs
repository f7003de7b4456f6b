//! Scrollback captured on the client (`mobile-api.md`: `scrollback(from, count)`).
//!
//! Mosh synchronizes the visible screen only. The client keeps what scrolled off
//! the top by comparing each new server frame with the previous one it saw
//! ([`detect`] says when and how far the screen scrolled), in a bounded ring
//! ([`ScrollbackRing`], [`DEFAULT_SCROLLBACK_LINES`] by default).
//!
//! **With our server** the client announces the scrollback extension
//! (`docs/scrollback-extension.md`) and the server sends the complete lines through
//! SSP ([`ScrollbackPart`], [`ScrollLog`]): nothing is inferred, and nothing is lost
//! unless the server had to drop lines the client had not acknowledged (200,000).
//!
//! **What cannot be recovered.** With a stock server, lines that scrolled away
//! between two frames this client received are never seen: a fast burst of output
//! (more than a screen between two frames, as over a slow link) or output while the
//! app was in the background leaves a gap in the history that no one can fill. The
//! frames the client does see are used conservatively, so a gap is preferred to a
//! wrong line.
//!
//! **Full-screen programs.** Mosh has no alternate screen (`terminal.md` §6.6), so
//! a pager or an editor draws on the one screen and its last page stays there after
//! it exits. Rows written by a redraw (a frame that rewrote rows above the previous
//! cursor without scrolling: a clear screen or a full-screen program drawing) are
//! marked, and never enter the history when they later scroll off, just as an
//! alternate screen's contents never enter a terminal's scrollback. The row the
//! cursor is on is not marked (the shell prompt after a clear screen).
//!
//! **Memory.** A line is kept as styled runs without trailing blanks, with no spare
//! capacity: measured at 155 bytes for a short `seq` line and 299 bytes for a
//! 60-column `ls -l --color` line, so the default 10,000 lines take 1.5–3 MiB
//! (`docs/benchmarks.md`; `mosh-core/tests/scrollback_memory.rs` measures it).

pub mod detect;
pub(crate) mod persist;
mod ring;
pub mod server_log;
mod state_part;

use std::sync::Arc;

use crate::terminal::Framebuffer;

use super::ScreenRow;
use detect::{redrew_above_cursor, same_cells, scrolled_rows};
pub use persist::SNAPSHOT_SCROLLBACK_BYTES;
pub use ring::{DEFAULT_SCROLLBACK_LINES, MAX_SCROLLBACK_LINES, ScrollbackLine, ScrollbackRing};
pub use server_log::ScrollLog;
pub use state_part::ScrollbackPart;

/// The capture: the ring, and which rows of the last frame a redraw wrote.
#[derive(Debug, Clone, Default)]
pub struct Scrollback {
    ring: ScrollbackRing,
    /// Per row of the last frame observed: written by a redraw (never captured).
    redrawn: Vec<bool>,
}

impl Scrollback {
    /// An empty capture keeping at most `limit` lines.
    pub fn new(limit: usize) -> Self {
        Scrollback {
            ring: ScrollbackRing::new(limit),
            redrawn: Vec::new(),
        }
    }

    /// The lines captured so far.
    pub fn ring(&self) -> &ScrollbackRing {
        &self.ring
    }

    /// Changes the number of lines kept (the oldest go first).
    pub fn set_limit(&mut self, limit: usize) {
        self.ring.set_limit(limit);
    }

    /// Appends a line that scrolled off by other means (a restored snapshot, or the
    /// rows a server sent with the scrollback extension).
    pub fn push(&mut self, line: ScreenRow) {
        self.ring.push(Arc::new(line));
    }

    /// The server's screen went from `old` to `new`: the rows that scrolled off the
    /// top go into the ring, unless a redraw wrote them. Returns the lines added.
    pub fn observe(&mut self, old: &Framebuffer, new: &Framebuffer) -> usize {
        let (old_rows, new_rows) = (old.rows(), new.rows());
        self.redrawn.resize(old_rows.len(), false);
        if old.width() != new.width() || old.height() != new.height() {
            // A resize keeps the rows (cut or padded): keep their marks by index.
            self.redrawn.resize(new_rows.len(), false);
            return 0;
        }
        let shift = scrolled_rows(old, new);
        let mut added = 0;
        if let Some(k) = shift {
            for (row, redrawn) in old_rows[..k].iter().zip(&self.redrawn) {
                if !redrawn {
                    self.ring.push(Arc::new(ScreenRow::trimmed(row)));
                    added += 1;
                }
            }
        }
        let redraw = shift.is_none() && redrew_above_cursor(old, new);
        let offset = shift.unwrap_or(0);
        let cursor = new.cursor().0;
        self.redrawn = new_rows
            .iter()
            .enumerate()
            .map(|(i, row)| match old_rows.get(i + offset) {
                Some(before) if same_cells(before, row) => self.redrawn[i + offset],
                _ => redraw && i != cursor,
            })
            .collect();
        added
    }
}

#[cfg(test)]
mod tests;
