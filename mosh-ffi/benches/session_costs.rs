//! What a session costs an app, through the exported API against our server on
//! loopback (`bash scripts/bench-ffi.sh` runs this after building the server):
//! - resident memory of the process before the first session, with one idle session,
//!   and the difference;
//! - under a flood (10 s of `seq`), the time from a server datagram's arrival on the client's
//!   machine to the listener's screen-changed call: a relay in front of the server
//!   stamps each datagram as it forwards it, the listener stamps its calls, and each
//!   call is matched with the newest datagram forwarded before it.

#[path = "../tests/support/mod.rs"]
mod support;

use std::net::{SocketAddr, UdpSocket};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mosh_ffi::{Event, ListenerError, SessionListener};
use support::{WAIT, config, connect, our_server, type_line, wait_for_text};

fn rss_kib() -> u64 {
    support::process_sample("self").0
}

/// Stamps every listener call.
#[derive(Default)]
struct Stamps(Mutex<Vec<Instant>>);

impl SessionListener for Stamps {
    fn on_event(&self, event: Event) -> Result<(), ListenerError> {
        if matches!(event, Event::ScreenChanged { .. }) {
            self.0.lock().unwrap().push(Instant::now());
        }
        Ok(())
    }
}

/// A relay that stamps each server → client datagram as it forwards it.
fn stamping_relay(server: SocketAddr, forwarded: Arc<Mutex<Vec<Instant>>>) -> SocketAddr {
    let front = UdpSocket::bind("127.0.0.1:0").unwrap();
    let back = UdpSocket::bind("127.0.0.1:0").unwrap();
    back.connect(server).unwrap();
    let addr = front.local_addr().unwrap();
    let client = Arc::new(Mutex::new(None::<SocketAddr>));
    {
        let (front, back, client) = (
            front.try_clone().unwrap(),
            back.try_clone().unwrap(),
            client.clone(),
        );
        std::thread::spawn(move || {
            let mut buf = vec![0u8; 65536];
            while let Ok((n, from)) = front.recv_from(&mut buf) {
                *client.lock().unwrap() = Some(from);
                let _ = back.send(&buf[..n]);
            }
        });
    }
    std::thread::spawn(move || {
        let mut buf = vec![0u8; 65536];
        while let Ok(n) = back.recv(&mut buf) {
            let to = *client.lock().unwrap();
            if let Some(to) = to {
                forwarded.lock().unwrap().push(Instant::now());
                let _ = front.send_to(&buf[..n], to);
            }
        }
    });
    addr
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let before = rss_kib();
    let server = our_server();
    let idle = connect(
        config("127.0.0.1", server.port, &server.key),
        Arc::new(Stamps::default()),
    )
    .unwrap();
    wait_for_text(&idle, "$", WAIT);
    std::thread::sleep(Duration::from_secs(10));
    let with_session = rss_kib();
    println!(
        "RSS: {before} KiB before the first session, {with_session} KiB with one idle session (+{} KiB)",
        with_session - before
    );
    idle.shutdown();

    let server = our_server();
    let forwarded = Arc::new(Mutex::new(Vec::new()));
    let relay = stamping_relay(
        SocketAddr::from(([127, 0, 0, 1], server.port)),
        forwarded.clone(),
    );
    let stamps = Arc::new(Stamps::default());
    let session = connect(
        config("127.0.0.1", relay.port(), &server.key),
        stamps.clone(),
    )
    .unwrap();
    wait_for_text(&session, "$", WAIT);
    stamps.0.lock().unwrap().clear();
    type_line(&session, "timeout 10 seq 1 999999999; echo flood''done");
    wait_for_text(&session, "flooddone", Duration::from_secs(120));
    let forwarded = forwarded.lock().unwrap().clone();
    let calls = stamps.0.lock().unwrap().clone();
    let mut latencies: Vec<Duration> = calls
        .iter()
        .filter_map(|call| {
            let newest = forwarded.partition_point(|at| at <= call);
            newest.checked_sub(1).map(|i| *call - forwarded[i])
        })
        .collect();
    latencies.sort();
    println!(
        "datagram arrival → listener call under a flood: median {:?}, p99 {:?} ({} calls, {} datagrams)",
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies.len(),
        forwarded.len()
    );
    session.shutdown();
}
