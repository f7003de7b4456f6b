//! The send path: instruction → protobuf → zlib → fragments → sealed datagrams.

use std::sync::Arc;

use prost::Message;

use crate::crypto::cipher::SessionCipher;
use crate::crypto::nonce::{Role, SeqCounter, SeqExhausted, SeqOutOfRange};
use crate::protocol::proto::instruction::Instruction;
use crate::protocol::wire::compression::{Compressor, MAX_INSTRUCTION_LEN};
use crate::protocol::wire::datagram::{Datagram, DatagramBuildError};
use crate::protocol::wire::fragmenter::{FragmentationError, Fragmenter};

/// Why an instruction could not be turned into datagrams.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// The serialized instruction exceeds what a receiver accepts.
    #[error("instruction of {0} bytes exceeds the 4 MiB protocol limit")]
    InstructionTooLarge(usize),
    /// The compressed instruction cannot be fragmented.
    #[error(transparent)]
    Fragmentation(#[from] FragmentationError),
    /// No sequence numbers left under this key.
    #[error(transparent)]
    SeqExhausted(#[from] SeqExhausted),
    /// A datagram could not be sealed.
    #[error(transparent)]
    Build(#[from] DatagramBuildError),
}

/// Turns instructions into UDP payloads for one direction, owning the sequence
/// counter and the instruction ids so neither can repeat.
#[derive(Debug)]
pub struct InstructionSender {
    cipher: Arc<SessionCipher>,
    seq: SeqCounter,
    fragmenter: Fragmenter,
    compressor: Compressor,
}

impl InstructionSender {
    /// A sender for a fresh session: seq from 0, instruction ids from 1.
    pub fn new(cipher: Arc<SessionCipher>, role: Role) -> Self {
        Self {
            cipher,
            seq: SeqCounter::new(role.sends()),
            fragmenter: Fragmenter::new(),
            compressor: Compressor::new(),
        }
    }

    /// A sender that continues a session from saved counters (snapshot restore).
    /// `next_seq` must lie above every sequence number any earlier sender of this side
    /// may have used under this key, or nonces repeat: a snapshot has to store a value
    /// reserved ahead of what it actually sent, not the counter at the time of saving.
    pub fn resuming(
        cipher: Arc<SessionCipher>,
        role: Role,
        next_seq: u64,
        next_instruction_id: u64,
    ) -> Result<Self, SeqOutOfRange> {
        Ok(Self {
            cipher,
            seq: SeqCounter::starting_at(role.sends(), next_seq)?,
            fragmenter: Fragmenter::starting_at(next_instruction_id),
            compressor: Compressor::new(),
        })
    }

    /// The sequence number the next datagram will use (`None` once exhausted).
    pub fn next_seq(&self) -> Option<u64> {
        self.seq.peek()
    }

    /// The id the next instruction will get, for snapshots.
    pub fn next_instruction_id(&self) -> u64 {
        self.fragmenter.next_id()
    }

    /// Encodes `instruction` into one sealed datagram per fragment, at most `mtu` bytes
    /// each. Every datagram carries `timestamp`; only the first carries
    /// `timestamp_reply`, since a received timestamp is echoed at most once.
    pub fn encode(
        &mut self,
        instruction: &Instruction,
        mtu: usize,
        timestamp: Option<u16>,
        timestamp_reply: Option<u16>,
    ) -> Result<Vec<Vec<u8>>, SendError> {
        let serialized = instruction.encode_to_vec();
        if serialized.len() > MAX_INSTRUCTION_LEN {
            return Err(SendError::InstructionTooLarge(serialized.len()));
        }
        let compressed = self.compressor.compress(&serialized);
        let fragments = self.fragmenter.fragment(&compressed, mtu)?;
        let mut reply = timestamp_reply;
        let mut datagrams = Vec::with_capacity(fragments.len());
        for fragment in fragments {
            let datagram = Datagram {
                nonce: self.seq.next_nonce()?,
                timestamp,
                timestamp_reply: reply.take(),
                fragment,
            };
            datagrams.push(datagram.seal(&self.cipher)?);
        }
        Ok(datagrams)
    }
}
