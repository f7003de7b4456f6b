//! Direction bit and sequence number: the 8-byte nonce tail that starts every datagram
//! (protocol.md §4.1, §4.3).

use super::sequence_plan::SequencePlan;

/// Length of the nonce tail carried on the wire.
pub const WIRE_NONCE_LEN: usize = 8;

/// Length of the OCB nonce: four zero bytes followed by the wire nonce tail.
pub const OCB_NONCE_LEN: usize = 12;

/// Largest sequence number: 63 bits, the top bit of the tail is the direction.
pub const MAX_SEQ: u64 = (1 << 63) - 1;

const DIRECTION_BIT: u64 = 1 << 63;

/// Which way a datagram travels. The direction bit is what keeps the two sides'
/// nonces apart although they share one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Client to server (direction bit 0).
    ToServer,
    /// Server to client (direction bit 1).
    ToClient,
}

impl Direction {
    /// The direction of datagrams travelling the other way.
    pub fn reverse(self) -> Self {
        match self {
            Direction::ToServer => Direction::ToClient,
            Direction::ToClient => Direction::ToServer,
        }
    }
}

/// Which end of the session we are. It fixes both directions at once, so a side
/// cannot seal with the direction its peer uses (which would repeat the peer's nonces).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Reads the keyboard; sends `ToServer`.
    Client,
    /// Owns the pty; sends `ToClient`.
    Server,
}

impl Role {
    /// The direction of the datagrams this side sends.
    pub fn sends(self) -> Direction {
        match self {
            Role::Client => Direction::ToServer,
            Role::Server => Direction::ToClient,
        }
    }

    /// The direction of the datagrams this side accepts.
    pub fn receives(self) -> Direction {
        self.sends().reverse()
    }
}

/// The datagram nonce: direction plus a 63-bit per-sender sequence number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Nonce {
    direction: Direction,
    seq: u64,
}

/// A sequence number above [`MAX_SEQ`] cannot be expressed in a nonce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("sequence number {0} does not fit in 63 bits")]
pub struct SeqOutOfRange(pub u64);

impl Nonce {
    /// A nonce for `seq` in `direction`; fails if `seq` needs more than 63 bits.
    pub fn new(direction: Direction, seq: u64) -> Result<Self, SeqOutOfRange> {
        if seq > MAX_SEQ {
            return Err(SeqOutOfRange(seq));
        }
        Ok(Self { direction, seq })
    }

    /// The direction bit as a direction.
    pub fn direction(&self) -> Direction {
        self.direction
    }

    /// The sequence number.
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// The 8 bytes that travel at the start of the datagram.
    pub fn to_wire(&self) -> [u8; WIRE_NONCE_LEN] {
        let bit = match self.direction {
            Direction::ToServer => 0,
            Direction::ToClient => DIRECTION_BIT,
        };
        (bit | self.seq).to_be_bytes()
    }

    /// Reads the 8-byte wire form; every bit pattern is a valid nonce.
    pub fn from_wire(bytes: [u8; WIRE_NONCE_LEN]) -> Self {
        let word = u64::from_be_bytes(bytes);
        let direction = if word & DIRECTION_BIT == 0 {
            Direction::ToServer
        } else {
            Direction::ToClient
        };
        Self {
            direction,
            seq: word & MAX_SEQ,
        }
    }

    /// The 12-byte nonce given to AES-128-OCB.
    pub fn to_ocb(&self) -> [u8; OCB_NONCE_LEN] {
        let mut out = [0u8; OCB_NONCE_LEN];
        out[4..].copy_from_slice(&self.to_wire());
        out
    }
}

/// The 2^63 sequence numbers of one direction are all used up; sending more under
/// this key would reuse a nonce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("sequence numbers exhausted for this key")]
pub struct SeqExhausted;

/// Hands out the nonces of one sender. It only ever moves forward and cannot be
/// cloned, so a nonce is never issued twice; where a sender's numbers start and how
/// far apart they are is its [`SequencePlan`] (`crypto/sequence_plan.rs` says why
/// no two processes of one key meet).
#[derive(Debug, PartialEq, Eq)]
pub struct SeqCounter {
    direction: Direction,
    next: Option<u64>,
    stride: u64,
}

impl SeqCounter {
    /// A counter for a fresh session: the first nonce has sequence number 0.
    pub fn new(direction: Direction) -> Self {
        Self::planned(direction, SequencePlan::FROM_ZERO)
    }

    /// A counter that follows `plan` (whose first number always fits in 63 bits).
    pub fn planned(direction: Direction, plan: SequencePlan) -> Self {
        Self {
            direction,
            next: Some(plan.first()),
            stride: plan.stride(),
        }
    }

    /// The distance between two of its sequence numbers.
    pub fn stride(&self) -> u64 {
        self.stride
    }

    /// The sequence number the next call to [`SeqCounter::next_nonce`] will use, or
    /// `None` once exhausted. A snapshot stores this value.
    pub fn peek(&self) -> Option<u64> {
        self.next
    }

    /// The direction this counter issues nonces for.
    pub fn direction(&self) -> Direction {
        self.direction
    }

    /// Takes the next nonce.
    pub fn next_nonce(&mut self) -> Result<Nonce, SeqExhausted> {
        let seq = self.next.ok_or(SeqExhausted)?;
        self.next = seq.checked_add(self.stride).filter(|next| *next <= MAX_SEQ);
        Ok(Nonce {
            direction: self.direction,
            seq,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_datagrams_of_each_side_match_the_captures() {
        let client = Nonce::new(Direction::ToServer, 0).unwrap();
        let server = Nonce::new(Direction::ToClient, 0).unwrap();
        assert_eq!(client.to_wire(), [0; 8]);
        assert_eq!(server.to_wire(), [0x80, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(server.to_ocb(), [0, 0, 0, 0, 0x80, 0, 0, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn wire_form_round_trips() {
        for seq in [0, 1, 203, MAX_SEQ] {
            for direction in [Direction::ToServer, Direction::ToClient] {
                let nonce = Nonce::new(direction, seq).unwrap();
                assert_eq!(Nonce::from_wire(nonce.to_wire()), nonce);
            }
        }
        assert_eq!(
            Nonce::new(Direction::ToServer, MAX_SEQ + 1),
            Err(SeqOutOfRange(1 << 63))
        );
    }

    #[test]
    fn a_lane_counter_steps_by_its_stride_and_stops_below_the_top() {
        let plan = SequencePlan::lane(crate::crypto::sequence_plan::MAX_TICK - 1, 9).unwrap();
        let mut counter = SeqCounter::planned(Direction::ToServer, plan);
        let first = counter.next_nonce().unwrap().seq();
        let second = counter.next_nonce().unwrap().seq();
        assert_eq!(second - first, 1 << 16);
        assert_eq!(second & 0xffff, 9);
        assert_eq!(counter.next_nonce(), Err(SeqExhausted));
    }

    #[test]
    fn counter_never_repeats_and_stops_at_the_top() {
        let plan = SequencePlan::continuing(MAX_SEQ - 1, 1).unwrap();
        let mut counter = SeqCounter::planned(Direction::ToServer, plan);
        assert_eq!(counter.next_nonce().unwrap().seq(), MAX_SEQ - 1);
        assert_eq!(counter.next_nonce().unwrap().seq(), MAX_SEQ);
        assert_eq!(counter.peek(), None);
        assert_eq!(counter.next_nonce(), Err(SeqExhausted));
        assert_eq!(counter.next_nonce(), Err(SeqExhausted));
    }
}
