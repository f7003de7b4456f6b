//! A minimal mosh endpoint over a real UDP socket, driven by hand from a test: the
//! test decides every instruction; this only does timestamps and the codec.

use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mosh_core::crypto::{Role, SessionCipher, SessionKey};
use mosh_core::protocol::codec::{Assembly, InstructionReceiver, InstructionSender};
use mosh_core::protocol::proto::Instruction;
use mosh_core::protocol::wire::MTU_IPV4;
use mosh_core::protocol::wire::timestamp::timestamp16;

/// One side of a session.
pub struct UdpPeer {
    socket: UdpSocket,
    remote: Option<SocketAddr>,
    role: Role,
    sender: InstructionSender,
    receiver: InstructionReceiver,
    epoch: Instant,
    saved_timestamp: Option<(u16, Instant)>,
    /// Our timestamp of the last send, to check the peer's echo against.
    pub last_sent_timestamp: u16,
    /// The last echo of our clock the peer sent.
    pub last_reply: Option<u16>,
    /// Instructions that arrived in more than one fragment.
    pub fragmented_instructions: usize,
    /// The largest datagram received.
    pub largest_datagram: usize,
    /// Datagrams received.
    pub datagrams: usize,
}

impl UdpPeer {
    /// A peer on `socket` playing `role`. A client knows `remote`; a server learns it
    /// from the datagrams it receives (and follows the newest one, as stock does).
    pub fn new(
        socket: UdpSocket,
        remote: Option<SocketAddr>,
        key: &SessionKey,
        role: Role,
    ) -> Self {
        let cipher = Arc::new(SessionCipher::new(key));
        Self {
            socket,
            remote,
            role,
            sender: InstructionSender::new(cipher.clone(), role),
            receiver: InstructionReceiver::new(cipher, role),
            epoch: Instant::now(),
            saved_timestamp: None,
            last_sent_timestamp: 0,
            last_reply: None,
            fragmented_instructions: 0,
            largest_datagram: 0,
            datagrams: 0,
        }
    }

    fn now16(&self) -> u16 {
        timestamp16(self.epoch.elapsed().as_millis() as u64)
    }

    /// Seals and sends `instruction`; returns how many datagrams it took.
    pub fn send(&mut self, instruction: &Instruction) -> usize {
        let remote = self.remote.expect("peer address known before sending");
        // Echo the peer's clock advanced by the time we held it, at most once.
        let reply = self.saved_timestamp.take().and_then(|(ts, at)| {
            let held = at.elapsed().as_millis();
            (held < 1000).then(|| ts.wrapping_add(held as u16))
        });
        let now = self.now16();
        self.last_sent_timestamp = now;
        let datagrams = self
            .sender
            .encode(instruction, MTU_IPV4, Some(now), reply)
            .expect("encode");
        for datagram in &datagrams {
            self.socket.send_to(datagram, remote).expect("send");
        }
        datagrams.len()
    }

    /// Waits up to `timeout` for the next complete instruction.
    pub fn recv(&mut self, timeout: Duration) -> Option<Instruction> {
        let deadline = Instant::now() + timeout;
        let mut buf = [0u8; 4096];
        let mut fragments = 0;
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            self.socket
                .set_read_timeout(Some(left.max(Duration::from_millis(1))))
                .unwrap();
            let (len, from) = match self.socket.recv_from(&mut buf) {
                Ok(got) => got,
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    return None;
                }
                Err(e) => panic!("recv: {e}"),
            };
            let Ok(received) = self.receiver.receive(&buf[..len]) else {
                continue;
            };
            self.datagrams += 1;
            self.largest_datagram = self.largest_datagram.max(len);
            if received.in_order {
                if self.role == Role::Server {
                    self.remote = Some(from);
                }
                if let Some(ts) = received.timestamp {
                    self.saved_timestamp = Some((ts, Instant::now()));
                }
                if received.timestamp_reply.is_some() {
                    self.last_reply = received.timestamp_reply;
                }
            }
            fragments += 1;
            match received.assembly {
                Assembly::Pending => {}
                Assembly::Complete(instruction) => {
                    if fragments > 1 {
                        self.fragmented_instructions += 1;
                    }
                    return Some(instruction);
                }
                Assembly::Rejected(error) => panic!("peer sent a bad instruction: {error}"),
            }
        }
    }

    /// Receive statistics of the underlying pipeline.
    pub fn stats(&self) -> mosh_core::protocol::codec::ReceiveStats {
        self.receiver.stats()
    }
}
