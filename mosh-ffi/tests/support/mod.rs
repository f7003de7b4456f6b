//! Shared by the end-to-end tests of the exported API: servers (stock and ours) on
//! loopback, a recording listener, waiting for text on `screen()`, and a relay that
//! records every client datagram's nonce.

#![allow(dead_code)]

#[path = "../../../mosh-core/tests/common/proxy_thread.rs"]
pub mod proxy_thread;
#[path = "../../../mosh-core/tests/common/server_process.rs"]
pub mod server_process;
#[path = "../../../mosh-core/tests/common/stock.rs"]
pub mod stock;

use std::collections::{HashMap, HashSet};
use std::net::{SocketAddr, UdpSocket};
use std::ops::Deref;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

use mosh_ffi::{
    CloseReason, ConnectConfig, Event, ListenerError, MoshError, SavedSession, Session, SessionKey,
    SessionListener, SessionOptions, Subscription,
};
use server_process::{ServerProcess, our_server_binary, start_server};
use stock::stock_binary;

/// A scratch directory for one test, removed when dropped.
pub struct Scratch(pub std::path::PathBuf);

impl Scratch {
    /// A fresh, empty directory named after `name` and this process.
    pub fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("mosh-ffi-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// How long a step on loopback may take before the test fails.
pub const WAIT: Duration = Duration::from_secs(15);

/// The stock `mosh-server` (Debian's mosh 1.4) on 127.0.0.1 running `/bin/sh`.
pub fn stock_server() -> ServerProcess {
    start_server(
        &stock_binary("mosh-server"),
        &["new", "-i", "127.0.0.1", "-p", "0", "--", "/bin/sh"],
        &[],
    )
}

/// Our `mosh-server` (dual-stack, so IPv6 clients reach it) running `/bin/sh`.
pub fn our_server() -> ServerProcess {
    start_server(
        &our_server_binary(),
        &["new", "-p", "0", "--", "/bin/sh"],
        &[],
    )
}

/// Runs `future` to completion on this thread, as an app's executor would (a
/// Kotlin coroutine, a Swift task): polled here, woken from the library's threads.
/// No tokio: the library's futures need no runtime of the caller's.
pub fn wait<F: Future>(future: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut context = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
        std::thread::park();
    }
}

/// A session with a listener subscribed for as long as this value lives.
pub struct Listened {
    /// The session.
    pub session: Arc<Session>,
    /// Its listener's subscription.
    pub subscription: Arc<Subscription>,
}

impl Deref for Listened {
    type Target = Arc<Session>;
    fn deref(&self) -> &Arc<Session> {
        &self.session
    }
}

/// Connects with `config` and subscribes `listener`.
pub fn connect(
    config: ConnectConfig,
    listener: Arc<dyn SessionListener>,
) -> Result<Listened, MoshError> {
    listened(wait(Session::connect(config))?, listener)
}

/// Restores `saved` and subscribes `listener`.
pub fn restore(
    saved: SavedSession,
    options: SessionOptions,
    listener: Arc<dyn SessionListener>,
) -> Result<Listened, MoshError> {
    listened(wait(Session::restore(saved, options))?, listener)
}

/// Writes `saved` as `mosh-resume` reads it: `PREFIX.secret` and `PREFIX.state`.
pub fn write_saved(prefix: &std::path::Path, saved: &SavedSession) {
    let with = |part: &str| {
        let mut name = prefix.as_os_str().to_owned();
        name.push(format!(".{part}"));
        std::path::PathBuf::from(name)
    };
    std::fs::write(with("secret"), &saved.secret).unwrap();
    std::fs::write(with("state"), &saved.state).unwrap();
}

fn listened(
    session: Arc<Session>,
    listener: Arc<dyn SessionListener>,
) -> Result<Listened, MoshError> {
    let subscription = session.subscribe(listener)?;
    Ok(Listened {
        session,
        subscription,
    })
}

/// Records every event; waits for one that matches.
#[derive(Default)]
pub struct Recorder {
    events: Mutex<Vec<Event>>,
    arrived: Condvar,
}

impl SessionListener for Recorder {
    fn on_event(&self, event: Event) -> Result<(), ListenerError> {
        self.events.lock().unwrap().push(event);
        self.arrived.notify_all();
        Ok(())
    }
}

impl Recorder {
    /// Waits for an event `matches` accepts, failing after `limit`.
    pub fn wait_for(&self, what: &str, limit: Duration, matches: impl Fn(&Event) -> bool) -> Event {
        let deadline = Instant::now() + limit;
        let mut events = self.events.lock().unwrap();
        loop {
            if let Some(event) = events.iter().find(|e| matches(e)) {
                return event.clone();
            }
            let now = Instant::now();
            assert!(now < deadline, "no {what} within {limit:?}; got {events:?}");
            events = self.arrived.wait_timeout(events, deadline - now).unwrap().0;
        }
    }

    /// Waits for the `Closed` event and returns its reason.
    pub fn closed(&self, limit: Duration) -> CloseReason {
        match self.wait_for("close", limit, |e| matches!(e, Event::Closed { .. })) {
            Event::Closed { reason } => reason,
            _ => unreachable!(),
        }
    }

    /// How many events arrived.
    pub fn count(&self) -> usize {
        self.events.lock().unwrap().len()
    }
}

/// A connect configuration for an 80×24 window.
pub fn config(host: &str, port: u16, key: &str) -> ConnectConfig {
    ConnectConfig {
        host: host.to_owned(),
        port,
        key: SessionKey::parse(key.to_owned()).expect("a valid key"),
        columns: 80,
        rows: 24,
        options: SessionOptions::default(),
    }
}

/// The screen's text, rows joined by newlines.
pub fn screen_text(session: &Session) -> String {
    session
        .screen()
        .rows
        .iter()
        .map(|row| row.text())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Polls `screen()` until it contains `needle`; returns how long it took.
pub fn wait_for_text(session: &Session, needle: &str, limit: Duration) -> Duration {
    let start = Instant::now();
    loop {
        if screen_text(session).contains(needle) {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < limit,
            "{needle:?} not on screen within {limit:?}:\n{}",
            screen_text(session)
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Connects to `host`:`port` with `key` and waits for the shell's prompt; returns the
/// session and the listener recording its events.
pub fn connect_at_prompt(host: &str, port: u16, key: &str) -> (Listened, Arc<Recorder>) {
    let recorder = Arc::new(Recorder::default());
    let session = connect(config(host, port, key), recorder.clone()).unwrap();
    wait_for_text(&session, "$", WAIT);
    (session, recorder)
}

/// Types `line` and Enter.
pub fn type_line(session: &Session, line: &str) {
    session
        .send_input(format!("{line}\r").into_bytes())
        .expect("send_input");
}

/// (VmRSS in KiB, open descriptors) of process `pid` (`"self"` for this one); zeros
/// for a process that is gone. Used by the benchmarks.
pub fn process_sample(pid: &str) -> (u64, usize) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let rss = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, |d| d.count());
    (rss, fds)
}

/// Nonces seen, datagrams with a nonce seen before, datagrams relayed, and the
/// sequence numbers each client address sent.
#[derive(Default)]
struct NonceLog {
    nonces: HashSet<[u8; 8]>,
    repeated: u64,
    datagrams: u64,
    by_source: HashMap<SocketAddr, Vec<u64>>,
}

/// A UDP relay on 127.0.0.1 in front of `server` that records the nonce (the first
/// 8 bytes: direction bit and sequence number) of every client datagram and reports
/// any nonce seen twice. One client address at a time (the newest).
pub struct NonceRelay {
    /// Where clients send to.
    pub addr: SocketAddr,
    seen: Arc<Mutex<NonceLog>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl NonceRelay {
    /// Starts relaying to `server`. Like a NAT, each client address gets a socket of
    /// its own towards the server, so two client processes at once (a handoff) are
    /// two addresses to the server, and its replies reach the process they are for.
    pub fn start(server: SocketAddr) -> NonceRelay {
        let front = UdpSocket::bind("127.0.0.1:0").unwrap();
        front
            .set_read_timeout(Some(Duration::from_millis(2)))
            .unwrap();
        let addr = front.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(NonceLog::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (seen, stop) = (seen.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut backs: Vec<(SocketAddr, UdpSocket)> = Vec::new();
                let mut buf = vec![0u8; 65536];
                while !stop.load(Ordering::Relaxed) {
                    if let Ok((n, from)) = front.recv_from(&mut buf) {
                        if n >= 8 {
                            let nonce: [u8; 8] = buf[..8].try_into().unwrap();
                            let mut seen = seen.lock().unwrap();
                            seen.datagrams += 1;
                            if !seen.nonces.insert(nonce) {
                                seen.repeated += 1;
                            }
                            let seq = u64::from_be_bytes(nonce) & !(1 << 63);
                            seen.by_source.entry(from).or_default().push(seq);
                        }
                        if !backs.iter().any(|(client, _)| *client == from) {
                            let back = UdpSocket::bind("127.0.0.1:0").unwrap();
                            back.set_nonblocking(true).unwrap();
                            backs.push((from, back));
                        }
                        if let Some((_, back)) = backs.iter().find(|(client, _)| *client == from) {
                            let _ = back.send_to(&buf[..n], server);
                        }
                    }
                    for (client, back) in &backs {
                        while let Ok((n, _)) = back.recv_from(&mut buf) {
                            let _ = front.send_to(&buf[..n], client);
                        }
                    }
                }
            })
        };
        NonceRelay {
            addr,
            seen,
            stop,
            thread: Some(thread),
        }
    }

    /// (client datagrams relayed, nonces seen more than once).
    pub fn counts(&self) -> (u64, u64) {
        let seen = self.seen.lock().unwrap();
        (seen.datagrams, seen.repeated)
    }

    /// The sequence numbers each client address (each process's socket) sent, in
    /// order.
    pub fn by_source(&self) -> HashMap<SocketAddr, Vec<u64>> {
        self.seen.lock().unwrap().by_source.clone()
    }
}

impl Drop for NonceRelay {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
