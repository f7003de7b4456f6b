//! The SSP receiver: the list of the peer's states we hold, built by applying diffs
//! to the states they name (protocol.md §10.7).

use std::time::Instant;

use super::constants::{
    MAX_RECEIVED_STATES_BYTES, RECEIVED_STATES_FLOOD_INTERVAL, RECEIVED_STATES_FLOOD_LIMIT,
};
use super::state::SyncState;
use crate::protocol::proto::Instruction;

#[derive(Debug, Clone)]
struct ReceivedState<S> {
    num: u64,
    state: S,
    /// `state.heap_bytes()`, taken when stored.
    bytes: usize,
}

/// A base rebuilt from what the peer said (the resync extension).
#[derive(Debug, Clone)]
pub enum Rebuilt<S> {
    /// None: the base is the held state the instruction names.
    None,
    /// Used when the state the instruction names is not held (the server, for a
    /// client continuing from a snapshot).
    IfMissing(S),
    /// Used whatever the instruction names (the client, for a diff from the reset
    /// base).
    InPlace(S),
}

/// What became of one received instruction's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StateOutcome {
    /// A new newest state: our ack number moved to it.
    Newest {
        /// Whether its diff was non-empty (it then gets acknowledged within the ack
        /// delay rather than with the next heartbeat).
        changed: bool,
    },
    /// A new state older than the newest one (a late arrival), stored as a base.
    Late,
    /// A state we already hold.
    Duplicate,
    /// Its base state is not held (dropped or never received); the peer will fall
    /// back to an older base.
    MissingBase,
    /// Its base state is not held, and the peer says it has thrown away every state
    /// we hold (its throwaway number, the oldest state it keeps, lies above our
    /// newest): no diff it sends can ever apply. A peer keeps the newest state we
    /// acknowledged, so this happens only to a receiver restored from a snapshot
    /// older than what another process of the session acknowledged since.
    Forgotten,
    /// The diff could not be applied; the message is kept for logs.
    BadDiff(String),
    /// Refused by the flood guard.
    Flooded,
    /// A new newest state refused while the owner cannot take more input (see
    /// [`Transport::pause_new_remote_states`](super::Transport::pause_new_remote_states));
    /// the peer resends it, as after a loss.
    Deferred,
}

/// Counts of received instructions that did not produce a new newest state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StateStats {
    /// New newest states.
    pub newest: u64,
    /// Late states stored as bases.
    pub late: u64,
    /// Duplicates.
    pub duplicates: u64,
    /// Instructions whose base state was missing.
    pub missing_base: u64,
    /// Instructions from a peer that threw away every state we hold.
    pub forgotten: u64,
    /// Instructions whose diff failed to apply.
    pub bad_diffs: u64,
    /// Instructions refused by the flood guard.
    pub flooded: u64,
    /// Held states dropped to stay within the memory budget.
    pub dropped_for_memory: u64,
    /// New states deferred while paused.
    pub deferred: u64,
}

/// The receiving half of one direction.
#[derive(Debug)]
pub struct StateReceiver<S: SyncState> {
    /// Sorted by number; never empty.
    states: Vec<ReceivedState<S>>,
    last_new_state: Option<Instant>,
    flood_let_through: Option<Instant>,
    stats: StateStats,
}

impl<S: SyncState> StateReceiver<S> {
    /// A receiver holding only the peer's state 0.
    pub fn new(initial: S) -> Self {
        Self::resuming(0, initial)
    }

    /// A receiver that continues a session holding the peer's state `num`.
    pub fn resuming(num: u64, state: S) -> Self {
        Self {
            states: vec![ReceivedState {
                num,
                bytes: state.heap_bytes(),
                state,
            }],
            last_new_state: None,
            flood_let_through: None,
            stats: StateStats::default(),
        }
    }

    /// The newest state held.
    pub fn newest(&self) -> &S {
        &self.newest_entry().state
    }

    /// The number of the newest state held: the ack number we send.
    pub fn newest_num(&self) -> u64 {
        self.newest_entry().num
    }

    fn newest_entry(&self) -> &ReceivedState<S> {
        self.states
            .last()
            .expect("the received list is never empty")
    }

    /// How many states are held.
    pub fn len(&self) -> usize {
        self.states.len()
    }

    /// Always false: at least the newest state is held.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// When a new newest state last arrived ("last heard" of §10.3).
    pub fn last_new_state(&self) -> Option<Instant> {
        self.last_new_state
    }

    /// Counters since creation.
    pub fn stats(&self) -> StateStats {
        self.stats
    }

    /// Applies the state part of a received instruction (§10.7 steps 3–8; the ack is
    /// the sender's business).
    pub fn receive(&mut self, now: Instant, instruction: &Instruction) -> StateOutcome {
        self.receive_unless(now, instruction, false)
    }

    /// [`StateReceiver::receive`], except that with `defer_new` an instruction that
    /// would make a new newest state (other than the peer's shutdown) is refused as
    /// [`StateOutcome::Deferred`] and not acknowledged.
    pub fn receive_unless(
        &mut self,
        now: Instant,
        instruction: &Instruction,
        defer_new: bool,
    ) -> StateOutcome {
        self.receive_rebuilding(now, instruction, defer_new, Rebuilt::None)
    }

    /// [`StateReceiver::receive_unless`], with a base rebuilt from what the peer
    /// said (the resync extension, [`SyncState::rebuilt_base`]) for a diff whose
    /// base is not held, or in place of the one it names.
    pub fn receive_rebuilding(
        &mut self,
        now: Instant,
        instruction: &Instruction,
        defer_new: bool,
        rebuilt: Rebuilt<S>,
    ) -> StateOutcome {
        let new_newest = instruction.new_num > self.newest_num()
            && instruction.new_num != crate::protocol::proto::SHUTDOWN_STATE_NUM;
        let outcome = if defer_new && new_newest {
            StateOutcome::Deferred
        } else {
            self.apply(now, instruction, rebuilt)
        };
        let counter = match &outcome {
            StateOutcome::Newest { .. } => &mut self.stats.newest,
            StateOutcome::Late => &mut self.stats.late,
            StateOutcome::Duplicate => &mut self.stats.duplicates,
            StateOutcome::MissingBase => &mut self.stats.missing_base,
            StateOutcome::Forgotten => &mut self.stats.forgotten,
            StateOutcome::BadDiff(_) => &mut self.stats.bad_diffs,
            StateOutcome::Flooded => &mut self.stats.flooded,
            StateOutcome::Deferred => &mut self.stats.deferred,
        };
        *counter += 1;
        outcome
    }

    fn find(&self, num: u64) -> Result<usize, usize> {
        self.states.binary_search_by_key(&num, |entry| entry.num)
    }

    fn apply(
        &mut self,
        now: Instant,
        instruction: &Instruction,
        rebuilt: Rebuilt<S>,
    ) -> StateOutcome {
        if self.find(instruction.new_num).is_ok() {
            return StateOutcome::Duplicate;
        }
        let mut state = match (rebuilt, self.find(instruction.old_num)) {
            (Rebuilt::InPlace(state), _) => state,
            (_, Ok(base)) => self.states[base].state.clone(),
            (Rebuilt::IfMissing(state), Err(_)) => state,
            (Rebuilt::None, Err(_)) => {
                return if instruction.throwaway_num > self.newest_num() {
                    StateOutcome::Forgotten
                } else {
                    StateOutcome::MissingBase
                };
            }
        };
        // Never drop the newest state: it is what we show and acknowledge.
        let below = self
            .states
            .partition_point(|entry| entry.num < instruction.throwaway_num)
            .min(self.states.len() - 1);
        self.states.drain(..below);
        if self.states.len() > RECEIVED_STATES_FLOOD_LIMIT {
            let recently = self.flood_let_through.is_some_and(|at| {
                now.saturating_duration_since(at) < RECEIVED_STATES_FLOOD_INTERVAL
            });
            if recently {
                return StateOutcome::Flooded;
            }
            self.flood_let_through = Some(now);
        }
        if let Err(error) = state.apply(&instruction.diff) {
            return StateOutcome::BadDiff(error.to_string());
        }
        let entry = ReceivedState {
            num: instruction.new_num,
            bytes: state.heap_bytes(),
            state,
        };
        let outcome = match self.find(instruction.new_num) {
            Err(position) if position < self.states.len() => {
                self.states.insert(position, entry);
                StateOutcome::Late
            }
            _ => {
                self.states.push(entry);
                self.last_new_state = Some(now);
                StateOutcome::Newest {
                    changed: !instruction.diff.is_empty(),
                }
            }
        };
        self.keep_within_memory_budget();
        outcome
    }

    /// Drops the oldest states until the rest fit [`MAX_RECEIVED_STATES_BYTES`];
    /// the newest is always kept (it is what we show and acknowledge).
    fn keep_within_memory_budget(&mut self) {
        let mut total: usize = self.states.iter().map(|entry| entry.bytes).sum();
        let mut drop = 0;
        while total > MAX_RECEIVED_STATES_BYTES && drop + 1 < self.states.len() {
            total -= self.states[drop].bytes;
            drop += 1;
        }
        self.states.drain(..drop);
        self.stats.dropped_for_memory += drop as u64;
    }

    /// About how many heap bytes the held states take (see
    /// [`SyncState::heap_bytes`]).
    pub fn heap_bytes(&self) -> usize {
        self.states.iter().map(|entry| entry.bytes).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::proto::PROTOCOL_VERSION;
    use crate::protocol::ssp::UserStream;

    fn instruction(old_num: u64, new_num: u64, throwaway_num: u64, keys: &[u8]) -> Instruction {
        let base = UserStream::new();
        let mut new = base.clone();
        new.push_keys(keys);
        Instruction {
            protocol_version: PROTOCOL_VERSION,
            old_num,
            new_num,
            ack_num: 0,
            throwaway_num,
            diff: new.diff_from(&base),
            chaff: Vec::new(),
            resume: None,
            resync: None,
        }
    }

    #[test]
    fn applies_in_order_stores_late_states_and_ignores_duplicates() {
        let now = Instant::now();
        let mut r = StateReceiver::new(UserStream::new());
        assert_eq!(
            r.receive(now, &instruction(0, 2, 0, b"ab")),
            StateOutcome::Newest { changed: true }
        );
        assert_eq!(r.newest().len(), 2);
        assert_eq!(
            r.receive(now, &instruction(0, 1, 0, b"a")),
            StateOutcome::Late
        );
        assert_eq!(r.newest_num(), 2);
        assert_eq!(
            r.receive(now, &instruction(0, 1, 0, b"a")),
            StateOutcome::Duplicate
        );
        assert_eq!(
            r.receive(now, &instruction(7, 8, 0, b"")),
            StateOutcome::MissingBase
        );
        // Based on the late state 1, adding "b": three events in total.
        assert_eq!(
            r.receive(now, &instruction(1, 3, 1, b"b")),
            StateOutcome::Newest { changed: true }
        );
        assert_eq!(r.newest().len(), 2);
        assert_eq!(r.len(), 3, "state 0 thrown away");
        assert_eq!(r.last_new_state(), Some(now));
        let mut bad = instruction(3, 4, 0, b"");
        bad.diff = vec![0x0a, 0x10];
        assert!(matches!(r.receive(now, &bad), StateOutcome::BadDiff(_)));
        assert_eq!(r.stats().bad_diffs, 1);
    }

    #[test]
    fn a_peer_that_threw_away_every_state_we_hold_is_told_apart_from_a_loss() {
        let now = Instant::now();
        let mut r = StateReceiver::new(UserStream::new());
        r.receive(now, &instruction(0, 1, 0, b"x"));
        // State 2 was lost: the peer still keeps state 1 (throwaway 1).
        assert_eq!(
            r.receive(now, &instruction(2, 3, 1, b"z")),
            StateOutcome::MissingBase
        );
        // The peer keeps nothing older than 5: we hold 0 and 1.
        assert_eq!(
            r.receive(now, &instruction(6, 7, 5, b"z")),
            StateOutcome::Forgotten
        );
        assert_eq!((r.stats().missing_base, r.stats().forgotten), (1, 1));
    }

    #[test]
    fn throwaway_beyond_everything_keeps_the_newest_state() {
        let now = Instant::now();
        let mut r = StateReceiver::new(UserStream::new());
        r.receive(now, &instruction(0, 1, u64::MAX - 1, b"x"));
        // State 0 was the newest when the throwaway applied, so it stayed.
        assert_eq!((r.len(), r.newest_num()), (2, 1));
        r.receive(now, &instruction(1, 2, u64::MAX - 1, b"y"));
        assert_eq!((r.len(), r.newest_num()), (2, 2));
    }

    #[test]
    fn flood_guard_lets_one_state_through_per_interval() {
        let t0 = Instant::now();
        let mut r = StateReceiver::new(UserStream::new());
        // A peer that never lets us throw states away.
        for num in 1..=RECEIVED_STATES_FLOOD_LIMIT as u64 {
            r.receive(t0, &instruction(0, num, 0, b""));
        }
        assert_eq!(r.len(), RECEIVED_STATES_FLOOD_LIMIT + 1);
        let next = RECEIVED_STATES_FLOOD_LIMIT as u64 + 1;
        assert!(matches!(
            r.receive(t0, &instruction(0, next, 0, b"")),
            StateOutcome::Newest { .. }
        ));
        assert_eq!(
            r.receive(t0, &instruction(0, next + 1, 0, b"")),
            StateOutcome::Flooded
        );
        let later = t0 + RECEIVED_STATES_FLOOD_INTERVAL;
        assert!(matches!(
            r.receive(later, &instruction(0, next + 1, 0, b"")),
            StateOutcome::Newest { .. }
        ));
    }

    #[test]
    fn paused_new_states_are_deferred_but_a_shutdown_and_late_states_are_taken() {
        let now = Instant::now();
        let mut r = StateReceiver::new(UserStream::new());
        assert!(matches!(
            r.receive(now, &instruction(0, 2, 0, b"ab")),
            StateOutcome::Newest { .. }
        ));
        assert_eq!(
            r.receive_unless(now, &instruction(2, 3, 0, b"c"), true),
            StateOutcome::Deferred
        );
        assert_eq!(r.newest_num(), 2, "not acknowledged");
        assert_eq!(r.stats().deferred, 1);
        assert_eq!(
            r.receive_unless(now, &instruction(0, 1, 0, b"a"), true),
            StateOutcome::Late
        );
        let shutdown = instruction(2, crate::protocol::proto::SHUTDOWN_STATE_NUM, 0, b"");
        assert!(matches!(
            r.receive_unless(now, &shutdown, true),
            StateOutcome::Newest { .. }
        ));
    }
}
