//! A UDP relay that impairs traffic between a client and a server on this machine,
//! for end-to-end tests and benchmarks: delay, jitter, loss, blackouts, and "roam"
//! (the client's traffic suddenly comes from a new port or address, as after a NAT
//! rebinding or a network change).
//!
//! The client talks to the proxy's listening address. Like a NAT, the proxy gives
//! every client address its own upstream socket, so the server sees a distinct
//! source address per client socket; a roam replaces those upstream sockets, and
//! replies still addressed to the old ones are lost.

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::net::UdpSocket;
use tokio::task::JoinHandle;

use super::impairment::{Impairment, Rng, delivery_time};

/// Largest datagram relayed (above any mosh datagram).
const MAX_DATAGRAM: usize = 65_535;

/// How the proxy is set up.
#[derive(Debug, Clone, Copy)]
pub struct ProxyConfig {
    /// Where clients send to (port 0 picks one).
    pub listen: SocketAddr,
    /// The server.
    pub upstream: SocketAddr,
    /// Client → server impairments.
    pub up: Impairment,
    /// Server → client impairments.
    pub down: Impairment,
    /// Seed of the loss and jitter decisions.
    pub seed: u64,
}

/// A roam: how the client's traffic appears to the server from now on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Roam {
    /// From a new source port of the same address.
    NewPort,
    /// From a new source address (e.g. another loopback address, 127.0.0.2).
    NewAddress(IpAddr),
}

/// Counters per direction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProxyStats {
    /// Datagrams received from clients.
    pub up_datagrams: u64,
    /// Their bytes (UDP payload).
    pub up_bytes: u64,
    /// Of those, dropped by loss or blackout.
    pub up_dropped: u64,
    /// Datagrams received from the server.
    pub down_datagrams: u64,
    /// Their bytes.
    pub down_bytes: u64,
    /// Of those, dropped.
    pub down_dropped: u64,
}

#[derive(Debug)]
struct Shared {
    up: Impairment,
    down: Impairment,
    blackout_until: Option<Instant>,
    rng: Rng,
    stats: ProxyStats,
    upstream_ip: IpAddr,
    /// Bumped by each roam; mappings of an older generation are replaced.
    generation: u64,
    /// The source addresses the server currently sees, per client address.
    mapped: HashMap<SocketAddr, SocketAddr>,
}

/// Controls a running proxy; cheap to clone.
#[derive(Debug, Clone)]
pub struct ProxyHandle {
    shared: Arc<Mutex<Shared>>,
}

/// Which way a datagram travels through the proxy.
#[derive(Debug, Clone, Copy)]
enum Direction {
    /// Client → server.
    Up,
    /// Server → client.
    Down,
}

impl ProxyHandle {
    /// Counts a datagram of `len` bytes travelling `direction` and decides when it
    /// arrives (`None`: lost, and counted as dropped).
    fn admit(&self, direction: Direction, len: usize) -> Option<Instant> {
        let mut shared = self.lock();
        let Shared {
            up,
            down,
            blackout_until,
            rng,
            stats,
            ..
        } = &mut *shared;
        let (impairment, datagrams, bytes, dropped) = match direction {
            Direction::Up => (
                up,
                &mut stats.up_datagrams,
                &mut stats.up_bytes,
                &mut stats.up_dropped,
            ),
            Direction::Down => (
                down,
                &mut stats.down_datagrams,
                &mut stats.down_bytes,
                &mut stats.down_dropped,
            ),
        };
        *datagrams += 1;
        *bytes += len as u64;
        let at = delivery_time(impairment, *blackout_until, rng, Instant::now());
        if at.is_none() {
            *dropped += 1;
        }
        at
    }

    fn lock(&self) -> MutexGuard<'_, Shared> {
        // A panic while holding the lock cannot leave the counters inconsistent in a
        // way that matters for a test tool.
        self.shared
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Sets the client → server impairments.
    pub fn set_up(&self, impairment: Impairment) {
        self.lock().up = impairment;
    }

    /// Sets the server → client impairments.
    pub fn set_down(&self, impairment: Impairment) {
        self.lock().down = impairment;
    }

    /// Drops everything in both directions for `length` from now.
    pub fn blackout(&self, length: Duration) {
        self.lock().blackout_until = Some(Instant::now() + length);
    }

    /// From the client's next datagram on, the server sees it come from a new
    /// address or port.
    pub fn roam(&self, roam: Roam) {
        let mut shared = self.lock();
        if let Roam::NewAddress(ip) = roam {
            shared.upstream_ip = ip;
        }
        shared.generation += 1;
    }

    /// Counters so far.
    pub fn stats(&self) -> ProxyStats {
        self.lock().stats
    }

    /// The source addresses the server sees now, one per client address.
    pub fn upstream_addrs(&self) -> Vec<SocketAddr> {
        self.lock().mapped.values().copied().collect()
    }
}

struct Mapping {
    socket: Arc<UdpSocket>,
    generation: u64,
    reader: JoinHandle<()>,
    /// When the client last sent through it.
    last_used: Instant,
}

/// A client address silent this long loses its mapping (and upstream socket).
const MAPPING_IDLE_LIMIT: Duration = Duration::from_secs(120);

/// A running proxy; stops when dropped.
#[derive(Debug)]
pub struct ImpairmentProxy {
    local_addr: SocketAddr,
    handle: ProxyHandle,
    task: JoinHandle<()>,
}

impl Drop for ImpairmentProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl ImpairmentProxy {
    /// Binds the listening socket and starts relaying. Needs a tokio runtime.
    pub async fn start(config: ProxyConfig) -> io::Result<Self> {
        let front = Arc::new(UdpSocket::bind(config.listen).await?);
        let local_addr = front.local_addr()?;
        let upstream_ip = match config.upstream.ip() {
            ip if ip.is_loopback() => ip,
            IpAddr::V4(_) => IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED),
            IpAddr::V6(_) => IpAddr::V6(std::net::Ipv6Addr::UNSPECIFIED),
        };
        let handle = ProxyHandle {
            shared: Arc::new(Mutex::new(Shared {
                up: config.up,
                down: config.down,
                blackout_until: None,
                rng: Rng::new(config.seed),
                stats: ProxyStats::default(),
                upstream_ip,
                generation: 0,
                mapped: HashMap::new(),
            })),
        };
        let task = tokio::spawn(relay_up(front, config.upstream, handle.clone()));
        Ok(Self {
            local_addr,
            handle,
            task,
        })
    }

    /// The address clients send to.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// A handle to change the impairments, roam, and read counters.
    pub fn handle(&self) -> ProxyHandle {
        self.handle.clone()
    }
}

/// Sends `payload` at `at` (a task per datagram: delays overlap and reorder freely).
fn send_later(socket: Arc<UdpSocket>, payload: Vec<u8>, to: SocketAddr, at: Instant) {
    tokio::spawn(async move {
        tokio::time::sleep_until(at.into()).await;
        // Loss on the way out is just more loss.
        let _ = socket.send_to(&payload, to).await;
    });
}

async fn relay_up(front: Arc<UdpSocket>, upstream: SocketAddr, handle: ProxyHandle) {
    let mut mappings: HashMap<SocketAddr, Mapping> = HashMap::new();
    let mut buf = vec![0u8; MAX_DATAGRAM];
    loop {
        let Ok((len, client)) = front.recv_from(&mut buf).await else {
            continue;
        };
        let (generation, upstream_ip) = {
            let shared = handle.lock();
            (shared.generation, shared.upstream_ip)
        };
        // Mappings of client addresses that went quiet (a client that moved to a
        // fresh socket) are let go, as a NAT forgets them.
        let now = Instant::now();
        mappings.retain(|address, mapping| {
            let keep = *address == client
                || now.saturating_duration_since(mapping.last_used) < MAPPING_IDLE_LIMIT;
            if !keep {
                mapping.reader.abort();
            }
            keep
        });
        let current = mappings
            .get(&client)
            .is_some_and(|mapping| mapping.generation == generation);
        if !current {
            let Ok(socket) = UdpSocket::bind((upstream_ip, 0)).await else {
                continue;
            };
            let socket = Arc::new(socket);
            if let Ok(addr) = socket.local_addr() {
                handle.lock().mapped.insert(client, addr);
            }
            let reader = tokio::spawn(relay_down(
                socket.clone(),
                front.clone(),
                client,
                handle.clone(),
            ));
            if let Some(old) = mappings.insert(
                client,
                Mapping {
                    socket,
                    generation,
                    reader,
                    last_used: now,
                },
            ) {
                old.reader.abort();
            }
        }
        if let Some(mapping) = mappings.get_mut(&client) {
            mapping.last_used = now;
        }
        let deliver_at = handle.admit(Direction::Up, len);
        if let Some(at) = deliver_at {
            let socket = mappings[&client].socket.clone();
            send_later(socket, buf[..len].to_vec(), upstream, at);
        }
    }
}

async fn relay_down(
    upstream_socket: Arc<UdpSocket>,
    front: Arc<UdpSocket>,
    client: SocketAddr,
    handle: ProxyHandle,
) {
    let mut buf = vec![0u8; MAX_DATAGRAM];
    loop {
        let Ok((len, _server)) = upstream_socket.recv_from(&mut buf).await else {
            continue;
        };
        let deliver_at = handle.admit(Direction::Down, len);
        if let Some(at) = deliver_at {
            send_later(front.clone(), buf[..len].to_vec(), client, at);
        }
    }
}
