//! Keystroke-to-screen latency of local echo through the impairment proxy at 250 ms
//! each way, our mosh-client against Debian's stock one (both in adaptive mode,
//! against our mosh-server running bash, shown by tmux). Without prediction a
//! keystroke would take the 500 ms round trip; the figure is what the user waits.

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

#[path = "../tests/prediction_support/mod.rs"]
mod prediction_support;

use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use prediction_support::{Pane, ROUND_TRIP, session};

/// Types `x` and waits until the prompt line shows one more of them.
fn one_keystroke(pane: &Pane, typed: &mut usize) -> Duration {
    *typed += 1;
    let expected = format!("$ e{}", "x".repeat(*typed));
    let start = Instant::now();
    pane.type_text("x");
    let (_, _) = pane.wait_timed("the expected screen", ROUND_TRIP * 4, |s| {
        s.lines().any(|l| l == expected)
    });
    start.elapsed()
}

fn latency(c: &mut Criterion, name: &str, client: &Path) {
    let (_server, _proxy, pane) = session(name, client);
    // Confirm the first epoch so later keystrokes are shown at once.
    pane.type_text("e");
    pane.wait_timed("the expected screen", Duration::from_secs(5), |s| {
        s.lines().any(|l| l == "$ e")
    });
    std::thread::sleep(ROUND_TRIP);
    let mut group = c.benchmark_group("local echo at 250 ms each way");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    group.bench_function(name, |b| {
        b.iter_custom(|iters| {
            let mut typed = 0;
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                total += one_keystroke(&pane, &mut typed);
            }
            // Erase what was typed (Backspace stays in the confirmed epoch) and let
            // the server catch up before the next sample.
            pane.type_text(&"\x7f".repeat(typed));
            pane.wait_timed("the expected screen", Duration::from_secs(5), |s| {
                s.lines().any(|l| l == "$ e")
            });
            std::thread::sleep(ROUND_TRIP * 2);
            total
        })
    });
    group.finish();
}

fn bench(c: &mut Criterion) {
    latency(
        c,
        "mosh-rs client",
        Path::new(env!("CARGO_BIN_EXE_mosh-client")),
    );
    latency(
        c,
        "stock mosh-client 1.4.0",
        Path::new("/usr/bin/mosh-client"),
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
