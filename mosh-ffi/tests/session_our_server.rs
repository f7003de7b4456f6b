//! The exported API against our `mosh-server` on loopback: an IPv6 literal, VT output
//! fed to a terminal widget, a snapshot restored in a new process that continues the
//! same shell, one snapshot restored twice without a repeated nonce, 1,000 calls from
//! 8 threads, and listeners that panic, throw, or are slow.

mod support;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mosh_core::terminal::Emulator;
use mosh_ffi::{
    CloseReason, Color, ConnectionState, Event, Key, KeyModifiers, ListenerError, OutputMode,
    Session, SessionListener, SessionOptions,
};
use mosh_netem::Impairment;
use support::proxy_thread::ProxyThread;
use support::{
    NonceRelay, Recorder, WAIT, config, connect, connect_at_prompt, our_server, restore,
    screen_text, type_line, wait, wait_for_text,
};

#[test]
fn an_ipv6_literal_reaches_our_dual_stack_server() {
    let server = our_server();
    let (session, recorder) = connect_at_prompt("::1", server.port, &server.key);
    type_line(&session, "echo v6''ok");
    wait_for_text(&session, "v6ok", WAIT);
    // The server's internal variables stay out of the shell's environment.
    type_line(&session, "echo internal=$(env | grep -c MOSH_RS_INTERNAL)");
    wait_for_text(&session, "internal=0", WAIT);
    // A key encoded for the shell's modes, and Ctrl-C as a character with ctrl.
    session.send_input(b"echo abc".to_vec()).unwrap();
    session
        .send_key(Key::Left, KeyModifiers::default())
        .unwrap();
    session
        .send_key(
            Key::Character { text: "c".into() },
            KeyModifiers {
                ctrl: true,
                ..KeyModifiers::default()
            },
        )
        .unwrap();
    wait_for_text(&session, "^C", WAIT);
    session.shutdown();
    assert_eq!(recorder.closed(WAIT), CloseReason::Closed);
}

/// Feeds every VT output event to a local emulator, as an app's own terminal widget.
struct Widget(Mutex<Emulator>);

impl SessionListener for Widget {
    fn on_event(&self, event: Event) -> Result<(), ListenerError> {
        if let Event::VtOutput { bytes } = event {
            self.0.lock().unwrap().feed(&bytes);
        }
        Ok(())
    }
}

#[test]
fn vt_output_draws_in_a_terminal_widget_what_the_screen_shows() {
    let server = our_server();
    let widget = Arc::new(Widget(Mutex::new(Emulator::new(80, 24))));
    let mut vt = config("127.0.0.1", server.port, &server.key);
    vt.options.output = OutputMode::Vt;
    let session = connect(vt, widget.clone()).unwrap();
    wait_for_text(&session, "$", WAIT);
    type_line(
        &session,
        "printf '\\033[1;31mred\\033[m plain\\n'; echo vt''ok",
    );
    wait_for_text(&session, "vtok", WAIT);
    let widget_text = || {
        let emulator = widget.0.lock().unwrap();
        emulator
            .framebuffer()
            .rows()
            .iter()
            .map(|row| row.text())
            .collect::<Vec<_>>()
            .join("\n")
    };
    // Row::text leaves out trailing blanks; screen() runs cover every cell.
    let trimmed = |text: String| {
        let mut lines: Vec<String> = text.lines().map(|l| l.trim_end().to_owned()).collect();
        while lines.last().is_some_and(String::is_empty) {
            lines.pop();
        }
        lines
    };
    let deadline = Instant::now() + WAIT;
    while trimmed(widget_text()) != trimmed(screen_text(&session)) {
        assert!(
            Instant::now() < deadline,
            "widget:\n{}\nscreen:\n{}",
            widget_text(),
            screen_text(&session)
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let red = session
        .screen()
        .rows
        .iter()
        .flat_map(|row| row.runs.clone())
        .find(|run| run.text.starts_with("red"))
        .expect("a run with the red text");
    assert!(red.style.bold);
    assert_eq!(red.style.foreground, Color::Indexed { index: 1 });
}

#[test]
fn keys_and_pastes_follow_the_modes_the_program_sets_and_bells_arrive() {
    let server = our_server();
    let (session, recorder) = connect_at_prompt("127.0.0.1", server.port, &server.key);
    let none = KeyModifiers::default();
    // Application cursor keys and bracketed paste on, a bell, then the marker (so
    // the frame with the marker has the modes); `cat -v` then shows the bytes each
    // key and paste became (the tty's own echo is off).
    type_line(
        &session,
        "stty -echo; printf '\\033[?1h\\033[?2004h\\amodes''-on\\n'; cat -v",
    );
    wait_for_text(&session, "modes-on", WAIT);
    recorder.wait_for("the bell", WAIT, |e| matches!(e, Event::Bell));
    session.send_key(Key::Up, none).unwrap();
    session.send_input(b"\r".to_vec()).unwrap();
    wait_for_text(&session, "^[OA", WAIT);
    session.paste("pasted".to_owned()).unwrap();
    session.send_input(b"\r".to_vec()).unwrap();
    wait_for_text(&session, "^[[200~pasted^[[201~", WAIT);
    // Ctrl-C ends `cat`; with both modes off again, the key and a paste arrive
    // plain.
    let ctrl = KeyModifiers {
        ctrl: true,
        ..KeyModifiers::default()
    };
    session
        .send_key(
            Key::Character {
                text: "c".to_owned(),
            },
            ctrl,
        )
        .unwrap();
    // The tty drops input that arrives with the interrupt: type once the shell
    // prompts again.
    let deadline = Instant::now() + WAIT;
    while screen_text(&session)
        .lines()
        .filter(|l| l.starts_with('$'))
        .count()
        < 2
    {
        assert!(Instant::now() < deadline, "no prompt after Ctrl-C");
        std::thread::sleep(Duration::from_millis(20));
    }
    type_line(
        &session,
        "printf '\\033[?1l\\033[?2004lmodes''-off\\n'; cat -v",
    );
    wait_for_text(&session, "modes-off", WAIT);
    session.send_key(Key::Up, none).unwrap();
    session.paste("plain".to_owned()).unwrap();
    session.send_input(b"\r".to_vec()).unwrap();
    wait_for_text(&session, "^[[Aplain", WAIT);
}

#[test]
fn a_snapshot_restores_in_a_new_process_and_twice_never_repeats_a_nonce() {
    let server = our_server();
    let relay = NonceRelay::start(SocketAddr::from(([127, 0, 0, 1], server.port)));
    let session = connect(
        config("127.0.0.1", relay.addr.port(), &server.key),
        Arc::new(Recorder::default()),
    )
    .unwrap();
    wait_for_text(&session, "$", WAIT);
    type_line(&session, "X=kept''42; echo set");
    wait_for_text(&session, "set", WAIT);
    let snapshot = wait(session.snapshot()).unwrap();
    drop(session);
    let (by_original, _) = relay.counts();

    let dir = std::env::temp_dir().join(format!("mosh-ffi-snapshot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("snapshot");
    support::write_saved(&file, &snapshot);
    // A new process restores it and finds the shell variable.
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_mosh-resume"))
        .arg(&file)
        .arg("echo restored $X\\r")
        .arg("restored kept42")
        .output()
        .unwrap();
    assert!(
        child.status.success(),
        "the new process did not resume the shell: {}\n{}",
        String::from_utf8_lossy(&child.stdout),
        String::from_utf8_lossy(&child.stderr)
    );
    let (by_child, _) = relay.counts();
    // The same snapshot again, in this process (the app was killed again before it
    // saved a newer one). The child exchanged states since, so this restore cannot
    // rebuild the server's base states (see `ResumePoint`); what must hold is that
    // none of its datagrams repeats a nonce of the original or of the child.
    let again = restore(
        snapshot.clone(),
        SessionOptions::default(),
        Arc::new(Recorder::default()),
    )
    .unwrap();
    type_slowly(&again, "echo typed into a stale restore");
    std::thread::sleep(Duration::from_secs(1));
    let (datagrams, repeated) = relay.counts();
    println!("{datagrams} client datagrams through the relay, {repeated} repeated nonces");
    // Each of the three sent (how many depends on batching, so only that they did).
    assert!(
        by_original > 0 && by_child > by_original && datagrams > by_child,
        "datagrams after the original, the child, the second restore: {by_original}, {by_child}, {datagrams}"
    );
    assert_eq!(repeated, 0, "a nonce was sent twice");
    drop(again);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn connecting_twice_with_one_key_never_repeats_a_nonce() {
    let server = our_server();
    let relay = NonceRelay::start(SocketAddr::from(([127, 0, 0, 1], server.port)));
    let first = connect(
        config("127.0.0.1", relay.addr.port(), &server.key),
        Arc::new(Recorder::default()),
    )
    .unwrap();
    wait_for_text(&first, "$", WAIT);
    type_slowly(&first, "echo first\r");
    wait_for_text(&first, "first", WAIT);
    drop(first);
    let (by_first, _) = relay.counts();
    // The app retries with the same MOSH CONNECT answer. The server went on with the
    // first connect's states, so the second ends as out of sync with the server's
    // first reply; what it sent until then must repeat no nonce.
    let recorder = Arc::new(Recorder::default());
    let second = connect(
        config("127.0.0.1", relay.addr.port(), &server.key),
        recorder.clone(),
    )
    .unwrap();
    let _ = second.send_input(b"echo second".to_vec());
    assert_eq!(recorder.closed(WAIT), CloseReason::OutOfSync);
    let (datagrams, repeated) = relay.counts();
    println!("{datagrams} client datagrams from two connects, {repeated} repeated nonces");
    assert!(by_first > 0 && datagrams > by_first, "both connects sent");
    assert_eq!(repeated, 0, "a nonce was sent twice under one key");
}

#[test]
fn a_five_mib_paste_while_the_link_is_down_arrives_whole() {
    let server = our_server();
    let proxy = ProxyThread::in_front_of(server.port, Impairment::NONE, 31);
    let session = connect(
        config("127.0.0.1", proxy.addr.port(), &server.key),
        Arc::new(Recorder::default()),
    )
    .unwrap();
    wait_for_text(&session, "$", WAIT);
    let file = format!("/tmp/mosh-ffi-paste-{}", std::process::id());
    type_line(
        &session,
        &format!("stty -echo; cat > {file}; stty echo; wc -c < {file}; rm {file}"),
    );
    std::thread::sleep(Duration::from_millis(500));
    let dead = Impairment {
        loss: 1.0,
        ..Impairment::NONE
    };
    proxy.handle.set_up(dead);
    proxy.handle.set_down(dead);
    // 5 MiB in lines of 64 bytes, then Ctrl-D at the start of a line.
    let line = format!("{}\n", "p".repeat(63));
    session.paste(line.repeat((5 << 20) / 64)).unwrap();
    session.send_input(vec![0x04]).unwrap();
    std::thread::sleep(Duration::from_secs(2));
    proxy.handle.set_up(Impairment::NONE);
    proxy.handle.set_down(Impairment::NONE);
    wait_for_text(&session, "5242880", Duration::from_secs(90));
}

/// Types `text` a key every 30 ms: about a datagram per key. Stops if the session
/// ended (a stale restore may end as out of sync at the server's first reply; the
/// callers check what they need on the screen or the relay).
fn type_slowly(session: &Session, text: &str) {
    for byte in text.bytes() {
        if session.send_input(vec![byte]).is_err() {
            return;
        }
        std::thread::sleep(Duration::from_millis(30));
    }
}

#[test]
fn a_thousand_calls_from_eight_threads() {
    let server = our_server();
    let session = connect(
        config("127.0.0.1", server.port, &server.key),
        Arc::new(Recorder::default()),
    )
    .unwrap();
    wait_for_text(&session, "$", WAIT);
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let session = session.clone();
            std::thread::spawn(move || {
                for i in 0..125 {
                    match (t + i) % 6 {
                        0 => session.send_input(b"".to_vec()).unwrap(),
                        1 => assert!(!session.screen().rows.is_empty()),
                        2 => {
                            let _ = session.status();
                        }
                        3 => session.resize(80 + (i % 3) as u16, 24).unwrap(),
                        4 => assert!(!wait(session.snapshot()).unwrap().state.is_empty()),
                        _ => session.network_changed().unwrap(),
                    }
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().expect("no call panicked");
    }
    session.resize(80, 24).unwrap();
    type_line(&session, "echo still''here");
    wait_for_text(&session, "stillhere", WAIT);
}

/// Panics, throws, or sleeps on every event, and counts them.
struct Misbehaving {
    mode: u8,
    calls: AtomicUsize,
}

impl SessionListener for Misbehaving {
    fn on_event(&self, _event: Event) -> Result<(), ListenerError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        match self.mode {
            0 => panic!("listener panics"),
            1 => Err(ListenerError::Failed {
                detail: "listener throws".into(),
            }),
            _ => {
                std::thread::sleep(Duration::from_millis(250));
                Ok(())
            }
        }
    }
}

#[test]
fn listeners_that_panic_throw_or_lag_do_not_end_the_session() {
    for mode in 0..3 {
        // A server each: a second fresh connect under one key starts its sequence
        // numbers where the first one did, which the server ignores.
        let server = our_server();
        let listener = Arc::new(Misbehaving {
            mode,
            calls: AtomicUsize::new(0),
        });
        let session = connect(
            config("127.0.0.1", server.port, &server.key),
            listener.clone(),
        )
        .unwrap();
        wait_for_text(&session, "$", WAIT);
        // Many screens in a few seconds: a lagging listener gets them coalesced.
        type_line(&session, "seq 1 3000");
        wait_for_text(&session, "3000", WAIT);
        type_line(&session, &format!("echo mode''{mode}"));
        wait_for_text(&session, &format!("mode{mode}"), WAIT);
        let calls = listener.calls.load(Ordering::SeqCst);
        assert!(calls > 0, "the listener was called");
        if mode == 2 {
            println!("lagging listener: {calls} calls for the whole seq 1 3000");
            assert!(
                calls < 60,
                "a lagging listener got {calls} events: not coalesced"
            );
        }
        drop(session);
    }
}

#[test]
fn confirmed_text_leaves_out_local_echo_and_the_notification_bar() {
    let server = our_server();
    let link = Impairment {
        delay: Duration::from_millis(250),
        ..Impairment::NONE
    };
    let proxy = ProxyThread::in_front_of(server.port, link, 41);
    let mut settings = config("127.0.0.1", proxy.addr.port(), &server.key);
    settings.options.prediction = mosh_ffi::PredictionMode::Always;
    let session = connect(settings, Arc::new(Recorder::default())).unwrap();
    wait_for_text(&session, "$", WAIT);
    let confirmed = |session: &Session| session.confirmed_text().join("\n");
    assert!(confirmed(&session).contains('$'));
    // Once the server has confirmed a guess, a key shows at once as local echo;
    // the server's echo is 500 ms away.
    session.send_input(b"echo ".to_vec()).unwrap();
    let deadline = Instant::now() + WAIT;
    while !confirmed(&session).contains("echo") {
        assert!(Instant::now() < deadline, "no echo");
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(100));
    session.send_input(b"Q".to_vec()).unwrap();
    wait_for_text(&session, "Q", Duration::from_millis(200));
    assert!(
        !confirmed(&session).contains('Q'),
        "a guess in the confirmed text"
    );
    let deadline = Instant::now() + WAIT;
    while !confirmed(&session).contains('Q') {
        assert!(Instant::now() < deadline, "the server's echo never arrived");
        std::thread::sleep(Duration::from_millis(5));
    }
    // A dead link: the notification bar is drawn on the screen, not in the text.
    let dead = Impairment { loss: 1.0, ..link };
    proxy.handle.set_up(dead);
    proxy.handle.set_down(dead);
    wait_for_text(&session, "mosh: Last contact", Duration::from_secs(20));
    assert!(!confirmed(&session).contains("Last contact"));
}

#[test]
fn clipboard_writes_arrive_decoded_and_queries_do_not() {
    let server = our_server();
    let (session, recorder) = connect_at_prompt("127.0.0.1", server.port, &server.key);
    // A query first (never answered, no event), then a write of "é copied".
    type_line(
        &session,
        "printf '\\033]52;c;?\\007'; printf '\\033]52;c;w6kgY29waWVk\\007'; echo sent",
    );
    let event = recorder.wait_for("a clipboard write", WAIT, |e| {
        matches!(e, Event::Clipboard { .. })
    });
    assert_eq!(
        event,
        Event::Clipboard {
            selection: "c".into(),
            bytes: "é copied".as_bytes().to_vec()
        }
    );
    wait_for_text(&session, "sent", WAIT);
    session.shutdown();
}

#[test]
fn screen_update_returns_only_the_rows_asked_for_as_screen_shows_them() {
    let server = our_server();
    let (session, _recorder) = connect_at_prompt("127.0.0.1", server.port, &server.key);
    type_line(
        &session,
        "printf '\\033[1;31mred\\033[m plain\\n'; echo up''date",
    );
    wait_for_text(&session, "update", WAIT);
    let full = session.screen();
    let update = session.screen_update(vec![0, 1, 2, 500]);
    assert_eq!(update.columns, full.columns);
    assert_eq!(update.cursor, full.cursor);
    assert_eq!(update.modes, full.modes);
    let indices: Vec<u16> = update.rows.iter().map(|r| r.index).collect();
    assert_eq!(indices, vec![0, 1, 2], "row 500 does not exist");
    for numbered in &update.rows {
        assert_eq!(numbered.row, full.rows[usize::from(numbered.index)]);
    }
    assert!(
        update
            .rows
            .iter()
            .any(|r| r.row.text().starts_with("red plain"))
    );
    session.shutdown();
}

#[test]
fn without_the_bar_the_status_says_what_it_would_show() {
    let server = our_server();
    let proxy = ProxyThread::in_front_of(server.port, Impairment::NONE, 43);
    let mut settings = config("127.0.0.1", proxy.addr.port(), &server.key);
    settings.options.notification_bar = false;
    let recorder = Arc::new(Recorder::default());
    let session = connect(settings, recorder.clone()).unwrap();
    wait_for_text(&session, "$", WAIT);
    // Output that keeps the server heard while nothing typed reaches it.
    type_line(&session, "while :; do date +%s%N; sleep 0.3; done");
    std::thread::sleep(Duration::from_secs(1));
    let status = session.status();
    assert!(
        status.last_reply_ms.is_some_and(|ms| ms < 5_000),
        "{status:?}"
    );
    assert_eq!(status.input_dropped_bytes, 0);
    proxy.handle.set_up(Impairment {
        loss: 1.0,
        ..Impairment::NONE
    });
    session.send_input(b"abc".to_vec()).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        session.status().input_waiting >= 3,
        "{:?}",
        session.status()
    );
    // Stock's bar would say "Last reply 10 seconds ago": the status says it, with an
    // event, and the top row stays the program's.
    let event = recorder.wait_for(
        "a late reply",
        Duration::from_secs(20),
        |e| matches!(e, Event::StatusChanged { status } if status.last_reply_ms > Some(10_000)),
    );
    let Event::StatusChanged { status } = event else {
        unreachable!()
    };
    assert_eq!(status.state, ConnectionState::Connected, "{status:?}");
    assert!(status.input_waiting >= 3, "{status:?}");
    let top = session.screen().rows[0].text();
    assert!(!top.starts_with("mosh:"), "the bar was drawn: {top}");
    // More input than may wait is refused: counted, announced, and send_input
    // itself does not fail.
    session.send_input(vec![b'x'; 64 << 20]).unwrap();
    session.send_input(vec![b'y'; 128 << 10]).unwrap();
    let event = recorder.wait_for(
        "dropped input",
        WAIT,
        |e| matches!(e, Event::StatusChanged { status } if status.input_dropped_bytes > 0),
    );
    let Event::StatusChanged { status } = event else {
        unreachable!()
    };
    assert_eq!(status.input_dropped_bytes, 128 << 10, "{status:?}");
    assert!(!session.screen().rows[0].text().starts_with("mosh:"));
}
