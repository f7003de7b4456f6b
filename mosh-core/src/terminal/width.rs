//! Character widths (terminal.md §5): glibc 2.36's `wcwidth`, which stock mosh uses.

use super::width_table::RANGES;

/// Columns a printed code point occupies: 1 or 2, 0 for combining characters, −1 for
/// characters that are ignored (controls, unassigned code points, U+2028 …).
pub fn char_width(c: char) -> i8 {
    let cp = u32::from(c);
    // Nothing below U+0300 other than the controls is narrower or wider than 1.
    if (0x20..0x7F).contains(&cp) || (0xA0..0x300).contains(&cp) {
        return 1;
    }
    match RANGES.binary_search_by(|&(first, last, _)| {
        if last < cp {
            std::cmp::Ordering::Less
        } else if first > cp {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Equal
        }
    }) {
        Ok(i) => RANGES[i].2,
        Err(_) => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference values terminal.md §5 gives for glibc 2.36.
    #[test]
    fn matches_the_spec_reference_values() {
        let cases: &[(u32, i8)] = &[
            (0x0000, -1),
            (0x00AD, 1),
            (0x0300, 0),
            (0x0600, 1),
            (0x1160, 0),
            (0x200B, 0),
            (0x200D, 0),
            (0x2028, -1),
            (0x2708, 1),
            (0x3000, 2),
            (0xD7B0, 0),
            (0xE000, 1),
            (0xFE0F, 0),
            (0xFF01, 2),
            (0x0378, -1),
            (0x1F1E6, 1),
            (0x1F3FB, 2),
            (0x1F600, 2),
            (0x20000, 2),
            (0xE0001, 0),
            (0x007F, -1),
            (0x260E, 1),
            (0x65E5, 2),
        ];
        for &(cp, width) in cases {
            let c = char::from_u32(cp).unwrap();
            assert_eq!(char_width(c), width, "U+{cp:04X}");
        }
    }
}
