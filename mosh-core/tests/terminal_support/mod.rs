//! Helpers shared by the terminal tests: screen dumps and the "what a person sees"
//! comparison used after applying host bytes.
#![allow(dead_code)]

use mosh_core::terminal::{Emulator, Framebuffer, Rendition, new_frame};

/// A `w`×`h` emulator after `input`.
pub fn run(w: usize, h: usize, input: &[u8]) -> Emulator {
    let mut emu = Emulator::new(w, h);
    emu.feed(input);
    emu
}

/// One string per row: each cell's text, `·` for an empty cell (so a wide character
/// is followed by the `·` of its shadow, and a fallback cell shows its mark alone).
pub fn dump(fb: &Framebuffer) -> Vec<String> {
    fb.rows()
        .iter()
        .map(|row| {
            row.cells()
                .map(|c| {
                    if c.is_empty() {
                        "·".to_owned()
                    } else {
                        c.text()
                    }
                })
                .collect()
        })
        .collect()
}

/// Asserts the screen dump.
#[track_caller]
pub fn assert_screen(fb: &Framebuffer, expected: &[&str]) {
    assert_eq!(dump(fb), expected, "screen");
}

/// What the receiver of host bytes can be expected to show: per visible cell its
/// grapheme, width and rendition (shadow cells of wide characters are not visible),
/// each row's wrap flag except the last row's (a wrap there cannot be expressed in
/// host bytes), the cursor, and everything else §9 transmits.
#[derive(Debug, PartialEq, Eq)]
pub struct Visible {
    pub cells: Vec<Vec<(String, usize, Rendition)>>,
    pub wraps: Vec<bool>,
    pub cursor: (usize, usize),
    pub cursor_visible: bool,
    pub pen: Rendition,
    pub modes: (bool, bool, Option<u16>, bool, Option<u16>),
    pub titles: Option<(String, String)>,
    pub clipboard: String,
}

/// Builds [`Visible`].
pub fn visible(fb: &Framebuffer) -> Visible {
    let h = fb.height();
    Visible {
        cells: fb
            .rows()
            .iter()
            .map(|row| {
                let mut out = Vec::new();
                let cells: Vec<_> = row.cells().collect();
                let mut x = 0;
                while x < cells.len() {
                    let c = &cells[x];
                    if c.is_wide() && x + 1 == cells.len() {
                        // A wide cell cut at the last column is sent as a blank.
                        out.push((" ".to_owned(), 1, c.rendition()));
                    } else {
                        out.push((c.grapheme(), c.width(), c.rendition()));
                    }
                    x += c.width();
                }
                out
            })
            .collect(),
        wraps: fb
            .rows()
            .iter()
            .enumerate()
            .map(|(y, r)| y + 1 < h && r.is_wrapped())
            .collect(),
        cursor: fb.cursor(),
        cursor_visible: fb.cursor_visible(),
        pen: fb.pen(),
        modes: (
            fb.reverse_video(),
            fb.bracketed_paste(),
            fb.mouse_reporting(),
            fb.mouse_focus_events(),
            fb.mouse_encoding(),
        ),
        titles: fb
            .title_initialized()
            .then(|| (fb.icon_name().to_owned(), fb.window_title().to_owned())),
        clipboard: fb.clipboard().to_owned(),
    }
}

/// A client copy of `fb` as a real client gets it: a blank emulator of the same size
/// that applied the host bytes from a blank state.
pub fn client_copy(fb: &Framebuffer) -> Emulator {
    let blank = Framebuffer::new(fb.width(), fb.height());
    let mut client = Emulator::new(fb.width(), fb.height());
    client.feed(&new_frame(true, &blank, fb));
    client
}

/// Renders bytes with `\e` for ESC and `\xNN` for other non-printables, for messages.
pub fn escape(bytes: &[u8]) -> String {
    let mut s = String::new();
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\x1b' => s.push_str("\\e"),
                '\x07' => s.push_str("\\a"),
                '\r' => s.push_str("\\r"),
                '\n' => s.push_str("\\n"),
                '\x08' => s.push_str("\\b"),
                c if (c as u32) < 0x20 => s.push_str(&format!("\\x{:02x}", c as u32)),
                c => s.push(c),
            }
        }
        for b in chunk.invalid() {
            s.push_str(&format!("\\x{b:02x}"));
        }
    }
    s
}
