//! Our datagram layer against a real stock `mosh-server` 1.4 on loopback: every
//! instruction we send is sealed, fragmented and compressed by mosh-core and must be
//! accepted by the stock server; every reply must open and decode with mosh-core.
//! The test plays the client's SSP role by hand (state numbers chosen explicitly).

mod common;

use std::time::Duration;

use common::hand_client::HandClient;
use common::stock::{StockServer, wait_for_exit};
use common::xorshift::XorShift64;
use mosh_core::protocol::proto::{UserEvent, WindowSize};
use mosh_core::protocol::wire::MTU_IPV4;

/// Deterministic base64-alphabet text that compresses poorly (so it fragments).
fn noise(len: usize, seed: u64) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    XorShift64::new(seed).text(len, ALPHABET)
}

#[test]
fn stock_mosh_server_accepts_our_datagrams_and_we_decode_its_replies() {
    let server = StockServer::start();
    let mut client = HandClient::connect(server.port, &server.key);

    // 1. The first client state is the window size. A large window makes the
    //    server's full repaints span several fragments.
    let size = WindowSize {
        width: 200,
        height: 60,
    };
    client.send_events(&[UserEvent::Resize(size)]);
    let first_ts = client.peer.last_sent_timestamp;
    client.pump_until("the server to ack state 1", |_, i| i.ack_num >= 1);
    let reply = client
        .peer
        .last_reply
        .expect("the server echoes our timestamp");
    assert!(
        reply.wrapping_sub(first_ts) < 1000,
        "echo {reply} of our timestamp {first_ts} (it is advanced by the hold time)"
    );

    // 2. Keystrokes: a command whose output differs from its echo.
    client.send_events(&[UserEvent::Keys(b"echo in''terop-ok\r".to_vec())]);
    client.pump_until("the command output", |c, _| c.saw("interop-ok\r\n"));

    // 3. A paste large enough that our instruction needs three fragments.
    let blob = noise(3500, 0x9E37_79B9_7F4A_7C15);
    let paste = format!("echo {blob} | wc -c | sed s/^/len=/\r");
    let sent = client.send_events(&[UserEvent::Keys(paste.into_bytes())]);
    assert!(sent >= 3, "paste went out in {sent} datagrams");
    client.pump_until("the paste's length", |c, _| c.saw("len=3501"));

    // The server's screen now holds the 3500 echoed characters: its diffs of that
    // screen span several fragments, which we must reassemble.
    assert!(
        client.peer.fragmented_instructions > 0,
        "no multi-fragment server state"
    );
    assert!(
        client.peer.largest_datagram <= MTU_IPV4,
        "{}",
        client.peer.largest_datagram
    );

    // 4. Client-initiated shutdown: new_num = u64 max until acknowledged.
    let stats = client.peer.stats();
    client.send_shutdown();
    client.pump_until("the shutdown acknowledgement", |_, i| i.acks_shutdown());
    assert!(
        wait_for_exit(server.pid, Duration::from_secs(5)),
        "stock server still running after acknowledging our shutdown"
    );
    assert_eq!(
        stats.unauthentic + stats.wrong_direction + stats.malformed,
        0
    );
    assert_eq!(stats.rejected_instructions, 0);
}
