//! `ClientBuffers.UserMessage`: keystrokes and resizes, client to server
//! (protocol.md §9.2).

use prost::Message;

use super::diff_error::DiffError;
use super::resize::{BadWindowSize, ResizeMessage, WindowSize};
use super::scrollback::{Announcement, ScrollbackCapability};

/// The client's diff: a list of user-stream events.
#[derive(Clone, PartialEq, Eq, Message)]
pub struct UserMessage {
    /// The events, in order.
    #[prost(message, repeated, tag = "1")]
    pub instruction: Vec<UserInstruction>,
}

/// One event; stock senders set exactly one of the two extensions.
#[derive(Clone, PartialEq, Eq, Message)]
pub struct UserInstruction {
    /// Key bytes (extension field 2).
    #[prost(message, optional, tag = "2")]
    pub keystroke: Option<Keystroke>,
    /// Window size (extension field 3).
    #[prost(message, optional, tag = "3")]
    pub resize: Option<ResizeMessage>,
    /// The scrollback extension's announcement (field 20; not stock, which skips
    /// it: `docs/scrollback-extension.md`).
    #[prost(message, optional, tag = "20")]
    pub scrollback: Option<ScrollbackCapability>,
}

/// Raw terminal input bytes.
#[derive(Clone, PartialEq, Eq, Message)]
pub struct Keystroke {
    /// The bytes, as the user's terminal produced them.
    #[prost(bytes = "vec", optional, tag = "4")]
    pub keys: Option<Vec<u8>>,
}

/// A user-stream event in typed form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserEvent {
    /// Key bytes, to be written to the pty unchanged (apart from cursor-key mode).
    Keys(Vec<u8>),
    /// The client's window changed size.
    Resize(WindowSize),
    /// A resize to a size no window has (a zero, negative or missing dimension, as an
    /// app that measured its view before layout sends): it counts as an event of the
    /// stream, so the states that follow still apply, but it changes nothing.
    UnusableResize(BadWindowSize),
    /// The client takes scrollback lines, up to this version of the extension.
    ScrollbackCapability(Announcement),
}

impl UserMessage {
    /// Builds the message for `events`, merging consecutive key events into one
    /// `Keystroke` as the stock client does.
    pub fn from_events(events: &[UserEvent]) -> Self {
        let mut instruction: Vec<UserInstruction> = Vec::with_capacity(events.len());
        for event in events {
            match event {
                UserEvent::Keys(bytes) => {
                    let merged = instruction.last_mut().and_then(|last| match last {
                        UserInstruction {
                            keystroke: Some(Keystroke { keys: Some(keys) }),
                            resize: None,
                            scrollback: None,
                        } => Some(keys),
                        _ => None,
                    });
                    match merged {
                        Some(keys) => keys.extend_from_slice(bytes),
                        None => instruction.push(UserInstruction {
                            keystroke: Some(Keystroke {
                                keys: Some(bytes.clone()),
                            }),
                            resize: None,
                            scrollback: None,
                        }),
                    }
                }
                UserEvent::Resize(size) => instruction.push(UserInstruction {
                    keystroke: None,
                    resize: Some((*size).into()),
                    scrollback: None,
                }),
                UserEvent::UnusableResize(bad) => instruction.push(UserInstruction {
                    keystroke: None,
                    resize: Some(ResizeMessage {
                        width: bad.width,
                        height: bad.height,
                    }),
                    scrollback: None,
                }),
                UserEvent::ScrollbackCapability(announcement) => {
                    instruction.push(UserInstruction {
                        keystroke: None,
                        resize: None,
                        scrollback: Some(ScrollbackCapability {
                            version: Some(announcement.version),
                            lines: announcement.lines,
                        }),
                    })
                }
            }
        }
        Self { instruction }
    }

    /// The events in order. An instruction with neither extension (a newer peer's
    /// event type) carries nothing for us and is skipped.
    pub fn events(&self) -> Result<Vec<UserEvent>, DiffError> {
        let mut events = Vec::with_capacity(self.instruction.len());
        for instruction in &self.instruction {
            if let Some(Keystroke { keys: Some(keys) }) = &instruction.keystroke {
                events.push(UserEvent::Keys(keys.clone()));
            }
            if let Some(resize) = &instruction.resize {
                // Never a reason to refuse the diff: a client whose resize was refused
                // could never be heard again (every later state builds on it).
                events.push(match WindowSize::clamped(resize) {
                    Ok(size) => UserEvent::Resize(size),
                    Err(bad) => UserEvent::UnusableResize(bad),
                });
            }
            if let Some(capability) = &instruction.scrollback {
                events.push(UserEvent::ScrollbackCapability(Announcement {
                    version: capability.version.unwrap_or(0),
                    lines: capability.lines,
                }));
            }
        }
        Ok(events)
    }

    /// Parses a serialized diff into events, refusing diffs with more than
    /// [`MAX_DIFF_EVENTS`](super::event_limit::MAX_DIFF_EVENTS) events before decoding.
    pub fn decode_events(diff: &[u8]) -> Result<Vec<UserEvent>, DiffError> {
        super::event_limit::check_event_count(diff)?;
        Self::decode(diff)?.events()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_stock_byte_examples() {
        let resize = UserMessage::from_events(&[UserEvent::Resize(WindowSize {
            width: 80,
            height: 24,
        })]);
        assert_eq!(
            resize.encode_to_vec(),
            [0x0a, 0x06, 0x1a, 0x04, 0x28, 0x50, 0x30, 0x18]
        );
        let enter = UserMessage::from_events(&[UserEvent::Keys(b"\r".to_vec())]);
        assert_eq!(
            enter.encode_to_vec(),
            [0x0a, 0x05, 0x12, 0x03, 0x22, 0x01, 0x0d]
        );
    }

    #[test]
    fn merges_consecutive_keys_but_not_across_resizes() {
        let size = WindowSize {
            width: 100,
            height: 30,
        };
        let message = UserMessage::from_events(&[
            UserEvent::Keys(b"ec".to_vec()),
            UserEvent::Keys(b"ho".to_vec()),
            UserEvent::Resize(size),
            UserEvent::Keys(b"\r".to_vec()),
        ]);
        assert_eq!(
            UserMessage::decode_events(&message.encode_to_vec()).unwrap(),
            [
                UserEvent::Keys(b"echo".to_vec()),
                UserEvent::Resize(size),
                UserEvent::Keys(b"\r".to_vec())
            ]
        );
    }

    #[test]
    fn the_scrollback_capability_is_field_20_in_an_instruction_of_its_own() {
        let message = UserMessage::from_events(&[UserEvent::ScrollbackCapability(Announcement {
            version: 1,
            lines: None,
        })]);
        // What scrollback_extension_stock_server.rs shows the stock server skips.
        assert_eq!(
            message.encode_to_vec(),
            [0x0a, 0x05, 0xa2, 0x01, 0x02, 0x08, 0x01]
        );
        assert_eq!(
            UserMessage::decode_events(&message.encode_to_vec()).unwrap(),
            [UserEvent::ScrollbackCapability(Announcement {
                version: 1,
                lines: None
            })]
        );
    }

    #[test]
    fn a_version_2_announcement_carries_the_lines_kept_in_field_2() {
        let announcement = Announcement {
            version: 2,
            lines: Some(10_000),
        };
        let message = UserMessage::from_events(&[UserEvent::ScrollbackCapability(announcement)]);
        // docs/scrollback-extension.md gives these bytes.
        assert_eq!(
            message.encode_to_vec(),
            [0x0a, 0x08, 0xa2, 0x01, 0x05, 0x08, 0x02, 0x10, 0x90, 0x4e]
        );
        assert_eq!(
            UserMessage::decode_events(&message.encode_to_vec()).unwrap(),
            [UserEvent::ScrollbackCapability(announcement)]
        );
    }

    #[test]
    fn a_version_3_announcement_of_zero_lines_is_the_data_saver_at_its_lowest() {
        let announcement = Announcement {
            version: 3,
            lines: Some(0),
        };
        let message = UserMessage::from_events(&[UserEvent::ScrollbackCapability(announcement)]);
        // docs/scrollback-extension.md gives these bytes.
        assert_eq!(
            message.encode_to_vec(),
            [0x0a, 0x07, 0xa2, 0x01, 0x04, 0x08, 0x03, 0x10, 0x00]
        );
        assert_eq!(
            UserMessage::decode_events(&message.encode_to_vec()).unwrap(),
            [UserEvent::ScrollbackCapability(announcement)]
        );
    }

    #[test]
    fn unusable_sizes_are_events_that_change_nothing_and_huge_ones_are_clamped() {
        let resize = |width, height| UserMessage {
            instruction: vec![UserInstruction {
                keystroke: None,
                resize: Some(ResizeMessage { width, height }),
                scrollback: None,
            }],
        };
        for (width, height) in [(Some(0), Some(0)), (Some(-3), Some(24)), (None, Some(24))] {
            let message = resize(width, height);
            let events = message.events().unwrap();
            assert_eq!(
                events,
                [UserEvent::UnusableResize(BadWindowSize { width, height })]
            );
            // It goes back on the wire as it came.
            assert_eq!(UserMessage::from_events(&events), message);
        }
        assert_eq!(
            resize(Some(5000), Some(70_000)).events().unwrap(),
            [UserEvent::Resize(WindowSize::within_cell_limit(4096, 4096))]
        );
    }

    #[test]
    fn bad_bytes_are_errors() {
        assert!(matches!(
            UserMessage::decode_events(&[0x0a, 0x10]),
            Err(DiffError::Malformed(_))
        ));
    }
}
