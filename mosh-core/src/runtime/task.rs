//! The session task: the sans-IO client session and its display on the UDP driver,
//! commands in, the published view and coalesced events out.

use std::io;
use std::time::{Duration, Instant};

use tokio::sync::mpsc::UnboundedReceiver;

use crate::crypto::{SequencePlan, SessionKey};
use crate::driver::UdpDriver;
use crate::frontend::ClientDisplay;
use crate::frontend::escape_key::EscapeKeyFilter;
use crate::frontend::notification_bar::REPLY_LATE;
use crate::protocol::ssp::Endpoint;
use crate::session::client::SERVER_LATE;
use crate::session::{ClientConfig, ClientEvent, ClientSession, CloseReason, ConnectionState};
use crate::terminal::keyboard::{encode_char_with, encode_key_with, encode_paste};
use crate::terminal::mouse::{MouseModes, encode_focus, encode_mouse};

use super::commands::Command;
use super::config::SessionOptions;
use super::delivery::Mailbox;
use super::published::Published;
use super::resolve::{AddressCycle, resolve};
use super::shared::wall_clock_us;

/// How a session begins.
#[derive(Debug)]
pub(crate) enum Start {
    /// Resolve `host` and connect.
    Connect {
        host: String,
        port: u16,
        key: SessionKey,
        columns: u16,
        rows: u16,
        sequence: SequencePlan,
    },
    /// Go on from a restored session.
    Restored(Box<ClientSession>),
}

/// Runs one session until it closes or every handle is dropped.
pub(crate) async fn run_session(
    start: Start,
    options: SessionOptions,
    mut commands: UnboundedReceiver<Command>,
    published: Published,
    mailbox: Mailbox,
) {
    // If anything below panics (tokio then drops this future), the app still hears
    // that the session ended and the delivery thread ends.
    let mut guard = EndOnDrop {
        published: published.clone(),
        mailbox: mailbox.clone(),
        armed: true,
    };
    let mut early = Vec::new();
    let (session, cycle) = match start {
        Start::Restored(session) => (*session, AddressCycle::new(Vec::new(), Instant::now())),
        Start::Connect {
            host,
            port,
            key,
            columns,
            rows,
            sequence,
        } => {
            let addresses = match resolve_meanwhile(&host, port, &mut commands, &mut early).await {
                Resolution::Addresses(addresses) => addresses,
                Resolution::Failed(error) => {
                    tracing::warn!(%host, %error, "host name did not resolve");
                    guard.armed = false;
                    return end_early(CloseReason::HostNotFound, &published, &mailbox);
                }
                Resolution::Closed => {
                    guard.armed = false;
                    return end_early(CloseReason::Closed, &published, &mailbox);
                }
                Resolution::Detached => {
                    guard.armed = false;
                    return end_early(CloseReason::Detached, &published, &mailbox);
                }
                Resolution::Dropped => {
                    guard.armed = false;
                    return end_early(CloseReason::Detached, &published, &mailbox);
                }
            };
            tracing::info!(%host, ?addresses, "connecting");
            let now = Instant::now();
            let cycle = AddressCycle::new(addresses, now);
            let Some(server) = cycle.first() else {
                guard.armed = false;
                return end_early(CloseReason::HostNotFound, &published, &mailbox);
            };
            let config = ClientConfig {
                server,
                key,
                columns,
                rows,
                sequence,
                scrollback_lines: options.scrollback_lines,
            };
            (ClientSession::connect(config, now), cycle)
        }
    };
    let mut session = session;
    session.set_scrollback_limit(options.scrollback_lines);
    // The driver sends the first datagram as it opens: a background asked for while
    // the name resolved (and not undone since) must hold that one too.
    let background_early = early.iter().rev().find_map(|command| match command {
        Command::Background => Some(true),
        Command::EnterForeground => Some(false),
        _ => None,
    });
    if background_early == Some(true) {
        session.enter_background();
    }
    let display = ClientDisplay::new(options.display.clone(), &session, Instant::now());
    let driver = match UdpDriver::client(session) {
        Ok(driver) => driver,
        Err(error) => {
            tracing::warn!(%error, "could not open a socket");
            guard.armed = false;
            return end_early(CloseReason::NetworkFailed, &published, &mailbox);
        }
    };
    let mut task = SessionTask {
        driver,
        display,
        escape: options.escape_key.map(EscapeKeyFilter::new),
        cycle,
        published,
        mailbox,
        send_errors_seen: 0,
        socket_failures: 0,
        scrollback_seen: 0,
        detached: false,
        contact_wanted_since: None,
        saved_scrollback_lines: options.saved_scrollback_lines,
        confirmed_at: None,
    };
    // What the app asked while the name was resolving.
    for command in early {
        task.handle(command);
    }
    let outcome = task.run(commands).await;
    guard.armed = false;
    let reason = match outcome {
        Ok(Some(reason)) => reason,
        // Every handle was dropped: stop quietly.
        Ok(None) => CloseReason::Detached,
        Err(error) => {
            tracing::warn!(%error, "session failed");
            CloseReason::NetworkFailed
        }
    };
    end_early(reason, &task.published, &task.mailbox);
}

/// How long a host name may take to resolve (a resolver on a dead network can hang
/// for a long time).
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(20);
/// Commands kept while resolving (input typed before the session exists).
const MAX_EARLY_COMMANDS: usize = 256;

/// How resolving the server's name ended.
enum Resolution {
    Addresses(Vec<std::net::SocketAddr>),
    Failed(io::Error),
    /// The app closed the session meanwhile.
    Closed,
    /// The app detached the session meanwhile.
    Detached,
    /// Every handle was dropped meanwhile.
    Dropped,
}

/// Resolves `host` while answering the app: a close ends at once, a snapshot has
/// nothing to save yet, other commands wait (bounded) for the session.
async fn resolve_meanwhile(
    host: &str,
    port: u16,
    commands: &mut UnboundedReceiver<Command>,
    early: &mut Vec<Command>,
) -> Resolution {
    let resolution = tokio::time::timeout(RESOLVE_TIMEOUT, resolve(host, port));
    tokio::pin!(resolution);
    loop {
        tokio::select! {
            result = &mut resolution => {
                return match result {
                    Ok(Ok(addresses)) => Resolution::Addresses(addresses),
                    Ok(Err(error)) => Resolution::Failed(error),
                    Err(_) => Resolution::Failed(io::Error::new(
                        io::ErrorKind::TimedOut,
                        "resolving timed out",
                    )),
                };
            }
            command = commands.recv() => match command {
                None => return Resolution::Dropped,
                Some(Command::Close(_)) => return Resolution::Closed,
                Some(Command::Detach(reply)) => {
                    let _ = reply.send(None);
                    return Resolution::Detached;
                }
                Some(Command::Snapshot(reply)) => { let _ = reply.send(None); }
                Some(Command::EnterBackground(reply)) => {
                    let _ = reply.send(None);
                    early.push(Command::Background);
                }
                Some(other) if early.len() < MAX_EARLY_COMMANDS => early.push(other),
                Some(_) => {}
            },
        }
    }
}

/// Ends the session for the app if the task is dropped while armed (a panic).
struct EndOnDrop {
    published: Published,
    mailbox: Mailbox,
    armed: bool,
}

impl Drop for EndOnDrop {
    fn drop(&mut self) {
        if self.armed {
            tracing::error!("session task ended unexpectedly");
            end_early(CloseReason::NetworkFailed, &self.published, &self.mailbox);
        }
    }
}

/// Publishes the end: the status says closed, the listener hears it last.
fn end_early(reason: CloseReason, published: &Published, mailbox: &Mailbox) {
    published.set_closed(reason);
    mailbox.status(published.status());
    mailbox.closed(reason);
}

struct SessionTask {
    driver: UdpDriver<ClientSession>,
    display: ClientDisplay,
    escape: Option<EscapeKeyFilter>,
    cycle: AddressCycle,
    published: Published,
    mailbox: Mailbox,
    send_errors_seen: u64,
    /// Receive failures in a row.
    socket_failures: u32,
    /// Scrollback lines the session pushed that are published.
    scrollback_seen: u64,
    /// The front end detached: the loop ends without sending again.
    detached: bool,
    /// When the app last asked for fresh contact (`network_changed`,
    /// `enter_foreground`): the first authentic datagram after it is announced.
    contact_wanted_since: Option<Instant>,
    /// Scrollback lines a snapshot carries.
    saved_scrollback_lines: usize,
    /// When the server state last published as the confirmed screen arrived.
    confirmed_at: Option<Option<Instant>>,
}

/// Longest input fed to the prediction engine at once.
const MAX_PREDICTED_INPUT: usize = 64 * 1024;

/// Receive failures in a row (each followed by a fresh socket) before the session
/// gives up: about five seconds of a network stack that refuses every socket.
const MAX_SOCKET_FAILURES: u32 = 50;
/// Pause before the fresh socket, so a failing stack is not spun on.
const SOCKET_RETRY: Duration = Duration::from_millis(100);

impl SessionTask {
    /// The loop; `Some(reason)` once the session closed, `None` when the handles
    /// are gone.
    async fn run(
        &mut self,
        mut commands: UnboundedReceiver<Command>,
    ) -> io::Result<Option<CloseReason>> {
        loop {
            let now = Instant::now();
            self.follow_addresses(now)?;
            if let Some(reason) = self.publish(now) {
                return Ok(Some(reason));
            }
            let wake = self.poll_timeout(now).map(tokio::time::Instant::from_std);
            // In the background the socket is not read either: what the server sends
            // meanwhile waits in the kernel (or is dropped with the socket at the
            // foreground's move to a fresh one), so a backgrounded app does no work
            // per datagram and its status ages as it would on a suspended phone.
            let reading = !self.session().is_background();
            tokio::select! {
                biased;
                command = commands.recv() => {
                    let Some(command) = command else { return Ok(None) };
                    self.handle(command);
                    // Everything queued meanwhile, then one flush: a burst of keys
                    // leaves in one datagram as it would from one read.
                    while let Ok(command) = commands.try_recv() {
                        if self.detached {
                            break;
                        }
                        self.handle(command);
                    }
                    if self.detached {
                        return Ok(Some(CloseReason::Detached));
                    }
                    self.driver.flush()?;
                }
                step = self.driver.step(), if reading => match step {
                    Ok(_) => self.socket_failures = 0,
                    Err(error) => self.socket_failed(error).await?,
                },
                _ = sleep_until(wake), if wake.is_some() => {}
            }
        }
    }

    /// A socket failed to receive (an interface that went away under it): move to a
    /// fresh socket and go on, unless that keeps failing.
    async fn socket_failed(&mut self, error: io::Error) -> io::Result<()> {
        self.socket_failures += 1;
        tracing::warn!(%error, failures = self.socket_failures, "socket failed; rebinding");
        if self.socket_failures >= MAX_SOCKET_FAILURES {
            return Err(error);
        }
        tokio::time::sleep(SOCKET_RETRY).await;
        self.driver.network_changed()
    }

    fn session(&self) -> &ClientSession {
        self.driver.endpoint()
    }

    /// While connecting to a name with several addresses: the next one after a
    /// send error or a silence.
    fn follow_addresses(&mut self, now: Instant) -> io::Result<()> {
        let errors = self.driver.stats().send_errors;
        let failed = errors > self.send_errors_seen;
        // Failed sends show for one ack interval; a pass without one lets it fade.
        if failed {
            self.display
                .notifications()
                .set_network_error("Network error: sending to the server failed.", now);
        } else {
            self.display.notifications().clear_network_error(now);
        }
        self.send_errors_seen = errors;
        let heard_from = self.session().transport().heard_from();
        if let Some(next) = self.cycle.next(heard_from, failed, now) {
            tracing::info!(server = %next, "moving to another address of the server");
            self.driver.retarget(next)?;
        }
        Ok(())
    }

    /// Builds the frame to show, publishes what changed, and forwards the session's
    /// events. Returns the close reason once the session has ended.
    fn publish(&mut self, now: Instant) -> Option<CloseReason> {
        while let Some(event) = self.driver.endpoint_mut().poll_client_event() {
            match event {
                ClientEvent::TitleChanged(title) => self.mailbox.title(title),
                ClientEvent::Bell => self.mailbox.bell(),
                ClientEvent::Clipboard(text) => self.mailbox.clipboard(text),
                // Screen changes are found by comparing what is shown (predictions
                // and the bar change it too); the close is read below.
                ClientEvent::ScreenChanged | ClientEvent::Closed(_) => {}
                // Published with the frame below.
                ClientEvent::ScrollbackAdded(_) => {}
            }
        }
        let closed = self.session().closed();
        if closed.is_some() {
            self.display.shutting_down(now);
        }
        let session = self.driver.endpoint();
        // The lines that scrolled off are published before the frame they left, so a
        // reader that sees the frame finds them.
        let seen = self.scrollback_seen;
        self.scrollback_seen = self.published.follow_scrollback(session.scrollback(), seen);
        if self.scrollback_seen > seen {
            self.mailbox.scrollback_added(self.scrollback_seen - seen);
        }
        self.display.frame(session, now);
        // The server's screen changes only with a new server state: recorded then,
        // not on every pass of the loop.
        // (`None` until the first pass, so a restored screen is published at once.)
        let newest = Some(session.transport().last_new_remote_state());
        if newest != self.confirmed_at {
            self.confirmed_at = newest;
            self.published.set_confirmed(session.screen());
        }
        if let Some(rows) = self
            .published
            .set_frame(self.display.displayed(), self.display.predicted_cells())
        {
            self.mailbox.screen_changed(rows);
        }
        if closed.is_none() {
            self.publish_status(now, false);
        }
        closed
    }

    /// Publishes the status; the listener hears it when it is news (or `always`).
    fn publish_status(&mut self, now: Instant, always: bool) {
        let status = self.session().status(now);
        let heard_at = self.session().transport().last_new_remote_state();
        let replied_at = self.session().transport().last_acknowledged_send();
        // Contact renewed after the app asked for it is news even when the state
        // stays Connected: the app learns the new path works without polling.
        let renewed = match (
            self.contact_wanted_since,
            self.session().transport().last_heard(),
        ) {
            (Some(since), Some(heard)) => heard >= since,
            _ => false,
        };
        if renewed {
            self.contact_wanted_since = None;
        }
        if self.published.set_status(status, heard_at, replied_at) || always || renewed {
            self.mailbox.status(status);
        }
    }

    /// When to rebuild the display if nothing arrives: the display's own timers
    /// (predictions, the bar), a status change due, the next address to try. None
    /// in the background, where nothing may wake the phone.
    fn poll_timeout(&self, now: Instant) -> Option<Instant> {
        let session = self.session();
        if session.is_background() {
            return None;
        }
        let status = session.status(now);
        let status_due = match (status.state, status.last_contact) {
            (ConnectionState::Connected, Some(age)) => {
                Some(now + SERVER_LATE.saturating_sub(age) + Duration::from_millis(1))
            }
            (ConnectionState::Waiting, Some(age)) => {
                let into_second = Duration::from_nanos(u64::from(age.subsec_nanos()));
                Some(now + (Duration::from_secs(1) - into_second))
            }
            _ => None,
        };
        // The reply age turns late, then counts in whole seconds (stock's bar).
        let reply_due = match (status.state, status.last_reply) {
            (ConnectionState::Closed(_), _) | (_, None) => None,
            (_, Some(age)) if age <= REPLY_LATE => {
                Some(now + (REPLY_LATE - age) + Duration::from_millis(1))
            }
            (_, Some(age)) => {
                let into_second = Duration::from_nanos(u64::from(age.subsec_nanos()));
                Some(now + (Duration::from_secs(1) - into_second))
            }
        };
        [
            self.display.poll_timeout(session, now),
            status_due,
            reply_due,
            self.cycle.deadline(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// A snapshot of the session now, with the scrollback the app asked to save.
    fn snapshot(&self) -> Option<zeroize::Zeroizing<Vec<u8>>> {
        self.session()
            .snapshot_keeping(wall_clock_us(), self.saved_scrollback_lines)
    }

    fn handle(&mut self, command: Command) {
        let now = Instant::now();
        match command {
            Command::Typed(bytes) => self.typed(&bytes, now),
            Command::Key(key, modifiers) => {
                let modes = self.session().screen().application_cursor_keys();
                self.input(&encode_key_with(key, modifiers, modes), now);
            }
            Command::Char(c, modifiers) => self.input(&encode_char_with(c, modifiers), now),
            Command::Paste(text) => {
                let bracketed = self.session().screen().bracketed_paste();
                self.input(&encode_paste(&text, bracketed), now);
            }
            Command::Mouse(event) => {
                let modes = MouseModes::of(self.session().screen());
                if let Some(bytes) = encode_mouse(&event, modes) {
                    self.input_unpredicted(&bytes, now);
                }
            }
            Command::Focus(focused) => {
                let modes = MouseModes::of(self.session().screen());
                if let Some(bytes) = encode_focus(focused, modes) {
                    self.input_unpredicted(&bytes, now);
                }
            }
            Command::ScrollbackBudget(lines) => {
                self.driver.endpoint_mut().set_scrollback_budget(lines);
            }
            Command::Resize(columns, rows) => {
                if self.session().window() != (columns, rows) {
                    self.driver.endpoint_mut().resize(columns, rows);
                    self.display.reset_predictions();
                }
            }
            Command::NetworkChanged => {
                tracing::info!("network changed: moving to a fresh socket");
                self.driver.endpoint_mut().network_changed(now);
                self.contact_wanted_since = Some(now);
            }
            Command::EnterBackground(reply) => {
                tracing::info!("entering the background");
                self.driver.endpoint_mut().enter_background();
                // Published before the reply, so the caller reads it at once.
                self.publish_status(now, false);
                let _ = reply.send(self.snapshot());
            }
            Command::Background => self.driver.endpoint_mut().enter_background(),
            Command::EnterForeground => {
                tracing::info!("entering the foreground: resynchronizing");
                self.driver.endpoint_mut().enter_foreground(now);
                self.contact_wanted_since = Some(now);
                // The handle already published the foreground for readers; the
                // listener hears it here.
                self.publish_status(now, true);
            }
            Command::Snapshot(reply) => {
                let _ = reply.send(self.snapshot());
            }
            Command::Detach(reply) => {
                tracing::info!("detaching");
                // Nothing is sent after the snapshot, so it is the newest: it resumes.
                self.driver.endpoint_mut().enter_background();
                let _ = reply.send(self.snapshot());
                self.detached = true;
            }
            Command::Close(message) => {
                tracing::info!("closing");
                if let Some(message) = message {
                    self.display
                        .notifications()
                        .set_message(&message, true, true, now);
                }
                self.driver.endpoint_mut().close(now);
            }
        }
    }

    /// Bytes from the keyboard: through the escape key when configured.
    fn typed(&mut self, bytes: &[u8], now: Instant) {
        let Some(escape) = self.escape.as_mut() else {
            return self.input(bytes, now);
        };
        let typed = self
            .display
            .typed(self.driver.endpoint(), escape, bytes, now);
        if typed.repaint {
            self.mailbox.repaint();
        }
        if typed.quit {
            self.driver.endpoint_mut().close(now);
        }
        self.input_unpredicted(&typed.send, now);
        if typed.suspend {
            self.mailbox.suspend();
        }
    }

    /// Bytes the escape filter let through (the prediction engine saw them raw).
    fn input_unpredicted(&mut self, bytes: &[u8], now: Instant) {
        if !self.driver.endpoint_mut().send_input(bytes) {
            self.display.notifications().set_message(
                "Input dropped: too much is waiting to be sent.",
                false,
                true,
                now,
            );
        }
    }

    /// Bytes for the server, shown at once by the prediction engine. A large paste is
    /// not predicted (the engine drops what it had instead): guessing megabytes of
    /// echo would hold the runtime's one thread, and every session on it, for seconds.
    fn input(&mut self, bytes: &[u8], now: Instant) {
        if bytes.len() > MAX_PREDICTED_INPUT {
            self.display.reset_predictions();
        } else {
            self.display.user_input(self.driver.endpoint(), bytes, now);
        }
        self.input_unpredicted(bytes, now);
    }
}

/// Sleeps until `wake` (forever when `None`; the branch is disabled then).
async fn sleep_until(wake: Option<tokio::time::Instant>) {
    match wake {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}
