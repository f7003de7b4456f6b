//! One side of an SSP session as a sans-IO state machine: datagrams and the time come
//! in, datagrams to send and the next wake-up time go out (protocol.md §4–§13).
//!
//! The caller's loop, whatever drives it (tokio, a simulator, an app runtime):
//! 1. feed every arriving datagram to [`Transport::handle_datagram`], and change the local
//!    state through [`Transport::current_mut`];
//! 2. call [`Transport::poll_transmit`] until it returns `None`, sending each datagram
//!    from the socket it names, and handle [`Transport::poll_event`]s (open or close
//!    a socket);
//! 3. sleep until [`Transport::poll_timeout`] or the next input, then go to 1.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::clock::PeerClock;
use super::connection::{Connection, Event, SocketId};
use super::constants::{ACTIVE_RETRY_TIMEOUT, CLIENT_MIN_DELAY, SERVER_MIN_DELAY};
use super::receiver::{Rebuilt, StateOutcome, StateReceiver, StateStats};
use super::resync::{Adoption, Verdict};
use super::sender::{SendTiming, StateSender};
use super::state::SyncState;
use crate::crypto::{Role, SeqOutOfRange, SequencePlan, SessionCipher};
use crate::protocol::codec::{
    Assembly, AssemblyError, InstructionReceiver, InstructionSender, ReceiveError, ReceiveStats,
    SendError,
};
use crate::protocol::proto::instruction::{MAX_CHAFF_LEN, random_chaff};
use crate::protocol::proto::{Instruction, PROTOCOL_VERSION, Resume, Resync, SHUTDOWN_STATE_NUM};

/// A datagram to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transmit {
    /// Where to.
    pub destination: SocketAddr,
    /// From which of the driver's sockets.
    pub socket: SocketId,
    /// The UDP payload.
    pub payload: Vec<u8>,
}

/// What a received datagram did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// False for a late or replayed datagram (used for content only).
    pub in_order: bool,
    /// What became of the instruction it carried a fragment of.
    pub incoming: Incoming,
}

/// The instruction part of a [`Receipt`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incoming {
    /// More fragments are needed.
    Pending,
    /// The instruction was complete; this is what its state did.
    State(StateOutcome),
    /// The instruction could not be assembled, inflated or parsed.
    Rejected(AssemblyError),
    /// The resync extension: another process of the session took it over, the one
    /// with this fork. On the server: a datagram from a process it no longer
    /// follows, dropped unread. On the client: the server's word that it follows
    /// another process (this one is superseded).
    Superseded(u64),
}

impl Receipt {
    /// Whether the peer's newest state changed number (the app should look at
    /// [`Transport::remote_state`]; on the server, read the new user events now).
    pub fn new_remote_state(&self) -> bool {
        matches!(self.incoming, Incoming::State(StateOutcome::Newest { .. }))
    }
}

/// Traffic counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TransportStats {
    /// Datagrams handed out by [`Transport::poll_transmit`].
    pub datagrams_sent: u64,
    /// Their UDP payload bytes.
    pub bytes_sent: u64,
    /// Instructions sent (a multi-fragment one counts once).
    pub instructions_sent: u64,
    /// Datagrams given to [`Transport::handle_datagram`], authentic or not.
    pub datagrams_received: u64,
    /// Their UDP payload bytes.
    pub bytes_received: u64,
    /// What the datagram pipeline accepted and dropped.
    pub datagrams: ReceiveStats,
    /// What became of the received states.
    pub states: StateStats,
    /// The server: datagrams dropped because they came from a client process
    /// another one took over from (the resync extension).
    pub superseded: u64,
}

/// What a transport must keep to continue its session in a new process (a snapshot
/// stores it).
///
/// The process may go on sending after the point was taken, so a resumed sender must
/// not simply continue from `next_seq`: a restore makes a new
/// [`SequencePlan`](crate::crypto::SequencePlan) above it (a repeated sequence number
/// reuses a nonce; `crypto/sequence_plan.rs`), and numbers its states above
/// `last_num` and that plan (a repeated state number makes the peer drop the new state
/// as a duplicate). The peer must also still hold
/// `acknowledged_num`, which it does as long as the process sent no instruction
/// announcing a newer acknowledged state after the point was taken.
#[derive(Debug, Clone, PartialEq)]
pub struct ResumePoint<L, R> {
    /// Which side.
    pub role: Role,
    /// The sequence number the next datagram would use.
    pub next_seq: u64,
    /// The distance between two of our sequence numbers.
    pub seq_stride: u64,
    /// One more than the peer's highest in-order sequence number: datagrams below it
    /// are late.
    pub remote_next_seq: u64,
    /// The id the next instruction would use.
    pub next_instruction_id: u64,
    /// Our newest state the peer acknowledged, and its number.
    pub acknowledged_num: u64,
    /// Its content.
    pub acknowledged: L,
    /// The highest state number we used: new states are numbered above it.
    pub last_num: u64,
    /// Our live state.
    pub current: L,
    /// The peer's newest state we hold, and its number.
    pub remote_num: u64,
    /// Its content.
    pub remote: R,
    /// The client: the server's address. The server: the client's last address.
    pub remote_address: Option<SocketAddr>,
}

/// One side of a session. `L` is the state we send, `R` the state we receive: the
/// client is a `Transport<UserStream, Terminal>`, the server the reverse.
#[derive(Debug)]
pub struct Transport<L: SyncState, R: SyncState> {
    role: Role,
    encoder: InstructionSender,
    decoder: InstructionReceiver,
    sender: StateSender<L>,
    receiver: StateReceiver<R>,
    clock: PeerClock,
    connection: Connection,
    queue: VecDeque<Transmit>,
    /// When the state machine next wants to run, as of `last_now`; `stale` means an
    /// input arrived since, so the caller must run it at once.
    wake: Option<Instant>,
    stale: bool,
    last_now: Instant,
    stats: TransportStats,
    shutdown_ack_sent: bool,
    /// State of a seeded chaff generator; `None` draws chaff from the OS.
    chaff_seed: Option<u64>,
    /// An instruction was too large to send since the last `take_oversized_send`.
    oversized_send: bool,
    /// New remote states are refused (the owner cannot take more input now).
    paused: bool,
    /// The server: the client process it follows (the resync extension).
    adoption: Adoption,
    /// The server: set when it adopted a restored client process, to the index of
    /// that process's first own input event (see [`Transport::take_resumed_from`]).
    resumed_from: Option<u64>,
    /// The client: what a restored process says in each instruction until the
    /// server acknowledges one of its states.
    resume: Option<Resume>,
}

impl<L: SyncState, R: SyncState> Transport<L, R> {
    /// The client side of a fresh session with the server at `server`. Its first
    /// poll sends at once.
    pub fn client(
        cipher: Arc<SessionCipher>,
        local_initial: L,
        remote_initial: R,
        server: SocketAddr,
        now: Instant,
    ) -> Self {
        Self::client_planned(
            cipher,
            local_initial,
            remote_initial,
            server,
            now,
            SequencePlan::FROM_ZERO,
        )
    }

    /// [`Transport::client`] whose datagram sequence numbers follow `plan` and whose
    /// instruction ids start at its first number: a real client's plan starts above
    /// every number an earlier process of its key can have sent
    /// (`crypto/sequence_plan.rs`).
    pub fn client_planned(
        cipher: Arc<SessionCipher>,
        local_initial: L,
        remote_initial: R,
        server: SocketAddr,
        now: Instant,
        plan: SequencePlan,
    ) -> Self {
        let connection = Connection::client(server, SocketId(0), now);
        let encoder = InstructionSender::planned(cipher.clone(), Role::Client, plan, plan.first());
        Self::assemble(
            Role::Client,
            encoder,
            InstructionReceiver::new(cipher, Role::Client),
            StateSender::new(local_initial, CLIENT_MIN_DELAY, now),
            StateReceiver::new(remote_initial),
            connection,
            now,
        )
    }

    /// The server side of a fresh session; it sends nothing until it hears from the
    /// client. Its socket is [`SocketId::SERVER`].
    pub fn server(
        cipher: Arc<SessionCipher>,
        local_initial: L,
        remote_initial: R,
        now: Instant,
    ) -> Self {
        Self::assemble(
            Role::Server,
            InstructionSender::new(cipher.clone(), Role::Server),
            InstructionReceiver::new(cipher, Role::Server),
            StateSender::new(local_initial, SERVER_MIN_DELAY, now),
            StateReceiver::new(remote_initial),
            Connection::server(None),
            now,
        )
    }

    /// Continues a session from a [`ResumePoint`] taken earlier (possibly in another
    /// process). A resumed client sends at once, so the server hears its new address.
    pub fn resuming(
        cipher: Arc<SessionCipher>,
        point: ResumePoint<L, R>,
        now: Instant,
    ) -> Result<Self, SeqOutOfRange> {
        let role = point.role;
        let plan = SequencePlan::continuing(point.next_seq, point.seq_stride)?;
        let encoder =
            InstructionSender::planned(cipher.clone(), role, plan, point.next_instruction_id);
        let min_delay = match role {
            Role::Client => CLIENT_MIN_DELAY,
            Role::Server => SERVER_MIN_DELAY,
        };
        let sender = StateSender::resuming(
            point.acknowledged_num,
            point.acknowledged,
            point.last_num,
            point.current,
            min_delay,
            now,
        );
        let connection = match (role, point.remote_address) {
            (Role::Client, Some(server)) => Connection::client(server, SocketId(0), now),
            (_, remote) => Connection::server(remote),
        };
        Ok(Self::assemble(
            role,
            encoder,
            InstructionReceiver::resuming(cipher, role, point.remote_next_seq),
            sender,
            StateReceiver::resuming(point.remote_num, point.remote),
            connection,
            now,
        ))
    }

    fn assemble(
        role: Role,
        encoder: InstructionSender,
        decoder: InstructionReceiver,
        sender: StateSender<L>,
        receiver: StateReceiver<R>,
        connection: Connection,
        now: Instant,
    ) -> Self {
        Self {
            role,
            encoder,
            decoder,
            sender,
            receiver,
            clock: PeerClock::new(now),
            connection,
            queue: VecDeque::new(),
            wake: None,
            stale: true,
            last_now: now,
            stats: TransportStats::default(),
            shutdown_ack_sent: false,
            chaff_seed: None,
            oversized_send: false,
            paused: false,
            adoption: Adoption::default(),
            resumed_from: None,
            resume: None,
        }
    }

    /// The values a snapshot needs; `None` once sequence numbers are exhausted.
    pub fn resume_point(&self) -> Option<ResumePoint<L, R>> {
        let (acknowledged_num, acknowledged) = self.sender.acknowledged();
        Some(ResumePoint {
            role: self.role,
            next_seq: self.encoder.next_seq()?,
            seq_stride: self.encoder.seq_stride(),
            remote_next_seq: self.decoder.expected_seq(),
            next_instruction_id: self.encoder.next_instruction_id(),
            acknowledged_num,
            acknowledged: acknowledged.clone(),
            last_num: self.sender.last_num(),
            current: self.sender.current().clone(),
            remote_num: self.receiver.newest_num(),
            remote: self.receiver.newest().clone(),
            remote_address: self.connection.remote(),
        })
    }

    /// Which side this is.
    pub fn role(&self) -> Role {
        self.role
    }

    /// Processes one UDP payload that arrived from `from` on `socket`.
    ///
    /// Datagrams that fail authentication or carry our own direction are dropped and
    /// counted, and change nothing. A late datagram's content is used, but it moves
    /// neither the clock echo, the RTT, the last-heard time nor the peer address.
    pub fn handle_datagram(
        &mut self,
        now: Instant,
        datagram: &[u8],
        from: SocketAddr,
        socket: SocketId,
    ) -> Result<Receipt, ReceiveError> {
        self.touch(now);
        self.stats.datagrams_received += 1;
        self.stats.bytes_received += datagram.len() as u64;
        let received = self.decoder.receive(datagram)?;
        if self.role == Role::Server
            && let Verdict::Superseded { fork, notify } =
                self.adoption.judge(received.seq, from, now)
        {
            // Nothing of it is used: not its address, its acknowledgements or its
            // input (a superseded phone's keys must not reach the shell, nor its
            // close end the session).
            self.stats.superseded += 1;
            if notify {
                self.queue_superseded_notice(fork, from, socket, now);
            }
            return Ok(Receipt {
                in_order: false,
                incoming: Incoming::Superseded(fork),
            });
        }
        if received.in_order {
            self.clock
                .on_in_order(now, received.timestamp, received.timestamp_reply);
            self.sender.peer_heard(now);
        }
        let remote_before = self.connection.remote();
        self.connection
            .on_authentic(now, from, socket, received.in_order);
        // A client heard from a new address (it roamed, or its app reported a network
        // change and moved to a fresh socket): answer at once, so it learns that the
        // new path works within one round trip instead of at our next heartbeat (up
        // to 3 s later when the screen is idle). One datagram per roam.
        if self.role == Role::Server
            && remote_before.is_some()
            && self.connection.remote() != remote_before
        {
            self.sender.send_now(now);
        }
        let incoming = match received.assembly {
            Assembly::Pending => Incoming::Pending,
            Assembly::Rejected(error) => Incoming::Rejected(error),
            Assembly::Complete(instruction) => {
                self.take_instruction(now, &instruction, received.in_order, received.seq)
            }
        };
        Ok(Receipt {
            in_order: received.in_order,
            incoming,
        })
    }

    /// A complete, authentic instruction: its acknowledgement, the resync
    /// extension's fields, then its state.
    fn take_instruction(
        &mut self,
        now: Instant,
        instruction: &Instruction,
        in_order: bool,
        seq: u64,
    ) -> Incoming {
        let rebuilt = match (self.role, &instruction.resume, &instruction.resync) {
            (Role::Server, Some(resume), _) => {
                match self.take_resume(now, instruction, resume, in_order, seq) {
                    Some(rebuilt) => rebuilt,
                    // Not (yet) the process the server follows: its state waits, as
                    // after a loss, until an in-order datagram of it is adopted.
                    None => return Incoming::State(StateOutcome::MissingBase),
                }
            }
            (Role::Client, _, Some(resync)) => {
                if let Some(fork) = resync.superseded_by
                    && fork > self.sender.last_num()
                {
                    return Incoming::Superseded(fork);
                }
                match resync.reset {
                    Some(true) => R::rebuilt_base(0).map_or(Rebuilt::None, Rebuilt::InPlace),
                    _ => Rebuilt::None,
                }
            }
            _ => Rebuilt::None,
        };
        self.sender.process_ack(instruction.ack_num);
        // Once the server holds one of this process's states it follows this process,
        // and the resume field has said what it had to.
        if let Some(fork) = self.resume.and_then(|resume| resume.fork)
            && self.sender.acknowledged().0 > fork
        {
            self.resume = None;
        }
        let outcome = self
            .receiver
            .receive_rebuilding(now, instruction, self.paused, rebuilt);
        if outcome == (StateOutcome::Newest { changed: true }) {
            self.sender.schedule_data_ack(now);
            if self.role == Role::Server {
                self.sender.peer_input(now);
            }
        }
        Incoming::State(outcome)
    }

    /// The server: a restored client process speaks. It is adopted if new, and if
    /// it holds none of the states we keep, our diffs go from the reset base until it
    /// acknowledges one; its diffs from the snapshot's base apply to a base rebuilt
    /// from what it says. `None`: not the process the server follows (its state is
    /// not taken: applied before the adoption, its input would be read from the
    /// wrong event, and read again once adopted).
    fn take_resume(
        &mut self,
        now: Instant,
        instruction: &Instruction,
        resume: &Resume,
        in_order: bool,
        seq: u64,
    ) -> Option<Rebuilt<R>> {
        if in_order {
            if let Some(fork_events) = self.adoption.adopt(resume, seq) {
                self.resumed_from = Some(fork_events);
                self.sender.presume_nothing_sent_before(now);
            }
            if !self.sender.resetting()
                && !self.sender.holds(instruction.ack_num)
                && instruction.ack_num != SHUTDOWN_STATE_NUM
                && let Some(base) = L::rebuilt_base(0)
            {
                self.sender.reset_to(base, now);
            }
        }
        let fork = resume.fork?;
        if !self.adoption.follows(fork) {
            return None;
        }
        // Only a base from before the restore is rebuilt from the count: the
        // process's own states (above its fork) are diffed against as usual, and one
        // missing is missing (a lost or late datagram), never rebuilt with the
        // snapshot's count.
        if instruction.old_num > fork {
            return Some(Rebuilt::None);
        }
        Some(
            resume
                .checked_base_events()
                .and_then(R::rebuilt_base)
                .map_or(Rebuilt::None, Rebuilt::IfMissing),
        )
    }

    /// The server: tells a superseded client process which one took over, in an
    /// instruction that changes nothing else, sent to where it came from.
    fn queue_superseded_notice(
        &mut self,
        fork: u64,
        to: SocketAddr,
        socket: SocketId,
        now: Instant,
    ) {
        let (acknowledged, _) = self.sender.acknowledged();
        let instruction = Instruction {
            protocol_version: PROTOCOL_VERSION,
            old_num: acknowledged,
            new_num: acknowledged,
            ack_num: self.receiver.newest_num(),
            throwaway_num: acknowledged,
            diff: Vec::new(),
            chaff: self.next_chaff(),
            resume: None,
            resync: Some(Resync::superseded_notice(fork)),
        };
        let timestamp = self.clock.now16(now);
        // A notice that cannot be sealed (sequence numbers used up) is not sent; the
        // superseded process stays unanswered, as before the extension.
        let Ok(datagrams) =
            self.encoder
                .encode(&instruction, self.connection.mtu(), Some(timestamp), None)
        else {
            return;
        };
        self.queue_datagrams(datagrams, to, socket);
    }

    /// Queues sealed datagrams for `destination`, counted as sent.
    fn queue_datagrams(
        &mut self,
        datagrams: Vec<Vec<u8>>,
        destination: SocketAddr,
        socket: SocketId,
    ) {
        for payload in datagrams {
            self.stats.datagrams_sent += 1;
            self.stats.bytes_sent += payload.len() as u64;
            self.queue.push_back(Transmit {
                destination,
                socket,
                payload,
            });
        }
    }

    /// The server: the index of the first input event of its own of a restored
    /// client process adopted since the last call (its events from there on are new
    /// to the session, whatever earlier processes sent after its snapshot).
    pub fn take_resumed_from(&mut self) -> Option<u64> {
        self.resumed_from.take()
    }

    /// The client: whether this process still says it continues from a snapshot
    /// (no state of its own acknowledged yet).
    pub fn resume_pending(&self) -> bool {
        self.resume.is_some()
    }

    /// The client: this process continues the session from a snapshot; every
    /// instruction says so until the server acknowledges one of its states.
    pub fn set_resume(&mut self, resume: Resume) {
        self.resume = Some(resume);
    }

    /// The next datagram to send at `now`, if any. Call until `None` after every
    /// input and at every wake-up.
    pub fn poll_transmit(&mut self, now: Instant) -> Result<Option<Transmit>, SendError> {
        if self.queue.is_empty() {
            self.tick(now)?;
        }
        Ok(self.queue.pop_front())
    }

    /// The next socket to open or close, or a change worth logging.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.connection.poll_event()
    }

    /// When to wake up next if nothing arrives: `None` means only an input can give
    /// the transport something to do (a server without a client, a finished
    /// shutdown). After an input not yet followed by [`Transport::poll_transmit`],
    /// this is the time of that input: run at once.
    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.stale || !self.queue.is_empty() {
            Some(self.last_now)
        } else {
            self.wake
        }
    }

    fn touch(&mut self, now: Instant) {
        self.stale = true;
        self.last_now = self.last_now.max(now);
    }

    fn timing(&self, now: Instant) -> SendTiming {
        SendTiming {
            rto: self.clock.rto(),
            send_interval: self.clock.send_interval(),
            fresh: self
                .receiver
                .last_new_state()
                .is_some_and(|at| now.saturating_duration_since(at) < ACTIVE_RETRY_TIMEOUT),
            peer_shutting_down: self.receiver.newest_num() == SHUTDOWN_STATE_NUM,
            back_off_when_unanswered: self.role == Role::Server,
            probe_silent_peer: self.role == Role::Client,
        }
    }

    fn tick(&mut self, now: Instant) -> Result<(), SendError> {
        self.touch(now);
        self.stale = false;
        let Some((destination, socket)) = self.connection.path(now) else {
            self.wake = None;
            return Ok(());
        };
        let timing = self.timing(now);
        if let Some(outgoing) = self.sender.tick(now, timing) {
            let instruction = Instruction {
                protocol_version: PROTOCOL_VERSION,
                old_num: outgoing.old_num,
                new_num: outgoing.new_num,
                ack_num: self.receiver.newest_num(),
                throwaway_num: outgoing.throwaway_num,
                diff: outgoing.diff,
                chaff: self.next_chaff(),
                resume: self.resume,
                resync: outgoing.from_reset.then(Resync::from_reset_base),
            };
            let timestamp = self.clock.now16(now);
            let reply = self.clock.take_echo(now);
            let encoded =
                self.encoder
                    .encode(&instruction, self.connection.mtu(), Some(timestamp), reply);
            let datagrams = match encoded {
                Ok(datagrams) => datagrams,
                // Never fatal: the send counts as lost (the state keeps its number, as
                // after a loss), and the owner is told to make a smaller state
                // (`take_oversized_send`).
                Err(SendError::InstructionTooLarge(len)) => {
                    tracing::warn!(len, "instruction over the size limit not sent");
                    self.oversized_send = true;
                    Vec::new()
                }
                Err(error) => return Err(error),
            };
            self.stats.instructions_sent += 1;
            self.queue_datagrams(datagrams, destination, socket);
            if instruction.ack_num == SHUTDOWN_STATE_NUM {
                self.shutdown_ack_sent = true;
            }
            if self.role == Role::Client {
                self.connection
                    .after_send(now, self.sender.last_round_trip_success());
            }
        }
        self.wake = self.sender.poll_timeout(now, timing);
        Ok(())
    }

    /// While `paused`, new states from the peer are refused and not acknowledged
    /// (acknowledgements of ours, addresses and round trips are still taken): the
    /// peer resends them once we resume, as after a loss. The server pauses while the
    /// program does not read the input it already has, so a paste into a program
    /// that stopped reading waits on the client instead of filling server memory.
    pub fn pause_new_remote_states(&mut self, paused: bool) {
        self.paused = paused;
    }

    /// Whether an instruction was too large to send (over the 4 MiB limit) since the
    /// last call: it was dropped like a lost datagram, and a smaller state is needed.
    pub fn take_oversized_send(&mut self) -> bool {
        std::mem::take(&mut self.oversized_send)
    }

    /// Makes the chaff deterministic, drawn from `seed`, so that a simulation with
    /// the same inputs sends datagrams of the same sizes (fragment counts depend on
    /// them). For tests only (feature `test-hooks`): predictable chaff no longer
    /// hides lengths.
    #[cfg(any(test, feature = "test-hooks"))]
    pub fn use_seeded_chaff(&mut self, seed: u64) {
        self.chaff_seed = Some(seed | 1);
    }

    fn next_chaff(&mut self) -> Vec<u8> {
        let Some(state) = &mut self.chaff_seed else {
            // Chaff only hides lengths; without OS randomness we send none.
            return random_chaff().unwrap_or_default();
        };
        let mut next = || {
            *state ^= *state << 13;
            *state ^= *state >> 7;
            *state ^= *state << 17;
            *state
        };
        let len = (next() % (MAX_CHAFF_LEN as u64 + 1)) as usize;
        (0..len).map(|_| next() as u8).collect()
    }

    /// Our live state.
    pub fn current(&self) -> &L {
        self.sender.current()
    }

    /// Our live state, to change it. During our shutdown changes are still sent.
    pub fn current_mut(&mut self) -> &mut L {
        self.stale = true;
        self.sender.current_mut()
    }

    /// Replaces our live state.
    pub fn set_current(&mut self, state: L) {
        *self.current_mut() = state;
    }

    /// Replaces our live state with one that changed at `now`: a frame answering the
    /// peer's input goes once such changes pause (see
    /// [`ANSWER_QUIET`](super::constants::ANSWER_QUIET)).
    pub fn set_current_at(&mut self, state: L, now: Instant) {
        self.sender.changed_at(now);
        self.set_current(state);
    }

    /// The peer's newest state.
    pub fn remote_state(&self) -> &R {
        self.receiver.newest()
    }

    /// The number of the peer's newest state (u64 max once it shuts down).
    pub fn remote_state_num(&self) -> u64 {
        self.receiver.newest_num()
    }

    /// The number of our newest state the peer acknowledged.
    pub fn acknowledged_num(&self) -> u64 {
        self.sender.acknowledged().0
    }

    /// Our newest state the peer acknowledged.
    pub fn acknowledged_state(&self) -> &L {
        self.sender.acknowledged().1
    }

    /// The number of our newest state handed out for sending (keystrokes pushed now
    /// travel in a later one; the prediction engine's "frame sent").
    pub fn last_sent_state_num(&self) -> u64 {
        self.sender.last_num()
    }

    /// When the newest state the peer acknowledged was sent (for "last reply").
    pub fn last_acknowledged_send(&self) -> Option<Instant> {
        self.sender.last_round_trip_success()
    }

    /// How many of our sent states are kept (acknowledged one included); bounded.
    pub fn sent_states_len(&self) -> usize {
        self.sender.sent_len()
    }

    /// How many of the peer's states are kept.
    pub fn received_states_len(&self) -> usize {
        self.receiver.len()
    }

    /// The OS network changed (new interface or route, app back from the
    /// background): the client moves to a fresh socket, and either side sends at once
    /// instead of waiting for a timer.
    pub fn network_changed(&mut self, now: Instant) {
        self.touch(now);
        self.connection.network_changed(now);
        self.sender.send_now(now);
    }

    /// Client: send to `server` from now on (another address of the same host), from a
    /// fresh socket, at once. Sequence and state numbers go on, so no nonce repeats.
    pub fn retarget(&mut self, server: SocketAddr, now: Instant) {
        self.touch(now);
        if self.connection.retarget(server, now) {
            self.sender.send_now(now);
        }
    }

    /// The OS refused a datagram as too large (EMSGSIZE): use the 500-byte MTU.
    pub fn report_message_too_large(&mut self) {
        self.connection.message_too_large();
    }

    /// Starts our shutdown (§13).
    pub fn start_shutdown(&mut self, now: Instant) {
        self.touch(now);
        self.sender.start_shutdown(now);
    }

    /// Whether our shutdown has started.
    pub fn shutdown_in_progress(&self) -> bool {
        self.sender.shutdown_in_progress()
    }

    /// Whether the peer acknowledged our shutdown: a clean exit.
    pub fn shutdown_acknowledged(&self) -> bool {
        self.sender.shutdown_acknowledged()
    }

    /// Whether our shutdown went unacknowledged for 16 sends or 10 s: exit anyway.
    pub fn shutdown_gave_up(&self, now: Instant) -> bool {
        self.sender.shutdown_gave_up(now)
    }

    /// Whether the peer started its shutdown.
    pub fn peer_shutdown_requested(&self) -> bool {
        self.receiver.newest_num() == SHUTDOWN_STATE_NUM
    }

    /// Whether we acknowledged the peer's shutdown: the peer may now exit, and so
    /// may we.
    pub fn shutdown_ack_sent(&self) -> bool {
        self.shutdown_ack_sent
    }

    /// Counters since creation.
    pub fn stats(&self) -> TransportStats {
        TransportStats {
            datagrams: self.decoder.stats(),
            states: self.receiver.stats(),
            ..self.stats
        }
    }

    /// Smoothed round-trip time (1 s before the first sample).
    pub fn srtt(&self) -> Duration {
        self.clock.srtt()
    }

    /// Retransmission timeout.
    pub fn rto(&self) -> Duration {
        self.clock.rto()
    }

    /// Interval between frames.
    pub fn send_interval(&self) -> Duration {
        self.clock.send_interval()
    }

    /// When an in-order authentic datagram last arrived.
    pub fn last_heard(&self) -> Option<Instant> {
        self.connection.last_heard()
    }

    /// When the peer's newest state arrived.
    pub fn last_new_remote_state(&self) -> Option<Instant> {
        self.receiver.last_new_state()
    }

    /// Where the newest in-order authentic datagram came from.
    pub fn heard_from(&self) -> Option<SocketAddr> {
        self.connection.heard_from()
    }

    /// Where datagrams go (the server's idea of the client address).
    pub fn remote_address(&self) -> Option<SocketAddr> {
        self.connection.remote()
    }

    /// Server: whether it stopped sending to a silent client.
    pub fn is_detached(&self) -> bool {
        self.connection.is_detached()
    }

    /// Client: the open sockets, oldest first (the last one sends).
    pub fn sockets(&self) -> impl Iterator<Item = SocketId> + '_ {
        self.connection.sockets()
    }
}
