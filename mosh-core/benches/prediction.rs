//! Cost of speculative local echo per keystroke and per paint (`prediction.md`), on
//! an 80×24 shell screen: the work the client adds to every keystroke and frame.

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use mosh_core::frontend::NotificationBar;
use mosh_core::prediction::{PredictionDisplay, PredictionEngine};
use mosh_core::terminal::Emulator;

fn shell_screen() -> Emulator {
    let mut e = Emulator::new(80, 24);
    for i in 0..23 {
        e.feed(format!("\x1b[32mline {i}\x1b[m some output text here\r\n").as_bytes());
    }
    e.feed(b"\x1b[1;34m~/src\x1b[m $ ");
    e
}

fn bench(c: &mut Criterion) {
    let server = shell_screen();
    let frame = server.framebuffer().clone();
    let now = Instant::now();
    let mut group = c.benchmark_group("prediction");
    group.measurement_time(Duration::from_secs(3));

    // A fresh engine with one confirmed epoch, then one keystroke and one paint.
    let mut primed = PredictionEngine::new(PredictionDisplay::Always, false);
    primed.set_frame_sent(10);
    primed.set_server_feedback(10, Duration::from_millis(125));
    primed.cull(&frame, now);
    group.bench_function("keystroke then paint (80x24, 1 outstanding)", |b| {
        b.iter(|| {
            let mut engine = primed.clone();
            engine.new_user_input(b"x", &frame, &frame, now);
            engine.cull(&frame, now);
            let mut shown = frame.clone();
            black_box(engine.apply(&mut shown));
        })
    });

    // Paint cost with a whole typed word outstanding (the slow-link steady state).
    let mut busy = primed.clone();
    busy.new_user_input(b"hello world", &frame, &frame, now);
    group.bench_function("paint with 11 outstanding keystrokes", |b| {
        b.iter(|| {
            let mut engine = busy.clone();
            engine.cull(&frame, now);
            let mut shown = frame.clone();
            black_box(engine.apply(&mut shown));
        })
    });

    let mut bar = NotificationBar::new(Some("Ctrl-^".into()), now);
    let later = now + Duration::from_secs(8);
    group.bench_function("notification bar count-up draw", |b| {
        b.iter(|| {
            let mut shown = frame.clone();
            black_box(bar.apply(&mut shown, later));
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
