//! The send path: instruction → protobuf → zlib → fragments → sealed datagrams.

use std::sync::Arc;

use prost::Message;

use crate::crypto::SequencePlan;
use crate::crypto::cipher::SessionCipher;
use crate::crypto::nonce::{Role, SeqCounter, SeqExhausted};
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

    /// A sender whose sequence numbers follow `plan` and whose instruction ids start
    /// at `next_instruction_id` (a client process, a restored session). The plan is
    /// what keeps nonces apart from every other process of the key
    /// (`crypto/sequence_plan.rs`).
    pub fn planned(
        cipher: Arc<SessionCipher>,
        role: Role,
        plan: SequencePlan,
        next_instruction_id: u64,
    ) -> Self {
        Self {
            cipher,
            seq: SeqCounter::planned(role.sends(), plan),
            fragmenter: Fragmenter::starting_at(next_instruction_id),
            compressor: Compressor::new(),
        }
    }

    /// The distance between two of its sequence numbers.
    pub fn seq_stride(&self) -> u64 {
        self.seq.stride()
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
