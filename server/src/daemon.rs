//! The detached daemon: sets up the socket, key, pty and program, reports to the
//! parent (see [`crate::startup`]), then serves the session until it ends.

use std::ffi::OsString;
use std::io::{self, Write};
use std::os::fd::AsFd;
use std::process::ExitCode;

use mosh_core::crypto::SessionKey;

use crate::bind::bind_session_socket;
use crate::child::{child_spec, passwd_shell, spawn_on_pty};
use crate::cli::{self, Invocation};
use crate::locale::choose_locale;
use crate::pty::open_pty;
use crate::serve::{ServeConfig, serve};
use crate::startup::{StartupLine, WINDOW_SIZE_VARIABLE, parse_window};
use crate::timeouts::timeouts_from_env;

/// Stock's initial screen when stdin is not a terminal (`protocol.md` §10.1).
const DEFAULT_WINDOW: (u16, u16) = (80, 24);

/// Entry point of the daemon role; `args` are the user's original arguments.
pub fn run(args: &[OsString]) -> ExitCode {
    // Leave the caller's session (ssh's pty) so its hangup cannot reach us. This
    // process was spawned normally, so it is not a group leader and setsid succeeds.
    let _ = rustix::process::setsid();
    // A daemon keeps no directory busy (an unmount of the user's cwd must not fail
    // because of it); the program still starts in $HOME (child.rs). And nothing the
    // caller left open reaches a process it runs: still one thread here.
    let _ = std::env::set_current_dir("/");
    let _ = crate::hygiene::close_inherited_descriptors_on_exec();
    let mut pipe = io::stdout();
    let mut report = |line: StartupLine| {
        let _ = writeln!(pipe, "{}", line.encode().as_str());
        let _ = pipe.flush();
    };
    match prepare(args, &mut report) {
        Ok(prepared) => {
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    report(StartupLine::Failed(format!("tokio runtime: {e}")));
                    return ExitCode::FAILURE;
                }
            };
            runtime.block_on(start_and_serve(prepared, report))
        }
        Err(message) => {
            report(StartupLine::Failed(message));
            ExitCode::FAILURE
        }
    }
}

/// Everything decided before the runtime starts.
struct Prepared {
    config: ServeConfig,
    spec: crate::child::ChildSpec,
    pty: crate::pty::PtyPair,
}

fn prepare(args: &[OsString], report: &mut impl FnMut(StartupLine)) -> Result<Prepared, String> {
    let options = match cli::parse(args) {
        Ok(Invocation::New(options)) => options,
        Ok(_) => return Err("the daemon needs a `new` command line".into()),
        Err(e) => return Err(e.to_string()),
    };
    let locale = choose_locale(|n| std::env::var(n).ok(), &options.locale_vars)
        .map_err(|e| e.to_string())?;
    let ssh_connection = std::env::var("SSH_CONNECTION").ok();
    let bound = bind_session_socket(&options.bind, options.ports, ssh_connection.as_deref())
        .map_err(|e| e.to_string())?;
    for warning in bound.warnings {
        report(StartupLine::Warning(warning));
    }
    let window = std::env::var(WINDOW_SIZE_VARIABLE)
        .ok()
        .and_then(|v| parse_window(&v))
        .unwrap_or(DEFAULT_WINDOW);
    let pty = open_pty(window.0, window.1).map_err(|e| format!("pty: {e}"))?;
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let uid = rustix::process::getuid().as_raw();
    let spec = child_spec(
        &options.command,
        options.colors,
        &locale,
        |n| std::env::var_os(n),
        passwd_shell(&passwd, uid),
    );
    let key = SessionKey::generate().map_err(|e| format!("key: {e}"))?;
    let (timeouts, timeout_warnings) = timeouts_from_env(|n| std::env::var(n).ok());
    for warning in timeout_warnings {
        report(StartupLine::Warning(warning));
    }
    Ok(Prepared {
        config: ServeConfig {
            socket: bound.socket,
            key,
            window,
            verbose: options.verbose,
            show_motd: spec.login_shell,
            timeouts,
        },
        spec,
        pty,
    })
}

async fn start_and_serve(prepared: Prepared, mut report: impl FnMut(StartupLine)) -> ExitCode {
    let Prepared { config, spec, pty } = prepared;
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(e) => {
            report(StartupLine::Failed(format!("own path: {e}")));
            return ExitCode::FAILURE;
        }
    };
    let child = match spawn_on_pty(&exe, &spec, &pty.slave) {
        Ok(child) => child,
        Err(e) => {
            report(StartupLine::Failed(format!(
                "starting {:?}: {e}",
                spec.program
            )));
            return ExitCode::FAILURE;
        }
    };
    // Only the program keeps the slave open, so its exit gives EOF on the master.
    drop(pty.slave);
    let port = match config.socket.local_addr() {
        Ok(addr) => addr.port(),
        Err(e) => {
            report(StartupLine::Failed(format!("socket: {e}")));
            return ExitCode::FAILURE;
        }
    };
    report(StartupLine::Ready {
        port,
        key: config.key.to_printable(),
    });
    release_stdout();
    serve(config, pty.master, child).await
}

/// Points stdout at `/dev/null` so the parent's pipe (and through it ssh) sees EOF.
fn release_stdout() {
    if let Ok(null) = std::fs::OpenOptions::new().write(true).open("/dev/null") {
        let _ = rustix::stdio::dup2_stdout(null.as_fd());
    }
}
