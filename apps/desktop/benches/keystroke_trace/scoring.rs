//! Scoring one client's run against the reference: when each keystroke's effect
//! first appears on screen, and which keystrokes had a wrong guess on screen.

use std::time::{Duration, Instant};

use super::reference::Reference;
use super::screen_state::ScreenState;

/// A wrong state must stay on screen this long to count (a frame written in two
/// pieces is not a guess).
const WRONG_STATE_MIN: Duration = Duration::from_millis(2);

/// Follows one run.
pub struct Scorer<'a> {
    reference: &'a Reference,
    sent: Vec<Instant>,
    shown: Vec<Option<Instant>>,
    /// Keystrokes `0..shown_prefix` have their effect shown.
    shown_prefix: usize,
    wrong: Vec<Option<ScreenState>>,
    /// A wrong state seen at this time with this many keys pressed, not yet known
    /// to have stayed on screen for [`WRONG_STATE_MIN`].
    pending_wrong: Option<(Instant, usize, ScreenState)>,
}

impl<'a> Scorer<'a> {
    /// A run of the `keys` keystrokes of `reference`.
    pub fn new(reference: &'a Reference, keys: usize) -> Scorer<'a> {
        Scorer {
            reference,
            sent: Vec::with_capacity(keys),
            shown: vec![None; keys],
            shown_prefix: 0,
            wrong: vec![None; keys],
            pending_wrong: None,
        }
    }

    /// The next keystroke was written to the client at `at`.
    pub fn pressed(&mut self, at: Instant) {
        self.sent.push(at);
    }

    /// The screen showed `state` from `at` on.
    pub fn observe(&mut self, at: Instant, state: &ScreenState) {
        if let Some((since, pressed, wrong)) = self.pending_wrong.take()
            && at.duration_since(since) >= WRONG_STATE_MIN
        {
            self.commit_wrong(pressed, wrong);
        }
        let pressed = self.sent.partition_point(|sent| *sent <= at);
        // The newest keystroke whose settled state this is. Only keystrokes after
        // those already shown qualify, so a state the screen returns to (typing a
        // letter and erasing it) is not credited before the letter was shown.
        let matched = (self.shown_prefix + 1..=pressed)
            .rev()
            .find(|&k| self.reference.settled[k] == *state);
        if let Some(k) = matched {
            for shown in &mut self.shown[self.shown_prefix..k] {
                *shown = Some(at);
            }
            self.shown_prefix = k;
        }
        if !self.reference.is_genuine(state, pressed) {
            self.pending_wrong = Some((at, pressed, state.clone()));
        }
    }

    fn commit_wrong(&mut self, pressed: usize, state: ScreenState) {
        if pressed > 0 {
            self.wrong[pressed - 1].get_or_insert(state);
        }
    }

    /// The results once the run is over.
    pub fn finish(mut self) -> RunResult {
        if let Some((_, pressed, state)) = self.pending_wrong.take() {
            self.commit_wrong(pressed, state);
        }
        let latency = self
            .shown
            .iter()
            .zip(&self.sent)
            .map(|(shown, sent)| shown.map(|at| at.saturating_duration_since(*sent)))
            .collect();
        RunResult {
            latency,
            wrong: self.wrong,
        }
    }
}

/// Per keystroke: its latency to the screen (None: never shown) and whether a wrong
/// guess was on screen while it was the newest key pressed.
pub struct RunResult {
    /// Keystroke → effect on screen.
    pub latency: Vec<Option<Duration>>,
    /// The first wrong state shown while this was the newest keystroke, if any.
    pub wrong: Vec<Option<ScreenState>>,
}

/// Summary figures over a selection of keystrokes.
pub struct Summary {
    /// Number of keystrokes.
    pub keys: usize,
    /// Median latency (None: more than half never shown).
    pub median: Option<Duration>,
    /// 95th percentile.
    pub p95: Option<Duration>,
    /// Share shown within 10 ms.
    pub instant: f64,
    /// Share with a wrong guess on screen.
    pub wrong: f64,
    /// Keystrokes whose effect never appeared.
    pub never_shown: usize,
}

impl RunResult {
    /// Figures over the keystrokes `selected` picks.
    pub fn summary(&self, selected: impl Fn(usize) -> bool) -> Summary {
        let indices: Vec<usize> = (0..self.latency.len()).filter(|&i| selected(i)).collect();
        // Never shown sorts last, as an infinite latency.
        let mut sorted: Vec<Duration> = indices
            .iter()
            .map(|&i| self.latency[i].unwrap_or(Duration::MAX))
            .collect();
        sorted.sort();
        let keys = indices.len();
        let quantile = |q: f64| {
            let at = ((keys as f64 * q).ceil() as usize).clamp(1, keys.max(1)) - 1;
            sorted.get(at).copied().filter(|d| *d != Duration::MAX)
        };
        let share = |count: usize| count as f64 / keys.max(1) as f64;
        Summary {
            keys,
            median: quantile(0.5),
            p95: quantile(0.95),
            instant: share(
                sorted
                    .iter()
                    .filter(|d| **d <= Duration::from_millis(10))
                    .count(),
            ),
            wrong: share(indices.iter().filter(|&&i| self.wrong[i].is_some()).count()),
            never_shown: sorted.iter().filter(|d| **d == Duration::MAX).count(),
        }
    }
}
