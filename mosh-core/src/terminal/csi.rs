//! CSI functions (terminal.md §6.5).

use super::framebuffer::Framebuffer;
use super::parser::Params;

impl Framebuffer {
    /// Dispatches a CSI sequence; replies to the host (DA, DSR) go to `replies`.
    pub(crate) fn csi_dispatch(
        &mut self,
        params: &Params,
        collected: &[u8],
        final_char: char,
        replies: &mut Vec<u8>,
    ) {
        // Counts are clamped to the screen: identical results, bounded work.
        let count = |n: usize| usize::from(params.get(n, 1));
        match (collected, final_char) {
            (b"", 'm') => self.select_graphic_rendition(params),
            (b"?", 'h') => self.set_private_modes(params, true),
            (b"?", 'l') => self.set_private_modes(params, false),
            (b"", 'I') => self.tab_forward(count(0)),
            (b"", 'Z') => self.tab_backward(count(0)),
            (b"", 'g') => self.clear_tabs(params.get(0, 0)),
            _ => {
                self.ds.pending_wrap = false;
                match (collected, final_char) {
                    (b"", 'A') => self.move_row_by(-(count(0) as isize)),
                    (b"", 'B') => self.move_row_by(count(0) as isize),
                    (b"", 'C') => self.move_col_by(count(0) as isize),
                    (b"", 'D') => self.move_col_by(-(count(0) as isize)),
                    (b"", 'H' | 'f') => {
                        self.ds.cursor_col = count(1) - 1;
                        self.move_row_to(count(0) - 1);
                    }
                    (b"", 'd') => self.move_row_to(count(0) - 1),
                    (b"", 'G' | '`') => self.move_col_to(count(0) - 1),
                    (b"", 'J') => self.erase_display(params.get(0, 0)),
                    (b"", 'K') => self.erase_line(params.get(0, 0)),
                    (b"", 'X') => {
                        let (row, col) = self.cursor();
                        self.erase_cells(row, col, col.saturating_add(count(0)));
                    }
                    (b"", '@') => {
                        let (row, col) = self.cursor();
                        let pen = self.ds.pen;
                        self.row_mut(row).insert_cells(col, count(0), pen);
                    }
                    (b"", 'P') => {
                        let (row, col) = self.cursor();
                        let pen = self.ds.pen;
                        self.row_mut(row).delete_cells(col, count(0), pen);
                    }
                    (b"", 'L') => {
                        self.insert_lines_at(self.ds.cursor_row, count(0));
                        self.move_col_to(0);
                    }
                    (b"", 'M') => {
                        self.delete_lines_at(self.ds.cursor_row, count(0));
                        self.move_col_to(0);
                    }
                    (b"", 'S') => self.scroll_up(count(0)),
                    (b"", 'T') => self.scroll_down(count(0)),
                    (b"", 'r') => self.set_scroll_region(params),
                    (b"", 'h') => self.set_ansi_modes(params, true),
                    (b"", 'l') => self.set_ansi_modes(params, false),
                    (b"!", 'p') => self.soft_reset(),
                    (b"", 'c') => replies.extend_from_slice(b"\x1b[?62c"),
                    (b">", 'c') => replies.extend_from_slice(b"\x1b[>1;10;0c"),
                    (b"", 'n') => self.device_status(params.get(0, 0), replies),
                    _ => {}
                }
            }
        }
    }

    fn erase_display(&mut self, mode: u16) {
        let (row, col) = self.cursor();
        match mode {
            0 => {
                self.erase_cells(row, col, self.ds.width);
                for r in row + 1..self.ds.height {
                    self.reset_row(r);
                }
            }
            1 => {
                for r in 0..row {
                    self.reset_row(r);
                }
                self.erase_cells(row, 0, col + 1);
            }
            2 => {
                for r in 0..self.ds.height {
                    self.reset_row(r);
                }
            }
            _ => {}
        }
    }

    fn erase_line(&mut self, mode: u16) {
        let (row, col) = self.cursor();
        match mode {
            0 => self.erase_cells(row, col, self.ds.width),
            1 => self.erase_cells(row, 0, col + 1),
            2 => self.reset_row(row),
            _ => {}
        }
    }

    fn clear_tabs(&mut self, mode: u16) {
        match mode {
            0 => {
                let col = self.ds.cursor_col;
                self.ds.tabs[col] = false;
            }
            3 => {
                self.ds.tabs.iter_mut().for_each(|t| *t = false);
                self.ds.default_tabs = false;
            }
            _ => {}
        }
    }

    /// DECSTBM; the checks use the raw parameter values (terminal.md §6.5).
    fn set_scroll_region(&mut self, params: &Params) {
        let height = self.ds.height;
        let top = usize::from(params.get(0, 1));
        let bottom = usize::from(params.get(1, height.min(65_535) as u16));
        if bottom <= top || top > height {
            return;
        }
        self.ds.scroll_top = top - 1;
        self.ds.scroll_bottom = bottom.min(height) - 1;
        self.ds.cursor_col = 0;
        self.move_row_to(0);
    }

    /// DECSTR.
    fn soft_reset(&mut self) {
        let ds = &mut self.ds;
        ds.insert = false;
        ds.origin = false;
        ds.cursor_visible = true;
        ds.application_cursor_keys = false;
        ds.scroll_top = 0;
        ds.scroll_bottom = ds.height - 1;
        ds.pen = Default::default();
        ds.saved = super::state::SavedCursor::initial();
    }

    fn device_status(&mut self, kind: u16, replies: &mut Vec<u8>) {
        match kind {
            5 => replies.extend_from_slice(b"\x1b[0n"),
            6 => {
                let (row, col) = self.cursor();
                replies.extend_from_slice(format!("\x1b[{};{}R", row + 1, col + 1).as_bytes());
            }
            _ => {}
        }
    }
}
