//! Round-trip estimate from echoed timestamps, and the retransmission timeout and
//! frame interval derived from it (protocol.md §6.3).

/// Samples at or above this many milliseconds are ignored (a suspended process).
pub const MAX_RTT_SAMPLE_MS: u16 = 5000;

/// Smoothed RTT and its variation, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RttEstimator {
    srtt: f64,
    rttvar: f64,
    has_sample: bool,
}

impl Default for RttEstimator {
    fn default() -> Self {
        Self::new()
    }
}

impl RttEstimator {
    /// The estimate before any sample: SRTT 1000 ms, RTTVAR 500 ms.
    pub fn new() -> Self {
        Self {
            srtt: 1000.0,
            rttvar: 500.0,
            has_sample: false,
        }
    }

    /// The RTT sample for an echo of our clock: `now16 − echoed`, modulo 2^16.
    pub fn sample_from_echo(now16: u16, echoed: u16) -> u16 {
        now16.wrapping_sub(echoed)
    }

    /// Feeds one sample; samples of 5000 ms or more are ignored. Returns whether the
    /// sample was used.
    pub fn add_sample(&mut self, rtt_ms: u16) -> bool {
        if rtt_ms >= MAX_RTT_SAMPLE_MS {
            return false;
        }
        let r = f64::from(rtt_ms);
        if self.has_sample {
            self.rttvar = 0.75 * self.rttvar + 0.25 * (self.srtt - r).abs();
            self.srtt = 0.875 * self.srtt + 0.125 * r;
        } else {
            self.srtt = r;
            self.rttvar = r / 2.0;
            self.has_sample = true;
        }
        true
    }

    /// Smoothed round-trip time in milliseconds.
    pub fn srtt(&self) -> f64 {
        self.srtt
    }

    /// Round-trip variation in milliseconds.
    pub fn rttvar(&self) -> f64 {
        self.rttvar
    }

    /// Retransmission timeout: ceil(SRTT + 4·RTTVAR) within [50, 1000] ms.
    pub fn rto_ms(&self) -> u64 {
        ((self.srtt + 4.0 * self.rttvar).ceil() as u64).clamp(50, 1000)
    }

    /// Interval between frames: ceil(SRTT / 2) within [20, 250] ms.
    pub fn send_interval_ms(&self) -> u64 {
        ((self.srtt / 2.0).ceil() as u64).clamp(20, 250)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suspended_process_samples_are_ignored_and_echo_wraps() {
        let mut rtt = RttEstimator::new();
        assert!(!rtt.add_sample(5000));
        assert_eq!((rtt.rto_ms(), rtt.send_interval_ms()), (1000, 250));
        assert_eq!(RttEstimator::sample_from_echo(3, 65533), 6);
        assert!(rtt.add_sample(1));
        assert_eq!((rtt.rto_ms(), rtt.send_interval_ms()), (50, 20));
    }
}
