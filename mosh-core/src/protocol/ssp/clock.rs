//! The 16-bit timestamps every datagram carries, their echo, and the RTT estimate
//! taken from echoes (protocol.md §6.1–§6.3).

use std::time::{Duration, Instant};

use super::constants::TIMESTAMP_ECHO_HOLD_LIMIT;
use crate::protocol::wire::rtt::RttEstimator;
use crate::protocol::wire::timestamp::timestamp16;

/// Our 16-bit clock, the peer's timestamp waiting to be echoed, and the RTT.
#[derive(Debug, Clone)]
pub struct PeerClock {
    /// The arbitrary base of our 16-bit clock.
    epoch: Instant,
    /// The peer's last timestamp and when it arrived.
    saved: Option<(u16, Instant)>,
    rtt: RttEstimator,
}

impl PeerClock {
    /// A clock counting from `epoch`.
    pub fn new(epoch: Instant) -> Self {
        Self {
            epoch,
            saved: None,
            rtt: RttEstimator::new(),
        }
    }

    /// Our timestamp at `now`.
    pub fn now16(&self, now: Instant) -> u16 {
        let millis = now.saturating_duration_since(self.epoch).as_millis();
        timestamp16(millis as u64)
    }

    /// Records the timestamps of an in-order datagram: the peer's clock to echo, and
    /// an RTT sample from its echo of ours.
    pub fn on_in_order(&mut self, now: Instant, timestamp: Option<u16>, reply: Option<u16>) {
        if let Some(timestamp) = timestamp {
            self.saved = Some((timestamp, now));
        }
        if let Some(reply) = reply {
            let sample = RttEstimator::sample_from_echo(self.now16(now), reply);
            self.rtt.add_sample(sample);
        }
    }

    /// The echo for a datagram sent at `now`: the saved peer timestamp advanced by
    /// how long we held it, at most once, and only if held under a second.
    pub fn take_echo(&mut self, now: Instant) -> Option<u16> {
        let (timestamp, at) = self.saved.take()?;
        let held = now.saturating_duration_since(at);
        (held < TIMESTAMP_ECHO_HOLD_LIMIT).then(|| timestamp.wrapping_add(held.as_millis() as u16))
    }

    /// The RTT estimator.
    pub fn rtt(&self) -> &RttEstimator {
        &self.rtt
    }

    /// Smoothed RTT.
    pub fn srtt(&self) -> Duration {
        Duration::from_secs_f64(self.rtt.srtt() / 1000.0)
    }

    /// Retransmission timeout.
    pub fn rto(&self) -> Duration {
        Duration::from_millis(self.rtt.rto_ms())
    }

    /// Interval between frames.
    pub fn send_interval(&self) -> Duration {
        Duration::from_millis(self.rtt.send_interval_ms())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn echo_is_advanced_by_the_hold_time_and_given_once() {
        let t0 = Instant::now();
        let mut clock = PeerClock::new(t0);
        clock.on_in_order(t0, Some(65530), None);
        assert_eq!(clock.take_echo(t0 + 10 * MS), Some(4));
        assert_eq!(clock.take_echo(t0 + 10 * MS), None);
        clock.on_in_order(t0, Some(7), None);
        assert_eq!(clock.take_echo(t0 + 1000 * MS), None);
    }

    #[test]
    fn rtt_sample_comes_from_the_echo_of_our_clock() {
        let t0 = Instant::now();
        let mut clock = PeerClock::new(t0);
        assert_eq!((clock.rto(), clock.send_interval()), (1000 * MS, 250 * MS));
        let sent = clock.now16(t0 + 100 * MS);
        clock.on_in_order(t0 + 140 * MS, None, Some(sent));
        assert_eq!(clock.srtt(), 40 * MS);
        assert_eq!(clock.send_interval(), 20 * MS);
        assert_eq!(clock.rto(), 120 * MS);
    }
}
