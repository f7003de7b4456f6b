//! Generates one of the frame generator's benchmark diffs N times, for counting
//! instructions under callgrind (deterministic, unlike wall time on a shared
//! machine): `scripts/bench-emulator-instructions.sh` runs it. Usage:
//! `frame_diff_instructions CASE N`, CASE one of `one_typed_character`,
//! `one_line_scroll`, `full_screen_redraw`, `initial_full_frame_dense`.

#[path = "../benches/support/frame_cases.rs"]
mod frame_cases;
#[path = "../benches/support/terminal_corpora.rs"]
mod terminal_corpora;

use mosh_core::terminal::{Framebuffer, new_frame};

fn main() {
    let mut args = std::env::args().skip(1);
    let case = args.next().unwrap_or_default();
    let times: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(1);
    let (initialized, from, to) = if case == "initial_full_frame_dense" {
        (
            false,
            Framebuffer::new(80, 24),
            frame_cases::dense_screen(9),
        )
    } else {
        let Some((_, from, to)) = frame_cases::diff_cases()
            .into_iter()
            .find(|(name, _, _)| *name == case)
        else {
            eprintln!("usage: frame_diff_instructions CASE N (see the source for the cases)");
            std::process::exit(2);
        };
        (true, from, to)
    };
    for _ in 0..times {
        std::hint::black_box(new_frame(initialized, &from, &to));
    }
}
