//! Typed bytes the server's screen may not show yet, kept so that predictions can be
//! rebuilt on the real screen after a wrong guess (an addition to `prediction.md`).
//!
//! The spec, after a wrong guess, predicts the next keystrokes from where the host's
//! cursor is now. While the user types faster than the round trip, that cursor lags
//! the keystrokes already on their way, so the next guesses land in the wrong place,
//! turn out wrong in turn, and typing stops showing at once until the user pauses for
//! a round trip. Replaying the keystrokes still on their way on top of the real
//! screen puts the guesses where the host will put the characters.

use std::collections::VecDeque;

/// At most this many bytes are kept; beyond it (the link is down and the user keeps
/// typing) the oldest are dropped and no replay happens until the server has had
/// everything kept.
const MAX_BYTES: usize = 1024;

/// The bytes typed after the newest state the server acknowledged.
#[derive(Debug, Clone, Default)]
pub(crate) struct InFlightInput {
    /// Each byte with the client state that carries it (its expiration frame).
    bytes: VecDeque<(u64, u8)>,
    /// Replay is impossible until the server has acknowledged this state: input was
    /// dropped from the log there (a paste, or the log overflowed).
    gap_until: Option<u64>,
}

impl InFlightInput {
    /// `byte` was typed and travels in client state `frame`.
    pub(crate) fn record(&mut self, frame: u64, byte: u8) {
        if self.bytes.len() == MAX_BYTES
            && let Some((dropped, _)) = self.bytes.pop_front()
        {
            self.mark_gap(dropped);
        }
        self.bytes.push_back((frame, byte));
    }

    /// Input travelling in `frame` is not kept (a paste).
    pub(crate) fn mark_gap(&mut self, frame: u64) {
        self.gap_until = Some(self.gap_until.map_or(frame, |until| until.max(frame)));
    }

    /// Forgets the bytes of states before `frame`: the screen shows the host had
    /// them all.
    pub(crate) fn forget_before(&mut self, frame: u64) {
        while self.bytes.front().is_some_and(|&(f, _)| f < frame) {
            self.bytes.pop_front();
        }
    }

    /// The bytes the server has not acknowledged as of `late_ack`, oldest first, or
    /// `None` when some of them were not kept. Forgets the acknowledged ones.
    pub(crate) fn unacknowledged(&mut self, late_ack: u64) -> Option<Vec<(u64, u8)>> {
        while self
            .bytes
            .front()
            .is_some_and(|&(frame, _)| frame <= late_ack)
        {
            self.bytes.pop_front();
        }
        if self.gap_until.is_some_and(|until| until <= late_ack) {
            self.gap_until = None;
        }
        self.gap_until
            .is_none()
            .then(|| self.bytes.iter().copied().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_what_the_server_has_not_acknowledged() {
        let mut log = InFlightInput::default();
        log.record(1, b'a');
        log.record(2, b'b');
        log.record(2, b'c');
        assert_eq!(log.unacknowledged(1), Some(vec![(2, b'b'), (2, b'c')]));
        assert_eq!(log.unacknowledged(2), Some(vec![]));
    }

    #[test]
    fn a_gap_prevents_replay_until_acknowledged() {
        let mut log = InFlightInput::default();
        log.mark_gap(3);
        log.record(4, b'x');
        assert_eq!(log.unacknowledged(2), None);
        assert_eq!(log.unacknowledged(3), Some(vec![(4, b'x')]));
    }

    #[test]
    fn overflow_is_a_gap_and_memory_stays_bounded() {
        let mut log = InFlightInput::default();
        for i in 0..(MAX_BYTES as u64 + 10) {
            log.record(i + 1, b'k');
        }
        assert_eq!(log.bytes.len(), MAX_BYTES);
        assert_eq!(log.unacknowledged(0), None);
        assert_eq!(log.unacknowledged(10).map(|b| b.len()), Some(MAX_BYTES));
    }
}
