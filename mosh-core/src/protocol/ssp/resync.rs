//! The resync extension's bookkeeping in the transport (`docs/resync-extension.md`):
//! which process of a session the server follows, and what a restored client says
//! about itself until the server has taken one of its states.
//!
//! A client restored from a snapshot numbers its datagrams from a tick above the
//! clock, in a lane of its own (`crypto/sequence_plan.rs`), so its datagrams are the
//! newest the server has seen. The server adopts it when an instruction carrying its
//! [`Resume`] arrives in order; from then on a datagram with a lower sequence number
//! in another lane comes from a process it superseded: it is dropped unread (its
//! keys must not reach the shell, its close must not end the session), and that
//! process is told, at most once per [`NOTICE_INTERVAL`].

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crate::crypto::sequence_plan::LANE_STRIDE;
use crate::protocol::proto::Resume;

/// Least time between two notices to superseded processes: one per second answers a
/// phone that is still sending, without making the server a reflector.
pub const NOTICE_INTERVAL: Duration = Duration::from_secs(1);

/// Most notices in one [`NOTICE_INTERVAL`], whatever their addresses: a replayed
/// datagram from spoofed addresses gets the server to send no more than this.
pub const MAX_NOTICES_PER_INTERVAL: usize = 4;

/// The server's side: the client process it follows.
#[derive(Debug, Clone, Default)]
pub struct Adoption {
    /// The adopted process's fork and the sequence number of the datagram that made
    /// the server adopt it.
    adopted: Option<(u64, u64)>,
    /// Recent notices: where and when (at most [`MAX_NOTICES_PER_INTERVAL`]).
    notices: Vec<(SocketAddr, Instant)>,
}

/// What the server does with a client's datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// From the process the server follows (or before any restore): used.
    Current,
    /// From a process another one took over from: dropped.
    Superseded {
        /// The fork of the process that took over.
        fork: u64,
        /// Whether to tell the superseded process now.
        notify: bool,
    },
}

impl Adoption {
    /// Judges a datagram from `from` by its sequence number alone (before anything
    /// in it is used).
    pub fn judge(&mut self, seq: u64, from: SocketAddr, now: Instant) -> Verdict {
        let Some((fork, adopted_seq)) = self.adopted else {
            return Verdict::Current;
        };
        let same_process = seq % LANE_STRIDE == adopted_seq % LANE_STRIDE;
        if seq >= adopted_seq || same_process {
            return Verdict::Current;
        }
        // Once a second per address (a replay from elsewhere does not use up the
        // superseded phone's notices), and a few a second in all.
        self.notices
            .retain(|(_, at)| now.saturating_duration_since(*at) < NOTICE_INTERVAL);
        let notify = self.notices.len() < MAX_NOTICES_PER_INTERVAL
            && !self.notices.iter().any(|(to, _)| *to == from);
        if notify {
            self.notices.push((from, now));
        }
        Verdict::Superseded { fork, notify }
    }

    /// Whether the server follows the process with this fork.
    pub fn follows(&self, fork: u64) -> bool {
        self.adopted.is_some_and(|(current, _)| current == fork)
    }

    /// An in-order instruction carried `resume`: returns the event index from which
    /// this process's input is its own if it is a process the server did not follow
    /// before (the server then applies its events from there), `None` otherwise.
    pub fn adopt(&mut self, resume: &Resume, seq: u64) -> Option<u64> {
        let fork = resume.fork?;
        if self.adopted.is_some_and(|(current, _)| current == fork) {
            return None;
        }
        self.adopted = Some((fork, seq));
        Some(resume.fork_events.unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seq(tick: u64, lane: u64) -> u64 {
        tick * LANE_STRIDE + lane
    }

    fn phone() -> SocketAddr {
        "192.0.2.1:4000".parse().unwrap()
    }

    #[test]
    fn older_datagrams_of_another_lane_are_superseded_and_notices_are_paced() {
        let now = Instant::now();
        let mut adoption = Adoption::default();
        assert_eq!(adoption.judge(seq(100, 1), phone(), now), Verdict::Current);
        let resume = Resume::new(7_000, 3, 5);
        assert_eq!(adoption.adopt(&resume, seq(200, 2)), Some(5));
        assert_eq!(adoption.adopt(&resume, seq(201, 2)), None, "adopted once");
        // The adopted process's own late datagram is used.
        assert_eq!(adoption.judge(seq(199, 2), phone(), now), Verdict::Current);
        assert_eq!(
            adoption.judge(seq(150, 1), phone(), now),
            Verdict::Superseded {
                fork: 7_000,
                notify: true
            }
        );
        assert_eq!(
            adoption.judge(seq(151, 1), phone(), now + Duration::from_millis(500)),
            Verdict::Superseded {
                fork: 7_000,
                notify: false
            }
        );
        assert_eq!(
            adoption.judge(seq(152, 1), phone(), now + NOTICE_INTERVAL),
            Verdict::Superseded {
                fork: 7_000,
                notify: true
            }
        );
        // A replay from other addresses gets its own notice, a few a second in all,
        // and does not use up the phone's.
        let later = now + 3 * NOTICE_INTERVAL;
        let notified = (0..10)
            .filter(|i| {
                let spoofed: SocketAddr = format!("198.51.100.{i}:53").parse().unwrap();
                matches!(
                    adoption.judge(seq(153, 1), spoofed, later),
                    Verdict::Superseded { notify: true, .. }
                )
            })
            .count();
        assert_eq!(notified, MAX_NOTICES_PER_INTERVAL);
        assert!(adoption.follows(7_000) && !adoption.follows(6_999));
        // A newer process is not judged by the older adoption.
        assert_eq!(adoption.judge(seq(300, 3), phone(), now), Verdict::Current);
    }
}
