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

/// Deterministic xorshift64 so every run feeds the same corpus.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const CORPUS_BYTES: usize = 1 << 20;
const WORDS: [&str; 12] = [
    "the",
    "quick",
    "brown",
    "fox",
    "jumps",
    "over",
    "lazy",
    "dog",
    "terminal",
    "mosh",
    "state",
    "synchronization",
];

fn plain_ascii() -> Vec<u8> {
    let mut rng = Rng(0x5eed_0001);
    let mut out = Vec::with_capacity(CORPUS_BYTES + 100);
    while out.len() < CORPUS_BYTES {
        let mut line = 0;
        while line < 70 {
            let w = WORDS[rng.below(WORDS.len())];
            out.extend_from_slice(w.as_bytes());
            out.push(b' ');
            line += w.len() + 1;
        }
        out.extend_from_slice(b"\r\n");
    }
    out
}

fn mixed() -> Vec<u8> {
    const UNICODE: [&str; 8] = [
        "日本語",
        "🍕",
        "e\u{301}",
        "ñ",
        "中文字",
        "ü",
        "a\u{308}\u{323}",
        "—",
    ];
    let mut rng = Rng(0x5eed_0002);
    let mut out = Vec::with_capacity(CORPUS_BYTES + 100);
    while out.len() < CORPUS_BYTES {
        match rng.below(10) {
            0 => out.extend_from_slice(format!("\x1b[{}m", 30 + rng.below(8)).as_bytes()),
            1 => out.extend_from_slice(format!("\x1b[38;5;{}m", rng.below(256)).as_bytes()),
            2 => out.extend_from_slice(b"\x1b[0m"),
            3 => out.extend_from_slice(
                format!("\x1b[{};{}H", 1 + rng.below(24), 1 + rng.below(80)).as_bytes(),
            ),
            4 => out.extend_from_slice(UNICODE[rng.below(UNICODE.len())].as_bytes()),
            5 => out.extend_from_slice(b"\r\n"),
            6 => {
                // A long line that wraps.
                for _ in 0..20 {
                    out.extend_from_slice(WORDS[rng.below(WORDS.len())].as_bytes());
                    out.push(b' ');
                }
            }
            7 => out.extend_from_slice(b"\x1b[1;4m"),
            _ => {
                out.extend_from_slice(WORDS[rng.below(WORDS.len())].as_bytes());
                out.push(b' ');
            }
        }
    }
    out
}

fn editor() -> Vec<u8> {
    let mut rng = Rng(0x5eed_0003);
    let mut out = Vec::with_capacity(CORPUS_BYTES + 4096);
    while out.len() < CORPUS_BYTES {
        match rng.below(4) {
            // Full repaint: every row addressed, keyword colouring, status line.
            0 => {
                out.extend_from_slice(b"\x1b[?25l\x1b[H\x1b[2J");
                for row in 1..24 {
                    out.extend_from_slice(
                        format!("\x1b[{row};1H\x1b[33m{row:>4} \x1b[m").as_bytes(),
                    );
                    for _ in 0..8 {
                        if rng.below(4) == 0 {
                            out.extend_from_slice(b"\x1b[1;34m");
                        }
                        out.extend_from_slice(WORDS[rng.below(WORDS.len())].as_bytes());
                        out.extend_from_slice(b"\x1b[m ");
                    }
                    out.extend_from_slice(b"\x1b[K");
                }
                out.extend_from_slice(
                    b"\x1b[24;1H\x1b[7m-- INSERT --  main.rs  42,7  Top\x1b[K\x1b[m",
                );
                out.extend_from_slice(b"\x1b[12;10H\x1b[?25h");
            }
            // Scroll down one line inside a region and draw the new line.
            1 => {
                out.extend_from_slice(b"\x1b[1;23r\x1b[23;1H\n\x1b[r\x1b[23;1H\x1b[33m 100 \x1b[m");
                for _ in 0..8 {
                    out.extend_from_slice(WORDS[rng.below(WORDS.len())].as_bytes());
                    out.push(b' ');
                }
                out.extend_from_slice(b"\x1b[K");
            }
            // Typing in insert mode in the middle of a line.
            2 => {
                let (r, c) = (1 + rng.below(23), 6 + rng.below(60));
                out.extend_from_slice(format!("\x1b[{r};{c}H\x1b[4h").as_bytes());
                for _ in 0..10 {
                    out.push(b'a' + rng.below(26) as u8);
                }
                out.extend_from_slice(b"\x1b[4l\x1b[24;30H42,8\x1b[K");
            }
            // Deleting and inserting lines (dd / O).
            _ => {
                let r = 1 + rng.below(22);
                out.extend_from_slice(
                    format!("\x1b[{r};1H\x1b[M\x1b[{r};1H\x1b[L\x1b[33m  17 \x1b[m").as_bytes(),
                );
                out.extend_from_slice(b"new line of text\x1b[K");
            }
        }
    }
    out
}

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
