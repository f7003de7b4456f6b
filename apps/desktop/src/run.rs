//! The interactive client: the local terminal in raw mode, keystrokes up, screens
//! painted down, until the session ends.

use std::io::{self, Write};
use std::net::SocketAddr;
use std::os::fd::AsFd;
use std::time::Instant;

use mosh_core::crypto::SessionKey;
use mosh_core::driver::UdpDriver;
use mosh_core::prediction::PredictionDisplay;
use mosh_core::session::escape_key::{EscapeKeyConfig, EscapeKeyFilter};
use mosh_core::session::local_terminal::{
    LocalTerminal, capabilities_for_term, close_sequence, open_sequence,
};
use mosh_core::session::{ClientConfig, ClientDisplay, ClientSession, CloseReason, DisplayConfig};
use tokio::io::AsyncReadExt;
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
    /// Use the alternate screen (not with `MOSH_NO_TERM_INIT`).
    pub alternate_screen: bool,
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
            CloseReason::CloseUnacknowledged | CloseReason::ConnectTimedOut => 1,
        }
    }
}

/// A read larger than this is a paste (`terminal.md` §13.2).
const STDIN_CHUNK: usize = 16 * 1024;

/// Runs a session to `server` on the terminal of stdin/stdout. Needs a tokio runtime.
pub async fn run_interactive(
    server: SocketAddr,
    key: SessionKey,
    options: TerminalOptions,
) -> io::Result<Outcome> {
    let stdin_fd = io::stdin();
    let (columns, rows) = window_size(stdin_fd.as_fd())?;
    let raw = RawMode::enter(stdin_fd.as_fd())?;
    let mut stdout = io::stdout();
    stdout.write_all(&open_sequence(options.alternate_screen))?;
    stdout.flush()?;
    let result = session_loop(server, key, &options, &raw, columns, rows).await;
    let _ = stdout.write_all(&close_sequence(options.alternate_screen));
    let _ = stdout.flush();
    drop(raw);
    result
}

async fn session_loop(
    server: SocketAddr,
    key: SessionKey,
    options: &TerminalOptions,
    raw: &RawMode<'_>,
    columns: u16,
    rows: u16,
) -> io::Result<Outcome> {
    let config = ClientConfig {
        server,
        key,
        columns,
        rows,
    };
    let session = ClientSession::connect(config, Instant::now());
    let display_config = DisplayConfig {
        prediction: options.prediction,
        overwrite: options.prediction_overwrite,
        escape_key_name: options.escape.key_name(),
    };
    let mut display = ClientDisplay::new(display_config, &session, Instant::now());
    let mut driver = UdpDriver::client(session)?;
    let caps = capabilities_for_term(&std::env::var("TERM").unwrap_or_default());
    let mut local = LocalTerminal::new(caps, columns, rows, options.title_prefix.clone());
    let mut escape = EscapeKeyFilter::new(options.escape);
    let mut stdin = tokio::io::stdin();
    let mut input = vec![0u8; STDIN_CHUNK];
    let mut stdin_open = true;
    let mut winch = signal(SignalKind::window_change())?;
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    let mut hup = signal(SignalKind::hangup())?;
    let mut stdout = io::stdout();
    let mut connected = false;
    let mut send_errors = 0;
    let mut window = (columns, rows);
    loop {
        let now = Instant::now();
        // Failed sends show for one ack interval; a pass without one lets it fade.
        let errors = driver.stats().send_errors;
        if errors > send_errors {
            display
                .notifications()
                .set_network_error("Network error: sending to the server failed.", now);
        } else {
            display.notifications().clear_network_error(now);
        }
        send_errors = errors;
        let session = driver.transport();
        if session.transport().last_new_remote_state().is_some() {
            connected = true;
        }
        let closed = session.closed();
        if closed.is_some() {
            display.shutting_down(now);
            local.drop_title_prefix();
        }
        let frame = local.paint(display.frame(session, now));
        if !frame.is_empty() {
            stdout.write_all(&frame)?;
            stdout.flush()?;
        }
        if let Some(reason) = closed {
            return Ok(Outcome { reason, connected });
        }
        let wake = display
            .next_wake(session, now)
            .map(tokio::time::Instant::from_std);
        tokio::select! {
            step = driver.step() => { step?; }
            _ = sleep_until(wake), if wake.is_some() => {}
            read = stdin.read(&mut input), if stdin_open => {
                let n = read?;
                let now = Instant::now();
                if n == 0 {
                    stdin_open = false;
                    display.notifications().set_message("Exiting...", true, true, now);
                    driver.transport_mut().close(now);
                } else {
                    let typed = display.typed(driver.transport(), &mut escape, &input[..n], now);
                    if typed.repaint {
                        local.request_repaint();
                    }
                    if typed.quit {
                        driver.transport_mut().close(now);
                    }
                    driver.transport_mut().send_input(&typed.send);
                    if typed.suspend {
                        suspend_until_continued(raw, options.alternate_screen)?;
                        local.request_repaint();
                        // The window may have changed while we were stopped.
                        follow_window_size(&mut window, &mut driver, &mut display, &mut local);
                    }
                }
                driver.flush()?;
            }
            _ = winch.recv() => {
                follow_window_size(&mut window, &mut driver, &mut display, &mut local);
                driver.flush()?;
            }
            _ = term.recv() => { shutdown_on_signal(&mut driver, &mut display)?; }
            _ = int.recv() => { shutdown_on_signal(&mut driver, &mut display)?; }
            _ = hup.recv() => { shutdown_on_signal(&mut driver, &mut display)?; }
        }
    }
}

/// Tells the server the local window's size if it changed (`SIGWINCH`, resume).
fn follow_window_size(
    window: &mut (u16, u16),
    driver: &mut UdpDriver<ClientSession>,
    display: &mut ClientDisplay,
    local: &mut LocalTerminal,
) {
    let Ok((columns, rows)) = window_size(io::stdin().as_fd()) else {
        return;
    };
    if *window == (columns, rows) {
        return;
    }
    *window = (columns, rows);
    driver.transport_mut().resize(columns, rows);
    display.window_resized();
    local.request_repaint();
}

fn shutdown_on_signal(
    driver: &mut UdpDriver<ClientSession>,
    display: &mut ClientDisplay,
) -> io::Result<()> {
    let now = Instant::now();
    display
        .notifications()
        .set_message("Signal received, shutting down...", true, true, now);
    driver.transport_mut().close(now);
    driver.flush()
}

/// Sleeps until `wake` (forever when `None`; the branch is disabled then).
async fn sleep_until(wake: Option<tokio::time::Instant>) {
    match wake {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}
