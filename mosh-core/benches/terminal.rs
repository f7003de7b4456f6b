//! Emulator throughput on three corpora and frame-diff cost for typical changes.
//! Figures go in docs/benchmarks.md.
//!
//! The corpora are generated here from a fixed seed, so every run measures the same
//! bytes: (a) plain ASCII lines, (b) a mixed corpus of colours, cursor motion, long
//! wrapping lines and UTF-8 text with wide and combining characters, (c) a full-screen
//! editor workload (cursor addressing, erase-line, coloured redraws, scroll regions).

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use mosh_core::terminal::{Emulator, Framebuffer, new_frame};

#[path = "support/terminal_corpora.rs"]
mod terminal_corpora;
use terminal_corpora::{Rng, editor, mixed, plain_ascii};

fn emulator_throughput(c: &mut Criterion) {
    let mut group = c.benchmark_group("emulator");
    for (name, corpus) in [
        ("plain_ascii", plain_ascii()),
        ("mixed", mixed()),
        ("editor", editor()),
    ] {
        group.throughput(Throughput::Bytes(corpus.len() as u64));
        group.bench_with_input(BenchmarkId::new("feed", name), &corpus, |b, corpus| {
            let mut emu = Emulator::new(80, 24);
            b.iter(|| emu.feed(corpus));
        });
    }
    group.finish();
}

/// A dense 80×24 screen: every cell a printable character, colours changing often.
fn dense_screen(seed: u64) -> Framebuffer {
    let mut rng = Rng(seed);
    let mut emu = Emulator::new(80, 24);
    let mut bytes = Vec::new();
    for row in 0..24 {
        bytes.extend_from_slice(format!("\x1b[{};1H", row + 1).as_bytes());
        for _ in 0..80 {
            if rng.below(8) == 0 {
                bytes.extend_from_slice(
                    format!("\x1b[{};{}m", 30 + rng.below(8), 40 + rng.below(8)).as_bytes(),
                );
            }
            bytes.push(b'!' + rng.below(94) as u8);
        }
    }
    emu.feed(&bytes);
    emu.framebuffer().clone()
}

/// (name, A, B) pairs whose diff is measured.
fn diff_cases() -> Vec<(&'static str, Framebuffer, Framebuffer)> {
    let mut typed = Emulator::new(80, 24);
    typed.feed(b"user@host:~/src/mosh$ ls\r\nCargo.toml  README.md  src\r\nuser@host:~/src/mosh$ ");
    let before_typing = typed.framebuffer().clone();
    typed.feed(b"g");
    let after_typing = typed.framebuffer().clone();

    let mut scrolled = Emulator::new(80, 24);
    for i in 0..30 {
        scrolled
            .feed(format!("\r\nline {i}: some output of a build log, fairly long text").as_bytes());
    }
    let before_scroll = scrolled.framebuffer().clone();
    scrolled.feed(b"\r\nline 30: the next line arrives");
    let after_scroll = scrolled.framebuffer().clone();

    vec![
        ("one_typed_character", before_typing, after_typing),
        ("one_line_scroll", before_scroll, after_scroll),
        ("full_screen_redraw", dense_screen(7), dense_screen(8)),
    ]
}

fn frame_diff(c: &mut Criterion) {
    let mut group = c.benchmark_group("diff");
    for (name, a, b) in diff_cases() {
        let size = new_frame(true, &a, &b).len();
        println!("diff size {name}: {size} bytes");
        group.bench_function(name, |bench| bench.iter(|| new_frame(true, &a, &b)));
    }
    let dense = dense_screen(9);
    let blank = Framebuffer::new(80, 24);
    println!(
        "diff size initial_full_frame_dense: {} bytes",
        new_frame(false, &blank, &dense).len()
    );
    group.bench_function("initial_full_frame_dense", |bench| {
        bench.iter(|| new_frame(false, &blank, &dense))
    });
    group.bench_function("snapshot_clone_and_compare", |bench| {
        bench.iter(|| {
            let copy = dense.clone();
            copy == dense
        })
    });
    group.finish();
}

criterion_group!(benches, emulator_throughput, frame_diff);
criterion_main!(benches);
