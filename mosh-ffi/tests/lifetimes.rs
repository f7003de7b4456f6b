//! Lifetimes the app controls, against our server on loopback: a session nobody
//! references stops sending by itself, detach keeps the remote shell for its
//! snapshot, a listener may call every method of its session from inside a
//! callback, and the lifecycle calls hold in every order (background while the
//! name resolves, a network change in the background, a double shutdown).

mod support;

use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use mosh_ffi::{
    CloseReason, Event, KeyModifiers, ListenerError, MoshError, Session, SessionListener,
    SessionOptions,
};
use mosh_netem::Impairment;
use support::proxy_thread::ProxyThread;
use support::{
    Recorder, WAIT, config, connect, our_server, restore, type_line, wait, wait_for_text,
};

/// Datagrams the client sent through `proxy` so far.
fn sent(proxy: &ProxyThread) -> u64 {
    proxy.handle.stats().up_datagrams
}

/// Asserts that the client sends nothing through `proxy` for `quiet`.
fn sends_nothing_for(proxy: &ProxyThread, quiet: Duration, what: &str) {
    let before = sent(proxy);
    std::thread::sleep(quiet);
    assert_eq!(sent(proxy), before, "datagrams sent {what}");
}

/// Waits for the end on `session`'s own stream (which does not keep it alive).
fn end_of(stream: &mosh_ffi::EventStream) -> CloseReason {
    let deadline = Instant::now() + WAIT;
    while Instant::now() < deadline {
        for event in wait(stream.next()).expect("the stream ended without Closed") {
            if let Event::Closed { reason } = event {
                return reason;
            }
        }
    }
    panic!("no end within {WAIT:?}");
}

/// Our server behind a pass-through proxy that counts datagrams, and a session to it
/// through `host` (no listener).
fn behind_a_proxy(
    host: &str,
    seed: u64,
) -> (
    support::server_process::ServerProcess,
    ProxyThread,
    Arc<Session>,
) {
    let server = our_server();
    let proxy = ProxyThread::in_front_of(server.port, Impairment::NONE, seed);
    let session = wait(Session::connect(config(
        host,
        proxy.addr.port(),
        &server.key,
    )))
    .unwrap();
    (server, proxy, session)
}

/// A listener that holds its session strongly, as a careless view would.
struct Owning(Mutex<Option<Arc<Session>>>);

impl SessionListener for Owning {
    fn on_event(&self, _event: Event) -> Result<(), ListenerError> {
        let _held = self.0.lock().unwrap().clone();
        Ok(())
    }
}

#[test]
fn a_session_nobody_references_detaches_and_stops_sending() {
    let (_server, proxy, session) = behind_a_proxy("127.0.0.1", 31);
    wait_for_text(&session, "$", WAIT);
    let watcher = session.events();
    // The listener keeps the session; only its subscription keeps the listener.
    let owning = Arc::new(Owning(Mutex::new(Some(session.clone()))));
    let subscription = session.subscribe(owning).unwrap();
    let weak = Arc::downgrade(&session);
    drop(session);
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        weak.upgrade().is_some(),
        "the subscription's listener holds it"
    );
    // The view goes away: its subscription with it.
    drop(subscription);
    assert_eq!(end_of(&watcher), CloseReason::Detached);
    assert!(weak.upgrade().is_none(), "nothing holds the session");
    assert_eq!(wait(watcher.next()), None, "the stream ended");
    sends_nothing_for(
        &proxy,
        Duration::from_secs(3),
        "after the session was released",
    );
}

#[test]
fn detach_stops_at_once_and_its_snapshot_resumes_the_same_shell() {
    let server = our_server();
    let proxy = ProxyThread::in_front_of(server.port, Impairment::NONE, 32);
    let recorder = Arc::new(Recorder::default());
    let session = connect(
        config("127.0.0.1", proxy.addr.port(), &server.key),
        recorder.clone(),
    )
    .unwrap();
    wait_for_text(&session, "$", WAIT);
    type_line(&session, "marker=kept''here; echo $marker");
    wait_for_text(&session, "kepthere", WAIT);
    let snapshot = wait(session.detach()).unwrap();
    assert_eq!(recorder.closed(WAIT), CloseReason::Detached);
    assert_eq!(wait(session.closed()), CloseReason::Detached);
    assert_eq!(
        session.send_input(b"x".to_vec()),
        Err(MoshError::SessionClosed)
    );
    assert_eq!(wait(session.snapshot()), Err(MoshError::SessionClosed));
    assert_eq!(wait(session.detach()), Err(MoshError::SessionClosed));
    session.shutdown();
    session.shutdown();
    sends_nothing_for(&proxy, Duration::from_secs(2), "after detach");
    drop(session);

    // The remote shell is still there for the snapshot.
    let resumed = restore(
        snapshot,
        SessionOptions::default(),
        Arc::new(Recorder::default()),
    )
    .unwrap();
    type_line(&resumed, "echo again-$marker");
    wait_for_text(&resumed, "again-kepthere", WAIT);
    resumed.shutdown();
    assert_eq!(wait(resumed.closed()), CloseReason::Closed);
}

/// Calls every method of its session from inside `on_event`, and shuts it down
/// after `rounds` events.
struct Busybody {
    session: Mutex<Weak<Session>>,
    calls: Mutex<u32>,
    rounds: u32,
}

impl SessionListener for Busybody {
    fn on_event(&self, event: Event) -> Result<(), ListenerError> {
        let Some(session) = self.session.lock().unwrap().upgrade() else {
            return Ok(());
        };
        if matches!(event, Event::Closed { .. }) {
            return Ok(());
        }
        let _ = session.screen();
        let _ = session.status();
        let _ = session.scrollback(0, session.scrollback_len().min(5) as u32);
        let _ = session.resize(80, 24);
        let _ = session.send_key(mosh_ffi::Key::Right, KeyModifiers::default());
        let _ = session.enter_foreground();
        let _ = wait(session.snapshot());
        let nested = session.subscribe(Arc::new(Recorder::default()));
        drop(nested);
        let stream = session.events();
        stream.cancel();
        assert_eq!(wait(stream.next()), None);
        let mut calls = self.calls.lock().unwrap();
        *calls += 1;
        if *calls == self.rounds {
            session.shutdown();
        }
        Ok(())
    }
}

#[test]
fn a_listener_that_calls_every_method_from_inside_on_event_never_deadlocks() {
    let server = our_server();
    let session = wait(Session::connect(config(
        "127.0.0.1",
        server.port,
        &server.key,
    )))
    .unwrap();
    let busybody = Arc::new(Busybody {
        session: Mutex::new(Arc::downgrade(&session)),
        calls: Mutex::new(0),
        rounds: 40,
    });
    let watcher = session.events();
    let _subscription = session.subscribe(busybody.clone()).unwrap();
    wait_for_text(&session, "$", WAIT);
    // Output keeps the events (and the busybody's calls) coming until it shuts down.
    type_line(
        &session,
        "for i in $(seq 1 400); do echo line $i; sleep 0.01; done",
    );
    assert_eq!(end_of(&watcher), CloseReason::Closed);
    assert!(*busybody.calls.lock().unwrap() >= 40);
}

#[test]
fn background_while_the_name_resolves_and_a_network_change_in_the_background() {
    // A name, so the session starts by resolving it; background at once.
    let (_server, proxy, session) = behind_a_proxy("localhost", 33);
    match wait(session.enter_background()) {
        Ok(saved) => assert!(!saved.state.is_empty()),
        Err(error) => assert_eq!(error, MoshError::SnapshotUnavailable),
    }
    assert!(session.status().background);
    session.network_changed().unwrap();
    sends_nothing_for(&proxy, Duration::from_secs(2), "in the background");
    assert!(session.status().background);
    session.enter_foreground().unwrap();
    wait_for_text(&session, "$", WAIT);
    type_line(&session, "echo back''again");
    wait_for_text(&session, "backagain", WAIT);
    // In the foreground a network change sends at once.
    let before = sent(&proxy);
    session.network_changed().unwrap();
    let deadline = Instant::now() + Duration::from_secs(1);
    while sent(&proxy) == before {
        assert!(
            Instant::now() < deadline,
            "nothing sent after network_changed"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    session.shutdown();
    session.shutdown();
    assert_eq!(wait(session.closed()), CloseReason::Closed);
}

#[test]
fn fresh_contact_after_network_changed_is_an_event() {
    let server = our_server();
    let session = wait(Session::connect(config(
        "127.0.0.1",
        server.port,
        &server.key,
    )))
    .unwrap();
    wait_for_text(&session, "$", WAIT);
    let stream = session.events();
    // The first batch is the catch-up; then quiet (an idle shell, Connected).
    wait(stream.next()).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    session.network_changed().unwrap();
    let asked = Instant::now();
    loop {
        let batch = wait(stream.next()).expect("the stream ended");
        let fresh = batch.iter().any(|event| {
            matches!(event, Event::StatusChanged { status }
                if status.state == mosh_ffi::ConnectionState::Connected)
        });
        if fresh {
            break;
        }
        assert!(
            asked.elapsed() < Duration::from_secs(2),
            "no status event after network_changed"
        );
    }
    println!(
        "network_changed → StatusChanged (contact renewed) after {:?}",
        asked.elapsed()
    );
    assert!(asked.elapsed() < Duration::from_secs(1));
    session.shutdown();
}

#[test]
fn in_the_background_nothing_is_read_and_the_screen_stays() {
    let server = our_server();
    let session = wait(Session::connect(config(
        "127.0.0.1",
        server.port,
        &server.key,
    )))
    .unwrap();
    wait_for_text(&session, "$", WAIT);
    type_line(
        &session,
        "i=0; while :; do i=$((i+1)); printf '\\rtick %d ' $i; sleep 0.05; done",
    );
    wait_for_text(&session, "tick ", WAIT);
    let received = |session: &Session| session.status().datagrams_received;
    wait(session.enter_background()).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let (screen, count) = (support::screen_text(&session), received(&session));
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(
        received(&session),
        count,
        "datagrams read in the background"
    );
    assert_eq!(
        support::screen_text(&session),
        screen,
        "the screen moved in the background"
    );
    let status = session.status();
    assert!(status.background);
    assert!(status.last_contact_ms.unwrap_or(0) >= 2_000, "{status:?}");
    session.enter_foreground().unwrap();
    let deadline = Instant::now() + WAIT;
    while support::screen_text(&session) == screen {
        assert!(
            Instant::now() < deadline,
            "the ticker did not move after the foreground"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    session.shutdown();
}
