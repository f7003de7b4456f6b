//! The server's arrow-key translator (`terminal.md` §13.3).
//!
//! Clients keep their own terminal in application-cursor-key mode, so arrows arrive
//! as `ESC O A`..`ESC O D`. Unless the program on the pty asked for application
//! cursor keys (DECCKM), it expects `ESC [ A`..`ESC [ D`, so the server rewrites them.
//! Other SS3 keys (Home, End, F1-F4, keypad) pass through unchanged, as stock does.

/// Where the translator is in an escape sequence; persists across messages because a
/// sequence may be split between two datagrams.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CursorKeyTranslator {
    state: TranslatorState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum TranslatorState {
    #[default]
    Ground,
    AfterEsc,
    Ss3,
}

const ESC: u8 = 0x1b;

impl CursorKeyTranslator {
    /// Translates `input`, appending the bytes for the pty to `out`.
    /// `application_cursor_keys` is the emulator's DECCKM mode.
    pub fn translate(&mut self, input: &[u8], application_cursor_keys: bool, out: &mut Vec<u8>) {
        for &byte in input {
            self.state = match (self.state, byte) {
                (TranslatorState::Ground, ESC) => {
                    out.push(ESC);
                    TranslatorState::AfterEsc
                }
                (TranslatorState::AfterEsc, b'O') => TranslatorState::Ss3,
                (TranslatorState::Ground | TranslatorState::AfterEsc, other) => {
                    out.push(other);
                    TranslatorState::Ground
                }
                (TranslatorState::Ss3, b'A'..=b'D') if !application_cursor_keys => {
                    out.extend_from_slice(&[b'[', byte]);
                    TranslatorState::Ground
                }
                (TranslatorState::Ss3, other) => {
                    out.extend_from_slice(&[b'O', other]);
                    TranslatorState::Ground
                }
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(input: &[u8], decckm: bool) -> Vec<u8> {
        let mut out = Vec::new();
        CursorKeyTranslator::default().translate(input, decckm, &mut out);
        out
    }

    #[test]
    fn arrows_become_normal_mode_unless_decckm() {
        assert_eq!(run(b"\x1bOA\x1bOD", false), b"\x1b[A\x1b[D");
        assert_eq!(run(b"\x1bOA\x1bOD", true), b"\x1bOA\x1bOD");
    }

    #[test]
    fn other_ss3_keys_and_plain_bytes_pass_through() {
        assert_eq!(run(b"\x1bOH\x1bOP x\r", false), b"\x1bOH\x1bOP x\r");
        assert_eq!(run(b"\x1b[A", false), b"\x1b[A");
    }

    #[test]
    fn second_esc_does_not_rearm() {
        // ESC ESC O A: the second ESC is an ordinary byte in AfterEsc, so `O A` is text.
        assert_eq!(run(b"\x1b\x1bOA", false), b"\x1b\x1bOA");
    }

    #[test]
    fn sequences_split_across_calls() {
        let mut t = CursorKeyTranslator::default();
        let mut out = Vec::new();
        t.translate(b"\x1b", false, &mut out);
        t.translate(b"O", false, &mut out);
        t.translate(b"B", false, &mut out);
        assert_eq!(out, b"\x1b[B");
    }
}
