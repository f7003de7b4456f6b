//! Starting a `mosh-server` (stock or ours, same contract) and reading its
//! `MOSH CONNECT` line and detached pid. Shared by the end-to-end tests of every crate.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A detached server session; its daemon is killed on drop.
#[derive(Debug)]
pub struct ServerProcess {
    /// UDP port.
    pub port: u16,
    /// Printable key.
    pub key: String,
    /// Daemon pid from `[mosh-server detached, pid = N]`.
    pub pid: u32,
    /// Everything the parent printed on stdout.
    pub stdout: String,
    /// Everything the parent printed on stderr.
    pub stderr: String,
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if Path::new(&format!("/proc/{}", self.pid)).exists() {
            let _ = Command::new("kill")
                .args(["-KILL", &self.pid.to_string()])
                .status();
        }
    }
}

/// Runs `server ARGS` with `LANG=C.UTF-8`, `SHELL=/bin/sh`, `PS1='$ '` plus `env`, and
/// parses what it printed. The parent must return within 10 s (the daemon released
/// stdout) and exit 0.
pub fn start_server(server: &Path, args: &[&str], env: &[(&str, &str)]) -> ServerProcess {
    let mut cmd = Command::new(server);
    cmd.args(args)
        .env("LANG", "C.UTF-8")
        .env("SHELL", "/bin/sh")
        .env("PS1", "$ ")
        .stdin(Stdio::null());
    for (name, value) in env {
        cmd.env(name, value);
    }
    let started = Instant::now();
    let output = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", server.display()));
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the parent must return promptly (daemon released stdout)"
    );
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        output.status.success(),
        "{} failed: {stdout} {stderr}",
        server.display()
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
    ServerProcess {
        port: port.parse().expect("port"),
        key: key.to_owned(),
        pid: pid.parse().expect("pid"),
        stdout,
        stderr,
    }
}

/// Our `mosh-server`, built into the same target directory as the running test
/// (`cargo test --workspace` builds it); a missing binary fails the test.
pub fn our_server_binary() -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let path = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target directory")
        .join("mosh-server");
    assert!(
        path.exists(),
        "{} missing: build the workspace (cargo build -p mosh-server) first",
        path.display()
    );
    path
}
