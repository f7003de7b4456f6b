//! Loading the captured mosh 1.4.0 vectors in `../shared/testvectors/`.
#![allow(dead_code)]

pub mod block_state;
pub mod diff_check;
pub mod drive;
pub mod fuzz_seeds;
pub mod hand_client;
pub mod host_log;
pub mod netsim;
pub mod proxy_thread;
pub mod server_process;
pub mod stock;
pub mod tmux_pane;
pub mod udp_peer;
pub mod xorshift;

use std::path::PathBuf;

use serde_json::Value;

/// The vector directory: `$MOSH_TESTVECTORS`, or `shared/testvectors` beside the
/// repository. A missing directory fails the test: the vectors are the ground truth.
pub fn vectors_dir() -> PathBuf {
    let dir = match std::env::var_os("MOSH_TESTVECTORS") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/testvectors"),
    };
    assert!(
        dir.join("index.json").is_file(),
        "test vectors not found at {} (set MOSH_TESTVECTORS)",
        dir.display()
    );
    dir
}

/// Parses one vector file.
pub fn load(name: &str) -> Value {
    let path = vectors_dir().join(name);
    let text = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Decodes a `*_hex` field.
pub fn hex(value: &Value) -> Vec<u8> {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("not a hex string: {value}"));
    ::hex::decode(text).unwrap_or_else(|e| panic!("bad hex {text}: {e}"))
}

/// Reads an integer field.
pub fn uint(value: &Value) -> u64 {
    value
        .as_u64()
        .unwrap_or_else(|| panic!("not an unsigned integer: {value}"))
}

/// The direction named by a datagram's or vector's `direction` field.
pub fn direction_of(value: &Value) -> mosh_core::crypto::Direction {
    match value.as_str().expect("direction") {
        "to_server" => mosh_core::crypto::Direction::ToServer,
        "to_client" => mosh_core::crypto::Direction::ToClient,
        other => panic!("unknown direction {other}"),
    }
}

/// The port of an `addr:port` or `[v6]:port` string.
pub fn port_of(address: &Value) -> u16 {
    let text = address.as_str().expect("address string");
    text.rsplit(':').next().unwrap().parse().expect("port")
}

/// The names of every session file listed in `index.json`.
pub fn session_files() -> Vec<String> {
    load("index.json")
        .as_array()
        .expect("index is a list")
        .iter()
        .map(|entry| entry["file"].as_str().expect("file name").to_owned())
        .collect()
}
