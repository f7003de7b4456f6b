//! Printing characters (terminal.md §5).

use super::cell::PackedCell;
use super::framebuffer::Framebuffer;
use super::width::char_width;

impl Framebuffer {
    /// Prints one code point according to its width.
    pub(crate) fn print(&mut self, c: char) {
        match char_width(c) {
            1 => self.print_spacing(c, false),
            2 => self.print_spacing(c, true),
            0 => self.print_combining(c),
            _ => {}
        }
    }

    /// Prints printable ASCII (0x20–0x7E) from the start of `bytes`, which begins
    /// with at least one such byte, up to the end of the run or of the row, and
    /// returns how many bytes it used: the hot path for plain text, which finds the
    /// end of the run while it writes a stretch of a row at once.
    pub(crate) fn print_ascii_run(&mut self, bytes: &[u8]) -> usize {
        let ds = &self.ds;
        let (row, col, width) = (ds.cursor_row, ds.cursor_col, ds.width);
        // Insert mode, a pending wrap and a cursor outside the origin-mode region
        // (behaviour case C3) take the one-character path.
        if ds.insert
            || (ds.pending_wrap && ds.autowrap)
            || (ds.origin && (row < ds.scroll_top || row > ds.scroll_bottom))
        {
            self.print_spacing(char::from(bytes[0]), false);
            return 1;
        }
        let rendition = ds.pen;
        let n = self.row_mut(row).print_ascii(col, bytes, rendition);
        if n == 0 {
            // Not reached (the cursor is inside the row and `bytes[0]` printable),
            // but the one-character path keeps the caller's loop moving regardless.
            self.print_spacing(char::from(bytes[0]), false);
            return 1;
        }
        let ds = &mut self.ds;
        ds.combining_target = Some((row, col + n - 1));
        ds.pending_wrap = col + n >= width;
        ds.cursor_col = (col + n).min(width - 1);
        n
    }

    fn print_spacing(&mut self, c: char, wide: bool) {
        let w = self.ds.width;
        if self.ds.autowrap && self.ds.pending_wrap {
            let row = self.ds.cursor_row;
            self.row_mut(row).set_wrapped(true);
            self.ds.cursor_col = 0;
            self.line_feed(1);
        } else if self.ds.autowrap && wide && self.ds.cursor_col == w - 1 {
            let (row, col) = (self.ds.cursor_row, self.ds.cursor_col);
            let pen = self.ds.pen;
            let r = self.row_mut(row);
            r.erase(col, col + 1, pen.erased());
            r.set_wrapped(false);
            self.ds.cursor_col = 0;
            self.line_feed(1);
        }
        let width = if wide { 2 } else { 1 };
        let (row, col) = (self.ds.cursor_row, self.ds.cursor_col);
        let pen = self.ds.pen;
        let insert = self.ds.insert;
        let r = self.row_mut(row);
        if insert {
            r.insert_cells(col, width, pen);
        }
        r.put(col, PackedCell::with_char(c, wide, pen));
        if wide && col + 1 < w {
            r.erase(col + 1, col + 2, pen.erased());
        }
        self.advance(width);
    }

    /// The implicit cursor advance after printing: the printed cell becomes the
    /// combining target; moving past the last column sets pending wrap instead. The
    /// row is re-clamped into the current limits (behaviour case C3).
    fn advance(&mut self, width: usize) {
        let (row, col) = (self.ds.cursor_row, self.ds.cursor_col);
        self.ds.combining_target = Some((row, col));
        let new_col = col + width;
        if new_col >= self.ds.width {
            self.ds.cursor_col = self.ds.width - 1;
            self.ds.pending_wrap = true;
        } else {
            self.ds.cursor_col = new_col;
            self.ds.pending_wrap = false;
        }
        let (top, bottom) = self.ds.limits();
        self.ds.cursor_row = row.clamp(top, bottom);
    }

    fn print_combining(&mut self, c: char) {
        let Some((row, col)) = self.ds.combining_target else {
            return;
        };
        if row >= self.ds.height || col >= self.ds.width {
            return;
        }
        let empty = self.rows[row].packed()[col].is_empty();
        self.row_mut(row).update_cell(col, |cell| {
            if empty {
                cell.set_fallback(true);
            }
            cell.append(c);
        });
        if empty {
            self.advance(1);
        }
    }
}
