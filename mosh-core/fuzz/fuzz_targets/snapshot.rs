//! cargo-fuzz target: see `snapshot_harness.rs`.
#![no_main]

#[path = "snapshot_harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(data));
