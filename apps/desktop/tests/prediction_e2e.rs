//! Speculative local echo end to end (`prediction.md`): our mosh-client in tmux,
//! our mosh-server running bash, and the impairment proxy adding 250 ms each way.
//! The round trip is ≥ 500 ms, so whatever shows within it is a prediction.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use mosh_core::netem::{Impairment, ImpairmentProxy, ProxyConfig, ProxyHandle};

const ONE_WAY: Duration = Duration::from_millis(250);
const ROUND_TRIP: Duration = Duration::from_millis(500);

/// Our server binary, next to the test executable's directory (`target/debug`).
fn our_server() -> PathBuf {
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
struct Server {
    port: u16,
    key: String,
    pid: u32,
}

impl Server {
    fn start() -> Self {
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
struct Proxy {
    port: u16,
    handle: ProxyHandle,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Proxy {
    fn start(server_port: u16) -> Self {
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
struct Pane {
    socket: String,
}

impl Pane {
    fn start(name: &str, server: &Server, proxy: &Proxy) -> Self {
        let socket = std::env::temp_dir()
            .join(format!(
                "mosh-prediction-{}-{name}.tmux",
                std::process::id()
            ))
            .to_string_lossy()
            .into_owned();
        let pane = Pane { socket };
        let client = format!(
            "env MOSH_KEY={} MOSH_PREDICTION_DISPLAY=adaptive {} 127.0.0.1 {}",
            server.key,
            env!("CARGO_BIN_EXE_mosh-client"),
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
    fn capture_styled(&self) -> String {
        let output = self
            .tmux()
            .args(["capture-pane", "-p", "-e"])
            .output()
            .expect("capture-pane");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    fn capture(&self) -> String {
        let output = self
            .tmux()
            .args(["capture-pane", "-p"])
            .output()
            .expect("capture-pane");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    fn type_text(&self, text: &str) {
        assert!(
            self.tmux()
                .args(["send-keys", "-l", text])
                .status()
                .unwrap()
                .success()
        );
    }

    fn enter(&self) {
        assert!(
            self.tmux()
                .args(["send-keys", "Enter"])
                .status()
                .unwrap()
                .success()
        );
    }

    /// Polls the plain capture until `ok` holds; returns it and the time taken.
    fn wait(&self, timeout: Duration, ok: impl Fn(&str) -> bool) -> (String, Duration) {
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

fn styled_line<'a>(screen: &'a str, needle: &str) -> &'a str {
    screen
        .lines()
        .find(|line| line.contains(needle))
        .unwrap_or_default()
}

fn session(name: &str) -> (Server, Proxy, Pane) {
    let server = Server::start();
    let proxy = Proxy::start(server.port);
    let pane = Pane::start(name, &server, &proxy);
    // capture-pane drops trailing spaces: the prompt `$ ` reads `$`.
    pane.wait(Duration::from_secs(10), |s| s.lines().any(|l| l == "$"));
    (server, proxy, pane)
}

#[test]
fn typing_shows_at_once_underlined_then_confirmed() {
    let (_server, _proxy, pane) = session("typing");
    // The first keystroke's epoch must be confirmed by an echo first.
    pane.type_text("e");
    pane.wait(Duration::from_secs(5), |s| s.contains("$ e"));
    std::thread::sleep(Duration::from_millis(200));

    pane.type_text("cho hello world");
    let (_, shown_after) = pane.wait(ROUND_TRIP, |s| s.contains("$ echo hello world"));
    assert!(shown_after < ROUND_TRIP, "shown after {shown_after:?}");
    let styled = pane.capture_styled();
    let line = styled_line(&styled, "hello");
    assert!(
        line.contains("\x1b[4m"),
        "prediction not underlined: {line:?}"
    );

    // Once the echo is back the text stays and the underline goes.
    let start = Instant::now();
    loop {
        let styled = pane.capture_styled();
        let line = styled_line(&styled, "hello");
        if !line.contains("\x1b[4m") {
            assert!(pane.capture().contains("$ echo hello world"));
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(3),
            "still underlined: {line:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    pane.enter();
    pane.wait(Duration::from_secs(5), |s| {
        s.lines().any(|line| line.trim_end() == "hello world")
    });
}

#[test]
fn echo_off_leaks_nothing_after_the_repair() {
    let (_server, _proxy, pane) = session("secret");
    pane.type_text("sleep 2; read -s x; echo \"[$x]\"");
    pane.wait(Duration::from_secs(5), |s| s.contains("echo \"[$x]\""));
    pane.enter();
    let entered = Instant::now();
    // Typed while `sleep` runs (once bash has taken the line): the terminal still
    // echoes it, which confirms the new epoch.
    std::thread::sleep(Duration::from_millis(800));
    pane.type_text("a");
    pane.wait(Duration::from_secs(5), |s| {
        s.lines().any(|line| line.trim_end() == "a")
    });
    // Wait for `read -s` to switch echo off.
    std::thread::sleep(Duration::from_millis(2800).saturating_sub(entered.elapsed()));
    pane.type_text("bcd");
    let (_, shown_after) = pane.wait(ROUND_TRIP, |s| s.lines().any(|l| l.trim_end() == "abcd"));
    assert!(shown_after < ROUND_TRIP);
    // The server's acknowledgement without an echo removes the guesses.
    let (screen, _) = pane.wait(Duration::from_secs(3), |s| {
        s.lines().any(|l| l.trim_end() == "a") && !s.contains("abcd")
    });
    assert!(!screen.contains("bcd"), "{screen}");
    pane.enter();
    let (screen, _) = pane.wait(Duration::from_secs(5), |s| s.contains("[abcd]"));
    assert_eq!(screen.matches("bcd").count(), 1, "{screen}");
}

#[test]
fn notification_bar_counts_up_while_the_link_is_down() {
    let (_server, proxy, pane) = session("blackout");
    let blackout = Duration::from_secs(9);
    let start = Instant::now();
    proxy.handle.blackout(blackout);
    let bar = |s: &str| {
        s.lines().next().is_some_and(|top| {
            top.starts_with("mosh: Last contact ")
                && top
                    .trim_end()
                    .ends_with(" seconds ago. [To quit: Ctrl-^ .]")
        })
    };
    let (screen, _) = pane.wait(Duration::from_secs(9), bar);
    // The last server state may have been in flight when the blackout began.
    let shown_after = start.elapsed();
    assert!(
        shown_after >= Duration::from_millis(6000) && shown_after < Duration::from_millis(8500),
        "bar after {shown_after:?}:\n{screen}"
    );
    let styled = pane.capture_styled();
    let top = styled.lines().next().unwrap_or_default();
    assert!(top.contains("\x1b[1m") && top.contains("44m"), "{top:?}");
    // Contact again: the bar goes and the prompt is back on row 0.
    pane.wait(blackout + Duration::from_secs(5), |s| {
        !bar(s) && s.lines().next() == Some("$")
    });
}
