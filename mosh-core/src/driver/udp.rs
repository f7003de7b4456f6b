//! Runs an [`Endpoint`] (an SSP transport or a session wrapping one) over real UDP
//! sockets with tokio. The endpoint decides everything; this only moves bytes, reads
//! the clock and sleeps.

use std::future::poll_fn;
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::task::Poll;
use std::time::Instant;

use tokio::io::ReadBuf;
use tokio::net::UdpSocket;

use crate::crypto::Role;
use crate::crypto::cipher::MAX_DATAGRAM_LEN;
use crate::protocol::codec::ReceiveError;
use crate::protocol::ssp::{Event, Receipt, SocketId};

use crate::protocol::ssp::Endpoint;

/// What one [`UdpDriver::step`] did.
#[derive(Debug)]
pub enum Step {
    /// An authentic datagram was processed.
    Received(Receipt),
    /// A datagram was dropped (unauthentic, reflected, malformed); counted in the
    /// transport's stats.
    Dropped(ReceiveError),
    /// A timer fired (the transport sent what was due).
    Timer,
}

/// Send-side counters of the driver (the transport counts what it handed out).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DriverStats {
    /// Datagrams the OS refused (no route, network down, buffer full); SSP resends.
    pub send_errors: u64,
}

/// One open socket: tokio's handle for receiving, and a second descriptor of the
/// same socket for sending. tokio only lets a socket send once its reactor has seen
/// it become writable, which for a socket opened on a network change would delay the
/// very datagram that should leave at once; a plain non-blocking send does not wait.
#[derive(Debug)]
struct OpenSocket {
    id: SocketId,
    recv: UdpSocket,
    send: std::net::UdpSocket,
}

/// One side of a session on tokio UDP sockets.
#[derive(Debug)]
pub struct UdpDriver<E: Endpoint> {
    transport: E,
    /// Open sockets, oldest first.
    sockets: Vec<OpenSocket>,
    /// The address family client sockets are opened for (the server's).
    client_bind: Option<SocketAddr>,
    events: Vec<Event>,
    buf: Vec<u8>,
    stats: DriverStats,
}

/// Linux and Apple platforms report an oversized datagram as EMSGSIZE, which std
/// does not map to an `ErrorKind`.
fn is_message_too_large(error: &io::Error) -> bool {
    let emsgsize = if cfg!(any(target_os = "linux", target_os = "android")) {
        90
    } else {
        40
    };
    error.raw_os_error() == Some(emsgsize)
}

/// The unspecified address (any port) of `server`'s family: where client sockets bind.
fn unspecified_of(server: SocketAddr) -> SocketAddr {
    match server {
        SocketAddr::V4(_) => SocketAddr::from((Ipv4Addr::UNSPECIFIED, 0)),
        SocketAddr::V6(_) => SocketAddr::from((Ipv6Addr::UNSPECIFIED, 0)),
    }
}

fn open_socket(id: SocketId, addr: SocketAddr) -> io::Result<OpenSocket> {
    wrap_socket(id, std::net::UdpSocket::bind(addr)?)
}

fn wrap_socket(id: SocketId, socket: std::net::UdpSocket) -> io::Result<OpenSocket> {
    socket.set_nonblocking(true)?;
    let send = socket.try_clone()?;
    Ok(OpenSocket {
        id,
        recv: UdpSocket::from_std(socket)?,
        send,
    })
}

impl<E: Endpoint> UdpDriver<E> {
    /// Runs a client transport. Its sockets are bound to the unspecified address of
    /// the server's family, on fresh ephemeral ports. Needs a tokio runtime.
    pub fn client(transport: E) -> io::Result<Self> {
        let server = transport
            .remote_address()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "client without server"))?;
        let mut driver = Self::new(transport, Vec::new(), Some(unspecified_of(server)));
        driver.flush()?;
        Ok(driver)
    }

    /// Runs a server transport on a socket bound to `bind` (for example `[::]:60001`,
    /// which on most systems also accepts IPv4 clients). Needs a tokio runtime.
    pub fn server(transport: E, bind: SocketAddr) -> io::Result<Self> {
        let socket = open_socket(SocketId::SERVER, bind)?;
        Ok(Self::new(transport, vec![socket], None))
    }

    /// Runs a server transport on `socket`, already bound (the daemon picks its port
    /// from a range). Needs a tokio runtime.
    pub fn server_on(transport: E, socket: std::net::UdpSocket) -> io::Result<Self> {
        let socket = wrap_socket(SocketId::SERVER, socket)?;
        Ok(Self::new(transport, vec![socket], None))
    }

    fn new(transport: E, sockets: Vec<OpenSocket>, client_bind: Option<SocketAddr>) -> Self {
        Self {
            transport,
            sockets,
            client_bind,
            events: Vec::new(),
            buf: vec![0; MAX_DATAGRAM_LEN + 1],
            stats: DriverStats::default(),
        }
    }

    /// The endpoint (a transport or a session), to read states and counters.
    pub fn endpoint(&self) -> &E {
        &self.transport
    }

    /// The endpoint, to change the local state; call [`UdpDriver::flush`] after.
    pub fn endpoint_mut(&mut self) -> &mut E {
        &mut self.transport
    }

    /// Send-side counters.
    pub fn stats(&self) -> DriverStats {
        self.stats
    }

    /// The local address of the socket that sends (the newest).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        match self.sockets.last() {
            Some(socket) => socket.send.local_addr(),
            None => Err(io::Error::new(io::ErrorKind::NotConnected, "no socket")),
        }
    }

    /// Address changes and detaches since the last call (socket events are handled
    /// here and not reported).
    pub fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    /// The OS network changed: open a fresh socket now (new source port, bound
    /// through the new default route) and send from it at once.
    pub fn network_changed(&mut self) -> io::Result<()> {
        self.transport.network_changed(Instant::now());
        self.flush()
    }

    /// Client: send to `server` from now on (the next address of a host name while
    /// connecting), from a fresh socket of its address family, at once.
    pub fn retarget(&mut self, server: SocketAddr) -> io::Result<()> {
        if self.client_bind.is_some() {
            self.client_bind = Some(unspecified_of(server));
            self.transport.retarget(server, Instant::now());
        }
        self.flush()
    }

    /// Sends whatever the transport has due and applies its socket events. Call
    /// after changing the local state.
    pub fn flush(&mut self) -> io::Result<()> {
        self.flush_counting().map(drop)
    }

    /// [`UdpDriver::flush`], returning how many datagrams the endpoint handed out.
    fn flush_counting(&mut self) -> io::Result<usize> {
        let mut handed_out = 0;
        loop {
            self.apply_events()?;
            let Some(transmit) = self
                .transport
                .poll_transmit(Instant::now())
                .map_err(io::Error::other)?
            else {
                break;
            };
            handed_out += 1;
            let socket = self.sockets.iter().find(|open| open.id == transmit.socket);
            let Some(socket) = socket else {
                // A socket that failed to open: the datagram is lost like any other.
                self.stats.send_errors += 1;
                continue;
            };
            match socket.send.send_to(&transmit.payload, transmit.destination) {
                Ok(_) => {}
                Err(error) if is_message_too_large(&error) => {
                    self.stats.send_errors += 1;
                    self.transport.report_message_too_large();
                }
                Err(_) => self.stats.send_errors += 1,
            }
        }
        self.apply_events()?;
        Ok(handed_out)
    }

    fn apply_events(&mut self) -> io::Result<()> {
        while let Some(event) = self.transport.poll_event() {
            match event {
                Event::OpenSocket(id) => {
                    let bind = self.client_bind.expect("only clients open sockets");
                    match open_socket(id, bind) {
                        Ok(socket) => {
                            tracing::debug!(socket = id.0, "rebind: sending from a fresh socket");
                            self.sockets.push(socket);
                        }
                        // Out of descriptors or no network: sends from it fail and
                        // count; the next hop tries again.
                        Err(error) => {
                            tracing::warn!(%error, "could not open a socket");
                            self.stats.send_errors += 1;
                        }
                    }
                }
                Event::CloseSocket(id) => self.sockets.retain(|open| open.id != id),
                other => self.events.push(other),
            }
        }
        Ok(())
    }

    /// Waits for the next datagram or timer, processes it and sends what became
    /// due. Cancel-safe: dropping the future loses nothing.
    ///
    /// What was already due is sent first, and then the step returns at once
    /// ([`Step::Timer`]) without waiting: that send may have changed what the caller
    /// must look at (a server that sent its shutdown acknowledgement has exited and
    /// has nothing left to wait for; waiting would never end).
    pub async fn step(&mut self) -> io::Result<Step> {
        if self.flush_counting()? > 0 {
            return Ok(Step::Timer);
        }
        let deadline = self.transport.poll_timeout();
        let received = {
            let sockets = &self.sockets;
            let buf = &mut self.buf;
            let recv = poll_fn(|cx| {
                for (index, socket) in sockets.iter().enumerate() {
                    loop {
                        let mut read = ReadBuf::new(buf);
                        match socket.recv.poll_recv_from(cx, &mut read) {
                            Poll::Ready(Ok(from)) => {
                                return Poll::Ready(Ok((index, from, read.filled().len())));
                            }
                            // ICMP errors from earlier sends surface here on some
                            // systems; they say nothing about this socket's future.
                            Poll::Ready(Err(error))
                                if matches!(
                                    error.kind(),
                                    io::ErrorKind::ConnectionRefused
                                        | io::ErrorKind::ConnectionReset
                                ) => {}
                            Poll::Ready(Err(error)) => return Poll::Ready(Err(error)),
                            Poll::Pending => break,
                        }
                    }
                }
                Poll::Pending
            });
            match deadline {
                Some(deadline) => tokio::time::timeout_at(deadline.into(), recv).await.ok(),
                None => Some(recv.await),
            }
        };
        let step = match received {
            None => Step::Timer,
            Some(result) => {
                let (index, from, len) = result?;
                let socket = self.sockets[index].id;
                let payload = &self.buf[..len];
                match self
                    .transport
                    .handle_datagram(Instant::now(), payload, from, socket)
                {
                    Ok(receipt) => Step::Received(receipt),
                    Err(error) => Step::Dropped(error),
                }
            }
        };
        self.flush()?;
        Ok(step)
    }

    /// Whether this drives a client.
    pub fn is_client(&self) -> bool {
        self.transport.role() == Role::Client
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::codec::SendError;
    use crate::protocol::ssp::Transmit;

    /// A server endpoint with one datagram due and, once that is out, nothing left
    /// to wait for: as a server session that just acknowledged the client's shutdown.
    struct LastWord {
        due: bool,
        to: SocketAddr,
    }

    impl Endpoint for LastWord {
        fn handle_datagram(
            &mut self,
            _: Instant,
            _: &[u8],
            _: SocketAddr,
            _: SocketId,
        ) -> Result<Receipt, ReceiveError> {
            unreachable!("nothing is sent to it")
        }

        fn poll_transmit(&mut self, _: Instant) -> Result<Option<Transmit>, SendError> {
            Ok(std::mem::take(&mut self.due).then(|| Transmit {
                destination: self.to,
                socket: SocketId::SERVER,
                payload: b"bye".to_vec(),
            }))
        }

        fn poll_event(&mut self) -> Option<Event> {
            None
        }

        fn poll_timeout(&self) -> Option<Instant> {
            None
        }

        fn network_changed(&mut self, _: Instant) {}

        fn report_message_too_large(&mut self) {}

        fn retarget(&mut self, _: SocketAddr, _: Instant) {}

        fn remote_address(&self) -> Option<SocketAddr> {
            Some(self.to)
        }

        fn role(&self) -> Role {
            Role::Server
        }
    }

    #[tokio::test]
    async fn a_step_that_sends_what_was_due_returns_without_waiting() {
        let peer = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let endpoint = LastWord {
            due: true,
            to: peer.local_addr().unwrap(),
        };
        let mut driver = UdpDriver::server(endpoint, "127.0.0.1:0".parse().unwrap()).unwrap();
        // Before the fix the step sent the datagram, then waited with no deadline
        // for a datagram that never comes: the daemon never exited.
        let step = tokio::time::timeout(std::time::Duration::from_secs(2), driver.step())
            .await
            .expect("the step returned");
        assert!(matches!(step, Ok(Step::Timer)));
        let mut buf = [0u8; 8];
        assert_eq!(peer.recv(&mut buf).unwrap(), 3, "the due datagram left");
    }
}
