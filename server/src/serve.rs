//! The daemon's event loop: the UDP socket, the pty and signals around the sans-IO
//! [`ServerSession`]. Everything that decides lives in the session; this moves bytes,
//! reads the clock and sleeps.

use std::io;
use std::net::SocketAddr;
use std::os::fd::OwnedFd;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use mosh_core::crypto::{SessionCipher, SessionKey};
use mosh_core::driver::UdpDriver;
use mosh_core::session::{ServerExit, ServerSession, ServerTimeouts};
use tokio::signal::unix::{SignalKind, signal};

use crate::login_record::{Attachment, LoginRecord};
use crate::motd;
use crate::pty::set_window_size;
use crate::pty_io::{PTY_INPUT_HIGH_WATER, spawn_pty_io};

/// While input backs up, how often the loop checks whether the program read some.
const INPUT_BACKLOG_RECHECK: Duration = Duration::from_millis(50);

/// A client not heard from this long shows as detached in the login record, as in
/// stock (measured: 30–32 s after the stock client was stopped).
const DETACHED_AFTER: Duration = Duration::from_secs(30);

/// What the daemon needs to serve a session.
#[derive(Debug)]
pub struct ServeConfig {
    /// The bound UDP socket.
    pub socket: std::net::UdpSocket,
    /// The session key (also printed in `MOSH CONNECT`).
    pub key: SessionKey,
    /// Initial screen size.
    pub window: (u16, u16),
    /// `-v` count: log attach/detach and exit reasons to stderr.
    pub verbose: u32,
    /// Show the message of the day (login shells).
    pub show_motd: bool,
    /// `MOSH_SERVER_NETWORK_TMOUT` / `MOSH_SERVER_SIGNAL_TMOUT`.
    pub timeouts: ServerTimeouts,
}

/// Runs the session until it ends; the exit code of the daemon.
pub async fn serve(
    config: ServeConfig,
    master: OwnedFd,
    mut child: tokio::process::Child,
) -> ExitCode {
    match run(config, master, &mut child).await {
        Ok(reason) => {
            // The program may still be running (the client left): closing the pty
            // master (dropped in `run`) hangs it up; reap it if it went.
            let _ = child.try_wait();
            log_exit(reason);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("mosh-server: {e}");
            ExitCode::FAILURE
        }
    }
}

fn log_exit(reason: ServerExit) {
    let text = match reason {
        ServerExit::ShutdownAcknowledged => "shutdown acknowledged by the client",
        ServerExit::ShutdownTimedOut => "shutdown not acknowledged; giving up",
        ServerExit::ClientShutDown => "client shut down",
        ServerExit::NoClient => "No connection within 60 seconds.",
        ServerExit::ProgramExitedUnattached => "program exited before a client attached",
    };
    eprintln!("mosh-server: {text}");
    println!("\n[mosh-server is exiting.]");
}

async fn run(
    config: ServeConfig,
    master: OwnedFd,
    child: &mut tokio::process::Child,
) -> io::Result<ServerExit> {
    let verbose = config.verbose > 0;
    let cipher = Arc::new(SessionCipher::new(&config.key));
    drop(config.key);
    let mut session = ServerSession::new(
        cipher,
        config.window.0,
        config.window.1,
        config.timeouts,
        Instant::now(),
    );
    if config.show_motd
        && let Some(text) = motd::message_of_the_day()
    {
        session.pty_output(&text);
    }
    let mut driver = UdpDriver::server_on(session, config.socket)?;
    let mut pty = spawn_pty_io(&master)?;
    let mut login_record = LoginRecord::new(&master);
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sigint = signal(SignalKind::interrupt())?;
    let mut sigusr1 = signal(SignalKind::user_defined1())?;
    // Registering SIGHUP replaces its default action (exit) with a no-op queue: the
    // daemon outlives the ssh session that started it.
    let mut sighup = signal(SignalKind::hangup())?;
    let mut pty_open = true;
    let mut child_running = true;
    let mut attached_to: Option<SocketAddr> = None;

    loop {
        let now = Instant::now();
        let session = driver.endpoint_mut();
        if let Some((cols, rows)) = session.take_window_size() {
            let _ = set_window_size(&master, cols, rows);
        }
        let input = session.take_pty_input();
        if !input.is_empty() {
            pty.input.send(input);
        }
        let input_backed_up = pty.input.queued() > PTY_INPUT_HIGH_WATER;
        session.pause_input(input_backed_up);
        driver.flush()?;
        let session = driver.endpoint();
        if verbose {
            let remote = session.transport().remote_address();
            if remote != attached_to {
                if let Some(addr) = remote {
                    eprintln!("Server now attached to client at {addr}");
                }
                attached_to = remote;
            }
        }
        if let Some(record) = &mut login_record {
            record.show(attachment(session, now));
        }
        if let Some(reason) = session.exit() {
            return Ok(reason);
        }
        // The writer thread drains a backed-up queue unseen: look again soon. (The
        // timer is made only then: this loop turns once per chunk of a flood.)
        let backlog_recheck = async {
            if input_backed_up {
                tokio::time::sleep(INPUT_BACKLOG_RECHECK).await;
            } else {
                std::future::pending::<()>().await;
            }
        };
        tokio::select! {
            // Datagrams and the session's timers (cancel-safe).
            step = driver.step() => {
                step?;
            }
            output = pty.output.recv(), if pty_open => match output {
                Some(Some(bytes)) => {
                    driver.endpoint_mut().pty_output(&bytes);
                    // Under a flood the output channel is always ready, so this task
                    // would never let the runtime poll its I/O driver, and the
                    // socket's readiness would go stale: the client's Ctrl-C waited
                    // 20–180 ms in the socket buffer. A yield is deferred until the
                    // driver has polled, so every chunk of output lets datagrams in.
                    tokio::task::yield_now().await;
                }
                // End of file: the program (and everything holding the pty) exited.
                _ => {
                    pty_open = false;
                    // The login ends with the program, as in stock.
                    login_record = None;
                    driver.endpoint_mut().program_exited(Instant::now());
                }
            },
            status = child.wait(), if child_running => {
                child_running = false;
                let _ = status;
            }
            _ = sigterm.recv() => driver.endpoint_mut().terminate(Instant::now()),
            _ = sigint.recv() => driver.endpoint_mut().terminate(Instant::now()),
            _ = sigusr1.recv() => {
                let session = driver.endpoint_mut();
                let idle = session.client_idle(Instant::now());
                if session.user_signal(Instant::now()) && verbose {
                    eprintln!("Network idle for {} seconds when SIGUSR1 received", idle.as_secs());
                }
            }
            _ = sighup.recv() => {}
            () = backlog_recheck => {}
        }
    }
}

/// What the login record shows: the client's address while it is heard from.
fn attachment(session: &ServerSession, now: Instant) -> Attachment {
    let transport = session.transport();
    match (transport.remote_address(), transport.last_heard()) {
        (Some(address), Some(heard)) if now.saturating_duration_since(heard) < DETACHED_AFTER => {
            Attachment::Attached(address.ip())
        }
        _ => Attachment::Detached,
    }
}
