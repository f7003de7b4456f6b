//! A deterministic network between one SSP client and one SSP server, on a virtual
//! clock: per-direction delay, jitter, loss, duplication and reordering, blackouts,
//! a sleeping phone, and address changes of either side. Time jumps from one event
//! (a delivery or an endpoint's wake-up) to the next, so hours of session take
//! milliseconds, and every run is reproducible from its seed.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mosh_core::crypto::{SessionCipher, SessionKey};
use mosh_core::protocol::proto::UserEvent;
use mosh_core::protocol::ssp::{Event, SocketId, Transport, UserStream};

use super::block_state::BlockState;
use super::xorshift::XorShift64;

/// The client: sends the user stream, receives the screen stand-in.
pub type Client = Transport<UserStream, BlockState>;
/// The server: the reverse.
pub type Server = Transport<BlockState, UserStream>;

/// Impairments of one direction.
#[derive(Debug, Clone, Copy, Default)]
pub struct Link {
    /// Fixed one-way delay.
    pub delay: Duration,
    /// Extra delay, uniform in [0, jitter] per datagram (reorders datagrams).
    pub jitter: Duration,
    /// Probability a datagram is lost.
    pub loss: f64,
    /// Probability a datagram is delivered twice.
    pub duplicate: f64,
    /// Probability a datagram is held back by up to one more delay (reordering even
    /// without jitter).
    pub reorder: f64,
}

impl Link {
    /// A perfect link with a fixed delay.
    pub fn delay_ms(ms: u64) -> Self {
        Self {
            delay: Duration::from_millis(ms),
            ..Self::default()
        }
    }
}

/// Which endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Side {
    /// The client.
    Client,
    /// The server.
    Server,
}

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Packet {
    deliver_at: Instant,
    order: u64,
    to: Side,
    from: SocketAddr,
    destination: SocketAddr,
    payload: Vec<u8>,
}

/// Per-endpoint wake-up accounting.
#[derive(Debug, Clone, Copy, Default)]
pub struct Wakes {
    /// Times the clock advanced to this endpoint's own timeout (not a delivery).
    pub timer: u64,
    /// Shortest interval between two timer wake-ups, once there were two.
    pub min_timer_gap: Option<Duration>,
    last_timer: Option<Instant>,
}

/// The simulation.
pub struct Sim {
    /// The seed everything random derives from.
    pub seed: u64,
    /// Virtual now.
    pub now: Instant,
    /// The start of virtual time.
    pub start: Instant,
    rng: XorShift64,
    /// The session's cipher (to build resumed endpoints).
    pub cipher: Arc<SessionCipher>,
    /// The client endpoint.
    pub client: Client,
    /// The server endpoint.
    pub server: Server,
    /// Client → server impairments.
    pub up: Link,
    /// Server → client impairments.
    pub down: Link,
    blackouts: Vec<(Instant, Instant)>,
    client_asleep_until: Option<Instant>,
    in_flight: BinaryHeap<Reverse<Packet>>,
    order: u64,
    /// The client's open sockets and their local ports.
    client_sockets: BTreeMap<SocketId, u16>,
    /// The client's public IP as the server sees it (changes on a roam).
    client_ip: IpAddr,
    /// Added to every client port as the server sees it (changes on a NAT rebinding).
    client_port_shift: u16,
    /// The address the client sends to.
    pub server_addr: SocketAddr,
    /// The source address the client sees on server datagrams.
    server_visible_addr: SocketAddr,
    /// The client's last datagram and the address it left from (for replays).
    pub last_client_datagram: Option<(Vec<u8>, SocketAddr)>,
    /// Every server transmit: (time, destination).
    pub server_sends: Vec<(Instant, SocketAddr)>,
    /// Every change of the server's client address: (time, new address).
    pub server_address_changes: Vec<(Instant, SocketAddr)>,
    /// The user events the client typed, one entry per event.
    pub typed: Vec<Flat>,
    /// The user events the server applied, as a server session would.
    pub applied: Vec<Flat>,
    /// Datagrams sent by each side (client, server).
    pub datagrams: (u64, u64),
    /// Wake-up accounting (client, server).
    pub wakes: (Wakes, Wakes),
    /// Largest sent-state list seen on either side.
    pub max_sent_states: usize,
    /// Largest received-state list seen on either side.
    pub max_received_states: usize,
    /// Most client sockets open at once.
    pub max_client_sockets: usize,
}

/// One user-stream event, key runs split into bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flat {
    /// A key byte.
    Key(u8),
    /// A resize.
    Resize(u16, u16),
}

fn flatten(events: &[UserEvent]) -> Vec<Flat> {
    let mut out = Vec::new();
    for event in events {
        match event {
            UserEvent::Keys(keys) => out.extend(keys.iter().map(|&k| Flat::Key(k))),
            UserEvent::Resize(size) => out.push(Flat::Resize(size.width, size.height)),
            UserEvent::UnusableResize(_) | UserEvent::ScrollbackCapability(_) => {}
        }
    }
    out
}

impl fmt::Display for Sim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "seed {} at t={:.3}s, up {:?}, down {:?}",
            self.seed,
            self.elapsed().as_secs_f64(),
            self.up,
            self.down
        )
    }
}

/// Runs `test` for every seed (or only `$SSP_SEED` when set), printing the seed of a
/// failure so it can be rerun alone.
pub fn for_each_seed(name: &str, seeds: impl IntoIterator<Item = u64>, test: impl Fn(u64)) {
    let seeds: Vec<u64> = match std::env::var("SSP_SEED") {
        Ok(seed) => vec![seed.parse().expect("SSP_SEED is a number")],
        Err(_) => seeds.into_iter().collect(),
    };
    for seed in seeds {
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| test(seed))) {
            eprintln!("{name} failed with seed {seed}; rerun alone with SSP_SEED={seed}");
            resume_unwind(panic);
        }
    }
}

const CLIENT_PORT_BASE: u16 = 40000;

impl Sim {
    /// A session with a fresh key; the client's first datagram leaves at once.
    pub fn new(seed: u64, up: Link, down: Link) -> Self {
        Self::with_initial(seed, up, down, BlockState::default())
    }

    /// A session whose server screen starts as `screen`.
    pub fn with_initial(seed: u64, up: Link, down: Link, screen: BlockState) -> Self {
        let start = Instant::now();
        // Scrambled so that small seeds do not start the generator on small values.
        let mut rng = XorShift64::new(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5DEE_CE66);
        let mut key = [0u8; 16];
        for byte in &mut key {
            *byte = rng.next_u64() as u8;
        }
        let cipher = Arc::new(SessionCipher::new(&SessionKey::from_bytes(key)));
        let server_addr: SocketAddr = "192.0.2.1:60001".parse().unwrap();
        let client = Transport::client(
            cipher.clone(),
            UserStream::new(),
            screen.clone(),
            server_addr,
            start,
        );
        let mut server = Transport::server(cipher.clone(), screen, UserStream::new(), start);
        let mut client = client;
        client.use_seeded_chaff(rng.next_u64());
        server.use_seeded_chaff(rng.next_u64());
        Self {
            seed,
            now: start,
            start,
            rng,
            cipher,
            client,
            server,
            up,
            down,
            blackouts: Vec::new(),
            client_asleep_until: None,
            in_flight: BinaryHeap::new(),
            order: 0,
            client_sockets: BTreeMap::new(),
            client_ip: IpAddr::V4(Ipv4Addr::new(198, 51, 100, 7)),
            client_port_shift: 0,
            server_addr,
            server_visible_addr: server_addr,
            last_client_datagram: None,
            server_sends: Vec::new(),
            server_address_changes: Vec::new(),
            typed: Vec::new(),
            applied: Vec::new(),
            datagrams: (0, 0),
            wakes: (Wakes::default(), Wakes::default()),
            max_sent_states: 0,
            max_received_states: 0,
            max_client_sockets: 0,
        }
    }

    /// Virtual time since the start.
    pub fn elapsed(&self) -> Duration {
        self.now - self.start
    }

    /// A uniform random number in [0, 1).
    pub fn random(&mut self) -> f64 {
        (self.rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A uniform random integer in [0, bound).
    pub fn below(&mut self, bound: u64) -> u64 {
        self.rng.next_u64() % bound.max(1)
    }

    /// Drops everything in both directions during [from, from + length).
    pub fn blackout(&mut self, from: Instant, length: Duration) {
        self.blackouts.push((from, from + length));
    }

    /// The phone sleeps: the client is not run and hears nothing until `until`.
    pub fn sleep_client_until(&mut self, until: Instant) {
        self.client_asleep_until = Some(until);
    }

    /// The client's public address changes (new network): datagrams from every
    /// client socket now come from a new IP and port, and datagrams sent to the old
    /// addresses are lost.
    pub fn move_client(&mut self) {
        let IpAddr::V4(ip) = self.client_ip else {
            unreachable!("the simulated client is IPv4")
        };
        let octets = ip.octets();
        self.client_ip = IpAddr::V4(Ipv4Addr::new(
            octets[0],
            octets[1],
            octets[2],
            octets[3].wrapping_add(1),
        ));
        self.client_port_shift = self.client_port_shift.wrapping_add(1000);
    }

    /// The server's datagrams arrive from a new source address (a server-side NAT
    /// change); the client keeps sending to the address it was given.
    pub fn move_server_source(&mut self) {
        let port = self.server_visible_addr.port().wrapping_add(1);
        self.server_visible_addr.set_port(port);
    }

    /// Where the server sees datagrams from client socket `socket` come from.
    pub fn client_public_addr(&self, socket: SocketId) -> SocketAddr {
        let port = self.client_sockets[&socket].wrapping_add(self.client_port_shift);
        SocketAddr::new(self.client_ip, port)
    }

    /// The client types `keys`.
    pub fn type_keys(&mut self, keys: &[u8]) {
        self.client.current_mut().push_keys(keys);
        self.typed.extend(keys.iter().map(|&k| Flat::Key(k)));
    }

    /// The client's window changes size.
    pub fn resize(&mut self, width: u16, height: u16) {
        let size = mosh_core::protocol::proto::WindowSize { width, height };
        self.client.current_mut().push_resize(size);
        self.typed.push(Flat::Resize(width, height));
    }

    /// The server's screen changes to `bytes`.
    pub fn set_screen(&mut self, bytes: Vec<u8>) {
        self.server.set_current(BlockState::new(bytes));
    }

    /// Whether both directions hold the newest state of the other side, and the
    /// server applied exactly the events the client typed.
    pub fn converged(&self) -> bool {
        self.client.remote_state() == self.server.current()
            && self.server.remote_state() == self.client.current()
            && self.applied == self.typed
    }

    fn asleep(&self) -> bool {
        self.client_asleep_until
            .is_some_and(|until| self.now < until)
    }

    fn blacked_out(&self) -> bool {
        self.blackouts
            .iter()
            .any(|&(from, until)| self.now >= from && self.now < until)
    }

    /// Runs both endpoints until virtual time `until`.
    pub fn run_until(&mut self, until: Instant) {
        let mut stuck = 0u32;
        loop {
            self.flush(Side::Client);
            self.flush(Side::Server);
            let client_wake = if self.asleep() {
                self.client_asleep_until
            } else {
                self.client.poll_timeout()
            };
            let server_wake = self.server.poll_timeout();
            let delivery = self
                .in_flight
                .peek()
                .map(|Reverse(packet)| packet.deliver_at);
            let next = [client_wake, server_wake, delivery]
                .into_iter()
                .flatten()
                .min();
            let Some(next) = next.filter(|&next| next <= until) else {
                self.now = until;
                self.flush(Side::Client);
                self.flush(Side::Server);
                return;
            };
            if next <= self.now {
                stuck += 1;
                assert!(stuck < 10_000, "busy loop at {self}");
            } else {
                stuck = 0;
                self.now = next;
            }
            let delivering = delivery == Some(next);
            if client_wake == Some(next) && !delivering && !self.asleep() {
                Self::count_wake(&mut self.wakes.0, next);
            }
            if server_wake == Some(next) && !delivering {
                Self::count_wake(&mut self.wakes.1, next);
            }
            while self
                .in_flight
                .peek()
                .is_some_and(|Reverse(packet)| packet.deliver_at <= self.now)
            {
                let Reverse(packet) = self.in_flight.pop().expect("peeked");
                self.deliver(packet);
            }
        }
    }

    /// Runs for `length` of virtual time.
    pub fn run_for(&mut self, length: Duration) {
        self.run_until(self.now + length);
    }

    /// Runs until [`Sim::converged`] (checked every `step`), at most `limit`; returns
    /// how long it took, or `None`.
    pub fn run_until_converged(&mut self, step: Duration, limit: Duration) -> Option<Duration> {
        let begin = self.now;
        while self.now - begin < limit {
            if self.converged() {
                return Some(self.now - begin);
            }
            self.run_for(step);
        }
        self.converged().then(|| self.now - begin)
    }

    fn count_wake(wakes: &mut Wakes, at: Instant) {
        if wakes.last_timer == Some(at) {
            return;
        }
        wakes.timer += 1;
        if let Some(last) = wakes.last_timer {
            let gap = at - last;
            wakes.min_timer_gap = Some(wakes.min_timer_gap.map_or(gap, |min| min.min(gap)));
        }
        wakes.last_timer = Some(at);
    }

    fn handle_events(&mut self, side: Side) {
        loop {
            let event = match side {
                Side::Client => self.client.poll_event(),
                Side::Server => self.server.poll_event(),
            };
            match event {
                None => return,
                Some(Event::OpenSocket(id)) => {
                    let port = CLIENT_PORT_BASE + id.0 as u16;
                    self.client_sockets.insert(id, port);
                    self.max_client_sockets =
                        self.max_client_sockets.max(self.client_sockets.len());
                }
                Some(Event::CloseSocket(id)) => {
                    self.client_sockets.remove(&id);
                }
                Some(Event::RemoteAddressChanged(addr)) => {
                    self.server_address_changes.push((self.now, addr));
                }
                Some(Event::Detached) => {}
            }
        }
    }

    fn flush(&mut self, side: Side) {
        if side == Side::Client && self.asleep() {
            return;
        }
        loop {
            self.handle_events(side);
            let transmit = match side {
                Side::Client => self.client.poll_transmit(self.now),
                Side::Server => self.server.poll_transmit(self.now),
            }
            .expect("encoding never fails here");
            let Some(transmit) = transmit else {
                break;
            };
            let (from, link, to) = match side {
                Side::Client => {
                    assert_eq!(transmit.destination, self.server_addr);
                    self.datagrams.0 += 1;
                    let from = self.client_public_addr(transmit.socket);
                    self.last_client_datagram = Some((transmit.payload.clone(), from));
                    (from, self.up, Side::Server)
                }
                Side::Server => {
                    assert_eq!(transmit.socket, SocketId::SERVER);
                    self.server_sends.push((self.now, transmit.destination));
                    self.datagrams.1 += 1;
                    (self.server_visible_addr, self.down, Side::Client)
                }
            };
            self.transmit(link, to, from, transmit.destination, transmit.payload);
        }
        self.handle_events(side);
        self.max_sent_states = self
            .max_sent_states
            .max(self.client.sent_states_len())
            .max(self.server.sent_states_len());
        self.max_received_states = self
            .max_received_states
            .max(self.client.received_states_len())
            .max(self.server.received_states_len());
    }

    fn transmit(
        &mut self,
        link: Link,
        to: Side,
        from: SocketAddr,
        destination: SocketAddr,
        payload: Vec<u8>,
    ) {
        if self.blacked_out() || self.random() < link.loss {
            return;
        }
        let copies = if self.random() < link.duplicate { 2 } else { 1 };
        for _ in 0..copies {
            let mut delay = link.delay;
            if !link.jitter.is_zero() {
                delay += link.jitter.mul_f64(self.random());
            }
            if self.random() < link.reorder {
                delay += link.delay.mul_f64(self.random());
            }
            self.order += 1;
            self.in_flight.push(Reverse(Packet {
                deliver_at: self.now + delay,
                order: self.order,
                to,
                from,
                destination,
                payload: payload.clone(),
            }));
        }
    }

    /// Delivers a datagram to the server as if it came from `from` (tests use it to
    /// replay captured datagrams or inject forged ones).
    pub fn inject_to_server(&mut self, payload: &[u8], from: SocketAddr) {
        self.deliver(Packet {
            deliver_at: self.now,
            order: 0,
            to: Side::Server,
            from,
            destination: self.server_addr,
            payload: payload.to_vec(),
        });
    }

    fn deliver(&mut self, packet: Packet) {
        match packet.to {
            Side::Server => {
                let Ok(receipt) = self.server.handle_datagram(
                    self.now,
                    &packet.payload,
                    packet.from,
                    SocketId::SERVER,
                ) else {
                    return;
                };
                if receipt.new_remote_state() {
                    // What a server session does: apply the new events right away.
                    let events = self
                        .server
                        .remote_state()
                        .events_since(self.applied.len() as u64)
                        .expect("new events are held by the newest state");
                    self.applied.extend(flatten(&events));
                }
            }
            Side::Client => {
                if self.asleep() {
                    return;
                }
                let socket = self
                    .client_sockets
                    .keys()
                    .copied()
                    .find(|&id| self.client_public_addr(id) == packet.destination);
                // No socket has that address any more: closed, or the NAT forgot it.
                let Some(socket) = socket else {
                    return;
                };
                let _ = self
                    .client
                    .handle_datagram(self.now, &packet.payload, packet.from, socket);
            }
        }
    }
}
