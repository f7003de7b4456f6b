//! The SSP sender: which states were sent, which one to diff against, how to number
//! a send, and when to send (protocol.md §10.3–§10.6, §13).

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use super::constants::{
    ACK_DELAY, ACK_INTERVAL, ANSWER_QUIET, INPUT_RESPONSE_FRAMES, INPUT_RESPONSE_WINDOW,
    PRESUMED_DELIVERED_SLACK, PROSPECTIVE_RESEND_MAX_EXTRA, PROSPECTIVE_RESEND_MAX_LEN,
    SENT_STATES_CAP, SENT_STATES_DROP_FROM_END, SHUTDOWN_MAX_RETRIES, SHUTDOWN_TIMEOUT,
    SILENT_PEER_PROBE_INTERVAL,
};
use super::state::SyncState;
use crate::protocol::proto::SHUTDOWN_STATE_NUM;

/// One state we sent.
#[derive(Debug, Clone)]
struct SentState<S> {
    num: u64,
    state: S,
    sent_at: Instant,
}

/// What the rest of the transport knows that the sender's timers depend on.
#[derive(Debug, Clone, Copy)]
pub struct SendTiming {
    /// Retransmission timeout (§6.3).
    pub rto: Duration,
    /// Interval between frames (§6.3).
    pub send_interval: Duration,
    /// Whether the peer sent us a new state within
    /// [`ACTIVE_RETRY_TIMEOUT`](super::constants::ACTIVE_RETRY_TIMEOUT).
    pub fresh: bool,
    /// Whether the peer is shutting down (our ack number is u64 max).
    pub peer_shutting_down: bool,
    /// Whether sends to a peer that stopped answering back off (the server: every
    /// datagram to a suspended phone wakes its radio). See `StateSender::backoff_floor`.
    pub back_off_when_unanswered: bool,
    /// Whether to probe a peer we have not heard from at [`SILENT_PEER_PROBE_INTERVAL`]
    /// instead of the heartbeat interval (the client: it is awake, and the server
    /// answers a probe at once). See `StateSender::probe_at`.
    pub probe_silent_peer: bool,
}

/// The numbers and diff of one instruction to send; the transport adds the ack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingState {
    /// The base state the diff starts from.
    pub old_num: u64,
    /// The state the diff produces.
    pub new_num: u64,
    /// Our acknowledged state: the peer may drop older ones.
    pub throwaway_num: u64,
    /// The serialized diff (empty for a heartbeat).
    pub diff: Vec<u8>,
    /// The diff starts from the reset base ([`StateSender::reset_to`]), whatever
    /// `old_num` says.
    pub from_reset: bool,
}

#[derive(Debug, Clone, Copy)]
struct Shutdown {
    started: Instant,
    sends: u32,
}

/// The sending half of one direction.
#[derive(Debug)]
pub struct StateSender<S: SyncState> {
    /// Front: the newest state the peer acknowledged (K). Back: the last sent (L).
    sent: VecDeque<SentState<S>>,
    /// Index in `sent` of the state presumed to be at the receiver (A).
    assumed: usize,
    current: S,
    /// Highest state number ever used (other than the shutdown marker): new states
    /// are numbered above it, also after entries were dropped or a session resumed.
    last_num: u64,
    min_delay: Duration,
    next_ack: Instant,
    next_send: Option<Instant>,
    /// When `current` first differed from the last sent state.
    mindelay_clock: Option<Instant>,
    /// Set when a due send found nothing to say (the live state equals the base state
    /// though not the last sent one); cleared when the state may have changed. Without
    /// it such a state would make the timers fire again at once, forever.
    send_suppressed: bool,
    last_round_trip_success: Option<Instant>,
    /// When we sent a diff the peer has not answered yet: the first such send after
    /// we last heard from the peer. `None` while the peer answers.
    unanswered_since: Option<Instant>,
    /// When an authentic, in-order datagram from the peer last arrived (the
    /// sender's creation before any did).
    last_heard: Instant,
    /// When the peer's input last arrived and how many frames answering it may still
    /// skip the frame interval (see [`StateSender::peer_input`]).
    input_response: Option<(Instant, u8)>,
    /// When the live state last changed ([`StateSender::changed_at`]): a frame
    /// answering input waits for the program's output to pause.
    last_change: Option<Instant>,
    /// When a send last carried a non-empty diff: the frame interval paces data,
    /// not acknowledgements (a keystroke right after an ack of the screen goes at
    /// once instead of waiting up to a whole interval).
    last_data_sent_at: Option<Instant>,
    shutdown: Option<Shutdown>,
    /// `sent[0]` is the reset base, not a state the peer acknowledged: the peer
    /// holds none of ours (see [`StateSender::reset_to`]).
    from_reset: bool,
    /// States sent before this went to a peer process that another took over from
    /// (the resync extension): never presumed delivered.
    presume_from: Option<Instant>,
}

impl<S: SyncState> StateSender<S> {
    /// A sender whose state 0 is `initial`, in a session started at `now`. `min_delay`
    /// is the collection delay of this side (§10.6).
    pub fn new(initial: S, min_delay: Duration, now: Instant) -> Self {
        Self::resuming(0, initial.clone(), 0, initial, min_delay, now)
    }

    /// A sender that continues a session: the peer acknowledged `acked` (numbered
    /// `acked_num`), states up to `last_num` were sent, and `current` is the live
    /// state. New states get numbers above `last_num`, so none is reused for
    /// different content.
    pub fn resuming(
        acked_num: u64,
        acked: S,
        last_num: u64,
        current: S,
        min_delay: Duration,
        now: Instant,
    ) -> Self {
        Self {
            sent: VecDeque::from([SentState {
                num: acked_num,
                state: acked,
                sent_at: now,
            }]),
            assumed: 0,
            current,
            last_num: last_num.max(acked_num),
            min_delay,
            // The first tick sends at once (§10.6).
            next_ack: now,
            next_send: None,
            mindelay_clock: None,
            send_suppressed: false,
            last_round_trip_success: None,
            unanswered_since: None,
            last_heard: now,
            input_response: None,
            last_change: None,
            last_data_sent_at: None,
            shutdown: None,
            from_reset: false,
            presume_from: None,
        }
    }

    /// The live state.
    pub fn current(&self) -> &S {
        &self.current
    }

    /// The live state changed at `now` (the server: the program's output). A frame
    /// answering input goes once such changes pause for [`ANSWER_QUIET`].
    pub fn changed_at(&mut self, now: Instant) {
        self.last_change = Some(now);
    }

    /// The live state, to change it.
    pub fn current_mut(&mut self) -> &mut S {
        self.send_suppressed = false;
        &mut self.current
    }

    /// The newest state the peer acknowledged, and its number.
    pub fn acknowledged(&self) -> (u64, &S) {
        let known = &self.sent[0];
        (known.num, &known.state)
    }

    /// Number of the last state sent.
    pub fn last_sent_num(&self) -> u64 {
        self.sent.back().map_or(0, |last| last.num)
    }

    /// Highest state number used so far, other than the shutdown marker.
    pub fn last_num(&self) -> u64 {
        self.last_num
    }

    /// How many sent states are held (acknowledged one included).
    pub fn sent_len(&self) -> usize {
        self.sent.len()
    }

    /// Send time of the newest state the peer has acknowledged, if it acknowledged any
    /// since this sender was created.
    pub fn last_round_trip_success(&self) -> Option<Instant> {
        self.last_round_trip_success
    }

    /// Processes the peer's `ack_num`: if it names a sent state, that state becomes the
    /// acknowledged one and older ones are dropped (§10.7 step 2).
    pub fn process_ack(&mut self, ack_num: u64) {
        let Some(index) = self.sent.iter().position(|entry| entry.num == ack_num) else {
            return;
        };
        if self.from_reset {
            // The reset base is no state the peer holds: an acknowledgement of its
            // number (a peer that kept a state 0 of its own) is not one of ours.
            if index == 0 {
                return;
            }
            self.from_reset = false;
        }
        self.sent.drain(..index);
        self.assumed = self.assumed.saturating_sub(index);
        self.last_round_trip_success = Some(self.sent[0].sent_at);
        if index > 0 {
            let acknowledged = self.sent[0].state.clone();
            for entry in &mut self.sent {
                entry.state.subtract(&acknowledged);
            }
            self.current.subtract(&acknowledged);
        }
    }

    /// Whether `num` names a state we keep (the acknowledged one or a later sent one).
    pub fn holds(&self, num: u64) -> bool {
        !self.from_reset && self.sent.iter().any(|entry| entry.num == num)
    }

    /// A new peer process took over at `now` (the resync extension): the states sent
    /// before went to the old process, so none of them is presumed delivered; diffs
    /// go from the acknowledged state or one sent since.
    pub fn presume_nothing_sent_before(&mut self, now: Instant) {
        self.presume_from = Some(now);
        self.assumed = 0;
    }

    /// Whether the peer holds none of our states: diffs go from the reset base.
    pub fn resetting(&self) -> bool {
        self.from_reset
    }

    /// The peer holds none of the states we keep (a client restored from an older
    /// snapshot, the resync extension): from now on diffs start from `base`, which
    /// the peer can rebuild ([`SyncState::rebuilt_base`]), until it acknowledges one
    /// of the states sent from it. Numbers go on above every one used, and a send
    /// goes at once.
    pub fn reset_to(&mut self, base: S, now: Instant) {
        self.sent = VecDeque::from([SentState {
            num: 0,
            state: base,
            sent_at: now,
        }]);
        self.assumed = 0;
        self.from_reset = true;
        self.last_round_trip_success = None;
        self.send_now(now);
    }

    /// A new state with a non-empty diff arrived from the peer: acknowledge it soon.
    pub fn schedule_data_ack(&mut self, now: Instant) {
        self.next_ack = self.next_ack.min(now + ACK_DELAY);
    }

    /// Sends something (at least a heartbeat) at the next tick, and forgets any
    /// backoff: the caller knows the path changed.
    pub fn send_now(&mut self, now: Instant) {
        self.next_ack = self.next_ack.min(now);
        self.send_suppressed = false;
        self.unanswered_since = None;
    }

    /// An authentic, in-order datagram arrived from the peer: it is answering, so
    /// sends go at full speed again.
    pub fn peer_heard(&mut self, now: Instant) {
        self.unanswered_since = None;
        self.last_heard = self.last_heard.max(now);
    }

    /// The peer's input arrived (the server: keystrokes): the frames answering it
    /// within [`INPUT_RESPONSE_WINDOW`] go out after the collection delay, not at
    /// the next frame slot. Under a flood the frame interval (up to 250 ms on a slow
    /// link) would otherwise delay the echo or the prompt after Ctrl-C by up to a
    /// whole interval on top of the round trip.
    pub fn peer_input(&mut self, now: Instant) {
        self.input_response = Some((now, INPUT_RESPONSE_FRAMES));
    }

    /// When the peer's input arrived, if a frame may still answer it unpaced.
    fn answering_input(&self, now: Instant) -> Option<Instant> {
        let (at, left) = self.input_response?;
        (left > 0 && now.saturating_duration_since(at) <= INPUT_RESPONSE_WINDOW).then_some(at)
    }

    /// When to probe a peer we stopped hearing from, if that applies.
    ///
    /// A healthy peer is heard at least every heartbeat interval plus a round trip;
    /// after longer silence the link is presumably down, and the peer (the server,
    /// backing off) sends at most one datagram per heartbeat interval. The awake side
    /// then sends a heartbeat every [`SILENT_PEER_PROBE_INTERVAL`], so that when the
    /// link returns the first probe through gets an answer at once: recovery takes
    /// about half a probe interval plus a round trip instead of up to a heartbeat
    /// interval. On a cellular link this costs little: the radio stays in its
    /// connected state for seconds after each send, which 3 s heartbeats already keep.
    fn probe_at(&self, timing: SendTiming) -> Option<Instant> {
        if !timing.probe_silent_peer {
            return None;
        }
        let silent_from = self.last_heard + ACK_INTERVAL + timing.rto + PRESUMED_DELIVERED_SLACK;
        Some(silent_from.max(self.last().sent_at + SILENT_PEER_PROBE_INTERVAL))
    }

    /// The earliest time a data send may go while the peer does not answer, if the
    /// backoff applies (TCP/QUIC-style exponential backoff of retransmissions).
    ///
    /// Until the peer could have answered our first unanswered diff (one RTO plus its
    /// ack delay), sends go at the frame rate as usual. After that, each send waits as
    /// long as the peer had been silent at the previous one, so the gaps double (up to
    /// the heartbeat interval, which keeps running as usual): a phone whose app is
    /// suspended gets a few datagrams instead of one per frame, and hearing from it
    /// again ([`Self::peer_heard`]) restores the frame rate at once.
    fn backoff_floor(&self, timing: SendTiming) -> Option<Instant> {
        if !timing.back_off_when_unanswered {
            return None;
        }
        let since = self.unanswered_since?;
        let last_sent_at = self.last().sent_at;
        let waited = last_sent_at.saturating_duration_since(since);
        if waited < timing.rto + PRESUMED_DELIVERED_SLACK {
            return None;
        }
        Some(last_sent_at + waited.min(ACK_INTERVAL))
    }

    /// Starts our shutdown: from now on every instruction is numbered u64 max.
    pub fn start_shutdown(&mut self, now: Instant) {
        if self.shutdown.is_none() {
            self.shutdown = Some(Shutdown {
                started: now,
                sends: 0,
            });
            self.send_suppressed = false;
        }
    }

    /// Whether our shutdown has started.
    pub fn shutdown_in_progress(&self) -> bool {
        self.shutdown.is_some()
    }

    /// Whether the peer acknowledged our shutdown.
    pub fn shutdown_acknowledged(&self) -> bool {
        self.sent[0].num == SHUTDOWN_STATE_NUM
    }

    /// Whether our shutdown went unacknowledged for too many sends or too long.
    pub fn shutdown_gave_up(&self, now: Instant) -> bool {
        self.shutdown.is_some_and(|shutdown| {
            shutdown.sends >= SHUTDOWN_MAX_RETRIES
                || now.saturating_duration_since(shutdown.started) >= SHUTDOWN_TIMEOUT
        })
    }

    /// Presumes recently sent states delivered, up to the first one sent longer than
    /// RTO + slack ago (§10.4 step 1).
    fn update_assumed(&mut self, now: Instant, rto: Duration) {
        let horizon = rto + PRESUMED_DELIVERED_SLACK;
        self.assumed = 0;
        for (index, entry) in self.sent.iter().enumerate().skip(1) {
            if now.saturating_duration_since(entry.sent_at) >= horizon {
                break;
            }
            if self.presume_from.is_none_or(|from| entry.sent_at >= from) {
                self.assumed = index;
            }
        }
    }

    fn last(&self) -> &SentState<S> {
        self.sent.back().expect("the sent list is never empty")
    }

    /// Recomputes `next_send` and returns when the sender next wants to run (§10.6).
    /// `None` once a shutdown was acknowledged or given up.
    pub fn poll_timeout(&mut self, now: Instant, timing: SendTiming) -> Option<Instant> {
        if self.shutdown_acknowledged() || self.shutdown_gave_up(now) {
            return None;
        }
        self.update_assumed(now, timing.rto);
        let last = self.last();
        let last_sent_at = last.sent_at;
        self.next_send = if self.send_suppressed {
            None
        } else if self.current != last.state {
            let since = *self.mindelay_clock.get_or_insert(now);
            Some(match self.answering_input(now) {
                // The program's answer goes without waiting for the frame slot:
                // once its output paused after the input, at the latest the
                // collection delay after the input or the change.
                Some(input_at) => {
                    let latest = since.max(input_at) + self.min_delay;
                    self.last_change
                        .filter(|&changed| changed >= input_at)
                        .map_or(latest, |changed| (changed + ANSWER_QUIET).min(latest))
                }
                None => {
                    let paced = self
                        .last_data_sent_at
                        .map_or(since, |at| at + timing.send_interval);
                    (since + self.min_delay).max(paced)
                }
            })
        } else if timing.fresh && self.current != self.sent[self.assumed].state {
            let frame = last_sent_at + timing.send_interval;
            Some(match self.mindelay_clock {
                Some(since) => frame.max(since + self.min_delay),
                None => frame,
            })
        } else if timing.fresh && self.current != self.sent[0].state {
            Some(last_sent_at + timing.rto + PRESUMED_DELIVERED_SLACK)
        } else {
            None
        };
        if let (Some(send), Some(floor)) = (self.next_send, self.backoff_floor(timing)) {
            self.next_send = Some(send.max(floor));
        }
        if self.shutdown.is_some() || timing.peer_shutting_down {
            self.next_ack = last_sent_at + timing.send_interval;
        }
        if let Some(probe) = self.probe_at(timing) {
            self.next_ack = self.next_ack.min(probe);
        }
        Some(match self.next_send {
            Some(send) => send.min(self.next_ack),
            None => self.next_ack,
        })
    }

    /// Decides whether to send at `now`; if so, records the send and returns the
    /// instruction's numbers and diff (§10.4–§10.6).
    pub fn tick(&mut self, now: Instant, timing: SendTiming) -> Option<OutgoingState> {
        self.poll_timeout(now, timing)?;
        let send_due = self.next_send.is_some_and(|at| now >= at);
        let ack_due = now >= self.next_ack;
        if !send_due && !ack_due {
            return None;
        }
        let (base, diff) = self.choose_base();
        if diff.is_empty() && !ack_due {
            self.next_send = None;
            self.send_suppressed = true;
            return None;
        }
        let old_num = self.sent[base].num;
        let new_num = self.number_send(&diff, now);
        if !diff.is_empty() {
            self.assumed = self.sent.len() - 1;
        }
        if let Some(shutdown) = &mut self.shutdown {
            shutdown.sends += 1;
        }
        if !diff.is_empty() && self.unanswered_since.is_none() {
            self.unanswered_since = Some(now);
        }
        if !diff.is_empty() {
            self.last_data_sent_at = Some(now);
        }
        if !diff.is_empty()
            && self.answering_input(now).is_some()
            && let Some((_, left)) = &mut self.input_response
        {
            *left -= 1;
        }
        self.next_ack = now + ACK_INTERVAL;
        self.next_send = None;
        self.mindelay_clock = None;
        self.send_suppressed = false;
        Some(OutgoingState {
            old_num,
            new_num,
            throwaway_num: self.sent[0].num,
            diff,
            from_reset: self.from_reset && base == 0,
        })
    }

    /// The base to diff against and the diff: the assumed state, or the acknowledged
    /// one when that costs little more (§10.4 step 2).
    fn choose_base(&self) -> (usize, Vec<u8>) {
        let assumed_diff = self.current.diff_from(&self.sent[self.assumed].state);
        if self.assumed == 0 {
            return (0, assumed_diff);
        }
        let known_diff = self.current.diff_from(&self.sent[0].state);
        let cheap_enough = known_diff.len() < PROSPECTIVE_RESEND_MAX_LEN
            && known_diff.len() - assumed_diff.len().min(known_diff.len())
                < PROSPECTIVE_RESEND_MAX_EXTRA;
        if known_diff.len() <= assumed_diff.len() || cheap_enough {
            (0, known_diff)
        } else {
            (self.assumed, assumed_diff)
        }
    }

    /// Numbers a send and updates the sent list (§10.5).
    fn number_send(&mut self, diff: &[u8], now: Instant) -> u64 {
        let reuse_last = if self.shutdown.is_some() {
            self.last().num == SHUTDOWN_STATE_NUM
        } else {
            !diff.is_empty() && self.current == self.last().state
        };
        if reuse_last {
            let last = self.sent.back_mut().expect("the sent list is never empty");
            last.sent_at = now;
            last.state = self.current.clone();
            return last.num;
        }
        let num = if self.shutdown.is_some() {
            SHUTDOWN_STATE_NUM
        } else {
            self.last_num += 1;
            self.last_num
        };
        self.sent.push_back(SentState {
            num,
            state: self.current.clone(),
            sent_at: now,
        });
        if self.sent.len() > SENT_STATES_CAP {
            let drop = self.sent.len() - SENT_STATES_DROP_FROM_END;
            self.sent.remove(drop);
            if self.assumed >= drop {
                self.assumed = self.assumed.saturating_sub(1);
            }
        }
        num
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::ssp::UserStream;

    const MS: Duration = Duration::from_millis(1);

    fn timing(fresh: bool) -> SendTiming {
        SendTiming {
            rto: 1000 * MS,
            send_interval: 250 * MS,
            fresh,
            peer_shutting_down: false,
            back_off_when_unanswered: false,
            probe_silent_peer: false,
        }
    }

    fn sender(now: Instant) -> StateSender<UserStream> {
        StateSender::new(UserStream::new(), MS, now)
    }

    /// Types `keys` at `now`; the sender notices the change at once, as the transport
    /// makes it (every input is followed by a tick).
    fn type_keys(s: &mut StateSender<UserStream>, now: Instant, keys: &[u8]) {
        s.current_mut().push_keys(keys);
        s.poll_timeout(now, timing(true));
    }

    #[test]
    fn after_a_reset_diffs_go_from_the_reset_base_until_a_state_is_acknowledged() {
        let t0 = Instant::now();
        let mut s = sender(t0);
        type_keys(&mut s, t0, b"abc");
        let first = s.tick(t0 + 10 * MS, timing(true)).unwrap();
        s.process_ack(first.new_num);
        type_keys(&mut s, t0 + 20 * MS, b"def");
        let before = s.tick(t0 + 300 * MS, timing(true)).unwrap();
        // The peer turns out to hold none of our states.
        s.reset_to(UserStream::rebuilt_base(3).unwrap(), t0 + 310 * MS);
        assert!(s.resetting() && !s.holds(first.new_num));
        let reset = s.tick(t0 + 310 * MS, timing(true)).unwrap();
        assert!(reset.from_reset);
        assert_eq!((reset.old_num, reset.throwaway_num), (0, 0));
        assert!(reset.new_num > before.new_num, "numbers go on");
        // A retransmission goes from the reset base again, with the same number.
        let again = s.tick(t0 + 2_000 * MS, timing(true)).unwrap();
        assert!(again.from_reset);
        assert_eq!(again.new_num, reset.new_num);
        // An acknowledgement of 0 (a state 0 of the peer's own) changes nothing;
        // one of the state sent from the base ends the reset.
        s.process_ack(0);
        assert!(s.resetting());
        s.process_ack(reset.new_num);
        assert!(!s.resetting() && s.holds(reset.new_num));
        type_keys(&mut s, t0 + 2_100 * MS, b"g");
        let next = s.tick(t0 + 2_400 * MS, timing(true)).unwrap();
        assert!(!next.from_reset);
        assert_eq!(next.old_num, reset.new_num);
    }

    #[test]
    fn first_tick_sends_a_heartbeat_then_every_ack_interval() {
        let t0 = Instant::now();
        let mut s = sender(t0);
        let first = s.tick(t0, timing(false)).unwrap();
        assert_eq!(
            (first.old_num, first.new_num, first.throwaway_num),
            (0, 1, 0)
        );
        assert!(first.diff.is_empty());
        assert_eq!(s.poll_timeout(t0, timing(false)), Some(t0 + ACK_INTERVAL));
        assert!(s.tick(t0 + 2999 * MS, timing(false)).is_none());
        let second = s.tick(t0 + ACK_INTERVAL, timing(false)).unwrap();
        assert_eq!(second.new_num, 2, "every heartbeat is a new state");
    }

    #[test]
    fn changes_wait_for_the_frame_interval_and_retransmissions_reuse_the_number() {
        let t0 = Instant::now();
        let mut s = sender(t0);
        s.current_mut().push_keys(b"x");
        assert!(!s.tick(t0, timing(true)).unwrap().diff.is_empty());
        s.current_mut().push_keys(b"a");
        // Data sent at t0: the frame interval holds the change until t0 + 250 ms.
        assert_eq!(
            s.poll_timeout(t0 + 10 * MS, timing(true)),
            Some(t0 + 250 * MS)
        );
        let data = s.tick(t0 + 250 * MS, timing(true)).unwrap();
        assert_eq!((data.old_num, data.new_num), (0, 2));
        assert!(!data.diff.is_empty());
        // Unacknowledged: after RTO + 100 ms it is presumed lost, resent from the
        // acknowledged state under the same number.
        let resend_at = t0 + 250 * MS + 1100 * MS;
        assert_eq!(s.poll_timeout(t0 + 300 * MS, timing(true)), Some(resend_at));
        let again = s.tick(resend_at, timing(true)).unwrap();
        assert_eq!((again.old_num, again.new_num), (0, 2));
        assert_eq!(again.diff, data.diff);
        // Not fresh: no more retransmissions until the heartbeat.
        assert_eq!(
            s.poll_timeout(resend_at, timing(false)),
            Some(resend_at + ACK_INTERVAL)
        );
        s.process_ack(2);
        assert_eq!(s.acknowledged().0, 2);
        assert_eq!(s.sent_len(), 1);
        assert_eq!(
            s.current().first_held(),
            2,
            "acknowledged events are dropped"
        );
        assert_eq!(s.last_round_trip_success(), Some(resend_at));
    }

    #[test]
    fn prospective_resend_prefers_the_acknowledged_base_when_cheap() {
        let t0 = Instant::now();
        let mut s = sender(t0);
        type_keys(&mut s, t0, b"x");
        let first = s.tick(t0, timing(true)).unwrap();
        assert_eq!((first.old_num, first.new_num), (0, 1));
        type_keys(&mut s, t0 + 200 * MS, b"y");
        let second = s.tick(t0 + 250 * MS, timing(true)).unwrap();
        // State 1 is still presumed delivered, but diffing from 0 costs one byte more.
        assert_eq!((second.old_num, second.new_num), (0, 2));
        // A big unacknowledged state makes the resend from 0 too expensive.
        type_keys(&mut s, t0 + 400 * MS, &[b'z'; 2000]);
        let third = s.tick(t0 + 500 * MS, timing(true)).unwrap();
        type_keys(&mut s, t0 + 600 * MS, b"!");
        let fourth = s.tick(t0 + 750 * MS, timing(true)).unwrap();
        assert_eq!((third.new_num, fourth.old_num, fourth.new_num), (3, 3, 4));
    }

    #[test]
    fn sent_list_stays_bounded_and_numbers_never_repeat() {
        let t0 = Instant::now();
        let mut s = sender(t0);
        let mut last = 0;
        for i in 0..200u32 {
            let now = t0 + Duration::from_millis(u64::from(i) * 300);
            type_keys(&mut s, now - 50 * MS, b"k");
            let out = s.tick(now, timing(true)).unwrap();
            assert!(out.new_num > last);
            last = out.new_num;
            assert!(s.sent_len() <= SENT_STATES_CAP);
        }
        assert_eq!(s.acknowledged().0, 0);
    }

    #[test]
    fn shutdown_numbers_every_send_u64_max_and_gives_up_after_sixteen() {
        let t0 = Instant::now();
        let mut s = sender(t0);
        s.tick(t0, timing(true)).unwrap();
        s.start_shutdown(t0 + MS);
        let mut now = t0 + MS;
        let mut sends = 0;
        while let Some(wake) = s.poll_timeout(now, timing(true)) {
            now = wake.max(now);
            if let Some(out) = s.tick(now, timing(true)) {
                assert_eq!(out.new_num, SHUTDOWN_STATE_NUM);
                sends += 1;
            }
        }
        assert_eq!(sends, SHUTDOWN_MAX_RETRIES);
        assert!(s.shutdown_gave_up(now) && !s.shutdown_acknowledged());
        s.process_ack(SHUTDOWN_STATE_NUM);
        assert!(s.shutdown_acknowledged());
    }

    #[test]
    fn a_due_send_with_nothing_to_say_does_not_spin() {
        // A state that can change back: the live state equals the base again.
        let t0 = Instant::now();
        let mut s = StateSender::new(0u8, MS, t0);
        s.tick(t0, timing(true)).unwrap();
        *s.current_mut() = 1;
        s.poll_timeout(t0 + 100 * MS, timing(true));
        s.tick(t0 + 250 * MS, timing(true)).unwrap();
        *s.current_mut() = 0;
        // 2 s later state 1 is presumed lost; the live state equals the base state 0.
        assert_eq!(
            s.poll_timeout(t0 + 2250 * MS, timing(true)),
            Some(t0 + 2251 * MS)
        );
        let now = t0 + 2251 * MS;
        assert!(s.tick(now, timing(true)).is_none());
        assert_eq!(s.poll_timeout(now, timing(true)), Some(t0 + 3250 * MS));
    }

    #[test]
    fn an_answer_goes_once_the_output_pauses_not_after_the_collection_delay() {
        let t0 = Instant::now();
        let mut s = StateSender::new(0u8, 8 * MS, t0);
        s.tick(t0, timing(true)).unwrap();
        // A key arrives; its echo 300 µs later, then nothing: the frame goes 1 ms
        // after the echo, not 8 ms after it.
        let input = t0 + 1000 * MS;
        s.peer_input(input);
        let echo = input + Duration::from_micros(300);
        s.changed_at(echo);
        *s.current_mut() = 1;
        assert_eq!(
            s.poll_timeout(echo, timing(true)),
            Some(echo + ANSWER_QUIET)
        );
        assert!(s.tick(echo + ANSWER_QUIET, timing(true)).is_some());
        // Output that keeps coming after the next key (a flood) never pauses: the
        // collection delay after the input applies, as before.
        let input = t0 + 2000 * MS;
        s.peer_input(input);
        for (i, value) in (2u8..14).enumerate() {
            let now = input + Duration::from_micros(700 * i as u64);
            s.changed_at(now);
            *s.current_mut() = value;
            let wake = s.poll_timeout(now, timing(true)).unwrap();
            assert_eq!(wake, (now + ANSWER_QUIET).min(input + 8 * MS));
            assert!(wake > now, "nothing due while output keeps coming");
        }
    }

    #[test]
    fn frames_answering_input_skip_the_frame_interval_twice_then_pacing_resumes() {
        // A server under a flood on a slow link: a frame every 250 ms.
        let t0 = Instant::now();
        let mut s = StateSender::new(0u8, 8 * MS, t0);
        s.tick(t0, timing(true)).unwrap();
        *s.current_mut() = 1;
        s.poll_timeout(t0 + 10 * MS, timing(true));
        assert!(s.tick(t0 + 250 * MS, timing(true)).is_some());
        // Input arrives 20 ms after that frame; the program answers 2 ms later.
        s.peer_input(t0 + 270 * MS);
        *s.current_mut() = 2;
        assert_eq!(
            s.poll_timeout(t0 + 272 * MS, timing(true)),
            Some(t0 + 280 * MS),
            "after the collection delay, not at the next frame slot (t0 + 500 ms)"
        );
        assert!(s.tick(t0 + 280 * MS, timing(true)).is_some());
        // A moment later the prompt: the second answering frame.
        *s.current_mut() = 3;
        assert_eq!(
            s.poll_timeout(t0 + 290 * MS, timing(true)),
            Some(t0 + 298 * MS)
        );
        assert!(s.tick(t0 + 298 * MS, timing(true)).is_some());
        // More output: paced again.
        *s.current_mut() = 4;
        assert_eq!(
            s.poll_timeout(t0 + 300 * MS, timing(true)),
            Some(t0 + 548 * MS)
        );
        // And input long ago does not count.
        s.peer_input(t0 + 300 * MS);
        assert_eq!(
            s.poll_timeout(t0 + 450 * MS, timing(true)),
            Some(t0 + 548 * MS)
        );
    }

    #[test]
    fn the_frame_interval_paces_data_not_acknowledgements() {
        let t0 = Instant::now();
        let mut s = sender(t0);
        // A heartbeat (or an ack of the peer's screen) goes out at t0…
        assert!(s.tick(t0, timing(true)).unwrap().diff.is_empty());
        // …and a keystroke 10 ms later leaves after the collection delay (1 ms
        // here), not at t0 + 250 ms.
        s.current_mut().push_keys(b"a");
        assert_eq!(
            s.poll_timeout(t0 + 10 * MS, timing(true)),
            Some(t0 + 11 * MS)
        );
        assert!(!s.tick(t0 + 11 * MS, timing(true)).unwrap().diff.is_empty());
        // The next keystroke is paced after that data send.
        s.current_mut().push_keys(b"b");
        assert_eq!(
            s.poll_timeout(t0 + 20 * MS, timing(true)),
            Some(t0 + 261 * MS)
        );
    }

    impl SyncState for u8 {
        type ApplyError = std::convert::Infallible;
        fn diff_from(&self, base: &Self) -> Vec<u8> {
            if self == base {
                Vec::new()
            } else {
                vec![*self]
            }
        }
        fn apply(&mut self, diff: &[u8]) -> Result<(), Self::ApplyError> {
            if let Some(&value) = diff.first() {
                *self = value;
            }
            Ok(())
        }
    }
}
