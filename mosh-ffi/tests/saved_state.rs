//! A saved session in two parts against our server: the secret stays small
//! whatever the scrollback, the sealed state carries the scrollback the app allows,
//! and both restore the session with it.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use mosh_ffi::{ConnectConfig, SessionKey, SessionOptions};
use support::{Recorder, WAIT, connect, our_server, restore, type_line, wait, wait_for_text};

/// Waits until `session` holds `lines` lines of scrollback (a restored session
/// publishes its saved lines with its first screen, just after `restore` returns).
fn holds(session: &mosh_ffi::Session, lines: u64) {
    let deadline = Instant::now() + WAIT;
    while session.scrollback_len() != lines {
        assert!(
            Instant::now() < deadline,
            "{} lines of scrollback, not {lines}",
            session.scrollback_len()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// A session to a fresh server of ours that keeps 10,000 lines and saves
/// `saved_lines` of them, after `lines` lines of output.
fn session_after(
    lines: u32,
    saved_lines: u32,
) -> (support::server_process::ServerProcess, support::Listened) {
    let server = our_server();
    let options = SessionOptions {
        scrollback_lines: 10_000,
        saved_scrollback_lines: saved_lines,
        ..SessionOptions::default()
    };
    let settings = ConnectConfig {
        host: "127.0.0.1".into(),
        port: server.port,
        key: SessionKey::parse(server.key.clone()).unwrap(),
        columns: 80,
        rows: 24,
        options,
    };
    let session = connect(settings, Arc::new(Recorder::default())).unwrap();
    wait_for_text(&session, "$", WAIT);
    // Lines of a typical width (about 60 characters).
    type_line(
        &session,
        &format!(
            "seq -f 'line %05g of the scrollback, with the text a log line has' 1 {lines}; echo do''ne"
        ),
    );
    wait_for_text(&session, "done", Duration::from_secs(60));
    let deadline = Instant::now() + Duration::from_secs(30);
    while session.scrollback_len() < u64::from(lines.min(10_000)) - 30 {
        assert!(
            Instant::now() < deadline,
            "scrollback {}",
            session.scrollback_len()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    (server, session)
}

/// Restores `saved` with default options.
fn resume(saved: mosh_ffi::SavedSession) -> support::Listened {
    restore(
        saved,
        SessionOptions::default(),
        Arc::new(Recorder::default()),
    )
    .unwrap()
}

#[test]
fn ten_thousand_lines_in_the_state_and_a_small_secret() {
    let (_server, session) = session_after(10_500, 10_000);
    let held = session.scrollback_len();
    let saved = wait(session.detach()).unwrap();
    println!(
        "RESULT saved session with {held} lines of scrollback: secret {} bytes, sealed state {} bytes",
        saved.secret.len(),
        saved.state.len()
    );
    assert!(saved.secret.len() <= 1024);
    let resumed = resume(saved);
    assert_eq!(
        resumed.scrollback_len(),
        held,
        "the state carried every kept line"
    );
    type_line(&resumed, "echo back''again");
    wait_for_text(&resumed, "backagain", WAIT);
    resumed.shutdown();
}

#[test]
fn the_app_caps_the_scrollback_a_state_carries() {
    let (_server, session) = session_after(600, 100);
    assert!(session.scrollback_len() > 500);
    let saved = wait(session.detach()).unwrap();
    let resumed = resume(saved);
    holds(&resumed, 100);
    let newest = resumed.scrollback(99, 1).rows;
    assert!(newest[0].text().contains("line 00"), "{}", newest[0].text());
    resumed.shutdown();

    let (_server, session) = session_after(300, 0);
    let saved = wait(session.detach()).unwrap();
    let resumed = resume(saved);
    // Nothing saved: the restored session's scrollback starts empty.
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(resumed.scrollback_len(), 0, "no scrollback saved");
    resumed.shutdown();
}
