//! The exported API (the functions the Swift and Kotlin bindings call) against the
//! stock `mosh-server` (Debian's mosh 1.4) on loopback: connect by host name, type and
//! read the screen, resize, close; `network_changed` and a minute in the background
//! through the impairment proxy, with the resync times printed.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use mosh_ffi::{CloseReason, ConnectionState, Event, MoshError, Session};
use mosh_netem::Impairment;
use support::proxy_thread::ProxyThread;
use support::{
    Listened, Recorder, WAIT, config, connect, connect_at_prompt, stock_server, type_line, wait,
    wait_for_text,
};

#[test]
fn connect_by_name_type_resize_and_close() {
    let server = stock_server();
    let (session, recorder) = connect_at_prompt("localhost", server.port, &server.key);
    recorder.wait_for("a connected status", WAIT, |e| {
        matches!(e, Event::StatusChanged { status } if status.state == ConnectionState::Connected)
    });
    type_line(&session, "echo hel''lo");
    wait_for_text(&session, "hello", WAIT);
    recorder.wait_for(
        "a screen change",
        WAIT,
        |e| matches!(e, Event::ScreenChanged { rows } if !rows.is_empty()),
    );

    session.resize(100, 30).unwrap();
    type_line(&session, "stty size");
    wait_for_text(&session, "30 100", WAIT);
    assert_eq!(session.screen().columns, 100);
    assert_eq!(session.screen().rows.len(), 30);

    session.shutdown();
    assert_eq!(recorder.closed(WAIT), CloseReason::Closed);
    assert_eq!(
        session.send_input(b"x".to_vec()),
        Err(MoshError::SessionClosed)
    );
    assert_eq!(session.resize(80, 24), Err(MoshError::SessionClosed));
    assert_eq!(wait(session.snapshot()), Err(MoshError::SessionClosed));
    assert!(matches!(
        session.status().state,
        ConnectionState::Closed {
            reason: CloseReason::Closed
        }
    ));
}

/// A clean 100 ms one-way link.
const LINK: Impairment = Impairment {
    delay: Duration::from_millis(100),
    jitter: Duration::ZERO,
    loss: 0.0,
};

/// A stock server behind a 100 ms one-way link with a ticker running, so every new
/// server state shows on the screen.
fn ticking_session(
    seed: u64,
) -> (
    support::server_process::ServerProcess,
    ProxyThread,
    Listened,
) {
    let server = stock_server();
    let proxy = ProxyThread::in_front_of(server.port, LINK, seed);
    let session = connect(
        config("127.0.0.1", proxy.addr.port(), &server.key),
        Arc::new(Recorder::default()),
    )
    .unwrap();
    wait_for_text(&session, "$", WAIT);
    type_line(
        &session,
        "i=0; while [ $i -lt 100000 ]; do i=$((i+1)); printf '\\rtick %d ' $i; sleep 0.1; done",
    );
    wait_for_text(&session, "tick ", WAIT);
    (server, proxy, session)
}

fn tick(session: &Session) -> Option<u64> {
    let text = support::screen_text(session);
    let at = text.rfind("tick ")?;
    text[at + 5..].split_whitespace().next()?.parse().ok()
}

/// Waits until the ticker passes `after`; returns how long it took.
fn wait_for_tick_after(session: &Session, after: u64) -> Duration {
    let start = Instant::now();
    while tick(session).is_none_or(|t| t <= after) {
        assert!(start.elapsed() < WAIT, "the ticker did not move on");
        std::thread::sleep(Duration::from_millis(1));
    }
    start.elapsed()
}

/// Calls `call` and asserts (and prints) that the ticker shows a newer tick within one
/// round trip of the 100 ms one-way link, plus 50 ms.
fn resyncs_within_one_round_trip(
    session: &Session,
    what: &str,
    call: impl Fn(&Session) -> Result<(), MoshError>,
) {
    let before = tick(session).unwrap_or(0);
    call(session).unwrap();
    let resync = wait_for_tick_after(session, before);
    let rtt = Duration::from_millis(200);
    println!("{what} → new screen: {resync:?} (RTT {rtt:?})");
    assert!(
        resync <= rtt + Duration::from_millis(50),
        "screen updated {resync:?} after {what} (RTT {rtt:?})"
    );
}

#[test]
fn network_changed_updates_the_screen_within_one_round_trip() {
    let (_server, proxy, session) = ticking_session(21);
    // The path loses everything long enough for both sides to back off, and comes
    // back just as the OS reports the new path.
    let dead = Impairment { loss: 1.0, ..LINK };
    proxy.handle.set_up(dead);
    proxy.handle.set_down(dead);
    std::thread::sleep(Duration::from_secs(4));
    proxy.handle.set_up(LINK);
    proxy.handle.set_down(LINK);
    resyncs_within_one_round_trip(&session, "network_changed", Session::network_changed);
}

#[test]
fn a_minute_in_the_background_sends_nothing_and_foreground_resyncs_within_one_round_trip() {
    let (_server, proxy, session) = ticking_session(22);
    let snapshot = wait(session.enter_background()).unwrap();
    assert!(!snapshot.state.is_empty());
    assert!(session.status().background);
    let sent = proxy.handle.stats().up_datagrams;
    std::thread::sleep(Duration::from_secs(60));
    assert_eq!(
        proxy.handle.stats().up_datagrams,
        sent,
        "sent in the background"
    );
    resyncs_within_one_round_trip(
        &session,
        "enter_foreground after 60 s",
        Session::enter_foreground,
    );
}
