//! A tmux pane of a private tmux server, driven and read the way a user would see it
//! (`send-keys`, `capture-pane`). Shared by the end-to-end tests of every crate.

#![allow(dead_code)]

use std::process::Command;
use std::time::{Duration, Instant};

/// A private tmux server; killed on drop.
pub struct Pane {
    socket: String,
}

impl Pane {
    /// Starts a detached `cols`×`rows` pane running `command` under `sh -c`.
    pub fn start(name: &str, cols: u16, rows: u16, command: &str) -> Pane {
        let socket = std::env::temp_dir()
            .join(format!("mosh-rs-test-{}-{name}.tmux", std::process::id()))
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

    /// The pane's history: the lines that scrolled off its top, oldest first
    /// (`capture-pane -S - -E -1`).
    pub fn history(&self) -> Vec<String> {
        let size = self
            .tmux()
            .args(["display-message", "-p", "#{history_size}"])
            .output()
            .unwrap();
        // An empty history: `-E -1` would be clamped to the screen's first row.
        if String::from_utf8_lossy(&size.stdout).trim() == "0" {
            return Vec::new();
        }
        // `-S -` is the start of the history, however much scrolled in since the
        // size was read (`-S -size` would then miss the oldest lines).
        let out = self
            .tmux()
            .args(["capture-pane", "-p", "-S", "-", "-E", "-1"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_owned)
            .collect()
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

    /// The pane's title, as the program in it set it (OSC 0/2).
    pub fn title(&self) -> String {
        let out = self
            .tmux()
            .args(["display-message", "-p", "#{pane_title}"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim_end().to_owned()
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
        self.wait_timed(what, timeout, check).0
    }

    /// Like [`Pane::wait_until`], also returning how long the wait took (polled every
    /// 10 ms, so latencies read from it are that coarse).
    pub fn wait_timed(
        &self,
        what: &str,
        timeout: Duration,
        check: impl Fn(&str) -> bool,
    ) -> (String, Duration) {
        let start = Instant::now();
        loop {
            let screen = self.text();
            if check(&screen) {
                return (screen, start.elapsed());
            }
            if start.elapsed() > timeout {
                panic!("timed out after {timeout:?} waiting for {what}; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(10));
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
