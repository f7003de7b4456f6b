//! Telling from two server frames whether the screen scrolled, and by how much.
//!
//! A stock server sends screens, not the lines that left them, so scrolling is
//! inferred: the new frame must show the previous frame's settled rows (those above
//! its cursor) moved up by `k` rows, exactly. The rules are conservative, because a
//! false "scroll" would put lines into the history that never scrolled away:
//!
//! - both frames have the same size, and neither reports the mouse (programs that
//!   do are full-screen ones);
//! - the new cursor is on the last row, where a shell's output leaves it (a
//!   full-screen program scrolling its window under a status line keeps its cursor
//!   elsewhere);
//! - every settled row `k..c` of the old frame equals row `0..c-k` of the new one,
//!   at least [`MIN_MATCHED_ROWS`] of them non-blank and not all alike (a screen of
//!   repeated lines could have moved by any amount);
//! - the old cursor row moved up with the rest, or was completed: what it held is a
//!   prefix of new row `c-k`. A pager's prompt on the last row stays on the last row
//!   while its text moves up, so a pager scrolling line by line is never taken for
//!   output;
//! - the smallest such `k` wins (the fewest lines added).
//!
//! A clear screen or a redraw has no such overlap and is never a scroll.

use crate::terminal::{Framebuffer, Row};

/// Non-blank rows that must match for a scroll to be believed.
pub const MIN_MATCHED_ROWS: usize = 2;

/// How many rows left the top between `old` and `new`, if the screen scrolled.
pub fn scrolled_rows(old: &Framebuffer, new: &Framebuffer) -> Option<usize> {
    if old.width() != new.width() || old.height() != new.height() {
        return None;
    }
    if old.mouse_reporting().is_some() || new.mouse_reporting().is_some() {
        return None;
    }
    let height = new.height();
    if new.cursor().0 + 1 != height {
        return None;
    }
    let settled = old.cursor().0.min(height - 1);
    let (old_rows, new_rows) = (old.rows(), new.rows());
    (1..settled).find(|&k| {
        let overlap = settled - k;
        if overlap < MIN_MATCHED_ROWS {
            return false;
        }
        let moved = (0..overlap).all(|i| same_cells(&old_rows[k + i], &new_rows[i]));
        moved
            && distinct_non_blank(&new_rows[..overlap])
            && continues(&old_rows[settled], &new_rows[settled - k])
    })
}

/// Whether two rows show the same cells (their identities may differ).
pub fn same_cells(a: &Row, b: &Row) -> bool {
    std::ptr::eq(a, b) || a.same_cells(b)
}

/// Whether a row shows nothing: every cell empty or a space, in the default rendition.
pub fn is_blank(row: &Row) -> bool {
    row.shown_width() == 0
}

/// At least [`MIN_MATCHED_ROWS`] non-blank rows, and not all the same.
fn distinct_non_blank(rows: &[std::sync::Arc<Row>]) -> bool {
    let mut non_blank = rows.iter().filter(|row| !is_blank(row));
    let Some(first) = non_blank.next() else {
        return false;
    };
    let mut count = 1;
    let mut distinct = false;
    for row in non_blank {
        count += 1;
        distinct |= !same_cells(first, row);
    }
    count >= MIN_MATCHED_ROWS && distinct
}

/// Whether `later` shows everything `earlier` showed up to its last non-blank cell
/// (the same line, perhaps completed since).
fn continues(earlier: &Row, later: &Row) -> bool {
    later.same_cells_before(earlier, earlier.shown_width())
}

/// Whether `new` rewrote a row above `old`'s cursor without scrolling: a shell only
/// writes at and below its cursor, so this is a clear screen or a full-screen
/// program drawing.
pub fn redrew_above_cursor(old: &Framebuffer, new: &Framebuffer) -> bool {
    if old.width() != new.width() || old.height() != new.height() {
        return true;
    }
    let cursor = old.cursor().0.min(old.height());
    old.rows()[..cursor]
        .iter()
        .zip(new.rows())
        .any(|(a, b)| !same_cells(a, b))
}
