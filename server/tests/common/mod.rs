//! Helpers for the server's end-to-end tests: our `mosh-server` binary, the stock
//! `mosh-client`, and tmux panes to read what a user sees.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[path = "../../../mosh-core/tests/common/stock.rs"]
pub mod stock;

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

/// A private tmux server; killed on drop.
pub struct Pane {
    socket: String,
}

impl Pane {
    /// Starts a detached `cols`×`rows` pane running `command` under `sh -c`.
    pub fn start(name: &str, cols: u16, rows: u16, command: &str) -> Pane {
        let socket = std::env::temp_dir()
            .join(format!(
                "mosh-server-test-{}-{name}.tmux",
                std::process::id()
            ))
            .to_string_lossy()
            .into_owned();
        let pane = Pane { socket };
        let status = pane
            .tmux()
            .args(["new-session", "-d", "-s", name, "-x", &cols.to_string()])
            .args(["-y", &rows.to_string(), command])
            .status()
            .unwrap_or_else(|e| panic!("tmux not runnable ({e}): install Debian's tmux"));
        assert!(status.success(), "tmux new-session failed");
        let _ = pane
            .tmux()
            .args(["set", "-g", "remain-on-exit", "on"])
            .status();
        pane
    }

    fn tmux(&self) -> Command {
        let mut command = Command::new("tmux");
        command.args(["-S", &self.socket, "-f", "/dev/null"]);
        command
    }

    /// The pane's text, one line per row.
    pub fn text(&self) -> String {
        let out = self.tmux().args(["capture-pane", "-p"]).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The pane with SGR attributes (`capture-pane -e`).
    pub fn text_with_attributes(&self) -> String {
        let out = self
            .tmux()
            .args(["capture-pane", "-p", "-e"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Types literal text.
    pub fn type_text(&self, text: &str) {
        assert!(
            self.tmux()
                .args(["send-keys", "-l", text])
                .status()
                .unwrap()
                .success()
        );
    }

    /// Presses named keys (`Enter`, `Escape`, `C-c`…).
    pub fn keys(&self, keys: &[&str]) {
        assert!(
            self.tmux()
                .arg("send-keys")
                .args(keys)
                .status()
                .unwrap()
                .success()
        );
    }

    /// Sends raw bytes given in hex (`1e 2e` = Ctrl-^ .).
    pub fn hex(&self, bytes: &[&str]) {
        assert!(
            self.tmux()
                .args(["send-keys", "-H"])
                .args(bytes)
                .status()
                .unwrap()
                .success()
        );
    }

    /// Resizes the window.
    pub fn resize(&self, cols: u16, rows: u16) {
        let status = self
            .tmux()
            .args([
                "resize-window",
                "-x",
                &cols.to_string(),
                "-y",
                &rows.to_string(),
            ])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits until `check` accepts the screen text; panics with the screen on timeout.
    pub fn wait_until(
        &self,
        what: &str,
        timeout: Duration,
        check: impl Fn(&str) -> bool,
    ) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let screen = self.text();
            if check(&screen) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the screen contains `needle`.
    pub fn wait_for(&self, needle: &str, timeout: Duration) -> String {
        self.wait_until(needle, timeout, |s| s.contains(needle))
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        let _ = self.tmux().arg("kill-server").status();
        let _ = std::fs::remove_file(&self.socket);
    }
}
