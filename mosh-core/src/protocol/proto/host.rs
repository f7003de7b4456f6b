//! `HostBuffers.HostMessage`: screen updates, size and echo ack, server to client
//! (protocol.md §9.3).

use prost::Message;

use super::diff_error::DiffError;
use super::resize::{ResizeMessage, WindowSize};
use super::scrollback::ScrollbackLines;

/// The server's diff: a list of host events.
#[derive(Clone, PartialEq, Eq, Message)]
pub struct HostMessage {
    /// The events, in order.
    #[prost(message, repeated, tag = "1")]
    pub instruction: Vec<HostInstruction>,
}

/// One event; stock senders set exactly one of the three extensions.
#[derive(Clone, PartialEq, Eq, Message)]
pub struct HostInstruction {
    /// Terminal output (extension field 2).
    #[prost(message, optional, tag = "2")]
    pub hostbytes: Option<HostBytes>,
    /// Screen size (extension field 3).
    #[prost(message, optional, tag = "3")]
    pub resize: Option<ResizeMessage>,
    /// Echo acknowledgement (extension field 7).
    #[prost(message, optional, tag = "7")]
    pub echoack: Option<EchoAck>,
    /// Lines that scrolled off (field 20, the scrollback extension: sent only to a
    /// client that announced it, `docs/scrollback-extension.md`).
    #[prost(message, optional, tag = "20")]
    pub scrollback: Option<ScrollbackLines>,
}

/// VT bytes that take the client's copy of the base screen to the new screen.
#[derive(Clone, PartialEq, Eq, Message)]
pub struct HostBytes {
    /// The bytes.
    #[prost(bytes = "vec", optional, tag = "4")]
    pub hoststring: Option<Vec<u8>>,
}

/// The newest client state whose effect the server has shown for 50 ms.
#[derive(Clone, PartialEq, Eq, Message)]
pub struct EchoAck {
    /// The client's user-stream state number.
    #[prost(uint64, optional, tag = "8")]
    pub echo_ack_num: Option<u64>,
}

/// A host event in typed form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostEvent {
    /// Bytes to feed to the emulator.
    HostBytes(Vec<u8>),
    /// Resize the emulator.
    Resize(WindowSize),
    /// Set the echo ack.
    EchoAck(u64),
    /// Lines that scrolled off the server's screen (the scrollback extension).
    Scrollback(ScrollbackLines),
}

impl HostMessage {
    /// Builds the message for `events`, one instruction per event as stock does.
    pub fn from_events(events: &[HostEvent]) -> Self {
        let instruction = events
            .iter()
            .map(|event| match event {
                HostEvent::HostBytes(bytes) => HostInstruction {
                    hostbytes: Some(HostBytes {
                        hoststring: Some(bytes.clone()),
                    }),
                    ..Default::default()
                },
                HostEvent::Resize(size) => HostInstruction {
                    resize: Some((*size).into()),
                    ..Default::default()
                },
                HostEvent::EchoAck(num) => HostInstruction {
                    echoack: Some(EchoAck {
                        echo_ack_num: Some(*num),
                    }),
                    ..Default::default()
                },
                HostEvent::Scrollback(lines) => HostInstruction {
                    scrollback: Some(lines.clone()),
                    ..Default::default()
                },
            })
            .collect();
        Self { instruction }
    }

    /// The events in order; within one instruction that sets several extensions they
    /// come in the order a receiver applies them: bytes, resize, echo ack. Instructions
    /// with none of them are skipped.
    pub fn events(&self) -> Result<Vec<HostEvent>, DiffError> {
        let mut events = Vec::with_capacity(self.instruction.len());
        for instruction in &self.instruction {
            if let Some(HostBytes {
                hoststring: Some(bytes),
            }) = &instruction.hostbytes
            {
                events.push(HostEvent::HostBytes(bytes.clone()));
            }
            if let Some(resize) = &instruction.resize {
                events.push(HostEvent::Resize(WindowSize::try_from(resize)?));
            }
            if let Some(EchoAck {
                echo_ack_num: Some(num),
            }) = &instruction.echoack
            {
                events.push(HostEvent::EchoAck(*num));
            }
            if let Some(lines) = &instruction.scrollback {
                events.push(HostEvent::Scrollback(lines.clone()));
            }
        }
        Ok(events)
    }

    /// Parses a serialized diff into events, refusing diffs with more than
    /// [`MAX_DIFF_EVENTS`](super::event_limit::MAX_DIFF_EVENTS) events before decoding.
    pub fn decode_events(diff: &[u8]) -> Result<Vec<HostEvent>, DiffError> {
        super::event_limit::check_event_count(diff)?;
        Self::decode(diff)?.events()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_each_event_kind() {
        let events = [
            HostEvent::EchoAck(4),
            HostEvent::Resize(WindowSize {
                width: 120,
                height: 40,
            }),
            HostEvent::HostBytes(b"\x1b[H\x1b[2Jhello".to_vec()),
        ];
        let bytes = HostMessage::from_events(&events).encode_to_vec();
        assert_eq!(HostMessage::decode_events(&bytes).unwrap(), events);
    }

    #[test]
    fn echo_ack_encoding_matches_stock() {
        let bytes = HostMessage::from_events(&[HostEvent::EchoAck(4)]).encode_to_vec();
        assert_eq!(bytes, [0x0a, 0x04, 0x3a, 0x02, 0x40, 0x04]);
    }
}
