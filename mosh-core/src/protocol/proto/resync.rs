//! The resync extension's two instruction fields (`docs/resync-extension.md`): a
//! client continuing a session from a snapshot says what it holds, and a server that
//! no longer holds the states that client can apply sends it everything from a base
//! both can always rebuild, or tells a client another process took over that it was
//! superseded. Stock mosh 1.4 peers skip both fields.

use prost::Message;

/// The version of the extension this library speaks.
pub const RESYNC_VERSION: u32 = 1;

/// Largest event count a [`Resume`] may name (2^62, as for every number a snapshot
/// holds): a base rebuilt from a larger one is refused, so no count overflows
/// when a diff's events are added to it.
pub const MAX_RESUME_EVENTS: u64 = 1 << 62;

/// Client to server (`Instruction` field 20): this process continues the session
/// from a snapshot. Sent in every instruction until the server acknowledges one of
/// this process's states.
#[derive(Clone, Copy, PartialEq, Eq, Message)]
pub struct Resume {
    /// The newest version the client speaks.
    #[prost(uint32, optional, tag = "1")]
    pub version: Option<u32>,
    /// The highest state number used before this process: its own states are
    /// numbered above it, and no earlier process of the session reached it.
    #[prost(uint64, optional, tag = "2")]
    pub fork: Option<u64>,
    /// Events in the user-stream state the instruction's `old_num` names (the one
    /// the server last acknowledged to the process that took the snapshot).
    #[prost(uint64, optional, tag = "3")]
    pub base_events: Option<u64>,
    /// Events in the user stream when the snapshot was taken: the events before this
    /// index are the ones every process of the session shares, those at and after it
    /// are this process's own.
    #[prost(uint64, optional, tag = "4")]
    pub fork_events: Option<u64>,
}

/// Server to client (`Instruction` field 21).
#[derive(Clone, Copy, PartialEq, Eq, Message)]
pub struct Resync {
    /// The version the server uses.
    #[prost(uint32, optional, tag = "1")]
    pub version: Option<u32>,
    /// The diff starts from the reset base (a blank 1×1 screen with nothing else,
    /// whatever `old_num` says), which every client can rebuild.
    #[prost(bool, optional, tag = "2")]
    pub reset: Option<bool>,
    /// The server follows another process of this session now, the one whose
    /// `fork` this is; a client whose own states are numbered below it was
    /// superseded.
    #[prost(uint64, optional, tag = "3")]
    pub superseded_by: Option<u64>,
}

impl Resume {
    /// The event count of the base it names, if within [`MAX_RESUME_EVENTS`].
    pub fn checked_base_events(&self) -> Option<u64> {
        self.base_events
            .filter(|&events| events <= MAX_RESUME_EVENTS)
    }

    /// What a restored client sends.
    pub fn new(fork: u64, base_events: u64, fork_events: u64) -> Self {
        Resume {
            version: Some(RESYNC_VERSION),
            fork: Some(fork),
            base_events: Some(base_events),
            fork_events: Some(fork_events),
        }
    }
}

impl Resync {
    /// Marks a diff from the reset base.
    pub fn from_reset_base() -> Self {
        Resync {
            version: Some(RESYNC_VERSION),
            reset: Some(true),
            superseded_by: None,
        }
    }

    /// Tells a client that the process with this fork took over.
    pub fn superseded_notice(fork: u64) -> Self {
        Resync {
            version: Some(RESYNC_VERSION),
            reset: None,
            superseded_by: Some(fork),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_match_the_spec() {
        let resume = Resume::new(0x0123_4567_0000, 5, 7).encode_to_vec();
        assert_eq!(
            resume,
            [
                0x08, 0x01, 0x10, 0x80, 0x80, 0x9c, 0xab, 0xb4, 0x24, 0x18, 0x05, 0x20, 0x07
            ]
        );
        assert_eq!(
            Resync::from_reset_base().encode_to_vec(),
            [0x08, 0x01, 0x10, 0x01]
        );
        assert_eq!(
            Resync::superseded_notice(0x10000).encode_to_vec(),
            [0x08, 0x01, 0x18, 0x80, 0x80, 0x04]
        );
        // Inside an instruction, after the seven stock fields.
        let stock = super::super::Instruction {
            protocol_version: super::super::PROTOCOL_VERSION,
            ..Default::default()
        };
        let with = |instruction: super::super::Instruction| {
            let bytes = instruction.encode_to_vec();
            bytes[stock.encode_to_vec().len()..].to_vec()
        };
        let mut resumed = stock.clone();
        resumed.resume = Some(Resume::new(0x0123_4567_0000, 5, 7));
        assert_eq!(
            with(resumed),
            [
                0xa2, 0x01, 0x0d, 0x08, 0x01, 0x10, 0x80, 0x80, 0x9c, 0xab, 0xb4, 0x24, 0x18, 0x05,
                0x20, 0x07
            ]
        );
        let mut reset = stock.clone();
        reset.resync = Some(Resync::from_reset_base());
        assert_eq!(with(reset), [0xaa, 0x01, 0x04, 0x08, 0x01, 0x10, 0x01]);
    }
}
