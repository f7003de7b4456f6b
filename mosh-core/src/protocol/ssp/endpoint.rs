//! What a driver (the tokio `UdpDriver`, a simulator, a test) runs: anything with the
//! sans-IO shape of an SSP [`Transport`] (the transport itself, or a client session
//! wrapping one).

use std::net::SocketAddr;
use std::time::Instant;

use super::{Event, Receipt, SocketId, SyncState, Transmit, Transport};
use crate::crypto::Role;
use crate::protocol::codec::{ReceiveError, SendError};

/// A sans-IO endpoint: datagrams and time in, datagrams, socket events and a wake-up
/// time out. See [`Transport`] for the meaning of each call.
pub trait Endpoint {
    /// Processes one datagram that arrived from `from` on `socket`.
    fn handle_datagram(
        &mut self,
        now: Instant,
        datagram: &[u8],
        from: SocketAddr,
        socket: SocketId,
    ) -> Result<Receipt, ReceiveError>;
    /// The next datagram to send, if any.
    fn poll_transmit(&mut self, now: Instant) -> Result<Option<Transmit>, SendError>;
    /// The next socket to open or close, or a change worth logging.
    fn poll_event(&mut self) -> Option<Event>;
    /// When to wake up next if nothing arrives.
    fn poll_timeout(&self) -> Option<Instant>;
    /// The OS network changed: move to a fresh socket and send at once.
    fn network_changed(&mut self, now: Instant);
    /// The OS refused a datagram as too large.
    fn report_message_too_large(&mut self);
    /// Client: send to `server` from now on (another address of the same host, tried
    /// while connecting), from a fresh socket, at once. Sequence numbers go on.
    fn retarget(&mut self, server: SocketAddr, now: Instant);
    /// Where datagrams go.
    fn remote_address(&self) -> Option<SocketAddr>;
    /// Which side this is.
    fn role(&self) -> Role;
}

impl<L: SyncState, R: SyncState> Endpoint for Transport<L, R> {
    fn handle_datagram(
        &mut self,
        now: Instant,
        datagram: &[u8],
        from: SocketAddr,
        socket: SocketId,
    ) -> Result<Receipt, ReceiveError> {
        Transport::handle_datagram(self, now, datagram, from, socket)
    }

    fn poll_transmit(&mut self, now: Instant) -> Result<Option<Transmit>, SendError> {
        Transport::poll_transmit(self, now)
    }

    fn poll_event(&mut self) -> Option<Event> {
        Transport::poll_event(self)
    }

    fn poll_timeout(&self) -> Option<Instant> {
        Transport::poll_timeout(self)
    }

    fn network_changed(&mut self, now: Instant) {
        Transport::network_changed(self, now)
    }

    fn report_message_too_large(&mut self) {
        Transport::report_message_too_large(self)
    }

    fn retarget(&mut self, server: SocketAddr, now: Instant) {
        Transport::retarget(self, server, now)
    }

    fn remote_address(&self) -> Option<SocketAddr> {
        Transport::remote_address(self)
    }

    fn role(&self) -> Role {
        Transport::role(self)
    }
}
