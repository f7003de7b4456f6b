//! A client that plays the user side of SSP by hand against a real server: state
//! numbers are chosen explicitly and the tests build the diffs, so they can send what
//! our `ClientSession` never would (an unknown field, a hand-made fragment count) and
//! see what the server accepts.

use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use mosh_core::crypto::{Role, SessionKey};
use mosh_core::protocol::proto::instruction::random_chaff;
use mosh_core::protocol::proto::{
    HostEvent, HostMessage, Instruction, PROTOCOL_VERSION, SHUTDOWN_STATE_NUM, UserEvent,
    UserMessage,
};
use prost::Message;

use super::udp_peer::UdpPeer;

/// Our user-stream numbering and what we have heard from the server.
pub struct HandClient {
    /// The socket and the datagram layer, with its counters.
    pub peer: UdpPeer,
    /// Newest user-stream state sent.
    pub sent_num: u64,
    /// Newest server state number received.
    pub server_num: u64,
    /// Every `HostBytes` string received, in order.
    pub host_output: Vec<u8>,
    /// Once set, every send, acknowledgements too, repeats the shutdown instruction
    /// until the server acknowledges it, as a client does.
    shutting_down: bool,
}

impl HandClient {
    /// A client of the server at `127.0.0.1:port` with `key`, on a fresh socket.
    pub fn connect(port: u16, key: &SessionKey) -> Self {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        let remote: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        Self {
            peer: UdpPeer::new(socket, Some(remote), key, Role::Client),
            sent_num: 0,
            server_num: 0,
            host_output: Vec::new(),
            shutting_down: false,
        }
    }

    fn send_instruction(&mut self, new_num: u64, diff: Vec<u8>) -> usize {
        let instruction = Instruction {
            protocol_version: PROTOCOL_VERSION,
            old_num: self.sent_num,
            new_num,
            ack_num: self.server_num,
            throwaway_num: self.sent_num,
            diff,
            chaff: random_chaff().unwrap(),
            resume: None,
            resync: None,
        };
        self.peer.send(&instruction)
    }

    /// Sends the next user-stream state as `diff` (an encoded `UserMessage`) from the
    /// previous one; returns the datagrams it took.
    pub fn send_diff(&mut self, diff: Vec<u8>) -> usize {
        if self.shutting_down {
            return self.send_instruction(SHUTDOWN_STATE_NUM, Vec::new());
        }
        let sent = self.send_instruction(self.sent_num + 1, diff);
        self.sent_num += 1;
        sent
    }

    /// Sends the next user-stream state holding `events`.
    pub fn send_events(&mut self, events: &[UserEvent]) -> usize {
        self.send_diff(UserMessage::from_events(events).encode_to_vec())
    }

    /// Starts a client-initiated shutdown: the new state number is `u64::MAX` until
    /// the server acknowledges it.
    pub fn send_shutdown(&mut self) {
        self.shutting_down = true;
        self.send_instruction(SHUTDOWN_STATE_NUM, Vec::new());
    }

    /// An acknowledgement: an empty diff from our newest state to itself (the
    /// shutdown again once that started).
    pub fn heartbeat(&mut self) {
        let new_num = if self.shutting_down {
            SHUTDOWN_STATE_NUM
        } else {
            self.sent_num
        };
        self.send_instruction(new_num, Vec::new());
    }

    /// Receives until `done` holds, acknowledging new server states as a client
    /// would and sending a heartbeat whenever the server is quiet (so it keeps
    /// talking and retransmits what was lost); fails after 10 s.
    pub fn pump_until(&mut self, what: &str, mut done: impl FnMut(&Self, &Instruction) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            let Some(instruction) = self.peer.recv(Duration::from_millis(300)) else {
                self.heartbeat();
                continue;
            };
            if instruction.new_num != SHUTDOWN_STATE_NUM {
                self.server_num = self.server_num.max(instruction.new_num);
            }
            let events =
                HostMessage::decode_events(&instruction.diff).expect("a stock HostMessage");
            for event in events {
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
            "timed out waiting for {what}; host output so far: {:?}",
            String::from_utf8_lossy(&self.host_output)
        );
    }

    /// Whether the host output so far contains `needle`.
    pub fn saw(&self, needle: &str) -> bool {
        self.host_output
            .windows(needle.len())
            .any(|window| window == needle.as_bytes())
    }
}
