//! Helpers for the server's end-to-end tests: our `mosh-server` binary, the stock
//! `mosh-client`, and tmux panes to read what a user sees.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

#[path = "../../../mosh-core/tests/common/stock.rs"]
pub mod stock;

#[path = "../../../mosh-core/tests/common/tmux_pane.rs"]
pub mod tmux_pane;

#[allow(unused_imports)] // not every test binary uses every helper
pub use tmux_pane::Pane;

#[path = "../../../mosh-core/tests/common/server_process.rs"]
pub mod server_process;

#[allow(unused_imports)] // not every test binary uses every helper
pub use server_process::ServerProcess;

pub mod hand_client;

#[allow(unused_imports)] // not every test binary uses every helper
pub use hand_client::HandClient;

#[path = "../../../mosh-core/tests/common/proxy_thread.rs"]
pub mod proxy_thread;

#[allow(unused_imports)] // not every test binary uses every helper
pub use proxy_thread::ProxyThread;

/// Our server binary, built by cargo for this test.
pub fn our_server() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_mosh-server"))
}

/// Runs our `mosh-server ARGS` with `/bin/sh` conventions and parses its output.
pub fn start_our_server(args: &[&str], env: &[(&str, &str)]) -> ServerProcess {
    server_process::start_server(&our_server(), args, env)
}

/// `mosh-server` arguments for a session on loopback running `sh -c COMMAND` (ours
/// and stock's take the same).
pub fn loopback_args(command: &str) -> [&str; 9] {
    [
        "new",
        "-i",
        "127.0.0.1",
        "-p",
        "0",
        "--",
        "/bin/sh",
        "-c",
        command,
    ]
}

/// Starts our server on loopback running `sh -c COMMAND`.
pub fn start_our_server_running(command: &str) -> ServerProcess {
    start_our_server(&loopback_args(command), &[])
}

/// The shell command for a tmux pane running the stock client against `ip` `port`.
/// It writes its pid to `pid_file` (the client `exec`s, so that is the client's pid)
/// and prints `CLIENT_EXIT=` and its status when it ends.
pub fn stock_client_command(ip: &str, port: u16, key: &str, pid_file: &std::path::Path) -> String {
    format!(
        "sh -c 'echo $$ > {pid}; exec env MOSH_KEY={key} LANG=C.UTF-8 TERM=xterm-256color {client} {ip} {port}'; echo CLIENT_EXIT=$?; sleep 60",
        pid = pid_file.display(),
        client = stock::stock_binary("mosh-client").display(),
    )
}

/// Reads the pid a [`stock_client_command`] wrote, waiting for it to appear.
pub fn read_pid_file(path: &std::path::Path) -> u32 {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(pid) = std::fs::read_to_string(path)
            .ok()
            .and_then(|text| text.trim().parse().ok())
        {
            return pid;
        }
        assert!(Instant::now() < deadline, "no pid in {}", path.display());
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A per-test temporary file name.
pub fn temp_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("mosh-server-test-{}-{name}", std::process::id()))
}

/// Sends `signal` (a `kill` name such as `STOP` or `USR1`) to `pid`.
pub fn send_signal(pid: u32, signal: &str) {
    let status = Command::new("kill")
        .args([format!("-{signal}"), pid.to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -{signal} {pid} failed");
}

/// Waits until the pane shows a shell prompt line.
pub fn wait_for_prompt(pane: &Pane, timeout: Duration) {
    pane.wait_until("the prompt", timeout, |s| {
        s.lines().any(|l| l.starts_with('$'))
    });
}

/// Types `echo <a>''<b>` and waits for the line `<a><b>`: the quotes keep the client's
/// local echo prediction from faking the output. Returns how long the output took.
pub fn run_echo(pane: &Pane, a: &str, b: &str, timeout: Duration) -> Duration {
    let started = Instant::now();
    pane.type_text(&format!("echo {a}''{b}"));
    pane.keys(&["Enter"]);
    let line = format!("{a}{b}");
    pane.wait_until(&line, timeout, |s| s.lines().any(|l| l == line));
    started.elapsed()
}

/// Whether `pid` has finished running: gone, or a zombie not yet reaped by whoever
/// inherited the detached daemon (reaping can lag; the exit is what matters).
pub fn has_exited(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state follows the parenthesised command name.
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with(['Z', 'X'])),
        Err(_) => true,
    }
}

/// Waits until `pid` has exited (see [`has_exited`]); how long that took, or `None`
/// on timeout.
pub fn time_exit(pid: u32, timeout: Duration) -> Option<Duration> {
    let started = Instant::now();
    while started.elapsed() < timeout {
        if has_exited(pid) {
            return Some(started.elapsed());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    None
}

/// CPU time (user + system) `pid` has used so far, from `/proc/PID/stat`.
pub fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("read /proc stat");
    let (_, rest) = stat.rsplit_once(')').expect("stat format");
    // After the command name: state is field 3, utime and stime fields 14 and 15.
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    let per_second = clock_ticks_per_second();
    Duration::from_secs_f64(ticks as f64 / per_second as f64)
}

fn clock_ticks_per_second() -> u64 {
    let out = Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .expect("run getconf");
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .unwrap_or(100)
}
