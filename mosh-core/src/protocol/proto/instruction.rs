//! `TransportBuffers.Instruction`, the unit every fragment assembly carries
//! (protocol.md §9.1).

use prost::Message;

/// The only protocol version stock mosh 1.4 speaks; anything else is dropped.
pub const PROTOCOL_VERSION: u32 = 2;

/// State number that marks a shutdown (`new_num`) or its acknowledgement (`ack_num`).
pub const SHUTDOWN_STATE_NUM: u64 = u64::MAX;

/// Most chaff bytes a sender adds.
pub const MAX_CHAFF_LEN: usize = 16;

/// One SSP instruction: a diff between two numbered states of the sender's object,
/// plus an acknowledgement of the receiver's states.
///
/// The seven stock fields are proto2 `required` here, so they are always serialized, in
/// field order, exactly as stock mosh writes them; a field missing on input decodes as
/// its default (a missing `protocol_version` is 0 and is refused).
#[derive(Clone, PartialEq, Eq, Message)]
pub struct Instruction {
    /// Must be [`PROTOCOL_VERSION`].
    #[prost(uint32, required, tag = "1")]
    pub protocol_version: u32,
    /// The sender's state the diff starts from; the receiver must hold it.
    #[prost(uint64, required, tag = "2")]
    pub old_num: u64,
    /// The sender's state the diff produces; [`SHUTDOWN_STATE_NUM`] during shutdown.
    #[prost(uint64, required, tag = "3")]
    pub new_num: u64,
    /// Newest state of the receiver's stream that the sender holds.
    #[prost(uint64, required, tag = "4")]
    pub ack_num: u64,
    /// The receiver may discard its copies of the sender's states below this.
    #[prost(uint64, required, tag = "5")]
    pub throwaway_num: u64,
    /// Serialized `UserMessage` (client to server) or `HostMessage` (server to client).
    #[prost(bytes = "vec", required, tag = "6")]
    pub diff: Vec<u8>,
    /// 0–16 random bytes that hide the true length; ignored by receivers.
    #[prost(bytes = "vec", required, tag = "7")]
    pub chaff: Vec<u8>,
    /// The resync extension, client to server: this process continues the session
    /// from a snapshot (`docs/resync-extension.md`). Stock servers skip it.
    #[prost(message, optional, tag = "20")]
    pub resume: Option<super::Resume>,
    /// The resync extension, server to client: a diff from the reset base, or word
    /// that another process took the session over.
    #[prost(message, optional, tag = "21")]
    pub resync: Option<super::Resync>,
}

/// Why a completed assembly is not a usable instruction.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InstructionError {
    /// Not a valid protobuf message.
    #[error("malformed instruction: {0}")]
    Malformed(#[from] prost::DecodeError),
    /// A protocol version other than 2.
    #[error("protocol version {0} is not 2")]
    VersionMismatch(u32),
}

impl Instruction {
    /// Parses a serialized instruction and checks its protocol version.
    pub fn decode_checked(bytes: &[u8]) -> Result<Self, InstructionError> {
        let instruction = Self::decode(bytes)?;
        if instruction.protocol_version != PROTOCOL_VERSION {
            return Err(InstructionError::VersionMismatch(
                instruction.protocol_version,
            ));
        }
        Ok(instruction)
    }

    /// Whether this instruction announces the sender's shutdown.
    pub fn is_shutdown(&self) -> bool {
        self.new_num == SHUTDOWN_STATE_NUM
    }

    /// Whether this instruction acknowledges our shutdown.
    pub fn acks_shutdown(&self) -> bool {
        self.ack_num == SHUTDOWN_STATE_NUM
    }
}

/// Fresh random chaff: a random length of 0–16 bytes of random content, as stock
/// senders add to every instruction.
pub fn random_chaff() -> Result<Vec<u8>, getrandom::Error> {
    let mut buf = [0u8; MAX_CHAFF_LEN + 1];
    getrandom::fill(&mut buf)?;
    let len = usize::from(buf[0]) % (MAX_CHAFF_LEN + 1);
    Ok(buf[1..=len].to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_every_field_even_when_default() {
        let instruction = Instruction {
            protocol_version: PROTOCOL_VERSION,
            ..Default::default()
        };
        assert_eq!(
            instruction.encode_to_vec(),
            [
                0x08, 0x02, 0x10, 0x00, 0x18, 0x00, 0x20, 0x00, 0x28, 0x00, 0x32, 0x00, 0x3a, 0x00
            ]
        );
    }

    #[test]
    fn shutdown_marker_is_the_ten_byte_varint() {
        let instruction = Instruction {
            protocol_version: PROTOCOL_VERSION,
            new_num: SHUTDOWN_STATE_NUM,
            ..Default::default()
        };
        let bytes = instruction.encode_to_vec();
        assert_eq!(
            &bytes[4..15],
            &[
                0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01
            ]
        );
        assert!(Instruction::decode_checked(&bytes).unwrap().is_shutdown());
    }

    #[test]
    fn missing_or_wrong_version_is_refused() {
        assert_eq!(
            Instruction::decode_checked(&[]),
            Err(InstructionError::VersionMismatch(0))
        );
        assert_eq!(
            Instruction::decode_checked(&[0x08, 0x03]),
            Err(InstructionError::VersionMismatch(3))
        );
        assert!(matches!(
            Instruction::decode_checked(&[0x32, 0x05, 0x00]),
            Err(InstructionError::Malformed(_))
        ));
    }

    #[test]
    fn chaff_covers_every_length_from_zero_to_sixteen() {
        let mut seen = [false; MAX_CHAFF_LEN + 1];
        for _ in 0..2000 {
            let len = random_chaff().unwrap().len();
            assert!(len <= MAX_CHAFF_LEN);
            seen[len] = true;
        }
        assert!(seen.iter().all(|&s| s), "lengths seen: {seen:?}");
    }
}
