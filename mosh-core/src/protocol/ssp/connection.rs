//! Addresses and sockets: the server follows the newest authentic client address, the
//! client hops to a fresh source port when round trips stop succeeding, and the
//! server detaches from a silent client (protocol.md §4.4, §5, §12).
//!
//! Sockets belong to the driver; the core names them with [`SocketId`]s and tells the
//! driver through [`Event`]s when to open or close one.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::Instant;

use super::constants::{
    MAX_CLIENT_SOCKETS, OLD_SOCKET_LIFETIME, PORT_HOP_INTERVAL, SERVER_ASSOCIATION_TIMEOUT,
};
use crate::crypto::Role;
use crate::protocol::wire::{MTU_FALLBACK, MTU_IPV4, MTU_IPV6};

/// Names one of the driver's UDP sockets. The client's ids grow with every new
/// socket; the server uses [`SocketId::SERVER`] for its one socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SocketId(pub u64);

impl SocketId {
    /// The server's single socket.
    pub const SERVER: SocketId = SocketId(0);
}

/// Something the driver has to act on, or may log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// Open a new UDP socket (fresh ephemeral port, of the server address's family)
    /// under this id; transmits will name it from now on. Old sockets stay open and
    /// must still be read.
    OpenSocket(SocketId),
    /// Close this socket.
    CloseSocket(SocketId),
    /// Server: datagrams now go to this client address (attached or roamed).
    RemoteAddressChanged(SocketAddr),
    /// Server: the client was silent for the association timeout; nothing is sent
    /// until it is heard again.
    Detached,
}

#[derive(Debug, Clone, Copy)]
struct ClientSocket {
    id: SocketId,
    opened_at: Instant,
}

/// The connection-level state of one side.
#[derive(Debug)]
pub struct Connection {
    role: Role,
    /// Where datagrams go: the server's fixed address on the client, the newest
    /// in-order client address on the server (`None` before the first one).
    remote: Option<SocketAddr>,
    /// The socket the server last heard the client on, which it answers from.
    reply_socket: SocketId,
    /// When an in-order authentic datagram last arrived.
    last_heard: Option<Instant>,
    /// Where the newest in-order authentic datagram came from.
    heard_from: Option<SocketAddr>,
    detached: bool,
    /// Client sockets, oldest first; the last one sends.
    sockets: VecDeque<ClientSocket>,
    next_socket: u64,
    mtu_too_large: bool,
    events: VecDeque<Event>,
}

impl Connection {
    /// The client side, talking to `server` from socket `first_socket` and up.
    pub fn client(server: SocketAddr, first_socket: SocketId, now: Instant) -> Self {
        let mut connection = Self::new(Role::Client, Some(server));
        connection.next_socket = first_socket.0;
        connection.open_socket(now);
        connection
    }

    /// The server side, waiting for (or, when resuming, answering) `client`.
    pub fn server(client: Option<SocketAddr>) -> Self {
        Self::new(Role::Server, client)
    }

    fn new(role: Role, remote: Option<SocketAddr>) -> Self {
        Self {
            role,
            remote,
            reply_socket: SocketId::SERVER,
            last_heard: None,
            heard_from: None,
            detached: false,
            sockets: VecDeque::new(),
            next_socket: 0,
            mtu_too_large: false,
            events: VecDeque::new(),
        }
    }

    /// The next event for the driver.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// Where to send, and from which socket; `None` while the server has no client
    /// (never heard one, or detached after the association timeout).
    pub fn path(&mut self, now: Instant) -> Option<(SocketAddr, SocketId)> {
        let remote = self.remote?;
        match self.role {
            Role::Client => Some((remote, self.sockets.back()?.id)),
            Role::Server => {
                let silent = self.last_heard.is_some_and(|heard| {
                    now.saturating_duration_since(heard) >= SERVER_ASSOCIATION_TIMEOUT
                });
                if silent && !self.detached {
                    self.detached = true;
                    self.events.push_back(Event::Detached);
                }
                (!self.detached).then_some((remote, self.reply_socket))
            }
        }
    }

    /// The remote address datagrams go to.
    pub fn remote(&self) -> Option<SocketAddr> {
        self.remote
    }

    /// Where the newest in-order authentic datagram came from.
    pub fn heard_from(&self) -> Option<SocketAddr> {
        self.heard_from
    }

    /// When an in-order authentic datagram last arrived.
    pub fn last_heard(&self) -> Option<Instant> {
        self.last_heard
    }

    /// Whether the server gave up on a silent client.
    pub fn is_detached(&self) -> bool {
        self.detached
    }

    /// The application MTU for the current peer (§5).
    pub fn mtu(&self) -> usize {
        match self.remote {
            _ if self.mtu_too_large => MTU_FALLBACK,
            Some(SocketAddr::V4(_)) => MTU_IPV4,
            Some(SocketAddr::V6(v6)) if v6.ip().to_ipv4_mapped().is_some() => MTU_IPV4,
            Some(SocketAddr::V6(_)) => MTU_IPV6,
            None => MTU_FALLBACK,
        }
    }

    /// The OS refused a datagram as too large: fall back to the small MTU.
    pub fn message_too_large(&mut self) {
        self.mtu_too_large = true;
    }

    /// An authentic datagram arrived; `in_order` as decided by the sequence check.
    /// Only in-order datagrams count as hearing from the peer or move the server's
    /// idea of the client address (§4.4, §12.1).
    pub fn on_authentic(
        &mut self,
        now: Instant,
        from: SocketAddr,
        socket: SocketId,
        in_order: bool,
    ) {
        if in_order {
            self.last_heard = Some(now);
            self.heard_from = Some(from);
            if self.role == Role::Server {
                self.reply_socket = socket;
                if self.remote != Some(from) || self.detached {
                    self.remote = Some(from);
                    self.events.push_back(Event::RemoteAddressChanged(from));
                }
                self.detached = false;
            }
        }
        if self.role == Role::Client {
            self.prune_sockets(now);
        }
    }

    /// Client: called after each send; hops to a new socket when neither a port
    /// change nor a successful round trip happened for the hop interval (§12.2).
    pub fn after_send(&mut self, now: Instant, last_round_trip_success: Option<Instant>) {
        let Some(newest) = self.sockets.back() else {
            return;
        };
        let long_ago = |at: Instant| now.saturating_duration_since(at) >= PORT_HOP_INTERVAL;
        if long_ago(newest.opened_at) && last_round_trip_success.is_none_or(long_ago) {
            self.open_socket(now);
        }
    }

    /// Client: the network changed (new interface, new default route): move to a
    /// fresh socket at once. Returns false on the server, which has nothing to move.
    pub fn network_changed(&mut self, now: Instant) -> bool {
        if self.role != Role::Client {
            return false;
        }
        self.open_socket(now);
        true
    }

    /// Client: send to `server` from now on, from a fresh socket (it may be of the
    /// other address family). Returns false on the server, which follows its client.
    pub fn retarget(&mut self, server: SocketAddr, now: Instant) -> bool {
        if self.role != Role::Client {
            return false;
        }
        self.remote = Some(server);
        self.open_socket(now);
        true
    }

    fn open_socket(&mut self, now: Instant) {
        // Also capped here, not only after receives as stock does: a phone out of
        // coverage hears nothing for hours and would otherwise pile up sockets. The
        // oldest closes before the new one opens, so the driver never holds more.
        self.close_oldest_beyond(MAX_CLIENT_SOCKETS - 1);
        let id = SocketId(self.next_socket);
        self.next_socket += 1;
        self.sockets.push_back(ClientSocket { id, opened_at: now });
        self.events.push_back(Event::OpenSocket(id));
    }

    fn prune_sockets(&mut self, now: Instant) {
        let newest_settled = self.sockets.back().is_some_and(|newest| {
            now.saturating_duration_since(newest.opened_at) >= OLD_SOCKET_LIFETIME
        });
        if newest_settled {
            self.close_oldest_beyond(1);
        }
        self.close_oldest_beyond(MAX_CLIENT_SOCKETS);
    }

    fn close_oldest_beyond(&mut self, keep: usize) {
        while self.sockets.len() > keep {
            let old = self.sockets.pop_front().expect("longer than keep");
            self.events.push_back(Event::CloseSocket(old.id));
        }
    }

    /// The client's open sockets, oldest first.
    pub fn sockets(&self) -> impl Iterator<Item = SocketId> + '_ {
        self.sockets.iter().map(|socket| socket.id)
    }

    /// The id the next client socket will get (for resuming without id reuse).
    pub fn next_socket_id(&self) -> SocketId {
        SocketId(self.next_socket)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const S: Duration = Duration::from_secs(1);

    fn addr(text: &str) -> SocketAddr {
        text.parse().unwrap()
    }

    #[test]
    fn server_follows_only_in_order_datagrams_and_detaches_after_silence() {
        let t0 = Instant::now();
        let mut c = Connection::server(None);
        assert_eq!(c.path(t0), None);
        c.on_authentic(t0, addr("192.0.2.1:5000"), SocketId::SERVER, true);
        assert_eq!(
            c.poll_event(),
            Some(Event::RemoteAddressChanged(addr("192.0.2.1:5000")))
        );
        c.on_authentic(t0, addr("192.0.2.9:7000"), SocketId::SERVER, false);
        assert_eq!(c.path(t0), Some((addr("192.0.2.1:5000"), SocketId::SERVER)));
        c.on_authentic(t0 + S, addr("[2001:db8::1]:6000"), SocketId::SERVER, true);
        assert_eq!(c.mtu(), MTU_IPV6);
        assert_eq!(
            c.path(t0 + 40 * S),
            Some((addr("[2001:db8::1]:6000"), SocketId::SERVER))
        );
        assert_eq!(c.path(t0 + 41 * S), None);
        assert!(c.is_detached());
        c.poll_event();
        assert_eq!(c.poll_event(), Some(Event::Detached));
        c.on_authentic(
            t0 + 50 * S,
            addr("[2001:db8::1]:6000"),
            SocketId::SERVER,
            true,
        );
        assert!(c.path(t0 + 50 * S).is_some());
    }

    #[test]
    fn client_hops_after_ten_seconds_without_round_trips_and_caps_sockets() {
        let t0 = Instant::now();
        let mut c = Connection::client(addr("127.0.0.1:60001"), SocketId(0), t0);
        assert_eq!(c.mtu(), MTU_IPV4);
        assert_eq!(c.poll_event(), Some(Event::OpenSocket(SocketId(0))));
        c.after_send(t0 + 9 * S, None);
        assert_eq!(c.poll_event(), None);
        c.after_send(t0 + 10 * S, Some(t0 + 5 * S));
        assert_eq!(c.poll_event(), None, "a round trip succeeded 5 s ago");
        c.after_send(t0 + 10 * S, None);
        assert_eq!(c.poll_event(), Some(Event::OpenSocket(SocketId(1))));
        for i in 2..=12 {
            c.after_send(t0 + 10 * i * S, None);
        }
        assert_eq!(c.sockets().count(), MAX_CLIENT_SOCKETS);
        assert_eq!(c.sockets().next(), Some(SocketId(3)));
        c.on_authentic(t0 + 200 * S, addr("127.0.0.1:60001"), SocketId(12), true);
        assert_eq!(c.sockets().collect::<Vec<_>>(), [SocketId(12)]);
        assert!(c.network_changed(t0 + 200 * S));
        assert_eq!(c.path(t0).unwrap().1, SocketId(13));
    }
}
