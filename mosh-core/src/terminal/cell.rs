//! One screen cell (terminal.md §4.2).
//!
//! A row stores its cells packed ([`PackedCell`]: 16 bytes, `Copy`): a character,
//! the rendition and the flags. A cell whose text is a base character with combining
//! characters (a cluster) keeps its first character there and its whole text in the
//! row's cluster table (`row.rs`), so printing and erasing, the emulator's hot paths,
//! are plain stores and fills that never allocate or drop anything. [`Cell`] is the
//! owned form readers get: the packed cell with its text.

use super::rendition::{Attributes, Colour, Rendition};

/// Text of a cell stops growing once it reaches this many UTF-8 bytes.
pub const MAX_CELL_TEXT_BYTES: usize = 32;

const WIDE: u8 = 1;
const FALLBACK: u8 = 2;
const WRAP: u8 = 4;
/// The text is longer than `ch`: the whole of it is in the row's cluster table.
const CLUSTER: u8 = 8;

/// A cell as a row stores it: its first character (`'\0'` for an empty cell), flags
/// and rendition in one 128-bit word, so that writing, filling and comparing cells
/// are whole-word operations the compiler cannot split into a store per field (a
/// later wide load of such a cell would then wait on the narrow stores). A
/// cluster's text is in the row's cluster table, so equal packed cells of rows with
/// equal tables have equal texts.
///
/// Bits 0–31 the character, 32–39 the flags, 40–47 the attributes, 48–79 the
/// foreground and 80–111 the background ([`Colour::code`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct PackedCell(u128);

const FLAGS_SHIFT: u32 = 32;
const ATTRS_SHIFT: u32 = 40;
const FG_SHIFT: u32 = 48;
const BG_SHIFT: u32 = 80;
const CH_MASK: u128 = 0xFFFF_FFFF;
const RENDITION_MASK: u128 = !((1 << ATTRS_SHIFT) - 1);

/// A colour as a packed cell holds it ([`Colour::code`]; always a valid code).
const fn colour_of(code: u128) -> Colour {
    match Colour::from_code(code as u32) {
        Some(colour) => colour,
        None => Colour::Default,
    }
}

/// Bits that, when all clear, make a cell's text one byte: an ASCII character or an
/// empty cell, the common case.
const NOT_ONE_BYTE: u128 = 0xFFFF_FF80 | ((FALLBACK | CLUSTER) as u128) << FLAGS_SHIFT;

impl PackedCell {
    /// An empty narrow cell with `rendition`.
    pub(crate) const fn blank(rendition: Rendition) -> Self {
        Self::narrow('\0', rendition)
    }

    /// A narrow cell holding `c` (not a cluster).
    pub(crate) const fn narrow(c: char, rendition: Rendition) -> Self {
        Self::with_char(c, false, rendition)
    }

    /// A cell holding the single character `c`.
    pub(crate) const fn with_char(c: char, wide: bool, rendition: Rendition) -> Self {
        let flags = if wide { WIDE } else { 0 };
        Self(c as u128 | (flags as u128) << FLAGS_SHIFT | Self::rendition_key(rendition))
    }

    /// This empty cell holding the ASCII byte `b`, flags kept: printing copies a
    /// template cell so.
    #[inline(always)]
    pub(crate) const fn holding_ascii(self, b: u8) -> Self {
        Self(self.0 | b as u128)
    }

    fn ch(self) -> char {
        char::from_u32((self.0 & CH_MASK) as u32).unwrap_or('\0')
    }

    fn set_ch(&mut self, c: char) {
        self.0 = self.0 & !CH_MASK | c as u128;
    }

    const fn flags(self) -> u8 {
        (self.0 >> FLAGS_SHIFT) as u8
    }

    /// Whether the cell's text continues in the row's cluster table.
    pub(crate) const fn is_cluster(self) -> bool {
        self.flags() & CLUSTER != 0
    }

    /// Whether the cell holds no text (a cluster never starts with `'\0'`).
    pub(crate) const fn is_empty(self) -> bool {
        self.0 & CH_MASK == 0
    }

    /// Whether the cell is blank for prediction purposes: empty, a space or U+00A0.
    pub(crate) const fn is_blank(self) -> bool {
        !self.is_cluster() && matches!((self.0 & CH_MASK) as u32, 0 | 0x20 | 0xA0)
    }

    /// The rendition.
    pub(crate) const fn rendition(self) -> Rendition {
        Rendition {
            fg: colour_of(self.0 >> FG_SHIFT),
            bg: colour_of(self.0 >> BG_SHIFT),
            attrs: Attributes::from_bits((self.0 >> ATTRS_SHIFT) as u8),
        }
    }

    /// `rendition` as a packed cell holds it: equal keys, equal renditions.
    pub(crate) const fn rendition_key(rendition: Rendition) -> u128 {
        (rendition.attrs.bits() as u128) << ATTRS_SHIFT
            | (rendition.fg.code() as u128) << FG_SHIFT
            | (rendition.bg.code() as u128) << BG_SHIFT
    }

    /// This cell's [`PackedCell::rendition_key`], without unpacking the rendition.
    pub(crate) const fn rendition_key_here(self) -> u128 {
        self.0 & RENDITION_MASK
    }

    /// Replaces the rendition.
    pub(crate) fn set_rendition(&mut self, rendition: Rendition) {
        self.0 = self.0 & !RENDITION_MASK | Self::rendition_key(rendition);
    }

    /// At most how many bytes [`PackedCell::write_grapheme`] writes for this cell
    /// (`cluster` its text from the row's table).
    pub(crate) fn grapheme_len_bound(self, cluster: Option<&str>) -> usize {
        if self.0 & NOT_ONE_BYTE == 0 {
            1
        } else {
            // U+00A0 for a fallback, then the cluster or one character.
            2 + cluster.map_or(4, str::len)
        }
    }

    /// Whether the character occupies this and the next column.
    pub(crate) const fn is_wide(self) -> bool {
        self.flags() & WIDE != 0
    }

    /// Number of columns the cell's character occupies (1 or 2).
    pub(crate) const fn width(self) -> usize {
        if self.is_wide() { 2 } else { 1 }
    }

    /// Whether the row continues on the next row (meaningful on the last cell only).
    pub(crate) const fn is_wrap(self) -> bool {
        self.flags() & WRAP != 0
    }

    /// Sets the wrap flag.
    pub(crate) fn set_wrap(&mut self, wrap: bool) {
        self.set_flag(WRAP, wrap);
    }

    /// Appends the cell as the receiving terminal should see it (see
    /// [`Cell::write_grapheme`]); `cluster` is its text from the row's table when
    /// [`PackedCell::is_cluster`].
    #[inline]
    pub(crate) fn write_grapheme(self, cluster: Option<&str>, out: &mut Vec<u8>) {
        if self.0 & NOT_ONE_BYTE == 0 {
            out.push(if self.is_empty() { b' ' } else { self.0 as u8 });
        } else {
            self.write_other_grapheme(cluster, out);
        }
    }

    fn write_other_grapheme(self, cluster: Option<&str>, out: &mut Vec<u8>) {
        if self.flags() & FALLBACK != 0 {
            out.extend_from_slice("\u{a0}".as_bytes());
        }
        match (self.ch(), cluster) {
            (_, Some(text)) => out.extend_from_slice(text.as_bytes()),
            ('\0', None) => out.push(b' '),
            (c, None) if c.is_ascii() => out.push(c as u8),
            (c, None) => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }

    fn set_flag(&mut self, flag: u8, on: bool) {
        let bit = (flag as u128) << FLAGS_SHIFT;
        if on {
            self.0 |= bit;
        } else {
            self.0 &= !bit;
        }
    }
}

/// A cell: text (base character plus combining characters, or empty), width flag,
/// fallback flag (text starts with a combining character), wrap flag (only meaningful
/// on the last cell of a row) and rendition.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Cell {
    packed: PackedCell,
    /// The whole text when it has more than one character; then `packed.ch` is its
    /// first character and `packed` has the `CLUSTER` flag.
    cluster: Option<Box<str>>,
}

impl Default for Cell {
    fn default() -> Self {
        Self::blank(Rendition::default())
    }
}

impl Cell {
    /// An empty cell with the given rendition.
    pub const fn blank(rendition: Rendition) -> Self {
        Self::with_char('\0', false, rendition)
    }

    /// A cell holding one character.
    pub const fn with_char(c: char, wide: bool, rendition: Rendition) -> Self {
        Self {
            packed: PackedCell::with_char(c, wide, rendition),
            cluster: None,
        }
    }

    /// The cell a row stores as `packed`, with its cluster text from the row's table.
    pub(crate) fn from_packed(packed: PackedCell, cluster: Option<&str>) -> Self {
        let cluster = cluster.filter(|_| packed.is_cluster()).map(Box::from);
        let mut packed = packed;
        packed.set_flag(CLUSTER, cluster.is_some());
        Self { packed, cluster }
    }

    /// The cell as a row stores it, and its cluster text for the row's table.
    pub(crate) fn into_packed(self) -> (PackedCell, Option<Box<str>>) {
        (self.packed, self.cluster)
    }

    /// Resets the cell: empty, narrow, no flags, the pen's background only (BCE).
    pub fn reset(&mut self, pen: Rendition) {
        *self = Self::blank(pen.erased());
    }

    /// Whether the cell holds no text.
    pub fn is_empty(&self) -> bool {
        self.packed.is_empty()
    }

    /// Whether the cell is blank for prediction purposes: empty, a space or U+00A0.
    pub fn is_blank(&self) -> bool {
        self.packed.is_blank()
    }

    /// The cell's text (empty for a blank cell), without the fallback prefix.
    pub fn text(&self) -> String {
        match (&self.cluster, self.packed.ch()) {
            (Some(text), _) => text.to_string(),
            (None, '\0') => String::new(),
            (None, c) => c.to_string(),
        }
    }

    /// The first character of the text, if any.
    pub fn first_char(&self) -> Option<char> {
        Some(self.packed.ch()).filter(|&c| c != '\0')
    }

    /// Replaces the text with one character.
    pub fn set_char(&mut self, c: char) {
        self.packed.set_ch(c);
        self.packed.set_flag(CLUSTER, false);
        self.cluster = None;
    }

    /// Appends a combining character, unless the text already has 32 bytes or more.
    pub fn append(&mut self, c: char) {
        if self.is_empty() {
            self.set_char(c);
            return;
        }
        let mut text = self.text();
        if text.len() >= MAX_CELL_TEXT_BYTES {
            return;
        }
        text.push(c);
        self.cluster = Some(text.into_boxed_str());
        self.packed.set_flag(CLUSTER, true);
    }

    /// Appends the cell as the receiving terminal should see it: empty → one space,
    /// fallback → U+00A0 then the text, otherwise the text.
    pub fn write_grapheme(&self, out: &mut Vec<u8>) {
        self.packed.write_grapheme(self.cluster.as_deref(), out);
    }

    /// The grapheme as a string (see [`Cell::write_grapheme`]).
    pub fn grapheme(&self) -> String {
        let mut out = Vec::new();
        self.write_grapheme(&mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    /// The rendition.
    pub const fn rendition(&self) -> Rendition {
        self.packed.rendition()
    }

    /// Replaces the rendition.
    pub fn set_rendition(&mut self, rendition: Rendition) {
        self.packed.set_rendition(rendition);
    }

    /// Whether the character occupies this and the next column.
    pub const fn is_wide(&self) -> bool {
        self.packed.is_wide()
    }

    /// Number of columns the cell's character occupies (1 or 2).
    pub const fn width(&self) -> usize {
        self.packed.width()
    }

    /// Marks the cell wide or narrow.
    pub fn set_wide(&mut self, wide: bool) {
        self.packed.set_flag(WIDE, wide);
    }

    /// Whether the text begins with a combining character (shown after U+00A0).
    pub const fn is_fallback(&self) -> bool {
        self.packed.flags() & FALLBACK != 0
    }

    /// Sets the fallback flag.
    pub fn set_fallback(&mut self, fallback: bool) {
        self.packed.set_flag(FALLBACK, fallback);
    }

    /// Whether the row continues on the next row (meaningful on the last cell only).
    pub const fn is_wrap(&self) -> bool {
        self.packed.is_wrap()
    }

    /// Sets the wrap flag.
    pub fn set_wrap(&mut self, wrap: bool) {
        self.packed.set_wrap(wrap);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_is_compact() {
        // Rows store 16 bytes per cell: erasing a row is a fill.
        assert_eq!(std::mem::size_of::<PackedCell>(), 16);
        assert!(std::mem::size_of::<Cell>() <= 32);
    }

    #[test]
    fn a_packed_cell_keeps_every_field() {
        let colours = [
            Colour::Default,
            Colour::Indexed(0),
            Colour::Indexed(255),
            Colour::Rgb(0, 0, 0),
            Colour::Rgb(255, 1, 128),
        ];
        for (fg, bg) in colours.iter().flat_map(|&fg| colours.map(|bg| (fg, bg))) {
            for attrs in [0u8, 1, 0x2A, 0x3F] {
                let rendition = Rendition {
                    fg,
                    bg,
                    attrs: Attributes::from_bits(attrs),
                };
                for (c, wide) in [
                    ('\0', false),
                    ('a', false),
                    ('中', true),
                    ('\u{10FFFF}', true),
                ] {
                    let mut cell = PackedCell::with_char(c, wide, rendition);
                    assert_eq!(
                        (cell.ch(), cell.rendition(), cell.is_wide()),
                        (c, rendition, wide)
                    );
                    cell.set_wrap(true);
                    cell.set_rendition(Rendition::default());
                    cell.set_rendition(rendition);
                    assert_eq!((cell.ch(), cell.rendition()), (c, rendition));
                    assert!(cell.is_wrap() && cell.is_wide() == wide && !cell.is_cluster());
                    cell.set_ch('x');
                    assert_eq!(
                        (cell.ch(), cell.rendition(), cell.is_wrap()),
                        ('x', rendition, true)
                    );
                }
                let printed = PackedCell::blank(rendition).holding_ascii(b'~');
                assert_eq!(printed, PackedCell::narrow('~', rendition));
            }
        }
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
