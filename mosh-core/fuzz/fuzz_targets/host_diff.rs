//! cargo-fuzz target: see `host_diff_harness.rs`.
#![no_main]

#[path = "host_diff_harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(data));
