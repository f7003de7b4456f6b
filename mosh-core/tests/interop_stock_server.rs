//! Our datagram layer against a real stock `mosh-server` 1.4 on loopback: every
//! instruction we send is sealed, fragmented and compressed by mosh-core and must be
//! accepted by the stock server; every reply must open and decode with mosh-core.
//! The test plays the client's SSP role by hand (state numbers chosen explicitly).

mod common;

use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use common::stock::{StockServer, wait_for_exit};
use common::udp_peer::UdpPeer;
use common::xorshift::XorShift64;
use mosh_core::crypto::Role;
use mosh_core::protocol::proto::instruction::random_chaff;
use mosh_core::protocol::proto::{
    HostEvent, HostMessage, Instruction, PROTOCOL_VERSION, SHUTDOWN_STATE_NUM, UserEvent,
    UserMessage, WindowSize,
};
use mosh_core::protocol::wire::MTU_IPV4;
use prost::Message;

/// The client side of the conversation: our user-stream numbering and what we
/// have heard from the server.
struct Client {
    peer: UdpPeer,
    /// Newest user-stream state we have sent.
    sent_num: u64,
    /// Newest server state number received.
    server_num: u64,
    /// Every hostbytes string received, in order.
    host_output: Vec<u8>,
    /// Once set, every send repeats the shutdown instruction.
    shutting_down: bool,
}

impl Client {
    fn instruction(&self, old_num: u64, new_num: u64, events: &[UserEvent]) -> Instruction {
        Instruction {
            protocol_version: PROTOCOL_VERSION,
            old_num,
            new_num,
            ack_num: self.server_num,
            throwaway_num: old_num,
            diff: if events.is_empty() {
                Vec::new()
            } else {
                UserMessage::from_events(events).encode_to_vec()
            },
            chaff: random_chaff().unwrap(),
        }
    }

    /// Sends the next user-stream state (the diff from our previous state).
    fn send_events(&mut self, events: &[UserEvent]) -> usize {
        if self.shutting_down {
            let shutdown = self.instruction(self.sent_num, SHUTDOWN_STATE_NUM, &[]);
            return self.peer.send(&shutdown);
        }
        let instruction = self.instruction(self.sent_num, self.sent_num + 1, events);
        self.sent_num += 1;
        self.peer.send(&instruction)
    }

    fn take(&mut self, instruction: &Instruction) {
        if instruction.new_num != SHUTDOWN_STATE_NUM {
            self.server_num = self.server_num.max(instruction.new_num);
        }
        let events = HostMessage::decode_events(&instruction.diff).expect("stock HostMessage");
        for event in events {
            if let HostEvent::HostBytes(bytes) = event {
                self.host_output.extend_from_slice(&bytes);
            }
        }
    }

    /// Receives until `done` holds, acking new server states as a client would.
    fn pump_until(&mut self, what: &str, mut done: impl FnMut(&Client, &Instruction) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            let Some(instruction) = self.peer.recv(Duration::from_millis(300)) else {
                // Nothing heard: send an empty ack as a heartbeat so the server
                // keeps talking (and retransmits if it lost anything).
                self.send_events(&[]);
                continue;
            };
            self.take(&instruction);
            if done(self, &instruction) {
                return;
            }
            if !instruction.diff.is_empty() {
                self.send_events(&[]);
            }
        }
        panic!(
            "timed out waiting for {what}; host output so far: {:?}",
            String::from_utf8_lossy(&self.host_output)
        );
    }

    fn output_contains(&self, needle: &str) -> bool {
        self.host_output
            .windows(needle.len())
            .any(|window| window == needle.as_bytes())
    }
}

/// Deterministic base64-alphabet text that compresses poorly (so it fragments).
fn noise(len: usize, seed: u64) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    XorShift64::new(seed).text(len, ALPHABET)
}

#[test]
fn stock_mosh_server_accepts_our_datagrams_and_we_decode_its_replies() {
    let server = StockServer::start();
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let remote: SocketAddr = format!("127.0.0.1:{}", server.port).parse().unwrap();
    let mut client = Client {
        peer: UdpPeer::new(socket, Some(remote), &server.key, Role::Client),
        sent_num: 0,
        server_num: 0,
        host_output: Vec::new(),
        shutting_down: false,
    };

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
    client.pump_until("the command output", |c, _| {
        c.output_contains("interop-ok\r\n")
    });

    // 3. A paste large enough that our instruction needs three fragments.
    let blob = noise(3500, 0x9E37_79B9_7F4A_7C15);
    let paste = format!("echo {blob} | wc -c | sed s/^/len=/\r");
    let sent = client.send_events(&[UserEvent::Keys(paste.into_bytes())]);
    assert!(sent >= 3, "paste went out in {sent} datagrams");
    client.pump_until("the paste's length", |c, _| c.output_contains("len=3501"));

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
    client.shutting_down = true;
    client.send_events(&[]);
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
