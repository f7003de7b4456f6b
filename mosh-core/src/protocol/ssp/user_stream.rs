//! The client→server state: the append-only list of the user's key bytes and window
//! sizes (protocol.md §10.2).

use std::sync::Arc;

use prost::Message;

use super::state::SyncState;
use crate::protocol::proto::scrollback::Announcement;
use crate::protocol::proto::{DiffError, UserEvent, UserMessage, WindowSize};

/// A version of the user stream.
///
/// Every key byte and every resize is one event; a version is identified by how many
/// events it holds in total (`len`), because all versions of one session are prefixes
/// of the same log. Only a tail of the events is kept:
/// - on the client (sender), the events the server has not acknowledged yet
///   ([`SyncState::subtract`] drops the rest);
/// - on the server (receiver), the events of the diff that produced this version,
///   which are exactly the new ones when the newest version is read after each
///   datagram ([`UserStream::events_since`]).
///
/// Consecutive key bytes are stored as one run, so memory follows the wire size, and
/// the runs are shared between clones until one of them changes.
#[derive(Debug, Clone, Default)]
pub struct UserStream {
    /// Index (in the whole log) of the first retained event.
    first: u64,
    /// Total events in the log up to this version.
    len: u64,
    /// The retained events from `first` to `len`; key runs are never empty.
    runs: Arc<Vec<UserEvent>>,
}

/// The events asked for are no longer held by this version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("events from {requested} were forgotten; this version holds events from {first}")]
pub struct EventsForgotten {
    /// The first event index asked for.
    pub requested: u64,
    /// The first event index held.
    pub first: u64,
}

impl PartialEq for UserStream {
    /// Versions of one session's stream are prefixes of one log, so their lengths
    /// identify them.
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len
    }
}

impl Eq for UserStream {}

fn event_len(event: &UserEvent) -> u64 {
    match event {
        UserEvent::Keys(keys) => keys.len() as u64,
        UserEvent::Resize(_)
        | UserEvent::UnusableResize(_)
        | UserEvent::ScrollbackCapability(_) => 1,
    }
}

impl UserStream {
    /// The empty stream, state 0 of every session.
    pub fn new() -> Self {
        Self::default()
    }

    /// Total events in the log up to this version.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the log is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Index of the oldest event still held.
    pub fn first_held(&self) -> u64 {
        self.first
    }

    /// A version holding `events` from index `first` on (the rest of the log is
    /// forgotten), as read back from [`UserStream::first_held`] and
    /// [`UserStream::events_since`]; used to restore a saved session.
    pub fn from_held(first: u64, events: Vec<UserEvent>) -> Self {
        let runs: Vec<UserEvent> = events.into_iter().filter(|e| event_len(e) > 0).collect();
        let held: u64 = runs.iter().map(event_len).sum();
        UserStream {
            first,
            len: first.saturating_add(held),
            runs: Arc::new(runs),
        }
    }

    /// Appends key bytes (one event per byte).
    pub fn push_keys(&mut self, keys: &[u8]) {
        if keys.is_empty() {
            return;
        }
        let runs = Arc::make_mut(&mut self.runs);
        match runs.last_mut() {
            Some(UserEvent::Keys(last)) => last.extend_from_slice(keys),
            _ => runs.push(UserEvent::Keys(keys.to_vec())),
        }
        self.len += keys.len() as u64;
    }

    /// Appends a window size change.
    pub fn push_resize(&mut self, size: WindowSize) {
        Arc::make_mut(&mut self.runs).push(UserEvent::Resize(size));
        self.len += 1;
    }

    /// Announces the scrollback extension (`docs/scrollback-extension.md`): one
    /// event, which stock servers skip.
    pub fn push_scrollback_capability(&mut self, announcement: Announcement) {
        Arc::make_mut(&mut self.runs).push(UserEvent::ScrollbackCapability(announcement));
        self.len += 1;
    }

    /// The events from index `start` (an event count, e.g. how many the server has
    /// applied so far) to the end, consecutive key bytes merged. Empty if `start` is at
    /// or past the end.
    pub fn events_since(&self, start: u64) -> Result<Vec<UserEvent>, EventsForgotten> {
        if start < self.first {
            return Err(EventsForgotten {
                requested: start,
                first: self.first,
            });
        }
        Ok(self.tail_from(start))
    }

    /// The held events from `start`, which must be at least `first`.
    fn tail_from(&self, start: u64) -> Vec<UserEvent> {
        let mut skip = start.saturating_sub(self.first);
        let mut out = Vec::new();
        for run in self.runs.iter() {
            let len = event_len(run);
            if skip >= len {
                skip -= len;
                continue;
            }
            match run {
                UserEvent::Keys(keys) => out.push(UserEvent::Keys(keys[skip as usize..].to_vec())),
                UserEvent::Resize(size) => out.push(UserEvent::Resize(*size)),
                UserEvent::UnusableResize(bad) => out.push(UserEvent::UnusableResize(*bad)),
                UserEvent::ScrollbackCapability(announcement) => {
                    out.push(UserEvent::ScrollbackCapability(*announcement))
                }
            }
            skip = 0;
        }
        out
    }
}

impl SyncState for UserStream {
    type ApplyError = DiffError;

    fn diff_from(&self, base: &Self) -> Vec<u8> {
        if base.len >= self.len {
            return Vec::new();
        }
        // The transport only diffs against versions at or after the last subtracted
        // one, whose events are all still held.
        debug_assert!(base.len >= self.first, "diff base was subtracted");
        UserMessage::from_events(&self.tail_from(base.len.max(self.first))).encode_to_vec()
    }

    fn apply(&mut self, diff: &[u8]) -> Result<(), DiffError> {
        let events = UserMessage::decode_events(diff)?;
        let runs: Vec<UserEvent> = events
            .into_iter()
            .filter(|event| event_len(event) > 0)
            .collect();
        let added: u64 = runs.iter().map(event_len).sum();
        // A received version keeps only its own diff's events: the server reads them
        // right after each new version arrives, and older ones would pile up in every
        // stored version.
        self.first = self.len;
        self.len += added;
        self.runs = Arc::new(runs);
        Ok(())
    }

    /// A version with `extent` events, none held: every version of a session's
    /// stream is identified by its length alone.
    fn rebuilt_base(extent: u64) -> Option<Self> {
        Some(UserStream::from_held(extent, Vec::new()))
    }

    fn subtract(&mut self, acknowledged: &Self) {
        let cut = acknowledged.len.min(self.len);
        if cut <= self.first {
            return;
        }
        let kept = self.tail_from(cut);
        self.first = cut;
        self.runs = Arc::new(kept);
    }

    fn heap_bytes(&self) -> usize {
        let events = self.runs.len() * std::mem::size_of::<UserEvent>();
        let keys: usize = self
            .runs
            .iter()
            .map(|event| match event {
                UserEvent::Keys(keys) => keys.len(),
                _ => 0,
            })
            .sum();
        events + keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIZE: WindowSize = WindowSize {
        width: 80,
        height: 24,
    };

    #[test]
    fn diff_carries_exactly_the_new_events_and_counts_each_key_byte() {
        let mut base = UserStream::new();
        base.push_resize(SIZE);
        base.push_keys(b"ab");
        let mut newer = base.clone();
        newer.push_keys(b"cd");
        newer.push_resize(SIZE);
        assert_eq!(newer.len(), 6);
        assert!(newer.diff_from(&newer).is_empty());
        let diff = newer.diff_from(&base);
        assert_eq!(
            UserMessage::decode_events(&diff).unwrap(),
            [UserEvent::Keys(b"cd".to_vec()), UserEvent::Resize(SIZE)]
        );

        let mut received = UserStream::new();
        received.apply(&base.diff_from(&UserStream::new())).unwrap();
        assert_eq!(received.len(), 3);
        received.apply(&diff).unwrap();
        assert_eq!(received, newer);
        assert_eq!(
            received.events_since(4).unwrap(),
            [UserEvent::Keys(b"d".to_vec()), UserEvent::Resize(SIZE)]
        );
        assert_eq!(
            received.events_since(2),
            Err(EventsForgotten {
                requested: 2,
                first: 3
            })
        );
        assert!(received.events_since(6).unwrap().is_empty());
    }

    #[test]
    fn subtract_drops_the_acknowledged_prefix_without_changing_diffs() {
        let mut stream = UserStream::new();
        stream.push_keys(b"hello");
        let acked = stream.clone();
        stream.push_keys(b" world");
        let before = stream.diff_from(&acked);
        stream.subtract(&acked);
        assert_eq!(stream.first_held(), 5);
        assert_eq!(stream.diff_from(&acked), before);
        assert_eq!(
            stream.events_since(5).unwrap(),
            [UserEvent::Keys(b" world".to_vec())]
        );
        // A clone made before the push is unaffected by it.
        let mut copy = stream.clone();
        copy.push_keys(b"!");
        assert_eq!(stream.len(), 11);
        assert_eq!(copy.len(), 12);
    }

    #[test]
    fn bad_diffs_are_typed_errors() {
        let mut stream = UserStream::new();
        assert!(matches!(
            stream.apply(&[0x0a, 0x10]),
            Err(DiffError::Malformed(_))
        ));
    }
}
