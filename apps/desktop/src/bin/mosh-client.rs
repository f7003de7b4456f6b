//! `mosh-client`: a drop-in for stock mosh-client 1.4 on `mosh-core`.
//!
//! `MOSH_KEY=<key> mosh-client [-v] [-# 'ARGS'] IP PORT`, honouring the same
//! environment variables (`protocol.md` §16.1), so the stock `mosh` wrapper can run it
//! with `--client=`.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use mosh_core::session::CloseReason;
use mosh_desktop::client_args::{ClientInvocation, parse_args, parse_env};
use mosh_desktop::environment_key::wipe_from_environment;
use mosh_desktop::run::{TerminalOptions, run_interactive};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (ip, port) = match parse_args(&args) {
        Ok(ClientInvocation::Connect { ip, port, .. }) => (ip, port),
        Ok(ClientInvocation::Colors) => {
            println!(
                "{}",
                colors_of_term(&std::env::var("TERM").unwrap_or_default())
            );
            return ExitCode::SUCCESS;
        }
        Ok(ClientInvocation::Help) => {
            println!("Usage: mosh-client [-v] [-# 'ARGS'] IP PORT\n       mosh-client -c");
            return ExitCode::SUCCESS;
        }
        Ok(ClientInvocation::Version) => {
            println!(
                "mosh-client (mosh-rs {}, wire-compatible with mosh 1.4.0)",
                env!("CARGO_PKG_VERSION")
            );
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let env = match parse_env(|name| std::env::var(name).ok()) {
        Ok(env) => env,
        Err(e) => {
            eprintln!("mosh-client: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Parsed: the environment's copy of the key is wiped (still one thread here, as
    // the wipe requires). Where there is no /proc the key stays, as stock's does.
    let _ = wipe_from_environment("MOSH_KEY");
    if !std::io::stdin().is_terminal() {
        eprintln!("mosh-client: stdin is not a terminal");
        return ExitCode::FAILURE;
    }
    let options = TerminalOptions {
        escape: env.escape,
        title_prefix: (!env.title_no_prefix).then(|| "[mosh] ".to_owned()),
        alternate_screen: !env.no_term_init && !env.local_scrollback,
        local_scrollback: env.local_scrollback,
        prediction: env.prediction,
        prediction_overwrite: env.prediction_overwrite,
    };
    let server = std::net::SocketAddr::new(ip, port);
    let outcome = run_interactive(server, env.key, options);
    let code = match outcome {
        Ok(outcome) => {
            if !outcome.connected {
                eprintln!(
                    "mosh did not make a successful connection to {ip}:{port}.\n\
                     Please verify that UDP port {port} is not firewalled and can reach the server."
                );
            } else if outcome.reason == CloseReason::OutOfSync {
                eprintln!(
                    "mosh-client: the server went on without this client; start a new session."
                );
            } else if outcome.reason == CloseReason::Superseded {
                eprintln!("mosh-client: the session was resumed elsewhere; it goes on there.");
            } else if outcome.exit_code() != 0 {
                eprintln!(
                    "mosh-client: the server did not acknowledge the shutdown; it may still be running."
                );
            }
            outcome.exit_code()
        }
        Err(e) => {
            eprintln!("mosh-client: {e}");
            1
        }
    };
    let _ = writeln!(std::io::stdout(), "\n[mosh is exiting.]");
    ExitCode::from(code)
}

/// The colour count the wrapper passes to the server (`-c`): what the terminal name
/// promises, without a terminfo database.
fn colors_of_term(term: &str) -> u32 {
    if term.contains("256color") || term.contains("direct") || term.starts_with("alacritty") {
        256
    } else if term.is_empty() || term == "dumb" {
        0
    } else {
        8
    }
}
