//! The server's echo ack: which user-stream state has had its effect on screen long
//! enough for the client's predictions to be judged against it (protocol.md §11).

use std::collections::VecDeque;
use std::time::Instant;

use super::constants::ECHO_ACK_DELAY;

/// Tracks applied user-stream states until they are [`ECHO_ACK_DELAY`] old.
#[derive(Debug, Clone, Default)]
pub struct EchoAckTracker {
    /// (state number, when applied), oldest first.
    pending: VecDeque<(u64, Instant)>,
    acked: u64,
}

impl EchoAckTracker {
    /// A tracker at echo ack 0.
    pub fn new() -> Self {
        Self::default()
    }

    /// The server applied user-stream state `state_num` with at least one event.
    pub fn record(&mut self, state_num: u64, now: Instant) {
        self.pending.push_back((state_num, now));
    }

    /// The echo ack at `now`: the largest recorded number whose record is at least
    /// [`ECHO_ACK_DELAY`] old. It never decreases.
    pub fn current(&mut self, now: Instant) -> u64 {
        while let Some(&(num, at)) = self.pending.front() {
            if now.saturating_duration_since(at) < ECHO_ACK_DELAY {
                break;
            }
            self.acked = self.acked.max(num);
            self.pending.pop_front();
        }
        self.acked
    }

    /// When the oldest pending record turns [`ECHO_ACK_DELAY`] old.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.pending.front().map(|&(_, at)| at + ECHO_ACK_DELAY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn acks_after_fifty_ms_and_never_decreases() {
        let t0 = Instant::now();
        let mut tracker = EchoAckTracker::new();
        assert_eq!((tracker.current(t0), tracker.poll_timeout()), (0, None));
        tracker.record(3, t0);
        tracker.record(5, t0 + 20 * MS);
        assert_eq!(tracker.current(t0 + 49 * MS), 0);
        assert_eq!(tracker.poll_timeout(), Some(t0 + 50 * MS));
        assert_eq!(tracker.current(t0 + 50 * MS), 3);
        assert_eq!(tracker.poll_timeout(), Some(t0 + 70 * MS));
        assert_eq!(tracker.current(t0 + 70 * MS), 5);
        tracker.record(4, t0 + 80 * MS);
        assert_eq!(tracker.current(t0 + 200 * MS), 5);
        assert_eq!(tracker.poll_timeout(), None);
    }
}
