//! The reference run: the trace typed straight into bash on a pty, one key at a time,
//! each time waiting until the output is quiet. It gives, for every number of keys
//! pressed, the state the screen settles in and every state the program passed
//! through on the way; a client showing anything else is showing a wrong guess.

use std::collections::HashSet;
use std::sync::mpsc::RecvTimeoutError;
use std::time::Duration;

use super::program_on_pty::ProgramOnPty;
use super::screen_state::{Screen, ScreenState};
use super::trace::{Key, Keystroke};

/// Screen states of the reference run.
pub struct Reference {
    /// `settled[j]`: where the screen settles once the first `j` keys are pressed.
    pub settled: Vec<ScreenState>,
    /// `seen[j]`: every state shown while exactly `j` keys were pressed.
    pub seen: Vec<HashSet<ScreenState>>,
}

impl Reference {
    /// Whether `state` is one the program itself shows with at most `pressed` keys
    /// pressed, i.e. not a guess that is wrong.
    pub fn is_genuine(&self, state: &ScreenState, pressed: usize) -> bool {
        self.seen[..=pressed.min(self.seen.len() - 1)]
            .iter()
            .any(|states| states.contains(state))
    }
}

/// How long the output must stay quiet for the screen to count as settled.
fn quiet_after(key: Key) -> Duration {
    match key {
        // A command runs, or the editor starts or leaves a mode.
        Key::Enter | Key::Escape => Duration::from_millis(400),
        _ => Duration::from_millis(80),
    }
}

/// Types `trace` into `program` and records the states.
pub fn record(program: &mut ProgramOnPty, screen: &mut Screen, trace: &[Keystroke]) -> Reference {
    let mut seen = vec![HashSet::new()];
    let mut settled = Vec::with_capacity(trace.len() + 1);
    settle(program, screen, Duration::from_millis(1_000), &mut seen[0]);
    settled.push(screen.state());
    for keystroke in trace {
        let bytes = keystroke.key.bytes(screen.application_cursor_keys());
        program.write(&bytes);
        let mut states = HashSet::new();
        settle(program, screen, quiet_after(keystroke.key), &mut states);
        settled.push(screen.state());
        states.insert(screen.state());
        seen.push(states);
    }
    Reference { settled, seen }
}

/// Reads output until none arrives for `quiet`, answering the program's terminal
/// queries as a terminal (and the mosh server) would, and collecting every state.
fn settle(
    program: &mut ProgramOnPty,
    screen: &mut Screen,
    quiet: Duration,
    states: &mut HashSet<ScreenState>,
) {
    loop {
        match program.output.recv_timeout(quiet) {
            Ok(chunk) => {
                let replies = screen.feed(&chunk.bytes);
                if !replies.is_empty() {
                    program.write(&replies);
                }
                states.insert(screen.state());
            }
            Err(RecvTimeoutError::Timeout) => return,
            Err(RecvTimeoutError::Disconnected) => panic!("the reference program exited"),
        }
    }
}
