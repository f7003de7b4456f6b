//! The longer CSI functions (terminal.md §6.5); `action.rs` decodes them and
//! `perform.rs` calls these.

use super::framebuffer::Framebuffer;
use super::parser::Params;

impl Framebuffer {
    pub(super) fn erase_display(&mut self, mode: u16) {
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

    pub(super) fn erase_line(&mut self, mode: u16) {
        let (row, col) = self.cursor();
        match mode {
            0 => self.erase_cells(row, col, self.ds.width),
            1 => self.erase_cells(row, 0, col + 1),
            2 => self.reset_row(row),
            _ => {}
        }
    }

    pub(super) fn clear_tabs(&mut self, mode: u16) {
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
    pub(super) fn set_scroll_region(&mut self, params: &Params) {
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
    pub(super) fn soft_reset(&mut self) {
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

    pub(super) fn device_status(&mut self, kind: u16, replies: &mut Vec<u8>) {
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
