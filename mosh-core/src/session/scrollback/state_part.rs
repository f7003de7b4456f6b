//! The scrollback extension's part of the server→client state
//! (`docs/scrollback-extension.md`): whether it is in use, how many lines have
//! scrolled off, and (for the diff) where they are.

use std::sync::Arc;

use crate::protocol::proto::DiffError;
use prost::Message;

use crate::protocol::proto::scrollback::{LineMessage, SCROLLBACK_VERSION, ScrollbackLines};
use crate::session::ScreenRow;

use super::persist;
use super::server_log::{MAX_LINES_PER_DIFF, ScrollLog};

/// The part of a `TerminalState` the extension adds. Two parts are equal when they
/// agree on use and line count.
#[derive(Debug, Clone, Default)]
pub struct ScrollbackPart {
    active: bool,
    end: u64,
    /// The server's lines (server states only).
    log: Option<ScrollLog>,
    /// Client states: the lines the diff that made this state carried.
    delivered: Arc<Vec<ScreenRow>>,
    /// The number of `delivered[0]`.
    delivered_first: u64,
    /// Heap bytes of `delivered`, counted when it was made.
    delivered_bytes: usize,
}

impl PartialEq for ScrollbackPart {
    fn eq(&self, other: &Self) -> bool {
        self.active == other.active && self.end == other.end
    }
}

impl ScrollbackPart {
    /// A server state's part: in use, `end` lines scrolled off, found in `log`.
    pub fn server(log: ScrollLog, end: u64) -> Self {
        ScrollbackPart {
            active: true,
            end,
            log: Some(log),
            ..ScrollbackPart::default()
        }
    }

    /// A client state's part as saved in a snapshot.
    pub fn restored(active: bool, end: u64) -> Self {
        ScrollbackPart {
            active,
            end,
            ..ScrollbackPart::default()
        }
    }

    /// Whether the server sends its lines (it heard the client's announcement).
    pub fn active(&self) -> bool {
        self.active
    }

    /// Lines that scrolled off before this state.
    pub fn end(&self) -> u64 {
        self.end
    }

    /// The lines the diff that made this state carried, and the number of the first.
    pub fn delivered(&self) -> (u64, &[ScreenRow]) {
        (self.delivered_first, &self.delivered)
    }

    /// What a diff from `base` carries: nothing unless the extension is in use and
    /// there is news (its start, or lines).
    pub fn diff_from(&self, base: &Self) -> Option<ScrollbackLines> {
        if !self.active || (base.active && base.end >= self.end) {
            return None;
        }
        let (first, lines) = match &self.log {
            Some(log) => log.messages(base.end, self.end),
            None => (self.end, Vec::new()),
        };
        Some(ScrollbackLines {
            version: Some(SCROLLBACK_VERSION),
            first: Some(first),
            lines,
        })
    }

    /// Applies what a diff carried: the lines become this state's delivery.
    pub fn apply(&mut self, message: &ScrollbackLines) -> Result<(), DiffError> {
        if message.lines.len() as u64 > MAX_LINES_PER_DIFF {
            return Err(DiffError::BadScrollback);
        }
        let lines = message
            .lines
            .iter()
            .map(|line| {
                LineMessage::decode(line.as_ref())
                    .ok()
                    .and_then(|line| persist::restore(&line))
            })
            .collect::<Option<Vec<_>>>()
            .ok_or(DiffError::BadScrollback)?;
        let first = message.first.unwrap_or(self.end);
        self.active = true;
        self.end = self.end.max(first.saturating_add(lines.len() as u64));
        self.delivered_first = first;
        self.delivered_bytes = lines.iter().map(line_bytes).sum();
        self.delivered = Arc::new(lines);
        Ok(())
    }

    /// Heap bytes this part holds (a client state's delivered lines; a server
    /// state's lines are in the shared log, counted there), for a receiver that
    /// bounds the memory of the states it keeps.
    pub fn heap_bytes(&self) -> usize {
        self.delivered_bytes
    }

    /// A state made by a diff delivers only what that diff carried.
    pub fn clear_delivery(&mut self) {
        if !self.delivered.is_empty() {
            self.delivered = Arc::default();
        }
        self.delivered_first = self.end;
        self.delivered_bytes = 0;
    }
}

/// Heap bytes of one line: its runs and their text.
fn line_bytes(line: &ScreenRow) -> usize {
    std::mem::size_of::<ScreenRow>()
        + line
            .runs
            .iter()
            .map(|run| std::mem::size_of_val(run) + run.text.capacity())
            .sum::<usize>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::proto::scrollback::RunMessage;

    fn line(i: usize, foreground: u32) -> bytes::Bytes {
        LineMessage {
            runs: vec![RunMessage {
                column: 0,
                width: 5,
                text: format!("{i:>5}"),
                foreground,
                background: 0,
                attributes: 0,
            }],
        }
        .encode_to_vec()
        .into()
    }

    fn message(first: u64, count: usize) -> ScrollbackLines {
        ScrollbackLines {
            version: Some(SCROLLBACK_VERSION),
            first: Some(first),
            lines: (0..count).map(|i| line(i, 0)).collect(),
        }
    }

    #[test]
    fn apply_counts_lines_refuses_too_many_and_clears() {
        let mut part = ScrollbackPart::default();
        part.apply(&message(10, 3)).unwrap();
        assert!(part.active());
        assert_eq!(part.end(), 13);
        assert_eq!(part.delivered().0, 10);
        assert!(part.heap_bytes() >= 3 * 5);
        part.clear_delivery();
        assert_eq!((part.heap_bytes(), part.delivered().1.len()), (0, 0));
        assert_eq!(
            part.apply(&message(0, MAX_LINES_PER_DIFF as usize + 1)),
            Err(DiffError::BadScrollback)
        );
        let mut bad = message(0, 1);
        bad.lines[0] = line(0, 7);
        assert_eq!(part.apply(&bad), Err(DiffError::BadScrollback));
        bad.lines[0] = bytes::Bytes::from_static(&[0xff, 0xff]);
        assert_eq!(part.apply(&bad), Err(DiffError::BadScrollback));
        // Lines from an older base never move the count back.
        part.apply(&message(2, 1)).unwrap();
        assert_eq!(part.end(), 13);
    }
}
