//! Emulator throughput on four corpora and frame-diff cost for typical changes.
//! Figures go in docs/benchmarks.md.
//!
//! The corpora are generated here from a fixed seed, so every run measures the same
//! bytes: (a) plain ASCII lines, (b) a mixed corpus of colours, cursor motion, long
//! wrapping lines and UTF-8 text with wide and combining characters, (c) a full-screen
//! editor workload (cursor addressing, erase-line, coloured redraws, scroll regions),
//! (d) text in other scripts (wide and non-ASCII characters, a word in colour now and
//! then).

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use mosh_core::terminal::{Emulator, Framebuffer, new_frame};

#[path = "support/terminal_corpora.rs"]
mod terminal_corpora;

#[path = "support/frame_cases.rs"]
mod frame_cases;
use frame_cases::{dense_screen, diff_cases};

fn emulator_throughput(c: &mut Criterion) {
    let mut group = c.benchmark_group("emulator");
    for (name, corpus) in terminal_corpora::all() {
        group.throughput(Throughput::Bytes(corpus.len() as u64));
        group.bench_with_input(BenchmarkId::new("feed", name), &corpus, |b, corpus| {
            let mut emu = Emulator::new(80, 24);
            b.iter(|| emu.feed(corpus));
        });
    }
    group.finish();
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
