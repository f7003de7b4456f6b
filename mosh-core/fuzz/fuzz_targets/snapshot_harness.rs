//! Snapshot decoding: arbitrary bytes (and damaged real snapshots, from the seeds)
//! restored as a client session. Shared by the cargo-fuzz target
//! (`fuzz_targets/snapshot.rs`) and the corpus replay test CI runs.
//!
//! An input starting with `B` is a snapshot *body*: the harness wraps it in a valid
//! envelope (magic, version, length, CRC-32), so the fuzzer reaches the body's decoding
//! and checks instead of stopping at the checksum.

use std::time::Instant;

use mosh_core::protocol::ssp::Endpoint;
use mosh_core::session::ClientSession;

/// Runs one fuzz input; must never panic, hang or allocate without bound.
pub fn run(data: &[u8]) {
    let wrapped;
    let data = match data.split_first() {
        Some((b'B', body)) => {
            wrapped = envelope(body);
            &wrapped[..]
        }
        _ => data,
    };
    let now = Instant::now();
    if let Ok(mut session) = ClientSession::restore(data, 1_790_000_000_000_000, now) {
        // A restored session must also run: send, and snapshot again.
        while let Ok(Some(_)) = session.poll_transmit(now) {}
        let _ = session.snapshot(1_790_000_000_000_001);
    }
}

/// A snapshot envelope of the version this library writes around `body` (bodies of
/// version 1 decode under it too: version 2 only added fields).
pub fn envelope(body: &[u8]) -> Vec<u8> {
    let mut out = b"MOSHSNAP".to_vec();
    out.extend_from_slice(&mosh_core::session::snapshot::SNAPSHOT_VERSION.to_be_bytes());
    out.extend_from_slice(&u32::try_from(body.len()).unwrap_or(u32::MAX).to_be_bytes());
    out.extend_from_slice(body);
    let mut crc = flate2::Crc::new();
    crc.update(&out);
    out.extend_from_slice(&crc.sum().to_be_bytes());
    out
}
