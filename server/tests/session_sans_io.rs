//! The server session without sockets or clocks: a client transport and a
//! [`ServerSession`] exchange datagrams in virtual time, so timeouts of a minute
//! take no time and every decision is checked exactly.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use mosh_core::crypto::{SessionCipher, SessionKey};
use mosh_core::protocol::proto::WindowSize;
use mosh_core::protocol::ssp::{Transport, UserStream};
use mosh_core::session::server::FIRST_CLIENT_TIMEOUT;
use mosh_core::session::{ServerExit, ServerSession, ServerTimeouts, TerminalState};

const MS: Duration = Duration::from_millis(1);

fn client_addr() -> SocketAddr {
    "127.0.0.1:40000".parse().unwrap()
}

fn server_addr() -> SocketAddr {
    "127.0.0.1:60001".parse().unwrap()
}

/// A client transport and a server session joined by a perfect, instant link.
struct Pair {
    now: Instant,
    client: Transport<UserStream, TerminalState>,
    server: ServerSession,
    /// Datagrams the server sent, in order (for replays).
    server_bound: Vec<Vec<u8>>,
    /// While false, the client neither sends nor hears anything (it is stopped).
    client_alive: bool,
    /// Where the server sees the client's datagrams come from.
    client_from: SocketAddr,
    /// Where the server sent its latest datagram.
    last_destination: Option<SocketAddr>,
}

impl Pair {
    fn new(timeouts: ServerTimeouts) -> Pair {
        let key = SessionKey::from_bytes([7; 16]);
        let cipher = Arc::new(SessionCipher::new(&key));
        let now = Instant::now();
        let client = Transport::client(
            cipher.clone(),
            UserStream::new(),
            TerminalState::blank(80, 24),
            server_addr(),
            now,
        );
        let server = ServerSession::new(cipher, 80, 24, timeouts, now);
        Pair {
            now,
            client,
            server,
            server_bound: Vec::new(),
            client_alive: true,
            client_from: client_addr(),
            last_destination: None,
        }
    }

    /// Moves every datagram that is due now across the link, both ways, until quiet.
    fn exchange(&mut self) {
        loop {
            let mut moved = false;
            if self.client_alive {
                while let Some(t) = self.client.poll_transmit(self.now).unwrap() {
                    self.server_bound.push(t.payload.clone());
                    let _ = self
                        .server
                        .handle_datagram(self.now, &t.payload, self.client_from);
                    moved = true;
                }
            }
            while let Some(t) = self.server.poll_transmit(self.now).unwrap() {
                self.last_destination = Some(t.destination);
                if self.client_alive {
                    let _ =
                        self.client
                            .handle_datagram(self.now, &t.payload, server_addr(), t.socket);
                }
                moved = true;
            }
            if !moved {
                return;
            }
        }
    }

    /// Runs the link for `length` of virtual time, waking at every timer.
    fn run_for(&mut self, length: Duration) {
        let end = self.now + length;
        loop {
            self.exchange();
            let mut next = end;
            if let Some(t) = self.server.poll_timeout() {
                next = next.min(t);
            }
            if self.client_alive
                && let Some(t) = self.client.poll_timeout()
            {
                next = next.min(t);
            }
            self.now = next.max(self.now + MS).min(end);
            if self.now >= end {
                self.exchange();
                return;
            }
        }
    }

    /// Steps a millisecond at a time until `done` holds (at most a second).
    fn run_until(&mut self, mut done: impl FnMut(&mut ServerSession) -> bool) {
        for _ in 0..1000 {
            self.run_for(MS);
            if done(&mut self.server) {
                return;
            }
        }
        panic!("condition not met within a second");
    }

    /// The client types `keys`; runs until the server writes something to the pty,
    /// and returns what it wrote.
    fn type_until_the_pty_has_it(&mut self, keys: &[u8]) -> Vec<u8> {
        self.client.current_mut().push_keys(keys);
        let mut input = Vec::new();
        self.run_until(|server| {
            input.extend(server.take_pty_input());
            !input.is_empty()
        });
        input
    }

    fn attach(&mut self) {
        self.client.current_mut().push_resize(WindowSize {
            width: 80,
            height: 24,
        });
        self.run_for(200 * MS);
        assert!(self.server.has_attached());
    }
}

#[test]
fn no_client_within_a_minute_ends_the_session_at_the_minute() {
    let mut pair = Pair::new(ServerTimeouts::default());
    pair.client_alive = false;
    pair.run_for(Duration::from_secs(1));
    // Waiting for a client is sleeping, not spinning.
    assert_eq!(
        pair.server.poll_timeout(),
        Some(pair.now - Duration::from_secs(1) + FIRST_CLIENT_TIMEOUT)
    );
    pair.run_for(FIRST_CLIENT_TIMEOUT - Duration::from_secs(1) - MS);
    assert_eq!(pair.server.exit(), None);
    pair.run_for(MS);
    assert_eq!(pair.server.exit(), Some(ServerExit::NoClient));
    assert_eq!(pair.server.poll_timeout(), None);
    assert_eq!(pair.server.stats().datagrams_sent, 0, "nobody to send to");
}

#[test]
fn a_client_in_time_keeps_the_session_past_the_minute() {
    let mut pair = Pair::new(ServerTimeouts::default());
    pair.run_for(FIRST_CLIENT_TIMEOUT - 100 * MS);
    pair.attach();
    pair.run_for(Duration::from_secs(120));
    assert_eq!(pair.server.exit(), None);
}

#[test]
fn echo_ack_follows_keystrokes_after_fifty_milliseconds() {
    let mut pair = Pair::new(ServerTimeouts::default());
    pair.attach();
    let before = pair.server.transport().current().echo_ack();
    assert_eq!(pair.type_until_the_pty_has_it(b"x"), b"x");
    let typed_at = pair.now;
    let keys_num = pair.server.transport().remote_state_num();
    assert!(keys_num > before);
    assert_eq!(pair.server.transport().current().echo_ack(), before);
    // The server wakes up for the echo ack itself: no other input is needed.
    let wake = pair.server.poll_timeout().expect("a timer");
    assert!(
        wake <= typed_at + 50 * MS,
        "wakes late: {:?}",
        wake - typed_at
    );
    pair.run_for(48 * MS);
    assert_eq!(pair.server.transport().current().echo_ack(), before);
    pair.run_for(2 * MS);
    assert_eq!(pair.server.transport().current().echo_ack(), keys_num);
    pair.run_for(200 * MS);
    assert_eq!(pair.client.remote_state().echo_ack(), keys_num);
}

#[test]
fn the_echo_of_a_key_goes_a_millisecond_after_it_not_after_the_collection_delay() {
    let mut pair = Pair::new(ServerTimeouts::default());
    pair.attach();
    pair.run_for(500 * MS);
    pair.type_until_the_pty_has_it(b"x");
    let typed_at = pair.now;
    // The program echoes at once; the frame carrying it leaves 1 ms later (stock
    // waits the 8 ms collection delay).
    pair.server.pty_output(b"x");
    let sent_before = pair.server.stats().instructions_sent;
    pair.run_until(|server| server.stats().instructions_sent > sent_before);
    let took = pair.now - typed_at;
    assert!(took <= 2 * MS, "the echo left {took:?} after the key");
    assert!(
        pair.client.remote_state().framebuffer().rows()[0]
            .text()
            .starts_with('x')
    );
}

#[test]
fn consecutive_resizes_apply_only_the_last() {
    let mut pair = Pair::new(ServerTimeouts::default());
    pair.attach();
    let _ = pair.server.take_window_size();
    for (width, height) in [(100, 30), (90, 20), (120, 40)] {
        pair.client
            .current_mut()
            .push_resize(WindowSize { width, height });
    }
    let mut sizes = Vec::new();
    pair.run_until(|server| {
        sizes.extend(server.take_window_size());
        !sizes.is_empty()
    });
    pair.run_for(100 * MS);
    sizes.extend(pair.server.take_window_size());
    assert_eq!(sizes, [(120, 40)]);
    assert_eq!(pair.server.take_window_size(), None);
    let fb = pair.server.emulator().framebuffer();
    assert_eq!((fb.width(), fb.height()), (120, 40));
    pair.run_for(100 * MS);
    let fb = pair.client.remote_state().framebuffer();
    assert_eq!((fb.width(), fb.height()), (120, 40));
}

#[test]
fn keys_between_resizes_keep_both_resizes_in_order() {
    let mut pair = Pair::new(ServerTimeouts::default());
    pair.attach();
    let _ = pair.server.take_window_size();
    let stream = pair.client.current_mut();
    stream.push_resize(WindowSize {
        width: 100,
        height: 30,
    });
    stream.push_keys(b"a");
    stream.push_resize(WindowSize {
        width: 60,
        height: 10,
    });
    let mut sizes = Vec::new();
    pair.run_until(|server| {
        sizes.extend(server.take_window_size());
        !sizes.is_empty()
    });
    assert_eq!(pair.server.take_pty_input(), b"a");
    assert_eq!(sizes, [(60, 10)]);
    let fb = pair.server.emulator().framebuffer();
    assert_eq!((fb.width(), fb.height()), (60, 10));
}

#[test]
fn a_zero_size_resize_never_reaches_the_pty_or_the_screen_and_later_keys_do() {
    let mut pair = Pair::new(ServerTimeouts::default());
    pair.attach();
    let _ = pair.server.take_window_size();
    pair.client.current_mut().push_resize(WindowSize {
        width: 0,
        height: 0,
    });
    pair.client.current_mut().push_keys(b"after");
    pair.run_for(300 * MS);
    assert_eq!(pair.server.take_window_size(), None, "no 0×0 for the pty");
    let fb = pair.server.emulator().framebuffer();
    assert_eq!((fb.width(), fb.height()), (80, 24));
    assert_eq!(pair.server.exit(), None);
    // The state with the resize was taken (not refused as a bad diff), so the keys
    // after it arrive.
    assert_eq!(pair.server.stats().states.bad_diffs, 0);
    assert_eq!(pair.server.take_pty_input(), b"after");
}

#[test]
fn program_exit_with_a_client_ends_acknowledged() {
    let mut pair = Pair::new(ServerTimeouts::default());
    pair.attach();
    pair.server.pty_output(b"bye\r\n");
    pair.server.program_exited(pair.now);
    pair.run_for(Duration::from_secs(1));
    assert_eq!(pair.server.exit(), Some(ServerExit::ShutdownAcknowledged));
    let first_row: String = pair.client.remote_state().framebuffer().rows()[0]
        .cells()
        .map(|c| c.text())
        .collect();
    assert!(first_row.starts_with("bye"), "final screen: {first_row:?}");
}

#[test]
fn program_exit_before_any_client_ends_at_once() {
    let mut pair = Pair::new(ServerTimeouts::default());
    pair.client_alive = false;
    pair.server.program_exited(pair.now);
    assert_eq!(
        pair.server.exit(),
        Some(ServerExit::ProgramExitedUnattached)
    );
}

#[test]
fn a_client_shutdown_is_acknowledged_and_ends_the_session() {
    let mut pair = Pair::new(ServerTimeouts::default());
    pair.attach();
    pair.client.start_shutdown(pair.now);
    pair.run_for(Duration::from_secs(1));
    assert_eq!(pair.server.exit(), Some(ServerExit::ClientShutDown));
    assert!(pair.client.shutdown_acknowledged());
}

#[test]
fn terminate_with_a_vanished_client_gives_up_within_ten_seconds() {
    let mut pair = Pair::new(ServerTimeouts::default());
    pair.attach();
    pair.client_alive = false;
    pair.server.terminate(pair.now);
    pair.run_for(Duration::from_secs(11));
    assert_eq!(pair.server.exit(), Some(ServerExit::ShutdownTimedOut));
}

#[test]
fn network_timeout_ends_a_session_whose_client_went_silent() {
    // Above the client's 3 s heartbeat: below it, idle live clients would time out.
    let limit = Duration::from_secs(4);
    let mut pair = Pair::new(ServerTimeouts {
        network: Some(limit),
        signal: None,
    });
    pair.attach();
    // An idle but live client never times out: it heartbeats every 3 s.
    pair.run_for(Duration::from_secs(10));
    assert_eq!(pair.server.exit(), None);
    pair.client_alive = false;
    let silent_since = pair.server.transport().last_new_remote_state().unwrap();
    pair.run_for(limit - (pair.now - silent_since) - MS);
    assert_eq!(pair.server.exit(), None);
    pair.run_for(100 * MS);
    assert_eq!(pair.server.exit(), Some(ServerExit::ShutdownTimedOut));
}

#[test]
fn the_largest_network_timeout_does_not_overflow() {
    // MOSH_SERVER_NETWORK_TMOUT=18446744073709551615: effectively never.
    let mut pair = Pair::new(ServerTimeouts {
        network: Some(Duration::from_secs(u64::MAX)),
        signal: Some(Duration::from_secs(u64::MAX)),
    });
    pair.attach();
    pair.client_alive = false;
    pair.run_for(Duration::from_secs(30));
    assert_eq!(pair.server.exit(), None);
}

#[test]
fn sigusr1_without_a_signal_timeout_always_ends_the_session() {
    let mut pair = Pair::new(ServerTimeouts::default());
    pair.attach();
    assert!(pair.server.user_signal(pair.now));
    pair.run_for(Duration::from_secs(1));
    assert_eq!(pair.server.exit(), Some(ServerExit::ShutdownAcknowledged));
}

#[test]
fn sigusr1_with_a_signal_timeout_only_ends_an_idle_session() {
    let mut pair = Pair::new(ServerTimeouts {
        network: None,
        signal: Some(Duration::from_secs(5)),
    });
    pair.attach();
    assert!(!pair.server.user_signal(pair.now), "client just spoke");
    pair.run_for(Duration::from_secs(1));
    assert_eq!(pair.server.exit(), None);
    pair.client_alive = false;
    pair.run_for(Duration::from_secs(3));
    assert!(
        !pair.server.user_signal(pair.now),
        "silent for less than 5 s"
    );
    pair.run_for(Duration::from_secs(3));
    assert!(pair.server.user_signal(pair.now), "silent for over 5 s");
    pair.run_for(Duration::from_secs(11));
    assert_eq!(pair.server.exit(), Some(ServerExit::ShutdownTimedOut));
}

#[test]
fn garbage_wrong_keys_and_replays_are_dropped_and_counted() {
    let mut pair = Pair::new(ServerTimeouts::default());
    pair.attach();
    pair.client.current_mut().push_keys(b"once");
    pair.run_for(100 * MS);
    assert_eq!(pair.server.take_pty_input(), b"once");
    let before = pair.server.stats();

    // Random bytes of every length class: too short, plausible, too long.
    let mut rng = mosh_netem::impairment::Rng::new(3);
    let mut garbage =
        |len: usize| -> Vec<u8> { (0..len).map(|_| (rng.unit() * 256.0) as u8).collect() };
    for len in [0, 5, 23, 24, 100, 1000, 2048, 2049, 9000] {
        let bytes = garbage(len);
        assert!(
            pair.server
                .handle_datagram(pair.now, &bytes, client_addr())
                .is_err()
        );
    }
    // A well-formed client of another session.
    let other_key = SessionKey::from_bytes([8; 16]);
    let mut stranger: Transport<UserStream, TerminalState> = Transport::client(
        Arc::new(SessionCipher::new(&other_key)),
        UserStream::new(),
        TerminalState::blank(80, 24),
        server_addr(),
        pair.now,
    );
    stranger.current_mut().push_keys(b"rm -rf /\r");
    let evil: SocketAddr = "127.0.0.9:666".parse().unwrap();
    let mut wrong_key = 0;
    while let Some(t) = stranger.poll_transmit(pair.now).unwrap() {
        assert!(
            pair.server
                .handle_datagram(pair.now, &t.payload, evil)
                .is_err()
        );
        wrong_key += 1;
    }
    // Replays of everything the real client sent, from another address.
    let replays = pair.server_bound.clone();
    for datagram in &replays {
        let _ = pair.server.handle_datagram(pair.now, datagram, evil);
    }

    let after = pair.server.stats();
    assert_eq!(pair.server.take_pty_input(), b"", "nothing reached the pty");
    assert_eq!(
        pair.server.transport().remote_address(),
        Some(client_addr()),
        "no forged or replayed datagram moves the session"
    );
    let dropped = |s: mosh_core::protocol::ssp::TransportStats| {
        s.datagrams.bad_length + s.datagrams.unauthentic
    };
    assert!(
        dropped(after) >= dropped(before) + 7 + wrong_key,
        "before {before:?} after {after:?}"
    );
    assert_eq!(after.datagrams.bad_length - before.datagrams.bad_length, 5);
    assert!(
        after.datagrams.late > before.datagrams.late,
        "replays counted late"
    );
    assert_eq!(after.states.newest, before.states.newest);

    // The real client is unaffected.
    pair.client.current_mut().push_keys(b"again");
    pair.run_for(100 * MS);
    assert_eq!(pair.server.take_pty_input(), b"again");
}

#[test]
fn the_server_follows_the_client_across_address_families() {
    let mut pair = Pair::new(ServerTimeouts::default());
    // A dual-stack socket reports IPv4 clients as mapped IPv6 addresses.
    let mapped: SocketAddr = "[::ffff:127.0.0.1]:40000".parse().unwrap();
    let v6: SocketAddr = "[::1]:40001".parse().unwrap();
    pair.client_from = mapped;
    pair.attach();
    assert_eq!(pair.server.transport().remote_address(), Some(mapped));
    assert_eq!(pair.last_destination, Some(mapped));

    pair.client_from = v6;
    pair.client.current_mut().push_keys(b"moved");
    pair.run_for(200 * MS);
    assert_eq!(pair.server.take_pty_input(), b"moved");
    assert_eq!(pair.server.transport().remote_address(), Some(v6));
    assert_eq!(
        pair.last_destination,
        Some(v6),
        "replies go to the new address"
    );

    // A replay of an old datagram from the old address does not pull it back.
    let old = pair.server_bound[0].clone();
    let _ = pair.server.handle_datagram(pair.now, &old, mapped);
    assert_eq!(pair.server.transport().remote_address(), Some(v6));
}

#[test]
fn a_screen_too_large_to_send_in_colour_goes_plain_and_the_session_lives() {
    let mut pair = Pair::new(ServerTimeouts::default());
    pair.attach();
    // The widest window there is (its height is cut to the cell limit: 4096×128).
    pair.client.current_mut().push_resize(WindowSize {
        width: 4096,
        height: 1100,
    });
    pair.run_for(200 * MS);
    // 4.5 MB of output, every character in a true colour of its own: a repaint of
    // the whole screen needs about 20 bytes a cell, some 10 MB, over the 4 MiB limit.
    let mut output = Vec::new();
    let mut i: u32 = 0;
    while output.len() < 4_500_000 {
        let c = char::from(b'a' + (i % 26) as u8);
        output.extend_from_slice(
            format!("\x1b[38;2;{};{};{}m{c}", i % 251, i % 241, i % 239).as_bytes(),
        );
        i += 1;
    }
    output.extend_from_slice(b"\x1b[0m\r\nend of output");
    pair.server.pty_output(&output);
    // Every poll goes through without an error (the pair's exchange unwraps them).
    pair.run_for(Duration::from_secs(3));
    assert!(pair.server.exit().is_none(), "the session must go on");
    let screen = pair.client.remote_state().framebuffer();
    assert_eq!((screen.width(), screen.height()), (4096, 128));
    let last_rows: Vec<String> = screen.rows().iter().map(|row| row.text()).collect();
    assert!(
        last_rows.iter().any(|row| row.starts_with("end of output")),
        "the client shows the screen (plain)"
    );
    // Colours come back once the screen can be sent whole again.
    pair.server
        .pty_output(b"\x1b[2J\x1b[H\x1b[31mred again\x1b[0m");
    pair.run_for(Duration::from_secs(6));
    let screen = pair.client.remote_state().framebuffer();
    assert_eq!(screen.rows()[0].text(), "red again");
    assert_ne!(
        screen.cell(0, 0).unwrap().rendition(),
        mosh_core::terminal::Cell::default().rendition(),
        "in colour again"
    );
}

#[test]
fn wide_colourful_history_goes_in_parts_within_the_instruction_limit() {
    let mut pair = Pair::new(ServerTimeouts::default());
    pair.client.current_mut().push_scrollback_capability(
        mosh_core::protocol::proto::scrollback::Announcement {
            version: 1,
            lines: None,
        },
    );
    pair.attach();
    pair.client.current_mut().push_resize(WindowSize {
        width: 4096,
        height: 8,
    });
    pair.run_for(200 * MS);
    // 100 full-width lines, every character in a true colour of its own: about 65 KB
    // each in the history, some 6 MB together, over the 4 MiB instruction limit. In
    // one diff they were too large to send: states went plain, history paused, and
    // every retry was too large again.
    let mut output = Vec::new();
    for line in 0..100u32 {
        for column in 0..4096u32 {
            let i = line * 4096 + column;
            let c = char::from(b'a' + (i % 26) as u8);
            output.extend_from_slice(
                format!("\x1b[38;2;{};{};{}m{c}", i % 251, i % 241, i % 239).as_bytes(),
            );
        }
        output.extend_from_slice(b"\x1b[0m\r\n");
    }
    output.extend_from_slice(b"\x1b[31mend of output\x1b[0m");
    pair.server.pty_output(&output);
    let scrolled = 100 - 7;
    pair.run_for(Duration::from_secs(2));
    let client_state = pair.client.remote_state();
    assert_eq!(
        client_state.scrollback().end(),
        scrolled,
        "every line reached the client's history"
    );
    let screen = client_state.framebuffer();
    let bottom = screen.rows().last().unwrap();
    assert_eq!(bottom.text(), "end of output");
    assert_ne!(
        screen.cell(7, 0).unwrap().rendition(),
        mosh_core::terminal::Cell::default().rendition(),
        "the screen stayed in colour (states never went plain)"
    );
}

/// An attached pair whose client announced the scrollback extension, keeping `keep` lines.
fn pair_keeping(keep: u32) -> Pair {
    let mut pair = Pair::new(ServerTimeouts::default());
    pair.client.current_mut().push_scrollback_capability(
        mosh_core::protocol::proto::scrollback::Announcement {
            version: 3,
            lines: Some(keep),
        },
    );
    pair.attach();
    pair
}

/// Output of the lines `numbers`, one number per line.
fn numbered_lines(numbers: std::ops::RangeInclusive<u32>) -> Vec<u8> {
    numbers
        .flat_map(|n| format!("{n}\r\n").into_bytes())
        .collect()
}

#[test]
fn a_burst_sends_the_screen_first_and_only_the_newest_history_after_it() {
    let mut pair = pair_keeping(1000);
    // A flood: 30,000 lines in 20 writes, 10 ms apart: each write scrolls off more
    // lines than the client keeps, so the history waits for the burst to end and
    // only the screen follows the output.
    for write in 0..20 {
        pair.server
            .pty_output(&numbered_lines(write * 1500 + 1..=(write + 1) * 1500));
        pair.run_for(10 * MS);
        let history = pair.client.remote_state().scrollback().end();
        assert_eq!(history, 0, "history during the burst (write {write})");
    }
    // The screen first: the end of the burst shows before any history is sent.
    pair.run_for(60 * MS);
    let client_state = pair.client.remote_state();
    assert_eq!(client_state.framebuffer().rows()[22].text(), "30000");
    assert_eq!(client_state.scrollback().end(), 0);
    // The output paused: the newest 1,000 lines (all the client keeps) follow, and
    // none older; the jump is the client's gap.
    pair.run_for(Duration::from_secs(1));
    let client_state = pair.client.remote_state();
    let (first, delivered) = client_state.scrollback().delivered();
    let end = client_state.scrollback().end();
    assert_eq!(end, 30_000 - 23, "every line that scrolled off is counted");
    assert!(
        first >= end - 1000,
        "a line older than the newest 1,000: {first}"
    );
    assert_eq!(
        delivered.last().map(|row| row.text()),
        Some((end).to_string())
    );
}

#[test]
fn steady_output_streams_its_history_as_it_comes() {
    let mut pair = pair_keeping(10_000);
    // A busy log: 30 lines every 100 ms (300 a second, slower than a burst).
    let mut line = 0u32;
    for _ in 0..30 {
        let mut output = Vec::new();
        for _ in 0..30 {
            line += 1;
            output.extend_from_slice(format!("log line {line}\r\n").as_bytes());
        }
        pair.server.pty_output(&output);
        pair.run_for(100 * MS);
    }
    // Nearly all of it is in the client's history while the output still runs.
    let history = pair.client.remote_state().scrollback().end();
    assert!(history + 60 >= u64::from(line) - 23, "{history} of {line}");
}

#[test]
fn a_program_that_exits_during_a_burst_sends_no_busy_wakeups() {
    let mut pair = pair_keeping(1000);
    pair.server.pty_output(&numbered_lines(1..=5000));
    pair.run_for(20 * MS);
    pair.server.program_exited(pair.now);
    // No timer fires in the past over and over while the shutdown waits for a client
    // that does not answer (a phone asleep).
    pair.client_alive = false;
    for _ in 0..200 {
        pair.now += MS;
        while pair.server.poll_transmit(pair.now).unwrap().is_some() {}
        if let Some(wake) = pair.server.poll_timeout() {
            assert!(wake > pair.now, "a wake-up in the past during the shutdown");
        }
    }
}
