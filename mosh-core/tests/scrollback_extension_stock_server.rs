//! The encoding `docs/scrollback-extension.md` chose for the client's announcement,
//! tried on the stock `mosh-server` (Debian's mosh 1.4) over real UDP: a user-stream
//! `Instruction` carrying only an unknown field (20, the capability), alone and next
//! to a resize or keystroke, must be ignored: the server acknowledges the states,
//! runs what is typed afterwards, and ends cleanly when asked.

mod common;

use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use common::stock::{StockServer, process_alive, wait_for_exit};
use common::udp_peer::UdpPeer;
use mosh_core::crypto::Role;
use mosh_core::protocol::proto::instruction::random_chaff;
use mosh_core::protocol::proto::{
    HostEvent, HostMessage, Instruction, PROTOCOL_VERSION, SHUTDOWN_STATE_NUM, UserEvent,
    UserMessage, WindowSize,
};
use prost::Message;

/// `UserMessage.instruction` (field 1) holding an `Instruction` with only field 20
/// (the scrollback capability: a message whose field 1 is the version, 1).
const CAPABILITY_INSTRUCTION: [u8; 7] = [0x0a, 0x05, 0xa2, 0x01, 0x02, 0x08, 0x01];
/// Field 20 alone, to append inside an existing instruction.
const CAPABILITY_FIELD: [u8; 5] = [0xa2, 0x01, 0x02, 0x08, 0x01];

struct Client {
    peer: UdpPeer,
    sent_num: u64,
    server_num: u64,
    host_output: Vec<u8>,
}

impl Client {
    fn send_diff(&mut self, diff: Vec<u8>, shutdown: bool) {
        let new_num = if shutdown {
            SHUTDOWN_STATE_NUM
        } else {
            self.sent_num + 1
        };
        let instruction = Instruction {
            protocol_version: PROTOCOL_VERSION,
            old_num: self.sent_num,
            new_num,
            ack_num: self.server_num,
            throwaway_num: self.sent_num,
            diff,
            chaff: random_chaff().unwrap(),
        };
        self.peer.send(&instruction);
        if !shutdown {
            self.sent_num += 1;
        }
    }

    fn pump_until(&mut self, what: &str, done: impl Fn(&Client, &Instruction) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            let Some(instruction) = self.peer.recv(Duration::from_millis(300)) else {
                self.heartbeat();
                continue;
            };
            if instruction.new_num != SHUTDOWN_STATE_NUM {
                self.server_num = self.server_num.max(instruction.new_num);
            }
            for event in HostMessage::decode_events(&instruction.diff).unwrap() {
                if let HostEvent::HostBytes(bytes) = event {
                    self.host_output.extend_from_slice(&bytes);
                }
            }
            if done(self, &instruction) {
                return;
            }
            if !instruction.diff.is_empty() {
                self.heartbeat();
            }
        }
        panic!(
            "no {what}; output {:?}",
            String::from_utf8_lossy(&self.host_output)
        );
    }

    /// An empty diff from our newest state to itself: an ack.
    fn heartbeat(&mut self) {
        let instruction = Instruction {
            protocol_version: PROTOCOL_VERSION,
            old_num: self.sent_num,
            new_num: self.sent_num,
            ack_num: self.server_num,
            throwaway_num: self.sent_num,
            diff: Vec::new(),
            chaff: random_chaff().unwrap(),
        };
        self.peer.send(&instruction);
    }

    fn saw(&self, needle: &str) -> bool {
        self.host_output
            .windows(needle.len())
            .any(|w| w == needle.as_bytes())
    }
}

#[test]
fn the_stock_server_ignores_the_capability_announcement() {
    let server = StockServer::start();
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let remote: SocketAddr = format!("127.0.0.1:{}", server.port).parse().unwrap();
    let mut client = Client {
        peer: UdpPeer::new(socket, Some(remote), &server.key, Role::Client),
        sent_num: 0,
        server_num: 0,
        host_output: Vec::new(),
    };
    // State 1: the window size, then the capability as an instruction of its own
    // (what our client sends).
    let mut diff = UserMessage::from_events(&[UserEvent::Resize(WindowSize {
        width: 80,
        height: 24,
    })])
    .encode_to_vec();
    diff.extend_from_slice(&CAPABILITY_INSTRUCTION);
    client.send_diff(diff, false);
    client.pump_until("an ack of state 1", |_, i| i.ack_num >= 1);
    client.pump_until("the prompt", |c, _| c.saw("$ "));

    // State 2: keystrokes with the field inside the same instruction.
    let mut keys = UserMessage::from_events(&[UserEvent::Keys(b"echo ok-$((6*7))\r".to_vec())])
        .encode_to_vec();
    // Grow the instruction's length (byte 1) to cover the appended field.
    keys[1] += CAPABILITY_FIELD.len() as u8;
    keys.extend_from_slice(&CAPABILITY_FIELD);
    client.send_diff(keys, false);
    client.pump_until("the command's output", |c, _| c.saw("ok-42"));
    assert!(process_alive(server.pid));

    // A polite shutdown is acknowledged, and the server exits.
    client.send_diff(Vec::new(), true);
    client.pump_until("the shutdown acknowledgement", |_, i| i.acks_shutdown());
    assert!(wait_for_exit(server.pid, Duration::from_secs(5)));
    let stats = client.peer.stats();
    assert_eq!(stats.rejected_instructions, 0);
}
