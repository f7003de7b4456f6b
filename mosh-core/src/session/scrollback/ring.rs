//! The bounded store of lines that scrolled off the top, oldest first.

use std::collections::VecDeque;
use std::sync::Arc;

use crate::session::ScreenRow;

/// Lines kept when nothing else is configured.
pub const DEFAULT_SCROLLBACK_LINES: usize = 10_000;

/// Most lines a ring may be configured to keep (150–300 MB of typical lines):
/// a larger request is clamped to this.
pub const MAX_SCROLLBACK_LINES: usize = 1_000_000;

/// A line of scrollback: styled runs, trailing blank cells left out. Shared, so
/// copies of the ring (the runtime publishes one) cost a pointer per line.
pub type ScrollbackLine = Arc<ScreenRow>;

/// A bounded ring of lines, oldest first: a push beyond the limit drops the oldest.
#[derive(Debug, Clone)]
pub struct ScrollbackRing {
    lines: VecDeque<ScrollbackLine>,
    limit: usize,
    /// Lines ever pushed (including those since dropped), to tell copies what is new.
    pushed: u64,
}

impl Default for ScrollbackRing {
    fn default() -> Self {
        Self::new(DEFAULT_SCROLLBACK_LINES)
    }
}

impl ScrollbackRing {
    /// An empty ring keeping at most `limit` lines (clamped to
    /// [`MAX_SCROLLBACK_LINES`]; 0 keeps nothing).
    pub fn new(limit: usize) -> Self {
        ScrollbackRing {
            lines: VecDeque::new(),
            limit: limit.min(MAX_SCROLLBACK_LINES),
            pushed: 0,
        }
    }

    /// Changes the limit; the oldest lines beyond it are dropped.
    pub fn set_limit(&mut self, limit: usize) {
        self.limit = limit.min(MAX_SCROLLBACK_LINES);
        self.trim();
    }

    /// The most lines kept.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Appends the newest line.
    pub fn push(&mut self, line: ScrollbackLine) {
        self.pushed = self.pushed.saturating_add(1);
        if self.limit == 0 {
            return;
        }
        self.lines.push_back(line);
        self.trim();
    }

    fn trim(&mut self) {
        let excess = self.lines.len().saturating_sub(self.limit);
        self.lines.drain(..excess);
    }

    /// Lines held.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether no line is held.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Lines ever pushed, including those dropped since.
    pub fn pushed(&self) -> u64 {
        self.pushed
    }

    /// The number of the oldest line held. Lines are numbered from 0 in the order
    /// they were pushed, so a line keeps its number while the oldest go;
    /// `first_number()..pushed()` are held.
    pub fn first_number(&self) -> u64 {
        self.pushed.saturating_sub(self.lines.len() as u64)
    }

    /// Up to `count` lines from number `from` on (see [`ScrollbackRing::first_number`]),
    /// oldest first, and the number of the first one returned: lines before the
    /// oldest held are gone, so a `from` below it starts there.
    pub fn numbered(
        &self,
        from: u64,
        count: usize,
    ) -> (u64, impl Iterator<Item = &ScrollbackLine>) {
        let first = from.max(self.first_number());
        let skip = usize::try_from(first - self.first_number()).unwrap_or(usize::MAX);
        (first, self.lines.iter().skip(skip).take(count))
    }

    /// Up to `count` lines from index `from` (0 is the oldest held), oldest first;
    /// fewer (or none) past the end.
    pub fn lines(&self, from: usize, count: usize) -> impl Iterator<Item = &ScrollbackLine> {
        self.lines.iter().skip(from).take(count)
    }

    /// Every line held, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &ScrollbackLine> + ExactSizeIterator {
        self.lines.iter()
    }

    /// Brings this copy up to date with `source`, of which it has seen `seen` pushes:
    /// appends the lines pushed since (those still held). Returns the new count.
    pub fn follow(&mut self, source: &ScrollbackRing, seen: u64) -> u64 {
        let new = source.pushed.saturating_sub(seen);
        let held = usize::try_from(new).unwrap_or(usize::MAX).min(source.len());
        for line in source.lines.iter().skip(source.len() - held) {
            self.push(Arc::clone(line));
        }
        // Lines dropped by the source before we saw them still count as pushed.
        self.pushed = self.pushed.saturating_add(new - held as u64);
        source.pushed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::StyledRun;
    use crate::terminal::Rendition;

    fn line(text: &str) -> ScrollbackLine {
        Arc::new(ScreenRow {
            runs: vec![StyledRun {
                column: 0,
                width: text.len(),
                text: text.into(),
                rendition: Rendition::default(),
                predicted: false,
            }],
        })
    }

    fn texts(ring: &ScrollbackRing) -> Vec<String> {
        ring.iter().map(|l| l.text()).collect()
    }

    #[test]
    fn the_bound_drops_the_oldest() {
        let mut ring = ScrollbackRing::new(3);
        for i in 0..10 {
            ring.push(line(&i.to_string()));
        }
        assert_eq!(texts(&ring), ["7", "8", "9"]);
        assert_eq!(ring.pushed(), 10);
        let page: Vec<String> = ring.lines(1, 5).map(|l| l.text()).collect();
        assert_eq!(page, ["8", "9"]);
        assert_eq!(ring.lines(7, 2).count(), 0);
        // Numbers stay with their lines: 7 is the oldest held.
        assert_eq!(ring.first_number(), 7);
        let (first, page) = ring.numbered(8, 5);
        assert_eq!(first, 8);
        assert_eq!(page.map(|l| l.text()).collect::<Vec<_>>(), ["8", "9"]);
        let (first, page) = ring.numbered(2, 2);
        assert_eq!(first, 7, "numbers that went start at the oldest held");
        assert_eq!(page.map(|l| l.text()).collect::<Vec<_>>(), ["7", "8"]);
        let (first, page) = ring.numbered(u64::MAX, 2);
        assert_eq!((first, page.count()), (u64::MAX, 0));
        ring.set_limit(1);
        assert_eq!(texts(&ring), ["9"]);
        let mut none = ScrollbackRing::new(0);
        none.push(line("x"));
        assert!(none.is_empty());
        assert_eq!(
            ScrollbackRing::new(usize::MAX).limit(),
            MAX_SCROLLBACK_LINES
        );
    }

    #[test]
    fn a_copy_follows_what_is_new() {
        let mut source = ScrollbackRing::new(4);
        let mut copy = ScrollbackRing::new(4);
        source.push(line("a"));
        let mut seen = copy.follow(&source, 0);
        for l in ["b", "c", "d", "e", "f", "g"] {
            source.push(line(l));
        }
        seen = copy.follow(&source, seen);
        assert_eq!(seen, 7);
        assert_eq!(texts(&copy), texts(&source));
        assert_eq!(copy.pushed(), 7);
        assert_eq!(copy.follow(&source, seen), 7);
        assert_eq!(texts(&copy), ["d", "e", "f", "g"]);
    }
}
