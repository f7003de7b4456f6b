//! Helpers of the prediction end-to-end tests: our mosh-server running
//! bash, the impairment proxy at 250 ms each way, and a tmux pane running a client.
//! The pieces themselves are the shared test helpers in `mosh-core/tests/common`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use mosh_netem::Impairment;

#[path = "../../../../mosh-core/tests/common/proxy_thread.rs"]
mod proxy_thread;
#[path = "../../../../mosh-core/tests/common/server_process.rs"]
mod server_process;
#[path = "../../../../mosh-core/tests/common/tmux_pane.rs"]
mod tmux_pane;

pub use proxy_thread::ProxyThread;
pub use server_process::ServerProcess;
pub use tmux_pane::Pane;

/// Delay added in each direction.
pub const ONE_WAY: Duration = Duration::from_millis(250);
/// The round trip the proxy imposes.
pub const ROUND_TRIP: Duration = Duration::from_millis(500);

/// Our server binary, next to the test executable's directory (`target/debug`).
pub fn our_server() -> PathBuf {
    server_process::our_server_binary()
}

/// The line of `screen` containing `needle` (empty if none).
pub fn styled_line<'a>(screen: &'a str, needle: &str) -> &'a str {
    screen
        .lines()
        .find(|line| line.contains(needle))
        .unwrap_or_default()
}

/// Our server running bash, the proxy at [`ONE_WAY`] each way in front of it, and
/// `client` (a mosh-client binary) in an 80×24 tmux pane, once the prompt shows.
pub fn session(name: &str, client: &Path) -> (ServerProcess, ProxyThread, Pane) {
    let server = server_process::start_server(
        &our_server(),
        &[
            "new",
            "-i",
            "127.0.0.1",
            "-p",
            "0",
            "--",
            "bash",
            "--norc",
            "--noprofile",
        ],
        &[],
    );
    let delay = Impairment {
        delay: ONE_WAY,
        ..Impairment::NONE
    };
    let proxy = ProxyThread::in_front_of(server.port, delay, 7);
    let command = format!(
        "env LANG=C.UTF-8 MOSH_KEY={} MOSH_PREDICTION_DISPLAY=adaptive {} 127.0.0.1 {}",
        server.key,
        client.display(),
        proxy.addr.port()
    );
    let pane = Pane::start(name, 80, 24, &command);
    // capture-pane drops trailing spaces: the prompt `$ ` reads `$`.
    pane.wait_until("the prompt", Duration::from_secs(10), |s| {
        s.lines().any(|l| l == "$")
    });
    (server, proxy, pane)
}
