//! Input reaches our server promptly while its program floods the pty. The daemon's
//! loop must read the socket between chunks of output: a loop that always finds
//! output ready never lets its runtime poll the socket, and a keystroke (a Ctrl-C
//! through `seq 999999999`) then waited 20–180 ms in the socket buffer.
//!
//! A client driven by hand on a real UDP socket keeps acknowledging the flood's
//! frames and types a key every 100 ms; each key's wait is from its datagram leaving
//! to the first server datagram that acknowledges it.

mod common;

use std::time::{Duration, Instant};

use common::{HandClient, start_our_server_running};

const KEYS: usize = 30;

#[test]
fn keys_are_acknowledged_promptly_through_a_flood() {
    let server = start_our_server_running("exec seq 999999999");
    let mut client = HandClient::new(server.port, &server.key, Duration::from_millis(1));
    let start = Instant::now();
    let mut frames = 0usize;
    let mut waits = Vec::new();
    // (state number, when its datagram left) of the key not yet acknowledged.
    let mut pending: Option<(u64, Instant)> = None;
    let mut key_typed = false;
    let mut next_key = start + Duration::from_secs(1);
    while waits.len() < KEYS {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "only {} of {KEYS} keys acknowledged ({frames} frames received)",
            waits.len()
        );
        if client.receive_one() {
            frames += 1;
        }
        let now = Instant::now();
        if let Some((num, sent)) = pending
            && client.transport.acknowledged_num() >= num
        {
            waits.push(now - sent);
            pending = None;
        }
        if pending.is_none() && !key_typed && now >= next_key && frames > 50 {
            client.transport.current_mut().push_keys(b"x");
            key_typed = true;
            next_key = now + Duration::from_millis(100);
        }
        let before = client.transport.last_sent_state_num();
        client.send_due();
        let sent = client.transport.last_sent_state_num();
        if key_typed && sent > before {
            pending = Some((sent, now));
            key_typed = false;
        }
    }
    waits.sort();
    let median = waits[KEYS / 2];
    // The server answers input after its 8 ms collection delay: measured 9.6 ms.
    // With the starved socket the median was 120–140 ms (three runs).
    assert!(
        median < Duration::from_millis(50),
        "median wait for an acknowledgement {median:?}; all: {waits:?}"
    );
}
