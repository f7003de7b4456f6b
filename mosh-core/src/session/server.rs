//! The server side of a session, sans-IO (`protocol.md` §10.8, §11, §13, §15;
//! `terminal.md` §13.3, §14): user keystrokes and resizes in, bytes and window sizes
//! for the pty out; pty output in, screen states to the client out.
//!
//! It is an [`Endpoint`], so the shared UDP driver (`crate::driver::UdpDriver`)
//! moves its datagrams, as it does the client's. The daemon around it owns the pty:
//! it passes pty output to [`ServerSession::pty_output`], writes
//! [`ServerSession::take_pty_input`] to the pty and applies
//! [`ServerSession::take_window_size`], and stops when [`ServerSession::exit`] says so.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::crypto::Role;
use crate::crypto::SessionCipher;
use crate::protocol::codec::{ReceiveError, SendError};
use crate::protocol::proto::{UserEvent, WindowSize};
use crate::protocol::ssp::{
    EchoAckTracker, Endpoint, Event, Receipt, SocketId, Transmit, Transport, TransportStats,
    UserStream,
};
use crate::terminal::Emulator;
use crate::terminal::keyboard::CursorKeyTranslator;

use super::scrollback::server_log::{MAX_HISTORY_BYTES_PER_STATE, MAX_LINES_PER_STATE};
use super::scrollback::{ScrollLog, ScrollbackPart};
use super::terminal_state::TerminalState;
use crate::protocol::proto::scrollback::CAPABILITY_REANNOUNCED;
use crate::protocol::ssp::constants::INPUT_RESPONSE_WINDOW;

/// A server with no client state this long after start gives up (`protocol.md` §15.3).
pub const FIRST_CLIENT_TIMEOUT: Duration = Duration::from_secs(60);

/// Why the server session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerExit {
    /// Our shutdown (the program exited, a signal) was acknowledged by the client.
    ShutdownAcknowledged,
    /// Our shutdown went unacknowledged for 16 datagrams or 10 s.
    ShutdownTimedOut,
    /// The client shut down and we acknowledged it.
    ClientShutDown,
    /// No client ever connected within [`FIRST_CLIENT_TIMEOUT`].
    NoClient,
    /// The program exited before any client attached: nobody to tell.
    ProgramExitedUnattached,
}

/// Configuration from the environment (`protocol.md` §15.4).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ServerTimeouts {
    /// `MOSH_SERVER_NETWORK_TMOUT`: shut down once the newest client state is older.
    pub network: Option<Duration>,
    /// `MOSH_SERVER_SIGNAL_TMOUT`: SIGUSR1 only ends the session if the newest client
    /// state is at least this old.
    pub signal: Option<Duration>,
}

/// One server session.
#[derive(Debug)]
pub struct ServerSession {
    transport: Transport<TerminalState, UserStream>,
    emulator: Emulator,
    translator: CursorKeyTranslator,
    echo_acks: EchoAckTracker,
    /// How many user events have been applied.
    applied: u64,
    pty_input: Vec<u8>,
    window_size: Option<WindowSize>,
    started: Instant,
    timeouts: ServerTimeouts,
    program_exited: bool,
    exit: Option<ServerExit>,
    /// The client has sent at least one state (the program may be released).
    attached_once: bool,
    /// The scrollback extension's lines, once the client announced it.
    scroll_log: Option<ScrollLog>,
    /// When the client's input last arrived: frames answering it carry no new
    /// scrollback lines (see [`ServerSession::scrollback_part`]).
    input_at: Option<Instant>,
    /// After a state too large to send: until then, states are sent plain (see
    /// [`PLAIN_FRAMES_FOR`]).
    plain_until: Option<Instant>,
    /// The log's end when states were last built, and when it last grew: a burst
    /// of output holds history back (see [`ServerSession::scrollback_part`]).
    log_end_seen: u64,
    log_grew_at: Option<Instant>,
    /// The current [`BURST_QUIET`] window (its start and the log's end then), and
    /// how many lines scrolled off in the window before it: the burst's rate.
    burst_window: Option<(Instant, u64)>,
    lines_last_window: u64,
    /// When the last state's held-back history may go (a burst's end, the end of
    /// the input window or of plain states): the session wakes then to send it.
    history_held_until: Option<Instant>,
}

/// A burst is output that scrolls off more lines in this long than a state carries or
/// the client keeps; while one runs, states carry the screen alone, and the history
/// (the newest lines the client keeps) follows when the output stops scrolling lines
/// for this long. A flood's lines would otherwise be encoded, sent and applied only
/// to be pushed out of the client's bound by the next ones. Steady output slower than
/// that (a busy `tail -f`) streams its history as it comes.
const BURST_QUIET: Duration = Duration::from_millis(100);

/// After a state whose instruction was over the 4 MiB limit (a screen of hundreds of
/// thousands of cells, each in colours of its own), states go without colours and
/// attributes and without new history lines for this long, then full fidelity is
/// tried again. The session goes on either way; the limit is never fatal.
pub const PLAIN_FRAMES_FOR: Duration = Duration::from_secs(5);

impl ServerSession {
    /// A session whose screen starts `columns` × `rows` (the pty's initial size).
    pub fn new(
        cipher: Arc<SessionCipher>,
        columns: u16,
        rows: u16,
        timeouts: ServerTimeouts,
        now: Instant,
    ) -> Self {
        let initial = TerminalState::blank(columns, rows);
        ServerSession {
            transport: Transport::server(cipher, initial, UserStream::new(), now),
            emulator: Emulator::new(columns.into(), rows.into()),
            translator: CursorKeyTranslator::default(),
            echo_acks: EchoAckTracker::new(),
            applied: 0,
            pty_input: Vec::new(),
            window_size: None,
            started: now,
            timeouts,
            program_exited: false,
            exit: None,
            attached_once: false,
            scroll_log: None,
            input_at: None,
            plain_until: None,
            log_end_seen: 0,
            log_grew_at: None,
            burst_window: None,
            lines_last_window: 0,
            history_held_until: None,
        }
    }

    /// Processes one datagram from `from`; unauthentic ones are dropped and counted.
    pub fn handle_datagram(
        &mut self,
        now: Instant,
        datagram: &[u8],
        from: SocketAddr,
    ) -> Result<Receipt, ReceiveError> {
        let receipt = self
            .transport
            .handle_datagram(now, datagram, from, SocketId::SERVER)?;
        // A restored client process took the session over (the resync extension):
        // what earlier processes typed after its snapshot was applied, and its own
        // input from the snapshot on is new, whatever its event numbers.
        if let Some(own_from) = self.transport.take_resumed_from() {
            self.applied = self.applied.min(own_from);
        }
        if receipt.new_remote_state() {
            self.attached_once = true;
            self.apply_user_events(now);
        }
        Ok(receipt)
    }

    fn apply_user_events(&mut self, now: Instant) {
        let stream = self.transport.remote_state();
        let total = stream.len();
        if total <= self.applied {
            return;
        }
        // The newest state holds at least the events of the diff that made it, which
        // start at or before what we applied, because its base was a state we hold.
        let events = stream
            .events_since(self.applied)
            .unwrap_or_else(|forgotten| stream.events_since(forgotten.first).unwrap_or_default());
        self.applied = total;
        let num = self.transport.remote_state_num();
        let mut iter = events.into_iter().peekable();
        while let Some(event) = iter.next() {
            match event {
                UserEvent::Keys(keys) => {
                    let decckm = self.emulator.application_cursor_keys();
                    for byte in keys {
                        self.translator.translate(byte, decckm, &mut self.pty_input);
                    }
                }
                // Of consecutive resizes only the last matters (terminal.md §13.3).
                UserEvent::Resize(_) if matches!(iter.peek(), Some(UserEvent::Resize(_))) => {}
                UserEvent::Resize(size) => {
                    self.emulator.resize(size.width.into(), size.height.into());
                    self.window_size = Some(size);
                }
                // The window keeps its size (stock would end the session on 0×0).
                UserEvent::UnusableResize(bad) => {
                    tracing::debug!(?bad, "resize to an unusable size ignored");
                }
                // docs/scrollback-extension.md: from now on, lines that scroll off
                // are kept and sent.
                // A client that says how many lines it keeps gets no more than the
                // newest that many; older ones are skipped as they scroll off.
                // From version 3 a later announcement sets a new bound (the
                // client's data saver); numbers go on, skipped lines are a gap.
                UserEvent::ScrollbackCapability(announcement) => match &self.scroll_log {
                    None if announcement.version >= 1 => {
                        self.scroll_log = Some(ScrollLog::keeping(announcement.lines));
                        self.emulator.capture_scrolled_rows(true);
                    }
                    Some(log) if announcement.version >= CAPABILITY_REANNOUNCED => {
                        log.set_keep(announcement.lines);
                    }
                    _ => {}
                },
            }
        }
        self.echo_acks.record(num, now);
        self.input_at = Some(now);
    }

    /// While `paused` (the program has not read the input it was given), the
    /// client's new input is refused and not acknowledged; the client resends it
    /// once this is lifted (see [`Transport::pause_new_remote_states`]).
    pub fn pause_input(&mut self, paused: bool) {
        self.transport.pause_new_remote_states(paused);
    }

    /// The program wrote `bytes` to the pty.
    pub fn pty_output(&mut self, bytes: &[u8]) {
        self.emulator.feed(bytes);
        if let Some(log) = &self.scroll_log {
            let spent = log.push(self.emulator.take_scrolled_rows());
            self.emulator.recycle_scrolled_rows(spent);
        }
        let replies = self.emulator.take_replies();
        self.pty_input.extend_from_slice(&replies);
    }

    /// The pty reached end-of-file: the program is gone. Starts the shutdown.
    pub fn program_exited(&mut self, now: Instant) {
        if self.program_exited {
            return;
        }
        self.program_exited = true;
        // The final state: the screen frozen for the shutdown carries what history a
        // state may, whatever was held back for a burst or an answer.
        self.input_at = None;
        self.log_grew_at = None;
        self.sync_state(now);
        if self.attached_once {
            self.transport.start_shutdown(now);
        } else {
            self.exit = Some(ServerExit::ProgramExitedUnattached);
        }
    }

    /// SIGTERM or SIGINT: shut down politely if a client is attached, else at once.
    pub fn terminate(&mut self, now: Instant) {
        if self.attached_once && !self.transport.is_detached() {
            self.transport.start_shutdown(now);
        } else {
            self.exit = Some(ServerExit::ShutdownTimedOut);
        }
    }

    /// SIGUSR1: ends the session if the client has been silent for the signal timeout
    /// (always, when none is set). Returns whether it did.
    pub fn user_signal(&mut self, now: Instant) -> bool {
        let idle = self.client_idle(now);
        let qualifies = match self.timeouts.signal {
            None => true,
            Some(limit) => idle >= limit,
        };
        if qualifies {
            self.terminate(now);
        }
        qualifies
    }

    /// How long since the newest client state arrived (since start if none did).
    pub fn client_idle(&self, now: Instant) -> Duration {
        let since = self
            .transport
            .last_new_remote_state()
            .unwrap_or(self.started);
        now.saturating_duration_since(since)
    }

    /// Bytes for the pty: translated keystrokes and the emulator's answers to queries.
    pub fn take_pty_input(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.pty_input)
    }

    /// A new window size for the pty, if the client resized.
    pub fn take_window_size(&mut self) -> Option<(u16, u16)> {
        self.window_size.take().map(|s| (s.width, s.height))
    }

    /// The screen as the server sees it.
    pub fn emulator(&self) -> &Emulator {
        &self.emulator
    }

    /// Makes the transport's live state the current screen and echo ack.
    fn sync_state(&mut self, now: Instant) {
        let echo_ack = self.echo_acks.current(now);
        let plain = self.plain(now);
        if let Some(end) = self.scroll_log.as_ref().map(ScrollLog::end) {
            self.note_log_end(end, now);
        }
        let (scrollback, held_until) = self.scrollback_part(now, plain);
        self.history_held_until = held_until;
        let framebuffer = if plain {
            plain_copy(self.emulator.framebuffer())
        } else {
            self.emulator.framebuffer().clone()
        };
        let current = self.transport.current();
        if current.echo_ack() != echo_ack
            || *current.framebuffer() != framebuffer
            || *current.scrollback() != scrollback
        {
            let state = TerminalState::new(framebuffer, echo_ack).with_scrollback(scrollback);
            self.transport.set_current_at(state, now);
        }
    }

    /// Whether states are sent plain now (see [`PLAIN_FRAMES_FOR`]).
    fn plain(&self, now: Instant) -> bool {
        self.plain_until.is_some_and(|until| now < until)
    }

    /// The scrollback extension's part of the next state: lines the client has
    /// acknowledged are dropped, and a state runs at most
    /// [`MAX_LINES_PER_STATE`] lines and [`MAX_HISTORY_BYTES_PER_STATE`] bytes ahead of
    /// the acknowledged one, so every diff stays small, however wide and colourful the
    /// lines (a 4096-column line of true colours is some 80 KB). While the
    /// frames answer the client's input (the echo, the prompt after Ctrl-C) no new
    /// lines are added: history waits a moment, the answer does not wait behind a
    /// flood's history (thousands of lines to encode, send and apply). During a
    /// burst ([`BURST_QUIET`]) no new lines are added either. The second value is
    /// when lines held back may go, if any are.
    fn scrollback_part(&self, now: Instant, plain: bool) -> (ScrollbackPart, Option<Instant>) {
        let Some(log) = &self.scroll_log else {
            return (ScrollbackPart::default(), None);
        };
        let acknowledged = self.transport.acknowledged_state().scrollback().end();
        log.forget_below(acknowledged);
        // Lines dropped unsent (beyond what the client keeps) are skipped in one step:
        // the state's lines start at the oldest line still held, not 4,096 numbers at
        // a time through the gap (a state that only moves through the gap would wait
        // for a heartbeat to be sent).
        let start = log.first().max(acknowledged);
        let mut end = log.end_within(
            start,
            start + MAX_LINES_PER_STATE,
            MAX_HISTORY_BYTES_PER_STATE,
        );
        let answer_until = self
            .input_at
            .map(|at| at + INPUT_RESPONSE_WINDOW)
            .filter(|&until| now <= until);
        let plain_until = self.plain_until.filter(|_| plain);
        // Lines scrolling off faster than a state carries or the client keeps (a
        // client that keeps none has nothing to hold).
        let burst_rate = self.lines_last_window.max(
            self.burst_window
                .map_or(0, |(_, from)| log.end().saturating_sub(from)),
        );
        let burst_until = self
            .log_grew_at
            .map(|at| at + BURST_QUIET)
            .filter(|&until| {
                now < until && log.keep() > 0 && burst_rate > MAX_LINES_PER_STATE.min(log.keep())
            });
        let sent_end = self
            .transport
            .current()
            .scrollback()
            .end()
            .max(acknowledged);
        let hold_until = [answer_until, plain_until, burst_until]
            .into_iter()
            .flatten()
            .max();
        let mut held_until = None;
        if hold_until.is_some() {
            if end > sent_end {
                held_until = hold_until;
            }
            end = end.min(sent_end);
        }
        (ScrollbackPart::server(log.clone(), end), held_until)
    }

    /// Follows how fast lines scroll off, in [`BURST_QUIET`] windows.
    fn note_log_end(&mut self, end: u64, now: Instant) {
        if end > self.log_end_seen {
            self.log_end_seen = end;
            self.log_grew_at = Some(now);
        }
        match self.burst_window {
            Some((start, from)) if now.saturating_duration_since(start) >= BURST_QUIET => {
                // A window with no output between it and now counts as empty.
                let quiet = now.saturating_duration_since(start) >= 2 * BURST_QUIET;
                self.lines_last_window = if quiet { 0 } else { end.saturating_sub(from) };
                self.burst_window = Some((now, end));
            }
            Some(_) => {}
            None => self.burst_window = Some((now, end)),
        }
    }

    /// The next datagram to send, if any. Call until `None` after every input and at
    /// every wake-up.
    pub fn poll_transmit(&mut self, now: Instant) -> Result<Option<Transmit>, SendError> {
        self.check_timeouts(now);
        if self.exit.is_some() {
            return Ok(None);
        }
        // During shutdown the screen is frozen: the final state is what the client gets.
        if !self.transport.shutdown_in_progress() {
            self.sync_state(now);
        }
        let transmit = self.transport.poll_transmit(now)?;
        if self.transport.take_oversized_send() {
            self.plain_until = Some(now + PLAIN_FRAMES_FOR);
        }
        self.check_exit(now);
        Ok(transmit)
    }

    fn check_timeouts(&mut self, now: Instant) {
        if self.exit.is_some() {
            return;
        }
        if !self.attached_once
            && now.saturating_duration_since(self.started) >= FIRST_CLIENT_TIMEOUT
        {
            self.exit = Some(ServerExit::NoClient);
            return;
        }
        if let Some(limit) = self.timeouts.network
            && self.attached_once
            && self.client_idle(now) >= limit
            && !self.transport.shutdown_in_progress()
        {
            self.transport.start_shutdown(now);
        }
    }

    fn check_exit(&mut self, now: Instant) {
        if self.exit.is_some() {
            return;
        }
        if self.transport.shutdown_in_progress() {
            if self.transport.shutdown_acknowledged() {
                self.exit = Some(ServerExit::ShutdownAcknowledged);
            } else if self.transport.shutdown_gave_up(now) || self.network_timed_out(now) {
                self.exit = Some(ServerExit::ShutdownTimedOut);
            }
        } else if self.transport.peer_shutdown_requested() && self.transport.shutdown_ack_sent() {
            self.exit = Some(ServerExit::ClientShutDown);
        }
    }

    /// With a network timeout the server leaves right after its first shutdown
    /// datagram: the client is presumed unreachable (`protocol.md` §15.4).
    fn network_timed_out(&self, now: Instant) -> bool {
        self.timeouts.network.is_some_and(|limit| {
            self.client_idle(now) >= limit && self.transport.stats().datagrams_sent > 0
        })
    }

    /// When to call [`ServerSession::poll_transmit`] next if nothing arrives.
    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.exit.is_some() {
            return None;
        }
        let mut wake = self.transport.poll_timeout();
        let mut consider = |t: Option<Instant>| {
            if let Some(t) = t {
                wake = Some(wake.map_or(t, |w| w.min(t)));
            }
        };
        consider(self.echo_acks.poll_timeout());
        if !self.transport.shutdown_in_progress() {
            consider(self.history_held_until);
        }
        if !self.attached_once {
            consider(Some(self.started + FIRST_CLIENT_TIMEOUT));
        } else if let Some(limit) = self.timeouts.network
            && !self.transport.shutdown_in_progress()
        {
            let since = self
                .transport
                .last_new_remote_state()
                .unwrap_or(self.started);
            // A limit past the end of time (MOSH_SERVER_NETWORK_TMOUT=2^64-1) is never.
            consider(since.checked_add(limit));
        }
        wake
    }

    /// Why the session ended, once it has.
    pub fn exit(&self) -> Option<ServerExit> {
        self.exit
    }

    /// Whether a client has ever sent a state.
    pub fn has_attached(&self) -> bool {
        self.attached_once
    }

    /// The transport, for addresses and counters.
    pub fn transport(&self) -> &Transport<TerminalState, UserStream> {
        &self.transport
    }

    /// Traffic counters.
    pub fn stats(&self) -> TransportStats {
        self.transport.stats()
    }
}

impl Endpoint for ServerSession {
    fn handle_datagram(
        &mut self,
        now: Instant,
        datagram: &[u8],
        from: SocketAddr,
        _socket: SocketId,
    ) -> Result<Receipt, ReceiveError> {
        ServerSession::handle_datagram(self, now, datagram, from)
    }

    fn poll_transmit(&mut self, now: Instant) -> Result<Option<Transmit>, SendError> {
        ServerSession::poll_transmit(self, now)
    }

    fn poll_event(&mut self) -> Option<Event> {
        self.transport.poll_event()
    }

    fn poll_timeout(&self) -> Option<Instant> {
        ServerSession::poll_timeout(self)
    }

    fn network_changed(&mut self, now: Instant) {
        self.transport.network_changed(now);
    }

    fn report_message_too_large(&mut self) {
        self.transport.report_message_too_large();
    }

    fn retarget(&mut self, server: SocketAddr, now: Instant) {
        self.transport.retarget(server, now);
    }

    fn remote_address(&self) -> Option<SocketAddr> {
        self.transport.remote_address()
    }

    fn role(&self) -> Role {
        Role::Server
    }
}

/// `framebuffer` with every cell in the default rendition: what a plain state shows.
fn plain_copy(framebuffer: &crate::terminal::Framebuffer) -> crate::terminal::Framebuffer {
    let mut plain = framebuffer.clone();
    for row in 0..plain.height() {
        plain
            .row_mut(row)
            .set_rendition(crate::terminal::Rendition::default());
    }
    plain
}
