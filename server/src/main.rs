//! `mosh-server`: a drop-in replacement for stock mosh-server 1.4.
//!
//! One binary, three roles chosen by an internal environment variable: the command the
//! user runs (parse, check the locale, start the daemon, print `MOSH CONNECT`), the
//! detached daemon that holds the session, and the trampoline that makes the session's
//! program a session leader on its pty.

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::os::fd::AsFd;
use std::process::ExitCode;

use mosh_server::child::{self, ROLE_PTY_EXEC, ROLE_VARIABLE};
use mosh_server::cli::{self, Invocation, USAGE};
use mosh_server::locale::choose_locale;
use mosh_server::startup::{self, LaunchOutcome, ROLE_DAEMON};
use mosh_server::{daemon, pty};

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let role = std::env::var(ROLE_VARIABLE);
    if role.as_deref() != Ok(ROLE_PTY_EXEC) {
        // The launcher relays the key and the daemon holds it: never in a core file.
        // A failure (an exotic kernel) is not worth refusing the session for.
        let _ = mosh_server::hygiene::forbid_core_dumps();
    }
    match role.as_deref() {
        Ok(ROLE_PTY_EXEC) => {
            let err = child::pty_exec(&args);
            eprintln!("mosh-server: could not start the session's program: {err}");
            return ExitCode::from(127);
        }
        Ok(ROLE_DAEMON) => return daemon::run(&args),
        _ => {}
    }
    let options = match cli::parse(&args) {
        Ok(Invocation::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Ok(Invocation::Version) => {
            print!("{}", startup::banner().trim_start());
            return ExitCode::SUCCESS;
        }
        Ok(Invocation::New(options)) => options,
        Err(e) => {
            eprintln!("mosh-server: {e}\n{USAGE}");
            return ExitCode::FAILURE;
        }
    };
    for warning in &options.warnings {
        eprintln!("mosh-server: {warning}\n{USAGE}");
    }
    let lookup = |name: &str| std::env::var(name).ok();
    if let Err(e) = choose_locale(lookup, &options.locale_vars) {
        eprintln!("{e}");
        return ExitCode::FAILURE;
    }
    let stdin = std::io::stdin();
    let window = pty::window_size_of(stdin.as_fd());
    match startup::launch_daemon(&args, window, options.verbose > 0, stdin.is_terminal()) {
        Ok(LaunchOutcome::Detached) => ExitCode::SUCCESS,
        Ok(LaunchOutcome::Failed) => ExitCode::FAILURE,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "mosh-server: could not start: {e}");
            ExitCode::FAILURE
        }
    }
}
