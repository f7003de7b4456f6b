//! The server's side of the scrollback extension (`docs/scrollback-extension.md`):
//! the lines that scrolled off its screen, numbered from 0, kept until the client
//! has acknowledged a state that holds them.
//!
//! Lines are kept as the emulator captured them (rows cut to their shown width), and encoded when a
//! state first carries them (then kept encoded, shared by every later diff): in a flood
//! nearly every line is pushed out by newer ones before it can be sent, and then costs
//! a cut, not a conversion.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use prost::Message;

use crate::session::ScreenRow;
use crate::terminal::Row;
use crate::terminal::scroll_capture::MAX_SPARE_ROWS;

use super::persist;

/// Lines a server state may be ahead of the state the client acknowledged: what one
/// diff carries at most (a few tens of kilobytes before compression).
pub const MAX_LINES_PER_STATE: u64 = 4096;

/// Most lines a diff carries, whatever its base: the newest are kept.
pub const MAX_LINES_PER_DIFF: u64 = 2 * MAX_LINES_PER_STATE;

/// Most bytes of history a server state may be ahead of the state the client
/// acknowledged (as [`ScrollLog::end_within`] estimates them, above the encoded size):
/// a quarter of the 4 MiB instruction limit, so a diff of the widest, most colourful
/// lines still leaves room for the screen beside them.
pub const MAX_HISTORY_BYTES_PER_STATE: u64 = 1 << 20;

/// Most lines kept for a client that has not acknowledged them (20–60 MB); beyond
/// it the oldest are dropped and the client's history has a gap.
pub const MAX_UNACKNOWLEDGED_LINES: usize = 200_000;

#[derive(Debug, Default)]
struct Log {
    /// Most lines held: the client's announced count, at most
    /// [`MAX_UNACKNOWLEDGED_LINES`].
    keep: usize,
    /// Number of `lines[0]`.
    first: u64,
    lines: VecDeque<Line>,
    /// Per line, the estimated bytes of every line pushed before it (so the bytes
    /// of a range are a difference, found by binary search).
    starts: VecDeque<u64>,
    /// The estimated bytes of every line pushed.
    total_bytes: u64,
    /// Rows dropped unsent since the last push, for the capture to reuse.
    spent: Vec<Arc<Row>>,
    /// Heap bytes of the lines still held as rows (see [`MAX_ROW_FORM_BYTES`]).
    row_bytes: usize,
    /// Index in `lines` before which every line is encoded.
    first_row: usize,
}

/// Most bytes of lines held as rows (16 bytes a cell): beyond it the oldest are
/// encoded, a few bytes a cell. A client that keeps 200,000 wide lines, or a phone
/// asleep during a long burst, costs the server this much plus the encoded lines,
/// not 16 bytes a cell for all of them.
const MAX_ROW_FORM_BYTES: usize = 16 << 20;

/// What a line held as a row costs: its cells, the row, the `Arc`.
fn row_heap_bytes(row: &Row) -> usize {
    96 + 16 * row.width()
}

/// One line: the row as it scrolled off until a state carries it, then its message's
/// bytes (smaller, and what every diff from then on copies by reference).
#[derive(Debug)]
enum Line {
    Row(Arc<Row>),
    Encoded(Bytes),
}

impl Line {
    /// The line's message, encoding it the first time; and the row bytes that
    /// freed.
    fn encoded(&mut self) -> (Bytes, usize) {
        let (bytes, freed) = match self {
            Line::Encoded(bytes) => return (bytes.clone(), 0),
            Line::Row(row) => (
                Bytes::from(persist::saved(&ScreenRow::trimmed(row)).encode_to_vec()),
                row_heap_bytes(row),
            ),
        };
        *self = Line::Encoded(bytes.clone());
        (bytes, freed)
    }
}

impl Log {
    fn end(&self) -> u64 {
        self.first + self.lines.len() as u64
    }

    /// Drops the oldest `count` lines (their rows, if unsent, are kept for reuse).
    fn drop_oldest(&mut self, count: usize) {
        self.first_row = self.first_row.saturating_sub(count);
        for line in self.lines.drain(..count) {
            if let Line::Row(row) = line {
                self.row_bytes = self.row_bytes.saturating_sub(row_heap_bytes(&row));
                if self.spent.len() < MAX_SPARE_ROWS {
                    self.spent.push(row);
                }
            }
        }
        self.starts.drain(..count);
        self.first += count as u64;
    }

    /// Estimated bytes pushed before line `number` (`first..=end`).
    fn offset(&self, number: u64) -> u64 {
        match self.starts.get((number - self.first) as usize) {
            Some(&start) => start,
            None => self.total_bytes,
        }
    }
}

/// An upper bound of a line's encoded size: per run its text and at most 32 bytes of
/// fields, tags and lengths; per line 8. Runs start where the rendition changes.
fn estimated_bytes(line: &Row) -> u64 {
    let mut bytes = 8;
    let mut rendition = None;
    let mut col = 0;
    let shown = line.shown_width();
    while let Some((cell, cluster)) = (col < shown).then(|| line.packed_cell(col)).flatten() {
        if rendition != Some(cell.rendition_key_here()) {
            rendition = Some(cell.rendition_key_here());
            bytes += 32;
        }
        bytes += cell.grapheme_len_bound(cluster) as u64;
        col += cell.width();
    }
    bytes
}

/// The lines, shared by the server session and the states it sends.
#[derive(Debug, Clone)]
pub struct ScrollLog(Arc<Mutex<Log>>);

impl Default for ScrollLog {
    fn default() -> Self {
        Self::keeping(None)
    }
}

impl ScrollLog {
    /// A log for a client that keeps the newest `lines` (`None`: no bound but
    /// [`MAX_UNACKNOWLEDGED_LINES`]): a line that can no longer be among them is
    /// dropped before it is ever sent, and the client sees the numbers jump (a gap).
    pub fn keeping(lines: Option<u32>) -> Self {
        let keep = lines.map_or(MAX_UNACKNOWLEDGED_LINES, |n| {
            usize::try_from(n)
                .unwrap_or(usize::MAX)
                .clamp(1, MAX_UNACKNOWLEDGED_LINES)
        });
        ScrollLog(Arc::new(Mutex::new(Log {
            keep,
            ..Log::default()
        })))
    }

    /// The client now keeps (or wants sent) at most the newest `lines` (`None`: no
    /// bound but [`MAX_UNACKNOWLEDGED_LINES`]; 0: none, every line is skipped as it
    /// scrolls off). Lines held beyond it go at once.
    pub fn set_keep(&self, lines: Option<u32>) {
        let mut log = self.log();
        log.keep = lines.map_or(MAX_UNACKNOWLEDGED_LINES, |n| {
            usize::try_from(n)
                .unwrap_or(usize::MAX)
                .min(MAX_UNACKNOWLEDGED_LINES)
        });
        let excess = log.lines.len().saturating_sub(log.keep);
        log.drop_oldest(excess);
    }

    fn log(&self) -> std::sync::MutexGuard<'_, Log> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Number of the next line to scroll off (every line so far, kept or not).
    pub fn end(&self) -> u64 {
        self.log().end()
    }

    /// Number of the oldest line held (the end when none is).
    pub fn first(&self) -> u64 {
        self.log().first
    }

    /// The most lines held for the client (its announced count, or the server's bound).
    pub fn keep(&self) -> u64 {
        self.log().keep as u64
    }

    /// Lines held.
    pub fn len(&self) -> usize {
        self.log().lines.len()
    }

    /// Whether no line is held.
    pub fn is_empty(&self) -> bool {
        self.log().lines.is_empty()
    }

    /// `rows` scrolled off the top, oldest first. Returns the rows dropped unsent
    /// since the last push (this batch's oldest among them), whose storage the
    /// capture may reuse ([`Emulator::recycle_scrolled_rows`](crate::terminal::Emulator::recycle_scrolled_rows)).
    pub fn push(&self, mut rows: Vec<Arc<Row>>) -> Vec<Arc<Row>> {
        if rows.is_empty() {
            return std::mem::take(&mut self.log().spent);
        }
        let mut log = self.log();
        // Of a batch longer than the bound only the newest can be kept: the rest get
        // their numbers and are skipped unconverted (a flood's lines cost a count).
        let skipped = rows.len().saturating_sub(log.keep);
        if skipped > 0 {
            let held = log.lines.len();
            log.drop_oldest(held);
            log.first += skipped as u64;
            let room = MAX_SPARE_ROWS.saturating_sub(log.spent.len());
            log.spent.extend(rows.drain(..skipped).take(room));
        }
        for row in rows {
            let start = log.total_bytes;
            log.starts.push_back(start);
            log.total_bytes += estimated_bytes(&row);
            log.row_bytes += row_heap_bytes(&row);
            log.lines.push_back(Line::Row(row));
        }
        let excess = log.lines.len().saturating_sub(log.keep);
        log.drop_oldest(excess);
        while log.row_bytes > MAX_ROW_FORM_BYTES && log.first_row < log.lines.len() {
            let index = log.first_row;
            let (_, freed) = log.lines[index].encoded();
            log.row_bytes = log.row_bytes.saturating_sub(freed);
            log.first_row += 1;
        }
        std::mem::take(&mut log.spent)
    }

    /// The client holds every line below `end`: they are dropped.
    pub fn forget_below(&self, end: u64) {
        let mut log = self.log();
        let excess = usize::try_from(end.saturating_sub(log.first))
            .unwrap_or(usize::MAX)
            .min(log.lines.len());
        log.drop_oldest(excess);
    }

    /// The furthest end up to `limit` such that lines `from..end` hold at most
    /// `budget` estimated bytes, but at least one line past `from` (a single line is
    /// at most a 4096-column row, well within any instruction).
    pub fn end_within(&self, from: u64, limit: u64, budget: u64) -> u64 {
        let log = self.log();
        let limit = limit.min(log.end());
        let from = from.max(log.first);
        if from >= limit {
            return limit;
        }
        // Lines end where the next begins, so the furthest end within the budget is
        // the last line start (or the log's end) at most `budget` past `from`'s.
        let most = log.offset(from).saturating_add(budget);
        let starts_within = log.starts.partition_point(|&start| start <= most) as u64;
        let end = if log.total_bytes <= most {
            log.end()
        } else {
            log.first + starts_within - 1
        };
        end.clamp(from + 1, limit)
    }

    /// Lines `from..to` as encoded messages (at most [`MAX_LINES_PER_DIFF`], the
    /// newest), with the number of the first one returned (above `from` when some are
    /// gone).
    pub fn messages(&self, from: u64, to: u64) -> (u64, Vec<Bytes>) {
        let mut log = self.log();
        let to = to.min(log.end());
        let from = from
            .max(log.first)
            .max(to.saturating_sub(MAX_LINES_PER_DIFF));
        if from >= to {
            return (to, Vec::new());
        }
        let skip = (from - log.first) as usize;
        let mut freed = 0;
        let lines = log
            .lines
            .iter_mut()
            .skip(skip)
            .take((to - from) as usize)
            .map(|line| {
                let (bytes, row) = line.encoded();
                freed += row;
                bytes
            })
            .collect();
        log.row_bytes = log.row_bytes.saturating_sub(freed);
        (from, lines)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::proto::scrollback::LineMessage;
    use crate::terminal::Emulator;

    fn rows(texts: std::ops::Range<u32>) -> Vec<Arc<Row>> {
        texts
            .map(|i| {
                let mut e = Emulator::new(10, 1);
                e.feed(i.to_string().as_bytes());
                e.framebuffer().rows()[0].clone()
            })
            .collect()
    }

    #[test]
    fn lines_held_as_rows_stay_within_their_byte_bound() {
        let log = ScrollLog::keeping(None);
        let wide: Vec<Arc<Row>> = (0..300u32)
            .map(|i| {
                let mut e = Emulator::new(4096, 1);
                e.feed("x".repeat(4000 + i as usize % 90).as_bytes());
                e.framebuffer().rows()[0].clone()
            })
            .collect();
        log.push(wide);
        assert_eq!(log.len(), 300);
        assert!(log.log().row_bytes <= MAX_ROW_FORM_BYTES);
        // The oldest went to their encoded form and still read back whole.
        let (first, lines) = log.messages(0, 1);
        assert_eq!(first, 0);
        let line = persist::restore(&LineMessage::decode(lines[0].as_ref()).unwrap()).unwrap();
        assert_eq!(line.text().len(), 4000);
    }

    #[test]
    fn a_batch_longer_than_the_bound_keeps_its_newest_lines() {
        let log = ScrollLog::keeping(Some(3));
        log.push(rows(0..2));
        log.push(rows(10..20));
        assert_eq!((log.first(), log.end()), (9, 12));
        let (first, lines) = log.messages(0, 12);
        assert_eq!(first, 9);
        let texts: Vec<String> = lines
            .iter()
            .map(|line| {
                persist::restore(&LineMessage::decode(line.as_ref()).unwrap())
                    .unwrap()
                    .text()
            })
            .collect();
        assert_eq!(texts, ["17", "18", "19"]);
    }

    #[test]
    fn a_new_bound_applies_at_once_and_zero_skips_every_line() {
        let log = ScrollLog::keeping(Some(100));
        log.push(rows(0..50));
        log.set_keep(Some(10));
        assert_eq!((log.first(), log.end()), (40, 50));
        log.set_keep(Some(0));
        log.push(rows(0..5));
        assert_eq!(
            (log.len(), log.end()),
            (0, 55),
            "numbers go on; nothing is held"
        );
        log.set_keep(None);
        log.push(rows(0..3));
        assert_eq!((log.first(), log.end()), (55, 58));
    }

    #[test]
    fn numbering_forgetting_and_the_diff_bound() {
        let log = ScrollLog::default();
        log.push(rows(0..10));
        assert_eq!(log.end(), 10);
        let (first, lines) = log.messages(3, 6);
        assert_eq!(first, 3);
        assert_eq!(lines.len(), 3);
        assert_eq!(
            persist::restore(&LineMessage::decode(lines[0].as_ref()).unwrap())
                .unwrap()
                .text(),
            "3"
        );
        log.forget_below(5);
        assert_eq!(log.len(), 5);
        // What is gone starts later.
        assert_eq!(log.messages(0, 10).0, 5);
        assert_eq!(log.messages(10, 10), (10, Vec::new()));
        log.push(rows(0..(MAX_LINES_PER_DIFF as u32 + 100)));
        let (first, lines) = log.messages(0, log.end());
        assert_eq!(lines.len() as u64, MAX_LINES_PER_DIFF);
        assert_eq!(first, log.end() - MAX_LINES_PER_DIFF);
    }

    #[test]
    fn a_client_that_keeps_n_lines_is_never_sent_an_older_one() {
        let log = ScrollLog::keeping(Some(5));
        log.push(rows(0..12));
        assert_eq!((log.end(), log.len()), (12, 5));
        // Lines 0..7 can no longer be among the client's newest 5: the first line
        // sent is 7, and the jump from 0 is the client's gap.
        let (first, lines) = log.messages(0, log.end());
        assert_eq!((first, lines.len()), (7, 5));
        // A count of 0 keeps one line; none is the old bound.
        assert_eq!(ScrollLog::keeping(Some(0)).log().keep, 1);
        assert_eq!(
            ScrollLog::keeping(None).log().keep,
            MAX_UNACKNOWLEDGED_LINES
        );
    }

    #[test]
    fn byte_budgets_cut_ranges_at_whole_lines() {
        let log = ScrollLog::default();
        // Lines "0".."9" take 8 + 1 + 32 = 41 estimated bytes each.
        log.push(rows(0..10));
        assert_eq!(log.end_within(0, 10, 41 * 3), 3);
        assert_eq!(log.end_within(0, 10, 41 * 3 + 40), 3);
        assert_eq!(log.end_within(2, 10, 41 * 100), 10);
        assert_eq!(log.end_within(2, 5, 41 * 100), 5, "the limit holds");
        assert_eq!(log.end_within(4, 10, 1), 5, "always one line");
        assert_eq!(log.end_within(10, 10, 1), 10, "nothing to send");
        log.forget_below(6);
        assert_eq!(
            log.end_within(0, 10, 41 * 2),
            8,
            "forgotten lines cost nothing"
        );
        // Numbers past the log's end are never promised.
        assert_eq!(log.end_within(6, 99, 41 * 100), 10);
    }
}
