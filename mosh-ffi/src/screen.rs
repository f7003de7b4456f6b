//! The structured screen an app draws: rows of styled runs, predicted cells marked,
//! the cursor and the title.

use crate::mouse::TerminalModes;
use mosh_core::session::{ScreenModel, ScreenRow as CoreRow, StyledRun as CoreRun};
use mosh_core::terminal::{Attributes, Colour, Rendition};

/// A colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Color {
    /// The terminal's default foreground or background.
    Default,
    /// Palette entry 0–255 (0–7 the ANSI colours, 8–15 bright).
    Indexed {
        /// The index.
        index: u8,
    },
    /// 24-bit colour.
    Rgb {
        /// Red.
        red: u8,
        /// Green.
        green: u8,
        /// Blue.
        blue: u8,
    },
}

impl From<Colour> for Color {
    fn from(colour: Colour) -> Self {
        match colour {
            Colour::Default => Color::Default,
            Colour::Indexed(index) => Color::Indexed { index },
            Colour::Rgb(red, green, blue) => Color::Rgb { red, green, blue },
        }
    }
}

/// Colours and attributes of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct Style {
    /// Foreground.
    pub foreground: Color,
    /// Background.
    pub background: Color,
    /// Bold.
    pub bold: bool,
    /// Italic.
    pub italic: bool,
    /// Underlined.
    pub underline: bool,
    /// Blinking.
    pub blink: bool,
    /// Foreground and background swapped (the app swaps them when drawing).
    pub inverse: bool,
    /// Invisible (drawn as blanks).
    pub invisible: bool,
}

impl From<Rendition> for Style {
    fn from(r: Rendition) -> Self {
        Style {
            foreground: r.fg.into(),
            background: r.bg.into(),
            bold: r.attrs.contains(Attributes::BOLD),
            italic: r.attrs.contains(Attributes::ITALIC),
            underline: r.attrs.contains(Attributes::UNDERLINE),
            blink: r.attrs.contains(Attributes::BLINK),
            inverse: r.attrs.contains(Attributes::INVERSE),
            invisible: r.attrs.contains(Attributes::INVISIBLE),
        }
    }
}

/// Consecutive cells of a row with one style and prediction status.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct StyledRun {
    /// First column.
    pub column: u16,
    /// Columns covered (a wide character counts two).
    pub width: u16,
    /// The text; blank cells are spaces.
    pub text: String,
    /// Colours and attributes.
    pub style: Style,
    /// Local prediction not yet confirmed by the server (draw it the app's way, for
    /// example underlined).
    pub predicted: bool,
}

/// One row.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ScreenRow {
    /// Runs left to right, covering the whole row.
    pub runs: Vec<StyledRun>,
}

/// The cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct Cursor {
    /// Row (0 at the top).
    pub row: u16,
    /// Column (0 at the left).
    pub column: u16,
    /// Whether it is shown.
    pub visible: bool,
}

/// What the app shows.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Screen {
    /// Columns.
    pub columns: u16,
    /// Rows, top to bottom.
    pub rows: Vec<ScreenRow>,
    /// The cursor.
    pub cursor: Cursor,
    /// The window title the remote program set.
    pub title: String,
    /// The terminal modes the remote program set (mouse, paste, cursor keys).
    pub modes: TerminalModes,
}

/// A screen row and where it is.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NumberedRow {
    /// Its index, 0 at the top.
    pub index: u16,
    /// The row.
    pub row: ScreenRow,
}

/// What a view redraws after a change: everything `Screen` has but the rows, and
/// only the rows asked for (those the `ScreenChanged` event named).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ScreenUpdate {
    /// Columns.
    pub columns: u16,
    /// The cursor.
    pub cursor: Cursor,
    /// The window title the remote program set.
    pub title: String,
    /// The terminal modes the remote program set.
    pub modes: TerminalModes,
    /// The rows asked for that exist now (a resize may have removed some).
    pub rows: Vec<NumberedRow>,
}

impl ScreenUpdate {
    pub(crate) fn new(header: ScreenModel, rows: Vec<(u16, CoreRow)>) -> ScreenUpdate {
        let header = Screen::from(header);
        ScreenUpdate {
            columns: header.columns,
            cursor: header.cursor,
            title: header.title,
            modes: header.modes,
            rows: rows
                .into_iter()
                .map(|(index, row)| NumberedRow {
                    index,
                    row: row.into(),
                })
                .collect(),
        }
    }
}

/// Sizes are at most 4096 (the protocol's limit), so they always fit.
fn small(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

impl From<CoreRun> for StyledRun {
    fn from(run: CoreRun) -> Self {
        StyledRun {
            column: small(run.column),
            width: small(run.width),
            text: run.text,
            style: run.rendition.into(),
            predicted: run.predicted,
        }
    }
}

impl From<CoreRow> for ScreenRow {
    fn from(row: CoreRow) -> Self {
        ScreenRow {
            runs: row.runs.into_iter().map(StyledRun::from).collect(),
        }
    }
}

impl From<ScreenModel> for Screen {
    fn from(model: ScreenModel) -> Self {
        Screen {
            columns: small(model.columns),
            rows: model.rows.into_iter().map(ScreenRow::from).collect(),
            cursor: Cursor {
                row: small(model.cursor.row),
                column: small(model.cursor.col),
                visible: model.cursor.visible,
            },
            title: model.title,
            modes: model.modes.into(),
        }
    }
}

impl ScreenRow {
    /// The row's text.
    pub fn text(&self) -> String {
        self.runs.iter().map(|run| run.text.as_str()).collect()
    }
}
