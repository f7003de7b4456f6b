//! Feeds one of the emulator benchmark's corpora N times, for counting instructions
//! under callgrind, which unlike wall time does not vary with a shared machine's load:
//! `scripts/bench-emulator-instructions.sh` runs it. Usage:
//! `emulator_instructions plain|mixed|editor N`.

#[path = "../benches/support/terminal_corpora.rs"]
mod terminal_corpora;

use mosh_core::terminal::Emulator;

fn main() {
    let mut args = std::env::args().skip(1);
    let corpus = match args.next().as_deref() {
        Some("plain") => terminal_corpora::plain_ascii(),
        Some("mixed") => terminal_corpora::mixed(),
        Some("editor") => terminal_corpora::editor(),
        _ => {
            eprintln!("usage: emulator_instructions plain|mixed|editor N");
            std::process::exit(2);
        }
    };
    let times: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(1);
    let mut emulator = Emulator::new(80, 24);
    for _ in 0..times {
        emulator.feed(&corpus);
    }
    std::hint::black_box(emulator.framebuffer());
}
