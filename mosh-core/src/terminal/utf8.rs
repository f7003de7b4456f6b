//! Incremental UTF-8 decoder (terminal.md §2).
//!
//! Keeps an incomplete sequence across calls. An invalid sequence yields one U+FFFD
//! and decoding resumes at the byte that made it invalid, which is the "one U+FFFD
//! per maximal invalid subpart" behaviour the spec allows.

/// The complete, valid character UTF-8 encodes at the start of `bytes` (a lead byte
/// of a sequence of two bytes or more first), or `None` when it is incomplete or
/// invalid (overlong, a surrogate, above U+10FFFF): the printing loop's decoder, which
/// leaves any other case to [`Utf8Decoder`]. Written out rather than
/// `str::from_utf8`, whose general validation was a quarter of the instructions of
/// text in other scripts (callgrind).
#[inline]
fn leading_char(bytes: &[u8]) -> Option<char> {
    let continuation = |i: usize| {
        let b = *bytes.get(i)?;
        (b & 0xC0 == 0x80).then_some(u32::from(b & 0x3F))
    };
    let lead = u32::from(*bytes.first()?);
    let (value, least) = match lead {
        0xC2..=0xDF => ((lead & 0x1F) << 6 | continuation(1)?, 0x80),
        0xE0..=0xEF => (
            (lead & 0x0F) << 12 | continuation(1)? << 6 | continuation(2)?,
            0x800,
        ),
        0xF0..=0xF4 => (
            (lead & 0x07) << 18 | continuation(1)? << 12 | continuation(2)? << 6 | continuation(3)?,
            0x1_0000,
        ),
        _ => return None,
    };
    // Below `least` it is overlong; `from_u32` refuses surrogates and values above
    // U+10FFFF.
    if value < least {
        return None;
    }
    char::from_u32(value)
}

/// [`leading_char`] when GROUND prints it: at U+00A0 and above (below, it is a C1
/// control).
pub(crate) fn leading_printable(bytes: &[u8]) -> Option<char> {
    leading_char(bytes).filter(|&c| c >= '\u{a0}')
}

/// Decoder state between calls: the bytes of an incomplete sequence.
#[derive(Clone, Debug, Default)]
pub(crate) struct Utf8Decoder {
    /// The code point accumulated so far.
    value: u32,
    /// Continuation bytes still expected (0 = between characters).
    remaining: u8,
    /// Bounds for the next continuation byte (they exclude overlongs and surrogates).
    lower: u8,
    upper: u8,
}

/// What one byte produced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Decoded {
    /// Nothing yet: the byte continues a sequence.
    Pending,
    /// A complete character.
    Char(char),
    /// An invalid sequence ended before this byte: emit U+FFFD, then decode the byte
    /// again from a clean state.
    InvalidRetry,
}

impl Utf8Decoder {
    /// Whether no sequence is in progress (the next byte starts a character).
    pub(crate) const fn is_idle(&self) -> bool {
        self.remaining == 0
    }

    /// Feeds one byte.
    pub(crate) fn push(&mut self, byte: u8) -> Decoded {
        if self.remaining == 0 {
            return self.start(byte);
        }
        if byte < self.lower || byte > self.upper {
            self.remaining = 0;
            return Decoded::InvalidRetry;
        }
        self.lower = 0x80;
        self.upper = 0xBF;
        self.value = (self.value << 6) | u32::from(byte & 0x3F);
        self.remaining -= 1;
        if self.remaining == 0 {
            Decoded::Char(char::from_u32(self.value).unwrap_or('\u{FFFD}'))
        } else {
            Decoded::Pending
        }
    }

    fn start(&mut self, byte: u8) -> Decoded {
        let (remaining, value, lower, upper) = match byte {
            0x00..=0x7F => return Decoded::Char(char::from(byte)),
            0xC2..=0xDF => (1, byte & 0x1F, 0x80, 0xBF),
            0xE0 => (2, byte & 0x0F, 0xA0, 0xBF),
            0xE1..=0xEC | 0xEE..=0xEF => (2, byte & 0x0F, 0x80, 0xBF),
            0xED => (2, byte & 0x0F, 0x80, 0x9F),
            0xF0 => (3, byte & 0x07, 0x90, 0xBF),
            0xF1..=0xF3 => (3, byte & 0x07, 0x80, 0xBF),
            0xF4 => (3, byte & 0x07, 0x80, 0x8F),
            _ => return Decoded::Char('\u{FFFD}'),
        };
        self.remaining = remaining;
        self.value = u32::from(value);
        self.lower = lower;
        self.upper = upper;
        Decoded::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8]) -> String {
        let mut d = Utf8Decoder::default();
        let mut out = String::new();
        for &b in bytes {
            loop {
                match d.push(b) {
                    Decoded::Pending => {}
                    Decoded::Char(c) => out.push(c),
                    Decoded::InvalidRetry => {
                        out.push('\u{FFFD}');
                        continue;
                    }
                }
                break;
            }
        }
        out
    }

    #[test]
    fn spec_examples() {
        assert_eq!(decode(b"\xff"), "\u{FFFD}");
        assert_eq!(decode(b"\xc3\x28"), "\u{FFFD}(");
        assert_eq!(decode(b"\xe2\x82\x63"), "\u{FFFD}c");
        assert_eq!(decode("日本".as_bytes()), "日本");
        assert_eq!(decode(b"\xf0\x9f\x8d\x95"), "\u{1F355}");
        assert_eq!(decode(b"\xc2\x9b"), "\u{9b}");
    }

    /// `leading_char` agrees with the standard library on every lead byte followed
    /// by continuation bytes at and around each boundary the encoding has.
    #[test]
    fn leading_char_decodes_what_the_standard_library_does() {
        const FOLLOWERS: [u8; 12] = [
            0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xF5, 0xFF,
        ];
        let mut chars = 0;
        for lead in 0x80..=0xFF_u8 {
            for a in FOLLOWERS {
                for b in FOLLOWERS {
                    for c in FOLLOWERS {
                        let bytes = [lead, a, b, c];
                        let expected = (2..=4)
                            .filter_map(|n| std::str::from_utf8(&bytes[..n]).ok())
                            .find(|s| s.chars().count() == 1)
                            .and_then(|s| s.chars().next());
                        chars += usize::from(expected.is_some());
                        assert_eq!(leading_char(&bytes), expected, "{bytes:02x?}");
                        let cut = expected.map_or(1, char::len_utf8) - 1;
                        assert_eq!(leading_char(&bytes[..cut]), None, "{bytes:02x?} cut");
                    }
                }
            }
        }
        // The boundaries reach every length of sequence.
        assert!(chars > 1000, "{chars}");
    }
}
