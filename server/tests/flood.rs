//! A flood of random bytes, datagrams sealed with another session's key and replays
//! of the client's own datagrams, sent to our server's port while the stock client
//! works: the session must stay responsive. (The counters are checked at the
//! sans-IO level in `session_sans_io.rs`.)

mod common;

use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use common::{
    Pane, read_pid_file, run_echo, start_our_server, stock, stock_client_command, temp_path,
    wait_for_prompt,
};
use mosh_core::crypto::{SessionCipher, SessionKey};
use mosh_core::protocol::ssp::{Transport, UserStream};
use mosh_core::session::TerminalState;
use mosh_netem::impairment::Rng;

const WAIT: Duration = Duration::from_secs(15);
/// Client datagrams kept for replaying.
const CAPTURE_LIMIT: usize = 500;

/// A pass-through UDP relay that keeps copies of what the client sent.
struct Tap {
    addr: SocketAddr,
    captured: Arc<Mutex<Vec<Vec<u8>>>>,
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

impl Tap {
    fn start(server: SocketAddr) -> Tap {
        let front = UdpSocket::bind("127.0.0.1:0").unwrap();
        let upstream = UdpSocket::bind("127.0.0.1:0").unwrap();
        upstream.connect(server).unwrap();
        for socket in [&front, &upstream] {
            socket
                .set_read_timeout(Some(Duration::from_millis(50)))
                .unwrap();
        }
        let addr = front.local_addr().unwrap();
        let captured = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let client: Arc<Mutex<Option<SocketAddr>>> = Arc::default();
        let (front_up, upstream_up) = (front.try_clone().unwrap(), upstream.try_clone().unwrap());
        let up = {
            let (captured, stop, client) = (captured.clone(), stop.clone(), client.clone());
            std::thread::spawn(move || {
                let mut buf = vec![0; 65_536];
                while !stop.load(Ordering::Relaxed) {
                    let Ok((len, from)) = front_up.recv_from(&mut buf) else {
                        continue;
                    };
                    *client.lock().unwrap() = Some(from);
                    let mut captured = captured.lock().unwrap();
                    if captured.len() < CAPTURE_LIMIT {
                        captured.push(buf[..len].to_vec());
                    }
                    let _ = upstream_up.send(&buf[..len]);
                }
            })
        };
        let down = {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut buf = vec![0; 65_536];
                while !stop.load(Ordering::Relaxed) {
                    let Ok(len) = upstream.recv(&mut buf) else {
                        continue;
                    };
                    if let Some(to) = *client.lock().unwrap() {
                        let _ = front.send_to(&buf[..len], to);
                    }
                }
            })
        };
        Tap {
            addr,
            captured,
            stop,
            threads: vec![up, down],
        }
    }
}

impl Drop for Tap {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

/// Well-formed datagrams of a session with another key.
fn wrong_key_datagrams(server: SocketAddr) -> Vec<Vec<u8>> {
    let key = SessionKey::from_bytes([0x5a; 16]);
    let start = Instant::now();
    let mut stranger: Transport<UserStream, TerminalState> = Transport::client(
        Arc::new(SessionCipher::new(&key)),
        UserStream::new(),
        TerminalState::blank(80, 24),
        server,
        start,
    );
    let mut datagrams = Vec::new();
    for step in 0..200u64 {
        let now = start + Duration::from_millis(step * 250);
        stranger.current_mut().push_keys(b"echo pwned\r");
        while let Some(t) = stranger.poll_transmit(now).unwrap() {
            datagrams.push(t.payload);
        }
    }
    assert!(datagrams.len() >= 50, "{} datagrams", datagrams.len());
    datagrams
}

/// Sends garbage, wrong-key datagrams and replays to `target` until stopped.
struct Flood {
    sent: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Flood {
    fn start(target: SocketAddr, wrong_key: Vec<Vec<u8>>, replays: Vec<Vec<u8>>) -> Flood {
        assert!(!replays.is_empty(), "nothing captured to replay");
        let sent = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (sent, stop) = (sent.clone(), stop.clone());
            std::thread::spawn(move || {
                let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
                let mut rng = Rng::new(11);
                let mut garbage = vec![0u8; 1500];
                let mut i = 0usize;
                while !stop.load(Ordering::Relaxed) {
                    for _ in 0..32 {
                        let len = (rng.unit() * garbage.len() as f64) as usize;
                        for byte in &mut garbage[..len] {
                            *byte = (rng.unit() * 256.0) as u8;
                        }
                        let _ = socket.send_to(&garbage[..len], target);
                        let _ = socket.send_to(&wrong_key[i % wrong_key.len()], target);
                        let _ = socket.send_to(&replays[i % replays.len()], target);
                        i += 1;
                    }
                    sent.fetch_add(96, Ordering::Relaxed);
                    // About 30 000 datagrams a second: a flood, but one that leaves
                    // the shared test machine a core for the session itself.
                    std::thread::sleep(Duration::from_millis(3));
                }
            })
        };
        Flood {
            sent,
            stop,
            thread: Some(thread),
        }
    }

    fn stop(mut self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        self.sent.load(Ordering::Relaxed)
    }
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

#[test]
fn a_flood_of_forged_and_replayed_datagrams_does_not_slow_the_session() {
    let server = start_our_server(&["new", "-i", "127.0.0.1", "-p", "0", "--", "/bin/sh"], &[]);
    let server_addr: SocketAddr = format!("127.0.0.1:{}", server.port).parse().unwrap();
    let tap = Tap::start(server_addr);
    let pid_file = temp_path("flood.pid");
    let pane = Pane::start(
        "flood",
        80,
        24,
        &stock_client_command("127.0.0.1", tap.addr.port(), &server.key, &pid_file),
    );
    let _client_pid = read_pid_file(&pid_file);
    wait_for_prompt(&pane, WAIT);

    let quiet: Vec<Duration> = (0..5)
        .map(|i| run_echo(&pane, "quiet", &i.to_string(), WAIT))
        .collect();
    let replays = tap.captured.lock().unwrap().clone();
    let cpu_before = common::cpu_time(server.pid);
    let flood_started = Instant::now();
    let flood = Flood::start(server_addr, wrong_key_datagrams(server_addr), replays);
    std::thread::sleep(Duration::from_millis(300));
    let flooded: Vec<Duration> = (0..5)
        .map(|i| run_echo(&pane, "flooded", &i.to_string(), WAIT))
        .collect();
    let sent = flood.stop();
    let flood_length = flood_started.elapsed();
    let cpu = common::cpu_time(server.pid) - cpu_before;
    eprintln!(
        "command output took {quiet:?} quiet, {flooded:?} under a flood of {sent} datagrams \
         in {flood_length:?}; server CPU meanwhile {cpu:?}"
    );

    let (quiet, flooded) = (median(quiet), median(flooded));
    assert!(sent >= 10_000, "the flood was only {sent} datagrams");
    // Generous: the point is that junk costs the server little per datagram, not
    // a precise figure on a shared machine.
    let bound = (quiet * 5).max(Duration::from_secs(1));
    assert!(
        flooded <= bound,
        "median output time {flooded:?} under flood vs {quiet:?} quiet"
    );
    assert!(stock::process_alive(server.pid));
    assert!(
        !pane.text().contains("pwned"),
        "a wrong-key datagram was accepted"
    );
    let _ = std::fs::remove_file(pid_file);
}
