//! One screen cell (terminal.md §4.2).
//!
//! The common case, a blank or a single character, is stored inline; only a base
//! character with combining marks uses a heap string, so printing plain text never
//! allocates.

use super::rendition::Rendition;

/// Text of a cell stops growing once it reaches this many UTF-8 bytes.
pub const MAX_CELL_TEXT_BYTES: usize = 32;

/// The text of a cell: `Char('\0')` is the empty (blank) cell; `Cluster` always holds
/// at least two characters, so equal texts always have equal representations.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum CellText {
    Char(char),
    Cluster(Box<str>),
}

const WIDE: u8 = 1;
const FALLBACK: u8 = 2;
const WRAP: u8 = 4;

/// A cell: text (base character plus combining characters, or empty), width flag,
/// fallback flag (text starts with a combining character), wrap flag (only meaningful
/// on the last cell of a row) and rendition.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Cell {
    text: CellText,
    rendition: Rendition,
    flags: u8,
}

impl Default for Cell {
    fn default() -> Self {
        Self::blank(Rendition::default())
    }
}

impl Cell {
    /// An empty cell with the given rendition.
    pub const fn blank(rendition: Rendition) -> Self {
        Self {
            text: CellText::Char('\0'),
            rendition,
            flags: 0,
        }
    }

    /// A cell holding one character.
    pub const fn with_char(c: char, wide: bool, rendition: Rendition) -> Self {
        Self {
            text: CellText::Char(c),
            rendition,
            flags: if wide { WIDE } else { 0 },
        }
    }

    /// Resets the cell: empty, narrow, no flags, the pen's background only (BCE).
    pub fn reset(&mut self, pen: Rendition) {
        self.make_blank(pen.erased());
    }

    /// Makes the cell a narrow cell holding `c` with `rendition`, overwriting a
    /// single-character text in place (see [`Cell::make_blank`]): the printing hot
    /// path.
    pub(crate) fn set_narrow(&mut self, c: char, rendition: Rendition) {
        match &mut self.text {
            CellText::Char(old) => *old = c,
            text => *text = CellText::Char(c),
        }
        self.rendition = rendition;
        self.flags = 0;
    }

    /// Makes the cell an empty narrow cell with `rendition`, in place like
    /// [`Cell::set_narrow`]: the erase paths of the emulator run this for every cell
    /// they clear, and a whole-cell assignment would first drop the old text.
    pub(crate) fn make_blank(&mut self, rendition: Rendition) {
        self.set_narrow('\0', rendition);
    }

    /// Whether the cell holds no text.
    pub fn is_empty(&self) -> bool {
        self.text == CellText::Char('\0')
    }

    /// Whether the cell is blank for prediction purposes: empty, a space or U+00A0.
    pub fn is_blank(&self) -> bool {
        matches!(self.text, CellText::Char('\0' | ' ' | '\u{a0}'))
    }

    /// The cell's text (empty for a blank cell), without the fallback prefix.
    pub fn text(&self) -> String {
        let mut s = String::new();
        self.push_text(&mut s);
        s
    }

    fn push_text(&self, s: &mut String) {
        match &self.text {
            CellText::Char('\0') => {}
            CellText::Char(c) => s.push(*c),
            CellText::Cluster(t) => s.push_str(t),
        }
    }

    /// The first character of the text, if any.
    pub fn first_char(&self) -> Option<char> {
        match &self.text {
            CellText::Char('\0') => None,
            CellText::Char(c) => Some(*c),
            CellText::Cluster(t) => t.chars().next(),
        }
    }

    /// Replaces the text with one character.
    pub fn set_char(&mut self, c: char) {
        self.text = CellText::Char(c);
    }

    /// Appends a combining character, unless the text already has 32 bytes or more.
    pub fn append(&mut self, c: char) {
        let mut s = match &self.text {
            CellText::Char('\0') => {
                self.text = CellText::Char(c);
                return;
            }
            CellText::Char(first) => first.to_string(),
            CellText::Cluster(t) => {
                if t.len() >= MAX_CELL_TEXT_BYTES {
                    return;
                }
                t.to_string()
            }
        };
        s.push(c);
        self.text = CellText::Cluster(s.into_boxed_str());
    }

    /// Appends the cell as the receiving terminal should see it: empty → one space,
    /// fallback → U+00A0 then the text, otherwise the text.
    pub fn write_grapheme(&self, out: &mut Vec<u8>) {
        if self.is_fallback() {
            out.extend_from_slice("\u{a0}".as_bytes());
        }
        match &self.text {
            CellText::Char('\0') => out.push(b' '),
            CellText::Char(c) if c.is_ascii() => out.push(*c as u8),
            CellText::Char(c) => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
            CellText::Cluster(t) => out.extend_from_slice(t.as_bytes()),
        }
    }

    /// The grapheme as a string (see [`Cell::write_grapheme`]).
    pub fn grapheme(&self) -> String {
        let mut out = Vec::new();
        self.write_grapheme(&mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    /// The rendition.
    pub const fn rendition(&self) -> Rendition {
        self.rendition
    }

    /// Replaces the rendition.
    pub fn set_rendition(&mut self, rendition: Rendition) {
        self.rendition = rendition;
    }

    /// Whether the character occupies this and the next column.
    pub const fn is_wide(&self) -> bool {
        self.flags & WIDE != 0
    }

    /// Number of columns the cell's character occupies (1 or 2).
    pub const fn width(&self) -> usize {
        if self.is_wide() { 2 } else { 1 }
    }

    /// Marks the cell wide or narrow.
    pub fn set_wide(&mut self, wide: bool) {
        self.set_flag(WIDE, wide);
    }

    /// Whether the text begins with a combining character (shown after U+00A0).
    pub const fn is_fallback(&self) -> bool {
        self.flags & FALLBACK != 0
    }

    /// Sets the fallback flag.
    pub fn set_fallback(&mut self, fallback: bool) {
        self.set_flag(FALLBACK, fallback);
    }

    /// Whether the row continues on the next row (meaningful on the last cell only).
    pub const fn is_wrap(&self) -> bool {
        self.flags & WRAP != 0
    }

    /// Sets the wrap flag.
    pub fn set_wrap(&mut self, wrap: bool) {
        self.set_flag(WRAP, wrap);
    }

    fn set_flag(&mut self, flag: u8, on: bool) {
        if on {
            self.flags |= flag;
        } else {
            self.flags &= !flag;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_is_compact() {
        assert!(std::mem::size_of::<Cell>() <= 32);
    }

    #[test]
    fn appending_stops_at_32_bytes() {
        let mut cell = Cell::with_char('a', false, Rendition::default());
        for _ in 0..40 {
            cell.append('\u{301}');
        }
        // 1 + 2 * 16 = 33 bytes: the append that crossed 32 was the last one.
        assert_eq!(cell.text().len(), 33);
    }
}
