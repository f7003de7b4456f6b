//! The scrollback extension between our client session and our server session on
//! a simulated network (virtual time, seeded loss): `seq 1 100000` through a
//! 250 ms one-way link losing 10 % of datagrams each way, with a roam in the middle,
//! leaves every line in the client's scrollback; every diff stays bounded; and a
//! client that does not announce the extension (as a stock client) never receives
//! it. Also measures the extra bytes on the wire per 1,000 scrolled lines.

mod common;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::xorshift::XorShift64;
use mosh_core::crypto::{Role, SessionCipher, SessionKey};
use mosh_core::protocol::codec::InstructionReceiver;
use mosh_core::protocol::proto::{HostMessage, WindowSize};
use mosh_core::protocol::ssp::{Endpoint, SocketId, Transport, UserStream};
use mosh_core::session::{
    ClientConfig, ClientSession, ServerSession, ServerTimeouts, TerminalState,
};
use prost::Message;

const KEY: [u8; 16] = [9; 16];

fn server_addr() -> SocketAddr {
    "10.0.0.1:60001".parse().unwrap()
}

/// The client's address as the server sees it: one per client socket (a roam
/// moves to a new socket, seen from a new port).
fn client_addr(socket: SocketId) -> SocketAddr {
    SocketAddr::new(
        "10.0.0.2".parse().unwrap(),
        40000 + (socket.0 % 20000) as u16,
    )
}

/// A client transport that announces nothing, as a stock client.
type PlainClient = Transport<UserStream, TerminalState>;

/// Client, server and the link between them, in virtual time.
/// The client is either kind (`ClientSession`, `PlainClient`), driven as an `Endpoint`.
struct Sim<C: Endpoint> {
    now: Instant,
    client: C,
    server: ServerSession,
    /// Datagrams in flight: (arrival, sequence) → (to the server?, payload, socket).
    flight: BTreeMap<(Instant, u64), (bool, Vec<u8>, SocketId)>,
    sent: u64,
    delay: Duration,
    loss: f64,
    random: XorShift64,
    /// Bytes of every server datagram, and the decoder that reads them.
    server_bytes: u64,
    host_decoder: InstructionReceiver,
    /// Largest scrollback field seen in one instruction, in lines.
    largest_batch: usize,
    /// Instructions that carried the extension's field.
    extension_instructions: u64,
    /// Bytes of those fields, uncompressed.
    extension_field_bytes: u64,
}

impl<C: Endpoint> Sim<C> {
    fn new(client: C, now: Instant, delay: Duration, loss: f64, seed: u64) -> Self {
        let cipher = Arc::new(SessionCipher::new(&SessionKey::from_bytes(KEY)));
        Sim {
            now,
            client,
            server: ServerSession::new(cipher.clone(), 80, 24, ServerTimeouts::default(), now),
            flight: BTreeMap::new(),
            sent: 0,
            delay,
            loss,
            random: XorShift64::new(seed),
            server_bytes: 0,
            host_decoder: InstructionReceiver::new(cipher, Role::Client),
            largest_batch: 0,
            extension_instructions: 0,
            extension_field_bytes: 0,
        }
    }

    fn send(&mut self, to_server: bool, payload: Vec<u8>, socket: SocketId) {
        self.sent += 1;
        let lost = (self.random.next_u64() % 1_000_000) as f64 / 1e6 < self.loss;
        if !lost {
            let at = self.now + self.delay;
            self.flight
                .insert((at, self.sent), (to_server, payload, socket));
        }
    }

    /// Reads a server datagram as a client would, for the extension's field.
    fn inspect(&mut self, payload: &[u8]) {
        self.server_bytes += payload.len() as u64;
        if let Ok(received) = self.host_decoder.receive(payload)
            && let mosh_core::protocol::codec::Assembly::Complete(instruction) = received.assembly
            && let Ok(message) = HostMessage::decode(instruction.diff.as_slice())
        {
            for host in message.instruction {
                if let Some(lines) = host.scrollback {
                    self.extension_instructions += 1;
                    self.extension_field_bytes += lines.encoded_len() as u64 + 3;
                    self.largest_batch = self.largest_batch.max(lines.lines.len());
                }
            }
        }
    }

    /// Everything due at `now`: sends of both sides, then arrivals.
    fn step(&mut self) {
        while let Some(t) = self.client.poll_transmit(self.now).unwrap() {
            self.send(true, t.payload, t.socket);
        }
        while let Some(t) = self.server.poll_transmit(self.now).unwrap() {
            self.inspect(&t.payload);
            self.send(false, t.payload, t.socket);
        }
        while let Some((&key, _)) = self.flight.first_key_value() {
            if key.0 > self.now {
                break;
            }
            let (to_server, payload, socket) = self.flight.remove(&key).unwrap();
            if to_server {
                let _ = self
                    .server
                    .handle_datagram(self.now, &payload, client_addr(socket));
            } else {
                let _ = self
                    .client
                    .handle_datagram(self.now, &payload, server_addr(), socket);
            }
        }
    }

    /// Runs until `until`, the pty producing `output` meanwhile, one chunk per
    /// millisecond.
    fn run(&mut self, until: Instant, output: &mut std::vec::IntoIter<Vec<u8>>) {
        let mut next_output = self.now;
        while self.now < until {
            if self.now >= next_output {
                match output.next() {
                    Some(chunk) => self.server.pty_output(&chunk),
                    None => next_output = until,
                }
                if next_output < until {
                    next_output = self.now + Duration::from_millis(1);
                }
            }
            self.step();
            let wakes = [
                self.client.poll_timeout(),
                self.server.poll_timeout(),
                self.flight.first_key_value().map(|(k, _)| k.0),
                Some(next_output),
                Some(until),
            ];
            let next = wakes.into_iter().flatten().min().unwrap();
            self.now = next.max(self.now + Duration::from_micros(100));
        }
    }
}

/// `seq 1 n` as a shell prints it, in pty-sized chunks.
fn seq_output(n: u32) -> std::vec::IntoIter<Vec<u8>> {
    let mut all = b"$ seq 1 100000\r\n".to_vec();
    for i in 1..=n {
        all.extend_from_slice(format!("{i}\r\n").as_bytes());
    }
    all.extend_from_slice(b"$ ");
    all.chunks(4096)
        .map(<[u8]>::to_vec)
        .collect::<Vec<_>>()
        .into_iter()
}

fn our_client(now: Instant) -> ClientSession {
    let mut client = ClientSession::connect(
        ClientConfig {
            server: server_addr(),
            key: SessionKey::from_bytes(KEY),
            columns: 80,
            rows: 24,
            sequence: mosh_core::crypto::SequencePlan::FROM_ZERO,
            scrollback_lines: mosh_core::session::scrollback::MAX_SCROLLBACK_LINES,
        },
        now,
    );
    client.set_scrollback_limit(200_000);
    client
}

#[test]
fn seq_100000_through_a_lossy_250ms_link_and_a_roam_loses_no_line() {
    let start = Instant::now();
    let mut sim = Sim::new(
        our_client(start),
        start,
        Duration::from_millis(250),
        0.1,
        16,
    );
    let mut output = seq_output(100_000);
    // Connect, then the output; the client moves to a new socket (a roam) midway.
    sim.run(
        start + Duration::from_secs(2),
        &mut std::iter::empty().collect::<Vec<_>>().into_iter(),
    );
    sim.run(start + Duration::from_secs(8), &mut output);
    sim.client.network_changed(sim.now);
    let deadline = start + Duration::from_secs(600);
    let numbers = |client: &ClientSession| -> Vec<u32> {
        let mut all: Vec<String> = client.scrollback().iter().map(|l| l.text()).collect();
        all.extend(client.screen().rows().iter().map(|r| r.text()));
        all.iter().filter_map(|l| l.parse().ok()).collect()
    };
    while sim.now < deadline {
        let until = sim.now + Duration::from_secs(1);
        sim.run(until, &mut output);
        if sim.client.scrollback().len() >= 100_000 - 23 && numbers(&sim.client).len() == 100_000 {
            break;
        }
    }
    let history: Vec<String> = sim.client.scrollback().iter().map(|l| l.text()).collect();
    let numbers = numbers(&sim.client);
    assert_eq!(numbers.len(), 100_000, "virtual {:?}", sim.now - start);
    assert!(numbers.iter().copied().eq(1..=100_000));
    assert_eq!(history[0], "$ seq 1 100000");
    assert!(sim.extension_instructions > 0);
    assert!(
        sim.largest_batch as u64 <= mosh_core::session::scrollback::server_log::MAX_LINES_PER_DIFF,
        "{}",
        sim.largest_batch
    );
    // A snapshot keeps the history and where the server's numbering stands.
    let part = sim.client.server_state().scrollback().clone();
    assert!(part.active());
    let snapshot = sim.client.snapshot(1_790_000_000_000_000).unwrap();
    let restored = ClientSession::restore(&snapshot, 1_790_000_000_000_001, sim.now).unwrap();
    assert_eq!(restored.server_state().scrollback(), &part);
    assert_eq!(restored.scrollback().len(), sim.client.scrollback().len());
    assert_eq!(
        restored.scrollback().iter().last().unwrap().text(),
        sim.client.scrollback().iter().last().unwrap().text()
    );
    println!(
        "RESULT seq 1 100000, 250 ms one way, 10 % loss each way, a roam: every line in {:.1} s of virtual time, {} server bytes, largest batch {} lines",
        (sim.now - start).as_secs_f64(),
        sim.server_bytes,
        sim.largest_batch
    );
}

/// Server bytes for `lines` lines made by `line(i)` on a clean 20 ms link, paced at
/// 100 lines a second so every frame shows: (all bytes, instructions with the
/// extension's field, bytes of those fields uncompressed).
fn bytes_for(client: impl Endpoint, lines: u32, line: impl Fn(u32) -> String) -> (u64, u64, u64) {
    let start = Instant::now();
    let mut sim = Sim::new(client, start, Duration::from_millis(20), 0.0, 3);
    sim.run(start + Duration::from_secs(2), &mut Vec::new().into_iter());
    let before = sim.server_bytes;
    let mut paced = Vec::new();
    for i in 1..=lines {
        paced.push(format!("{}\r\n", line(i)).into_bytes());
        // Nine idle milliseconds after every line.
        paced.extend(std::iter::repeat_n(Vec::new(), 9));
    }
    let finish = start + Duration::from_secs(4) + Duration::from_millis(10 * u64::from(lines));
    sim.run(finish, &mut paced.into_iter());
    (
        sim.server_bytes - before,
        sim.extension_instructions,
        sim.extension_field_bytes,
    )
}

/// Makes line `i` of a workload.
type LineMaker = fn(u32) -> String;

fn plain_client(start: Instant) -> PlainClient {
    let cipher = Arc::new(SessionCipher::new(&SessionKey::from_bytes(KEY)));
    let mut plain = PlainClient::client(
        cipher,
        UserStream::new(),
        TerminalState::blank(80, 24),
        server_addr(),
        start,
    );
    plain.current_mut().push_resize(WindowSize {
        width: 80,
        height: 24,
    });
    plain
}

#[test]
fn a_client_that_does_not_announce_never_receives_it_and_the_cost_per_1000_lines() {
    let start = Instant::now();
    let kinds: [(&str, LineMaker); 2] = [
        ("seq", |i| i.to_string()),
        ("ls -l --color", |i| {
            format!(
                "-rw-r--r-- 1 user user {:>8} Nov 29 19:{:02} \x1b[01;32mfile-{i}.txt\x1b[0m",
                i * 37 % 100_000,
                i % 60
            )
        }),
    ];
    for (name, line) in kinds {
        let (without, field_seen, _) = bytes_for(plain_client(start), 3000, line);
        assert_eq!(
            field_seen, 0,
            "a client that did not announce got the field"
        );
        let (with, field_seen, field_bytes) = bytes_for(our_client(start), 3000, line);
        assert!(field_seen > 0);
        println!(
            "RESULT {name}, 3000 lines at 100 lines/s, 20 ms link: server sent {without} bytes without the extension, {with} with it ({:+.0} per 1,000 lines); the extension's fields: {:.0} bytes per 1,000 lines before compression",
            (with as f64 - without as f64) / 3.0,
            field_bytes as f64 / 3.0
        );
    }
}
