//! What happens to one datagram on an impaired link: lost, or delivered after some
//! delay. Pure and seeded, so the proxy's decisions are reproducible.

use std::time::{Duration, Instant};

/// Impairments of one direction.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Impairment {
    /// Fixed one-way delay added to every datagram.
    pub delay: Duration,
    /// Extra delay, uniform in [0, jitter] per datagram (reorders datagrams).
    pub jitter: Duration,
    /// Probability in [0, 1] that a datagram is dropped.
    pub loss: f64,
}

impl Impairment {
    /// No impairment: pass-through.
    pub const NONE: Impairment = Impairment {
        delay: Duration::ZERO,
        jitter: Duration::ZERO,
        loss: 0.0,
    };
}

/// Marsaglia's xorshift64: deterministic from its seed, fast, no dependency.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed`, scrambled so that small seeds start well.
    pub fn new(seed: u64) -> Self {
        Self((seed ^ 0x5DEE_CE66).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// A uniform number in [0, 1).
    pub fn unit(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// When a datagram sent at `now` arrives, or `None` if it is lost (including during
/// a blackout ending at `blackout_until`).
pub fn delivery_time(
    impairment: &Impairment,
    blackout_until: Option<Instant>,
    rng: &mut Rng,
    now: Instant,
) -> Option<Instant> {
    if blackout_until.is_some_and(|until| now < until) {
        return None;
    }
    if rng.unit() < impairment.loss {
        return None;
    }
    let jitter = impairment.jitter.mul_f64(rng.unit());
    Some(now + impairment.delay + jitter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loss_rate_delay_and_blackout_are_honoured() {
        let now = Instant::now();
        let mut rng = Rng::new(1);
        let link = Impairment {
            delay: Duration::from_millis(250),
            jitter: Duration::from_millis(10),
            loss: 0.1,
        };
        let mut delivered = 0;
        for _ in 0..10_000 {
            if let Some(at) = delivery_time(&link, None, &mut rng, now) {
                delivered += 1;
                let delay = at - now;
                assert!(delay >= link.delay && delay <= link.delay + link.jitter);
            }
        }
        assert!((8800..=9200).contains(&delivered), "{delivered} delivered");
        let until = now + Duration::from_secs(1);
        assert_eq!(
            delivery_time(&Impairment::NONE, Some(until), &mut rng, now),
            None
        );
        assert_eq!(
            delivery_time(&Impairment::NONE, Some(until), &mut rng, until),
            Some(until)
        );
    }
}
