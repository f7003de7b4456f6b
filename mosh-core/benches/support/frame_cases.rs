//! The frame generator's benchmark cases: pairs of screens whose diff is measured,
//! built from fixed seeds. Shared by `benches/terminal.rs` (time) and
//! `examples/frame_diff_instructions.rs` (instructions, under callgrind); both
//! also include `terminal_corpora.rs`, whose generator this uses.

#![allow(dead_code)]

use mosh_core::terminal::{Emulator, Framebuffer};

use crate::terminal_corpora::Rng;

/// A dense 80×24 screen: every cell a printable character, colours changing often.
pub fn dense_screen(seed: u64) -> Framebuffer {
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
pub fn diff_cases() -> Vec<(&'static str, Framebuffer, Framebuffer)> {
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
