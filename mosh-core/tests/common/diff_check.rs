//! Comparing our decoding of a diff with the decoding recorded in a vector.

use mosh_core::protocol::proto::{HostEvent, HostMessage, UserEvent, UserMessage};
use prost::Message;
use serde_json::Value;

use super::{hex, uint};

/// Decodes `diff` as the vector's `diff_type`, checks every event against
/// `diff_decoded`, and checks that both the raw message and our typed builder
/// re-encode to the same bytes.
pub fn check_diff(context: &str, diff: &[u8], diff_type: &str, expected: &Value) {
    let expected = expected.as_array().expect("diff_decoded list");
    match diff_type {
        "ClientBuffers.UserMessage" => {
            let message = UserMessage::decode(diff).expect(context);
            assert_eq!(message.encode_to_vec(), diff, "{context}: raw re-encoding");
            let events = message.events().expect(context);
            let wanted: Vec<UserEvent> = expected.iter().map(user_event).collect();
            assert_eq!(events, wanted, "{context}: events");
            let rebuilt = UserMessage::from_events(&events).encode_to_vec();
            assert_eq!(rebuilt, diff, "{context}: typed re-encoding");
        }
        "HostBuffers.HostMessage" => {
            let message = HostMessage::decode(diff).expect(context);
            assert_eq!(message.encode_to_vec(), diff, "{context}: raw re-encoding");
            let events = message.events().expect(context);
            let wanted: Vec<HostEvent> = expected.iter().map(host_event).collect();
            assert_eq!(events, wanted, "{context}: events");
            let rebuilt = HostMessage::from_events(&events).encode_to_vec();
            assert_eq!(rebuilt, diff, "{context}: typed re-encoding");
        }
        other => panic!("{context}: unknown diff type {other}"),
    }
}

fn size(value: &Value) -> mosh_core::protocol::proto::WindowSize {
    mosh_core::protocol::proto::WindowSize {
        width: uint(&value["width"]) as u16,
        height: uint(&value["height"]) as u16,
    }
}

fn user_event(value: &Value) -> UserEvent {
    if let Some(keys) = value.get("keystroke") {
        UserEvent::Keys(hex(&keys["keys_hex"]))
    } else if let Some(resize) = value.get("resize") {
        UserEvent::Resize(size(resize))
    } else {
        panic!("unknown user event {value}")
    }
}

fn host_event(value: &Value) -> HostEvent {
    if let Some(bytes) = value.get("hostbytes") {
        HostEvent::HostBytes(hex(&bytes["hoststring_hex"]))
    } else if let Some(resize) = value.get("resize") {
        HostEvent::Resize(size(resize))
    } else if let Some(ack) = value.get("echoack") {
        HostEvent::EchoAck(uint(&ack["echo_ack_num"]))
    } else {
        panic!("unknown host event {value}")
    }
}
