//! Deliberately damaged vectors: each kind of damage gives its own typed error.

mod common;

use std::sync::Arc;

use common::{hex, load};
use mosh_core::crypto::{Direction, OpenError, Role, SessionCipher, SessionKey};
use mosh_core::protocol::codec::{
    Assembly, AssemblyError, InstructionReceiver, InstructionSender, ReceiveError,
};
use mosh_core::protocol::proto::{
    DiffError, HostMessage, Instruction, PROTOCOL_VERSION, UserMessage,
};
use mosh_core::protocol::wire::{DecompressError, MAX_INSTRUCTION_LEN, MTU_IPV4};
use serde_json::Value;

/// The stock client's first datagram under the fixed key (session-fake-server.json#0).
fn stock_datagram() -> (SessionCipher, Vec<u8>) {
    let session = load("session-fake-server.json");
    let key = SessionKey::parse(session["key_base64"].as_str().unwrap()).unwrap();
    let datagram: &Value = &session["datagrams"][0];
    (SessionCipher::new(&key), hex(&datagram["udp_payload_hex"]))
}

#[test]
fn session_fake_server_json_every_flipped_bit_fails_authentication() {
    let (cipher, udp) = stock_datagram();
    assert!(cipher.open(&udp).is_ok());
    for bit in 0..udp.len() * 8 {
        let mut damaged = udp.clone();
        damaged[bit / 8] ^= 1 << (bit % 8);
        assert_eq!(
            cipher.open(&damaged),
            Err(OpenError::Unauthentic),
            "bit {bit}"
        );
    }
}

#[test]
fn session_fake_server_json_every_truncation_is_rejected() {
    let (cipher, udp) = stock_datagram();
    for len in 0..udp.len() {
        let expected = if len < 24 {
            OpenError::TooShort(len)
        } else {
            OpenError::Unauthentic
        };
        assert_eq!(cipher.open(&udp[..len]), Err(expected), "length {len}");
    }
}

#[test]
fn session_wrong_key_json_and_a_wrong_key_on_good_data_are_unauthentic() {
    let (_, udp) = stock_datagram();
    let other = SessionCipher::new(&SessionKey::parse("AAAAAAAAAAAAAAAAAAAAAQ").unwrap());
    assert_eq!(other.open(&udp), Err(OpenError::Unauthentic));

    let session = load("session-wrong-key.json");
    let key = SessionKey::parse(session["key_base64"].as_str().unwrap()).unwrap();
    let mut server = InstructionReceiver::new(Arc::new(SessionCipher::new(&key)), Role::Server);
    for datagram in session["datagrams"].as_array().unwrap() {
        let result = server.receive(&hex(&datagram["udp_payload_hex"]));
        assert_eq!(result, Err(ReceiveError::Open(OpenError::Unauthentic)));
    }
    assert_eq!(server.stats().unauthentic, 2);
    assert_eq!(server.stats().accepted, 0);
}

/// Delivers `instruction_bytes` (already serialized) to a client receiver the way a
/// hostile but authenticated server could: compressed, fragmented and sealed.
fn deliver_serialized(instruction_bytes: &[u8]) -> (Assembly, InstructionReceiver) {
    let key = SessionKey::parse("AAECAwQFBgcICQoLDA0ODw").unwrap();
    let cipher = Arc::new(SessionCipher::new(&key));
    let compressed = mosh_core::protocol::wire::compress(instruction_bytes);
    let fragments = mosh_core::protocol::wire::Fragmenter::new()
        .fragment(&compressed, MTU_IPV4)
        .unwrap();
    let mut client = InstructionReceiver::new(cipher.clone(), Role::Client);
    let mut last = None;
    for (seq, fragment) in fragments.into_iter().enumerate() {
        let datagram = mosh_core::protocol::wire::Datagram {
            nonce: mosh_core::crypto::Nonce::new(Direction::ToClient, seq as u64).unwrap(),
            timestamp: None,
            timestamp_reply: None,
            fragment,
        };
        last = Some(client.receive(&datagram.seal(&cipher).unwrap()).unwrap());
    }
    (last.unwrap().assembly, client)
}

#[test]
fn zlib_bomb_stops_inflating_at_the_4_mib_limit() {
    // 16 MiB of zeros compress to ~16 KB; the receiver stops one byte past 4 MiB.
    let bomb = Instruction {
        protocol_version: PROTOCOL_VERSION,
        diff: vec![0u8; 4 * MAX_INSTRUCTION_LEN],
        ..Default::default()
    };
    let key = SessionKey::parse("AAECAwQFBgcICQoLDA0ODw").unwrap();
    let mut sender = InstructionSender::new(Arc::new(SessionCipher::new(&key)), Role::Server);
    let err = sender.encode(&bomb, MTU_IPV4, None, None).unwrap_err();
    assert!(matches!(
        err,
        mosh_core::protocol::codec::SendError::InstructionTooLarge(_)
    ));

    let (assembly, client) = deliver_serialized(&prost::Message::encode_to_vec(&bomb));
    assert_eq!(
        assembly,
        Assembly::Rejected(AssemblyError::Decompress(DecompressError::TooLarge {
            limit: MAX_INSTRUCTION_LEN
        }))
    );
    assert_eq!(client.stats().rejected_instructions, 1);
}

#[test]
fn diff_with_millions_of_empty_events_is_refused_before_decoding() {
    // Within the 4 MiB cap, but two million entries would decode to >100 MiB.
    let entries = (MAX_INSTRUCTION_LEN - 64) / 2;
    let flood = Instruction {
        protocol_version: PROTOCOL_VERSION,
        diff: [0x0a, 0x00].repeat(entries),
        ..Default::default()
    };
    let (assembly, _) = deliver_serialized(&prost::Message::encode_to_vec(&flood));
    let Assembly::Complete(instruction) = assembly else {
        panic!("the instruction itself is within limits: {assembly:?}");
    };
    let limit = mosh_core::protocol::proto::event_limit::MAX_DIFF_EVENTS;
    assert_eq!(
        HostMessage::decode_events(&instruction.diff),
        Err(DiffError::TooManyEvents(limit))
    );
    assert_eq!(
        UserMessage::decode_events(&instruction.diff),
        Err(DiffError::TooManyEvents(limit))
    );
}

#[test]
fn session_basic_json_truncated_zlib_and_flipped_protobuf_are_typed_errors() {
    let session = load("session-basic.json");
    let instruction = &session["datagrams"][1]["instruction"];
    let zlib = hex(&instruction["zlib_hex"]);
    let cut = mosh_core::protocol::wire::decompress(&zlib[..zlib.len() - 5], MAX_INSTRUCTION_LEN);
    assert_eq!(cut, Err(DecompressError::Truncated));
    let mut protobuf = hex(&instruction["protobuf_hex"]);
    protobuf[12] = 0x7F; // the diff's length varint now claims 16 KB
    assert!(matches!(
        Instruction::decode_checked(&protobuf),
        Err(mosh_core::protocol::proto::InstructionError::Malformed(_))
    ));
}
