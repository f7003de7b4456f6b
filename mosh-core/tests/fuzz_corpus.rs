//! Replays the fuzz harness (`fuzz/fuzz_targets/receive_path_harness.rs`) on seeds
//! built from every captured vector and on the checked-in fuzz corpus, so CI runs
//! the same code the fuzzer explores. With `MOSH_FUZZ_WRITE_SEEDS=<dir>` it also
//! writes the seeds there, to start a `cargo fuzz run`.

mod common;

#[path = "../fuzz/fuzz_targets/receive_path_harness.rs"]
mod harness;

use common::fuzz_seeds::{replay_corpus, run_seeds};
use common::{hex, load, session_files};

/// One seed per session file: its datagrams as the harness sees them. The fixed-key
/// session goes in raw (it authenticates under the harness key); the others go in as
/// plaintexts for the harness to seal, preserving fragments and reassembly.
fn seeds() -> Vec<(String, Vec<u8>)> {
    let mut seeds = Vec::new();
    for file in session_files() {
        let session = load(&file);
        let fixed_key = session["key_hex"] == ::hex::encode(harness::HARNESS_KEY);
        let mut input = Vec::new();
        for datagram in session["datagrams"].as_array().unwrap() {
            if fixed_key {
                input.extend(harness::record(0, &hex(&datagram["udp_payload_hex"])));
            } else if let Some(plaintext) = datagram.get("plaintext_hex") {
                let to_client = datagram["direction"] == "to_client";
                let mode = 1 | (u8::from(to_client) << 1) | (1 << 2);
                input.extend(harness::record(mode, &hex(plaintext)));
            }
        }
        seeds.push((file.replace(".json", ""), input));
    }
    seeds
}

#[test]
fn fuzz_harness_runs_every_vector_seed() {
    let seeds = seeds();
    assert_eq!(seeds.len(), session_files().len());
    run_seeds(&seeds, harness::run);
}

#[test]
fn fuzz_harness_replays_the_checked_in_corpus() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/receive_path");
    replay_corpus(&dir, harness::run);
}
