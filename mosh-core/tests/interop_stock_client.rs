//! Our datagram layer against a real stock `mosh-client` 1.4 running in tmux: the
//! test plays the server's SSP role by hand over mosh-core's codec, and reads what
//! the stock client draws with `tmux capture-pane`, as a user would see it.

mod common;

use std::net::UdpSocket;
use std::time::{Duration, Instant};

use common::stock::stock_binary;
use common::tmux_pane::Pane;
use common::udp_peer::UdpPeer;
use common::xorshift::XorShift64;
use mosh_core::crypto::{Role, SessionKey};
use mosh_core::protocol::proto::instruction::random_chaff;
use mosh_core::protocol::proto::{
    HostEvent, HostMessage, Instruction, PROTOCOL_VERSION, SHUTDOWN_STATE_NUM, UserEvent,
    UserMessage, WindowSize,
};
use prost::Message;

/// The server side: our terminal-state numbering and what the client sent.
struct Server {
    peer: UdpPeer,
    /// Newest terminal state sent.
    sent_num: u64,
    /// Newest user-stream state received.
    client_num: u64,
    /// Every user event received, in order.
    events: Vec<UserEvent>,
}

impl Server {
    fn send_state(&mut self, new_num: u64, events: &[HostEvent]) -> usize {
        let instruction = Instruction {
            protocol_version: PROTOCOL_VERSION,
            old_num: self.sent_num,
            new_num,
            ack_num: self.client_num,
            throwaway_num: self.sent_num,
            diff: HostMessage::from_events(events).encode_to_vec(),
            chaff: random_chaff().unwrap(),
            resume: None,
            resync: None,
        };
        if new_num != SHUTDOWN_STATE_NUM {
            self.sent_num = new_num;
        }
        self.peer.send(&instruction)
    }

    /// Receives client instructions until `done` holds.
    fn pump_until(&mut self, what: &str, mut done: impl FnMut(&Server, &Instruction) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            let Some(instruction) = self.peer.recv(Duration::from_millis(500)) else {
                continue;
            };
            if instruction.new_num > self.client_num && instruction.new_num != SHUTDOWN_STATE_NUM {
                self.client_num = instruction.new_num;
                let events = UserMessage::decode_events(&instruction.diff).expect("UserMessage");
                self.events.extend(events);
            }
            if done(self, &instruction) {
                return;
            }
        }
        panic!(
            "timed out waiting for {what}; events so far: {:?}",
            self.events
        );
    }

    fn typed(&self) -> Vec<u8> {
        self.events
            .iter()
            .filter_map(|event| match event {
                UserEvent::Keys(keys) => Some(keys.as_slice()),
                UserEvent::Resize(_)
                | UserEvent::UnusableResize(_)
                | UserEvent::ScrollbackCapability(_) => None,
            })
            .flatten()
            .copied()
            .collect()
    }
}

fn screen_text(rows: &[String]) -> Vec<u8> {
    let mut bytes = b"\x1b[0m\x1b[H\x1b[2J".to_vec();
    for (index, row) in rows.iter().enumerate() {
        bytes.extend_from_slice(format!("\x1b[{};1H{row}", index + 1).as_bytes());
    }
    bytes
}

#[test]
fn stock_mosh_client_draws_what_our_datagrams_carry() {
    let client_bin = stock_binary("mosh-client");
    let key = SessionKey::generate().unwrap();
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = socket.local_addr().unwrap().port();
    let command = format!(
        "env MOSH_KEY={} LANG=C.UTF-8 TERM=xterm-256color MOSH_PREDICTION_DISPLAY=never {} 127.0.0.1 {port}; echo CLIENT_EXIT=$?; sleep 30",
        key.to_printable().as_str(),
        client_bin.display()
    );
    let tmux = Pane::start("client", 80, 24, &command);
    let mut server = Server {
        peer: UdpPeer::new(socket, None, &key, Role::Server),
        sent_num: 0,
        client_num: 0,
        events: Vec::new(),
    };

    // 1. The stock client's first state is its window size.
    server.pump_until("the client's first state", |s, _| !s.events.is_empty());
    assert_eq!(
        server.events[0],
        UserEvent::Resize(WindowSize {
            width: 80,
            height: 24
        })
    );

    // 2. Our first screen, drawn by the stock client.
    server.send_state(
        1,
        &[HostEvent::HostBytes(screen_text(&[
            "Hello from mosh-core".into()
        ]))],
    );
    let screen = tmux.wait_for("Hello from mosh-core", Duration::from_secs(10));
    assert!(
        screen
            .lines()
            .next()
            .unwrap()
            .starts_with("Hello from mosh-core"),
        "{screen}"
    );

    // 3. Keystrokes typed into the stock client arrive through our receive path.
    tmux.type_text("typed-through");
    server.pump_until("the typed keys", |s, _| {
        s.typed().windows(13).any(|w| w == b"typed-through")
    });

    // 4. A full screen of poorly compressible text needs several fragments.
    let printable: Vec<u8> = (b'!'..=b'~').collect();
    let rows: Vec<String> = (0..24)
        .map(|row| XorShift64::new(0x2545_F491_4F6C_DD1D ^ row).text(79, &printable))
        .collect();
    let echo_ack = server.client_num;
    let sent = server.send_state(
        2,
        &[
            HostEvent::EchoAck(echo_ack),
            HostEvent::HostBytes(screen_text(&rows)),
        ],
    );
    assert!(sent >= 2, "full screen went out in {sent} datagram(s)");
    let screen = tmux.wait_for(&rows[23], Duration::from_secs(10));
    eprintln!("stock mosh-client screen:\n{screen}");
    let shown: Vec<&str> = screen.lines().collect();
    for (row, expected) in rows.iter().enumerate() {
        assert_eq!(shown[row], expected, "row {row}");
    }

    // 5. Server-initiated shutdown: the client acks u64 max and exits 0.
    server.send_state(SHUTDOWN_STATE_NUM, &[]);
    server.pump_until("the shutdown ack", |_, i| i.acks_shutdown());
    let screen = tmux.wait_for("CLIENT_EXIT=", Duration::from_secs(10));
    assert!(screen.contains("CLIENT_EXIT=0"), "{screen}");
    let stats = server.peer.stats();
    assert_eq!(
        stats.unauthentic + stats.wrong_direction + stats.malformed,
        0
    );
    assert_eq!(stats.rejected_instructions, 0);
}
