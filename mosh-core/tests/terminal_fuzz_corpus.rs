//! Replays the terminal fuzz harness (`fuzz/fuzz_targets/terminal_parser_harness.rs`)
//! on seeds built from the behaviour-case inputs and the program recordings, and on
//! the checked-in corpus in `fuzz/seeds/terminal_parser`, so CI runs the same code
//! the fuzzer explores. With `MOSH_FUZZ_WRITE_SEEDS=<dir>` it also writes the built
//! seeds there, to start a `cargo fuzz run`.

mod common;

#[path = "../fuzz/fuzz_targets/terminal_parser_harness.rs"]
mod harness;

use common::fuzz_seeds::{replay_corpus, run_seeds};

use std::path::PathBuf;

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Wraps host output in the harness's record format for a `w`×`h` screen.
fn seed(w: u8, h: u8, chunks: &[&[u8]]) -> Vec<u8> {
    let mut out = vec![w - 1, h - 1];
    for chunk in chunks {
        for piece in chunk.chunks(255) {
            out.push(piece.len() as u8);
            out.extend_from_slice(piece);
        }
    }
    out
}

fn seeds() -> Vec<(String, Vec<u8>)> {
    let mut seeds = vec![
        (
            "text".into(),
            seed(10, 3, &[b"hi\r\nthere", "日本\u{301}🍕".as_bytes()]),
        ),
        (
            "wrap".into(),
            seed(10, 3, &[b"abcdefghij", b"KLMNO\x07\x1b[4mQ"]),
        ),
        (
            "regions".into(),
            seed(
                8,
                4,
                &[
                    b"A1\r\nB2\r\nC3\r\nD4\x1b[2;3r\x1b[3;1H\n\nX",
                    b"\x1b[2M\x1bM\x1b[?6h*",
                ],
            ),
        ),
        (
            "osc".into(),
            seed(
                10,
                2,
                &[b"\x1b]0;one\x07\x1b]2;tw\no\x1b\\\x1b]1;ic\x18X\x1b]52;c;aGk=\x07"],
            ),
        ),
        (
            "sgr".into(),
            seed(
                10,
                2,
                &[b"\x1b[91mA\x1b[38;5;9mC\x1b[38;2;1;2;3mD\x1b[38:5:1m\x1b[1;;4m"],
            ),
        ),
        ("resize".into(), {
            let mut s = seed(6, 4, &[b"L1\r\nL2\r\nL3\r\nL4"]);
            s.extend_from_slice(&[0, 3, 1]);
            s.extend(seed(1, 1, &[b"abc\xe6\x97\xa5"])[2..].iter());
            s
        }),
        (
            "queries".into(),
            seed(10, 4, &[b"\x1b[5n\x1b[3;5H\x1b[6n\x1b[c\x1b[>c"]),
        ),
    ];
    for name in ["top.typescript", "vim.typescript"] {
        let bytes = std::fs::read(manifest().join("tests/data").join(name)).unwrap();
        seeds.push((name.replace(".typescript", ""), seed(80, 24, &[&bytes])));
    }
    seeds
}

#[test]
fn fuzz_harness_runs_every_seed() {
    run_seeds(&seeds(), harness::run);
}

#[test]
fn fuzz_harness_runs_the_checked_in_corpus() {
    replay_corpus(&manifest().join("fuzz/seeds/terminal_parser"), harness::run);
}
