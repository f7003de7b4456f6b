//! CPU time of the SSP transport per 1,000 state updates, both ends in one process on
//! a perfect in-memory link: each update is one state change sent by one side
//! (diff, protobuf, zlib, seal), received by the other (open, inflate, apply) and
//! acknowledged back. Figures: docs/benchmarks.md.

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

#[path = "../tests/common/block_state.rs"]
mod block_state;

use std::hint::black_box;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use block_state::BlockState;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use mosh_core::crypto::{SessionCipher, SessionKey};
use mosh_core::protocol::ssp::{SocketId, SyncState, Transport, UserStream};

const UPDATES: usize = 1000;

struct Pair {
    now: Instant,
    client: Transport<UserStream, BlockState>,
    server: Transport<BlockState, UserStream>,
    client_addr: SocketAddr,
    applied: u64,
}

impl Pair {
    fn new() -> Self {
        let cipher = Arc::new(SessionCipher::new(&SessionKey::from_bytes([7; 16])));
        let now = Instant::now();
        let server_addr: SocketAddr = "127.0.0.1:60001".parse().unwrap();
        let screen = BlockState::new(vec![b' '; 80 * 24]);
        let mut pair = Self {
            now,
            client: Transport::client(
                cipher.clone(),
                UserStream::new(),
                screen.clone(),
                server_addr,
                now,
            ),
            server: Transport::server(cipher, screen, UserStream::new(), now),
            client_addr: "127.0.0.1:40000".parse().unwrap(),
            applied: 0,
        };
        pair.exchange();
        pair
    }

    /// Delivers everything both sides have to send, back and forth, until quiet.
    fn exchange(&mut self) {
        loop {
            let mut moved = false;
            while let Some(transmit) = self.client.poll_transmit(self.now).unwrap() {
                moved = true;
                let receipt = self
                    .server
                    .handle_datagram(
                        self.now,
                        &transmit.payload,
                        self.client_addr,
                        SocketId::SERVER,
                    )
                    .unwrap();
                if receipt.new_remote_state() {
                    let events = self.server.remote_state().events_since(self.applied);
                    self.applied = self.server.remote_state().len();
                    black_box(events.unwrap());
                }
            }
            while let Some(transmit) = self.server.poll_transmit(self.now).unwrap() {
                moved = true;
                self.client
                    .handle_datagram(
                        self.now,
                        &transmit.payload,
                        transmit.destination,
                        SocketId(0),
                    )
                    .unwrap();
            }
            if !moved {
                return;
            }
        }
    }

    /// Moves virtual time one frame (the send interval) ahead and exchanges.
    fn frame(&mut self) {
        self.now += Duration::from_millis(20);
        self.exchange();
    }
}

fn updates(c: &mut Criterion) {
    let mut group = c.benchmark_group("ssp");
    group.bench_function("1000 keystroke updates client->server", |b| {
        b.iter_batched(
            Pair::new,
            |mut pair| {
                for i in 0..UPDATES {
                    pair.client
                        .current_mut()
                        .push_keys(&[b'a' + (i % 26) as u8]);
                    pair.frame();
                }
                assert_eq!(pair.applied, UPDATES as u64);
                pair
            },
            BatchSize::PerIteration,
        );
    });
    group.bench_function(
        "1000 screen updates server->client (one 64-byte block)",
        |b| {
            b.iter_batched(
                Pair::new,
                |mut pair| {
                    for i in 0..UPDATES {
                        let mut screen = pair.server.current().bytes().to_vec();
                        let at = (i * 37) % screen.len();
                        screen[at] = b'a' + (i % 26) as u8;
                        pair.server.set_current(BlockState::new(screen));
                        pair.frame();
                    }
                    assert_eq!(pair.client.remote_state(), pair.server.current());
                    assert!(
                        pair.client
                            .remote_state()
                            .diff_from(pair.server.current())
                            .is_empty()
                    );
                    pair
                },
                BatchSize::PerIteration,
            );
        },
    );
    group.finish();
}

criterion_group!(benches, updates);
criterion_main!(benches);
