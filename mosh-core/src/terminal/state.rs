//! The drawing state of a framebuffer (terminal.md §4.4): cursor, modes, tabs,
//! scroll region, pen and saved cursor.

use super::rendition::Rendition;

/// Cursor position, pen and modes saved by DECSC (`ESC 7`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct SavedCursor {
    /// Absolute row.
    pub row: usize,
    /// Column.
    pub col: usize,
    /// Pen.
    pub pen: Rendition,
    /// Autowrap mode.
    pub autowrap: bool,
    /// Origin mode.
    pub origin: bool,
}

impl SavedCursor {
    /// The initial value: home, default pen, autowrap on, origin off.
    pub fn initial() -> Self {
        Self {
            autowrap: true,
            ..Self::default()
        }
    }
}

/// Everything about the screen that is not cell content.
#[derive(Clone, Debug)]
pub(crate) struct DrawState {
    pub(crate) width: usize,
    pub(crate) height: usize,
    pub(crate) cursor_row: usize,
    pub(crate) cursor_col: usize,
    /// Pending wrap: the last print moved past the last column.
    pub(crate) pending_wrap: bool,
    /// The cell that receives the next combining character.
    pub(crate) combining_target: Option<(usize, usize)>,
    pub(crate) tabs: Vec<bool>,
    /// Whether columns added by a resize get the every-8 tab stops (until `CSI 3 g`).
    pub(crate) default_tabs: bool,
    pub(crate) scroll_top: usize,
    pub(crate) scroll_bottom: usize,
    pub(crate) pen: Rendition,
    pub(crate) saved: SavedCursor,
    pub(crate) origin: bool,
    pub(crate) autowrap: bool,
    pub(crate) insert: bool,
    pub(crate) cursor_visible: bool,
    pub(crate) reverse_video: bool,
    pub(crate) bracketed_paste: bool,
    /// 0 = none, else one of [`MOUSE_REPORTING_MODES`](super::modes::MOUSE_REPORTING_MODES).
    pub(crate) mouse_reporting: u16,
    pub(crate) mouse_focus: bool,
    pub(crate) mouse_alternate_scroll: bool,
    /// 0 = default, else one of [`MOUSE_ENCODING_MODES`](super::modes::MOUSE_ENCODING_MODES).
    pub(crate) mouse_encoding: u16,
    pub(crate) application_cursor_keys: bool,
}

impl DrawState {
    /// The initial state for a `width` × `height` screen.
    pub(crate) fn new(width: usize, height: usize) -> Self {
        Self {
            width,
            height,
            cursor_row: 0,
            cursor_col: 0,
            pending_wrap: false,
            combining_target: Some((0, 0)),
            tabs: (0..width).map(|c| c % 8 == 0).collect(),
            default_tabs: true,
            scroll_top: 0,
            scroll_bottom: height - 1,
            pen: Rendition::default(),
            saved: SavedCursor::initial(),
            origin: false,
            autowrap: true,
            insert: false,
            cursor_visible: true,
            reverse_video: false,
            bracketed_paste: false,
            mouse_reporting: 0,
            mouse_focus: false,
            mouse_alternate_scroll: false,
            mouse_encoding: 0,
            application_cursor_keys: false,
        }
    }

    /// The fields that framebuffer equality compares (terminal.md §4.5).
    pub(crate) fn visible_eq(&self, other: &Self) -> bool {
        self.width == other.width
            && self.height == other.height
            && self.cursor_row == other.cursor_row
            && self.cursor_col == other.cursor_col
            && self.cursor_visible == other.cursor_visible
            && self.reverse_video == other.reverse_video
            && self.pen == other.pen
            && self.bracketed_paste == other.bracketed_paste
            && self.mouse_reporting == other.mouse_reporting
            && self.mouse_focus == other.mouse_focus
            && self.mouse_alternate_scroll == other.mouse_alternate_scroll
            && self.mouse_encoding == other.mouse_encoding
    }

    /// The rows the cursor is kept within: the scroll region in origin mode, else the
    /// screen.
    pub(crate) fn limits(&self) -> (usize, usize) {
        if self.origin {
            (self.scroll_top, self.scroll_bottom)
        } else {
            (0, self.height - 1)
        }
    }
}
