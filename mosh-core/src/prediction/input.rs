//! Typed bytes → keystroke meanings (`prediction.md` §4 step 2–3), through a
//! decoder and parser identical to the emulator's whose state persists across
//! keystrokes.

use crate::terminal::char_width;
use crate::terminal::parser::{Params, Parser, Perform};
use crate::terminal::utf8::{Decoded, Utf8Decoder};

/// What one keystroke asks the engine to predict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keystroke {
    /// A width-1 character to insert.
    Char(char),
    /// DEL, what Backspace sends.
    Backspace,
    /// Carriage return: a new epoch, then a newline prediction.
    Enter,
    /// Right arrow (any `CSI … C`).
    Right,
    /// Left arrow (any `CSI … D`).
    Left,
    /// Something whose effect cannot be guessed: start a new epoch.
    Unpredictable,
}

/// Collects the parser's actions for one code point.
#[derive(Default)]
struct Actions(Vec<Keystroke>);

impl Perform for Actions {
    fn print(&mut self, c: char) {
        self.0.push(if c == '\u{7f}' {
            Keystroke::Backspace
        } else if u32::from(c) < 0x20 || char_width(c) != 1 {
            Keystroke::Unpredictable
        } else {
            Keystroke::Char(c)
        });
    }

    fn execute(&mut self, c: char) {
        self.0.push(if c == '\r' {
            Keystroke::Enter
        } else {
            Keystroke::Unpredictable
        });
    }

    fn esc_dispatch(&mut self, _collected: &[u8], _final_char: char) {
        self.0.push(Keystroke::Unpredictable);
    }

    fn csi_dispatch(&mut self, _params: &Params, _collected: &[u8], final_char: char) {
        self.0.push(match final_char {
            'C' => Keystroke::Right,
            'D' => Keystroke::Left,
            _ => Keystroke::Unpredictable,
        });
    }

    fn osc_dispatch(&mut self, _osc: &str) {}
}

/// The engine's private input parser.
#[derive(Debug, Clone, Default)]
pub(crate) struct InputParser {
    decoder: Utf8Decoder,
    parser: Parser,
    last_byte: u8,
}

impl InputParser {
    /// Feeds one typed byte; returns what it means (usually zero or one keystroke).
    pub(crate) fn feed(&mut self, byte: u8) -> Vec<Keystroke> {
        // Application-mode arrows (`ESC O C`) mean the same as `ESC [ C`.
        let byte = if self.last_byte == 0x1b && byte == b'O' {
            b'['
        } else {
            byte
        };
        self.last_byte = byte;
        let mut actions = Actions::default();
        loop {
            match self.decoder.push(byte) {
                Decoded::Pending => break,
                Decoded::Char(c) => {
                    self.parser.advance(c, &mut actions);
                    break;
                }
                Decoded::InvalidRetry => self.parser.advance('\u{FFFD}', &mut actions),
            }
        }
        actions.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(bytes: &[u8]) -> Vec<Keystroke> {
        let mut p = InputParser::default();
        bytes.iter().flat_map(|&b| p.feed(b)).collect()
    }

    #[test]
    fn classifies_keystrokes() {
        use Keystroke::*;
        assert_eq!(keys(b"a\x7f\r"), [Char('a'), Backspace, Enter]);
        assert_eq!(keys(b"\x1bOC\x1b[D\x1b[1;5C"), [Right, Left, Right]);
        assert_eq!(keys(b"\x1bOA\x1b[15~\x1bf\x08\n\t"), [Unpredictable; 6]);
        assert_eq!(keys("ü".as_bytes()), [Char('ü')]);
        assert_eq!(keys("中".as_bytes()), [Unpredictable]);
        assert_eq!(keys("\u{301}".as_bytes()), [Unpredictable]);
        // A partial character predicts nothing yet.
        assert_eq!(keys(&[0xc3]), []);
    }
}
