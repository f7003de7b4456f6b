//! A row of cells with an identity (terminal.md §4.3).
//!
//! Rows are shared between framebuffer snapshots through `Arc` and copied on write,
//! so a snapshot costs one pointer per row and the frame generator can skip rows that
//! are the same object in both frames without looking at their cells.
//!
//! The cells are stored packed (`cell.rs`); the text of each cluster cell is in the
//! row's cluster table, which has exactly one entry per cluster cell, by column. Every
//! change to the cells goes through this file, which keeps the table in step: that
//! is what makes two rows' cells equal exactly when their packed cells and tables
//! are.

use std::sync::atomic::{AtomicU64, Ordering};

use super::cell::{Cell, PackedCell};
use super::rendition::{Attributes, Colour, Rendition};

/// The default rendition as packed cells hold it: trailing cells are compared with it
/// without unpacking each one.
const DEFAULT_KEY: u128 = PackedCell::rendition_key(Rendition {
    fg: Colour::Default,
    bg: Colour::Default,
    attrs: Attributes::empty(),
});

static NEXT_ROW_ID: AtomicU64 = AtomicU64::new(1);

fn fresh_id() -> u64 {
    NEXT_ROW_ID.fetch_add(1, Ordering::Relaxed)
}

/// A row: `width` cells plus an identity that survives copies and changes only when
/// the row is created or reset as a whole.
#[derive(Clone, Debug)]
pub struct Row {
    id: u64,
    cells: Vec<PackedCell>,
    /// The text of each cluster cell, sorted by column (almost always empty).
    clusters: Vec<(usize, Box<str>)>,
}

impl Row {
    /// A fresh blank row (new identity) whose cells carry `pen`'s background.
    pub fn new(width: usize, pen: Rendition) -> Self {
        Self {
            id: fresh_id(),
            cells: vec![PackedCell::blank(pen.erased()); width],
            clusters: Vec::new(),
        }
    }

    /// Resets every cell under `pen` and gives the row a new identity.
    pub fn reset(&mut self, pen: Rendition) {
        self.cells.fill(PackedCell::blank(pen.erased()));
        self.clusters.clear();
        self.id = fresh_id();
    }

    /// The identity.
    pub const fn id(&self) -> u64 {
        self.id
    }

    /// The number of cells.
    pub fn width(&self) -> usize {
        self.cells.len()
    }

    /// The cell at `col`, if inside the row.
    pub fn cell(&self, col: usize) -> Option<Cell> {
        Some(self.unpack(col, *self.cells.get(col)?))
    }

    /// Cell `col` packed, with its cluster text when it has one: what reading a row's
    /// text needs, without building a [`Cell`] per column.
    pub(crate) fn packed_cell(&self, col: usize) -> Option<(PackedCell, Option<&str>)> {
        let packed = *self.cells.get(col)?;
        Some((packed, self.cluster(col, packed)))
    }

    /// The cells, left to right.
    pub fn cells(&self) -> impl DoubleEndedIterator<Item = Cell> + ExactSizeIterator + '_ {
        self.cells
            .iter()
            .enumerate()
            .map(|(col, &packed)| self.unpack(col, packed))
    }

    /// The cells up to the last one that shows something: cells that are blank
    /// ([`Cell::is_blank`]) in the default rendition after it are left out.
    pub fn shown_width(&self) -> usize {
        self.cells
            .iter()
            .rposition(|cell| !(cell.is_blank() && cell.rendition_key_here() == DEFAULT_KEY))
            .map_or(0, |last| last + 1)
    }

    /// A copy of the first `width` cells: what the scrollback keeps of a row that
    /// scrolled off (`width` its shown width).
    pub(crate) fn first_cells(&self, width: usize) -> Row {
        let width = width.min(self.cells.len());
        Row {
            id: self.id,
            cells: self.cells[..width].to_vec(),
            clusters: self
                .clusters
                .iter()
                .filter(|(col, _)| *col < width)
                .cloned()
                .collect(),
        }
    }

    /// Becomes a copy of the first `width` cells of `from`, reusing this row's
    /// storage (a recycled scrollback row: no allocation in the steady state of a
    /// flood). Storage far larger than needed is given back.
    pub(crate) fn copy_first_cells(&mut self, from: &Row, width: usize) {
        let width = width.min(from.cells.len());
        self.id = from.id;
        self.cells.clear();
        self.cells.extend_from_slice(&from.cells[..width]);
        if self.cells.capacity() > 4 * width + 64 {
            self.cells.shrink_to_fit();
        }
        self.clusters.clear();
        self.clusters.extend(
            from.clusters
                .iter()
                .filter(|(col, _)| *col < width)
                .cloned(),
        );
    }

    /// Whether the two rows hold the same cells (identity aside).
    pub fn same_cells(&self, other: &Row) -> bool {
        self.cells == other.cells && self.clusters == other.clusters
    }

    /// Whether the first `n` cells of the two rows are the same.
    pub fn same_cells_before(&self, other: &Row, n: usize) -> bool {
        let in_prefix = |clusters: &[(usize, Box<str>)]| {
            clusters.iter().take_while(|(col, _)| *col < n).count()
        };
        let (mine, theirs) = (in_prefix(&self.clusters), in_prefix(&other.clusters));
        matches!((self.cells.get(..n), other.cells.get(..n)), (Some(a), Some(b)) if a == b)
            && self.clusters[..mine] == other.clusters[..theirs]
    }

    /// The row as text: every cell's grapheme (blank cells as spaces), with the
    /// trailing blanks removed, as `tmux capture-pane` prints a row.
    pub fn text(&self) -> String {
        let mut out = Vec::with_capacity(self.cells.len());
        for col in 0..self.cells.len() {
            self.write_grapheme(col, &mut out);
        }
        let text = String::from_utf8(out).unwrap_or_default();
        text.trim_end().to_owned()
    }

    /// Replaces the cell at `col` (outside the row: nothing).
    pub fn set_cell(&mut self, col: usize, cell: Cell) {
        if col >= self.cells.len() {
            return;
        }
        let (packed, cluster) = cell.into_packed();
        self.forget_cluster(col);
        if let Some(text) = cluster {
            let at = self.clusters.partition_point(|(c, _)| *c < col);
            self.clusters.insert(at, (col, text));
        }
        self.cells[col] = packed;
    }

    /// Changes the cell at `col` with `change` (outside the row: nothing).
    pub fn update_cell(&mut self, col: usize, change: impl FnOnce(&mut Cell)) {
        if let Some(mut cell) = self.cell(col) {
            change(&mut cell);
            self.set_cell(col, cell);
        }
    }

    /// Gives every cell `rendition`, keeping the text.
    pub fn set_rendition(&mut self, rendition: Rendition) {
        for cell in &mut self.cells {
            cell.set_rendition(rendition);
        }
    }

    /// The packed cells, for the frame generator's comparisons.
    pub(crate) fn packed(&self) -> &[PackedCell] {
        &self.cells
    }

    /// Appends cell `col`'s grapheme (see [`Cell::write_grapheme`]); outside the row,
    /// nothing.
    pub(crate) fn write_grapheme(&self, col: usize, out: &mut Vec<u8>) {
        if let Some(&packed) = self.cells.get(col) {
            packed.write_grapheme(self.cluster(col, packed), out);
        }
    }

    /// Cell `col`'s text when it is a cluster.
    pub(crate) fn cluster_text(&self, col: usize) -> Option<&str> {
        self.cluster(col, *self.cells.get(col)?)
    }

    /// Writes the printable ASCII at the start of `bytes` into narrow cells from
    /// `col` with `rendition`, up to the first other byte or the row's end; returns
    /// how many it wrote (the printing hot path: a store per cell).
    #[inline]
    pub(crate) fn print_ascii(&mut self, col: usize, bytes: &[u8], rendition: Rendition) -> usize {
        let Some(cells) = self.cells.get_mut(col..) else {
            return 0;
        };
        let template = PackedCell::blank(rendition);
        let mut n = 0;
        for (cell, &b) in cells.iter_mut().zip(bytes) {
            if !(0x20..0x7F).contains(&b) {
                break;
            }
            *cell = template.holding_ascii(b);
            n += 1;
        }
        self.forget_clusters(col, col + n);
        n
    }

    /// Writes a single-character cell at `col` (outside the row: nothing).
    pub(crate) fn put(&mut self, col: usize, cell: PackedCell) {
        if col < self.cells.len() {
            self.forget_cluster(col);
            self.cells[col] = cell;
        }
    }

    /// Prints `c` at `col` with `rendition`: a one-column cell, or a two-column one
    /// (`wide`) whose right half is emptied (outside the row: nothing).
    pub(crate) fn put_char(&mut self, col: usize, c: char, wide: bool, rendition: Rendition) {
        self.put(col, PackedCell::with_char(c, wide, rendition));
        if wide {
            self.erase(col + 1, col + 2, rendition.erased());
        }
    }

    /// Empties cells `from..to` (clamped to the row) with `rendition`.
    pub(crate) fn erase(&mut self, from: usize, to: usize, rendition: Rendition) {
        self.fill(from, to, PackedCell::blank(rendition));
    }

    /// Makes cells `from..to` (clamped to the row) copies of the single-character
    /// `cell`.
    pub(crate) fn fill(&mut self, from: usize, to: usize, cell: PackedCell) {
        let to = to.min(self.cells.len());
        if from < to {
            self.cells[from..to].fill(cell);
            self.forget_clusters(from, to);
        }
    }

    /// Whether the row's text continues on the next row (its last cell's wrap flag).
    pub fn is_wrapped(&self) -> bool {
        self.cells.last().is_some_and(|cell| cell.is_wrap())
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
        self.clusters.retain_mut(|(c, _)| {
            if *c >= col {
                *c += n;
            }
            *c < width
        });
        self.erase(col, col + n, pen.erased());
    }

    /// Deletes `n` cells at `col`, appending blank cells at the end.
    pub fn delete_cells(&mut self, col: usize, n: usize, pen: Rendition) {
        let width = self.cells.len();
        if col >= width {
            return;
        }
        let n = n.min(width - col);
        self.cells[col..].rotate_left(n);
        self.clusters.retain_mut(|(c, _)| {
            if *c < col {
                return true;
            }
            if *c < col + n {
                return false;
            }
            *c -= n;
            true
        });
        self.erase(width - n, width, pen.erased());
    }

    /// Truncates or pads the row to `width` (padding carries `pen`'s background) and
    /// clears the wrap flag (terminal.md §8 step 4).
    pub fn set_width(&mut self, width: usize, pen: Rendition) {
        self.set_wrapped(false);
        self.cells.resize(width, PackedCell::blank(pen.erased()));
        self.clusters.retain(|(c, _)| *c < width);
    }

    /// Cell `col`, stored as `packed`, with its text.
    fn unpack(&self, col: usize, packed: PackedCell) -> Cell {
        Cell::from_packed(packed, self.cluster(col, packed))
    }

    /// Cell `col`'s text from the table, when `packed` (the cell) is a cluster.
    fn cluster(&self, col: usize, packed: PackedCell) -> Option<&str> {
        if !packed.is_cluster() {
            return None;
        }
        let at = self.clusters.binary_search_by_key(&col, |(c, _)| *c).ok()?;
        Some(&self.clusters[at].1)
    }

    /// Drops the table entry of cell `col`, which is being overwritten.
    fn forget_cluster(&mut self, col: usize) {
        if self.cells[col].is_cluster() {
            self.forget_clusters(col, col + 1);
        }
    }

    /// Drops the table entries of cells `from..to`, which have been overwritten.
    fn forget_clusters(&mut self, from: usize, to: usize) {
        if !self.clusters.is_empty() {
            self.clusters.retain(|(c, _)| !(from..to).contains(c));
        }
    }
}

impl PartialEq for Row {
    /// Rows *match* when they have the same identity and the same cells.
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id && self.same_cells(other)
    }
}

impl Eq for Row {}

#[cfg(test)]
mod tests;
