//! A session: connect or restore, input, lifecycle, the screen and the status.

use std::sync::Arc;

use mosh_core::frontend::DisplayConfig;
use mosh_core::prediction::PredictionDisplay;
use mosh_core::runtime::{self, SessionConfig, SessionEvent, SessionHandle, shared_runtime};
use mosh_core::session::sealed;

use crate::error::MoshError;
use crate::keys::{Key, KeyInput, KeyModifiers};
use crate::listener::{EventStream, SessionListener, Subscription};
use crate::mouse::{MouseEvent, ScrollTarget};
use crate::screen::{Screen, ScreenRow, ScreenUpdate};
use crate::scrollback::{ScrollbackLines, ScrollbackRange};
use crate::session_key::SessionKey;
use crate::status::{CloseReason, Status};

/// When local echo shows predictions (`MOSH_PREDICTION_DISPLAY`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, uniffi::Enum)]
pub enum PredictionMode {
    /// When the link is slow (the default).
    #[default]
    Adaptive,
    /// Always.
    Always,
    /// Never.
    Never,
    /// Always, also on text the engine is less sure of.
    Experimental,
}

/// Which outputs the listener receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, uniffi::Enum)]
pub enum OutputMode {
    /// `ScreenChanged` events; draw from `screen()`.
    #[default]
    Screen,
    /// `VtOutput` events for the app's own terminal widget.
    Vt,
    /// Both.
    Both,
}

/// How the session is shown, where it may keep its nonce floor, and how much
/// scrollback it keeps.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SessionOptions {
    /// When to show local echo.
    pub prediction: PredictionMode,
    /// Predictions overwrite instead of inserting (`MOSH_PREDICTION_OVERWRITE`).
    #[uniffi(default = false)]
    pub prediction_overwrite: bool,
    /// Which outputs the listener receives.
    pub output: OutputMode,
    /// A directory the library may write two small files per session key to (the
    /// app's Application Support / `noBackupFilesDir`): before a session sends, it
    /// reserves a lane of sequence numbers there under a file lock, so no nonce is
    /// repeated even when the device clock goes backwards between restores or two
    /// processes restore one snapshot at once. The files name keys by a check value,
    /// never the key; a store rolled back by a backup or deleted is safe while the
    /// clock goes forward. `None`: a random lane per session and the wall clock
    /// (two sessions of one key repeat a nonce only if they share one of 65,536
    /// lanes and the clock went back or both run at once; see
    /// `mosh-core/src/crypto/sequence_plan.rs`).
    #[uniffi(default = None)]
    pub nonce_store_dir: Option<String>,
    /// Lines of scrollback to keep (the oldest go first; at most 1,000,000; 0 keeps
    /// none). A line takes 150–300 bytes (1.5–3 MiB for the default
    /// 10,000).
    #[uniffi(default = 10000)]
    pub scrollback_lines: u32,
    /// Lines of scrollback a saved session's state carries (the newest; 0: none;
    /// never more than the session keeps). 10,000 lines take 1.5–3 MiB of the state
    /// file.
    #[uniffi(default = 10000)]
    pub saved_scrollback_lines: u32,
    /// Whether mosh's notification bar is drawn over the screen's top row
    /// ("Last contact 12 seconds ago", "Nothing received from server"): stock's
    /// behaviour, on by default. An app that draws the connection status itself turns
    /// it off and reads `Status` (state, `last_contact_ms`, `last_reply_ms`,
    /// `input_dropped_bytes`, `datagrams_unauthentic`), which carries every fact the
    /// bar shows; the top row then always shows the remote program.
    #[uniffi(default = true)]
    pub notification_bar: bool,
}

impl Default for SessionOptions {
    fn default() -> Self {
        SessionOptions {
            prediction: PredictionMode::default(),
            prediction_overwrite: false,
            output: OutputMode::default(),
            nonce_store_dir: None,
            scrollback_lines: 10_000,
            saved_scrollback_lines: 10_000,
            notification_bar: true,
        }
    }
}

impl From<SessionOptions> for runtime::SessionOptions {
    fn from(options: SessionOptions) -> Self {
        runtime::SessionOptions {
            display: DisplayConfig {
                prediction: match options.prediction {
                    PredictionMode::Adaptive => PredictionDisplay::Adaptive,
                    PredictionMode::Always => PredictionDisplay::Always,
                    PredictionMode::Never => PredictionDisplay::Never,
                    PredictionMode::Experimental => PredictionDisplay::Experimental,
                },
                overwrite: options.prediction_overwrite,
                escape_key_name: None,
                notification_bar: options.notification_bar,
            },
            escape_key: None,
            output: match options.output {
                OutputMode::Screen => runtime::OutputMode::Screen,
                OutputMode::Vt => runtime::OutputMode::Vt,
                OutputMode::Both => runtime::OutputMode::Both,
            },
            nonce_store: options.nonce_store_dir.map(runtime::NonceStore::new),
            scrollback_lines: usize::try_from(options.scrollback_lines).unwrap_or(usize::MAX),
            saved_scrollback_lines: usize::try_from(options.saved_scrollback_lines)
                .unwrap_or(usize::MAX),
        }
    }
}

/// Where to connect, from `MOSH CONNECT` and the app's window. Safe to print: the
/// key's string form shows only its fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ConnectConfig {
    /// The server: a host name (resolved without blocking; IPv6 and IPv4 addresses
    /// are tried in turn) or an address literal.
    pub host: String,
    /// The UDP port from `MOSH CONNECT`.
    pub port: u16,
    /// The key from `MOSH CONNECT` (`ConnectInfo.key`, or `SessionKey.parse`).
    pub key: Arc<SessionKey>,
    /// Window width in cells.
    pub columns: u16,
    /// Window height in cells.
    pub rows: u16,
    /// How the session is shown.
    pub options: SessionOptions,
}

/// A session saved for a later process (`enter_background()`, `snapshot()`,
/// `detach()`), in two parts that must be stored and restored together:
///
/// - `secret` (54 bytes): keep it in the Keychain (iOS) or encrypted under an
///   Android Keystore key. It holds the key that seals the state.
/// - `state` (the screen, input in flight, sequence floors, the scrollback the
///   options allow: kilobytes to a few MiB): sealed by the library, so an ordinary
///   file will do (Application Support / `noBackupFilesDir`).
///
/// A state from another save, truncated or altered, is refused with
/// `StateMismatch`; delete both parts when a restore succeeds or the session ends.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct SavedSession {
    /// The small secret for the platform's secret store.
    pub secret: Vec<u8>,
    /// The sealed state for a file.
    pub state: Vec<u8>,
}

impl std::fmt::Debug for SavedSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SavedSession")
            .field("secret", &"<redacted>")
            .field("state_len", &self.state.len())
            .finish()
    }
}

/// Seals snapshot bytes on the library's threads.
async fn save(
    snapshot: zeroize::Zeroizing<Vec<u8>>,
    check_value: [u8; 8],
) -> Result<SavedSession, MoshError> {
    on_library_threads(move || {
        let now_us = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| {
                u64::try_from(since.as_micros()).unwrap_or(u64::MAX)
            });
        let mut saved = sealed::seal(&snapshot, check_value, now_us)?;
        Ok(SavedSession {
            secret: std::mem::take(&mut *saved.secret),
            state: std::mem::take(&mut saved.state),
        })
    })
    .await
}

/// One mosh session. Thread-safe. Calls that only post to the session return at
/// once; those that wait for the library (`connect`, `restore`, `enter_background`,
/// `snapshot`, `detach`, `closed`) are `async` (Kotlin `suspend`, Swift `async`):
/// their work runs on the library's threads, never the caller's. None waits on the
/// network.
///
/// Three endings: `detach()` stops everything (sends, timers, the socket) and
/// returns a snapshot, leaving the remote shell for it to resume; `shutdown()` ends
/// the remote shell politely; and a session nobody references any more detaches by
/// itself (its streams end with `CloseReason::Detached`). Event streams and
/// subscriptions do not keep it alive.
#[derive(Debug, uniffi::Object)]
pub struct Session {
    handle: SessionHandle,
}

/// Runs `work` on the library's blocking pool and waits for it without holding the
/// caller's thread (the future is polled by the app's executor: a coroutine, a
/// Swift task).
async fn on_library_threads<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, MoshError> + Send + 'static,
) -> Result<T, MoshError> {
    let runtime = shared_runtime().map_err(|error| MoshError::Internal {
        detail: error.to_string(),
    })?;
    runtime
        .spawn_blocking(work)
        .await
        .map_err(|error| MoshError::Internal {
            detail: error.to_string(),
        })?
}

#[uniffi::export]
impl Session {
    /// Starts a session. Fails at once on a malformed key, port 0, an empty host or
    /// a zero window, or an unusable nonce store; a host that does not resolve or a
    /// server that never answers ends the session with a `Closed` event. Read its
    /// events with `events()` or `subscribe()`: the first batch of a new stream
    /// says everything a view needs, so nothing is missed by subscribing later.
    #[uniffi::constructor]
    pub async fn connect(config: ConnectConfig) -> Result<Arc<Session>, MoshError> {
        on_library_threads(move || {
            if config.port == 0 {
                return Err(MoshError::InvalidPort { port: 0 });
            }
            let handle = SessionHandle::connect(SessionConfig {
                host: config.host,
                port: config.port,
                key: config.key.key().clone(),
                columns: config.columns,
                rows: config.rows,
                options: config.options.into(),
            })?;
            Ok(Arc::new(Session { handle }))
        })
        .await
    }

    /// Resumes a saved session (both parts of what `enter_background()`,
    /// `snapshot()` or `detach()` returned), in this process or a new one. A
    /// restored session never repeats a nonce, even when one save is restored twice.
    /// Which saves resume: with our `mosh-server`, any save of a live session (one
    /// taken in use, one restored before, one moved to another device: the server
    /// follows the newest process and the other ends as `CloseReason::Superseded`;
    /// docs/resync-extension.md). With stock `mosh-server`, only the newest one the
    /// session took, as long as no other process of the session talked to the
    /// server after it (the one `enter_background()` or `detach()` returns is such,
    /// since nothing is sent after it); an older one ends as
    /// `CloseReason::OutOfSync` at the server's first reply, or, if the session it
    /// came from also sent input after it, hears nothing from the server (no contact
    /// in `status()`). Either way, then start a new session over SSH (`mosh-server
    /// new`) and delete the saved parts.
    #[uniffi::constructor]
    pub async fn restore(
        saved: SavedSession,
        options: SessionOptions,
    ) -> Result<Arc<Session>, MoshError> {
        let secret = zeroize::Zeroizing::new(saved.secret);
        let state = saved.state;
        on_library_threads(move || {
            let snapshot = sealed::open(&secret, &state)?;
            let handle = SessionHandle::restore(&snapshot, options.into())?;
            Ok(Arc::new(Session { handle }))
        })
        .await
    }

    /// A new stream of this session's events for one consumer. Its first batch
    /// names every row, the status and the title; it ends with `Closed`. Any number
    /// may be open; each coalesces on its own.
    pub fn events(&self) -> Arc<EventStream> {
        EventStream::new(self.handle.events())
    }

    /// Calls `listener` with this session's events (on the library's event
    /// threads) until the returned subscription is cancelled or dropped, or the
    /// session ends: keep the subscription as long as the view that listens.
    pub fn subscribe(
        &self,
        listener: Arc<dyn SessionListener>,
    ) -> Result<Arc<Subscription>, MoshError> {
        Subscription::start(self.events(), listener)
    }

    /// Bytes typed by the user, already encoded (UTF-8 text, control characters).
    pub fn send_input(&self, bytes: Vec<u8>) -> Result<(), MoshError> {
        Ok(self.handle.send_input(&bytes)?)
    }

    /// A key, encoded for the remote program's current modes (application cursor
    /// keys, modifiers).
    pub fn send_key(&self, key: Key, modifiers: KeyModifiers) -> Result<(), MoshError> {
        match KeyInput::from(key) {
            KeyInput::Key(key) => Ok(self.handle.send_key(key, modifiers.into())?),
            KeyInput::Characters(text) => {
                for c in text.chars() {
                    self.handle.send_char(c, modifiers.into())?;
                }
                Ok(())
            }
        }
    }

    /// Pasted text; bracketed when the remote program asked for bracketed paste.
    pub fn paste(&self, text: String) -> Result<(), MoshError> {
        Ok(self.handle.paste(&text)?)
    }

    /// A touch or mouse event, encoded for the remote program's mouse mode and
    /// encoding; nothing is sent when the program did not ask for that kind of event
    /// (`screen().modes.mouse_tracking` says what it wants: with `Off`, a swipe should
    /// scroll the local scrollback instead).
    pub fn send_mouse(&self, event: MouseEvent) -> Result<(), MoshError> {
        Ok(self.handle.send_mouse(event.into())?)
    }

    /// A swipe of `steps` lines at a cell: positive towards later content (the
    /// finger moves up the screen), negative towards earlier. When the remote
    /// program takes wheel events there (`less --mouse`, `vim` with `mouse=a`, `tmux`
    /// with `mouse on`), up to 100 wheel steps are sent and `Program` is returned;
    /// otherwise nothing is sent and `Scrollback` tells the view to scroll its local
    /// scrollback by `steps` lines. The view turns its gesture's distance into
    /// lines (one per cell height).
    pub fn scroll(&self, steps: i32, column: u16, row: u16) -> Result<ScrollTarget, MoshError> {
        Ok(self.handle.scroll(steps, column, row)?.into())
    }

    /// The view gained or lost focus: reported to a program that asked (1004);
    /// otherwise nothing is sent.
    pub fn send_focus(&self, focused: bool) -> Result<(), MoshError> {
        Ok(self.handle.send_focus(focused)?)
    }

    /// The view changed size. Zero is refused; above 4096 is clamped.
    pub fn resize(&self, columns: u16, rows: u16) -> Result<(), MoshError> {
        Ok(self.handle.resize(columns, rows)?)
    }

    /// The OS says the network path changed (Wi-Fi ↔ cellular, a new address): a
    /// fresh socket and a datagram at once. The first authentic datagram from the
    /// server afterwards is announced with a `StatusChanged` event even when the
    /// state stays `Connected`, so the app learns the new path works without polling
    /// (our `mosh-server` answers a moved client at once: one round trip; stock
    /// answers with its next frame or heartbeat, up to 3 s when idle). In the
    /// background nothing is sent until `enter_foreground()`.
    pub fn network_changed(&self) -> Result<(), MoshError> {
        Ok(self.handle.network_changed()?)
    }

    /// The app leaves the foreground: every timer and send stops, and the socket is
    /// no longer read (the screen stays as it was; `Status.background` says so and
    /// the contact age keeps growing). Returns the session saved for a later
    /// process: its `secret` to the Keychain / under a Keystore key, its `state` to
    /// a file (`SavedSession`). While the host name is still resolving there
    /// is nothing to save yet: `SnapshotUnavailable`, and the session enters the
    /// background all the same.
    pub async fn enter_background(&self) -> Result<SavedSession, MoshError> {
        let snapshot = self.handle.enter_background().await?;
        save(snapshot, self.handle.key_check_value()).await
    }

    /// The app is back: resynchronize at once, however long the pause was.
    pub fn enter_foreground(&self) -> Result<(), MoshError> {
        Ok(self.handle.enter_foreground()?)
    }

    /// The session saved now, for `restore` in a new process (`SavedSession` says
    /// where each part goes). Which saves resume: see `restore`.
    pub async fn snapshot(&self) -> Result<SavedSession, MoshError> {
        let snapshot = self.handle.snapshot().await?;
        save(snapshot, self.handle.key_check_value()).await
    }

    /// Stops the session for good without ending the remote shell, and returns it
    /// saved (nothing is sent after it, so it resumes with `restore`): the
    /// user closed a tab they may come back to. Frees the socket and timers at once;
    /// streams end with `CloseReason::Detached`, later calls fail with
    /// `SessionClosed`. A session still resolving its host name has nothing to
    /// save (`SnapshotUnavailable`) and stops all the same.
    pub async fn detach(&self) -> Result<SavedSession, MoshError> {
        let snapshot = self.handle.detach().await?;
        save(snapshot, self.handle.key_check_value()).await
    }

    /// Ends the session politely: the shutdown handshake tells the server, which
    /// hangs up the remote program and exits; the streams' `Closed` event follows
    /// (`closed()` waits for it). Returns at once; calling it again, or on a session
    /// that has ended, does nothing. (Named `shutdown`, not `close`: Kotlin's
    /// generated `close()` is `AutoCloseable`'s, which frees the handle.)
    pub fn shutdown(&self) {
        // Already closing or ended: nothing to do.
        let _ = self.handle.close();
    }

    /// Waits until the session has ended, and says why.
    pub async fn closed(&self) -> CloseReason {
        let stream = self.handle.events();
        while let Some(events) = stream.next().await {
            for event in events {
                if let SessionEvent::Closed(reason) = event {
                    return reason.into();
                }
            }
        }
        CloseReason::Detached
    }

    /// What to show now: rows of styled runs (predictions marked), cursor, title.
    pub fn screen(&self) -> Screen {
        self.handle.screen().into()
    }

    /// What a view redraws after `ScreenChanged { rows }`: the cursor, title and modes,
    /// and only those rows, so a busy screen costs the UI thread a few rows, not the
    /// whole screen, per event.
    pub fn screen_update(&self, rows: Vec<u16>) -> ScreenUpdate {
        let (header, rows) = self.handle.screen_update(&rows);
        ScreenUpdate::new(header, rows)
    }

    /// The server's screen as text, one string per row (wide characters once, blank
    /// cells as spaces): what the remote program wrote, without local echo or the
    /// notification bar. For search and copy, where a guess must not leak in.
    pub fn confirmed_text(&self) -> Vec<String> {
        self.handle.confirmed_text()
    }

    /// Lines of scrollback held: rows that scrolled off the top of the screen.
    pub fn scrollback_len(&self) -> u64 {
        self.handle.scrollback_len() as u64
    }

    /// The numbers of the scrollback lines held (`ScrollbackRange`): line numbers
    /// do not shift when the oldest lines go, so a list view can key its items by
    /// them.
    pub fn scrollback_range(&self) -> ScrollbackRange {
        let range = self.handle.scrollback_range();
        ScrollbackRange {
            first: range.start,
            end: range.end,
        }
    }

    /// Up to `count` scrollback lines from line number `from` on, oldest first, as
    /// styled rows like `screen()`'s without trailing blank cells; `first` says
    /// which number the first row has (lines below the oldest held are gone, so a
    /// `from` below it starts there). `scrollback(range.end - n, n)` reads the `n`
    /// lines just above the screen.
    ///
    /// With a stock `mosh-server`, the history is inferred from the screens this
    /// client received: lines that scrolled away between two screens it never saw (a
    /// burst of more than a screen, output while the app was in the background)
    /// cannot be recovered and leave a gap.
    pub fn scrollback(&self, from: u64, count: u32) -> ScrollbackLines {
        let count = usize::try_from(count).unwrap_or(usize::MAX);
        let (first, rows) = self.handle.scrollback(from, count);
        ScrollbackLines {
            first,
            rows: rows.into_iter().map(ScreenRow::from).collect(),
        }
    }

    /// Data saver, for a metered or constrained network (`NWPath.isExpensive` /
    /// `isConstrained`, a `NetworkCapabilities` without `NOT_METERED`): from now on
    /// the server sends at most the newest `lines` of any output that scrolls off (0:
    /// none, only the screen; skipped lines are a gap in the scrollback, the line
    /// numbers jump), never more than `scrollback_lines`. Call again with
    /// `scrollback_lines` when the network is free again. Our `mosh-server` applies
    /// it; a stock one sends no scrollback in the first place.
    pub fn set_scrollback_budget(&self, lines: u32) -> Result<(), MoshError> {
        Ok(self.handle.set_scrollback_budget(lines)?)
    }

    /// The connection status.
    pub fn status(&self) -> Status {
        self.handle.status().into()
    }
}
