//! The scrollback extension over real UDP: our client and our `mosh-server` on
//! loopback through the impairment proxy (250 ms each way, 10 % loss each way), and
//! a roam (`network_changed`) while the output flows: `seq 1 100000` leaves all
//! 100,000 lines in `scrollback()` or on the screen, in order. A session that keeps no
//! scrollback does not ask for it: a bulk output then costs a few screens.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use mosh_ffi::{ConnectConfig, Session, SessionOptions};
use mosh_netem::Impairment;
use support::proxy_thread::ProxyThread;
use support::{Listened, Recorder, connect, our_server, type_line, wait_for_text};

const LINK: Impairment = Impairment {
    delay: Duration::from_millis(250),
    jitter: Duration::ZERO,
    loss: 0.1,
};

fn numbers(session: &Session) -> Vec<u32> {
    let mut all: Vec<String> = session
        .scrollback(0, u32::MAX)
        .iter()
        .map(|row| row.text())
        .collect();
    all.extend(session.screen().rows.iter().map(|row| row.text()));
    all.iter().filter_map(|l| l.trim().parse().ok()).collect()
}

/// An 80×24 session to 127.0.0.1:`port` that keeps `lines` of scrollback.
fn connect_keeping(port: u16, key: &str, lines: u32) -> Listened {
    connect(
        ConnectConfig {
            host: "127.0.0.1".into(),
            port,
            key: mosh_ffi::SessionKey::parse(key.to_owned()).unwrap(),
            columns: 80,
            rows: 24,
            options: SessionOptions {
                scrollback_lines: lines,
                ..SessionOptions::default()
            },
        },
        Arc::new(Recorder::default()),
    )
    .unwrap()
}

#[test]
fn seq_100000_through_a_lossy_250ms_link_and_a_roam_loses_no_line() {
    let server = our_server();
    let proxy = ProxyThread::in_front_of(server.port, LINK, 16);
    let session = connect_keeping(proxy.addr.port(), &server.key, 200_000);
    wait_for_text(&session, "$", Duration::from_secs(30));
    let started = Instant::now();
    type_line(&session, "seq 1 100000; echo fin''ished");
    std::thread::sleep(Duration::from_secs(3));
    session.network_changed().unwrap();
    wait_for_text(&session, "finished", Duration::from_secs(240));
    let deadline = Instant::now() + Duration::from_secs(240);
    let mut got = numbers(&session);
    while got.len() < 100_000 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(500));
        got = numbers(&session);
    }
    assert_eq!(got.len(), 100_000, "after {:?}", started.elapsed());
    assert!(got.iter().copied().eq(1..=100_000));
    println!(
        "RESULT seq 1 100000 over real UDP, 250 ms each way, 10 % loss, a roam: every line in {:.1} s ({} lines held)",
        started.elapsed().as_secs_f64(),
        session.scrollback_len()
    );
    session.shutdown();
}

/// Bytes from the server while `seq 1 200000` runs to its end, through a link with
/// `delay` each way, for a session that keeps `lines` of scrollback, and the lines it
/// kept.
fn bulk_output(lines: u32, delay: Duration) -> (u64, usize) {
    let server = our_server();
    let link = Impairment {
        delay,
        jitter: Duration::ZERO,
        loss: 0.0,
    };
    let proxy = ProxyThread::in_front_of(server.port, link, 7);
    let session = connect_keeping(proxy.addr.port(), &server.key, lines);
    wait_for_text(&session, "$", Duration::from_secs(30));
    let before = session.status().bytes_received;
    type_line(&session, "seq 1 200000; echo fin''ished");
    wait_for_text(&session, "finished", Duration::from_secs(60));
    // Until the history has come: all the client keeps, or else until it stopped
    // growing for 5 s (it follows the screen in steps of at most 4,096 lines per
    // acknowledged state, later on a busy machine).
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut kept = session.scrollback_len();
    let mut still_since = Instant::now();
    while lines > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(250));
        let now_kept = session.scrollback_len();
        if now_kept == u64::from(lines) {
            kept = now_kept;
            break;
        }
        if now_kept != kept || now_kept == 0 {
            still_since = Instant::now();
        } else if still_since.elapsed() >= Duration::from_secs(5) {
            break;
        }
        kept = now_kept;
    }
    (session.status().bytes_received - before, kept as usize)
}

#[test]
fn the_server_sends_no_more_history_than_the_client_keeps() {
    let fast = Duration::ZERO;
    let slow = Duration::from_millis(100);
    let (none, kept_none) = bulk_output(0, fast);
    let (ten_thousand, kept) = bulk_output(10_000, slow);
    let (everything, kept_everything) = bulk_output(1_000_000, slow);
    println!(
        "seq 1 200000: {none} bytes from the server keeping no scrollback (loopback); \
         through 100 ms each way {ten_thousand} keeping 10,000 lines ({kept} kept), \
         {everything} keeping up to 1,000,000 ({kept_everything} kept)"
    );
    // A session that keeps none does not ask for any.
    assert_eq!(kept_none, 0);
    assert!(none * 4 < ten_thousand, "{none} bytes without scrollback");
    // The server skips what cannot be among the newest 10,000, and the newest arrive.
    assert_eq!(kept, 10_000);
    assert!(
        ten_thousand < everything,
        "{ten_thousand} bytes for 10,000 lines against {everything} for all"
    );
}
