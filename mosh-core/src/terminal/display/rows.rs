//! Drawing rows and the scroll shortcut (terminal.md §9.3, §9.4).

use std::sync::Arc;

use super::Capabilities;
use super::tracker::Tracker;
use crate::terminal::cell::PackedCell;
use crate::terminal::rendition::{Rendition, push_decimal};
use crate::terminal::row::Row;

/// Whether two rows match: the same object, or the same identity and cells.
pub(super) fn rows_match(a: &Arc<Row>, b: &Arc<Row>) -> bool {
    Arc::ptr_eq(a, b) || **a == **b
}

/// The rows as the receiver holds them. A wrap flag on the last row never reaches it:
/// the flag is only set by the next character wrapping, and nothing follows the last
/// row. Comparing against the sender's flag would let a scroll move that row up as if
/// it were already in place, leaving it unwrapped on the receiver.
pub(super) fn as_received(rows: &[Arc<Row>]) -> Vec<Arc<Row>> {
    let mut rows = rows.to_vec();
    if let Some(last) = rows.last_mut()
        && last.is_wrapped()
    {
        Arc::make_mut(last).set_wrapped(false);
    }
    rows
}

/// Finds a scroll that moves old rows to the top of the new screen and, if there is
/// one, emits it and updates `old` to what the receiver then shows. Returns the number
/// of new rows already in place.
pub(super) fn scroll_shortcut(
    t: &mut Tracker<'_>,
    old: &mut [Arc<Row>],
    new: &[Arc<Row>],
    height: usize,
) -> usize {
    let Some(shift) = (0..height).find(|&r| rows_match(&old[r], &new[0])) else {
        return 0;
    };
    if shift == 0 {
        return 0;
    }
    let mut rows = 1;
    while shift + rows < height && rows_match(&new[rows], &old[shift + rows]) {
        rows += 1;
    }
    // New lines must enter with a default background.
    t.set_pen(Rendition::default(), true);
    let bottom = shift + rows - 1;
    if shift + rows == height && t.cursor.is_some_and(|(r, _)| r == height - 1) {
        t.out.push(b'\r');
        t.out.extend(std::iter::repeat_n(b'\n', shift));
        t.cursor = Some((height - 1, 0));
    } else {
        t.out.extend_from_slice(b"\x1b[1;");
        push_decimal(t.out, bottom as u32 + 1);
        t.out.push(b'r');
        t.cursor = None;
        t.silent_move_to(bottom, 0);
        t.out.extend(std::iter::repeat_n(b'\n', shift));
        t.out.extend_from_slice(b"\x1b[r");
        t.cursor = None;
    }
    let width = old[0].width();
    old[..=bottom].rotate_left(shift);
    for row in &mut old[bottom + 1 - shift..=bottom] {
        *row = Arc::new(Row::new(width, Rendition::default()));
    }
    rows
}

/// Everything `draw_row` needs besides the rows.
pub(super) struct RowContext {
    pub(super) initialized: bool,
    pub(super) width: usize,
    pub(super) height: usize,
    pub(super) caps: Capabilities,
}

/// Draws row `y` over what the receiver has (`old`). `forced_wrap` says the receiver is
/// waiting to wrap at the end of the previous row and the new row's first cell must be
/// written now. Returns the same flag for the next row.
pub(super) fn draw_row(
    t: &mut Tracker<'_>,
    ctx: &RowContext,
    y: usize,
    new_row: &Arc<Row>,
    old_row: &Arc<Row>,
    forced_wrap: bool,
) -> bool {
    let w = ctx.width;
    let cells = new_row.packed();
    let mut x = 0;
    if forced_wrap {
        let cell = cells[0];
        t.set_pen_of(cell);
        new_row.write_grapheme(0, t.out);
        x += cell.width();
        t.advance(cell.width());
    }
    // A forced first cell that reaches the row end has reset the row's wrap flag on
    // the receiver, so even an unchanged row then needs its end handled below.
    if ctx.initialized && Arc::ptr_eq(new_row, old_row) && x < w {
        return false;
    }
    // The last row cannot be left wrapped on the receiver (see `as_received`).
    let wrap_row = new_row.is_wrapped() && y + 1 < ctx.height;
    let mut run = 0;
    // The first cell of the run: its rendition is the run's.
    let mut run_cell = PackedCell::blank(Rendition::default());
    // A forced first cell may already fill a very narrow row.
    let mut wrote_last = x >= w;
    while x < w {
        let cell = cells[x];
        if ctx.initialized && run == 0 && receiver_has(old_row, new_row, x, wrap_row) {
            x += cell.width();
            continue;
        }
        if cell.is_empty() {
            if run == 0 {
                run_cell = cell;
            }
            if run_cell.rendition_key_here() == cell.rendition_key_here() {
                run += 1;
                x += 1;
                continue;
            }
        }
        if run > 0 {
            t.silent_move_to(y, x - run);
            t.set_pen_of(run_cell);
            if (ctx.caps.bce || t.pen().is_default()) && ctx.caps.ech && run > 4 {
                t.out.extend_from_slice(b"\x1b[");
                push_decimal(t.out, run as u32);
                t.out.push(b'X');
            } else {
                t.out.extend(std::iter::repeat_n(b' ', run));
                t.advance(run);
            }
            run = 0;
            if cell.is_empty() {
                run = 1;
                run_cell = cell;
                x += 1;
                continue;
            }
        }
        let width = if cell.is_wide() && x + 1 < w { 2 } else { 1 };
        if wrap_row && x + width >= w {
            // Re-send the last cell after a CUP so the result does not depend on
            // whether the receiver was waiting to wrap.
            t.cursor = None;
        }
        t.silent_move_to(y, x);
        t.set_pen_of(cell);
        if width == cell.width() {
            new_row.write_grapheme(x, t.out);
        } else {
            // A wide cell cut at the last column (autowrap off, or a width shrink):
            // a receiver with autowrap on would wrap it and shift everything below,
            // so it is sent as a blank.
            t.out.push(b' ');
        }
        x += width;
        t.advance(width);
        if x >= w {
            wrote_last = true;
        }
    }
    if run > 0 {
        t.silent_move_to(y, x - run);
        t.set_pen_of(run_cell);
        if (ctx.caps.bce || t.pen().is_default()) && !wrap_row {
            t.out.extend_from_slice(b"\x1b[K");
        } else {
            t.out.extend(std::iter::repeat_n(b' ', run));
            t.advance(run);
            wrote_last = true;
        }
    }
    if wrote_last && y + 1 < ctx.height {
        if wrap_row {
            t.cursor = Some((y + 1, 0));
            return true;
        }
        t.out.extend_from_slice(b"\r\n");
        t.cursor = Some((y + 1, 0));
    }
    false
}

/// Whether the receiver certainly shows `cell` at column `x`: the old cell is equal
/// (on the last cell, with the wrap flag the drawn row ends up with, `wrap_row`), is
/// not hidden in the shadow of a wide character (where a narrow character the sender
/// holds was never drawn), and, for a wide character whose shadow is the last cell,
/// the row's wrap flag (kept on that shadow, which is never visited) is equal.
fn receiver_has(old_row: &Row, new_row: &Row, x: usize, wrap_row: bool) -> bool {
    let old = old_row.packed();
    let cell = new_row.packed()[x];
    let Some(&was) = old.get(x) else {
        return false;
    };
    let mut drawn = cell;
    if x + 1 == old.len() {
        drawn.set_wrap(wrap_row);
    }
    drawn == was
        && (!cell.is_cluster() || new_row.cluster_text(x) == old_row.cluster_text(x))
        && (x == 0 || !old[x - 1].is_wide())
        && (!cell.is_wide() || x + 2 != old.len() || old[x + 1].is_wrap() == wrap_row)
}
