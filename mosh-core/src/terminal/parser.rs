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
pub trait Perform {
    /// A printable code point in GROUND.
    fn print(&mut self, c: char);
    /// A C0 or C1 control.
    fn execute(&mut self, c: char);
    /// An ESC sequence: collected intermediates and the final code point.
    fn esc_dispatch(&mut self, collected: &[u8], final_char: char);
    /// A CSI sequence.
    fn csi_dispatch(&mut self, params: &Params<'_>, collected: &[u8], final_char: char);
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

/// Parser state carried between calls.
#[derive(Clone, Debug, Default)]
pub struct Parser {
    state: State,
    params: Vec<u8>,
    collected: Vec<u8>,
    osc: String,
    osc_chars: usize,
}

/// CSI parameters (terminal.md §3.4).
pub struct Params<'a> {
    raw: &'a [u8],
}

impl Params<'_> {
    /// Parameter strings split on `;` (an empty buffer is one empty field).
    fn fields(&self) -> impl Iterator<Item = &[u8]> {
        self.raw.split(|&b| b == b';')
    }

    /// Every field's value; `None` for an empty, non-numeric or too large field.
    pub fn values(&self) -> impl Iterator<Item = Option<u16>> + '_ {
        self.fields().map(parse_field)
    }

    /// Parameter `n` (0-based) or `default` when it is absent, missing or below 1.
    pub fn get(&self, n: usize, default: u16) -> u16 {
        match self.fields().nth(n).and_then(parse_field) {
            Some(v) if v >= 1 => v,
            _ => default,
        }
    }
}

fn parse_field(field: &[u8]) -> Option<u16> {
    if field.is_empty() {
        return None;
    }
    let mut value: u32 = 0;
    for &b in field {
        if !b.is_ascii_digit() {
            return None;
        }
        value = value * 10 + u32::from(b - b'0');
        if value > 65_535 {
            return None;
        }
    }
    Some(value as u16)
}

impl Parser {
    /// Whether the parser is in GROUND (the next printable character prints).
    pub fn is_ground(&self) -> bool {
        self.state == State::Ground
    }

    /// Feeds one code point.
    pub fn advance<P: Perform>(&mut self, c: char, perform: &mut P) {
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
                    perform.esc_dispatch(&self.collected, c);
                    self.state = State::Ground;
                }
                _ => {}
            },
            State::EscIntermediate => match class {
                _ if c0_exec => perform.execute(c),
                0x20..=0x2F => self.collect(cp),
                0x30..=0x7E => {
                    perform.esc_dispatch(&self.collected, c);
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
        if cp <= 0xFF && self.collected.len() < MAX_COLLECT_CHARS {
            self.collected.push(cp as u8);
        }
    }

    fn param(&mut self, cp: u32) {
        if self.params.len() < MAX_PARAM_CHARS {
            self.params.push(cp as u8);
        }
    }

    fn csi<P: Perform>(&mut self, c: char, perform: &mut P) {
        perform.csi_dispatch(&Params { raw: &self.params }, &self.collected, c);
        self.state = State::Ground;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_defaults() {
        let p = Params {
            raw: b"0;70000;;7;x",
        };
        assert_eq!(p.get(0, 1), 1);
        assert_eq!(p.get(1, 1), 1);
        assert_eq!(p.get(2, 5), 5);
        assert_eq!(p.get(3, 1), 7);
        assert_eq!(p.get(4, 2), 2);
        assert_eq!(p.get(9, 3), 3);
        assert_eq!(p.values().count(), 5);
        assert_eq!(Params { raw: b"" }.values().collect::<Vec<_>>(), [None]);
    }
}
