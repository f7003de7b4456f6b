//! ANSI and DEC private modes (terminal.md §6.5 SM/RM, §6.6).

use super::framebuffer::Framebuffer;
use super::parser::Params;
use super::state::{MOUSE_ENCODING_MODES, MOUSE_REPORTING_MODES};

impl Framebuffer {
    /// SM / RM: only insert mode (4) exists.
    pub(crate) fn set_ansi_modes(&mut self, params: &Params, on: bool) {
        for mode in params.values() {
            if mode == Some(4) {
                self.ds.insert = on;
            }
        }
    }

    /// DECSET / DECRST, every parameter processed in order. Pending wrap is kept.
    pub(crate) fn set_private_modes(&mut self, params: &Params, on: bool) {
        for mode in params.values().flatten() {
            let ds = &mut self.ds;
            match mode {
                1 => ds.application_cursor_keys = on,
                3 => {
                    let pending_wrap = ds.pending_wrap;
                    for row in 0..ds.height {
                        self.reset_row(row);
                    }
                    self.ds.cursor_col = 0;
                    self.move_row_to(0);
                    self.ds.pending_wrap = pending_wrap;
                }
                5 => ds.reverse_video = on,
                6 => {
                    // Homes using the old origin setting, then switches (a mosh quirk).
                    let pending_wrap = ds.pending_wrap;
                    ds.cursor_col = 0;
                    self.move_row_to(0);
                    self.ds.origin = on;
                    self.ds.pending_wrap = pending_wrap;
                }
                7 => ds.autowrap = on,
                25 => ds.cursor_visible = on,
                m if MOUSE_REPORTING_MODES.contains(&m) => {
                    ds.mouse_reporting = if on { m } else { 0 };
                }
                1004 => ds.mouse_focus = on,
                m if MOUSE_ENCODING_MODES.contains(&m) => {
                    ds.mouse_encoding = if on { m } else { 0 };
                }
                1007 => ds.mouse_alternate_scroll = on,
                // No alternate screen (a quirk); only the scroll capture notes it.
                47 | 1047 | 1049 => self.scrolled.set_alternate(on, &self.rows),
                2004 => ds.bracketed_paste = on,
                _ => {}
            }
        }
    }
}
