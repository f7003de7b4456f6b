//! Replaying a fuzz target's seeds and checked-in corpus through its harness in CI.

#![allow(dead_code)]

use std::path::Path;

/// Writes `seeds` (name, input) to `$MOSH_FUZZ_WRITE_SEEDS` when it is set, to start a
/// `cargo fuzz run`, then runs each through `run`.
pub fn run_seeds(seeds: &[(String, Vec<u8>)], run: impl Fn(&[u8])) {
    if let Some(dir) = std::env::var_os("MOSH_FUZZ_WRITE_SEEDS") {
        std::fs::create_dir_all(&dir).unwrap();
        for (name, input) in seeds {
            std::fs::write(Path::new(&dir).join(name), input).unwrap();
        }
    }
    for (_, input) in seeds {
        run(input);
    }
}

/// Runs every file of the checked-in corpus `dir` through `run`; an empty or
/// missing corpus fails.
pub fn replay_corpus(dir: &Path, run: impl Fn(&[u8])) {
    let entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    assert!(!entries.is_empty(), "empty corpus at {}", dir.display());
    for path in entries {
        run(&std::fs::read(&path).unwrap());
    }
}
