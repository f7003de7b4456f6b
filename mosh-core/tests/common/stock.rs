//! Starting the stock mosh 1.4 binaries (Debian's `mosh` package) for interop tests.
//! A missing binary fails the test: `scripts/test-all.sh` installs the package.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use mosh_core::crypto::SessionKey;

/// Finds a stock binary on `PATH`, or fails the test.
pub fn stock_binary(name: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            panic!(
                "{name} not found on PATH: install Debian's mosh package (scripts/test-all.sh does)"
            )
        })
}

/// Whether a process exists (the detached server is reaped by init when it exits).
pub fn process_alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

/// Waits until `pid` has exited; false on timeout.
pub fn wait_for_exit(pid: u32, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if !process_alive(pid) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

/// A detached stock `mosh-server` running `/bin/sh` on 127.0.0.1; killed on drop.
pub struct StockServer {
    /// The UDP port from the `MOSH CONNECT` line.
    pub port: u16,
    /// The key from the `MOSH CONNECT` line.
    pub key: SessionKey,
    /// The daemon's pid from `[mosh-server detached, pid = N]`.
    pub pid: u32,
}

impl StockServer {
    /// Runs `mosh-server new -i 127.0.0.1 -p 0 -- /bin/sh` and parses its output.
    pub fn start() -> Self {
        let output = Command::new(stock_binary("mosh-server"))
            .args(["new", "-i", "127.0.0.1", "-p", "0", "--", "/bin/sh"])
            .env("LANG", "C.UTF-8")
            .env("SHELL", "/bin/sh")
            .env("PS1", "$ ")
            .stdin(Stdio::null())
            .output()
            .expect("run mosh-server");
        assert!(output.status.success(), "mosh-server failed: {output:?}");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
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
        Self {
            port: port.parse().expect("port"),
            key: SessionKey::parse(key).expect("stock key parses"),
            pid: pid.parse().expect("pid"),
        }
    }
}

impl Drop for StockServer {
    fn drop(&mut self) {
        if process_alive(self.pid) {
            let _ = Command::new("kill")
                .args(["-KILL", &self.pid.to_string()])
                .status();
        }
    }
}

/// A private tmux server (its own socket file), killed and removed on drop.
pub struct Tmux {
    socket: String,
}

impl Tmux {
    /// Starts a detached session `name` of `cols`×`rows` running `command`.
    pub fn start(name: &str, cols: u16, rows: u16, command: &str) -> Self {
        let socket = std::env::temp_dir()
            .join(format!("mosh-core-test-{}-{name}.tmux", std::process::id()))
            .to_string_lossy()
            .into_owned();
        let tmux = Self { socket };
        let status = tmux
            .command()
            .args(["new-session", "-d", "-s", name, "-x", &cols.to_string()])
            .args(["-y", &rows.to_string(), command])
            .status()
            .unwrap_or_else(|e| panic!("tmux not runnable ({e}): install Debian's tmux package"));
        assert!(status.success(), "tmux new-session failed");
        tmux
    }

    fn command(&self) -> Command {
        let mut command = Command::new("tmux");
        command.args(["-S", &self.socket, "-f", "/dev/null"]);
        command
    }

    /// The visible text of the pane.
    pub fn capture(&self) -> String {
        let output = self
            .command()
            .args(["capture-pane", "-p"])
            .output()
            .expect("capture-pane");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Types literal text into the pane.
    pub fn type_text(&self, text: &str) {
        let status = self
            .command()
            .args(["send-keys", "-l", text])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits until the pane shows `needle`; returns the last capture either way.
    pub fn wait_for(&self, needle: &str, timeout: Duration) -> Result<String, String> {
        let deadline = Instant::now() + timeout;
        loop {
            let screen = self.capture();
            if screen.contains(needle) {
                return Ok(screen);
            }
            if Instant::now() > deadline {
                return Err(screen);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.command().arg("kill-server").status();
        let _ = std::fs::remove_file(&self.socket);
    }
}
