//! Where a client process's datagram sequence numbers start, and why no two processes
//! that ever hold one session key send the same one (protocol.md §4.3: a (key, nonce)
//! pair used twice breaks OCB).
//!
//! # The layout
//!
//! A client sequence number is `tick · 2^16 + lane`:
//!
//! - the **lane** (16 bits) is fixed for the whole life of one process's session and
//!   differs between processes: a [`NonceStore`](crate::runtime::NonceStore) hands
//!   lanes out in turn under a file lock, and without a store it is random;
//! - the **tick** (47 bits) starts at `max(clock tick, floors)` and goes up by one per
//!   datagram. A clock tick is 16 µs of wall-clock time since 2026-01-01 UTC
//!   ([`EPOCH_UNIX_US`]), which lasts until 2097.
//!
//! # The argument (what a reviewer checks)
//!
//! Assumption R (rate): a process sends fewer than one datagram per tick (62,500 a
//! second) averaged from its start. Interactive use sends tens a second; the largest
//! burst is one instruction's fragments (about 3,000 for the 4 MiB instruction limit),
//! which can run at most 3,000 ticks (48 ms) ahead of the clock right after a start,
//! and only a process starting within those 48 ms could meet it (then only in the
//! cases below that need the clock). Two processes P (earlier start) and
//! Q under one key repeat a nonce only if they share a lane *and* P's ticks reach
//! Q's start tick. So each of these is enough:
//!
//! 1. **Different lanes.** Always true for two reservations from one intact store
//!    fewer than 65,536 reservations apart (the store's lane counter moves by one per
//!    reservation, under an exclusive lock, so also for concurrent processes); at the
//!    65,536th the store's tick floor jumps 2^32 ticks ahead, so a lane's reuse starts
//!    above anything an earlier holder can have sent (2^32 datagrams).
//! 2. **Later start on a forward clock.** If the wall clock did not go back between
//!    P's start and Q's, Q starts at a clock tick at least P's lifetime above P's
//!    start, and by R P sent fewer datagrams than that: Q starts above everything P
//!    sent. This needs no storage, so it survives a store that was deleted or rolled
//!    back by a device backup, and it is why a store's floor never runs ahead of the
//!    clock (it holds the last start plus one, not a block): a rolled-back store then
//!    hands out nothing a forward clock does not already exceed.
//! 3. **A store's floor.** With an intact store, Q starts above P's start even if the
//!    clock went back, and by (1) in another lane.
//!
//! What none of them covers: two processes on two devices (two stores, or none) that
//! run at the same time, or a clock set back on a device without a store, *and* the
//! same random 16-bit lane (probability 2^-16 per such pair) *and* P sending as many
//! datagrams as the ticks between the two starts (62,500 per second of difference,
//! more than ten minutes of busy typing per second). Handoff between devices is this
//! case; our server ends the superseded client's turn within a round trip.
//!
//! The tick also keeps the server following the newest process: a later start on a
//! forward clock has higher sequence numbers than anything an earlier process sent,
//! so the server treats it as in order and moves to its address (protocol.md §12.1).

use super::nonce::{MAX_SEQ, SeqOutOfRange};

/// Bits of a client sequence number that name the lane.
pub const LANE_BITS: u32 = 16;

/// Distance between two sequence numbers of one process.
pub const LANE_STRIDE: u64 = 1 << LANE_BITS;

/// Microseconds of wall-clock time per tick.
pub const TICK_US: u64 = 16;

/// The clock's tick 0: 2026-01-01T00:00:00Z in µs since the Unix epoch.
pub const EPOCH_UNIX_US: u64 = 1_767_225_600_000_000;

/// Highest tick a sequence number can hold.
pub const MAX_TICK: u64 = MAX_SEQ >> LANE_BITS;

/// The tick is past 2^47 (the year 2097, or a corrupt floor): starting there could
/// only end in a repeated nonce, so nothing starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("sequence numbers of this key are used up (tick {0})")]
pub struct TicksExhausted(pub u64);

/// The first sequence number of one sending process and the step between its
/// sequence numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SequencePlan {
    first: u64,
    stride: u64,
}

impl SequencePlan {
    /// From 0, one apart: the server (every server process has a key of its own) and
    /// simulations.
    pub const FROM_ZERO: SequencePlan = SequencePlan {
        first: 0,
        stride: 1,
    };

    /// `lane` from `tick` on.
    pub fn lane(tick: u64, lane: u16) -> Result<SequencePlan, TicksExhausted> {
        if tick > MAX_TICK {
            return Err(TicksExhausted(tick));
        }
        Ok(SequencePlan {
            first: (tick << LANE_BITS) | u64::from(lane),
            stride: LANE_STRIDE,
        })
    }

    /// Sequence numbers from `next` on, `stride` apart: a sender that goes on where a
    /// saved one stopped (the caller has made `next` safe).
    pub fn continuing(next: u64, stride: u64) -> Result<SequencePlan, SeqOutOfRange> {
        if next > MAX_SEQ {
            return Err(SeqOutOfRange(next));
        }
        Ok(SequencePlan {
            first: next,
            stride: stride.max(1),
        })
    }

    /// A random lane from `tick` on: a process without a store.
    pub fn random_lane(tick: u64) -> Result<SequencePlan, PlanError> {
        let mut lane = [0u8; 2];
        getrandom::fill(&mut lane).map_err(|e| PlanError::Random(e.to_string()))?;
        Ok(Self::lane(tick, u16::from_be_bytes(lane))?)
    }

    /// The first sequence number.
    pub fn first(&self) -> u64 {
        self.first
    }

    /// How far apart this process's sequence numbers are.
    pub fn stride(&self) -> u64 {
        self.stride
    }
}

/// Why no plan could be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// Past the last tick.
    #[error(transparent)]
    Exhausted(#[from] TicksExhausted),
    /// The system's random source failed.
    #[error("no random lane: {0}")]
    Random(String),
}

/// The tick of a wall-clock reading (µs since the Unix epoch); 0 before the epoch.
pub fn clock_tick(wall_us: u64) -> u64 {
    wall_us.saturating_sub(EPOCH_UNIX_US) / TICK_US
}

/// The lowest tick whose every sequence number lies above `seq`: a floor from a
/// sequence number some process sent or was about to send (any layout, also the
/// microsecond one of earlier versions).
pub fn tick_above(seq: u64) -> u64 {
    (seq >> LANE_BITS) + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_last_until_2097() {
        let year_us = 365 * 24 * 3600 * 1_000_000u64;
        assert!(clock_tick(EPOCH_UNIX_US + 71 * year_us) <= MAX_TICK);
        assert!(SequencePlan::lane(MAX_TICK, u16::MAX).unwrap().first() == MAX_SEQ);
        assert_eq!(
            SequencePlan::lane(MAX_TICK + 1, 0),
            Err(TicksExhausted(MAX_TICK + 1))
        );
    }

    #[test]
    fn a_start_now_lies_above_every_number_of_the_microsecond_layout() {
        // Earlier versions started at the wall clock in µs, a store up to 2^40 above.
        let december_2026 = 1_796_601_600_000_000;
        let old = december_2026 + (1 << 40);
        let plan = SequencePlan::lane(clock_tick(december_2026), 0).unwrap();
        assert!(plan.first() > old);
        assert!(tick_above(old) < clock_tick(december_2026));
    }

    #[test]
    fn the_floor_from_a_sequence_number_is_above_it_in_every_lane() {
        for seq in [0, 1, 65_535, 65_536, 123_456_789_012, MAX_SEQ - LANE_STRIDE] {
            let plan = SequencePlan::lane(tick_above(seq), 0).unwrap();
            assert!(plan.first() > seq, "{seq}");
        }
    }

    #[test]
    fn lanes_never_meet() {
        let a = SequencePlan::lane(100, 7).unwrap();
        let b = SequencePlan::lane(90, 8).unwrap();
        for i in 0..1000 {
            for j in 0..1000 {
                assert_ne!(a.first() + i * a.stride(), b.first() + j * b.stride());
            }
        }
    }
}
