//! The thread-safe handle front ends hold: commands to the session task, the
//! published view for reads.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tokio::sync::oneshot;
use zeroize::Zeroizing;

use crate::crypto::sequence_plan::clock_tick;
use crate::crypto::{SequencePlan, SessionKey};
use crate::protocol::proto::resize::MAX_DIMENSION;
use crate::session::{ClientSession, ConnectionStatus, ScreenModel, ScreenRow, SnapshotError};
use crate::terminal::Framebuffer;
use crate::terminal::keyboard::{Key, KeyModifiers};
use crate::terminal::mouse::{
    MAX_SWIPE_STEPS, MouseAction, MouseEvent, MouseModes, ScrollTarget, wheel_target,
};

use super::commands::{Command, SnapshotReply};
use super::config::{SessionConfig, SessionOptions};
use super::delivery::{EventStream, Mailbox};
use super::nonce_store::NonceStore;
use super::published::{Published, View};
use super::shared::{shared_runtime, wall_clock_us};
use super::task::{Start, run_session};

/// Why a call on a session failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuntimeError {
    /// The session has ended or is closing.
    #[error("the session is closed")]
    Closed,
    /// A window of zero columns or rows.
    #[error("invalid window size {columns}x{rows}: both must be at least 1")]
    InvalidSize {
        /// Columns asked for.
        columns: u16,
        /// Rows asked for.
        rows: u16,
    },
    /// Port 0.
    #[error("invalid port 0")]
    InvalidPort,
    /// An empty host.
    #[error("invalid host: empty")]
    InvalidHost,
    /// The snapshot cannot be restored.
    #[error("snapshot: {0}")]
    Snapshot(#[from] SnapshotError),
    /// The session cannot be saved (sequence numbers exhausted).
    #[error("the session cannot be saved")]
    SnapshotUnavailable,
    /// Sequence numbers could not be reserved (the nonce store failed, or without a
    /// store the system gave no random lane): the session does not start rather than
    /// risk a repeated nonce.
    #[error("could not reserve sequence numbers: {0}")]
    NonceStore(String),
    /// The runtime or a thread could not be started.
    #[error("could not start the session runtime: {0}")]
    Runtime(String),
}

/// One session, shared by any number of threads. Every call returns at once or is
/// `async`; none waits on the network. Dropping every clone of the handle detaches
/// the session: it stops without the shutdown handshake (call
/// [`SessionHandle::close`] for that) and its streams end with
/// [`CloseReason::Detached`](crate::session::CloseReason::Detached).
#[derive(Debug, Clone)]
pub struct SessionHandle {
    commands: UnboundedSender<Command>,
    published: Published,
    mailbox: Mailbox,
    output: super::config::OutputMode,
    key_check_value: [u8; 8],
    closing: Arc<AtomicBool>,
}

// The handle is shared across the app's threads and the FFI.
const _: () = {
    const fn send_and_sync<T: Send + Sync>() {}
    send_and_sync::<SessionHandle>();
};

/// A snapshot, or why there is none.
pub type SnapshotResult = Result<Zeroizing<Vec<u8>>, RuntimeError>;

fn check_size(columns: u16, rows: u16) -> Result<(u16, u16), RuntimeError> {
    if columns == 0 || rows == 0 {
        return Err(RuntimeError::InvalidSize { columns, rows });
    }
    // The server refuses larger sizes; clamping keeps input flowing.
    Ok((columns.min(MAX_DIMENSION), rows.min(MAX_DIMENSION)))
}

/// The sequence numbers of a session under `key` from tick `floor` on: the store's
/// next lane, or a random one without a store (`crypto/sequence_plan.rs`).
fn plan_sequence(
    store: Option<&NonceStore>,
    key: &SessionKey,
    floor: u64,
) -> Result<SequencePlan, String> {
    match store {
        Some(store) => store.reserve(key, floor).map_err(|e| e.to_string()),
        None => SequencePlan::random_lane(floor).map_err(|e| e.to_string()),
    }
}

impl SessionHandle {
    /// Starts a session to `config.host`. Name resolution and the first datagram
    /// happen on the runtime; read events with [`SessionHandle::events`]. Reserves
    /// sequence numbers in the nonce store (a file lock and an fsync): call it off a
    /// UI thread.
    pub fn connect(config: SessionConfig) -> Result<SessionHandle, RuntimeError> {
        let (columns, rows) = check_size(config.columns, config.rows)?;
        if config.port == 0 {
            return Err(RuntimeError::InvalidPort);
        }
        let host = config.host.trim();
        if host.is_empty() {
            return Err(RuntimeError::InvalidHost);
        }
        let sequence = plan_sequence(
            config.options.nonce_store.as_ref(),
            &config.key,
            clock_tick(wall_clock_us()),
        )
        .map_err(RuntimeError::NonceStore)?;
        let key_check_value = config.key.check_value();
        let start = Start::Connect {
            host: host.to_owned(),
            port: config.port,
            key: config.key,
            columns,
            rows,
            sequence,
        };
        Self::spawn(start, columns, rows, config.options, key_check_value)
    }

    /// Resumes the session saved in `snapshot` (see
    /// [`ClientSession::restore`] for why it never repeats a nonce). Parses up to
    /// the snapshot's bound and reserves sequence numbers: call it off a UI thread.
    pub fn restore(
        snapshot: &[u8],
        options: SessionOptions,
    ) -> Result<SessionHandle, RuntimeError> {
        let store = options.nonce_store.clone();
        let reserve = |key: &_, floor| plan_sequence(store.as_ref(), key, floor);
        let session =
            ClientSession::restore_reserving(snapshot, wall_clock_us(), Instant::now(), reserve)
                .map_err(|error| match error {
                    SnapshotError::Reservation(message) => RuntimeError::NonceStore(message),
                    other => RuntimeError::Snapshot(other),
                })?;
        let (columns, rows) = session.window();
        let key_check_value = session.key().check_value();
        tracing::info!(server = ?crate::protocol::ssp::Endpoint::remote_address(&session), "session restored");
        Self::spawn(
            Start::Restored(Box::new(session)),
            columns,
            rows,
            options,
            key_check_value,
        )
    }

    fn spawn(
        start: Start,
        columns: u16,
        rows: u16,
        options: SessionOptions,
        key_check_value: [u8; 8],
    ) -> Result<SessionHandle, RuntimeError> {
        let runtime = shared_runtime().map_err(|e| RuntimeError::Runtime(e.to_string()))?;
        let (commands, receiver) = unbounded_channel();
        let published = Published::new(View::new(columns, rows), options.scrollback_lines);
        let mailbox = Mailbox::default();
        let output = options.output;
        runtime.spawn(run_session(
            start,
            options,
            receiver,
            published.clone(),
            mailbox.clone(),
        ));
        Ok(SessionHandle {
            commands,
            published,
            mailbox,
            output,
            key_check_value,
            closing: Arc::new(AtomicBool::new(false)),
        })
    }

    /// The session key's public check value (names the key; never reveals it).
    pub fn key_check_value(&self) -> [u8; 8] {
        self.key_check_value
    }

    /// A new consumer's stream of this session's events. It starts with what a new
    /// view needs (every row, the status, the title) and ends with
    /// [`SessionEvent::Closed`](super::SessionEvent::Closed); it does not keep the
    /// session alive. Any number may be open.
    pub fn events(&self) -> EventStream {
        self.mailbox.open(self.published.clone(), self.output)
    }

    fn send(&self, command: Command) -> Result<(), RuntimeError> {
        self.check_open()?;
        self.commands
            .send(command)
            .map_err(|_| RuntimeError::Closed)
    }

    /// Closed as soon as the end is published (before the listener hears of it),
    /// not only once the task has let go of its command queue.
    fn check_open(&self) -> Result<(), RuntimeError> {
        if self.closing.load(Ordering::Acquire) || self.published.is_closed() {
            return Err(RuntimeError::Closed);
        }
        Ok(())
    }

    /// Bytes typed by the user (already encoded), through the escape key when one is
    /// configured.
    pub fn send_input(&self, bytes: &[u8]) -> Result<(), RuntimeError> {
        self.send(Command::Typed(bytes.to_vec()))
    }

    /// A key, encoded for the remote program's current modes.
    pub fn send_key(&self, key: Key, modifiers: KeyModifiers) -> Result<(), RuntimeError> {
        self.send(Command::Key(key, modifiers))
    }

    /// A character typed with modifiers (Ctrl-C is `('c', ctrl)`).
    pub fn send_char(&self, c: char, modifiers: KeyModifiers) -> Result<(), RuntimeError> {
        self.send(Command::Char(c, modifiers))
    }

    /// Pasted text; bracketed when the remote program asked for bracketed paste.
    pub fn paste(&self, text: &str) -> Result<(), RuntimeError> {
        self.send(Command::Paste(text.to_owned()))
    }

    /// A pointer event, encoded for the remote program's mouse modes when it reaches
    /// the session; nothing is sent when the program did not ask for that kind of
    /// event (see [`MouseModes`](crate::terminal::mouse::MouseModes)).
    pub fn send_mouse(&self, event: MouseEvent) -> Result<(), RuntimeError> {
        self.send(Command::Mouse(event))
    }

    /// A swipe of `steps` lines at a cell: positive towards later content (a finger
    /// moving up the screen), negative towards earlier. When the remote program takes
    /// wheel events there (`less --mouse`, `vim` with `mouse=a`, `tmux` with `mouse
    /// on`), up to [`MAX_SWIPE_STEPS`] are sent and [`ScrollTarget::Program`] is
    /// returned; otherwise nothing is sent and [`ScrollTarget::Scrollback`] tells the
    /// view to scroll its local scrollback by `steps` lines. Decided on the screen
    /// as last published, so the answer matches what the view shows.
    pub fn scroll(&self, steps: i32, column: u16, row: u16) -> Result<ScrollTarget, RuntimeError> {
        let modes = MouseModes::of(&self.published.frame());
        let target = wheel_target(modes, column, row);
        if target == ScrollTarget::Program {
            let action = if steps > 0 {
                MouseAction::WheelDown
            } else {
                MouseAction::WheelUp
            };
            for _ in 0..steps.unsigned_abs().min(MAX_SWIPE_STEPS) {
                self.send(Command::Mouse(MouseEvent {
                    action,
                    column,
                    row,
                    modifiers: KeyModifiers::default(),
                }))?;
            }
        }
        // The local scrollback scrolls after the end too.
        Ok(target)
    }

    /// The view gained (`true`) or lost focus: reported to a program that asked for
    /// focus events (1004), else nothing is sent.
    pub fn send_focus(&self, focused: bool) -> Result<(), RuntimeError> {
        self.send(Command::Focus(focused))
    }

    /// The window changed size. Zero is refused; sizes above the protocol's limit
    /// (4096) are clamped to it.
    pub fn resize(&self, columns: u16, rows: u16) -> Result<(), RuntimeError> {
        let (columns, rows) = check_size(columns, rows)?;
        self.send(Command::Resize(columns, rows))
    }

    /// Data saver: from now on the server sends at most the newest `lines` of any
    /// output that scrolls off (0: none; what it skips is a gap in the scrollback),
    /// never more than the session keeps. Call again with the session's
    /// `scrollback_lines` to lift it. Our server applies it; a stock one sends no
    /// scrollback at all.
    pub fn set_scrollback_budget(&self, lines: u32) -> Result<(), RuntimeError> {
        self.send(Command::ScrollbackBudget(lines))
    }

    /// The OS says the network path changed: a fresh socket, and a datagram at once.
    pub fn network_changed(&self) -> Result<(), RuntimeError> {
        self.send(Command::NetworkChanged)
    }

    /// The app leaves the foreground: every timer and send stops. Returns a snapshot
    /// to store (it holds the session key: keep it in the Keychain or an Android
    /// Keystore-encrypted file). The command is posted at the call; the future
    /// waits only for the session task (microseconds) and is polled on any
    /// executor.
    pub fn enter_background(&self) -> impl Future<Output = SnapshotResult> + Send + use<> {
        let answer = self.request(Command::EnterBackground);
        // Readers see the background at once, even while the host name resolves
        // (when there is no snapshot yet and the task backgrounds later).
        if !self.published.is_closed() {
            self.published.set_background(true);
        }
        answer
    }

    /// The app is back: resynchronize at once from a fresh socket.
    pub fn enter_foreground(&self) -> Result<(), RuntimeError> {
        self.send(Command::EnterForeground)?;
        // Readers see the foreground at once, as they see the background once
        // enter_background returns.
        self.published.set_background(false);
        Ok(())
    }

    /// Bytes that let a new process resume this session
    /// ([`SessionHandle::restore`]); they hold the session key.
    pub fn snapshot(&self) -> impl Future<Output = SnapshotResult> + Send + use<> {
        self.request(Command::Snapshot)
    }

    /// Stops the session for good without the shutdown handshake and returns its
    /// last snapshot (nothing is sent after it, so it resumes): the server keeps the
    /// remote shell. Streams end with
    /// [`CloseReason::Detached`](crate::session::CloseReason::Detached); later calls
    /// fail with [`RuntimeError::Closed`]. A session still resolving its host name
    /// has nothing to save: [`RuntimeError::SnapshotUnavailable`], and it stops all
    /// the same.
    pub fn detach(&self) -> impl Future<Output = SnapshotResult> + Send + use<> {
        let answer = self.request(Command::Detach);
        self.closing.store(true, Ordering::Release);
        answer
    }

    fn request(
        &self,
        command: fn(SnapshotReply) -> Command,
    ) -> impl Future<Output = SnapshotResult> + Send + use<> {
        // The command is posted now, before the first poll: a caller that drops the
        // future still backgrounds (or detaches) the session.
        let (reply, answer) = oneshot::channel();
        let sent = self.send(command(reply));
        async move {
            sent?;
            match answer.await {
                Ok(Some(snapshot)) => Ok(snapshot),
                Ok(None) => Err(RuntimeError::SnapshotUnavailable),
                Err(_) => Err(RuntimeError::Closed),
            }
        }
    }

    /// Starts the polite shutdown; [`SessionEvent::Closed`](super::SessionEvent)
    /// follows. Later calls fail with [`RuntimeError::Closed`].
    pub fn close(&self) -> Result<(), RuntimeError> {
        self.close_with(None)
    }

    /// [`SessionHandle::close`], showing `message` in the notification bar while the
    /// shutdown runs (the desktop client's "Exiting...").
    pub fn close_showing(&self, message: &str) -> Result<(), RuntimeError> {
        self.close_with(Some(message.to_owned()))
    }

    fn close_with(&self, message: Option<String>) -> Result<(), RuntimeError> {
        let result = self.send(Command::Close(message));
        self.closing.store(true, Ordering::Release);
        result
    }

    /// What the app should show now: rows of styled runs (predictions marked), the
    /// cursor and the title.
    pub fn screen(&self) -> ScreenModel {
        self.published.screen()
    }

    /// The server's screen as text, one string per row: what the remote program
    /// wrote, without local echo (predictions) or the notification bar. For
    /// searching and copying text.
    pub fn confirmed_text(&self) -> Vec<String> {
        self.published.confirmed_text()
    }

    /// The screen without its rows (size, cursor, title, modes) and only rows `rows`
    /// (those a `ScreenChanged` event named): a view redraws them without copying
    /// the whole screen.
    pub fn screen_update(&self, rows: &[u16]) -> (ScreenModel, Vec<(u16, ScreenRow)>) {
        self.published.screen_update(rows)
    }

    /// The displayed frame itself, for front ends that paint a terminal.
    pub fn frame(&self) -> Framebuffer {
        self.published.frame()
    }

    /// Lines of scrollback held: rows that scrolled off the top of the server's
    /// screen, as captured on this client (see [`SessionHandle::scrollback`]).
    pub fn scrollback_len(&self) -> usize {
        self.published.scrollback_len()
    }

    /// Up to `count` lines of scrollback from line number `from` on, oldest first,
    /// and the number of the first line returned. Lines are numbered in the order
    /// they scrolled off, from 0 for the first this handle's session captured (a
    /// restored session numbers its saved lines from 0), and keep their number
    /// while the configured bound drops the oldest: `from` below the oldest held
    /// starts there; [`SessionHandle::scrollback_range`] says which are held. Each is
    /// a row of styled runs like [`SessionHandle::screen`]'s, without its trailing
    /// blank cells.
    ///
    /// With a stock `mosh-server` the history is inferred from the frames this client
    /// received: lines that scrolled away between two frames the client never saw
    /// (a burst of more than a screen, output while the app was in the background)
    /// cannot be recovered, and leave a gap.
    pub fn scrollback(&self, from: u64, count: usize) -> (u64, Vec<ScreenRow>) {
        self.published.scrollback(from, count)
    }

    /// The numbers of the scrollback lines held, `first..end` (`end` is the number
    /// the next line will get; see [`SessionHandle::scrollback`]).
    pub fn scrollback_range(&self) -> std::ops::Range<u64> {
        self.published.scrollback_range()
    }

    /// The scrollback lines added since the first `seen` lines (those the bound has
    /// not dropped meanwhile), and how many lines have been added in all: a front
    /// end that copies lines elsewhere (the desktop client into its terminal's own
    /// scrollback) passes the count it got last time.
    pub fn scrollback_since(&self, seen: u64) -> (u64, Vec<ScreenRow>) {
        self.published.scrollback_since(seen)
    }

    /// The connection status as last published.
    pub fn status(&self) -> ConnectionStatus {
        self.published.status()
    }
}
