//! What the generator knows about the receiving terminal while it writes a frame
//! (terminal.md §9.1): cursor position, pen and cursor visibility.

use crate::terminal::cell::PackedCell;
use crate::terminal::rendition::{Rendition, push_decimal};

/// The output buffer plus the tracked receiver state.
pub(super) struct Tracker<'a> {
    pub(super) out: &'a mut Vec<u8>,
    /// Tracked cursor; `None` = unknown. The column may be `width` after a write to
    /// the last column (the receiver is then waiting to wrap).
    pub(super) cursor: Option<(usize, usize)>,
    pen: Rendition,
    /// `pen` as packed cells hold it, so a cell's rendition is compared without
    /// unpacking it.
    pen_key: u128,
    pub(super) visible: bool,
    pub(super) width: usize,
}

impl<'a> Tracker<'a> {
    /// A tracker writing to `out` for a receiver with this cursor, pen, cursor
    /// visibility and screen width.
    pub(super) fn new(
        out: &'a mut Vec<u8>,
        cursor: Option<(usize, usize)>,
        pen: Rendition,
        visible: bool,
        width: usize,
    ) -> Self {
        Self {
            out,
            cursor,
            pen,
            pen_key: PackedCell::rendition_key(pen),
            visible,
            width,
        }
    }

    /// The receiver's pen.
    pub(super) fn pen(&self) -> Rendition {
        self.pen
    }

    /// Records that the receiver's pen is now `pen` (written by the caller).
    pub(super) fn assume_pen(&mut self, pen: Rendition) {
        self.pen = pen;
        self.pen_key = PackedCell::rendition_key(pen);
    }

    /// Sets the receiver's pen to `cell`'s rendition.
    pub(super) fn set_pen_of(&mut self, cell: PackedCell) {
        let key = cell.rendition_key_here();
        if key != self.pen_key {
            self.write_pen(cell.rendition(), key);
        }
    }

    /// Writes `pen` (whose packed key is `key`) to the receiver and tracks it.
    fn write_pen(&mut self, pen: Rendition, key: u128) {
        pen.write_sgr(self.out);
        self.pen = pen;
        self.pen_key = key;
    }

    /// Moves the receiver's cursor with the cheapest of CR+LFs, BSs or CUP.
    pub(super) fn move_to(&mut self, row: usize, col: usize) {
        match self.cursor {
            Some((tr, tc)) if col == 0 && row >= tr && row - tr < 5 => {
                if tc != 0 {
                    self.out.push(b'\r');
                }
                self.out.extend(std::iter::repeat_n(b'\n', row - tr));
            }
            // A receiver waiting to wrap executes BS from the last column, not from
            // `width`, so BS is only used from a real column (stock mosh 1.4.0 lands
            // one column left here; terminal.md §9.1).
            Some((tr, tc)) if row == tr && tc < self.width && tc > col && tc - col < 5 => {
                self.out.extend(std::iter::repeat_n(b'\x08', tc - col));
            }
            _ => {
                self.out.extend_from_slice(b"\x1b[");
                push_decimal(self.out, row as u32 + 1);
                self.out.push(b';');
                push_decimal(self.out, col as u32 + 1);
                self.out.push(b'H');
            }
        }
        self.cursor = Some((row, col));
    }

    /// Moves without showing the cursor on the way: hides it first if it is visible.
    pub(super) fn silent_move_to(&mut self, row: usize, col: usize) {
        if self.cursor == Some((row, col)) {
            return;
        }
        if self.visible {
            self.out.extend_from_slice(b"\x1b[?25l");
            self.visible = false;
        }
        self.move_to(row, col);
    }

    /// Sets the receiver's pen (always when `force`).
    pub(super) fn set_pen(&mut self, pen: Rendition, force: bool) {
        if force || pen != self.pen {
            self.write_pen(pen, PackedCell::rendition_key(pen));
        }
    }

    /// Advances the tracked column after text was written.
    pub(super) fn advance(&mut self, columns: usize) {
        if let Some((_, col)) = &mut self.cursor {
            *col += columns;
        }
    }
}
