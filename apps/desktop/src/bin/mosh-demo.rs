//! `mosh-demo`: try a session on this machine with one command. It starts our own
//! `mosh-server` on loopback and attaches the client to it, optionally through a
//! simulated mobile link so the effects of latency and loss can be seen on a laptop.
//!
//! ```text
//! mosh-demo [--link delay=250ms,loss=5%[,jitter=20ms]] [--server PATH] [-- COMMAND...]
//! ```

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};

use mosh_core::bootstrap::parse_connect;
use mosh_core::frontend::escape_key::EscapeKeyConfig;
use mosh_core::runtime::shared_runtime;
use mosh_desktop::link_spec::parse_link;
use mosh_desktop::run::{TerminalOptions, run_interactive};
use mosh_netem::{Impairment, ImpairmentProxy, ProxyConfig};

const USAGE: &str =
    "usage: mosh-demo [--link delay=250ms,loss=5%[,jitter=20ms]] [--server PATH] [-- COMMAND...]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut link: Option<Impairment> = None;
    let mut server: Option<PathBuf> = None;
    let mut command: Vec<String> = Vec::new();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--link" => match rest.next().map(|v| parse_link(v)) {
                Some(Ok(l)) => link = Some(l),
                Some(Err(e)) => return fail(&e.to_string()),
                None => return fail(USAGE),
            },
            "--server" => match rest.next() {
                Some(path) => server = Some(PathBuf::from(path)),
                None => return fail(USAGE),
            },
            "--" => {
                command = rest.by_ref().cloned().collect();
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            _ => return fail(USAGE),
        }
    }
    // Checked before a server is started: an unknown mode is fatal, as in mosh-client.
    let prediction = match mosh_core::prediction::PredictionDisplay::from_env_value(
        std::env::var("MOSH_PREDICTION_DISPLAY").ok().as_deref(),
    ) {
        Ok(prediction) => prediction,
        Err(e) => return fail(&e.to_string()),
    };
    let server = server.unwrap_or_else(sibling_server);
    let mut cmd = Command::new(&server);
    cmd.args(["new", "-i", "127.0.0.1", "-p", "0", "-c", "256"]);
    if !command.is_empty() {
        cmd.arg("--").args(&command);
    }
    let output = match cmd.stdin(Stdio::null()).output() {
        Ok(output) => output,
        Err(e) => return fail(&format!("cannot run {}: {e}", server.display())),
    };
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let connect = match parse_connect(&printed) {
        Ok(connect) => connect,
        Err(e) => return fail(&format!("{e}; the server said:\n{printed}")),
    };
    // The proxy runs on the library's shared runtime, beside the session.
    let runtime = match shared_runtime() {
        Ok(rt) => rt,
        Err(e) => return fail(&e.to_string()),
    };
    let direct: SocketAddr = SocketAddr::from(([127, 0, 0, 1], connect.port));
    let options = TerminalOptions {
        escape: EscapeKeyConfig::from_env_value(std::env::var("MOSH_ESCAPE_KEY").ok().as_deref()),
        title_prefix: Some("[mosh-demo] ".to_owned()),
        alternate_screen: true,
        local_scrollback: false,
        prediction,
        prediction_overwrite: std::env::var("MOSH_PREDICTION_OVERWRITE").as_deref() == Ok("yes"),
    };
    let outcome = (|| {
        // Keep the proxy alive for the whole session.
        let proxy = match link {
            Some(link) => Some(runtime.block_on(ImpairmentProxy::start(ProxyConfig {
                listen: "127.0.0.1:0".parse().expect("literal address"),
                upstream: direct,
                up: link,
                down: link,
                seed: 1,
            }))?),
            None => None,
        };
        let target = proxy.as_ref().map_or(direct, |p| p.local_addr());
        run_interactive(target, connect.key, options)
    })();
    match outcome {
        Ok(outcome) => {
            println!("\n[mosh-demo is exiting.]");
            ExitCode::from(outcome.exit_code())
        }
        Err(e) => fail(&e.to_string()),
    }
}

/// Our `mosh-server`, built next to this binary by `cargo build`.
fn sibling_server() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("mosh-server")))
        .filter(|path| path.is_file())
        .unwrap_or_else(|| PathBuf::from("mosh-server"))
}

fn fail(message: &str) -> ExitCode {
    eprintln!("mosh-demo: {message}");
    ExitCode::FAILURE
}
