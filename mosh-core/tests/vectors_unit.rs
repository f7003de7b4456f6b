//! `shared/testvectors/unit-vectors.json`: key parsing, AEAD tuples, representative
//! instructions, the 4-fragment split and the RTT formulas.

mod common;

use common::diff_check::check_diff;
use common::{direction_of, hex, load, uint};
use mosh_core::crypto::{KeyError, Nonce, SessionCipher, SessionKey};
use mosh_core::protocol::proto::Instruction;
use mosh_core::protocol::wire::fragmenter::chunk_len_for_mtu;
use mosh_core::protocol::wire::{
    Fragmenter, MAX_INSTRUCTION_LEN, RttEstimator, compress, decompress,
};
use prost::Message;
use serde_json::Value;

fn unit() -> Value {
    load("unit-vectors.json")
}

#[test]
fn unit_vectors_json_keys() {
    let vectors = unit();
    let keys = vectors["keys"].as_array().unwrap();
    assert!(!keys.is_empty());
    for case in keys {
        let printable = case["printable"].as_str().unwrap();
        let parsed = SessionKey::parse(printable);
        if case["valid"] == Value::Bool(true) {
            let key = parsed.unwrap_or_else(|e| panic!("{printable}: {e}"));
            assert_eq!(key.as_bytes().as_slice(), hex(&case["hex"]), "{printable}");
            assert_eq!(key.to_printable().as_str(), printable);
        } else {
            let stock = case["stock_error"].as_str().unwrap();
            let err = parsed.expect_err(printable);
            let same_reason = match err {
                KeyError::WrongLength(_) => stock.contains("22 letters"),
                KeyError::NotBase64(_) => stock.contains("well-formed base64"),
                KeyError::NotCanonical => stock.contains("not encoded 128-bit key"),
            };
            assert!(
                same_reason,
                "{printable}: we said {err:?}, stock said {stock}"
            );
        }
    }
}

#[test]
fn unit_vectors_json_aead() {
    let vectors = unit();
    let cases = vectors["aead"].as_array().unwrap();
    assert!(!cases.is_empty());
    for case in cases {
        let source = case["source"].as_str().unwrap();
        let key = SessionKey::from_bytes(hex(&case["key_hex"]).try_into().unwrap());
        let cipher = SessionCipher::new(&key);
        let direction = direction_of(&case["direction"]);
        let nonce = Nonce::new(direction, uint(&case["seq"])).unwrap();
        assert_eq!(
            nonce.to_ocb().as_slice(),
            hex(&case["nonce_hex"]),
            "{source}"
        );
        let plaintext = hex(&case["plaintext_hex"]);
        let udp = hex(&case["udp_payload_hex"]);
        let sealed = cipher.seal(nonce, &plaintext).unwrap();
        assert_eq!(sealed, udp, "{source}: seal");
        assert_eq!(
            sealed[8..],
            hex(&case["ciphertext_and_tag_hex"]),
            "{source}"
        );
        assert_eq!(
            cipher.open(&udp).unwrap(),
            (nonce, plaintext),
            "{source}: open"
        );
    }
}

#[test]
fn unit_vectors_json_instructions() {
    let vectors = unit();
    let cases = vectors["instructions"].as_array().unwrap();
    assert!(!cases.is_empty());
    for case in cases {
        let source = case["source"].as_str().unwrap();
        let zlib = hex(&case["zlib_hex"]);
        let protobuf = hex(&case["protobuf_hex"]);
        assert_eq!(
            decompress(&zlib, MAX_INSTRUCTION_LEN).unwrap(),
            protobuf,
            "{source}"
        );
        // zlib-rs may pick other valid bytes than stock's C zlib; ours must inflate to
        // the captured instruction.
        assert_eq!(
            decompress(&compress(&protobuf), MAX_INSTRUCTION_LEN).unwrap(),
            protobuf,
            "{source}"
        );
        let instruction = Instruction::decode_checked(&protobuf).unwrap();
        let fields = &case["fields"];
        assert_eq!(instruction.old_num, uint(&fields["old_num"]), "{source}");
        assert_eq!(instruction.new_num, uint(&fields["new_num"]), "{source}");
        assert_eq!(instruction.ack_num, uint(&fields["ack_num"]), "{source}");
        assert_eq!(
            instruction.throwaway_num,
            uint(&fields["throwaway_num"]),
            "{source}"
        );
        assert_eq!(instruction.chaff, hex(&fields["chaff_hex"]), "{source}");
        assert_eq!(instruction.encode_to_vec(), protobuf, "{source}");
        let diff_type = match case["direction"].as_str().unwrap() {
            "to_server" => "ClientBuffers.UserMessage",
            _ => "HostBuffers.HostMessage",
        };
        check_diff(source, &instruction.diff, diff_type, &case["diff_decoded"]);
    }
}

#[test]
fn unit_vectors_json_fragmentation() {
    let vectors = unit();
    let case = &vectors["fragmentation"];
    let zlib = hex(&case["assembled_zlib_hex"]);
    assert_eq!(zlib.len() as u64, uint(&case["assembled_zlib_len"]));
    let mtu = uint(&case["mtu"]) as usize;
    assert_eq!(
        chunk_len_for_mtu(mtu).unwrap() as u64,
        uint(&case["chunk_max"])
    );
    let recorded = case["fragments"].as_array().unwrap();
    let first_id = u64::from_str_radix(&recorded[0]["header_hex"].as_str().unwrap()[..16], 16);
    let fragments = Fragmenter::starting_at(first_id.unwrap())
        .fragment(&zlib, mtu)
        .unwrap();
    assert_eq!(fragments.len(), recorded.len());
    for (ours, theirs) in fragments.iter().zip(recorded) {
        let mut header = Vec::new();
        let header_only = mosh_core::protocol::wire::Fragment {
            chunk: Vec::new(),
            ..ours.clone()
        };
        header_only.encode_into(&mut header).unwrap();
        assert_eq!(header, hex(&theirs["header_hex"]));
        assert_eq!(ours.chunk.len() as u64, uint(&theirs["chunk_len"]));
        assert_eq!(u64::from(ours.number), uint(&theirs["fragment_num"]));
        assert_eq!(Value::Bool(ours.is_final), theirs["final"]);
        assert_eq!(ours.encoded_len() + 28, uint(&theirs["udp_len"]) as usize);
    }
    let protobuf = decompress(&zlib, MAX_INSTRUCTION_LEN).unwrap();
    assert_eq!(protobuf.len() as u64, uint(&case["protobuf_len"]));
}

#[test]
fn unit_vectors_json_rtt_examples_derived() {
    let vectors = unit();
    let case = &vectors["rtt_examples_derived"];
    let mut rtt = RttEstimator::new();
    let check = |rtt: &RttEstimator, expected: &Value| {
        assert_eq!(rtt.srtt(), expected["srtt"].as_f64().unwrap());
        assert_eq!(rtt.rttvar(), expected["rttvar"].as_f64().unwrap());
        assert_eq!(rtt.rto_ms(), uint(&expected["rto"]));
        assert_eq!(rtt.send_interval_ms(), uint(&expected["send_interval"]));
    };
    check(&rtt, &case["initial"]);
    for step in case["sequence"].as_array().unwrap() {
        let sample = uint(&step["sample"]);
        let used = rtt.add_sample(u16::try_from(sample).unwrap());
        assert_eq!(used, sample < 5000, "sample {sample}");
        check(&rtt, step);
    }
}

#[test]
fn unit_vectors_json_fragmentation_client_to_server() {
    let vectors = unit();
    let case = &vectors["fragmentation_client_to_server"];
    let session = load("session-fake-client.json");
    let datagrams = session["datagrams"].as_array().unwrap();
    let lens: Vec<u64> = [10, 11, 12]
        .iter()
        .map(|&i| uint(&datagrams[i]["udp_payload_len"]))
        .collect();
    let recorded: Vec<u64> = case["udp_lens"]
        .as_array()
        .unwrap()
        .iter()
        .map(uint)
        .collect();
    assert_eq!(lens, recorded);
    // Our fragmenter cuts the same assembled stream into the same datagram sizes.
    let zlib = hex(&datagrams[12]["instruction"]["zlib_hex"]);
    let ours: Vec<u64> = Fragmenter::new()
        .fragment(&zlib, 1252)
        .unwrap()
        .iter()
        .map(|f| (f.encoded_len() + 28) as u64)
        .collect();
    assert_eq!(ours, recorded);
}
