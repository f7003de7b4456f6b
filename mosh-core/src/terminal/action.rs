//! Every control function the emulator knows, as a typed action (terminal.md §6).
//!
//! The parser hands over raw sequences (a control code point; `ESC` with its
//! intermediates and final; `CSI` with parameters, intermediates and final). They are
//! decoded here, in one place each, and [`Framebuffer::perform`] (`perform.rs`) carries
//! the action out. To learn what a sequence does, find its decode below and its case
//! there. Sequences the emulator ignores decode to the `Ignored*` actions, which still
//! have effects of their own (they end a pending wrap).
//!
//! [`Framebuffer::perform`]: super::framebuffer::Framebuffer

use super::parser::Params;

/// One control function with its arguments.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Action<'p> {
    // C0 and C1 controls (§6.3).
    /// BEL.
    Bell,
    /// BS.
    Backspace,
    /// HT (keeps a pending wrap).
    Tab,
    /// LF, VT, FF and IND.
    LineFeed,
    /// CR.
    CarriageReturn,
    /// NEL.
    NextLine,
    /// HTS.
    SetTabStop,
    /// RI.
    ReverseIndex,
    /// Any other control: nothing but the end of a pending wrap.
    IgnoredControl,

    // ESC sequences (§6.4).
    /// DECSC (`ESC 7`).
    SaveCursor,
    /// DECRC (`ESC 8`).
    RestoreCursor,
    /// RIS (`ESC c`).
    FullReset,
    /// DECALN (`ESC # 8`).
    ScreenAlignment,
    /// An ESC sequence the emulator does not act on.
    IgnoredEscape,

    // CSI sequences (§6.5). Counts are the raw parameters with their defaults.
    /// SGR (`m`).
    SelectGraphicRendition(&'p Params),
    /// DECSET / DECRST (`? h`, `? l`).
    SetPrivateModes(&'p Params, bool),
    /// SM / RM (`h`, `l`).
    SetAnsiModes(&'p Params, bool),
    /// CHT (`I`).
    TabForward(usize),
    /// CBT (`Z`).
    TabBackward(usize),
    /// TBC (`g`).
    ClearTabs(u16),
    /// CUU (`A`).
    CursorUp(usize),
    /// CUD (`B`).
    CursorDown(usize),
    /// CUF (`C`).
    CursorForward(usize),
    /// CUB (`D`).
    CursorBack(usize),
    /// CUP, HVP (`H`, `f`): 1-based row and column.
    CursorPosition(usize, usize),
    /// VPA (`d`): 1-based row.
    LinePositionAbsolute(usize),
    /// CHA, HPA (`G`, `` ` ``): 1-based column.
    CharacterPositionAbsolute(usize),
    /// ED (`J`).
    EraseDisplay(u16),
    /// EL (`K`).
    EraseLine(u16),
    /// ECH (`X`).
    EraseCharacters(usize),
    /// ICH (`@`).
    InsertCharacters(usize),
    /// DCH (`P`).
    DeleteCharacters(usize),
    /// IL (`L`).
    InsertLines(usize),
    /// DL (`M`).
    DeleteLines(usize),
    /// SU (`S`).
    ScrollUp(usize),
    /// SD (`T`).
    ScrollDown(usize),
    /// DECSTBM (`r`).
    SetScrollRegion(&'p Params),
    /// DECSTR (`! p`).
    SoftReset,
    /// DA (`c`).
    PrimaryDeviceAttributes,
    /// Secondary DA (`> c`).
    SecondaryDeviceAttributes,
    /// DSR (`n`).
    DeviceStatusReport(u16),
    /// A CSI sequence the emulator does not act on.
    IgnoredCsi,
}

impl Action<'_> {
    /// Whether the action ends a pending wrap before it runs. The cursor movements
    /// of the controls (BS, LF, CR, NEL, RI) handle the wrap themselves, HT keeps it,
    /// and so do SGR, mode changes and tab functions; every ESC and every other CSI
    /// sequence ends it, unknown ones too.
    pub(crate) fn ends_pending_wrap(&self) -> bool {
        !matches!(
            self,
            Action::Backspace
                | Action::Tab
                | Action::LineFeed
                | Action::CarriageReturn
                | Action::NextLine
                | Action::ReverseIndex
                | Action::SelectGraphicRendition(_)
                | Action::SetPrivateModes(..)
                | Action::TabForward(_)
                | Action::TabBackward(_)
                | Action::ClearTabs(_)
        )
    }
}

/// A C0 or C1 control code point.
pub(crate) fn control(c: char) -> Action<'static> {
    match u32::from(c) {
        0x07 => Action::Bell,
        0x08 => Action::Backspace,
        0x09 => Action::Tab,
        0x0A..=0x0C | 0x84 => Action::LineFeed,
        0x0D => Action::CarriageReturn,
        0x85 => Action::NextLine,
        0x88 => Action::SetTabStop,
        0x8D => Action::ReverseIndex,
        _ => Action::IgnoredControl,
    }
}

/// `ESC` + `collected` + `final_char`. `ESC` with a final in 0x40–0x5F and nothing
/// collected is the C1 control 0x40 higher (`ESC D` = IND, `ESC M` = RI, …).
pub(crate) fn escape(collected: &[u8], final_char: char) -> Action<'static> {
    let f = u32::from(final_char);
    if collected.is_empty() && (0x40..=0x5F).contains(&f) {
        return char::from_u32(f + 0x40).map_or(Action::IgnoredControl, control);
    }
    match (collected, final_char) {
        (b"", '7') => Action::SaveCursor,
        (b"", '8') => Action::RestoreCursor,
        (b"", 'c') => Action::FullReset,
        (b"#", '8') => Action::ScreenAlignment,
        _ => Action::IgnoredEscape,
    }
}

/// `CSI` + `params` + `collected` + `final_char`.
pub(crate) fn csi<'p>(params: &'p Params, collected: &[u8], final_char: char) -> Action<'p> {
    let count = |n: usize| usize::from(params.get(n, 1));
    match collected {
        [] => match final_char {
            'm' => Action::SelectGraphicRendition(params),
            'h' => Action::SetAnsiModes(params, true),
            'l' => Action::SetAnsiModes(params, false),
            'I' => Action::TabForward(count(0)),
            'Z' => Action::TabBackward(count(0)),
            'g' => Action::ClearTabs(params.get(0, 0)),
            'A' => Action::CursorUp(count(0)),
            'B' => Action::CursorDown(count(0)),
            'C' => Action::CursorForward(count(0)),
            'D' => Action::CursorBack(count(0)),
            'H' | 'f' => Action::CursorPosition(count(0), count(1)),
            'd' => Action::LinePositionAbsolute(count(0)),
            'G' | '`' => Action::CharacterPositionAbsolute(count(0)),
            'J' => Action::EraseDisplay(params.get(0, 0)),
            'K' => Action::EraseLine(params.get(0, 0)),
            'X' => Action::EraseCharacters(count(0)),
            '@' => Action::InsertCharacters(count(0)),
            'P' => Action::DeleteCharacters(count(0)),
            'L' => Action::InsertLines(count(0)),
            'M' => Action::DeleteLines(count(0)),
            'S' => Action::ScrollUp(count(0)),
            'T' => Action::ScrollDown(count(0)),
            'r' => Action::SetScrollRegion(params),
            'c' => Action::PrimaryDeviceAttributes,
            'n' => Action::DeviceStatusReport(params.get(0, 0)),
            _ => Action::IgnoredCsi,
        },
        b"?" => match final_char {
            'h' => Action::SetPrivateModes(params, true),
            'l' => Action::SetPrivateModes(params, false),
            _ => Action::IgnoredCsi,
        },
        b"!" if final_char == 'p' => Action::SoftReset,
        b">" if final_char == 'c' => Action::SecondaryDeviceAttributes,
        _ => Action::IgnoredCsi,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c1_escapes_decode_as_their_controls() {
        assert!(matches!(escape(b"", 'D'), Action::LineFeed));
        assert!(matches!(escape(b"", 'E'), Action::NextLine));
        assert!(matches!(escape(b"", 'H'), Action::SetTabStop));
        assert!(matches!(escape(b"", 'M'), Action::ReverseIndex));
        assert!(matches!(escape(b"", '\\'), Action::IgnoredControl));
        assert!(matches!(escape(b"#", '8'), Action::ScreenAlignment));
        assert!(matches!(escape(b"(", 'B'), Action::IgnoredEscape));
    }

    #[test]
    fn unknown_sequences_end_a_pending_wrap_and_tabs_keep_it() {
        assert!(!control('\t').ends_pending_wrap());
        assert!(control('\x07').ends_pending_wrap());
        assert!(Action::IgnoredCsi.ends_pending_wrap());
        assert!(Action::IgnoredEscape.ends_pending_wrap());
        assert!(Action::IgnoredControl.ends_pending_wrap());
        assert!(!Action::ClearTabs(0).ends_pending_wrap());
    }
}
