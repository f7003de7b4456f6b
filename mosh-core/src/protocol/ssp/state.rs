//! The object each direction synchronizes (protocol.md §10.1–§10.2).

use std::fmt::Debug;

/// A state that SSP can synchronize: numbered versions of it travel as diffs.
///
/// Both stream types implement it: the client's [`UserStream`](super::UserStream)
/// and the server's complete terminal. The transport keeps many versions at once
/// (every sent, unacknowledged state; every received state the peer may still diff
/// against), so cloning must be cheap.
pub trait SyncState: Clone + PartialEq + Debug {
    /// Why a diff from the wire could not be applied.
    type ApplyError: std::error::Error + Send + Sync + 'static;

    /// The diff that turns `base` into `self`, as the serialized message carried in an
    /// instruction's `diff` field. Must be empty exactly when `self == base`: an empty
    /// diff is how the transport recognises "nothing to send".
    ///
    /// `base` is always a version this sender produced earlier (or the initial state),
    /// and never one older than the last state passed to [`SyncState::subtract`].
    fn diff_from(&self, base: &Self) -> Vec<u8>;

    /// Applies a diff received from the peer to a copy of its base state. On error,
    /// `self` may be partly changed; the transport then discards it.
    fn apply(&mut self, diff: &[u8]) -> Result<(), Self::ApplyError>;

    /// Forgets what `acknowledged` (an older version of this state that the peer now
    /// holds) already contains, to bound memory. Only append-only states have
    /// something to forget; the default does nothing. Equality and later diffs against
    /// any state not older than `acknowledged` must be unaffected.
    fn subtract(&mut self, acknowledged: &Self) {
        let _ = acknowledged;
    }

    /// About how many bytes this version holds on the heap, counting parts shared
    /// with other versions as its own: the receiver keeps the versions it holds
    /// within [`MAX_RECEIVED_STATES_BYTES`](super::constants::MAX_RECEIVED_STATES_BYTES)
    /// by this measure, so a peer that holds the key cannot make it grow without
    /// bound. The default, 0, exempts a state type from the budget.
    fn heap_bytes(&self) -> usize {
        0
    }

    /// A base to apply the peer's diff to when the state the diff names is no longer
    /// held (the resync extension, `docs/resync-extension.md`), rebuilt from what
    /// the peer says it had: `extent` is the user stream's event count (a diff from
    /// a version with that many events carries every event after them); the
    /// terminal ignores it and gives its reset base, a blank 1×1 screen. Both ends
    /// build it alike, so a diff from it applies on either. `None` (the default):
    /// this state type rebuilds nothing.
    fn rebuilt_base(extent: u64) -> Option<Self> {
        let _ = extent;
        None
    }
}
