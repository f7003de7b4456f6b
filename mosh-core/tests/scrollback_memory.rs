//! Memory the scrollback takes per 10,000 lines, measured as the growth of this
//! process's resident set while 100,000 lines are captured from real frames (ten
//! times the default, so allocator slack averages out), for short lines (`seq`) and
//! `ls -l --color` lines. Prints `RESULT` lines for `docs/benchmarks.md` and fails
//! if a typical line costs more than the documented bound.
//!
//! `cargo test --release -p mosh-core --test scrollback_memory -- --nocapture`

use mosh_core::session::Scrollback;
use mosh_core::terminal::{Emulator, Framebuffer};

/// VmRSS of this process in KiB.
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Bytes per line for `lines` lines made by `line(i)`, captured from 80×24 frames.
fn bytes_per_line(lines: usize, line: impl Fn(usize) -> String) -> (f64, Scrollback) {
    let mut server = Emulator::new(80, 24);
    let mut last: Framebuffer = server.framebuffer().clone();
    let mut capture = Scrollback::new(lines);
    let before = rss_kib();
    for i in 0..lines + 24 {
        server.feed(line(i).as_bytes());
        server.feed(b"\r\n");
        if i % 5 == 0 {
            let new = server.framebuffer().clone();
            capture.observe(&last, &new);
            last = new;
        }
    }
    let after = rss_kib();
    assert!(
        capture.ring().len() >= lines - 30,
        "{}",
        capture.ring().len()
    );
    let per_line = (after.saturating_sub(before) * 1024) as f64 / capture.ring().len() as f64;
    // Kept alive by the caller, so the next measurement does not reuse its memory.
    (per_line, capture)
}

#[test]
fn memory_per_ten_thousand_lines() {
    let (seq, _kept) = bytes_per_line(100_000, |i| i.to_string());
    let (ls, _kept_too) = bytes_per_line(100_000, |i| {
        format!(
            "-rw-r--r-- 1 user user {:>8} Nov 29 19:{:02} \x1b[01;32mfile-{i}.txt\x1b[0m",
            i * 37 % 100_000,
            i % 60
        )
    });
    for (name, per_line) in [("seq", seq), ("ls -l --color", ls)] {
        println!(
            "RESULT scrollback {name}: {per_line:.0} bytes per line, {:.2} MiB per 10,000 lines",
            per_line * 10_000.0 / (1024.0 * 1024.0)
        );
    }
    assert!(ls < 400.0 && seq < 250.0, "{seq}, {ls} bytes per line");
}
