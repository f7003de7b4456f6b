//! The receive path: sealed datagram → open → direction and order check →
//! reassembly → inflate → instruction (protocol.md §4.4, §7.3, §8, §9).

use std::sync::Arc;

use crate::crypto::cipher::{OpenError, SessionCipher};
use crate::crypto::nonce::{Direction, Role};
use crate::protocol::proto::instruction::{Instruction, InstructionError};
use crate::protocol::wire::compression::{DecompressError, MAX_INSTRUCTION_LEN, decompress};
use crate::protocol::wire::datagram::{Datagram, DatagramError};
use crate::protocol::wire::fragment::FragmentError;
use crate::protocol::wire::reassembly::{Reassembler, ReassemblyError};

/// A datagram that was dropped as a whole: nothing in it may be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReceiveError {
    /// Wrong size or failed authentication.
    #[error(transparent)]
    Open(#[from] OpenError),
    /// Authentic but carries our own direction bit (a reflected datagram).
    #[error("datagram carries our own direction")]
    WrongDirection,
    /// Authentic but too short for its timestamps and fragment header.
    #[error(transparent)]
    Malformed(#[from] FragmentError),
}

/// An authentic fragment whose instruction could not be used. The datagram itself
/// still counts (timestamps, order); only the instruction is lost.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssemblyError {
    /// The fragment contradicts the others of its instruction.
    #[error(transparent)]
    Reassembly(#[from] ReassemblyError),
    /// The assembled bytes are not an acceptable zlib stream.
    #[error(transparent)]
    Decompress(#[from] DecompressError),
    /// The inflated bytes are not a version-2 instruction.
    #[error(transparent)]
    Instruction(#[from] InstructionError),
}

/// What became of a datagram's fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assembly {
    /// More fragments of the instruction are needed.
    Pending,
    /// The fragment completed this instruction.
    Complete(Instruction),
    /// The instruction was dropped.
    Rejected(AssemblyError),
}

/// An accepted datagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// Its sequence number.
    pub seq: u64,
    /// False for a late or replayed datagram (seq below one already seen): its
    /// content is still used, but it must not update the echoed timestamp, the RTT
    /// estimate, the last-heard time or the peer address.
    pub in_order: bool,
    /// The peer's clock.
    pub timestamp: Option<u16>,
    /// The peer's echo of our clock.
    pub timestamp_reply: Option<u16>,
    /// The fragment's outcome.
    pub assembly: Assembly,
}

/// Counts of what arrived, so an app can show why a link looks dead (for example a
/// wrong key shows up as a growing `unauthentic` count).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReceiveStats {
    /// Datagrams accepted (in order or late).
    pub accepted: u64,
    /// Accepted datagrams that arrived late.
    pub late: u64,
    /// Datagrams outside the 24..=2048-byte range.
    pub bad_length: u64,
    /// Datagrams that failed authentication.
    pub unauthentic: u64,
    /// Authentic datagrams with our own direction bit.
    pub wrong_direction: u64,
    /// Authentic datagrams too short for their headers.
    pub malformed: u64,
    /// Instructions completed.
    pub instructions: u64,
    /// Instructions dropped after reassembly, inflation or parsing failed.
    pub rejected_instructions: u64,
}

/// Receives the datagrams of one peer direction.
#[derive(Debug)]
pub struct InstructionReceiver {
    cipher: Arc<SessionCipher>,
    peer_direction: Direction,
    expected_seq: u64,
    reassembler: Reassembler,
    stats: ReceiveStats,
}

impl InstructionReceiver {
    /// A receiver for our side of the session: it accepts only datagrams sent by the
    /// other side.
    pub fn new(cipher: Arc<SessionCipher>, role: Role) -> Self {
        Self {
            cipher,
            peer_direction: role.receives(),
            expected_seq: 0,
            reassembler: Reassembler::new(),
            stats: ReceiveStats::default(),
        }
    }

    /// A receiver that counts every datagram below `expected_seq` as late: a restored
    /// session goes on from the saved floor, so a captured datagram of the old
    /// process's time cannot pass for contact (it refreshes no last-heard time, no
    /// RTT and no address).
    pub fn resuming(cipher: Arc<SessionCipher>, role: Role, expected_seq: u64) -> Self {
        Self {
            expected_seq,
            ..Self::new(cipher, role)
        }
    }

    /// Counters since creation.
    pub fn stats(&self) -> ReceiveStats {
        self.stats
    }

    /// One more than the highest sequence number accepted so far.
    pub fn expected_seq(&self) -> u64 {
        self.expected_seq
    }

    /// Processes one UDP payload.
    pub fn receive(&mut self, udp_payload: &[u8]) -> Result<Received, ReceiveError> {
        let datagram = match Datagram::open(&self.cipher, udp_payload) {
            Ok(datagram) => datagram,
            Err(DatagramError::Open(error)) => {
                match error {
                    OpenError::Unauthentic => self.stats.unauthentic += 1,
                    OpenError::TooShort(_) | OpenError::TooLong(_) => self.stats.bad_length += 1,
                }
                return Err(error.into());
            }
            Err(DatagramError::Fragment(error)) => {
                self.stats.malformed += 1;
                return Err(error.into());
            }
        };
        if datagram.nonce.direction() != self.peer_direction {
            self.stats.wrong_direction += 1;
            return Err(ReceiveError::WrongDirection);
        }
        let seq = datagram.nonce.seq();
        let in_order = seq >= self.expected_seq;
        if in_order {
            self.expected_seq = seq + 1;
        } else {
            self.stats.late += 1;
        }
        self.stats.accepted += 1;
        let assembly = match self.assemble(datagram.fragment) {
            Ok(None) => Assembly::Pending,
            Ok(Some(instruction)) => {
                self.stats.instructions += 1;
                Assembly::Complete(instruction)
            }
            Err(error) => {
                self.stats.rejected_instructions += 1;
                Assembly::Rejected(error)
            }
        };
        Ok(Received {
            seq,
            in_order,
            timestamp: datagram.timestamp,
            timestamp_reply: datagram.timestamp_reply,
            assembly,
        })
    }

    fn assemble(
        &mut self,
        fragment: crate::protocol::wire::fragment::Fragment,
    ) -> Result<Option<Instruction>, AssemblyError> {
        let Some(compressed) = self.reassembler.add(fragment)? else {
            return Ok(None);
        };
        let serialized = decompress(&compressed, MAX_INSTRUCTION_LEN)?;
        Ok(Some(Instruction::decode_checked(&serialized)?))
    }
}
