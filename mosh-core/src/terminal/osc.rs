//! OSC strings (terminal.md §6.8): titles, icon name and the OSC 52 clipboard.

use super::framebuffer::{Framebuffer, MAX_TITLE_CHARS};

impl Framebuffer {
    /// Dispatches a collected OSC string.
    pub(crate) fn osc_dispatch(&mut self, s: &str) {
        if let Some(data) = s.strip_prefix("52;c;") {
            self.clipboard = data.to_owned();
            return;
        }
        let mut chars = s.chars();
        let (command, text_start) = match (chars.next(), chars.next()) {
            (Some(';'), _) => (0, 1),
            (Some(digit @ '0'..='9'), Some(';')) => (u32::from(digit) - u32::from('0'), 2),
            _ => return,
        };
        if command > 2 {
            return;
        }
        // Characters from the text start up to index 256 of the whole string.
        let text: String = s.chars().take(MAX_TITLE_CHARS).skip(text_start).collect();
        if command == 0 || command == 1 {
            self.icon_name.clone_from(&text);
        }
        if command == 0 || command == 2 {
            self.window_title = text;
        }
        self.title_initialized = true;
    }
}
