//! The client side of a session, sans-IO (`protocol.md` §16, `mobile-api.md`): the
//! user stream up, the complete terminal down, and the mobile lifecycle calls.
//!
//! Drive it like a [`Transport`] (it implements [`Endpoint`], so the tokio
//! [`UdpDriver`](crate::driver::UdpDriver) runs it); read the screen with
//! [`ClientSession::screen`] and what happened with [`ClientSession::poll_client_event`].

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::crypto::{Role, SequencePlan, SessionCipher, SessionKey};
use crate::protocol::codec::{ReceiveError, SendError};
use crate::protocol::proto::WindowSize;
use crate::protocol::ssp::{
    Endpoint, Event, Incoming, Receipt, SocketId, StateOutcome, Transmit, Transport,
    TransportStats, UserStream,
};
use crate::terminal::Framebuffer;

use super::scrollback::{Scrollback, ScrollbackRing};
use super::terminal_state::TerminalState;
use crate::protocol::proto::scrollback::{Announcement, CAPABILITY_REANNOUNCED};

/// The client gives up if no server state arrives this long after connecting
/// (`protocol.md` §16.2).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// The session ends as [`CloseReason::OutOfSync`] when every state the server sent
/// for this long started from a state this client does not hold. Losses cause that
/// for about one retransmission timeout (at most 1 s) until the server falls back to
/// an acknowledged base; only a client that missed states the server has since
/// forgotten (a stale snapshot restored) sees it for longer, and the server heartbeats
/// every 3 s, so it shows within this time.
pub const OUT_OF_SYNC_TIMEOUT: Duration = Duration::from_secs(10);

/// A restored client that still says so (the resync extension) waits this long
/// beyond a round trip after the server's word that it keeps none of its states,
/// before it ends as [`CloseReason::OutOfSync`]: our server may have answered the
/// first fragment of its first instruction before the rest arrived, and the whole
/// state from the reset base follows within that time. A stock server's verdict
/// stands then.
const FORGOTTEN_GRACE: Duration = Duration::from_millis(50);

/// Two such states further apart than this (twice the server's heartbeat interval)
/// start the count of [`OUT_OF_SYNC_TIMEOUT`] again: time the client spent asleep or
/// in the background is not evidence.
const OUT_OF_SYNC_GAP: Duration = Duration::from_secs(6);

/// What the app passes to connect.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// The server's address (numeric; the app resolves names).
    pub server: SocketAddr,
    /// The session key from `MOSH CONNECT`.
    pub key: SessionKey,
    /// Window width in cells.
    pub columns: u16,
    /// Window height in cells.
    pub rows: u16,
    /// The datagram sequence numbers: a lane from the wall clock's tick on for a real
    /// session, so that connecting again with a key an earlier process used (an app
    /// retrying, `mosh-client` re-run with one `MOSH_KEY`) never repeats a nonce of it
    /// (`crypto/sequence_plan.rs`); [`SequencePlan::FROM_ZERO`] in simulations.
    pub sequence: SequencePlan,
    /// Lines of scrollback the client keeps, announced to the server with the
    /// scrollback extension (docs/scrollback-extension.md), which then sends no line
    /// that cannot be among the newest this many. 0: not announced (the lines of a
    /// bulk output would travel for nothing).
    pub scrollback_lines: usize,
}

/// Why a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseReason {
    /// The server ended the session (its program exited) and we acknowledged.
    ServerExited,
    /// Our [`ClientSession::close`] was acknowledged by the server.
    Closed,
    /// Our close went unacknowledged (16 datagrams or 10 s); the server may still run.
    CloseUnacknowledged,
    /// No server state arrived within [`CONNECT_TIMEOUT`]: wrong port or key, or UDP
    /// blocked.
    ConnectTimedOut,
    /// The server's host name did not resolve (set by the runtime, before a session
    /// exists).
    HostNotFound,
    /// The local network stack failed in a way the session cannot go on from (set by
    /// the runtime).
    NetworkFailed,
    /// The server went on without this client, which happens with a stock
    /// `mosh-server` when a snapshot is restored after the session it came from
    /// talked to the server again (or a second client connects with the key of one
    /// that did; our server resumes any snapshot, docs/resync-extension.md). Decided
    /// with the server's first reply when it says it keeps no state this client holds
    /// (its throwaway number; a round trip after the restore, and one more round trip
    /// and 50 ms for a restored client, in case the server speaks the resync
    /// extension and its whole state is on the way), else after
    /// [`OUT_OF_SYNC_TIMEOUT`] of states built on ones this client does not hold. A
    /// server that cannot apply the client's input either (the old session also
    /// typed after the snapshot) does not reply at all: stock `mosh-server` then stays
    /// silent and the status shows no contact. The server session may still run; a
    /// new session is needed.
    OutOfSync,
    /// Another process of this session took it over: the session was restored
    /// elsewhere from a snapshot (another device, or this app again after a crash)
    /// and our `mosh-server` follows that process now (the resync extension,
    /// docs/resync-extension.md). Nothing this process sends reaches the shell any
    /// more, and it sends nothing more; the session goes on over there.
    Superseded,
    /// The front end detached the session (or dropped every handle of it): nothing
    /// more is sent, the server keeps the remote shell for a stored snapshot to
    /// resume (set by the runtime).
    Detached,
}

/// Where the session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectionState {
    /// No server state yet.
    Connecting,
    /// A server state arrived recently.
    Connected,
    /// Connected before, but the server has not been heard for a while.
    Waiting,
    /// Ended.
    Closed(CloseReason),
}

/// Connection status for the app's UI.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ConnectionStatus {
    /// The state.
    pub state: ConnectionState,
    /// Time since the newest server state arrived (`None` before the first).
    pub last_contact: Option<Duration>,
    /// Smoothed round-trip time.
    pub rtt: Duration,
    /// Traffic counters.
    pub stats: TransportStats,
    /// Whether the session is in the background (no timers, no sends).
    pub background: bool,
    /// Time since the newest of this client's states that the server acknowledged
    /// was sent (`None` before the first acknowledgement). Over
    /// [`REPLY_LATE`](crate::frontend::notification_bar::REPLY_LATE) while the server
    /// is still heard, what is typed is not reaching it (stock's bar: "Last reply").
    pub last_reply: Option<Duration>,
    /// Input the server has not acknowledged yet, sent or held back: typed bytes
    /// (a window resize counts one).
    pub input_waiting: u64,
    /// Typed bytes refused since the session started because more than
    /// [`MAX_HELD_INPUT`] was waiting (stock's bar: "Input dropped").
    pub input_dropped: u64,
}

/// Something the app may want to react to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientEvent {
    /// A new server screen arrived: redraw.
    ScreenChanged,
    /// The window title changed.
    TitleChanged(String),
    /// The remote program rang the bell.
    Bell,
    /// The remote program wrote to the clipboard (OSC 52; the payload as sent).
    Clipboard(String),
    /// Lines scrolled off the top into the scrollback: how many since this event was
    /// last polled (see [`ClientSession::scrollback`]).
    ScrollbackAdded(usize),
    /// The session ended.
    Closed(CloseReason),
}

/// A window size the server accepts: 1 to 4096 each way. A size outside that would
/// be refused by the server, and every later diff would repeat it, so input would stall.
fn window_size(columns: u16, rows: u16) -> WindowSize {
    let clamp = |v: u16| v.clamp(1, crate::protocol::proto::resize::MAX_DIMENSION);
    WindowSize {
        width: clamp(columns),
        height: clamp(rows),
    }
}

/// Most typed bytes in the user stream that the server has not acknowledged: the
/// diff of a state stays far below the 4 MiB instruction limit.
pub const MAX_UNACKNOWLEDGED_INPUT: u64 = 64 * 1024;

/// Most typed bytes held back while waiting for acknowledgements (a paste while the
/// link is down); more is refused.
pub const MAX_HELD_INPUT: usize = 64 * 1024 * 1024;

/// A server is "late" (the status says waiting) once its newest state is this old
/// (`prediction.md` §11.1).
pub const SERVER_LATE: Duration = Duration::from_millis(6500);

/// One client session.
#[derive(Debug)]
pub struct ClientSession {
    transport: Transport<UserStream, TerminalState>,
    /// Kept for snapshots; wiped on drop.
    key: SessionKey,
    /// When a fresh connect that has heard nothing gives up (`None` for a restored
    /// session, whose server may be unreachable for a while: it keeps trying, and
    /// never sends a shutdown the user did not ask for).
    connect_deadline: Option<Instant>,
    resumed: bool,
    background: bool,
    closed: Option<CloseReason>,
    /// Since when every server state received started from a base we do not hold,
    /// and when the last such state came (`None` once one applied); see
    /// [`OUT_OF_SYNC_TIMEOUT`].
    out_of_sync: Option<(Instant, Instant)>,
    /// When the server's word that it keeps none of our states becomes the verdict
    /// (see [`FORGOTTEN_GRACE`]).
    forgotten_verdict_at: Option<Instant>,
    events: VecDeque<ClientEvent>,
    /// Typed bytes not yet in the user stream, oldest first: what exceeds
    /// [`MAX_UNACKNOWLEDGED_INPUT`] waits here until the server acknowledges.
    held: VecDeque<u8>,
    /// Typed bytes refused by [`ClientSession::send_input`], in all.
    input_dropped: u64,
    /// The screen last reported, to tell what changed.
    reported: Framebuffer,
    reported_num: u64,
    window: WindowSize,
    /// Lines that scrolled off the top of the server's screen.
    scrollback: Scrollback,
    /// With the scrollback extension: the number of the next line the server will
    /// send (every line below it is in `scrollback` or was lost).
    server_lines: u64,
}

impl ClientSession {
    /// Starts a session; the first datagram (our window size) leaves at the first poll.
    pub fn connect(config: ClientConfig, now: Instant) -> Self {
        let cipher = Arc::new(SessionCipher::new(&config.key));
        let window = window_size(config.columns, config.rows);
        let remote = TerminalState::blank(window.width, window.height);
        let reported = remote.framebuffer().clone();
        let mut transport = Transport::client_planned(
            cipher,
            UserStream::new(),
            remote,
            config.server,
            now,
            config.sequence,
        );
        // The server applies the client's size before it ever draws (protocol.md §10.1).
        transport.current_mut().push_resize(window);
        // Our server then sends the lines that scroll off; a stock server skips this
        // (docs/scrollback-extension.md).
        if config.scrollback_lines > 0 {
            transport
                .current_mut()
                .push_scrollback_capability(Announcement {
                    version: CAPABILITY_REANNOUNCED,
                    lines: Some(u32::try_from(config.scrollback_lines).unwrap_or(u32::MAX)),
                });
        }
        let mut session = Self::assemble(transport, config.key, reported, window);
        session.connect_deadline = Some(now + CONNECT_TIMEOUT);
        session.resumed = false;
        session
    }

    /// A session around `transport`, as restored (no connect timeout); `connect`
    /// sets its own.
    pub(crate) fn assemble(
        transport: Transport<UserStream, TerminalState>,
        key: SessionKey,
        reported: Framebuffer,
        window: WindowSize,
    ) -> Self {
        ClientSession {
            reported_num: transport.remote_state_num(),
            server_lines: transport.remote_state().scrollback().end(),
            transport,
            key,
            connect_deadline: None,
            resumed: true,
            background: false,
            closed: None,
            out_of_sync: None,
            forgotten_verdict_at: None,
            events: VecDeque::new(),
            held: VecDeque::new(),
            input_dropped: 0,
            reported,
            window,
            scrollback: Scrollback::default(),
        }
    }

    /// Sends bytes typed by the user (already encoded for the terminal). A large
    /// paste goes out in parts of at most [`MAX_UNACKNOWLEDGED_INPUT`] bytes, each once
    /// the server has acknowledged the one before, so no instruction outgrows the
    /// protocol's limit however long the link is down. Returns false when the bytes
    /// were refused: more than [`MAX_HELD_INPUT`] would be waiting.
    pub fn send_input(&mut self, bytes: &[u8]) -> bool {
        if self.closed.is_some() || self.transport.shutdown_in_progress() {
            return true;
        }
        if self.held.len() + bytes.len() > MAX_HELD_INPUT {
            tracing::warn!(
                bytes = bytes.len(),
                "input refused: too much is waiting to be sent"
            );
            self.input_dropped = self
                .input_dropped
                .saturating_add(u64::try_from(bytes.len()).unwrap_or(u64::MAX));
            return false;
        }
        self.held.extend(bytes);
        self.release_held_input();
        true
    }

    /// Moves held input into the user stream while the unacknowledged part stays
    /// within [`MAX_UNACKNOWLEDGED_INPUT`].
    fn release_held_input(&mut self) {
        if self.held.is_empty() {
            return;
        }
        let sent = self.transport.current().len();
        let acknowledged = self.transport.acknowledged_state().len();
        let room = MAX_UNACKNOWLEDGED_INPUT.saturating_sub(sent.saturating_sub(acknowledged));
        let take = usize::try_from(room)
            .unwrap_or(usize::MAX)
            .min(self.held.len());
        if take > 0 {
            let part: Vec<u8> = self.held.drain(..take).collect();
            self.transport.current_mut().push_keys(&part);
        }
    }

    /// Typed bytes waiting for room in the user stream.
    pub fn held_input(&self) -> usize {
        self.held.len()
    }

    /// The window changed size.
    pub fn resize(&mut self, columns: u16, rows: u16) {
        let size = window_size(columns, rows);
        if size == self.window || self.closed.is_some() || self.transport.shutdown_in_progress() {
            return;
        }
        self.window = size;
        self.transport.current_mut().push_resize(size);
    }

    /// Data saver: from now on the server sends at most the newest `lines` of what
    /// scrolls off (0: none; lines it skips are a gap in the scrollback), never more
    /// than this client keeps. A new announcement of the scrollback extension
    /// (version 3, `docs/scrollback-extension.md`); a client that keeps no scrollback
    /// never announced, and a stock server sends no lines anyway.
    pub fn set_scrollback_budget(&mut self, lines: u32) {
        let kept = self.scrollback.ring().limit();
        if kept == 0 || self.closed.is_some() || self.transport.shutdown_in_progress() {
            return;
        }
        let kept = u32::try_from(kept).unwrap_or(u32::MAX);
        self.transport
            .current_mut()
            .push_scrollback_capability(Announcement {
                version: CAPABILITY_REANNOUNCED,
                lines: Some(lines.min(kept)),
            });
    }

    /// The newest screen from the server.
    pub fn screen(&self) -> &Framebuffer {
        self.transport.remote_state().framebuffer()
    }

    /// The newest server state (screen plus echo ack).
    pub fn server_state(&self) -> &TerminalState {
        self.transport.remote_state()
    }

    /// Our user stream as sent (for the prediction engine's bookkeeping).
    pub fn user_stream(&self) -> &UserStream {
        self.transport.current()
    }

    /// Number of the newest server state.
    pub fn server_state_num(&self) -> u64 {
        self.transport.remote_state_num()
    }

    /// The lines that scrolled off the top of the server's screen, as captured from
    /// the frames this client received (oldest first). Lines that scrolled away
    /// between two frames the client never saw cannot be recovered from a stock
    /// server (see [`crate::session::scrollback`]).
    pub fn scrollback(&self) -> &ScrollbackRing {
        self.scrollback.ring()
    }

    /// Keeps at most `lines` lines of scrollback (default
    /// [`DEFAULT_SCROLLBACK_LINES`](crate::session::scrollback::DEFAULT_SCROLLBACK_LINES));
    /// the oldest beyond it go.
    pub fn set_scrollback_limit(&mut self, lines: usize) {
        self.scrollback.set_limit(lines);
    }

    /// The capture itself (restoring a snapshot fills it).
    pub(crate) fn scrollback_mut(&mut self) -> &mut Scrollback {
        &mut self.scrollback
    }

    /// Our window size.
    pub fn window(&self) -> (u16, u16) {
        (self.window.width, self.window.height)
    }

    /// The next event for the app.
    pub fn poll_client_event(&mut self) -> Option<ClientEvent> {
        self.events.pop_front()
    }

    /// The app goes to the background: every timer and send stops until
    /// [`ClientSession::enter_foreground`]. Take a [`ClientSession::snapshot`] now.
    pub fn enter_background(&mut self) {
        self.background = true;
    }

    /// Back from the background: resynchronize at once, however long the pause was.
    /// The path may have changed while asleep, so this also moves to a fresh socket.
    pub fn enter_foreground(&mut self, now: Instant) {
        self.background = false;
        // Time in the background does not count against a connect still waiting for
        // its first answer.
        if self.connect_deadline.is_some() && self.transport.last_new_remote_state().is_none() {
            self.connect_deadline = Some(now + CONNECT_TIMEOUT);
        }
        if self.closed.is_none() {
            self.transport.network_changed(now);
        }
    }

    /// Whether the session is in the background.
    pub fn is_background(&self) -> bool {
        self.background
    }

    /// Starts the polite shutdown handshake (from the background too: it leaves the
    /// background, since the handshake must be sent).
    pub fn close(&mut self, now: Instant) {
        self.background = false;
        if self.closed.is_none() && !self.transport.shutdown_in_progress() {
            self.transport.start_shutdown(now);
        }
    }

    /// Whether this session was restored from a snapshot.
    pub fn resumed(&self) -> bool {
        self.resumed
    }

    /// Why the session ended, once it has.
    pub fn closed(&self) -> Option<CloseReason> {
        self.closed
    }

    /// The connection status at `now`.
    pub fn status(&self, now: Instant) -> ConnectionStatus {
        let last_contact = self
            .transport
            .last_new_remote_state()
            .map(|at| now.saturating_duration_since(at));
        let state = match (self.closed, last_contact) {
            (Some(reason), _) => ConnectionState::Closed(reason),
            (None, None) => ConnectionState::Connecting,
            (None, Some(age)) if age > SERVER_LATE => ConnectionState::Waiting,
            (None, Some(_)) => ConnectionState::Connected,
        };
        let sent = self.transport.current().len();
        let acknowledged = self.transport.acknowledged_state().len();
        let held = u64::try_from(self.held.len()).unwrap_or(u64::MAX);
        ConnectionStatus {
            state,
            last_contact,
            rtt: self.transport.srtt(),
            stats: self.transport.stats(),
            background: self.background,
            last_reply: self
                .transport
                .last_acknowledged_send()
                .map(|at| now.saturating_duration_since(at)),
            input_waiting: sent.saturating_sub(acknowledged).saturating_add(held),
            input_dropped: self.input_dropped,
        }
    }

    /// The session key (for snapshots).
    pub(crate) fn key(&self) -> &SessionKey {
        &self.key
    }

    /// The transport, for counters and resume points.
    pub fn transport(&self) -> &Transport<UserStream, TerminalState> {
        &self.transport
    }

    fn finish(&mut self, reason: CloseReason) {
        if self.closed.is_none() {
            self.closed = Some(reason);
            tracing::info!(?reason, "session closed");
            self.push_event(ClientEvent::Closed(reason));
        }
    }

    /// Queues `event` for the app, coalesced with one of its kind still queued: the
    /// queue holds at most one event of each kind, so a front end that never polls
    /// (or polls slowly) costs a few bytes, not one event per server state.
    fn push_event(&mut self, event: ClientEvent) {
        let kind = std::mem::discriminant(&event);
        match self
            .events
            .iter_mut()
            .find(|queued| std::mem::discriminant(*queued) == kind)
        {
            // Lines added add up.
            Some(ClientEvent::ScrollbackAdded(queued)) => {
                if let ClientEvent::ScrollbackAdded(more) = event {
                    *queued = queued.saturating_add(more);
                }
            }
            // The newest title or clipboard wins; a repeated screen change or bell is
            // the same news.
            Some(queued) => *queued = event,
            None => self.events.push_back(event),
        }
    }

    /// Events queued and not yet polled (at most one of each kind).
    pub fn pending_events(&self) -> usize {
        self.events.len()
    }

    fn after_receive(&mut self) {
        let num = self.transport.remote_state_num();
        if num == self.reported_num {
            return;
        }
        self.reported_num = num;
        let screen = self.transport.remote_state().framebuffer().clone();
        if screen.window_title() != self.reported.window_title() && screen.title_initialized() {
            self.push_event(ClientEvent::TitleChanged(screen.window_title().to_owned()));
        }
        if screen.bell_count() != self.reported.bell_count() {
            self.push_event(ClientEvent::Bell);
        }
        if screen.clipboard() != self.reported.clipboard() && !screen.clipboard().is_empty() {
            self.push_event(ClientEvent::Clipboard(screen.clipboard().to_owned()));
        }
        if screen != self.reported {
            self.push_event(ClientEvent::ScreenChanged);
        }
        let added = if self.transport.remote_state().scrollback().active() {
            self.take_server_lines()
        } else {
            self.scrollback.observe(&self.reported, &screen)
        };
        if added > 0 {
            self.push_event(ClientEvent::ScrollbackAdded(added));
        }
        self.reported = screen;
    }

    /// With the scrollback extension: the lines the newest state brought that are
    /// not in the history yet. Returns how many.
    fn take_server_lines(&mut self) -> usize {
        let part = self.transport.remote_state().scrollback();
        let (first, lines) = part.delivered();
        let end = part.end();
        if first > self.server_lines {
            tracing::warn!(
                lost = first - self.server_lines,
                "scrollback lines the server no longer had"
            );
        }
        let skip = usize::try_from(self.server_lines.saturating_sub(first)).unwrap_or(usize::MAX);
        let new: Vec<_> = lines.iter().skip(skip).cloned().collect();
        self.server_lines = self.server_lines.max(end);
        let added = new.len();
        for line in new {
            self.scrollback.push(line);
        }
        added
    }

    fn check_lifecycle(&mut self, now: Instant) {
        if self.closed.is_some() {
            return;
        }
        if self.forgotten_verdict_at.is_some_and(|at| now >= at)
            && !self.transport.shutdown_in_progress()
        {
            self.finish(CloseReason::OutOfSync);
            return;
        }
        if self.transport.shutdown_in_progress() {
            if self.transport.shutdown_acknowledged() {
                self.finish(CloseReason::Closed);
            } else if self.transport.shutdown_gave_up(now) {
                let reason = if self.transport.last_new_remote_state().is_none() && !self.resumed {
                    CloseReason::ConnectTimedOut
                } else {
                    CloseReason::CloseUnacknowledged
                };
                self.finish(reason);
            }
        } else if self.transport.peer_shutdown_requested() {
            if self.transport.shutdown_ack_sent() {
                self.finish(CloseReason::ServerExited);
            }
        } else if self.transport.last_new_remote_state().is_none()
            && self
                .connect_deadline
                .is_some_and(|deadline| now >= deadline)
        {
            // The verdict comes at the documented deadline, not after a shutdown
            // handshake: nothing was ever heard, so a server that cannot answer (a
            // wrong key or port, UDP blocked one way) could not acknowledge one either.
            self.finish(CloseReason::ConnectTimedOut);
        }
    }

    /// A server state arrived whose base state we do not hold: after
    /// [`OUT_OF_SYNC_TIMEOUT`] of only such states, the session ends. No shutdown is
    /// sent: the server could not apply it either, and its session may still be
    /// someone's.
    fn note_missing_base(&mut self, now: Instant) {
        let since = match self.out_of_sync {
            Some((since, last)) if now.saturating_duration_since(last) <= OUT_OF_SYNC_GAP => since,
            _ => now,
        };
        self.out_of_sync = Some((since, now));
        if now.saturating_duration_since(since) >= OUT_OF_SYNC_TIMEOUT
            && !self.transport.shutdown_in_progress()
        {
            self.finish(CloseReason::OutOfSync);
        }
    }
}

impl Endpoint for ClientSession {
    fn handle_datagram(
        &mut self,
        now: Instant,
        datagram: &[u8],
        from: SocketAddr,
        socket: SocketId,
    ) -> Result<Receipt, ReceiveError> {
        let receipt = self
            .transport
            .handle_datagram(now, datagram, from, socket)?;
        match receipt.incoming {
            Incoming::State(StateOutcome::MissingBase) => self.note_missing_base(now),
            // The server's own word, authentic and naming a process newer than this
            // one: no shutdown is sent (the session is the other process's now).
            Incoming::Superseded(_) => self.finish(CloseReason::Superseded),
            // The server's own word that it will never send a diff this client can
            // apply (a stale snapshot restored): the verdict at once, within a round
            // trip of the restore, not after the timeout. No shutdown is sent: the
            // server session is someone else's now.
            Incoming::State(StateOutcome::Forgotten) if !self.transport.shutdown_in_progress() => {
                if self.transport.resume_pending() {
                    let verdict = now + self.transport.srtt() + FORGOTTEN_GRACE;
                    self.forgotten_verdict_at.get_or_insert(verdict);
                } else {
                    self.finish(CloseReason::OutOfSync)
                }
            }
            Incoming::State(
                StateOutcome::Newest { .. } | StateOutcome::Late | StateOutcome::Duplicate,
            ) => {
                self.out_of_sync = None;
                self.forgotten_verdict_at = None;
            }
            _ => {}
        }
        if receipt.new_remote_state() {
            self.after_receive();
        }
        // An acknowledgement may have made room for held input.
        self.release_held_input();
        Ok(receipt)
    }

    fn poll_transmit(&mut self, now: Instant) -> Result<Option<Transmit>, SendError> {
        if self.background || self.closed.is_some() {
            return Ok(None);
        }
        self.check_lifecycle(now);
        if self.closed.is_some() {
            // Ended just now (the connect deadline): nothing more goes out.
            return Ok(None);
        }
        let transmit = self.transport.poll_transmit(now)?;
        self.check_lifecycle(now);
        Ok(transmit)
    }

    fn poll_event(&mut self) -> Option<Event> {
        self.transport.poll_event()
    }

    fn poll_timeout(&self) -> Option<Instant> {
        if self.background || self.closed.is_some() {
            return None;
        }
        let wake = self.transport.poll_timeout();
        // Until the first answer, also wake to give up; not once the shutdown has
        // started (the deadline is then in the past and would wake at once forever).
        let give_up = self
            .connect_deadline
            .filter(|_| self.transport.last_new_remote_state().is_none())
            .filter(|_| !self.transport.shutdown_in_progress());
        let give_up = match (give_up, self.forgotten_verdict_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        match (wake, give_up) {
            (Some(wake), Some(give_up)) => Some(wake.min(give_up)),
            (wake, give_up) => wake.or(give_up),
        }
    }

    fn network_changed(&mut self, now: Instant) {
        if self.closed.is_none() {
            self.transport.network_changed(now);
        }
    }

    fn report_message_too_large(&mut self) {
        self.transport.report_message_too_large();
    }

    fn retarget(&mut self, server: SocketAddr, now: Instant) {
        if self.closed.is_none() {
            self.transport.retarget(server, now);
        }
    }

    fn remote_address(&self) -> Option<SocketAddr> {
        self.transport.remote_address()
    }

    fn role(&self) -> Role {
        Role::Client
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::protocol::proto::UserEvent;

    /// An 80×24 session to 127.0.0.1:60001 with a fixed key, started at `now`
    /// (also the fixture of the snapshot tests).
    pub(crate) fn fresh(now: Instant) -> ClientSession {
        ClientSession::connect(config(10_000), now)
    }

    fn config(scrollback_lines: usize) -> ClientConfig {
        ClientConfig {
            server: "127.0.0.1:60001".parse().unwrap(),
            key: SessionKey::parse("AAECAwQFBgcICQoLDA0ODw").unwrap(),
            columns: 80,
            rows: 24,
            sequence: SequencePlan::FROM_ZERO,
            scrollback_lines,
        }
    }

    #[test]
    fn only_a_client_that_keeps_scrollback_asks_for_it() {
        let now = Instant::now();
        let events = |lines: usize| {
            ClientSession::connect(config(lines), now)
                .user_stream()
                .events_since(0)
                .unwrap()
        };
        let size = WindowSize {
            width: 80,
            height: 24,
        };
        assert_eq!(events(0), [UserEvent::Resize(size)]);
        assert_eq!(
            events(500),
            [
                UserEvent::Resize(size),
                UserEvent::ScrollbackCapability(Announcement {
                    version: CAPABILITY_REANNOUNCED,
                    lines: Some(500)
                })
            ]
        );
    }

    fn drain(session: &mut ClientSession, now: Instant) -> usize {
        let mut sent = 0;
        while session.poll_transmit(now).unwrap().is_some() {
            sent += 1;
        }
        sent
    }

    #[test]
    fn a_restored_session_waits_for_its_server_without_giving_up() {
        let t0 = Instant::now();
        let mut original = fresh(t0);
        drain(&mut original, t0);
        let snapshot = original.snapshot(1_790_000_000_000_000).unwrap();
        let mut restored = ClientSession::restore(&snapshot, 1_790_000_000_000_001, t0).unwrap();
        for secs in [1, 16, 60, 600] {
            drain(&mut restored, t0 + Duration::from_secs(secs));
        }
        assert!(!restored.transport().shutdown_in_progress());
        assert_eq!(restored.closed(), None);
    }

    #[test]
    fn background_time_does_not_count_against_the_connect_timeout() {
        let t0 = Instant::now();
        let mut session = fresh(t0);
        drain(&mut session, t0);
        session.enter_background();
        let back = t0 + Duration::from_secs(20);
        session.enter_foreground(back);
        assert!(drain(&mut session, back) > 0);
        assert!(!session.transport().shutdown_in_progress());
        drain(
            &mut session,
            back + CONNECT_TIMEOUT - Duration::from_millis(1),
        );
        assert_eq!(session.closed(), None);
        drain(&mut session, back + CONNECT_TIMEOUT);
        assert_eq!(session.closed(), Some(CloseReason::ConnectTimedOut));
    }

    #[test]
    fn close_from_the_background_sends_the_shutdown() {
        let t0 = Instant::now();
        let mut session = fresh(t0);
        drain(&mut session, t0);
        session.enter_background();
        session.close(t0 + Duration::from_secs(1));
        assert!(!session.is_background());
        assert!(drain(&mut session, t0 + Duration::from_secs(1)) > 0);
        assert!(session.transport().shutdown_in_progress());
    }

    #[test]
    fn a_connect_never_answered_ends_at_the_deadline_and_sends_nothing_more() {
        let t0 = Instant::now();
        let mut session = fresh(t0);
        drain(&mut session, t0);
        let wake = session
            .poll_timeout()
            .expect("retransmits until the deadline");
        assert!(wake <= t0 + CONNECT_TIMEOUT);
        let late = t0 + CONNECT_TIMEOUT + Duration::from_secs(2);
        assert_eq!(
            drain(&mut session, late),
            0,
            "nothing sent after the verdict"
        );
        assert_eq!(session.closed(), Some(CloseReason::ConnectTimedOut));
        assert_eq!(session.poll_timeout(), None, "never wakes again");
    }

    #[test]
    fn a_paste_larger_than_an_instruction_goes_out_in_parts() {
        let t0 = Instant::now();
        let mut session = fresh(t0);
        // 5 MiB typed while nothing is acknowledged (the link is down).
        assert!(session.send_input(&vec![b'x'; 5 << 20]));
        // The stream also holds the window size and the scrollback announcement.
        let in_stream = session.transport().current().len();
        assert!(in_stream <= MAX_UNACKNOWLEDGED_INPUT + 2, "{in_stream}");
        assert_eq!(session.held_input() as u64 + in_stream, (5 << 20) + 2);
        // Every datagram can be built: no instruction over the limit.
        for ms in [0, 100, 1000, 3000] {
            while session
                .poll_transmit(t0 + Duration::from_millis(ms))
                .expect("no oversized instruction")
                .is_some()
            {}
        }
        // Beyond the held-input bound, input is refused rather than kept.
        assert!(!session.send_input(&vec![b'y'; MAX_HELD_INPUT]));
    }

    #[test]
    fn unpolled_events_stay_coalesced() {
        let config = ClientConfig {
            server: "127.0.0.1:60001".parse().unwrap(),
            key: SessionKey::parse("AAECAwQFBgcICQoLDA0ODw").unwrap(),
            columns: 80,
            rows: 24,
            sequence: SequencePlan::FROM_ZERO,
            scrollback_lines: crate::session::scrollback::MAX_SCROLLBACK_LINES,
        };
        let mut session = ClientSession::connect(config, Instant::now());
        // A desktop session that never polls, over a long life of server states.
        for i in 0..100_000 {
            session.push_event(ClientEvent::ScreenChanged);
            session.push_event(ClientEvent::TitleChanged(format!("t{i}")));
            session.push_event(ClientEvent::Bell);
            session.push_event(ClientEvent::Clipboard(format!("c{i}")));
        }
        assert_eq!(session.pending_events(), 4);
        session.resize(5000, 0);
        assert_eq!(session.window(), (4096, 1));
        assert_eq!(
            session.poll_client_event(),
            Some(ClientEvent::ScreenChanged)
        );
        assert_eq!(
            session.poll_client_event(),
            Some(ClientEvent::TitleChanged("t99999".into()))
        );
    }
}
