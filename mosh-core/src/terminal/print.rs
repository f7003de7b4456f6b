//! Printing characters (terminal.md §5).

use std::sync::Arc;

use super::framebuffer::Framebuffer;
use super::parser::{Parser, Scanned};
use super::row::Row;
use super::utf8::leading_printable;
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

    /// Prints text and carries out the SGR sequences between it, from the start of
    /// `bytes`, which begins with printable ASCII (or, with `NON_ASCII`, with a
    /// complete character ≥ U+00A0), for as long as the text stays on the cursor's
    /// row: printable ASCII and, with `NON_ASCII`, complete non-ASCII characters that
    /// fit on the row, combining ones attached to the cell printed before them (or
    /// to the combining target when that is a printed cell of this row).
    ///
    /// Returns the bytes used and, when it stopped at another complete CSI sequence
    /// it had scanned, that sequence's length and final byte, for the caller to
    /// dispatch with [`Parser::dispatch_scanned`]. When the first character needs the
    /// one-character path (insert mode, a pending wrap with autowrap on, the cursor
    /// outside the origin-mode region as in behaviour case C3; with `NON_ASCII` also
    /// a wide character at the last column or a combining character with no printed
    /// cell of this row to attach to), an ASCII one is printed alone and 1 returned,
    /// and for any other nothing is used.
    ///
    /// This is the hot path of text, which full-screen programs send as words
    /// between SGR sequences: the row is borrowed once (a copy-on-write check, an
    /// atomic operation, per stretch of text cost 6 % of the editor corpus's time)
    /// and each SGR is applied to the pen without the dispatch of every other control
    /// function. SGR keeps a pending wrap, the insert mode and the origin-mode
    /// region, so the one check of them at the start holds for the whole loop.
    pub(crate) fn print_text_and_sgr<const NON_ASCII: bool>(
        &mut self,
        bytes: &[u8],
        parser: &mut Parser,
    ) -> (usize, Option<(usize, u8)>) {
        let ds = &self.ds;
        let (row, mut col, width) = (ds.cursor_row, ds.cursor_col, ds.width);
        let ds_target = ds.combining_target;
        if ds.insert
            || (ds.pending_wrap && ds.autowrap)
            || (ds.origin && (row < ds.scroll_top || row > ds.scroll_bottom))
        {
            if let Some(&b @ 0x20..=0x7E) = bytes.first() {
                self.print_spacing(char::from(b), false);
                return (1, None);
            }
            return (0, None);
        }
        // The row and the pen are borrowed side by side, so not through `row_mut`.
        let cells = Arc::make_mut(&mut self.rows[row]);
        let pen = &mut self.ds.pen;
        let mut used = cells.print_ascii(col, bytes, *pen);
        if used == 0 && !NON_ASCII {
            // Not reached (the cursor is inside the row, `bytes[0]` printable). Kept
            // as the one-character path rather than a bare return: with it, the
            // compiler's code for the loop needs 2 % fewer instructions on the editor
            // corpus (callgrind, 36.86 M against 37.25 M per MiB).
            self.print_spacing(char::from(bytes[0]), false);
            return (1, None);
        }
        col += used;
        let mut last_printed = (used > 0).then(|| col - 1);
        let mut csi = None;
        while col < width {
            let rest = &bytes[used..];
            match parser.scan(rest) {
                Some(Scanned::Sgr(len, params)) => {
                    pen.select_graphic_rendition(params);
                    used += len;
                }
                Some(Scanned::Other(len, final_byte)) => {
                    csi = Some((len, final_byte));
                    break;
                }
                None if !NON_ASCII => break,
                None => {
                    let Some(c) = leading_printable(rest) else {
                        break;
                    };
                    match char_width(c) {
                        1 => {
                            cells.put_char(col, c, false, *pen);
                            last_printed = Some(col);
                            col += 1;
                        }
                        2 if col + 1 < width => {
                            cells.put_char(col, c, true, *pen);
                            last_printed = Some(col);
                            col += 2;
                        }
                        // Attached where the state machine would: the cell printed
                        // last, or before anything was, the combining target.
                        0 => match last_printed.or_else(|| printed_target(cells, row, ds_target)) {
                            Some(target) => cells.update_cell(target, |cell| cell.append(c)),
                            None => break,
                        },
                        // A wide character at the last column wraps or stays there.
                        2 => break,
                        // Not printed, as `print` does.
                        _ => {}
                    }
                    used += c.len_utf8();
                }
            }
            // Text goes on after the sequence or the character, or a no-op.
            let n = cells.print_ascii(col, &bytes[used..], *pen);
            if n > 0 {
                col += n;
                used += n;
                last_printed = Some(col - 1);
            }
        }
        if let Some(last) = last_printed {
            let ds = &mut self.ds;
            ds.combining_target = Some((row, last));
            ds.pending_wrap = col >= width;
            ds.cursor_col = col.min(width - 1);
        }
        (used, csi)
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
        r.put_char(col, c, wide, pen);
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

/// Column `target` names on `row`, when it is a printed cell of `cells` (that row):
/// where a combining character goes that starts the text.
fn printed_target(cells: &Row, row: usize, target: Option<(usize, usize)>) -> Option<usize> {
    let (target_row, col) = target?;
    (target_row == row && cells.packed().get(col).is_some_and(|cell| !cell.is_empty()))
        .then_some(col)
}
