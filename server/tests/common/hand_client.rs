//! A client transport driven by hand on a real UDP socket, with no session logic on
//! top: the test decides when it types, and when it talks at all.

use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mosh_core::crypto::{SessionCipher, SessionKey};
use mosh_core::protocol::ssp::{SocketId, Transport, UserStream};
use mosh_core::session::TerminalState;

/// The client end of a session with a server on loopback `port`.
pub struct HandClient {
    socket: UdpSocket,
    /// The SSP transport: its current state is what the client types.
    pub transport: Transport<UserStream, TerminalState>,
    buf: Vec<u8>,
}

impl HandClient {
    /// A client of the server on 127.0.0.1:`port` with printable `key`; each
    /// [`HandClient::receive_one`] waits at most `wait`.
    pub fn new(port: u16, key: &str, wait: Duration) -> HandClient {
        let server: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let key = SessionKey::parse(key).expect("the server's key");
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        socket.set_read_timeout(Some(wait)).unwrap();
        let transport = Transport::client(
            Arc::new(SessionCipher::new(&key)),
            UserStream::new(),
            TerminalState::blank(80, 24),
            server,
            Instant::now(),
        );
        HandClient {
            socket,
            transport,
            buf: vec![0; 65_536],
        }
    }

    /// Waits for one datagram; whether an authentic one arrived.
    pub fn receive_one(&mut self) -> bool {
        let Ok((len, from)) = self.socket.recv_from(&mut self.buf) else {
            return false;
        };
        self.transport
            .handle_datagram(Instant::now(), &self.buf[..len], from, SocketId(0))
            .is_ok()
    }

    /// Sends what the transport has due now.
    pub fn send_due(&mut self) {
        while let Some(transmit) = self.transport.poll_transmit(Instant::now()).unwrap() {
            self.socket
                .send_to(&transmit.payload, transmit.destination)
                .unwrap();
        }
    }

    /// Talks (receives and sends what is due) for `length`.
    pub fn talk_for(&mut self, length: Duration) {
        let start = Instant::now();
        while start.elapsed() < length {
            self.receive_one();
            self.send_due();
        }
    }
}
