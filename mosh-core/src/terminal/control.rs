//! C0/C1 controls and ESC sequences (terminal.md §6.3, §6.4).

use super::framebuffer::Framebuffer;

impl Framebuffer {
    /// Executes a control code point.
    pub(crate) fn execute_control(&mut self, c: char) {
        match u32::from(c) {
            0x07 => {
                self.bell_count += 1;
                self.ds.pending_wrap = false;
            }
            0x08 => self.move_col_by(-1),
            // HT keeps pending wrap.
            0x09 => self.tab_forward(1),
            0x0A..=0x0C | 0x84 => self.line_feed(1),
            0x0D => self.move_col_to(0),
            0x85 => {
                self.move_col_to(0);
                self.line_feed(1);
            }
            0x88 => {
                let col = self.ds.cursor_col;
                self.ds.tabs[col] = true;
                self.ds.pending_wrap = false;
            }
            0x8D => self.line_feed(-1),
            _ => self.ds.pending_wrap = false,
        }
    }

    /// Dispatches `ESC` + collected + final.
    pub(crate) fn esc_dispatch(&mut self, collected: &[u8], final_char: char) {
        let f = u32::from(final_char);
        if collected.is_empty() && (0x40..=0x5F).contains(&f) {
            // ESC D = IND, ESC E = NEL, ESC H = HTS, ESC M = RI, ESC \ = ST …
            if let Some(c1) = char::from_u32(f + 0x40) {
                self.execute_control(c1);
            }
            return;
        }
        self.ds.pending_wrap = false;
        match (collected, final_char) {
            (b"", '7') => self.save_cursor(),
            (b"", '8') => self.restore_cursor(),
            (b"", 'c') => self.reset_all(),
            (b"#", '8') => self.screen_alignment(),
            _ => {}
        }
    }

    /// DECSC.
    fn save_cursor(&mut self) {
        let ds = &mut self.ds;
        ds.saved.row = ds.cursor_row;
        ds.saved.col = ds.cursor_col;
        ds.saved.pen = ds.pen;
        ds.saved.autowrap = ds.autowrap;
        ds.saved.origin = ds.origin;
    }

    /// DECRC: restores, then clamps into the limits of the restored origin mode.
    fn restore_cursor(&mut self) {
        let saved = self.ds.saved;
        self.ds.pen = saved.pen;
        self.ds.autowrap = saved.autowrap;
        self.ds.origin = saved.origin;
        self.set_cursor(saved.row as isize, saved.col as isize);
    }

    /// DECALN: every cell reset with the pen background, then filled with `E`.
    fn screen_alignment(&mut self) {
        let pen = self.ds.pen;
        for row in 0..self.ds.height {
            for cell in self.row_mut(row).cells_mut() {
                cell.reset(pen);
                cell.set_char('E');
            }
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
