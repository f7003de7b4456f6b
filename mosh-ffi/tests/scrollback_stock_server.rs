//! Scrollback captured on the client against the stock `mosh-server` (Debian's mosh
//! 1.4) over real UDP on loopback: `seq 1 200` with pauses leaves every line in
//! `scrollback()` or on the screen, in order, and a snapshot restored in a new
//! session keeps the history.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use mosh_ffi::{Event, Session, SessionOptions};
use support::{
    Recorder, WAIT, connect_at_prompt, restore, stock_server, type_line, wait, wait_for_text,
};

/// Every scrollback line's text, oldest first.
fn history(session: &Session) -> Vec<String> {
    session
        .scrollback(0, u32::MAX)
        .rows
        .iter()
        .map(|row| row.text())
        .collect()
}

/// The numbers in `lines` (lines that are a bare number), in order.
fn numbers(lines: &[String]) -> Vec<u32> {
    lines.iter().filter_map(|l| l.trim().parse().ok()).collect()
}

#[test]
fn seq_with_pauses_is_captured_and_survives_a_restore() {
    let server = stock_server();
    let (session, recorder) = connect_at_prompt("127.0.0.1", server.port, &server.key);
    type_line(
        &session,
        "seq 1 200 | while read i; do echo $i; [ $((i%10)) = 0 ] && sleep 0.2; done; echo done",
    );
    wait_for_text(&session, "\ndone", Duration::from_secs(30));
    recorder.wait_for(
        "scrollback lines",
        WAIT,
        |e| matches!(e, Event::ScrollbackAdded { added } if *added > 0),
    );
    // The published history catches up with the last frame.
    let deadline = Instant::now() + WAIT;
    let mut all;
    loop {
        all = history(&session);
        all.extend(session.screen().rows.iter().map(|r| r.text()));
        if numbers(&all) == (1..=200).collect::<Vec<_>>() || Instant::now() > deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        numbers(&all),
        (1..=200).collect::<Vec<_>>(),
        "history and screen:\n{all:#?}"
    );
    let len = session.scrollback_len();
    assert!(len >= 200 - 24, "{len}");
    assert_eq!(history(&session).len() as u64, len);
    let start = history(&session);
    assert!(
        start.iter().take(3).any(|l| l.contains("seq 1 200")),
        "{:?}",
        &start[..3]
    );
    // Paging from the end: the line just above the screen is the newest.
    let range = session.scrollback_range();
    assert_eq!(range.end - range.first, len);
    let last = session.scrollback(range.end - 1, 10);
    assert_eq!(last.rows.len(), 1);
    assert!(session.scrollback(range.end, 10).rows.is_empty());

    // Snapshot, and a new session from it (the original dropped quietly).
    let snapshot = wait(session.snapshot()).unwrap();
    let before = history(&session);
    drop(session);
    let restored_recorder = Arc::new(Recorder::default());
    let restored = restore(
        snapshot,
        SessionOptions::default(),
        restored_recorder.clone(),
    )
    .unwrap();
    restored_recorder.wait_for(
        "the restored history",
        WAIT,
        |e| matches!(e, Event::ScrollbackAdded { added } if *added == before.len() as u64),
    );
    assert_eq!(history(&restored), before);
    // And it goes on capturing.
    type_line(
        &restored,
        "seq 1001 1060 | while read i; do echo $i; sleep 0.02; done",
    );
    wait_for_text(&restored, "1060", WAIT);
    let deadline = Instant::now() + WAIT;
    while !history(&restored).iter().any(|l| l == "1030") {
        assert!(Instant::now() < deadline, "{:#?}", history(&restored));
        std::thread::sleep(Duration::from_millis(20));
    }
    restored.shutdown();
    restored_recorder.closed(WAIT);
}
