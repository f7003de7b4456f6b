//! Rows that scroll off the top of the screen, collected for the scrollback
//! extension (`docs/scrollback-extension.md`). Off unless a server turns it on; it
//! changes nothing the emulator shows or compares.
//!
//! Only the main screen's history counts. The emulator has no alternate screen (a
//! mosh quirk, `terminal.md` §6.6), but remembers whether a program asked for one
//! (modes 47, 1047, 1049) so that what a full-screen program scrolls is not kept.
//! Its last page stays on the screen after it leaves the alternate screen; those
//! rows, as long as nothing writes to them, are not kept either when later output
//! scrolls them off (as a terminal's alternate screen never enters its scrollback).

use std::sync::Arc;

use super::row::Row;

/// Most rows held between two takes; the oldest go beyond it.
pub const MAX_CAPTURED_ROWS: usize = 65_536;

/// Most spent rows kept for reuse (see [`ScrollCapture::recycle`]): more than one
/// read of a flood scrolls off, few enough that their storage stays small.
pub(crate) const MAX_SPARE_ROWS: usize = 1024;

/// The collection state.
#[derive(Debug, Default)]
pub(crate) struct ScrollCapture {
    /// Whether rows are collected.
    pub on: bool,
    /// Whether a program asked for the alternate screen.
    pub alternate: bool,
    /// Rows collected since the last take, oldest first.
    pub rows: Vec<Arc<Row>>,
    /// The rows on the screen when the alternate screen was left: not collected
    /// while unchanged (a write copies a shared row, so it no longer matches).
    pub leftover: Vec<Arc<Row>>,
    /// Rows the taker is done with, whose storage the next captures reuse.
    spare: Vec<Arc<Row>>,
}

/// A copy of a framebuffer (a state about to be sent, a snapshot) keeps the settings
/// but none of the collected rows: those belong to the live screen's taker, and
/// copying them on every state would cost a reference per row and keep the spent rows
/// from being reused.
impl Clone for ScrollCapture {
    fn clone(&self) -> Self {
        ScrollCapture {
            on: self.on,
            alternate: self.alternate,
            ..ScrollCapture::default()
        }
    }
}

impl ScrollCapture {
    /// `rows` left the top of the main screen.
    pub(crate) fn record(&mut self, rows: &[Arc<Row>]) {
        if !self.on || self.alternate {
            return;
        }
        for row in rows {
            match self.leftover.iter().position(|l| Arc::ptr_eq(l, row)) {
                Some(i) => {
                    self.leftover.swap_remove(i);
                }
                // A copy of what the row shows (a few cells of a typical line),
                // not a second reference: the screen then reuses the row's storage
                // for the blank row that replaces it instead of allocating one; the
                // copy goes into a spent row's storage when there is one.
                None => {
                    let shown = row.shown_width();
                    let copy = match self.spare.pop() {
                        Some(mut spare) => match Arc::get_mut(&mut spare) {
                            Some(storage) => {
                                storage.copy_first_cells(row, shown);
                                spare
                            }
                            None => Arc::new(row.first_cells(shown)),
                        },
                        None => Arc::new(row.first_cells(shown)),
                    };
                    self.rows.push(copy);
                }
            }
        }
        let excess = self.rows.len().saturating_sub(MAX_CAPTURED_ROWS);
        self.rows.drain(..excess);
    }

    /// Rows a taker no longer needs: their storage is reused by the next captures
    /// (only rows nothing else holds, at most [`MAX_SPARE_ROWS`]).
    pub(crate) fn recycle(&mut self, rows: impl IntoIterator<Item = Arc<Row>>) {
        for row in rows {
            if self.spare.len() >= MAX_SPARE_ROWS {
                break;
            }
            if Arc::strong_count(&row) == 1 {
                self.spare.push(row);
            }
        }
    }

    /// A program asked for the alternate screen (`on`) or left it, with `screen`
    /// showing.
    pub(crate) fn set_alternate(&mut self, on: bool, screen: &[Arc<Row>]) {
        if self.on && self.alternate && !on {
            self.leftover = screen.to_vec();
        } else if on {
            self.leftover.clear();
        }
        self.alternate = on;
    }
}

#[cfg(test)]
mod tests {
    use crate::terminal::Emulator;

    fn taken(e: &mut Emulator) -> Vec<String> {
        e.take_scrolled_rows().iter().map(|r| r.text()).collect()
    }

    #[test]
    fn main_screen_lines_that_leave_the_top_only() {
        let mut e = Emulator::new(10, 3);
        e.feed(b"a\r\nb\r\nc\r\nd\r\n");
        assert!(taken(&mut e).is_empty(), "off until turned on");
        e.capture_scrolled_rows(true);
        e.feed(b"e\r\nf\r\n");
        assert_eq!(taken(&mut e), ["c", "d"]);
        // A full-screen program: nothing it scrolls is kept, nor its last page
        // when output later scrolls it away, unless written to meanwhile.
        e.feed(b"\x1b[?1049h\x1b[H\x1b[2Jx\r\ny\r\nz\r\nw\x1b[?1049l");
        assert!(taken(&mut e).is_empty());
        e.feed(b"\x1b[2;1H!\x1b[3;1H\r\n\r\n\r\n");
        assert_eq!(taken(&mut e), ["!"]);
        // A region below the top (a status line above) keeps nothing either.
        e.feed(b"\x1b[2;3r\x1b[3;1Hp\r\nq\r\n\x1b[r");
        assert!(taken(&mut e).is_empty());
        // A region from the top (a progress bar below) does.
        e.feed(b"\x1b[1;2r\x1b[2;1Hm\r\nn\r\n\x1b[r");
        assert_eq!(taken(&mut e).len(), 2);
        // SU from the top.
        e.feed(b"\x1b[H1\r\n2\r\n3\x1b[2S");
        assert_eq!(taken(&mut e), ["1", "2"]);
        e.capture_scrolled_rows(false);
        e.feed(b"\r\n\r\n\r\n");
        assert!(taken(&mut e).is_empty());
    }
}
