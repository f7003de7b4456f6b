//! A row of cells with an identity (terminal.md §4.3).
//!
//! Rows are shared between framebuffer snapshots through `Arc` and copied on write,
//! so a snapshot costs one pointer per row and the frame generator can skip rows that
//! are the same object in both frames without looking at their cells.

use std::sync::atomic::{AtomicU64, Ordering};

use super::cell::Cell;
use super::rendition::Rendition;

static NEXT_ROW_ID: AtomicU64 = AtomicU64::new(1);

fn fresh_id() -> u64 {
    NEXT_ROW_ID.fetch_add(1, Ordering::Relaxed)
}

/// A row: `width` cells plus an identity that survives copies and changes only when
/// the row is created or reset as a whole.
#[derive(Clone, Debug)]
pub struct Row {
    id: u64,
    cells: Vec<Cell>,
}

impl Row {
    /// A fresh blank row (new identity) whose cells carry `pen`'s background.
    pub fn new(width: usize, pen: Rendition) -> Self {
        Self {
            id: fresh_id(),
            cells: vec![Cell::blank(pen.erased()); width],
        }
    }

    /// Resets every cell under `pen` and gives the row a new identity.
    pub fn reset(&mut self, pen: Rendition) {
        let rendition = pen.erased();
        for cell in &mut self.cells {
            cell.make_blank(rendition);
        }
        self.id = fresh_id();
    }

    /// The identity.
    pub const fn id(&self) -> u64 {
        self.id
    }

    /// The cells.
    pub fn cells(&self) -> &[Cell] {
        &self.cells
    }

    /// The row as text: every cell's grapheme (blank cells as spaces), with the
    /// trailing blanks removed, as `tmux capture-pane` prints a row.
    pub fn text(&self) -> String {
        let mut out = Vec::with_capacity(self.cells.len());
        for cell in self.cells.iter() {
            cell.write_grapheme(&mut out);
        }
        let text = String::from_utf8(out).unwrap_or_default();
        text.trim_end().to_owned()
    }

    /// The cells, mutable.
    pub fn cells_mut(&mut self) -> &mut [Cell] {
        &mut self.cells
    }

    /// The number of cells.
    pub fn width(&self) -> usize {
        self.cells.len()
    }

    /// Whether the row's text continues on the next row (its last cell's wrap flag).
    pub fn is_wrapped(&self) -> bool {
        self.cells.last().is_some_and(Cell::is_wrap)
    }

    /// Sets the wrap flag of the last cell.
    pub fn set_wrapped(&mut self, wrap: bool) {
        if let Some(last) = self.cells.last_mut() {
            last.set_wrap(wrap);
        }
    }

    /// Inserts `n` blank cells at `col`, dropping cells pushed past the end.
    pub fn insert_cells(&mut self, col: usize, n: usize, pen: Rendition) {
        let width = self.cells.len();
        if col >= width {
            return;
        }
        let n = n.min(width - col);
        self.cells[col..].rotate_right(n);
        for cell in &mut self.cells[col..col + n] {
            cell.reset(pen);
        }
    }

    /// Deletes `n` cells at `col`, appending blank cells at the end.
    pub fn delete_cells(&mut self, col: usize, n: usize, pen: Rendition) {
        let width = self.cells.len();
        if col >= width {
            return;
        }
        let n = n.min(width - col);
        self.cells[col..].rotate_left(n);
        for cell in &mut self.cells[width - n..] {
            cell.reset(pen);
        }
    }

    /// Truncates or pads the row to `width` (padding carries `pen`'s background) and
    /// clears the wrap flag (terminal.md §8 step 4).
    pub fn set_width(&mut self, width: usize, pen: Rendition) {
        self.set_wrapped(false);
        self.cells.resize(width, Cell::blank(pen.erased()));
    }
}

impl PartialEq for Row {
    /// Rows *match* when they have the same identity and the same cells.
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id && self.cells == other.cells
    }
}

impl Eq for Row {}
