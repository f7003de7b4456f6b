//! Snapshot decoding: arbitrary bytes (and damaged real snapshots, from the seeds)
//! restored as a client session. Shared by the cargo-fuzz target
//! (`fuzz_targets/snapshot.rs`) and the corpus replay test CI runs.

use std::time::Instant;

use mosh_core::session::ClientSession;
use mosh_core::ssp::Endpoint;

/// Runs one fuzz input; must never panic, hang or allocate without bound.
pub fn run(data: &[u8]) {
    let now = Instant::now();
    if let Ok(mut session) = ClientSession::restore(data, 1_790_000_000_000_000, now) {
        // A restored session must also run: send, and snapshot again.
        while let Ok(Some(_)) = session.poll_transmit(now) {}
        let _ = session.snapshot(1_790_000_000_000_001);
    }
}
