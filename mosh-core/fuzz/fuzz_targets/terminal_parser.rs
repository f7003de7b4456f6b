//! cargo-fuzz target: host output → UTF-8 decoder → parser → emulator → frame diff.
#![no_main]

#[path = "terminal_parser_harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(data));
