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

/// Modifier keys held with a key (xterm's modifier parameter: 1 + shift + 2·alt +
/// 4·ctrl).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct KeyModifiers {
    /// Shift.
    pub shift: bool,
    /// Alt (Option, Meta): sent as an ESC prefix on plain keys.
    pub alt: bool,
    /// Control.
    pub ctrl: bool,
}

impl KeyModifiers {
    /// xterm's modifier parameter, or `None` without modifiers.
    fn xterm_parameter(self) -> Option<u8> {
        let value = 1 + u8::from(self.shift) + 2 * u8::from(self.alt) + 4 * u8::from(self.ctrl);
        (value > 1).then_some(value)
    }
}

/// The bytes for `key` with `modifiers` as xterm sends them in the current modes:
/// cursor keys in SS3 form when the remote program enabled application cursor keys
/// (DECCKM) and in CSI form otherwise; modified keys in the `CSI 1 ; m X` and
/// `CSI n ; m ~` forms.
pub fn encode_key_with(
    key: Key,
    modifiers: KeyModifiers,
    application_cursor_keys: bool,
) -> Vec<u8> {
    let parameter = modifiers.xterm_parameter();
    // Keys with a final letter: arrows, Home/End, F1–F4. Unmodified arrows go in SS3
    // form whatever the mode: the server rewrites them to CSI form while the program
    // has not enabled application cursor keys (protocol.md §10.2), judged by its own
    // up-to-date emulator, so a mode change still in flight cannot garble them.
    // Home/End are not rewritten, so they follow the mode as this client last saw it.
    let letter = match key {
        Key::Up => Some((b'A', false)),
        Key::Down => Some((b'B', false)),
        Key::Right => Some((b'C', false)),
        Key::Left => Some((b'D', false)),
        Key::Home => Some((b'H', true)),
        Key::End => Some((b'F', true)),
        Key::Function(n @ 1..=4) => Some((b'P' + n - 1, false)),
        _ => None,
    };
    if let Some((letter, follows_mode)) = letter {
        return match parameter {
            Some(m) => format!("\x1b[1;{m}{}", letter as char).into_bytes(),
            None if follows_mode && !application_cursor_keys => vec![0x1b, b'[', letter],
            None => vec![0x1b, b'O', letter],
        };
    }
    // Keys of the `CSI n ~` form.
    let tilde = match key {
        Key::Insert => Some(2),
        Key::Delete => Some(3),
        Key::PageUp => Some(5),
        Key::PageDown => Some(6),
        Key::Function(n @ 5..=12) => Some([15, 17, 18, 19, 20, 21, 23, 24][usize::from(n - 5)]),
        _ => None,
    };
    if let Some(n) = tilde {
        return match parameter {
            Some(m) => format!("\x1b[{n};{m}~").into_bytes(),
            None => format!("\x1b[{n}~").into_bytes(),
        };
    }
    let plain: &[u8] = match key {
        Key::Tab if modifiers.shift => b"\x1b[Z",
        Key::Backspace if modifiers.ctrl => b"\x08",
        Key::Function(_) => return Vec::new(),
        other => encode_key(other),
    };
    let mut out = Vec::with_capacity(plain.len() + 1);
    if modifiers.alt && !(key == Key::Tab && modifiers.shift) {
        out.push(0x1b);
    }
    out.extend_from_slice(plain);
    out
}

/// The bytes for the character `c` typed with `modifiers`: Ctrl makes the C0 control
/// of letters, `@[\\]^_?/` and the digits 2–8 as xterm does (Ctrl-Space is NUL), Alt
/// puts ESC before it.
pub fn encode_char_with(c: char, modifiers: KeyModifiers) -> Vec<u8> {
    let mut out = Vec::with_capacity(5);
    if modifiers.alt {
        out.push(0x1b);
    }
    let control = match c {
        _ if !modifiers.ctrl => None,
        'a'..='z' => Some(c as u8 - b'a' + 1),
        '@' | ' ' | '2' => Some(0),
        'A'..='_' => Some(c as u8 & 0x1f),
        // xterm's Ctrl-3…Ctrl-8 and Ctrl-/ (Emacs' undo is Ctrl-_ / Ctrl-/).
        '3' => Some(0x1b),
        '4' => Some(0x1c),
        '5' => Some(0x1d),
        '6' => Some(0x1e),
        '7' | '/' => Some(0x1f),
        '?' | '8' => Some(0x7f),
        _ => None,
    };
    match control {
        Some(byte) => out.push(byte),
        None => {
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        }
    }
    out
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
    fn keys_follow_the_cursor_key_mode_and_modifiers() {
        let none = KeyModifiers::default();
        let ctrl = KeyModifiers { ctrl: true, ..none };
        let shift = KeyModifiers {
            shift: true,
            ..none
        };
        let alt = KeyModifiers { alt: true, ..none };
        assert_eq!(encode_key_with(Key::Up, none, false), b"\x1bOA");
        assert_eq!(encode_key_with(Key::Up, none, true), b"\x1bOA");
        assert_eq!(encode_key_with(Key::Home, none, false), b"\x1b[H");
        assert_eq!(encode_key_with(Key::Home, none, true), b"\x1bOH");
        assert_eq!(encode_key_with(Key::Left, ctrl, true), b"\x1b[1;5D");
        assert_eq!(encode_key_with(Key::Function(1), none, false), b"\x1bOP");
        assert_eq!(
            encode_key_with(Key::Function(5), shift, false),
            b"\x1b[15;2~"
        );
        assert_eq!(encode_key_with(Key::Delete, none, false), b"\x1b[3~");
        assert_eq!(encode_key_with(Key::Tab, shift, false), b"\x1b[Z");
        assert_eq!(encode_key_with(Key::Backspace, alt, false), b"\x1b\x7f");
        assert_eq!(encode_key_with(Key::Function(13), none, false), b"");
        assert_eq!(encode_char_with('c', ctrl), [3]);
        assert_eq!(encode_char_with('[', ctrl), [0x1b]);
        assert_eq!(encode_char_with(' ', ctrl), [0]);
        assert_eq!(encode_char_with('/', ctrl), [0x1f]);
        assert_eq!(encode_char_with('8', ctrl), [0x7f]);
        assert_eq!(encode_char_with('x', alt), b"\x1bx");
        assert_eq!(encode_char_with('é', ctrl), "é".as_bytes());
    }

    #[test]
    fn paste_is_bracketed_only_when_asked() {
        assert_eq!(encode_paste("a\nb", false), b"a\rb");
        assert_eq!(encode_paste("a\r\nb", true), b"\x1b[200~a\rb\x1b[201~");
        assert_eq!(encode_paste("x\x1b[201~y", true), b"\x1b[200~xy\x1b[201~");
    }
}
