//! Every datagram of every captured session in `shared/testvectors/session-*.json`,
//! layer by layer: nonce, AEAD (open and byte-exact re-seal), timestamps, fragment
//! header, reassembly, zlib (inflate and byte-exact deflate), the instruction fields
//! (decode and byte-exact re-encode) and the decoded diff. Then the whole receive
//! pipeline, fed each side's datagrams as that side received them.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use common::diff_check::check_diff;
use common::{direction_of, hex, load, port_of, session_files, uint};
use mosh_core::crypto::{Direction, OpenError, Role, SessionCipher, SessionKey};
use mosh_core::protocol::codec::{Assembly, AssemblyError, InstructionReceiver, ReceiveError};
use mosh_core::protocol::proto::instruction::InstructionError::VersionMismatch;
use mosh_core::protocol::proto::{Instruction, PROTOCOL_VERSION};
use mosh_core::protocol::wire::compression::Compressor;
use mosh_core::protocol::wire::fragment::FragmentError;
use mosh_core::protocol::wire::{Datagram, MAX_INSTRUCTION_LEN, Reassembler, decompress};
use prost::Message;
use serde_json::Value;

fn timestamp_field(value: &Value) -> Option<u16> {
    match uint(value) {
        65535 => None,
        t => Some(t as u16),
    }
}

/// What one session file contained, for the per-file assertions.
#[derive(Default, Debug)]
struct Tally {
    datagrams: usize,
    unauthentic: usize,
    malformed: usize,
    instructions: usize,
}

/// Layer-by-layer check of one session file; returns what it saw.
fn check_layers(file: &str) -> Tally {
    let session = load(file);
    let key = SessionKey::parse(session["key_base64"].as_str().unwrap()).unwrap();
    assert_eq!(
        key.as_bytes().as_slice(),
        hex(&session["key_hex"]),
        "{file}: key"
    );
    let cipher = SessionCipher::new(&key);
    let mut reassemblers: HashMap<Direction, Reassembler> = HashMap::new();
    let mut members: HashMap<(Direction, u64), Vec<u64>> = HashMap::new();
    let mut tally = Tally::default();
    // One compressor for the whole session, as a sender keeps one.
    let mut compressor = Compressor::new();

    for datagram in session["datagrams"].as_array().unwrap() {
        let index = uint(&datagram["index"]);
        let ctx = format!("{file}#{index}");
        let udp = hex(&datagram["udp_payload_hex"]);
        assert_eq!(
            udp.len() as u64,
            uint(&datagram["udp_payload_len"]),
            "{ctx}"
        );
        tally.datagrams += 1;

        if datagram["decrypts"] == Value::Bool(false) {
            assert_eq!(cipher.open(&udp), Err(OpenError::Unauthentic), "{ctx}");
            tally.unauthentic += 1;
            continue;
        }

        let (nonce, plaintext) = cipher.open(&udp).unwrap_or_else(|e| panic!("{ctx}: {e}"));
        assert_eq!(
            nonce.to_wire().as_slice(),
            hex(&datagram["wire_nonce_hex"]),
            "{ctx}"
        );
        assert_eq!(
            nonce.to_ocb().as_slice(),
            hex(&datagram["ocb_nonce_hex"]),
            "{ctx}"
        );
        assert_eq!(
            nonce.direction(),
            direction_of(&datagram["direction"]),
            "{ctx}"
        );
        let bit = u64::from(nonce.direction() == Direction::ToClient);
        assert_eq!(bit, uint(&datagram["direction_bit"]), "{ctx}");
        assert_eq!(nonce.seq(), uint(&datagram["seq"]), "{ctx}");
        assert_eq!(
            plaintext,
            hex(&datagram["plaintext_hex"]),
            "{ctx}: plaintext"
        );
        assert_eq!(
            &udp[8..udp.len() - 16],
            hex(&datagram["ciphertext_hex"]),
            "{ctx}"
        );
        assert_eq!(&udp[udp.len() - 16..], hex(&datagram["tag_hex"]), "{ctx}");
        assert_eq!(
            cipher.seal(nonce, &plaintext).unwrap(),
            udp,
            "{ctx}: re-seal"
        );

        let Some(fragment_json) = datagram.get("fragment") else {
            // The deliberately short probe: authentic, but no room for a fragment.
            let err = Datagram::decode_plaintext(nonce, &plaintext).unwrap_err();
            assert_eq!(err, FragmentError::TooShort(plaintext.len() - 4), "{ctx}");
            tally.malformed += 1;
            continue;
        };
        let parsed = Datagram::decode_plaintext(nonce, &plaintext).expect(&ctx);
        assert_eq!(
            parsed.timestamp,
            timestamp_field(&datagram["timestamp"]),
            "{ctx}"
        );
        assert_eq!(
            parsed.timestamp_reply,
            timestamp_field(&datagram["timestamp_reply"]),
            "{ctx}"
        );
        assert_eq!(
            parsed.encode_plaintext().unwrap(),
            plaintext,
            "{ctx}: re-encode"
        );
        let fragment = &parsed.fragment;
        assert_eq!(plaintext[4..14], hex(&fragment_json["header_hex"]), "{ctx}");
        assert_eq!(
            fragment.instruction_id,
            uint(&fragment_json["instruction_id"]),
            "{ctx}"
        );
        assert_eq!(
            u64::from(fragment.number),
            uint(&fragment_json["fragment_num"]),
            "{ctx}"
        );
        assert_eq!(
            Value::Bool(fragment.is_final),
            fragment_json["final"],
            "{ctx}"
        );
        assert_eq!(
            fragment.chunk.len() as u64,
            uint(&fragment_json["payload_len"]),
            "{ctx}"
        );
        assert_eq!(fragment.chunk, hex(&fragment_json["payload_hex"]), "{ctx}");

        let direction = nonce.direction();
        members
            .entry((direction, fragment.instruction_id))
            .or_default()
            .push(index);
        let assembled = reassemblers
            .entry(direction)
            .or_default()
            .add(parsed.fragment.clone())
            .unwrap_or_else(|e| panic!("{ctx}: {e}"));
        match (assembled, datagram.get("instruction")) {
            (None, None) => {}
            (Some(zlib), Some(instruction)) => {
                let key = (direction, parsed.fragment.instruction_id);
                let from: Vec<u64> = instruction["assembled_from_datagrams"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(uint)
                    .collect();
                assert_eq!(members.remove(&key).unwrap(), from, "{ctx}: fragments used");
                check_instruction(&ctx, &zlib, instruction, &mut compressor);
                tally.instructions += 1;
            }
            (Some(_), None) => panic!("{ctx}: we completed an instruction the capture did not"),
            (None, Some(_)) => panic!("{ctx}: the capture completed an instruction we did not"),
        }
    }
    tally
}

fn check_instruction(ctx: &str, zlib: &[u8], recorded: &Value, compressor: &mut Compressor) {
    assert_eq!(zlib, hex(&recorded["zlib_hex"]), "{ctx}: assembled zlib");
    assert_eq!(zlib.len() as u64, uint(&recorded["zlib_len"]), "{ctx}");
    let protobuf = decompress(zlib, MAX_INSTRUCTION_LEN).expect(ctx);
    assert_eq!(protobuf, hex(&recorded["protobuf_hex"]), "{ctx}: inflated");
    assert_eq!(
        protobuf.len() as u64,
        uint(&recorded["protobuf_len"]),
        "{ctx}"
    );
    // Our deflate (pure-Rust zlib-rs, so the library builds for phones without a C
    // toolchain) may choose other, equally valid bytes than stock's C zlib: what must
    // hold is that stock's stream inflates through our code (above) and ours inflates
    // to the same instruction.
    let ours = compressor.compress(&protobuf);
    assert_eq!(
        decompress(&ours, MAX_INSTRUCTION_LEN).expect(ctx),
        protobuf,
        "{ctx}: our deflate inflates to the captured instruction"
    );

    let fields = &recorded["fields"];
    let instruction = Instruction::decode(protobuf.as_slice()).expect(ctx);
    assert_eq!(
        u64::from(instruction.protocol_version),
        uint(&fields["protocol_version"]),
        "{ctx}"
    );
    assert_eq!(
        instruction.old_num,
        uint(&fields["old_num"]),
        "{ctx}: old_num"
    );
    assert_eq!(
        instruction.new_num,
        uint(&fields["new_num"]),
        "{ctx}: new_num"
    );
    assert_eq!(
        instruction.ack_num,
        uint(&fields["ack_num"]),
        "{ctx}: ack_num"
    );
    assert_eq!(
        instruction.throwaway_num,
        uint(&fields["throwaway_num"]),
        "{ctx}: throwaway"
    );
    assert_eq!(instruction.diff, hex(&fields["diff_hex"]), "{ctx}: diff");
    assert_eq!(instruction.chaff, hex(&fields["chaff_hex"]), "{ctx}: chaff");
    assert_eq!(
        instruction.chaff.len() as u64,
        uint(&fields["chaff_len"]),
        "{ctx}"
    );
    assert_eq!(
        instruction.encode_to_vec(),
        protobuf,
        "{ctx}: re-encoded instruction"
    );
    if instruction.new_num == u64::MAX {
        assert!(
            fields.get("new_num_note").is_some(),
            "{ctx}: shutdown marker noted"
        );
        assert!(instruction.is_shutdown());
    }
    if instruction.ack_num == u64::MAX {
        assert!(instruction.acks_shutdown());
    }

    match Instruction::decode_checked(&protobuf) {
        Ok(_) => assert_eq!(instruction.protocol_version, PROTOCOL_VERSION, "{ctx}"),
        Err(err) => {
            assert_eq!(err, VersionMismatch(instruction.protocol_version));
            return;
        }
    }
    let diff_type = recorded["diff_type"].as_str().expect("diff_type");
    check_diff(ctx, &instruction.diff, diff_type, &recorded["diff_decoded"]);
}

/// Feeds each side's receiver the datagrams that were sent to it, in capture order,
/// and compares the instructions it completes with those recorded.
fn check_pipeline(file: &str) -> BTreeMap<&'static str, u64> {
    let session = load(file);
    let key = SessionKey::parse(session["key_base64"].as_str().unwrap()).unwrap();
    let cipher = Arc::new(SessionCipher::new(&key));
    let server_port = uint(&session["server_port"]) as u16;
    let mut server = InstructionReceiver::new(cipher.clone(), Role::Server);
    let mut client = InstructionReceiver::new(cipher, Role::Client);
    let mut outcomes = BTreeMap::new();

    for datagram in session["datagrams"].as_array().unwrap() {
        let ctx = format!("{file}#{}", uint(&datagram["index"]));
        let receiver = if port_of(&datagram["dst"]) == server_port {
            &mut server
        } else {
            assert_eq!(port_of(&datagram["src"]), server_port, "{ctx}");
            &mut client
        };
        let outcome = match receiver.receive(&hex(&datagram["udp_payload_hex"])) {
            Err(ReceiveError::Open(OpenError::Unauthentic)) => "unauthentic",
            Err(ReceiveError::WrongDirection) => "wrong direction",
            Err(ReceiveError::Malformed(_)) => "malformed",
            Err(other) => panic!("{ctx}: {other}"),
            Ok(received) => {
                assert_eq!(received.seq, uint(&datagram["seq"]), "{ctx}");
                assert_eq!(
                    received.timestamp,
                    timestamp_field(&datagram["timestamp"]),
                    "{ctx}"
                );
                match (received.assembly, datagram.get("instruction")) {
                    (Assembly::Pending, None) => "pending",
                    (Assembly::Complete(instruction), Some(recorded)) => {
                        let bytes = instruction.encode_to_vec();
                        assert_eq!(bytes, hex(&recorded["protobuf_hex"]), "{ctx}");
                        if received.in_order {
                            "complete"
                        } else {
                            "complete late"
                        }
                    }
                    (
                        Assembly::Rejected(AssemblyError::Instruction(VersionMismatch(_))),
                        Some(_),
                    ) => "wrong version",
                    (other, recorded) => panic!("{ctx}: {other:?} vs {recorded:?}"),
                }
            }
        };
        *outcomes.entry(outcome).or_default() += 1;
    }
    let stats_total = server.stats().accepted + client.stats().accepted;
    let accepted: u64 = outcomes
        .iter()
        .filter(|(k, _)| !matches!(**k, "unauthentic" | "wrong direction" | "malformed"))
        .map(|(_, v)| v)
        .sum();
    assert_eq!(stats_total, accepted, "{file}: accepted count");
    outcomes
}

fn check_session(file: &str) -> (Tally, BTreeMap<&'static str, u64>) {
    let index = session_files();
    assert!(
        index.iter().any(|f| f == file),
        "{file} is not in index.json"
    );
    let tally = check_layers(file);
    let outcomes = check_pipeline(file);
    assert!(tally.datagrams > 0, "{file}: no datagrams");
    (tally, outcomes)
}

macro_rules! session_test {
    ($name:ident, $file:literal, |$tally:ident, $outcomes:ident| $extra:block) => {
        #[test]
        fn $name() {
            let ($tally, $outcomes) = check_session($file);
            $extra
        }
    };
}

session_test!(
    session_basic_json,
    "session-basic.json",
    |tally, outcomes| {
        assert_eq!(tally.datagrams, 28);
        assert_eq!(outcomes["pending"], 3, "the 4-fragment state");
        assert_eq!(tally.instructions, 25);
    }
);
session_test!(
    session_client_quit_json,
    "session-client-quit.json",
    |tally, _o| {
        assert_eq!(tally.instructions, 6);
    }
);
session_test!(session_detach_json, "session-detach.json", |tally, _o| {
    assert_eq!(tally.instructions, 27);
});
session_test!(
    session_edge_cases_json,
    "session-edge-cases.json",
    |tally, outcomes| {
        assert_eq!(tally.malformed, 1, "the 3-byte fragment");
        assert_eq!(outcomes["malformed"], 1);
        assert_eq!(outcomes["wrong direction"], 1, "the reflected probe");
        assert_eq!(
            outcomes["complete late"], 1,
            "seq 50 after 101 is used but late"
        );
        assert_eq!(outcomes["wrong version"], 1, "protocol_version 3");
    }
);
session_test!(
    session_fake_client_json,
    "session-fake-client.json",
    |_t, outcomes| {
        assert_eq!(
            outcomes["pending"], 3,
            "the 3-fragment paste and a 2-fragment reply"
        );
    }
);
session_test!(
    session_fake_server_json,
    "session-fake-server.json",
    |tally, _o| {
        assert_eq!(tally.instructions, 8);
    }
);
session_test!(session_ipv6_json, "session-ipv6.json", |_t, outcomes| {
    assert_eq!(outcomes["pending"], 3);
});
session_test!(
    session_network_tmout_json,
    "session-network-tmout.json",
    |tally, _o| {
        assert_eq!(tally.instructions, 8);
    }
);
session_test!(
    session_no_server_json,
    "session-no-server.json",
    |tally, _o| {
        assert_eq!(tally.instructions, 21);
    }
);
session_test!(session_roam_json, "session-roam.json", |tally, _o| {
    assert_eq!(tally.instructions, 26);
});
session_test!(
    session_signal_tmout_json,
    "session-signal-tmout.json",
    |tally, _o| {
        assert_eq!(tally.instructions, 24);
    }
);
session_test!(
    session_sigterm_server_json,
    "session-sigterm-server.json",
    |tally, _o| {
        assert_eq!(tally.instructions, 6);
    }
);
session_test!(
    session_wrong_key_json,
    "session-wrong-key.json",
    |tally, outcomes| {
        assert_eq!(tally.unauthentic, 2);
        assert_eq!(outcomes["unauthentic"], 2);
    }
);

#[test]
fn every_indexed_session_has_a_test() {
    let tested = [
        "session-basic.json",
        "session-client-quit.json",
        "session-detach.json",
        "session-edge-cases.json",
        "session-fake-client.json",
        "session-fake-server.json",
        "session-ipv6.json",
        "session-network-tmout.json",
        "session-no-server.json",
        "session-roam.json",
        "session-signal-tmout.json",
        "session-sigterm-server.json",
        "session-wrong-key.json",
    ];
    let mut indexed = session_files();
    indexed.sort();
    assert_eq!(indexed, tested);
}
