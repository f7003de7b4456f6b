//! A long live session (not a CI test): our server behind the impairment proxy
//! (50 ms ± 10 ms one-way, 3% loss each way), a ticker printing five times a second,
//! the path roaming every minute (the proxy moves to a new source port, and the app
//! reports `network_changed` every other minute), and 30 s in the background every
//! five minutes. Each minute it samples resident memory and open descriptors of both
//! ends (the client is this process) and checks the ticker moved on.
//!
//! `SOAK_MINUTES=60 bash scripts/bench-soak.sh` (the figures in docs/benchmarks.md).

#[path = "../tests/support/mod.rs"]
mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use mosh_netem::{Impairment, Roam};
use std::sync::atomic::{AtomicU64, Ordering};

use mosh_ffi::{Event, ListenerError, Session, SessionListener};
use support::proxy_thread::ProxyThread;
use support::{
    WAIT, config, connect, our_server, process_sample, screen_text, type_line, wait, wait_for_text,
};

/// Counts events and keeps nothing, so the client's memory is the library's.
#[derive(Default)]
struct Counter(AtomicU64);

impl SessionListener for Counter {
    fn on_event(&self, _event: Event) -> Result<(), ListenerError> {
        self.0.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

fn tick(session: &Session) -> u64 {
    let text = screen_text(session);
    text.rfind("tick ")
        .and_then(|at| text[at + 5..].split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn main() {
    let minutes: u64 = std::env::var("SOAK_MINUTES")
        .ok()
        .and_then(|m| m.parse().ok())
        .unwrap_or(60);
    let server = our_server();
    let link = Impairment {
        delay: Duration::from_millis(50),
        jitter: Duration::from_millis(10),
        loss: 0.03,
    };
    let proxy = ProxyThread::in_front_of(server.port, link, 7);
    let events = Arc::new(Counter::default());
    let session = connect(
        config("127.0.0.1", proxy.addr.port(), &server.key),
        events.clone(),
    )
    .unwrap();
    wait_for_text(&session, "$", WAIT);
    type_line(
        &session,
        "i=0; while :; do i=$((i+1)); printf '\\rtick %d ' $i; sleep 0.2; done",
    );
    wait_for_text(&session, "tick ", WAIT);
    let server_pid = server.pid.to_string();
    println!(
        "minute  client_rss_kib  client_fds  server_rss_kib  server_fds  tick  rtt_ms  events"
    );
    let started = Instant::now();
    let mut last_tick = 0;
    let mut stalls = 0;
    let (mut client_max, mut server_max) = ((0, 0), (0, 0));
    let mut first = None;
    for minute in 1..=minutes {
        if minute % 5 == 0 {
            wait(session.enter_background()).unwrap();
            std::thread::sleep(Duration::from_secs(30));
            session.enter_foreground().unwrap();
        }
        proxy.handle.roam(Roam::NewPort);
        if minute % 2 == 0 {
            session.network_changed().unwrap();
        }
        let due = started + Duration::from_secs(60 * minute);
        std::thread::sleep(due.saturating_duration_since(Instant::now()));
        let client = process_sample("self");
        let remote = process_sample(&server_pid);
        let now_tick = tick(&session);
        if now_tick <= last_tick {
            stalls += 1;
        }
        last_tick = now_tick;
        client_max = (client_max.0.max(client.0), client_max.1.max(client.1));
        server_max = (server_max.0.max(remote.0), server_max.1.max(remote.1));
        first.get_or_insert((client, remote));
        println!(
            "{minute:6}  {:14}  {:10}  {:14}  {:10}  {now_tick:4}  {:6}  {:6}",
            client.0,
            client.1,
            remote.0,
            remote.1,
            session.status().rtt_ms,
            events.0.load(Ordering::Relaxed)
        );
    }
    let (first_client, first_server) = first.unwrap_or_default();
    println!(
        "client RSS {} → {} KiB (max {}), fds {} → max {}; server RSS {} → max {} KiB, fds {} → max {}; {} of {minutes} minutes without a new tick",
        first_client.0,
        process_sample("self").0,
        client_max.0,
        first_client.1,
        client_max.1,
        first_server.0,
        server_max.0,
        first_server.1,
        server_max.1,
        stalls
    );
    session.shutdown();
}
