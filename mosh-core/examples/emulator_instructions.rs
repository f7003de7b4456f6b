//! Feeds one of the emulator benchmark's corpora N times, for counting instructions
//! under callgrind, which unlike wall time does not vary with a shared machine's load:
//! `scripts/bench-emulator-instructions.sh` runs it. Usage:
//! `emulator_instructions plain|mixed|editor|unicode N`.

#[path = "../benches/support/terminal_corpora.rs"]
mod terminal_corpora;

use mosh_core::terminal::Emulator;

fn main() {
    let mut args = std::env::args().skip(1);
    let name = args.next().unwrap_or_default();
    let Some((_, corpus)) = terminal_corpora::all()
        .into_iter()
        .find(|(n, _)| *n == name)
    else {
        eprintln!("usage: emulator_instructions plain|mixed|editor|unicode N");
        std::process::exit(2);
    };
    let times: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(1);
    let mut emulator = Emulator::new(80, 24);
    for _ in 0..times {
        emulator.feed(&corpus);
    }
    std::hint::black_box(emulator.framebuffer());
}
