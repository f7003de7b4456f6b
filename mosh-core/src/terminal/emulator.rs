//! The emulator: UTF-8 decoder → parser → typed actions → framebuffer (terminal.md
//! §1–§8).

use std::sync::Arc;

use super::action;
use super::framebuffer::Framebuffer;
use super::parser::{Params, Parser, Perform};
use super::row::Row;
use super::utf8::{Decoded, Utf8Decoder};

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
            // The general path: one byte through the UTF-8 decoder and the state
            // machine.
            rest = after;
            if byte < 0x80 && self.decoder.is_idle() {
                self.parser.advance(char::from(byte), &mut self.target);
                continue;
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
    }

    /// The fast paths, in GROUND with no UTF-8 sequence pending: printable ASCII
    /// with the SGR sequences between it, complete CSI sequences, C0 controls and
    /// complete non-ASCII characters, each carried out exactly as the state machine
    /// would. Returns the bytes left at the first one they do not handle.
    fn feed_ground<'a>(&mut self, mut rest: &'a [u8]) -> &'a [u8] {
        while let Some(&byte) = rest.first() {
            let used = match byte {
                0x20..=0x7E => {
                    let (used, csi) = self.target.fb.print_styled_text(rest, &mut self.parser);
                    // The CSI sequence it stopped at is scanned already.
                    if let Some((len, final_byte)) = csi {
                        self.parser.dispatch_scanned(final_byte, &mut self.target);
                        used + len
                    } else {
                        used
                    }
                }
                0x1B => match self.parser.try_csi(rest, &mut self.target) {
                    Some(n) => n,
                    None => break,
                },
                // In GROUND a C0 control other than CAN, SUB and ESC is executed.
                0x00..=0x17 | 0x19 | 0x1C..=0x1F => {
                    self.target.execute(char::from(byte));
                    1
                }
                0xC2.. => match self.print_utf8_run(rest) {
                    0 => break,
                    n => n,
                },
                _ => break,
            };
            rest = &rest[used..];
        }
        rest
    }

    /// Prints the complete, valid non-ASCII characters (≥ U+00A0) at the start of
    /// `bytes` while in GROUND, without the byte-wise decoder; returns the bytes used.
    /// Anything else (ASCII, C1 controls, invalid or split sequences) is left to the
    /// general path.
    fn print_utf8_run(&mut self, bytes: &[u8]) -> usize {
        let end = bytes.iter().position(|&b| b < 0x80).unwrap_or(bytes.len());
        let valid = match std::str::from_utf8(&bytes[..end]) {
            Ok(s) => s,
            Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default(),
        };
        let mut used = 0;
        for c in valid.chars() {
            if c < '\u{a0}' {
                break;
            }
            self.target.fb.print(c);
            used += c.len_utf8();
        }
        used
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
