//! What the person sees where they type: the text of the cursor's row and the cursor
//! column, read from an emulator fed with everything the client paints. Colours and
//! underlines are ignored, so a prediction counts as shown whether or not it is
//! underlined. Other rows are ignored too (a shell prompt's row moves as it scrolls).

use mosh_core::terminal::Emulator;

/// The cursor row's text (trailing blanks removed) and the cursor column.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ScreenState {
    /// The row under the cursor.
    pub text: String,
    /// The cursor's column.
    pub column: usize,
}

/// The terminal the person looks at.
pub struct Screen {
    emulator: Emulator,
}

impl Screen {
    /// A blank `columns`×`rows` screen.
    pub fn new(columns: usize, rows: usize) -> Screen {
        Screen {
            emulator: Emulator::new(columns, rows),
        }
    }

    /// Paints `bytes`; returns what the terminal answers (device attribute queries).
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<u8> {
        self.emulator.feed(bytes);
        self.emulator.take_replies()
    }

    /// What is under the cursor now.
    pub fn state(&self) -> ScreenState {
        let framebuffer = self.emulator.framebuffer();
        let (row, column) = framebuffer.cursor();
        ScreenState {
            text: framebuffer.rows()[row].text(),
            column,
        }
    }

    /// Whether arrow keys are sent in application mode (DECCKM).
    pub fn application_cursor_keys(&self) -> bool {
        self.emulator.application_cursor_keys()
    }
}
