//! The interactive client: one front end of the shared client runtime
//! (`mosh_core::runtime`), the same session handle phone apps use through the FFI.
//! This front end owns the local terminal: raw mode, keystrokes from stdin up to the
//! session, screens painted to stdout, signals, suspend.

use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::os::fd::AsFd;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use mosh_core::crypto::SessionKey;
use mosh_core::frontend::DisplayConfig;
use mosh_core::frontend::escape_key::EscapeKeyConfig;
use mosh_core::frontend::local_terminal::{
    LocalTerminal, capabilities_for_term, close_sequence, open_sequence,
};
use mosh_core::prediction::PredictionDisplay;
use mosh_core::runtime::{
    SessionConfig, SessionEvent, SessionHandle, SessionListener, SessionOptions, deliver_on_thread,
    shared_runtime,
};
use mosh_core::session::CloseReason;
use mosh_core::session::scrollback::DEFAULT_SCROLLBACK_LINES;
use tokio::signal::unix::{SignalKind, signal};

use crate::suspend::suspend_until_continued;
use crate::tty::{RawMode, window_size};

/// How the local terminal is set up.
#[derive(Debug, Clone)]
pub struct TerminalOptions {
    /// `MOSH_ESCAPE_KEY`.
    pub escape: EscapeKeyConfig,
    /// Prefix for window titles (`None`: `MOSH_TITLE_NOPREFIX`).
    pub title_prefix: Option<String>,
    /// Use the alternate screen (not with `MOSH_NO_TERM_INIT` or local scrollback).
    pub alternate_screen: bool,
    /// Put the lines that scroll off the remote screen into the local terminal's
    /// own scrollback (`MOSH_LOCAL_SCROLLBACK`), which needs the main screen.
    pub local_scrollback: bool,
    /// `MOSH_PREDICTION_DISPLAY`.
    pub prediction: PredictionDisplay,
    /// `MOSH_PREDICTION_OVERWRITE=yes`.
    pub prediction_overwrite: bool,
}

/// How a session ended, for the exit status and message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// Why it ended.
    pub reason: CloseReason,
    /// Whether any server state ever arrived.
    pub connected: bool,
}

impl Outcome {
    /// mosh-client's exit status: 0 after a clean shutdown, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self.reason {
            CloseReason::ServerExited | CloseReason::Closed => 0,
            CloseReason::CloseUnacknowledged
            | CloseReason::ConnectTimedOut
            | CloseReason::HostNotFound
            | CloseReason::NetworkFailed
            | CloseReason::OutOfSync
            | CloseReason::Superseded
            | CloseReason::Detached => 1,
        }
    }
}

/// A read larger than this is a paste (`terminal.md` §13.2).
const STDIN_CHUNK: usize = 16 * 1024;

/// What the main thread waits for.
#[derive(Debug)]
enum FrontEvent {
    Suspend,
    WindowChanged,
    Signal,
    Closed(CloseReason),
}

/// The local terminal, painted from the delivery thread (screen changes) and the
/// main thread (repaints after suspend, resize, the last frame).
struct Painter {
    local: Mutex<LocalTerminal>,
    handle: OnceLock<SessionHandle>,
    /// Whether scrolled-off lines go into the terminal's own scrollback.
    local_scrollback: bool,
}

impl Painter {
    fn paint(&self) {
        let Some(handle) = self.handle.get() else {
            return;
        };
        let mut local = self.local.lock().unwrap_or_else(PoisonError::into_inner);
        let mut bytes = Vec::new();
        if self.local_scrollback {
            // Lines first: the session publishes them before the frame they left.
            let (seen, lines) = handle.scrollback_since(local.scrollback_seen());
            bytes = local.push_scrollback(&lines, seen);
        }
        bytes.extend(local.paint(&handle.frame()));
        if !bytes.is_empty() {
            let mut stdout = io::stdout().lock();
            // A terminal that is gone also sends SIGHUP, which ends the session.
            let _ = stdout.write_all(&bytes).and_then(|()| stdout.flush());
        }
    }

    fn with_local(&self, change: impl FnOnce(&mut LocalTerminal)) {
        change(&mut self.local.lock().unwrap_or_else(PoisonError::into_inner));
    }
}

/// The session's listener: paints on the delivery thread, hands the rest to the
/// main thread.
struct DesktopListener {
    painter: Arc<Painter>,
    front: Mutex<Sender<FrontEvent>>,
}

impl DesktopListener {
    fn tell(&self, event: FrontEvent) {
        let _ = self
            .front
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .send(event);
    }
}

impl SessionListener for DesktopListener {
    fn on_event(&self, event: SessionEvent) {
        match event {
            SessionEvent::ScreenChanged { .. } | SessionEvent::ScrollbackAdded { .. } => {
                self.painter.paint();
            }
            SessionEvent::RepaintRequested => {
                self.painter.with_local(LocalTerminal::request_repaint);
                self.painter.paint();
            }
            SessionEvent::SuspendRequested => self.tell(FrontEvent::Suspend),
            SessionEvent::Closed(reason) => self.tell(FrontEvent::Closed(reason)),
            // The title and bell are in the painted frame; the clipboard is written
            // by the painter as OSC 52; the bar shows the status.
            SessionEvent::VtOutput(_)
            | SessionEvent::TitleChanged(_)
            | SessionEvent::Bell
            | SessionEvent::Clipboard(_)
            | SessionEvent::StatusChanged(_) => {}
        }
    }
}

/// Runs a session to `server` on the terminal of stdin/stdout, until it ends.
pub fn run_interactive(
    server: SocketAddr,
    key: SessionKey,
    options: TerminalOptions,
) -> io::Result<Outcome> {
    // Leaked once per process so raw mode can borrow stdin for the whole run.
    let stdin: &'static io::Stdin = Box::leak(Box::new(io::stdin()));
    let (columns, rows) = window_size(stdin.as_fd())?;
    let raw = RawMode::enter(stdin.as_fd())?;
    let mut stdout = io::stdout();
    stdout.write_all(&open_sequence(options.alternate_screen))?;
    stdout.flush()?;
    let result = run_session(server, key, &options, &raw, columns, rows);
    let _ = stdout.write_all(&close_sequence(options.alternate_screen));
    let _ = stdout.flush();
    drop(raw);
    result
}

fn run_session(
    server: SocketAddr,
    key: SessionKey,
    options: &TerminalOptions,
    raw: &RawMode<'_>,
    columns: u16,
    rows: u16,
) -> io::Result<Outcome> {
    let caps = capabilities_for_term(&std::env::var("TERM").unwrap_or_default());
    let mut local = LocalTerminal::new(caps, columns, rows, options.title_prefix.clone());
    if options.local_scrollback {
        local.keep_scrollback();
    }
    let painter = Arc::new(Painter {
        local: Mutex::new(local),
        handle: OnceLock::new(),
        local_scrollback: options.local_scrollback,
    });
    let (front, events) = channel();
    let listener = Arc::new(DesktopListener {
        painter: painter.clone(),
        front: Mutex::new(front.clone()),
    });
    let config = SessionConfig {
        host: server.ip().to_string(),
        port: server.port(),
        key,
        columns,
        rows,
        options: SessionOptions {
            display: DisplayConfig {
                prediction: options.prediction,
                overwrite: options.prediction_overwrite,
                escape_key_name: options.escape.key_name(),
                notification_bar: true,
            },
            escape_key: Some(options.escape),
            // Without local scrollback nothing shows the lines that scroll off: keep
            // none, so the server is not asked for them (a bulk `cat` stays a few
            // screens on the wire).
            scrollback_lines: if options.local_scrollback {
                DEFAULT_SCROLLBACK_LINES
            } else {
                0
            },
            ..SessionOptions::default()
        },
    };
    let handle = SessionHandle::connect(config).map_err(io::Error::other)?;
    deliver_on_thread(handle.events(), listener)?;
    let _ = painter.handle.set(handle.clone());
    painter.paint();
    forward_signals(front)?;
    spawn_stdin_reader(handle.clone())?;
    main_loop(&handle, &painter, &events, options, raw, (columns, rows))
}

/// Suspends, follows the window size, and stops at the close.
fn main_loop(
    handle: &SessionHandle,
    painter: &Painter,
    events: &Receiver<FrontEvent>,
    options: &TerminalOptions,
    raw: &RawMode<'_>,
    mut window: (u16, u16),
) -> io::Result<Outcome> {
    loop {
        let Ok(event) = events.recv() else {
            return Err(io::Error::other("the session ended without closing"));
        };
        match event {
            FrontEvent::Closed(reason) => {
                // The last frame leaves the remote program's own title.
                painter.with_local(LocalTerminal::drop_title_prefix);
                painter.paint();
                let connected = handle.status().last_contact.is_some();
                return Ok(Outcome { reason, connected });
            }
            FrontEvent::Suspend => {
                // Painting waits while the terminal is handed back to the shell.
                let local = painter.local.lock().unwrap_or_else(PoisonError::into_inner);
                suspend_until_continued(raw, options.alternate_screen)?;
                drop(local);
                painter.with_local(LocalTerminal::request_repaint);
                // The window may have changed while we were stopped.
                follow_window_size(handle, painter, &mut window);
                painter.paint();
            }
            FrontEvent::WindowChanged => {
                follow_window_size(handle, painter, &mut window);
                painter.paint();
            }
            FrontEvent::Signal => {
                let _ = handle.close_showing("Signal received, shutting down...");
            }
        }
    }
}

/// Tells the session the local window's size if it changed (`SIGWINCH`, resume).
fn follow_window_size(handle: &SessionHandle, painter: &Painter, window: &mut (u16, u16)) {
    let Ok((columns, rows)) = window_size(io::stdin().as_fd()) else {
        return;
    };
    if *window == (columns, rows) {
        return;
    }
    *window = (columns, rows);
    let _ = handle.resize(columns, rows);
    painter.with_local(LocalTerminal::request_repaint);
}

/// SIGWINCH, SIGTERM, SIGINT and SIGHUP, watched on the shared runtime and handed to
/// the main thread.
fn forward_signals(front: Sender<FrontEvent>) -> io::Result<()> {
    let runtime = shared_runtime()?;
    let _guard = runtime.enter();
    let mut winch = signal(SignalKind::window_change())?;
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    let mut hup = signal(SignalKind::hangup())?;
    runtime.spawn(async move {
        loop {
            let event = tokio::select! {
                _ = winch.recv() => FrontEvent::WindowChanged,
                _ = term.recv() => FrontEvent::Signal,
                _ = int.recv() => FrontEvent::Signal,
                _ = hup.recv() => FrontEvent::Signal,
            };
            if front.send(event).is_err() {
                return;
            }
        }
    });
    Ok(())
}

/// Keystrokes: a thread blocked in read(2) on stdin, each read sent as it is (the
/// session's escape key filter sees the raw bytes). End of input closes the session.
fn spawn_stdin_reader(handle: SessionHandle) -> io::Result<()> {
    std::thread::Builder::new()
        .name("stdin".into())
        .spawn(move || {
            let mut input = vec![0u8; STDIN_CHUNK];
            let mut stdin = io::stdin();
            loop {
                match stdin.read(&mut input) {
                    Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                    Ok(0) | Err(_) => {
                        let _ = handle.close_showing("Exiting...");
                        return;
                    }
                    Ok(n) => {
                        if handle.send_input(&input[..n]).is_err() {
                            return;
                        }
                    }
                }
            }
        })
        .map(|_| ())
}
