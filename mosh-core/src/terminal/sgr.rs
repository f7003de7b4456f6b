//! SGR parsing (terminal.md §4.1).

use super::parser::Params;
use super::rendition::{Attributes, Colour, Rendition};

impl Rendition {
    /// Applies an SGR sequence to this pen, left to right.
    pub(crate) fn select_graphic_rendition(&mut self, params: &Params) {
        let len = params.len();
        let value = |i: usize| params.value_or_zero(i);
        let pen = self;
        let mut i = 0;
        while i < len {
            let v = value(i);
            let remaining = len - i;
            if (v == 38 || v == 48) && remaining >= 3 && value(i + 1) == 5 {
                if let Ok(index) = u8::try_from(value(i + 2)) {
                    *colour_slot(pen, v) = Colour::Indexed(index);
                }
                i += 3;
                continue;
            }
            if (v == 38 || v == 48) && remaining >= 5 && value(i + 1) == 2 {
                // Components above 255 are not range-checked by mosh; keep the low byte.
                let [r, g, b] = [value(i + 2), value(i + 3), value(i + 4)].map(|c| c as u8);
                *colour_slot(pen, v) = Colour::Rgb(r, g, b);
                i += 5;
                continue;
            }
            match v {
                0 => *pen = Default::default(),
                1 => pen.attrs.set(Attributes::BOLD, true),
                3 => pen.attrs.set(Attributes::ITALIC, true),
                4 => pen.attrs.set(Attributes::UNDERLINE, true),
                5 => pen.attrs.set(Attributes::BLINK, true),
                7 => pen.attrs.set(Attributes::INVERSE, true),
                8 => pen.attrs.set(Attributes::INVISIBLE, true),
                22 => pen.attrs.set(Attributes::BOLD, false),
                23 => pen.attrs.set(Attributes::ITALIC, false),
                24 => pen.attrs.set(Attributes::UNDERLINE, false),
                25 => pen.attrs.set(Attributes::BLINK, false),
                27 => pen.attrs.set(Attributes::INVERSE, false),
                28 => pen.attrs.set(Attributes::INVISIBLE, false),
                30..=37 => pen.fg = Colour::Indexed((v - 30) as u8),
                39 => pen.fg = Colour::Default,
                40..=47 => pen.bg = Colour::Indexed((v - 40) as u8),
                49 => pen.bg = Colour::Default,
                90..=97 => pen.fg = Colour::Indexed((v - 90 + 8) as u8),
                100..=107 => pen.bg = Colour::Indexed((v - 100 + 8) as u8),
                _ => {}
            }
            i += 1;
        }
    }
}

fn colour_slot(pen: &mut Rendition, code: u16) -> &mut Colour {
    if code == 38 { &mut pen.fg } else { &mut pen.bg }
}
