//! Starting the stock mosh 1.4 binaries (Debian's `mosh` package) for interop tests.
//! A missing binary fails the test: `scripts/test-all.sh` installs the package.

use std::path::{Path, PathBuf};

use std::time::{Duration, Instant};

use mosh_core::crypto::SessionKey;

use super::server_process::{ServerProcess, start_server};

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
    /// Owns the daemon (kills it on drop).
    _process: ServerProcess,
}

impl StockServer {
    /// Runs `mosh-server new -i 127.0.0.1 -p 0 -- /bin/sh` and parses its output.
    pub fn start() -> Self {
        let process = start_server(
            &stock_binary("mosh-server"),
            &["new", "-i", "127.0.0.1", "-p", "0", "--", "/bin/sh"],
            &[],
        );
        Self {
            port: process.port,
            key: SessionKey::parse(&process.key).expect("stock key parses"),
            pid: process.pid,
            _process: process,
        }
    }
}
