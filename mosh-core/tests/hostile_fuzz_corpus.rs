//! Replays the harnesses of the fuzz targets for a peer that holds the key
//! (`fuzz/fuzz_targets/{ssp_receiver,host_diff,snapshot}_harness.rs`) on built seeds
//! and on their checked-in corpora in `fuzz/seeds/`, so CI runs the code the fuzzer
//! explores. With `MOSH_FUZZ_WRITE_SEEDS=<dir>` it writes each target's seeds to
//! `<dir>/<target>` to start a `cargo fuzz run`.

mod common;

#[path = "../fuzz/fuzz_targets/host_diff_harness.rs"]
mod host_diff;
#[path = "../fuzz/fuzz_targets/snapshot_harness.rs"]
mod snapshot;
#[path = "../fuzz/fuzz_targets/ssp_receiver_harness.rs"]
mod ssp_receiver;

use std::path::PathBuf;
use std::time::Instant;

use common::fuzz_seeds::replay_corpus;
use mosh_core::crypto::SessionKey;
use mosh_core::protocol::proto::{HostEvent, HostMessage};
use mosh_core::session::{ClientConfig, ClientSession};
use prost::Message;

fn corpus(target: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/seeds")
        .join(target)
}

fn ssp_seeds() -> Vec<(String, Vec<u8>)> {
    let screen = |text: &[u8]| {
        HostMessage::from_events(&[HostEvent::HostBytes(text.to_vec())]).encode_to_vec()
    };
    let mut ordered = Vec::new();
    ordered.extend(ssp_receiver::record(
        [0, 1, 0, 0],
        0,
        &screen(b"$ hello\r\n"),
    ));
    ordered.extend(ssp_receiver::record(
        [1, 2, 1, 1],
        1 << 5,
        &screen(b"world"),
    ));
    ordered.extend(ssp_receiver::record(
        [2, 3, 1, 2],
        16,
        b"\x1b[2J\x1b[Hcleared",
    ));
    let mut hostile = Vec::new();
    hostile.extend(ssp_receiver::record([0, 1, 0, 0], 16, b"x"));
    hostile.extend(ssp_receiver::record([1, 2, 0, 0], 0b0010, &screen(b"max")));
    hostile.extend(ssp_receiver::record([3, 4, 5, 1], 0b1001, &screen(b"far")));
    hostile.extend(ssp_receiver::record([0, 0, 0, 0], 0, b"\xff\xff"));
    vec![("ordered".into(), ordered), ("hostile".into(), hostile)]
}

fn host_diff_seeds() -> Vec<(String, Vec<u8>)> {
    let mut text = Vec::new();
    text.extend(host_diff::record(2, b"hello\r\n\x1b[1;31mred\x1b[m"));
    text.extend(host_diff::record(1, &[19, 4]));
    text.extend(host_diff::record(
        2,
        "日本\u{301}🍕\x1b[?1049h\x1b[2J".as_bytes(),
    ));
    text.extend(host_diff::record(1, &[200, 60]));
    let raw = HostMessage::from_events(&[
        HostEvent::HostBytes(b"a\x1b[5;5Hb".to_vec()),
        HostEvent::EchoAck(7),
    ])
    .encode_to_vec();
    let mut mixed = host_diff::record(0, &raw);
    mixed.extend(host_diff::record(0, b"\x0a\x03\x0a\x01"));
    vec![("text".into(), text), ("mixed".into(), mixed)]
}

fn snapshot_seeds() -> Vec<(String, Vec<u8>)> {
    let mut session = ClientSession::connect(
        ClientConfig {
            server: "127.0.0.1:60001".parse().unwrap(),
            key: SessionKey::from_bytes([3; 16]),
            columns: 80,
            rows: 24,
            sequence: mosh_core::crypto::SequencePlan::FROM_ZERO,
            scrollback_lines: mosh_core::session::scrollback::MAX_SCROLLBACK_LINES,
        },
        Instant::now(),
    );
    session.send_input(b"echo typed but not acknowledged");
    let bytes = session.snapshot(1_790_000_000_000_000).unwrap().to_vec();
    let truncated = bytes[..bytes.len() / 2].to_vec();
    // The body alone, for the harness to wrap in a valid envelope (mode `B`).
    let mut body = b"B".to_vec();
    body.extend_from_slice(&bytes[14..bytes.len() - 4]);
    assert_eq!(
        snapshot::envelope(&body[1..]),
        bytes,
        "the harness's envelope is ours"
    );
    vec![
        ("whole".into(), bytes),
        ("truncated".into(), truncated),
        ("body".into(), body),
    ]
}

/// Writes the seeds to `$MOSH_FUZZ_WRITE_SEEDS/<target>` when that is set, then runs
/// them and the checked-in corpus through the harness.
fn check(target: &str, seeds: Vec<(String, Vec<u8>)>, run: fn(&[u8])) {
    if let Some(dir) = std::env::var_os("MOSH_FUZZ_WRITE_SEEDS") {
        let dir = PathBuf::from(dir).join(target);
        std::fs::create_dir_all(&dir).unwrap();
        for (name, input) in &seeds {
            std::fs::write(dir.join(name), input).unwrap();
        }
    }
    for (_, input) in &seeds {
        run(input);
    }
    replay_corpus(&corpus(target), run);
}

#[test]
fn ssp_receiver_harness_runs_its_seeds_and_corpus() {
    check("ssp_receiver", ssp_seeds(), ssp_receiver::run);
}

#[test]
fn host_diff_harness_runs_its_seeds_and_corpus() {
    check("host_diff", host_diff_seeds(), host_diff::run);
}

#[test]
fn snapshot_harness_runs_its_seeds_and_corpus() {
    check("snapshot", snapshot_seeds(), snapshot::run);
}
