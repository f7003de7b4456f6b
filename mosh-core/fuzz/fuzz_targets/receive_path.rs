//! cargo-fuzz target: datagram → open → reassemble → inflate → decode.
#![no_main]

#[path = "receive_path_harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(data));
