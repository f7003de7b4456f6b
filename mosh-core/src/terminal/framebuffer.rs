//! The framebuffer (terminal.md §4.5): rows, drawing state, titles, clipboard, bell.
//!
//! Cloning is cheap: rows are `Arc`s shared with the clone and copied only when
//! one side writes to them.

use std::sync::Arc;

use super::cell::Cell;
use super::rendition::Rendition;
use super::row::Row;
use super::scroll_capture::ScrollCapture;
use super::state::{DrawState, SavedCursor};

/// Longest window title or icon name kept, in characters (terminal.md §6.8).
pub const MAX_TITLE_CHARS: usize = 256;

/// A complete terminal state as the frame generator sees it.
#[derive(Clone, Debug)]
pub struct Framebuffer {
    pub(crate) rows: Vec<Arc<Row>>,
    pub(crate) ds: DrawState,
    pub(crate) window_title: String,
    pub(crate) icon_name: String,
    pub(crate) clipboard: String,
    pub(crate) bell_count: u64,
    pub(crate) title_initialized: bool,
    /// Rows that scrolled off the top, for the scrollback extension (not compared).
    pub(crate) scrolled: ScrollCapture,
}

impl PartialEq for Framebuffer {
    /// Equality decides whether a new snapshot exists (terminal.md §4.5): rows (by
    /// identity and cells), title, clipboard, bell count and the visible drawing state.
    fn eq(&self, other: &Self) -> bool {
        self.ds.visible_eq(&other.ds)
            && self.bell_count == other.bell_count
            && self.window_title == other.window_title
            && self.clipboard == other.clipboard
            && self.rows.len() == other.rows.len()
            && self
                .rows
                .iter()
                .zip(&other.rows)
                .all(|(a, b)| Arc::ptr_eq(a, b) || a == b)
    }
}

impl Framebuffer {
    /// A blank `width` × `height` framebuffer in the initial state. Zero sizes are
    /// raised to 1.
    pub fn new(width: usize, height: usize) -> Self {
        let (width, height) = (width.max(1), height.max(1));
        Self {
            rows: (0..height)
                .map(|_| Arc::new(Row::new(width, Rendition::default())))
                .collect(),
            ds: DrawState::new(width, height),
            window_title: String::new(),
            icon_name: String::new(),
            clipboard: String::new(),
            bell_count: 0,
            title_initialized: false,
            scrolled: ScrollCapture::default(),
        }
    }

    /// Columns.
    pub fn width(&self) -> usize {
        self.ds.width
    }

    /// Rows.
    pub fn height(&self) -> usize {
        self.ds.height
    }

    /// The rows, top to bottom.
    pub fn rows(&self) -> &[Arc<Row>] {
        &self.rows
    }

    /// The cell at (`row`, `col`), if inside the screen.
    pub fn cell(&self, row: usize, col: usize) -> Option<Cell> {
        self.rows.get(row).and_then(|r| r.cell(col))
    }

    /// Cursor (row, column), 0-based.
    pub fn cursor(&self) -> (usize, usize) {
        (self.ds.cursor_row, self.ds.cursor_col)
    }

    /// Whether the last print left the cursor waiting to wrap.
    pub fn pending_wrap(&self) -> bool {
        self.ds.pending_wrap
    }

    /// Whether the cursor is shown (DECTCEM).
    pub fn cursor_visible(&self) -> bool {
        self.ds.cursor_visible
    }

    /// The current pen.
    pub fn pen(&self) -> Rendition {
        self.ds.pen
    }

    /// The scroll region (top, bottom), inclusive.
    pub fn scroll_region(&self) -> (usize, usize) {
        (self.ds.scroll_top, self.ds.scroll_bottom)
    }

    /// Origin mode (DECOM).
    pub fn origin_mode(&self) -> bool {
        self.ds.origin
    }

    /// Autowrap mode (DECAWM).
    pub fn autowrap(&self) -> bool {
        self.ds.autowrap
    }

    /// Insert mode (IRM).
    pub fn insert_mode(&self) -> bool {
        self.ds.insert
    }

    /// Reverse video (DECSCNM), forwarded but never applied to cells.
    pub fn reverse_video(&self) -> bool {
        self.ds.reverse_video
    }

    /// Bracketed paste mode (2004).
    pub fn bracketed_paste(&self) -> bool {
        self.ds.bracketed_paste
    }

    /// Mouse reporting mode: `None` or one of 9, 1000, 1001, 1002, 1003.
    pub fn mouse_reporting(&self) -> Option<u16> {
        (self.ds.mouse_reporting != 0).then_some(self.ds.mouse_reporting)
    }

    /// Mouse focus events (1004).
    pub fn mouse_focus_events(&self) -> bool {
        self.ds.mouse_focus
    }

    /// Mouse alternate scroll (1007): stored, never forwarded.
    pub fn mouse_alternate_scroll(&self) -> bool {
        self.ds.mouse_alternate_scroll
    }

    /// Mouse encoding: `None` (default) or one of 1005, 1006, 1015.
    pub fn mouse_encoding(&self) -> Option<u16> {
        (self.ds.mouse_encoding != 0).then_some(self.ds.mouse_encoding)
    }

    /// Application cursor keys (DECCKM).
    pub fn application_cursor_keys(&self) -> bool {
        self.ds.application_cursor_keys
    }

    /// Tab stop columns.
    pub fn tab_stops(&self) -> impl Iterator<Item = usize> + '_ {
        self.ds
            .tabs
            .iter()
            .enumerate()
            .filter(|t| *t.1)
            .map(|t| t.0)
    }

    /// The state DECSC saved.
    pub fn saved_cursor(&self) -> SavedCursor {
        self.ds.saved
    }

    /// Window title.
    pub fn window_title(&self) -> &str {
        &self.window_title
    }

    /// Icon name.
    pub fn icon_name(&self) -> &str {
        &self.icon_name
    }

    /// Whether an OSC 0, 1 or 2 was ever seen (titles are sent only after that).
    pub fn title_initialized(&self) -> bool {
        self.title_initialized
    }

    /// Clipboard contents from OSC 52 (normally base64, kept verbatim).
    pub fn clipboard(&self) -> &str {
        &self.clipboard
    }

    /// Number of bells so far.
    pub fn bell_count(&self) -> u64 {
        self.bell_count
    }

    /// Sets the window title (used by the client's overlays, e.g. a title prefix).
    pub fn set_window_title(&mut self, title: &str) {
        self.window_title = title.to_owned();
    }

    /// Sets the icon name.
    pub fn set_icon_name(&mut self, name: &str) {
        self.icon_name = name.to_owned();
    }

    /// The row at `row`, writable (copied first if shared with another snapshot).
    pub fn row_mut(&mut self, row: usize) -> &mut Row {
        Arc::make_mut(&mut self.rows[row])
    }

    /// Moves the cursor: the row is clamped into the current limits (the region in
    /// origin mode), the column into the screen; clears pending wrap and makes the
    /// new cursor cell the combining target.
    pub(crate) fn set_cursor(&mut self, row: isize, col: isize) {
        let (top, bottom) = self.ds.limits();
        self.ds.cursor_row = row.clamp(top as isize, bottom as isize) as usize;
        self.ds.cursor_col = col.clamp(0, self.ds.width as isize - 1) as usize;
        self.ds.pending_wrap = false;
        self.ds.combining_target = Some((self.ds.cursor_row, self.ds.cursor_col));
    }

    /// Absolute row move (origin-relative in origin mode), column unchanged.
    pub(crate) fn move_row_to(&mut self, row: usize) {
        let base = if self.ds.origin {
            self.ds.scroll_top
        } else {
            0
        };
        self.set_cursor((row + base) as isize, self.ds.cursor_col as isize);
    }

    /// Relative row move.
    pub(crate) fn move_row_by(&mut self, n: isize) {
        self.set_cursor(self.ds.cursor_row as isize + n, self.ds.cursor_col as isize);
    }

    /// Absolute column move.
    pub(crate) fn move_col_to(&mut self, col: usize) {
        self.set_cursor(self.ds.cursor_row as isize, col as isize);
    }

    /// Relative column move.
    pub(crate) fn move_col_by(&mut self, n: isize) {
        self.set_cursor(self.ds.cursor_row as isize, self.ds.cursor_col as isize + n);
    }

    /// Line feed with scrolling by `n` rows (negative for reverse index).
    pub(crate) fn line_feed(&mut self, n: isize) {
        let (top, bottom) = (self.ds.scroll_top, self.ds.scroll_bottom);
        let row = self.ds.cursor_row;
        let target = row as isize + n;
        let new_row = if row < top || row > bottom {
            target.clamp(0, self.ds.height as isize - 1) as usize
        } else if target > bottom as isize {
            self.scroll_up((target - bottom as isize) as usize);
            bottom
        } else if target < top as isize {
            self.scroll_down((top as isize - target) as usize);
            top
        } else {
            target as usize
        };
        self.ds.cursor_row = new_row;
        self.ds.pending_wrap = false;
        self.ds.combining_target = Some((new_row, self.ds.cursor_col));
    }

    /// Scrolls the region up: `n` lines deleted at its top. Rows that leave the top
    /// of the screen are offered to the scroll capture.
    pub(crate) fn scroll_up(&mut self, n: usize) {
        if self.scrolled.on && self.ds.scroll_top == 0 {
            let leaving = n.min(self.ds.scroll_bottom + 1);
            self.scrolled.record(&self.rows[..leaving]);
        }
        self.delete_lines_at(self.ds.scroll_top, n);
    }

    /// Scrolls the region down: `n` lines inserted at its top.
    pub(crate) fn scroll_down(&mut self, n: usize) {
        self.insert_lines_at(self.ds.scroll_top, n);
    }

    /// Inserts `n` blank lines at `row` within the region (terminal.md §6.5).
    pub(crate) fn insert_lines_at(&mut self, row: usize, n: usize) {
        let (top, bottom) = (self.ds.scroll_top, self.ds.scroll_bottom);
        if row < top || row > bottom + 1 {
            return;
        }
        let k = n.min(bottom + 1 - row);
        if k == 0 {
            return;
        }
        self.rows[row..=bottom].rotate_right(k);
        for i in row..row + k {
            self.reset_row(i);
        }
    }

    /// Deletes `n` lines at `row` within the region, blank lines entering at the
    /// region bottom.
    pub(crate) fn delete_lines_at(&mut self, row: usize, n: usize) {
        let (top, bottom) = (self.ds.scroll_top, self.ds.scroll_bottom);
        if row < top || row > bottom {
            return;
        }
        let k = n.min(bottom + 1 - row);
        self.rows[row..=bottom].rotate_left(k);
        for i in bottom + 1 - k..=bottom {
            self.reset_row(i);
        }
    }

    /// Makes row `i` a fresh blank row (new identity) under the pen, reusing its
    /// storage when no other snapshot shares it.
    pub(crate) fn reset_row(&mut self, i: usize) {
        let pen = self.ds.pen;
        match Arc::get_mut(&mut self.rows[i]) {
            Some(row) => row.reset(pen),
            None => self.rows[i] = Arc::new(Row::new(self.ds.width, pen)),
        }
    }

    /// Resets cells `from..to` of `row` under the pen.
    pub(crate) fn erase_cells(&mut self, row: usize, from: usize, to: usize) {
        let pen = self.ds.pen;
        let to = to.min(self.ds.width);
        if from >= to {
            return;
        }
        self.row_mut(row).erase(from, to, pen.erased());
    }

    /// Resets the whole drawing state, titles and clipboard (RIS); the icon name,
    /// bell count and "title initialized" flag survive (a mosh quirk).
    pub(crate) fn reset_all(&mut self) {
        self.ds = DrawState::new(self.ds.width, self.ds.height);
        for i in 0..self.ds.height {
            self.reset_row(i);
        }
        self.window_title.clear();
        self.clipboard.clear();
        self.scrolled.alternate = false;
    }
}
