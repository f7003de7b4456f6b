//! Scrollback lines by number: what a list view of the history keys its items by.

use crate::screen::ScreenRow;

/// The numbers of the scrollback lines held. Lines are numbered in the order they
/// scrolled off the screen, from 0 for the first this session object captured (a
/// restored session numbers its saved lines from 0); a line keeps its number while
/// the bound drops the oldest, so it can be a view's stable item id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct ScrollbackRange {
    /// The number of the oldest line held (`first == end`: none).
    pub first: u64,
    /// The number the next line will get: the line just above the screen is
    /// `end - 1`.
    pub end: u64,
}

/// Scrollback lines with consecutive numbers from `first`, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ScrollbackLines {
    /// The number of the first row (the one asked for, or the oldest held when
    /// that had already gone).
    pub first: u64,
    /// Styled rows like `Screen`'s, without trailing blank cells.
    pub rows: Vec<ScreenRow>,
}
