//! Every command the documentation gives, checked against the tree as a fresh clone
//! has it (issue 33): `extract` finds the commands (shell blocks and inline code that
//! starts like a command), `check` judges each one by the rules in `rules.rs`, and a
//! command no rule can judge must be in `allowed.txt` with the reason.
//!
//! Run by `tests/doc_commands.rs` in the test command; nothing expensive runs (a few
//! `cargo … --help` for flag names, `cargo metadata`, `cargo fmt --check`).

mod extract;
mod repo;
mod rules;
mod words;

pub use extract::{DocCommand, extract};
pub use repo::Repo;
pub use rules::{Allowed, check};
