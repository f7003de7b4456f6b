//! Helpers for the server's end-to-end tests: our `mosh-server` binary, the stock
//! `mosh-client`, and tmux panes to read what a user sees.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[path = "../../../mosh-core/tests/common/stock.rs"]
pub mod stock;

#[path = "../../../mosh-core/tests/common/tmux_pane.rs"]
pub mod tmux_pane;

pub use tmux_pane::Pane;

/// Our server binary, built by cargo for this test.
pub fn our_server() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_mosh-server"))
}

/// What `mosh-server new` printed.
#[derive(Debug)]
pub struct Started {
    /// UDP port.
    pub port: u16,
    /// Printable key.
    pub key: String,
    /// Daemon pid.
    pub pid: u32,
    /// Full stdout.
    pub stdout: String,
    /// Full stderr.
    pub stderr: String,
}

impl Drop for Started {
    fn drop(&mut self) {
        if stock::process_alive(self.pid) {
            let _ = Command::new("kill")
                .args(["-KILL", &self.pid.to_string()])
                .status();
        }
    }
}

/// Runs our `mosh-server new ARGS` with `/bin/sh` conventions and parses its output.
pub fn start_our_server(args: &[&str], env: &[(&str, &str)]) -> Started {
    let mut cmd = Command::new(our_server());
    cmd.args(args)
        .env("LANG", "C.UTF-8")
        .env("SHELL", "/bin/sh")
        .env("PS1", "$ ")
        .stdin(Stdio::null());
    for (name, value) in env {
        cmd.env(name, value);
    }
    let started = Instant::now();
    let output = cmd.output().expect("run our mosh-server");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the parent must return promptly (daemon released stdout)"
    );
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        output.status.success(),
        "mosh-server failed: {stdout} {stderr}"
    );
    let connect = stdout
        .lines()
        .find_map(|line| line.trim_end().strip_prefix("MOSH CONNECT "))
        .unwrap_or_else(|| panic!("no MOSH CONNECT line in {stdout:?}"));
    let (port, key) = connect.split_once(' ').expect("port and key");
    let pid = stderr
        .lines()
        .find_map(|line| line.strip_prefix("[mosh-server detached, pid = "))
        .and_then(|rest| rest.strip_suffix(']'))
        .unwrap_or_else(|| panic!("no detached pid in {stderr:?}"));
    Started {
        port: port.parse().expect("port"),
        key: key.to_owned(),
        pid: pid.parse().expect("pid"),
        stdout,
        stderr,
    }
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

/// An impairment proxy on its own tokio runtime in a background thread.
pub struct ProxyThread {
    /// Where clients send to.
    pub addr: std::net::SocketAddr,
    /// Control of the running proxy.
    pub handle: mosh_core::netem::ProxyHandle,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ProxyThread {
    /// Starts a proxy with `config`.
    pub fn start(config: mosh_core::netem::ProxyConfig) -> ProxyThread {
        use std::sync::atomic::{AtomicBool, Ordering};
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let (tx, rx) = std::sync::mpsc::channel();
        let stop_flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("tokio runtime");
            runtime.block_on(async move {
                let proxy = mosh_core::netem::ImpairmentProxy::start(config)
                    .await
                    .expect("start the impairment proxy");
                tx.send((proxy.local_addr(), proxy.handle())).unwrap();
                while !stop_flag.load(Ordering::Relaxed) {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            });
        });
        let (addr, handle) = rx.recv().expect("proxy started");
        ProxyThread {
            addr,
            handle,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for ProxyThread {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
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
