//! User input encoding: the server's arrow-key translation (terminal.md §13.3) and the
//! bytes a client sends for keys and pastes.
//!
//! A stock client keeps its own terminal in application-cursor-key mode, so arrows
//! always leave the client as `ESC O A`…`ESC O D`; the server rewrites them to the
//! normal form unless the program on the pty enabled DECCKM. A client without a local
//! terminal (a phone UI) sends the same SS3 forms.

/// The server's cursor-key translator; its state persists across messages.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CursorKeyTranslator {
    state: TranslatorState,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum TranslatorState {
    #[default]
    Ground,
    AfterEsc,
    Ss3,
}

impl CursorKeyTranslator {
    /// Translates one user byte, appending the output to `out`. `application_cursor_keys`
    /// is the server emulator's DECCKM mode at the time.
    pub fn translate(&mut self, byte: u8, application_cursor_keys: bool, out: &mut Vec<u8>) {
        use TranslatorState::*;
        self.state = match (self.state, byte) {
            (Ground, 0x1B) => {
                out.push(byte);
                AfterEsc
            }
            (Ground, _) => {
                out.push(byte);
                Ground
            }
            (AfterEsc, b'O') => Ss3,
            (AfterEsc, _) => {
                out.push(byte);
                Ground
            }
            (Ss3, b'A'..=b'D') if !application_cursor_keys => {
                out.extend_from_slice(&[b'[', byte]);
                Ground
            }
            (Ss3, _) => {
                out.extend_from_slice(&[b'O', byte]);
                Ground
            }
        };
    }

    /// Translates a run of user bytes.
    pub fn translate_all(&mut self, bytes: &[u8], application_cursor_keys: bool) -> Vec<u8> {
        let mut out = Vec::with_capacity(bytes.len() + 2);
        for &b in bytes {
            self.translate(b, application_cursor_keys, &mut out);
        }
        out
    }
}

/// A key a client can send that is not plain text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    /// Up arrow.
    Up,
    /// Down arrow.
    Down,
    /// Right arrow.
    Right,
    /// Left arrow.
    Left,
    /// Home.
    Home,
    /// End.
    End,
    /// Page up.
    PageUp,
    /// Page down.
    PageDown,
    /// Insert.
    Insert,
    /// Delete (forward).
    Delete,
    /// Backspace (DEL, 0x7F).
    Backspace,
    /// Tab.
    Tab,
    /// Enter (CR).
    Enter,
    /// Escape.
    Escape,
    /// F1 to F12 (`Function(1)`…`Function(12)`; other numbers send nothing).
    Function(u8),
}

/// The bytes a client sends for `key`, as an xterm in application-cursor-key mode
/// produces them (the mode a stock client puts the local terminal in).
pub fn encode_key(key: Key) -> &'static [u8] {
    match key {
        Key::Up => b"\x1bOA",
        Key::Down => b"\x1bOB",
        Key::Right => b"\x1bOC",
        Key::Left => b"\x1bOD",
        Key::Home => b"\x1bOH",
        Key::End => b"\x1bOF",
        Key::PageUp => b"\x1b[5~",
        Key::PageDown => b"\x1b[6~",
        Key::Insert => b"\x1b[2~",
        Key::Delete => b"\x1b[3~",
        Key::Backspace => b"\x7f",
        Key::Tab => b"\t",
        Key::Enter => b"\r",
        Key::Escape => b"\x1b",
        Key::Function(n) => match n {
            1 => b"\x1bOP",
            2 => b"\x1bOQ",
            3 => b"\x1bOR",
            4 => b"\x1bOS",
            5 => b"\x1b[15~",
            6 => b"\x1b[17~",
            7 => b"\x1b[18~",
            8 => b"\x1b[19~",
            9 => b"\x1b[20~",
            10 => b"\x1b[21~",
            11 => b"\x1b[23~",
            12 => b"\x1b[24~",
            _ => b"",
        },
    }
}

/// The bytes a client sends for pasted text: wrapped in `ESC [200~` … `ESC [201~` when
/// the remote program enabled bracketed paste (the framebuffer's mode 2004). Any
/// end-marker inside the text is removed so a paste cannot end the bracket early, and
/// line feeds become carriage returns as a terminal's paste does.
pub fn encode_paste(text: &str, bracketed_paste: bool) -> Vec<u8> {
    const START: &[u8] = b"\x1b[200~";
    const END: &[u8] = b"\x1b[201~";
    let cleaned = text.replace("\x1b[201~", "").replace("\r\n", "\r");
    let mut out = Vec::with_capacity(cleaned.len() + START.len() + END.len());
    if bracketed_paste {
        out.extend_from_slice(START);
    }
    out.extend(cleaned.bytes().map(|b| if b == b'\n' { b'\r' } else { b }));
    if bracketed_paste {
        out.extend_from_slice(END);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paste_is_bracketed_only_when_asked() {
        assert_eq!(encode_paste("a\nb", false), b"a\rb");
        assert_eq!(encode_paste("a\r\nb", true), b"\x1b[200~a\rb\x1b[201~");
        assert_eq!(encode_paste("x\x1b[201~y", true), b"\x1b[200~xy\x1b[201~");
    }
}
