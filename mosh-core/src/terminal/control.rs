//! The longer C0/C1 and ESC functions (terminal.md §6.3, §6.4): cursor save and
//! restore, the alignment pattern, tab movement. `action.rs` decodes them and
//! `perform.rs` calls these.

use super::cell::PackedCell;
use super::framebuffer::Framebuffer;

impl Framebuffer {
    /// DECSC.
    pub(super) fn save_cursor(&mut self) {
        let ds = &mut self.ds;
        ds.saved.row = ds.cursor_row;
        ds.saved.col = ds.cursor_col;
        ds.saved.pen = ds.pen;
        ds.saved.autowrap = ds.autowrap;
        ds.saved.origin = ds.origin;
    }

    /// DECRC: restores, then clamps into the limits of the restored origin mode.
    pub(super) fn restore_cursor(&mut self) {
        let saved = self.ds.saved;
        self.ds.pen = saved.pen;
        self.ds.autowrap = saved.autowrap;
        self.ds.origin = saved.origin;
        self.set_cursor(saved.row as isize, saved.col as isize);
    }

    /// DECALN: every cell reset with the pen background, then filled with `E`.
    pub(super) fn screen_alignment(&mut self) {
        let filled = PackedCell::narrow('E', self.ds.pen.erased());
        for row in 0..self.ds.height {
            self.row_mut(row).fill(0, usize::MAX, filled);
        }
    }

    /// Moves to the `n`th tab stop right of the cursor, or the last column.
    pub(crate) fn tab_forward(&mut self, n: usize) {
        let mut col = self.ds.cursor_col;
        for _ in 0..n.min(self.ds.width) {
            col = (col + 1..self.ds.width)
                .find(|&c| self.ds.tabs[c])
                .unwrap_or(self.ds.width - 1);
        }
        let pending_wrap = self.ds.pending_wrap;
        self.move_col_to(col);
        self.ds.pending_wrap = pending_wrap;
    }

    /// Moves to the `n`th tab stop left of the cursor, never considering column 0
    /// (column 0 when not enough are found).
    pub(crate) fn tab_backward(&mut self, n: usize) {
        let mut col = self.ds.cursor_col;
        for _ in 0..n.min(self.ds.width) {
            col = (1..col).rev().find(|&c| self.ds.tabs[c]).unwrap_or(0);
        }
        let pending_wrap = self.ds.pending_wrap;
        self.move_col_to(col);
        self.ds.pending_wrap = pending_wrap;
    }
}
