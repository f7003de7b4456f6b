//! Restoring snapshots that are not the newest, through the exported API against real
//! servers on loopback (issue 28): with our `mosh-server` any snapshot of a live
//! session resumes (the resync extension, `docs/resync-extension.md`) — one taken
//! while the session was in use and the session went on for seconds, the same one
//! restored again in a new process, and a handoff to a second process while the
//! first still types, which then ends as `Superseded`. A command typed just before
//! the snapshot runs once, and no nonce is sent twice. Against stock `mosh-server`
//! the same stale restores end as `OutOfSync` within two round trips and 200 ms.

mod support;

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mosh_ffi::{CloseReason, ConnectionState, SavedSession, SessionOptions};
use support::{
    Listened, NonceRelay, Recorder, Scratch, WAIT, config, connect, our_server, restore,
    stock_server, type_line, wait, wait_for_text,
};

/// Connects through `relay`, sets a shell variable, starts a command that prints a
/// line every half second for 4 s, and takes a snapshot while it runs. With
/// `typing`, a command that appends to `log` is typed just before the snapshot (not
/// yet acknowledged when it is taken) and more is typed after it. The session goes
/// on until the output ends and is then dropped, as an app killed after it saved.
/// Returns the snapshot.
fn snapshot_in_use_then_go_on(
    relay: &NonceRelay,
    key: &str,
    typing: Option<&Path>,
) -> SavedSession {
    let session = connect(
        config("127.0.0.1", relay.addr.port(), key),
        Arc::new(Recorder::default()),
    )
    .unwrap();
    wait_for_text(&session, "$", WAIT);
    type_line(&session, "X=kept''42; echo set");
    wait_for_text(&session, "set", WAIT);
    type_line(
        &session,
        "for i in 1 2 3 4 5 6 7 8; do echo tick$i; sleep 0.5; done; echo last''-before-kill",
    );
    wait_for_text(&session, "tick1", WAIT);
    if let Some(log) = typing {
        type_line(&session, &format!("echo once >> {}", log.display()));
    }
    let snapshot = wait(session.snapshot()).unwrap();
    if typing.is_some() {
        type_line(&session, "echo typed''-after");
    }
    wait_for_text(&session, "last-before-kill", WAIT);
    if typing.is_some() {
        wait_for_text(&session, "typed-after", WAIT);
    }
    drop(session);
    snapshot
}

/// Restores `saved` in this process; returns the session, its events and how long
/// until the screen showed `marker` (the state the server went on to).
fn restore_timed(saved: &SavedSession, marker: &str) -> (Listened, Arc<Recorder>, Duration) {
    let recorder = Arc::new(Recorder::default());
    let start = Instant::now();
    let session = restore(saved.clone(), SessionOptions::default(), recorder.clone()).unwrap();
    wait_for_text(&session, marker, WAIT);
    (session, recorder, start.elapsed())
}

/// `mosh-resume` restoring `saved` in a new process, typing `typed` and waiting for
/// `expect`.
fn resume_in_new_process(
    dir: &Path,
    name: &str,
    saved: &SavedSession,
    typed: &str,
    expect: &str,
) -> Child {
    let prefix = dir.join(name);
    support::write_saved(&prefix, saved);
    Command::new(env!("CARGO_BIN_EXE_mosh-resume"))
        .arg(&prefix)
        .arg(typed)
        .arg(expect)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn succeeded(child: Child, what: &str) {
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{what} did not resume: {}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn with_our_server_any_snapshot_resumes_and_a_handoff_supersedes() {
    let server = our_server();
    let relay = NonceRelay::start(SocketAddr::from(([127, 0, 0, 1], server.port)));
    let scratch = Scratch::new("any-snapshot");
    let log = scratch.0.join("typed-once");
    let snapshot = snapshot_in_use_then_go_on(&relay, &server.key, Some(&log));

    // 1. The stale snapshot, restored: the screen the server went on to, at once.
    let (first, _, took) = restore_timed(&snapshot, "typed-after");
    println!("stale snapshot: first screen {took:?} after the restore");
    type_line(&first, "echo first''-restore $X");
    wait_for_text(&first, "first-restore kept42", WAIT);
    drop(first);

    // 2. The same snapshot again, in a new process (a relaunch after a second crash).
    succeeded(
        resume_in_new_process(
            &scratch.0,
            "again",
            &snapshot,
            "echo again-$X\\r",
            "again-kept42",
        ),
        "the second restore",
    );

    // 3. A handoff: a fresh snapshot of a live session moved to a second process
    //    while the first goes on typing. The server follows the second; the first
    //    learns it was superseded.
    let (third, third_events, took) = restore_timed(&snapshot, "again-kept42");
    println!("the same snapshot a third time: first screen {took:?} after the restore");
    let fresh = wait(third.snapshot()).unwrap();
    let second_device = resume_in_new_process(
        &scratch.0,
        "handoff",
        &fresh,
        "echo handed''-over $X\\r",
        "handed-over kept42",
    );
    let start = Instant::now();
    let superseded = loop {
        let _ = third.send_input(b"echo phone\r".to_vec());
        if let ConnectionState::Closed { reason } = third.status().state {
            break reason;
        }
        assert!(
            start.elapsed() < WAIT,
            "the first process never learnt it was superseded"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(superseded, CloseReason::Superseded);
    println!(
        "handoff: the first process superseded {:?} after the second started",
        start.elapsed()
    );
    assert_eq!(third_events.closed(WAIT), CloseReason::Superseded);
    succeeded(second_device, "the handoff");

    // No orphan: whatever became of the processes, any save closes the server
    // session when the app asks (restore, then shut down).
    let (last, last_events, _) = restore_timed(&fresh, "handed-over kept42");
    last.shutdown();
    assert_eq!(last_events.closed(WAIT), CloseReason::Closed);

    // The command typed just before the snapshot ran once, though four processes
    // resumed from points before its acknowledgement.
    let once = std::fs::read_to_string(&log).unwrap();
    assert_eq!(
        once,
        "once\n",
        "the command before the snapshot ran {} times",
        once.lines().count()
    );
    let (datagrams, repeated) = relay.counts();
    println!(
        "{datagrams} client datagrams from {} sockets, {repeated} repeated nonces",
        relay.by_source().len()
    );
    assert_eq!(repeated, 0, "a nonce was sent twice");
}

#[test]
fn with_stock_server_a_stale_snapshot_ends_as_out_of_sync_within_a_round_trip() {
    let server = stock_server();
    let relay = NonceRelay::start(SocketAddr::from(([127, 0, 0, 1], server.port)));
    // Nothing typed after the snapshot: stock then answers the restored client (if
    // the old session had typed, it could apply nothing the restore sends, and
    // stays silent: no verdict is possible, the status says no contact).
    let snapshot = snapshot_in_use_then_go_on(&relay, &server.key, None);
    // Restored twice: each ends with the server's first reply, well within two
    // round trips (loopback) and 200 ms.
    for attempt in ["first", "second"] {
        let recorder = Arc::new(Recorder::default());
        let start = Instant::now();
        let session = restore(
            snapshot.clone(),
            SessionOptions::default(),
            recorder.clone(),
        )
        .unwrap();
        let reason = recorder.closed(WAIT);
        let took = start.elapsed();
        println!("stock, {attempt} restore of a stale snapshot: {reason:?} after {took:?}");
        assert_eq!(reason, CloseReason::OutOfSync);
        assert!(took <= Duration::from_millis(250), "verdict after {took:?}");
        drop(session);
    }
    let (_, repeated) = relay.counts();
    assert_eq!(repeated, 0, "a nonce was sent twice");
}

/// A handoff with stock `mosh-server`: a fresh snapshot resumed by a second process
/// while the first stays connected (typing nothing). Stock follows the process that
/// sent last, so the second resumes; the first is not told (stock has no word for
/// it) and hears nothing more.
#[test]
fn with_stock_server_a_handoff_of_a_fresh_snapshot_resumes_the_second_process() {
    let server = stock_server();
    let scratch = Scratch::new("stock-handoff");
    let first = connect(
        config("127.0.0.1", server.port, &server.key),
        Arc::new(Recorder::default()),
    )
    .unwrap();
    wait_for_text(&first, "$", WAIT);
    type_line(&first, "X=kept''42; echo set");
    wait_for_text(&first, "set", WAIT);
    let fresh = wait(first.snapshot()).unwrap();
    succeeded(
        resume_in_new_process(
            &scratch.0,
            "handoff",
            &fresh,
            "echo handed''-over $X\\r",
            "handed-over kept42",
        ),
        "the handoff",
    );
    assert!(!matches!(
        first.status().state,
        ConnectionState::Closed { .. }
    ));
}

/// The newest snapshot (the one `enter_background()` returns, after which nothing is
/// sent) resumes with either server; prints the time from the restore to the first
/// screen that shows what the server printed after the snapshot.
#[test]
fn the_newest_snapshot_resumes_with_either_server() {
    for (name, server) in [("ours", our_server()), ("stock", stock_server())] {
        let session = connect(
            config("127.0.0.1", server.port, &server.key),
            Arc::new(Recorder::default()),
        )
        .unwrap();
        wait_for_text(&session, "$", WAIT);
        type_line(&session, "sleep 1; echo after''-background");
        // The command reached the shell before the app goes to the background (the
        // keys are on the screen, then acknowledged).
        wait_for_text(&session, "sleep 1", WAIT);
        let start = Instant::now();
        while session.status().input_waiting > 0 {
            assert!(start.elapsed() < WAIT, "the command was never acknowledged");
            std::thread::sleep(Duration::from_millis(5));
        }
        let saved = wait(session.enter_background()).unwrap();
        drop(session);
        std::thread::sleep(Duration::from_millis(1500));
        let (restored, events, took) = restore_timed(&saved, "after-background");
        println!("{name}: the newest snapshot, first screen {took:?} after the restore");
        type_line(&restored, "echo still''-here");
        wait_for_text(&restored, "still-here", WAIT);
        restored.shutdown();
        assert_eq!(events.closed(WAIT), CloseReason::Closed);
    }
}
