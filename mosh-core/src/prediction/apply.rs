//! Drawing surviving predictions onto a copy of the server frame (`prediction.md` §7).

use crate::terminal::{Attributes, Framebuffer};

use super::engine::PredictionEngine;

/// A cell the engine drew (so an app can style predicted text itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PredictedCell {
    /// Row.
    pub row: usize,
    /// Column.
    pub col: usize,
    /// Whether the prediction is drawn underlined (unconfirmed on a slow link).
    pub underlined: bool,
}

impl PredictionEngine {
    /// Draws the displayable predictions onto `frame` (a copy of the server frame,
    /// already culled) and returns the cells it drew.
    pub fn apply(&self, frame: &mut Framebuffer) -> Vec<PredictedCell> {
        let mut drawn = Vec::new();
        if !self.showing() {
            return drawn;
        }
        let (width, height) = (frame.width(), frame.height());
        for cursor in &self.cursors {
            if !self.is_tentative(cursor.epoch) && cursor.row < height && cursor.col < width {
                frame.ds.cursor_row = cursor.row;
                frame.ds.cursor_col = cursor.col;
                frame.ds.pending_wrap = false;
            }
        }
        for overlay in &self.overlays {
            if overlay.row >= height {
                continue;
            }
            for (col, prediction) in overlay.cells.iter().enumerate().take(width) {
                if !prediction.active || self.is_tentative(prediction.epoch) {
                    continue;
                }
                let Some(actual) = frame.cell(overlay.row, col) else {
                    continue;
                };
                let flag =
                    self.flagging && !(prediction.replacement.is_blank() && actual.is_blank());
                if prediction.unknown {
                    if flag && col + 1 < width {
                        frame.row_mut(overlay.row).update_cell(col, |cell| {
                            let mut rendition = cell.rendition();
                            rendition.attrs.set(Attributes::UNDERLINE, true);
                            cell.set_rendition(rendition);
                        });
                        drawn.push(PredictedCell {
                            row: overlay.row,
                            col,
                            underlined: true,
                        });
                    }
                } else if actual != prediction.replacement {
                    let mut cell = prediction.replacement.clone();
                    if flag {
                        let mut rendition = cell.rendition();
                        rendition.attrs.set(Attributes::UNDERLINE, true);
                        cell.set_rendition(rendition);
                    }
                    frame.row_mut(overlay.row).set_cell(col, cell);
                    drawn.push(PredictedCell {
                        row: overlay.row,
                        col,
                        underlined: flag,
                    });
                }
            }
        }
        drawn
    }
}
