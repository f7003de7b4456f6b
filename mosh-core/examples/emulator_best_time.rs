//! Best-of-N wall-clock throughput of `Emulator::feed` on the benchmark corpora.
//! On a shared machine the mean moves by tens of percent with other tenants' load;
//! the fastest of many short feeds is the figure least disturbed by it. Usage:
//! `emulator_best_time [N]` (default 300 feeds of each corpus).

#[path = "../benches/support/terminal_corpora.rs"]
mod terminal_corpora;

use std::time::{Duration, Instant};

use mosh_core::terminal::Emulator;

fn main() {
    let feeds: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(300);
    for (name, corpus) in terminal_corpora::all() {
        let mut emulator = Emulator::new(80, 24);
        let mut best = Duration::MAX;
        for _ in 0..feeds {
            let start = Instant::now();
            emulator.feed(&corpus);
            best = best.min(start.elapsed());
        }
        std::hint::black_box(emulator.framebuffer());
        let mib_per_s = corpus.len() as f64 / best.as_secs_f64() / (1024.0 * 1024.0);
        let mb_per_s = corpus.len() as f64 / best.as_secs_f64() / 1e6;
        println!(
            "{name}: best of {feeds} feeds {best:?}: {mib_per_s:.0} MiB/s ({mb_per_s:.0} MB/s)"
        );
    }
}
