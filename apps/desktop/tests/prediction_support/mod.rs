//! Helpers of the prediction end-to-end tests and benchmark: our mosh-server running
//! bash, the impairment proxy at 250 ms each way on its own runtime thread, and a
//! private tmux server running a client.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use mosh_core::netem::{Impairment, ImpairmentProxy, ProxyConfig, ProxyHandle};

/// Delay added in each direction.
pub const ONE_WAY: Duration = Duration::from_millis(250);
/// The round trip the proxy imposes.
pub const ROUND_TRIP: Duration = Duration::from_millis(500);

/// Our server binary, next to the test executable's directory (`target/debug`).
pub fn our_server() -> PathBuf {
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

/// A detached server session running bash; killed on drop.
pub struct Server {
    pub port: u16,
    pub key: String,
    pub pid: u32,
}

impl Server {
    pub fn start() -> Self {
        let output = Command::new(our_server())
            .args(["new", "-i", "127.0.0.1", "-p", "0", "--", "bash"])
            .args(["--norc", "--noprofile"])
            .env("LANG", "C.UTF-8")
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
        Server {
            port: port.parse().expect("port"),
            key: key.to_owned(),
            pid: pid.parse().expect("pid"),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-KILL", &self.pid.to_string()])
            .status();
    }
}

/// The proxy on its own runtime thread; stops when dropped.
pub struct Proxy {
    pub port: u16,
    pub handle: ProxyHandle,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Proxy {
    pub fn start(server_port: u16) -> Self {
        let (addr_tx, addr_rx) = mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("tokio runtime");
            runtime.block_on(async move {
                let delay = Impairment {
                    delay: ONE_WAY,
                    ..Impairment::NONE
                };
                let proxy = ImpairmentProxy::start(ProxyConfig {
                    listen: "127.0.0.1:0".parse().unwrap(),
                    upstream: ([127, 0, 0, 1], server_port).into(),
                    up: delay,
                    down: delay,
                    seed: 7,
                })
                .await
                .expect("proxy starts");
                addr_tx
                    .send((proxy.local_addr().port(), proxy.handle()))
                    .unwrap();
                let _ = stopped.await;
            });
        });
        let (port, handle) = addr_rx
            .recv_timeout(Duration::from_secs(5))
            .expect("proxy address");
        Proxy {
            port,
            handle,
            stop: Some(stop),
            thread: Some(thread),
        }
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A private tmux server running our client; killed on drop.
pub struct Pane {
    socket: String,
}

impl Pane {
    /// Runs `client` (a mosh-client binary) in tmux against `proxy`.
    pub fn start(name: &str, client: &Path, server: &Server, proxy: &Proxy) -> Self {
        let socket = std::env::temp_dir()
            .join(format!(
                "mosh-prediction-{}-{name}.tmux",
                std::process::id()
            ))
            .to_string_lossy()
            .into_owned();
        let pane = Pane { socket };
        let client = format!(
            "env LANG=C.UTF-8 MOSH_KEY={} MOSH_PREDICTION_DISPLAY=adaptive {} 127.0.0.1 {}",
            server.key,
            client.display(),
            proxy.port
        );
        let status = pane
            .tmux()
            .args([
                "new-session",
                "-d",
                "-s",
                name,
                "-x",
                "80",
                "-y",
                "24",
                &client,
            ])
            .status()
            .unwrap_or_else(|e| panic!("tmux not runnable ({e}): install tmux"));
        assert!(status.success(), "tmux new-session failed");
        pane
    }

    fn tmux(&self) -> Command {
        let mut command = Command::new("tmux");
        command.args(["-S", &self.socket, "-f", "/dev/null"]);
        command
    }

    /// The pane with SGR escapes (`\e[4m` is underline).
    pub fn capture_styled(&self) -> String {
        let output = self
            .tmux()
            .args(["capture-pane", "-p", "-e"])
            .output()
            .expect("capture-pane");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    pub fn capture(&self) -> String {
        let output = self
            .tmux()
            .args(["capture-pane", "-p"])
            .output()
            .expect("capture-pane");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    pub fn type_text(&self, text: &str) {
        assert!(
            self.tmux()
                .args(["send-keys", "-l", text])
                .status()
                .unwrap()
                .success()
        );
    }

    pub fn enter(&self) {
        assert!(
            self.tmux()
                .args(["send-keys", "Enter"])
                .status()
                .unwrap()
                .success()
        );
    }

    /// Polls the plain capture until `ok` holds; returns it and the time taken.
    pub fn wait(&self, timeout: Duration, ok: impl Fn(&str) -> bool) -> (String, Duration) {
        let start = Instant::now();
        loop {
            let screen = self.capture();
            if ok(&screen) {
                return (screen, start.elapsed());
            }
            assert!(
                start.elapsed() < timeout,
                "timed out after {timeout:?}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        let _ = self.tmux().arg("kill-server").status();
        let _ = std::fs::remove_file(&self.socket);
    }
}

pub fn styled_line<'a>(screen: &'a str, needle: &str) -> &'a str {
    screen
        .lines()
        .find(|line| line.contains(needle))
        .unwrap_or_default()
}

/// A server, the proxy and `client` in tmux, once the prompt shows.
pub fn session(name: &str, client: &Path) -> (Server, Proxy, Pane) {
    let server = Server::start();
    let proxy = Proxy::start(server.port);
    let pane = Pane::start(name, client, &server, &proxy);
    // capture-pane drops trailing spaces: the prompt `$ ` reads `$`.
    pane.wait(Duration::from_secs(10), |s| s.lines().any(|l| l == "$"));
    (server, proxy, pane)
}
