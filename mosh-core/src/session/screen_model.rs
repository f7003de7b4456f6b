//! A structured screen for apps that draw text themselves (`mobile-api.md`): rows of
//! styled runs, each run marked when it is a prediction not yet confirmed by the
//! server, so the app can style predicted text its own way.

use crate::prediction::PredictedCell;
use crate::terminal::mouse::MouseModes;
use crate::terminal::{Framebuffer, Rendition, Row};

/// Consecutive cells of one row with the same rendition and prediction status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StyledRun {
    /// First column of the run.
    pub column: usize,
    /// Columns covered (wide characters count two).
    pub width: usize,
    /// The text; blank cells are spaces.
    pub text: String,
    /// Colours and attributes.
    pub rendition: Rendition,
    /// Whether the cells are local predictions (speculative echo).
    pub predicted: bool,
}

/// One screen row.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScreenRow {
    /// The runs, left to right, covering the whole row.
    pub runs: Vec<StyledRun>,
}

impl ScreenRow {
    /// The row's text.
    pub fn text(&self) -> String {
        self.runs.iter().map(|r| r.text.as_str()).collect()
    }

    /// A row as kept in scrollback: its cells up to the last one that shows
    /// something (trailing blank cells in the default rendition are left out), none
    /// predicted.
    pub fn trimmed(row: &Row) -> Self {
        // Kept for long: built without spare capacity.
        ScreenRow {
            runs: styled_runs(row, row.shown_width(), |_| false),
        }
    }
}

/// The first `used` cells of `row` as runs of one rendition and prediction status.
/// Works on the packed cells and allocates each run's text once, at its size: a server
/// capturing the lines of a flood calls this for every line that scrolls off.
fn styled_runs(row: &Row, used: usize, predicted: impl Fn(usize) -> bool) -> Vec<StyledRun> {
    let key = |col: usize| {
        row.packed_cell(col)
            .map(|(cell, _)| (cell.rendition_key_here(), predicted(col)))
    };
    // The end of the run starting at `start`: where the key changes.
    let run_end = |start: usize| {
        let first = key(start);
        let mut col = start;
        while let Some((cell, _)) = (col < used).then(|| row.packed_cell(col)).flatten() {
            if key(col) != first {
                break;
            }
            col += cell.width().min(used - col);
        }
        col
    };
    let mut count = 0;
    let mut col = 0;
    while col < used && row.packed_cell(col).is_some() {
        col = run_end(col);
        count += 1;
    }
    let mut runs = Vec::with_capacity(count);
    let mut start = 0;
    while start < used && row.packed_cell(start).is_some() {
        let end = run_end(start);
        // One byte a column unless the text is not ASCII.
        let mut text = Vec::with_capacity(end - start);
        let mut rendition = None;
        let mut col = start;
        while let Some((cell, cluster)) = (col < end).then(|| row.packed_cell(col)).flatten() {
            rendition.get_or_insert(cell.rendition());
            cell.write_grapheme(cluster, &mut text);
            col += cell.width().min(used - col);
        }
        text.shrink_to_fit();
        runs.push(StyledRun {
            column: start,
            width: end - start,
            text: String::from_utf8(text)
                .unwrap_or_else(|bad| String::from_utf8_lossy(bad.as_bytes()).into_owned()),
            rendition: rendition.unwrap_or_default(),
            predicted: predicted(start),
        });
        start = end;
    }
    runs
}

/// The cursor as shown. (Stock mosh ignores cursor-shape requests, DECSCUSR, so
/// there is no shape to report.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScreenCursor {
    /// Row.
    pub row: usize,
    /// Column.
    pub col: usize,
    /// Whether it is shown (DECTCEM, or hidden under the notification bar).
    pub visible: bool,
}

/// What the remote program asked of the terminal that a view needs to choose gestures
/// and drawing. (mosh carries neither the cursor shape nor whether the alternate
/// screen is active: the server draws whichever screen is.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ScreenModes {
    /// The mouse: which events and which encoding it wants, focus reports.
    pub mouse: MouseModes,
    /// Pastes are bracketed (2004).
    pub bracketed_paste: bool,
    /// Cursor keys in application mode (DECCKM).
    pub application_cursor_keys: bool,
    /// The whole screen in reverse video (DECSCNM).
    pub reverse_video: bool,
}

impl ScreenModes {
    /// The modes `frame` holds.
    pub fn of(frame: &Framebuffer) -> ScreenModes {
        ScreenModes {
            mouse: MouseModes::of(frame),
            bracketed_paste: frame.bracketed_paste(),
            application_cursor_keys: frame.application_cursor_keys(),
            reverse_video: frame.reverse_video(),
        }
    }
}

/// What the app should show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScreenModel {
    /// Columns.
    pub columns: usize,
    /// Rows, top to bottom.
    pub rows: Vec<ScreenRow>,
    /// The cursor.
    pub cursor: ScreenCursor,
    /// Window title.
    pub title: String,
    /// The terminal modes the remote program set.
    pub modes: ScreenModes,
}

impl ScreenModel {
    /// Builds the model of `frame` (the displayed frame), with `predicted` cells marked.
    pub fn from_frame(frame: &Framebuffer, predicted: &[PredictedCell]) -> Self {
        let every: Vec<u16> = (0..u16::try_from(frame.height()).unwrap_or(u16::MAX)).collect();
        ScreenModel {
            rows: Self::rows_of(frame, predicted, &every)
                .into_iter()
                .map(|(_, row)| row)
                .collect(),
            ..Self::header_of(frame)
        }
    }

    /// The model of `frame` without its rows: size, cursor, title, modes.
    pub fn header_of(frame: &Framebuffer) -> Self {
        ScreenModel {
            columns: frame.width(),
            rows: Vec::new(),
            cursor: ScreenCursor {
                row: frame.cursor().0,
                col: frame.cursor().1,
                visible: frame.cursor_visible(),
            },
            title: frame.window_title().to_owned(),
            modes: ScreenModes::of(frame),
        }
    }

    /// Only rows `rows` of `frame` (indices beyond its height are left out), as
    /// `(index, row)`: what a view redraws after a change names those rows, without
    /// copying the rest of the screen.
    pub fn rows_of(
        frame: &Framebuffer,
        predicted: &[PredictedCell],
        rows: &[u16],
    ) -> Vec<(u16, ScreenRow)> {
        rows.iter()
            .filter_map(|&index| {
                let row = frame.rows().get(usize::from(index))?;
                let is_predicted = |col: usize| {
                    predicted
                        .iter()
                        .any(|p| p.row == usize::from(index) && p.col == col)
                };
                Some((
                    index,
                    ScreenRow {
                        runs: styled_runs(row, row.width(), is_predicted),
                    },
                ))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terminal::Emulator;

    #[test]
    fn runs_split_on_style_and_prediction() {
        let mut e = Emulator::new(10, 2);
        e.feed("ab\x1b[1mcd\x1b[m中\x1b]0;t\x07".as_bytes());
        let marks = [PredictedCell {
            row: 0,
            col: 1,
            underlined: false,
        }];
        let model = ScreenModel::from_frame(e.framebuffer(), &marks);
        let runs = &model.rows[0].runs;
        assert_eq!(runs.len(), 4);
        assert_eq!((runs[0].text.as_str(), runs[0].predicted), ("a", false));
        assert_eq!((runs[1].text.as_str(), runs[1].predicted), ("b", true));
        assert_eq!(runs[2].text, "cd");
        assert!(
            runs[2]
                .rendition
                .attrs
                .contains(crate::terminal::Attributes::BOLD)
        );
        assert_eq!((runs[3].text.as_str(), runs[3].width), ("中    ", 6));
        assert_eq!(model.rows[0].text(), "abcd中    ");
        assert_eq!(
            model.cursor,
            ScreenCursor {
                row: 0,
                col: 6,
                visible: true
            }
        );
        assert_eq!(model.title, "t");
    }
}
