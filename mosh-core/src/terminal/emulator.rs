//! The emulator: UTF-8 decoder → parser → typed actions → framebuffer (terminal.md
//! §1–§8).

use std::sync::Arc;

use super::action;
use super::framebuffer::Framebuffer;
use super::parser::{Params, Parser, Perform};
use super::row::Row;
use super::utf8::{Decoded, Utf8Decoder, leading_printable};

/// Replies (DA/DSR answers) are dropped beyond this many bytes until taken, so a host
/// that floods queries without reading cannot grow memory without limit.
pub const MAX_PENDING_REPLY_BYTES: usize = 64 * 1024;

/// A terminal emulator: feed it host output (server) or host bytes (client) and read
/// the resulting [`Framebuffer`].
#[derive(Clone, Debug)]
pub struct Emulator {
    decoder: Utf8Decoder,
    parser: Parser,
    target: Target,
}

/// The parser's receiver: the framebuffer plus the replies meant for the host.
#[derive(Clone, Debug)]
struct Target {
    fb: Framebuffer,
    replies: Vec<u8>,
}

impl Perform for Target {
    fn print(&mut self, c: char) {
        self.fb.print(c);
    }

    fn execute(&mut self, c: char) {
        self.fb.perform(action::control(c), &mut self.replies);
    }

    fn esc_dispatch(&mut self, collected: &[u8], final_char: char) {
        self.fb
            .perform(action::escape(collected, final_char), &mut self.replies);
    }

    fn csi_dispatch(&mut self, params: &Params, collected: &[u8], final_char: char) {
        self.fb.perform(
            action::csi(params, collected, final_char),
            &mut self.replies,
        );
        if self.replies.len() > MAX_PENDING_REPLY_BYTES {
            self.replies.truncate(MAX_PENDING_REPLY_BYTES);
        }
    }

    fn osc_dispatch(&mut self, osc: &str) {
        self.fb.osc_dispatch(osc);
    }
}

impl Emulator {
    /// An emulator with a blank `cols` × `rows` screen (zero sizes are raised to 1).
    pub fn new(cols: usize, rows: usize) -> Self {
        Self::with_framebuffer(Framebuffer::new(cols, rows))
    }

    /// An emulator continuing from an existing framebuffer (e.g. a client applying a
    /// diff to a copy of a stored state), with a fresh decoder and parser.
    pub fn with_framebuffer(fb: Framebuffer) -> Self {
        Self {
            decoder: Utf8Decoder::default(),
            parser: Parser::default(),
            target: Target {
                fb,
                replies: Vec::new(),
            },
        }
    }

    /// Interprets `bytes`. Sequences may be split across calls.
    pub fn feed(&mut self, bytes: &[u8]) {
        let mut rest = bytes;
        while let Some((&byte, after)) = rest.split_first() {
            if self.decoder.is_idle() && self.parser.is_ground() {
                let unhandled = self.feed_ground(rest);
                if unhandled.len() < rest.len() {
                    rest = unhandled;
                    continue;
                }
            }
            rest = after;
            self.feed_byte(byte);
        }
    }

    /// Interprets `bytes` on the general path alone, one byte at a time through the
    /// UTF-8 decoder and the state machine: the reference the fast paths of
    /// [`Emulator::feed`] are tested against.
    #[cfg(any(test, feature = "test-hooks"))]
    pub fn feed_without_fast_paths(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.feed_byte(byte);
        }
    }

    /// The general path: one byte through the UTF-8 decoder and the state machine.
    fn feed_byte(&mut self, byte: u8) {
        if byte < 0x80 && self.decoder.is_idle() {
            self.parser.advance(char::from(byte), &mut self.target);
            return;
        }
        loop {
            match self.decoder.push(byte) {
                Decoded::Pending => {}
                Decoded::Char(c) if c >= '\u{a0}' && self.parser.is_ground() => {
                    self.target.fb.print(c);
                }
                Decoded::Char(c) => self.parser.advance(c, &mut self.target),
                Decoded::InvalidRetry => {
                    self.parser.advance('\u{FFFD}', &mut self.target);
                    continue;
                }
            }
            break;
        }
    }

    /// The fast paths, in GROUND with no UTF-8 sequence pending: text (printable
    /// ASCII and complete non-ASCII characters) with the SGR sequences between it,
    /// complete CSI sequences and C0 controls, each carried out exactly as the state
    /// machine would. Returns the bytes left at the first one they do not handle.
    fn feed_ground<'a>(&mut self, mut rest: &'a [u8]) -> &'a [u8] {
        while let Some(&byte) = rest.first() {
            let used = match byte {
                // Nothing used: the general path takes the first character.
                0x20..=0x7E => match self.print_text::<false>(rest) {
                    0 => break,
                    n => n,
                },
                0xC2.. => match self.print_non_ascii_text(rest) {
                    0 => break,
                    n => n,
                },
                0x1B => match self.parser.try_csi(rest, &mut self.target) {
                    Some(n) => n,
                    None => break,
                },
                // In GROUND a C0 control other than CAN, SUB and ESC is executed.
                0x00..=0x17 | 0x19 | 0x1C..=0x1F => {
                    self.target.execute(char::from(byte));
                    1
                }
                _ => break,
            };
            rest = &rest[used..];
        }
        rest
    }

    /// Prints the text at the start of `bytes` with
    /// [`Framebuffer::print_text_and_sgr`] and dispatches the CSI sequence it stopped
    /// at, if any; returns the bytes used.
    #[inline(always)]
    fn print_text<const NON_ASCII: bool>(&mut self, bytes: &[u8]) -> usize {
        match self
            .target
            .fb
            .print_text_and_sgr::<NON_ASCII>(bytes, &mut self.parser)
        {
            // The CSI sequence it stopped at is scanned already.
            (used, Some((len, final_byte))) => {
                self.parser.dispatch_scanned(final_byte, &mut self.target);
                used + len
            }
            (used, None) => used,
        }
    }

    /// [`Emulator::print_text`] for text that starts with a non-ASCII character;
    /// when that character needs the one-character path (a combining character, a
    /// wide one at the last column, a pending wrap), it is printed alone, as the
    /// state machine would print it. Returns 0 when `bytes` does not start with a
    /// complete character ≥ U+00A0. Kept out of the GROUND loop so that the loop's
    /// code for ASCII text stays small.
    #[inline(never)]
    fn print_non_ascii_text(&mut self, bytes: &[u8]) -> usize {
        // Checked first, so that nothing copies a row shared with a snapshot for a
        // byte the general path takes.
        let Some(first) = leading_printable(bytes) else {
            return 0;
        };
        match self.print_text::<true>(bytes) {
            0 => {
                self.target.fb.print(first);
                first.len_utf8()
            }
            used => used,
        }
    }

    /// Resizes the screen (terminal.md §8). Zero sizes are raised to 1.
    pub fn resize(&mut self, cols: usize, rows: usize) {
        self.target.fb.resize(cols, rows);
    }

    /// Starts (or stops) collecting the rows that scroll off the top of the main
    /// screen, for the scrollback extension; [`Emulator::take_scrolled_rows`] takes
    /// them.
    pub fn capture_scrolled_rows(&mut self, on: bool) {
        self.target.fb.scrolled.on = on;
        if !on {
            self.target.fb.scrolled.rows = Vec::new();
        }
    }

    /// The rows collected since the last call, oldest first (at most
    /// [`MAX_CAPTURED_ROWS`](super::MAX_CAPTURED_ROWS)).
    pub fn take_scrolled_rows(&mut self) -> Vec<Arc<Row>> {
        std::mem::take(&mut self.target.fb.scrolled.rows)
    }

    /// Rows taken with [`Emulator::take_scrolled_rows`] that the taker is done
    /// with: later captures reuse their storage instead of allocating.
    pub fn recycle_scrolled_rows(&mut self, rows: Vec<Arc<Row>>) {
        self.target.fb.scrolled.recycle(rows);
    }

    /// The screen.
    pub fn framebuffer(&self) -> &Framebuffer {
        &self.target.fb
    }

    /// The current state, writable (for overlays on a client's copy).
    pub fn framebuffer_mut(&mut self) -> &mut Framebuffer {
        &mut self.target.fb
    }

    /// Takes the replies generated for the host (DA/DSR answers) since the last call;
    /// the server writes them to the pty.
    pub fn take_replies(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.target.replies)
    }

    /// Whether the DECCKM mode is on (the server's arrow-key translation needs it).
    pub fn application_cursor_keys(&self) -> bool {
        self.target.fb.application_cursor_keys()
    }
}
