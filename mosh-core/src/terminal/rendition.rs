//! Colours and renditions (terminal.md §4.1) and their canonical SGR string.

use std::fmt::Write as _;

/// A foreground or background colour.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Colour {
    /// The terminal's default colour.
    #[default]
    Default,
    /// A palette index: 0–7 basic, 8–15 bright, 16–255 the 256-colour cube and greys.
    Indexed(u8),
    /// A 24-bit colour.
    Rgb(u8, u8, u8),
}

impl Colour {
    /// The colour as a number below 2^25: 0 the default, `0x100 | index`, or
    /// `0x100_0000 | rgb`. Snapshots and the scrollback extension store colours so,
    /// and packed cells (`cell.rs`) hold them so.
    pub(crate) const fn code(self) -> u32 {
        match self {
            Colour::Default => 0,
            Colour::Indexed(i) => 0x100 | i as u32,
            Colour::Rgb(r, g, b) => 0x100_0000 | (r as u32) << 16 | (g as u32) << 8 | b as u32,
        }
    }

    /// The colour of a [`Colour::code`], or `None` for a number that is not one.
    pub(crate) const fn from_code(code: u32) -> Option<Colour> {
        match code {
            0 => Some(Colour::Default),
            0x100..=0x1ff => Some(Colour::Indexed(code as u8)),
            0x100_0000..=0x1ff_ffff => Some(Colour::Rgb(
                (code >> 16) as u8,
                (code >> 8) as u8,
                code as u8,
            )),
            _ => None,
        }
    }
}

/// The attributes a rendition keeps (bold, italic, underline, blink, inverse, invisible).
///
/// Faint, strikethrough and the other SGR attributes are dropped, as stock mosh does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Attributes(u8);

impl Attributes {
    /// SGR 1.
    pub const BOLD: Self = Self(1);
    /// SGR 3.
    pub const ITALIC: Self = Self(2);
    /// SGR 4.
    pub const UNDERLINE: Self = Self(4);
    /// SGR 5.
    pub const BLINK: Self = Self(8);
    /// SGR 7.
    pub const INVERSE: Self = Self(16);
    /// SGR 8.
    pub const INVISIBLE: Self = Self(32);

    /// No attribute set.
    pub const fn empty() -> Self {
        Self(0)
    }

    /// Whether every attribute of `other` is set.
    pub const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    /// Sets or clears the attributes of `other`.
    pub fn set(&mut self, other: Self, on: bool) {
        if on {
            self.0 |= other.0;
        } else {
            self.0 &= !other.0;
        }
    }

    /// Whether no attribute is set.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The set as bits (packed cells store it so).
    pub(crate) const fn bits(self) -> u8 {
        self.0
    }

    /// The set with these bits.
    pub(crate) const fn from_bits(bits: u8) -> Self {
        Self(bits)
    }
}

/// Foreground, background and attributes of a cell or of the pen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Rendition {
    /// Foreground colour.
    pub fg: Colour,
    /// Background colour.
    pub bg: Colour,
    /// Attribute set.
    pub attrs: Attributes,
}

impl Rendition {
    /// The rendition of a reset cell under this pen: only the background survives
    /// (background-colour erase).
    pub const fn erased(self) -> Self {
        Self {
            fg: Colour::Default,
            bg: self.bg,
            attrs: Attributes::empty(),
        }
    }

    /// Whether this is the default rendition.
    pub fn is_default(self) -> bool {
        self == Self::default()
    }

    /// Appends the canonical SGR string of terminal.md §4.1 (`ESC [ 0 … m`).
    pub fn write_sgr(self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"\x1b[0");
        const CODES: [(Attributes, &[u8]); 6] = [
            (Attributes::BOLD, b";1"),
            (Attributes::ITALIC, b";3"),
            (Attributes::UNDERLINE, b";4"),
            (Attributes::BLINK, b";5"),
            (Attributes::INVERSE, b";7"),
            (Attributes::INVISIBLE, b";8"),
        ];
        for (attr, code) in CODES {
            if self.attrs.contains(attr) {
                out.extend_from_slice(code);
            }
        }
        write_colour(out, self.fg, b'3');
        write_colour(out, self.bg, b'4');
        out.push(b'm');
    }
}

fn write_colour(out: &mut Vec<u8>, colour: Colour, kind: u8) {
    match colour {
        Colour::Default => {}
        Colour::Indexed(n) if n < 8 => out.extend_from_slice(&[b';', kind, b'0' + n]),
        Colour::Indexed(n) => {
            out.extend_from_slice(&[b';', kind, b'8', b';', b'5', b';']);
            push_decimal(out, u32::from(n));
        }
        Colour::Rgb(r, g, b) => {
            out.extend_from_slice(&[b';', kind, b'8', b';', b'2']);
            for c in [r, g, b] {
                out.push(b';');
                push_decimal(out, u32::from(c));
            }
        }
    }
}

/// Appends `n` in decimal without allocating.
pub(crate) fn push_decimal(out: &mut Vec<u8>, n: u32) {
    if n < 10 {
        out.push(b'0' + n as u8);
        return;
    }
    let mut digits = [0u8; 10];
    let mut i = digits.len();
    let mut v = n;
    while v > 0 {
        i -= 1;
        digits[i] = b'0' + (v % 10) as u8;
        v /= 10;
    }
    out.extend_from_slice(&digits[i..]);
}

impl std::fmt::Display for Colour {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Colour::Default => f.write_str("default"),
            Colour::Indexed(n) => write!(f, "idx{n}"),
            Colour::Rgb(r, g, b) => {
                f.write_str("rgb(")?;
                write!(f, "{r},{g},{b}")?;
                f.write_char(')')
            }
        }
    }
}
