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
        .rows
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
    bulk_output_within(lines, None, delay)
}

/// [`bulk_output`] with the data saver's `budget` set before the output starts.
fn bulk_output_within(lines: u32, budget: Option<u32>, delay: Duration) -> (u64, usize) {
    let server = our_server();
    let link = Impairment {
        delay,
        jitter: Duration::ZERO,
        loss: 0.0,
    };
    let proxy = ProxyThread::in_front_of(server.port, link, 7);
    let session = connect_keeping(proxy.addr.port(), &server.key, lines);
    wait_for_text(&session, "$", Duration::from_secs(30));
    if let Some(budget) = budget {
        session.set_scrollback_budget(budget).unwrap();
    }
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
        if now_kept == u64::from(budget.unwrap_or(lines).min(lines)) {
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

/// Waits until the scrollback range holds `lines` lines and ends at or after `end`.
fn range_reaching(session: &Session, lines: u64, end: u64) -> mosh_ffi::ScrollbackRange {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let range = session.scrollback_range();
        if range.end - range.first == lines && range.end >= end {
            return range;
        }
        assert!(Instant::now() < deadline, "range stuck at {range:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn scrollback_lines_keep_their_numbers_when_the_oldest_go() {
    let server = our_server();
    let session = connect_keeping(server.port, &server.key, 100);
    wait_for_text(&session, "$", Duration::from_secs(30));
    type_line(&session, "seq 1 150; echo fin''ished");
    wait_for_text(&session, "finished", Duration::from_secs(30));
    let before = range_reaching(&session, 100, 100);
    let number = before.end - 10;
    let line = session.scrollback(number, 1);
    assert_eq!(line.first, number);
    let text = line.rows[0].text();
    assert!(text.trim().parse::<u32>().is_ok(), "{text:?}");

    // 60 more lines: the oldest 60 go, the numbers of those left stay.
    type_line(&session, "seq 1000 1059; echo don''e");
    wait_for_text(&session, "done", Duration::from_secs(30));
    let after = range_reaching(&session, 100, before.end + 60);
    assert_eq!(after.first, after.end - 100);
    assert!(after.first > before.first && after.first <= number);
    let again = session.scrollback(number, 1);
    assert_eq!(again.first, number);
    assert_eq!(again.rows[0].text(), text, "line {number} changed");
    // A number that went starts at the oldest held; past the end there is nothing.
    let from_zero = session.scrollback(0, 3);
    assert_eq!(from_zero.first, after.first);
    assert_eq!(from_zero.rows.len(), 3);
    let beyond = session.scrollback(after.end, 5);
    assert_eq!((beyond.first, beyond.rows.len()), (after.end, 0));
    // The line just above the screen is `end - 1`, and the screen follows it.
    let newest = session.scrollback(after.end - 1, 1).rows[0].text();
    assert!(!newest.trim().is_empty(), "{newest:?}");
    session.shutdown();
}

#[test]
fn the_data_saver_lowers_what_the_server_sends_at_run_time() {
    let slow = Duration::from_millis(100);
    let (none, _) = bulk_output(0, Duration::ZERO);
    let (saver_off, kept_off) = bulk_output_within(10_000, Some(0), slow);
    let (saver_100, kept_100) = bulk_output_within(10_000, Some(100), slow);
    println!(
        "RESULT seq 1 200000 through 100 ms each way, keeping 10,000 lines: {saver_off} bytes \
         with the data saver at 0 lines ({kept_off} kept), {saver_100} at 100 ({kept_100} \
         kept); {none} keeping none (loopback)"
    );
    // At 0 the history stays home: about what a session that keeps none receives.
    assert_eq!(kept_off, 0);
    assert!(
        saver_off < 4 * none.max(5_000),
        "{saver_off} bytes at 0 lines"
    );
    // At 100 the server holds back at most 100 lines for the client: the end of the
    // output arrives, and up to 100 lines per round trip of the rest (the saver off
    // and 10,000 kept: 279-300 kB, the_server_sends_no_more_history_than_the_client_keeps).
    assert!(
        (100..10_000).contains(&kept_100),
        "{kept_100} lines kept at 100"
    );
    assert!(saver_100 < 30_000, "{saver_100} bytes at 100 lines");
}
