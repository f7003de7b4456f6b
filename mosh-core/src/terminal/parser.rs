//! The escape-sequence state machine of terminal.md §3, over code points.
//!
//! This is not the `vte` crate: vte parses bytes and decodes UTF-8 itself, so it
//! cannot treat UTF-8-encoded C1 code points as controls (behaviour case U11), it
//! saturates parameters above 65 535 where mosh treats them as missing (C6), and
//! code points ≥ U+00A0 do not act as final bytes inside sequences. Those are
//! observable on screen, so the machine is written from the spec's tables.

/// Longest parameter string kept (digits and `;`); the rest is dropped.
pub const MAX_PARAM_CHARS: usize = 100;
/// Most private-marker/intermediate characters kept.
pub const MAX_COLLECT_CHARS: usize = 8;
/// Most OSC code points kept; the OSC still dispatches with what was kept.
pub const MAX_OSC_CHARS: usize = 16_384;

/// Receiver of parser actions.
pub(crate) trait Perform {
    /// A printable code point in GROUND.
    fn print(&mut self, c: char);
    /// A C0 or C1 control.
    fn execute(&mut self, c: char);
    /// An ESC sequence: collected intermediates and the final code point.
    fn esc_dispatch(&mut self, collected: &[u8], final_char: char);
    /// A CSI sequence.
    fn csi_dispatch(&mut self, params: &Params, collected: &[u8], final_char: char);
    /// A complete OSC string.
    fn osc_dispatch(&mut self, osc: &str);
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
enum State {
    #[default]
    Ground,
    Escape,
    EscIntermediate,
    CsiEntry,
    CsiParam,
    CsiIntermediate,
    CsiIgnore,
    DcsEntry,
    DcsParam,
    DcsIntermediate,
    DcsPassthrough,
    DcsIgnore,
    OscString,
    SosPmApc,
}

/// At most this many fields fit in [`MAX_PARAM_CHARS`] characters (all `;`).
const MAX_FIELDS: usize = MAX_PARAM_CHARS + 1;
/// Field value meaning "missing": empty, or larger than 65 535.
const MISSING: u32 = u32::MAX;

/// `field` (a value or [`MISSING`]) with the ASCII digit `digit` appended; values
/// above 65 535 stay at 65 536, which reads as missing (behaviour case C6).
fn with_digit(field: u32, digit: u8) -> u32 {
    let digit = u32::from(digit - b'0');
    match field {
        MISSING => digit,
        v => (v * 10 + digit).min(65_536),
    }
}

/// A complete CSI sequence [`Parser::scan`] found, with its length in bytes.
pub(crate) enum Scanned<'p> {
    /// SGR (`m` with no private marker or intermediates), with its parameters.
    Sgr(usize, &'p Params),
    /// Any other sequence, with its final byte, for [`Parser::dispatch_scanned`].
    Other(usize, u8),
}

/// Parser state carried between calls.
#[derive(Clone, Debug)]
pub(crate) struct Parser {
    state: State,
    params: Params,
    collected: Collected,
    osc: String,
    osc_chars: usize,
}

impl Default for Parser {
    fn default() -> Self {
        Self {
            state: State::Ground,
            params: Params::new(),
            collected: Collected::default(),
            osc: String::new(),
            osc_chars: 0,
        }
    }
}

/// The private marker and intermediates of a sequence, at most
/// [`MAX_COLLECT_CHARS`] (the rest are dropped): a fixed array, so collecting never
/// allocates.
#[derive(Clone, Copy, Debug, Default)]
struct Collected {
    bytes: [u8; MAX_COLLECT_CHARS],
    len: usize,
}

impl Collected {
    fn clear(&mut self) {
        self.len = 0;
    }

    /// Appends `b` unless [`MAX_COLLECT_CHARS`] are already kept.
    fn push(&mut self, b: u8) {
        if let Some(slot) = self.bytes.get_mut(self.len) {
            *slot = b;
            self.len += 1;
        }
    }

    fn as_slice(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// CSI parameters (terminal.md §3.4), parsed as the characters arrive: the text is
/// split on `;` (an empty text is one empty field), each field is decimal, and an
/// empty or too large field is missing. Only the first `len` fields are meaningful.
#[derive(Clone, Debug)]
pub(crate) struct Params {
    fields: [u32; MAX_FIELDS],
    len: usize,
    chars: usize,
}

impl Params {
    fn new() -> Self {
        Self {
            fields: [MISSING; MAX_FIELDS],
            len: 1,
            chars: 0,
        }
    }

    fn clear(&mut self) {
        self.fields[0] = MISSING;
        self.len = 1;
        self.chars = 0;
    }

    /// Appends a digit or `;`; characters beyond the first 100 are dropped.
    fn push(&mut self, c: u8) {
        if self.chars >= MAX_PARAM_CHARS {
            return;
        }
        self.chars += 1;
        if c == b';' {
            // At most 100 characters, so at most MAX_FIELDS fields.
            self.fields[self.len] = MISSING;
            self.len += 1;
            return;
        }
        let field = &mut self.fields[self.len - 1];
        *field = with_digit(*field, c);
    }

    /// Every field's value; `None` for an empty or too large field.
    pub(crate) fn values(&self) -> impl Iterator<Item = Option<u16>> + '_ {
        self.fields[..self.len]
            .iter()
            .map(|&v| u16::try_from(v).ok())
    }

    /// The number of fields (at least 1).
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Field `n`'s value, 0 for an empty or too large field (as SGR reads them);
    /// `n` must be below [`Params::len`].
    pub(crate) fn value_or_zero(&self, n: usize) -> u16 {
        u16::try_from(self.fields[..self.len][n]).unwrap_or(0)
    }

    /// Parameter `n` (0-based) or `default` when it is absent, missing or below 1.
    pub(crate) fn get(&self, n: usize, default: u16) -> u16 {
        match self.fields[..self.len].get(n).map(|&v| u16::try_from(v)) {
            Some(Ok(v)) if v >= 1 => v,
            _ => default,
        }
    }
}

impl Parser {
    /// Whether the parser is in GROUND (the next printable character prints).
    pub(crate) fn is_ground(&self) -> bool {
        self.state == State::Ground
    }

    /// Feeds one code point.
    pub(crate) fn advance<P: Perform>(&mut self, c: char, perform: &mut P) {
        let cp = u32::from(c);
        // Rules that apply in every state (§3.1).
        let anywhere = match cp {
            0x18 | 0x1A | 0x80..=0x8F | 0x91..=0x97 | 0x99 | 0x9A => {
                self.leave(perform);
                perform.execute(c);
                Some(State::Ground)
            }
            0x9C => Some(State::Ground),
            0x1B => Some(State::Escape),
            0x90 => Some(State::DcsEntry),
            0x9B => Some(State::CsiEntry),
            0x9D => Some(State::OscString),
            0x98 | 0x9E | 0x9F => Some(State::SosPmApc),
            _ => None,
        };
        if let Some(next) = anywhere {
            self.transition(next, perform);
            return;
        }
        // Code points ≥ U+00A0 are classified as 'A' but keep their value.
        let class = if cp >= 0xA0 { 0x41 } else { cp };
        let c0_exec = class < 0x20 && class != 0x18 && class != 0x1A && class != 0x1B;
        match self.state {
            State::Ground => {
                if c0_exec {
                    perform.execute(c);
                } else {
                    perform.print(c);
                }
            }
            State::Escape => match class {
                _ if c0_exec => perform.execute(c),
                0x20..=0x2F => {
                    self.collect(cp);
                    self.state = State::EscIntermediate;
                }
                0x5B => self.transition(State::CsiEntry, perform),
                0x5D => self.transition(State::OscString, perform),
                0x50 => self.transition(State::DcsEntry, perform),
                0x58 | 0x5E | 0x5F => self.transition(State::SosPmApc, perform),
                0x30..=0x7E => {
                    perform.esc_dispatch(self.collected.as_slice(), c);
                    self.state = State::Ground;
                }
                _ => {}
            },
            State::EscIntermediate => match class {
                _ if c0_exec => perform.execute(c),
                0x20..=0x2F => self.collect(cp),
                0x30..=0x7E => {
                    perform.esc_dispatch(self.collected.as_slice(), c);
                    self.state = State::Ground;
                }
                _ => {}
            },
            State::CsiEntry | State::CsiParam => match class {
                _ if c0_exec => perform.execute(c),
                0x30..=0x39 | 0x3B => {
                    self.param(cp);
                    self.state = State::CsiParam;
                }
                0x3C..=0x3F if self.state == State::CsiEntry => {
                    self.collect(cp);
                    self.state = State::CsiParam;
                }
                0x3A..=0x3F => self.state = State::CsiIgnore,
                0x20..=0x2F => {
                    self.collect(cp);
                    self.state = State::CsiIntermediate;
                }
                0x40..=0x7E => self.csi(c, perform),
                _ => {}
            },
            State::CsiIntermediate => match class {
                _ if c0_exec => perform.execute(c),
                0x20..=0x2F => self.collect(cp),
                0x30..=0x3F => self.state = State::CsiIgnore,
                0x40..=0x7E => self.csi(c, perform),
                _ => {}
            },
            State::CsiIgnore => match class {
                _ if c0_exec => perform.execute(c),
                0x40..=0x7E => self.state = State::Ground,
                _ => {}
            },
            State::DcsEntry | State::DcsParam => match class {
                0x30..=0x39 | 0x3B => self.state = State::DcsParam,
                0x3C..=0x3F if self.state == State::DcsEntry => self.state = State::DcsParam,
                0x3A..=0x3F => self.state = State::DcsIgnore,
                0x20..=0x2F => self.state = State::DcsIntermediate,
                0x40..=0x7E => self.state = State::DcsPassthrough,
                _ => {}
            },
            State::DcsIntermediate => match class {
                0x30..=0x3F => self.state = State::DcsIgnore,
                0x40..=0x7E => self.state = State::DcsPassthrough,
                _ => {}
            },
            State::DcsPassthrough | State::DcsIgnore | State::SosPmApc => {}
            State::OscString => match cp {
                0x07 => self.transition(State::Ground, perform),
                0x20..=0x7F | 0xA0.. if self.osc_chars < MAX_OSC_CHARS => {
                    self.osc.push(c);
                    self.osc_chars += 1;
                }
                _ => {}
            },
        }
    }

    /// Fast path for a complete, well-formed CSI sequence at the start of `bytes`
    /// while in GROUND: `ESC [`, an optional private marker, digits and `;`, up to
    /// eight intermediates and a final byte, none split across calls. Dispatches it
    /// exactly as the state machine would and returns the bytes consumed; anything
    /// else returns `None` and leaves the state machine to do the work.
    // Always inlined into the emulator's GROUND loop, its one caller, with
    // `scan_csi`: left to the compiler, either became a call in some builds and a
    // CSI then cost 25–30 % more instructions (callgrind).
    #[inline(always)]
    pub(crate) fn try_csi<P: Perform>(&mut self, bytes: &[u8], perform: &mut P) -> Option<usize> {
        let (len, final_byte) = self.scan_ground_csi(bytes)?;
        self.dispatch_scanned(final_byte, perform);
        Some(len)
    }

    /// What [`Parser::try_csi`] accepts, scanned but not dispatched: for the
    /// printing loop (`Framebuffer::print_text_and_sgr`), which carries out SGR on
    /// the pen itself and hands any other sequence back to be dispatched with
    /// [`Parser::dispatch_scanned`].
    #[inline(always)] // See `try_csi`.
    pub(crate) fn scan(&mut self, bytes: &[u8]) -> Option<Scanned<'_>> {
        let (len, final_byte) = self.scan_ground_csi(bytes)?;
        Some(if final_byte == b'm' && self.collected.len == 0 {
            Scanned::Sgr(len, &self.params)
        } else {
            Scanned::Other(len, final_byte)
        })
    }

    /// Dispatches the sequence the last successful scan found (its parameters and
    /// intermediates are still in the parser), ending with `final_byte`.
    #[inline(always)] // See `try_csi`.
    pub(crate) fn dispatch_scanned<P: Perform>(&self, final_byte: u8, perform: &mut P) {
        perform.csi_dispatch(
            &self.params,
            self.collected.as_slice(),
            char::from(final_byte),
        );
    }

    /// The length and final byte of the complete CSI sequence at the start of
    /// `bytes` while in GROUND, parsed into `params` and `collected`.
    #[inline(always)] // See `try_csi`.
    fn scan_ground_csi(&mut self, bytes: &[u8]) -> Option<(usize, u8)> {
        let [0x1B, b'[', rest @ ..] = bytes else {
            return None;
        };
        if self.state != State::Ground {
            return None;
        }
        let (len, final_byte) = self.scan_csi(rest)?;
        Some((2 + len, final_byte))
    }

    /// Parses the rest of a CSI sequence after `ESC [` into `params` and `collected`;
    /// returns its length and final byte, or `None` when the sequence is incomplete
    /// or is one the state machine must handle (a parameter text longer than the 100
    /// characters kept, which it truncates; too many intermediates; a character
    /// that makes it ignored). Fields written before a `None` need no undoing: the
    /// state machine clears the parameters when it starts a sequence.
    #[inline(always)] // See `try_csi`.
    fn scan_csi(&mut self, rest: &[u8]) -> Option<(usize, u8)> {
        // The commonest form by far (`CSI m`, `CSI K`, `CSI H`): a final byte at once,
        // so one empty field and nothing collected.
        if let Some(&final_byte @ 0x40..=0x7E) = rest.first() {
            self.params.clear();
            self.collected.clear();
            return Some((1, final_byte));
        }
        let marker = rest.first().copied().filter(|b| matches!(b, 0x3C..=0x3F));
        let params_start = usize::from(marker.is_some());
        let mut i = params_start;
        let mut finished_fields = 0;
        let mut field = MISSING;
        loop {
            match *rest.get(i)? {
                b @ b'0'..=b'9' => field = with_digit(field, b),
                b';' => {
                    if finished_fields + 1 == MAX_FIELDS {
                        return None;
                    }
                    self.params.fields[finished_fields] = field;
                    finished_fields += 1;
                    field = MISSING;
                }
                _ => break,
            }
            i += 1;
        }
        let params_end = i;
        while matches!(rest.get(i), Some(0x20..=0x2F)) {
            i += 1;
        }
        let final_byte = *rest.get(i)?;
        let intermediates = &rest[params_end..i];
        if params_end - params_start > MAX_PARAM_CHARS
            || !(0x40..=0x7E).contains(&final_byte)
            || usize::from(marker.is_some()) + intermediates.len() > MAX_COLLECT_CHARS
        {
            return None;
        }
        self.params.fields[finished_fields] = field;
        self.params.len = finished_fields + 1;
        self.params.chars = params_end - params_start;
        self.collected.clear();
        if let Some(m) = marker {
            self.collected.push(m);
        }
        for &b in intermediates {
            self.collected.push(b);
        }
        Some((i + 1, final_byte))
    }

    /// Runs the exit action of the current state: leaving OSC_STRING for any reason
    /// dispatches the OSC (so a CAN-cancelled OSC still takes effect, a mosh quirk).
    fn leave<P: Perform>(&mut self, perform: &mut P) {
        if self.state == State::OscString {
            self.state = State::Ground;
            perform.osc_dispatch(&self.osc);
        }
    }

    fn transition<P: Perform>(&mut self, next: State, perform: &mut P) {
        self.leave(perform);
        match next {
            State::Escape | State::CsiEntry | State::DcsEntry => {
                self.params.clear();
                self.collected.clear();
            }
            State::OscString => {
                self.osc.clear();
                self.osc_chars = 0;
            }
            _ => {}
        }
        self.state = next;
    }

    fn collect(&mut self, cp: u32) {
        if let Ok(b) = u8::try_from(cp) {
            self.collected.push(b);
        }
    }

    fn param(&mut self, cp: u32) {
        self.params.push(cp as u8);
    }

    fn csi<P: Perform>(&mut self, c: char, perform: &mut P) {
        perform.csi_dispatch(&self.params, self.collected.as_slice(), c);
        self.state = State::Ground;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_defaults() {
        let mut p = Params::new();
        for &c in b"0;70000;;7;" {
            p.push(c);
        }
        assert_eq!(p.get(0, 1), 1);
        assert_eq!(p.get(1, 1), 1);
        assert_eq!(p.get(2, 5), 5);
        assert_eq!(p.get(3, 1), 7);
        assert_eq!(p.get(4, 2), 2);
        assert_eq!(p.get(9, 3), 3);
        assert_eq!(p.values().count(), 5);
        p.clear();
        assert_eq!(p.values().collect::<Vec<_>>(), [None]);
    }

    #[test]
    fn parameter_text_is_truncated_at_100_characters() {
        let mut p = Params::new();
        for _ in 0..200 {
            p.push(b';');
        }
        assert_eq!(p.values().count(), MAX_PARAM_CHARS + 1);
    }
}
