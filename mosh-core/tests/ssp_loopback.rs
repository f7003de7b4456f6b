//! End to end over real UDP on loopback: our client and server drivers through the
//! impairment proxy (250 ms each way, 10 % loss, one roam), then a "network changed"
//! on the client, timed at the server. IPv4 on 127.0.0.1 and IPv6 on ::1; a missing
//! ::1 fails the test.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::block_state::BlockState;
use mosh_core::crypto::{SessionCipher, SessionKey};
use mosh_core::driver::{Step, UdpDriver};
use mosh_core::protocol::ssp::{Event, Transport, UserStream};
use mosh_netem::{Impairment, ImpairmentProxy, ProxyConfig, ProxyHandle, Roam};

const ONE_WAY: Duration = Duration::from_millis(250);
/// Scheduling slack on a shared 2-core machine, on top of the one-way delay.
const MARGIN: Duration = Duration::from_millis(100);

struct Pair {
    client: UdpDriver<Transport<UserStream, BlockState>>,
    server: UdpDriver<Transport<BlockState, UserStream>>,
    proxy: ImpairmentProxy,
    typed: Vec<u8>,
    applied: Vec<u8>,
    /// Every address change the server reported, with when.
    server_moves: Vec<(Instant, SocketAddr)>,
}

enum Woke {
    Client,
    Server(Step),
    Deadline,
}

impl Pair {
    async fn start(loopback: &str, loss: f64) -> Self {
        let key = SessionKey::generate().unwrap();
        let cipher = Arc::new(SessionCipher::new(&key));
        let now = Instant::now();
        let server_transport = Transport::server(
            cipher.clone(),
            BlockState::default(),
            UserStream::new(),
            now,
        );
        let bind: SocketAddr = format!("{loopback}:0").parse().unwrap();
        let server = UdpDriver::server(server_transport, bind)
            .unwrap_or_else(|e| panic!("cannot bind the server on {bind}: {e}"));
        let link = Impairment {
            delay: ONE_WAY,
            jitter: Duration::ZERO,
            loss,
        };
        let proxy = ImpairmentProxy::start(ProxyConfig {
            listen: bind,
            upstream: server.local_addr().unwrap(),
            up: link,
            down: link,
            seed: 42,
        })
        .await
        .unwrap_or_else(|e| panic!("cannot bind the proxy on {bind}: {e}"));
        let client_transport = Transport::client(
            cipher,
            UserStream::new(),
            BlockState::default(),
            proxy.local_addr(),
            now,
        );
        let client = UdpDriver::client(client_transport).unwrap();
        Self {
            client,
            server,
            proxy,
            typed: Vec::new(),
            applied: Vec::new(),
            server_moves: Vec::new(),
        }
    }

    fn proxy(&self) -> ProxyHandle {
        self.proxy.handle()
    }

    async fn run_until(&mut self, deadline: Instant) {
        loop {
            let woke = tokio::select! {
                step = self.client.step() => {
                    step.unwrap();
                    Woke::Client
                }
                step = self.server.step() => Woke::Server(step.unwrap()),
                () = tokio::time::sleep_until(deadline.into()) => Woke::Deadline,
            };
            match woke {
                Woke::Deadline => return,
                Woke::Client => {}
                Woke::Server(Step::Received(receipt)) if receipt.new_remote_state() => {
                    let events = self
                        .server
                        .endpoint()
                        .remote_state()
                        .events_since(self.applied.len() as u64)
                        .unwrap();
                    for event in events {
                        if let mosh_core::protocol::proto::UserEvent::Keys(keys) = event {
                            self.applied.extend(keys);
                        }
                    }
                }
                Woke::Server(_) => {}
            }
            for event in self.server.take_events() {
                if let Event::RemoteAddressChanged(addr) = event {
                    self.server_moves.push((Instant::now(), addr));
                }
            }
        }
    }

    async fn run_for(&mut self, length: Duration) {
        self.run_until(Instant::now() + length).await;
    }

    fn converged(&self) -> bool {
        self.client.endpoint().remote_state() == self.server.endpoint().current()
            && self.server.endpoint().remote_state() == self.client.endpoint().current()
            && self.applied == self.typed
    }

    async fn type_keys(&mut self, keys: &[u8]) {
        self.client.endpoint_mut().current_mut().push_keys(keys);
        self.typed.extend_from_slice(keys);
        self.client.flush().unwrap();
    }

    fn set_screen(&mut self, bytes: Vec<u8>) {
        self.server
            .endpoint_mut()
            .set_current(BlockState::new(bytes));
        self.server.flush().unwrap();
    }

    /// Six seconds of typing and screen changes, with a roam in the middle.
    async fn activity_with_roam(&mut self, roam: Roam) {
        for round in 0..30u8 {
            self.type_keys(&[b'a' + round % 26]).await;
            if round % 3 == 0 {
                self.set_screen(vec![round; 200 + 40 * usize::from(round)]);
            }
            if round == 15 {
                self.proxy().roam(roam);
            }
            self.run_for(Duration::from_millis(200)).await;
        }
    }

    async fn converge(&mut self, limit: Duration) -> Duration {
        let start = Instant::now();
        while !self.converged() {
            assert!(
                start.elapsed() < limit,
                "no convergence within {limit:?}: client holds {} screen bytes, server {} of {} keys",
                self.client.endpoint().remote_state().bytes().len(),
                self.applied.len(),
                self.typed.len()
            );
            self.run_for(Duration::from_millis(50)).await;
        }
        start.elapsed()
    }

    /// Tells the client the network changed and returns how long until the server
    /// switched to the client's new address.
    async fn time_network_change(&mut self) -> Duration {
        let before = self.server.endpoint().remote_address();
        let moves_before = self.server_moves.len();
        let start = Instant::now();
        self.client.network_changed().unwrap();
        let limit = start + Duration::from_secs(5);
        while self.server_moves.len() == moves_before {
            assert!(Instant::now() < limit, "server never heard the new socket");
            self.run_for(Duration::from_millis(5)).await;
        }
        let (at, addr) = self.server_moves[moves_before];
        assert_ne!(Some(addr), before);
        assert!(self.proxy().upstream_addrs().contains(&addr));
        at - start
    }
}

async fn converges_through_loss_and_a_roam_then_hears_the_new_socket_fast(
    loopback: &str,
    roam: Roam,
) {
    let mut pair = Pair::start(loopback, 0.10).await;
    pair.activity_with_roam(roam).await;
    pair.converge(Duration::from_secs(30)).await;
    let (_, roamed_to) = *pair.server_moves.last().expect("server saw the client");
    assert!(pair.server_moves.len() >= 2, "the roam moved the server");
    if let Roam::NewAddress(ip) = roam {
        assert_eq!(roamed_to.ip(), ip);
    }
    assert_eq!(pair.server.endpoint().remote_address(), Some(roamed_to));

    // The timing check runs without loss so that it measures the reaction, not luck.
    let clean = Impairment {
        delay: ONE_WAY,
        jitter: Duration::ZERO,
        loss: 0.0,
    };
    pair.proxy().set_up(clean);
    pair.proxy().set_down(clean);
    pair.run_for(Duration::from_millis(600)).await;
    let took = pair.time_network_change().await;
    assert!(
        took <= ONE_WAY + MARGIN,
        "server heard the new socket after {took:?}"
    );
    pair.type_keys(b"after the change").await;
    pair.converge(Duration::from_secs(10)).await;
    assert!(pair.client.stats().send_errors == 0);
}

#[tokio::test(flavor = "current_thread")]
async fn ipv4_loopback_through_the_impairment_proxy() {
    converges_through_loss_and_a_roam_then_hears_the_new_socket_fast(
        "127.0.0.1",
        Roam::NewAddress("127.0.0.2".parse().unwrap()),
    )
    .await;
}

#[tokio::test(flavor = "current_thread")]
async fn ipv6_loopback_through_the_impairment_proxy() {
    converges_through_loss_and_a_roam_then_hears_the_new_socket_fast("[::1]", Roam::NewPort).await;
}
