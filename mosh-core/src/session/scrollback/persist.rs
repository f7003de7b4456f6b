//! Scrollback lines as protobuf messages, the same in a snapshot
//! (`session/snapshot.rs`, field 18 of the body) and on the wire (the scrollback
//! extension, `proto::scrollback`): newest lines kept first when a byte budget runs
//! out.

use prost::Message;

use crate::protocol::proto::resize::MAX_DIMENSION;
use crate::protocol::proto::scrollback::{LineMessage, RunMessage};
use crate::session::{ScreenRow, StyledRun};
use crate::terminal::{Attributes, Colour, MAX_CELL_TEXT_BYTES, Rendition};

use super::ScrollbackRing;

/// Most bytes of scrollback a snapshot holds (about 60,000 typical lines): the
/// newest lines are kept, older ones beyond it are left out.
pub const SNAPSHOT_SCROLLBACK_BYTES: usize = 8 * 1024 * 1024;

const ATTRIBUTE_BITS: [Attributes; 6] = [
    Attributes::BOLD,
    Attributes::ITALIC,
    Attributes::UNDERLINE,
    Attributes::BLINK,
    Attributes::INVERSE,
    Attributes::INVISIBLE,
];

/// A line as its message.
pub(crate) fn saved(line: &ScreenRow) -> LineMessage {
    LineMessage {
        runs: line
            .runs
            .iter()
            .map(|run| RunMessage {
                column: run.column as u32,
                width: run.width as u32,
                text: run.text.clone(),
                foreground: run.rendition.fg.code(),
                background: run.rendition.bg.code(),
                attributes: ATTRIBUTE_BITS
                    .iter()
                    .enumerate()
                    .filter(|(_, a)| run.rendition.attrs.contains(**a))
                    .map(|(bit, _)| 1 << bit)
                    .sum(),
            })
            .collect(),
    }
}

/// The newest lines of `ring`, at most `max_lines` of them, that fit in `budget`
/// bytes, oldest first.
pub(crate) fn save(ring: &ScrollbackRing, budget: usize, max_lines: usize) -> Vec<LineMessage> {
    let mut used = 0;
    let mut lines: Vec<LineMessage> = Vec::new();
    for line in ring.iter().rev().take(max_lines) {
        let line = saved(line);
        // The line's bytes plus its field tag and length.
        used += line.encoded_len() + 4;
        if used > budget {
            break;
        }
        lines.push(line);
    }
    lines.reverse();
    lines
}

/// A saved line back as a row; `None` when it holds impossible values.
pub(crate) fn restore(line: &LineMessage) -> Option<ScreenRow> {
    let max = usize::from(MAX_DIMENSION);
    if line.runs.len() > max {
        return None;
    }
    let mut runs = Vec::with_capacity(line.runs.len());
    let mut next_column = 0;
    for run in &line.runs {
        let (column, width) = (run.column as usize, run.width as usize);
        if column < next_column
            || column + width > max
            || run.text.len() > width * MAX_CELL_TEXT_BYTES
        {
            return None;
        }
        next_column = column + width;
        let mut attrs = Attributes::empty();
        for (bit, attribute) in ATTRIBUTE_BITS.iter().enumerate() {
            attrs.set(*attribute, run.attributes & (1 << bit) != 0);
        }
        runs.push(StyledRun {
            column,
            width,
            text: run.text.clone(),
            rendition: Rendition {
                fg: Colour::from_code(run.foreground)?,
                bg: Colour::from_code(run.background)?,
                attrs,
            },
            predicted: false,
        });
    }
    Some(ScreenRow { runs })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn lines_round_trip_and_the_budget_keeps_the_newest() {
        let mut ring = ScrollbackRing::new(100);
        for i in 0..50u8 {
            ring.push(Arc::new(ScreenRow {
                runs: vec![
                    StyledRun {
                        column: 0,
                        width: 3,
                        text: format!("{i:>3}"),
                        rendition: Rendition::default(),
                        predicted: false,
                    },
                    StyledRun {
                        column: 3,
                        width: 2,
                        text: "中".into(),
                        rendition: Rendition {
                            fg: Colour::Rgb(i, 2, 3),
                            bg: Colour::Indexed(i),
                            attrs: Attributes::BOLD,
                        },
                        predicted: false,
                    },
                ],
            }));
        }
        let all = save(&ring, usize::MAX, usize::MAX);
        assert_eq!(all.len(), 50);
        for (saved, line) in all.iter().zip(ring.iter()) {
            assert_eq!(restore(saved).as_ref(), Some(&**line));
        }
        let some = save(&ring, 10 * (all[0].encoded_len() + 4), usize::MAX);
        assert_eq!(some.len(), 10);
        assert_eq!(restore(&some[9]).unwrap().text(), " 49中");
        // A line cap keeps the newest lines.
        let capped = save(&ring, usize::MAX, 3);
        assert_eq!(capped.len(), 3);
        assert_eq!(restore(&capped[2]).unwrap().text(), " 49中");
        assert!(save(&ring, usize::MAX, 0).is_empty());
        let mut bad = all[0].clone();
        bad.runs[1].foreground = 0x200;
        assert_eq!(restore(&bad), None);
        bad.runs[1].foreground = 0;
        bad.runs[1].column = 4095;
        assert_eq!(restore(&bad), None);
    }
}
