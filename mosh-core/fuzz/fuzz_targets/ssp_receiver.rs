//! cargo-fuzz target: see `ssp_receiver_harness.rs`.
#![no_main]

#[path = "ssp_receiver_harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(data));
