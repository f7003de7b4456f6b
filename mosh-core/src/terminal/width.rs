//! Character widths (terminal.md §5): glibc 2.36's `wcwidth`, which stock mosh uses.

use std::sync::OnceLock;

use super::width_table::RANGES;

/// Widths of the Basic Multilingual Plane, two bits per code point (width + 1),
/// built once from the range table: a lookup instead of a binary search for the
/// characters nearly all text uses. 16 KiB.
static BMP: OnceLock<Box<[u8]>> = OnceLock::new();

fn bmp_table() -> &'static [u8] {
    BMP.get_or_init(|| {
        let mut table = vec![0u8; 0x10000 / 4];
        for cp in 0..0x10000u32 {
            let width = search(cp);
            table[cp as usize / 4] |= ((width + 1) as u8) << ((cp % 4) * 2);
        }
        table.into_boxed_slice()
    })
}

fn search(cp: u32) -> i8 {
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

/// Columns a printed code point occupies: 1 or 2, 0 for combining characters, −1 for
/// characters that are ignored (controls, unassigned code points, U+2028 …).
pub fn char_width(c: char) -> i8 {
    let cp = u32::from(c);
    // Nothing below U+0300 other than the controls is narrower or wider than 1.
    if (0x20..0x7F).contains(&cp) || (0xA0..0x300).contains(&cp) {
        return 1;
    }
    if cp < 0x10000 {
        let bits = (bmp_table()[cp as usize / 4] >> ((cp % 4) * 2)) & 3;
        return bits as i8 - 1;
    }
    search(cp)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference values terminal.md §5 gives for glibc 2.36.
    #[test]
    fn table_and_search_agree() {
        for cp in (0..0x10000u32).step_by(7) {
            if let Some(c) = char::from_u32(cp)
                && !(0x20..0x7F).contains(&cp)
                && !(0xA0..0x300).contains(&cp)
            {
                assert_eq!(char_width(c), search(cp), "U+{cp:04X}");
            }
        }
    }

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
