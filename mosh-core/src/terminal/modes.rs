//! ANSI and DEC private modes (terminal.md §6.5 SM/RM, §6.6): their numbers, in one
//! place, and what setting them does. The frame writer (`display/`) names them from
//! here too.

use super::framebuffer::Framebuffer;
use super::parser::Params;

/// The DEC private modes the emulator acts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DecMode {
    /// DECCKM (1).
    ApplicationCursorKeys,
    /// DECCOLM (3): the width never changes; the screen is cleared and homed.
    ColumnMode,
    /// DECSCNM (5).
    ReverseVideo,
    /// DECOM (6).
    Origin,
    /// DECAWM (7).
    Autowrap,
    /// DECTCEM (25).
    CursorVisible,
    /// Mouse reporting (one of [`MOUSE_REPORTING_MODES`]), forwarded to the client.
    MouseReporting(u16),
    /// Focus events (1004).
    MouseFocusEvents,
    /// Mouse encoding (one of [`MOUSE_ENCODING_MODES`]), forwarded to the client.
    MouseEncoding(u16),
    /// Alternate scroll (1007).
    MouseAlternateScroll,
    /// 47, 1047, 1049: mosh has one screen (a quirk); only the scroll capture notes it.
    AlternateScreen,
    /// Bracketed paste (2004).
    BracketedPaste,
}

/// Mouse reporting modes, exclusive of each other.
pub(crate) const MOUSE_REPORTING_MODES: [u16; 5] = [9, 1000, 1001, 1002, 1003];
/// Mouse encodings, exclusive of each other.
pub(crate) const MOUSE_ENCODING_MODES: [u16; 3] = [1005, 1006, 1015];
/// What a frame resets to turn mouse reporting off, as stock's frames do (not 9).
pub(crate) const MOUSE_REPORTING_RESETS: [u16; 4] = [1003, 1002, 1001, 1000];
/// What a frame resets to return to the default mouse encoding.
pub(crate) const MOUSE_ENCODING_RESETS: [u16; 3] = [1015, 1006, 1005];

/// SM / RM: the one ANSI mode, insert (IRM).
const ANSI_INSERT_MODE: u16 = 4;

impl DecMode {
    /// The mode numbered `number`, if the emulator acts on it.
    pub(crate) fn from_number(number: u16) -> Option<DecMode> {
        Some(match number {
            1 => DecMode::ApplicationCursorKeys,
            3 => DecMode::ColumnMode,
            5 => DecMode::ReverseVideo,
            6 => DecMode::Origin,
            7 => DecMode::Autowrap,
            25 => DecMode::CursorVisible,
            m if MOUSE_REPORTING_MODES.contains(&m) => DecMode::MouseReporting(m),
            1004 => DecMode::MouseFocusEvents,
            m if MOUSE_ENCODING_MODES.contains(&m) => DecMode::MouseEncoding(m),
            1007 => DecMode::MouseAlternateScroll,
            47 | 1047 | 1049 => DecMode::AlternateScreen,
            2004 => DecMode::BracketedPaste,
            _ => return None,
        })
    }

    /// The number a frame writes to set or reset the mode.
    pub(crate) fn number(self) -> u16 {
        match self {
            DecMode::ApplicationCursorKeys => 1,
            DecMode::ColumnMode => 3,
            DecMode::ReverseVideo => 5,
            DecMode::Origin => 6,
            DecMode::Autowrap => 7,
            DecMode::CursorVisible => 25,
            DecMode::MouseReporting(m) | DecMode::MouseEncoding(m) => m,
            DecMode::MouseFocusEvents => 1004,
            DecMode::MouseAlternateScroll => 1007,
            DecMode::AlternateScreen => 1049,
            DecMode::BracketedPaste => 2004,
        }
    }
}

impl Framebuffer {
    /// SM / RM: only insert mode exists.
    pub(crate) fn set_ansi_modes(&mut self, params: &Params, on: bool) {
        for mode in params.values() {
            if mode == Some(ANSI_INSERT_MODE) {
                self.ds.insert = on;
            }
        }
    }

    /// DECSET / DECRST, every parameter processed in order. Pending wrap is kept.
    pub(crate) fn set_private_modes(&mut self, params: &Params, on: bool) {
        for mode in params.values().flatten().filter_map(DecMode::from_number) {
            self.set_private_mode(mode, on);
        }
    }

    fn set_private_mode(&mut self, mode: DecMode, on: bool) {
        let ds = &mut self.ds;
        match mode {
            DecMode::ApplicationCursorKeys => ds.application_cursor_keys = on,
            DecMode::ColumnMode => {
                let pending_wrap = ds.pending_wrap;
                for row in 0..ds.height {
                    self.reset_row(row);
                }
                self.ds.cursor_col = 0;
                self.move_row_to(0);
                self.ds.pending_wrap = pending_wrap;
            }
            DecMode::ReverseVideo => ds.reverse_video = on,
            DecMode::Origin => {
                // Homes using the old origin setting, then switches (a mosh quirk).
                let pending_wrap = ds.pending_wrap;
                ds.cursor_col = 0;
                self.move_row_to(0);
                self.ds.origin = on;
                self.ds.pending_wrap = pending_wrap;
            }
            DecMode::Autowrap => ds.autowrap = on,
            DecMode::CursorVisible => ds.cursor_visible = on,
            DecMode::MouseReporting(m) => ds.mouse_reporting = if on { m } else { 0 },
            DecMode::MouseFocusEvents => ds.mouse_focus = on,
            DecMode::MouseEncoding(m) => ds.mouse_encoding = if on { m } else { 0 },
            DecMode::MouseAlternateScroll => ds.mouse_alternate_scroll = on,
            DecMode::AlternateScreen => self.scrolled.set_alternate(on, &self.rows),
            DecMode::BracketedPaste => ds.bracketed_paste = on,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip() {
        for number in [
            1, 3, 5, 6, 7, 25, 9, 1000, 1003, 1004, 1005, 1006, 1007, 1015, 1049, 2004,
        ] {
            let mode = DecMode::from_number(number).expect("a known mode");
            assert_eq!(mode.number(), number);
        }
        assert_eq!(DecMode::from_number(47), Some(DecMode::AlternateScreen));
        assert_eq!(DecMode::from_number(12), None);
    }
}
