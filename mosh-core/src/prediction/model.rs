//! Cursor and cell predictions and the per-row overlays (`prediction.md` §3).

use std::time::Instant;

use crate::terminal::Cell;

/// Epoch or frame number meaning "never".
pub(crate) const NEVER: u64 = u64::MAX;

/// At most this many past screen cells are remembered per predicted cell: enough to
/// tell a re-typed character from a confirmation, bounded while the link is down.
const MAX_ORIGINALS: usize = 64;

/// Where the cursor will be once the host has handled a keystroke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CursorPrediction {
    pub(crate) epoch: u64,
    pub(crate) expiration_frame: u64,
    pub(crate) predicted_at: Option<Instant>,
    pub(crate) row: usize,
    pub(crate) col: usize,
}

/// What one cell will show once the host has handled a keystroke.
#[derive(Debug, Clone, Default)]
pub(crate) struct CellPrediction {
    pub(crate) active: bool,
    pub(crate) epoch: u64,
    pub(crate) expiration_frame: u64,
    pub(crate) predicted_at: Option<Instant>,
    pub(crate) replacement: Cell,
    /// The cell will change, but to what is unknown.
    pub(crate) unknown: bool,
    /// Cells the screen showed here while predictions were made.
    pub(crate) originals: Vec<Cell>,
    /// A newline on the bottom row may scroll the row away before this cell is
    /// judged: a mismatch then drops the cell quietly instead of counting as a
    /// wrong guess.
    pub(crate) may_scroll_away: bool,
}

impl CellPrediction {
    pub(crate) fn new(epoch: u64) -> Self {
        CellPrediction {
            epoch,
            expiration_frame: NEVER,
            ..Self::default()
        }
    }

    /// Inactive, forgetting history (the replacement cell is kept).
    pub(crate) fn reset(&mut self) {
        self.active = false;
        self.unknown = false;
        self.may_scroll_away = false;
        self.originals.clear();
        self.epoch = NEVER;
        self.expiration_frame = NEVER;
    }

    /// Inactive, but the predicted cell becomes part of the history.
    pub(crate) fn reset_keeping_history(&mut self) {
        if !self.active || self.unknown {
            self.reset();
            return;
        }
        let replacement = self.replacement.clone();
        self.push_original(replacement);
        self.active = false;
        self.may_scroll_away = false;
        self.epoch = NEVER;
        self.expiration_frame = NEVER;
    }

    pub(crate) fn push_original(&mut self, cell: Cell) {
        if self.originals.len() == MAX_ORIGINALS {
            self.originals.remove(0);
        }
        self.originals.push(cell);
    }
}

/// The cell predictions of one screen row, one per column.
#[derive(Debug, Clone)]
pub(crate) struct RowOverlay {
    pub(crate) row: usize,
    pub(crate) cells: Vec<CellPrediction>,
}

impl RowOverlay {
    pub(crate) fn new(row: usize, width: usize, epoch: u64) -> Self {
        RowOverlay {
            row,
            cells: (0..width).map(|_| CellPrediction::new(epoch)).collect(),
        }
    }
}

/// Whether two cells count as showing the same thing: both blank, or equal text.
pub(crate) fn same_text(a: &Cell, b: &Cell) -> bool {
    (a.is_blank() && b.is_blank()) || a.text() == b.text()
}
