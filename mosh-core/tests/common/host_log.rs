//! A client-side stand-in for the terminal state when talking to a stock
//! `mosh-server`: it records the host bytes of every applied diff (so a test can look
//! for text the shell printed) and the echo ack, without emulating a screen.

use std::sync::Arc;

use mosh_core::protocol::proto::{DiffError, HostEvent, HostMessage};
use prost::Message;

/// Most host bytes kept; older ones are dropped.
const KEEP: usize = 1 << 20;

/// Host bytes seen so far (the tail), and the echo ack.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostLog {
    bytes: Arc<Vec<u8>>,
    /// Total host bytes ever applied, to tell versions apart.
    total: u64,
    /// The newest echo ack.
    pub echo_ack: u64,
}

impl HostLog {
    /// The host bytes seen, lossily as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

impl mosh_core::protocol::ssp::SyncState for HostLog {
    type ApplyError = DiffError;

    /// Only the client side is used; the diff re-sends the bytes `self` has beyond
    /// `base` and the echo ack, like a server would.
    fn diff_from(&self, base: &Self) -> Vec<u8> {
        if self == base {
            return Vec::new();
        }
        let mut events = Vec::new();
        if self.echo_ack != base.echo_ack {
            events.push(HostEvent::EchoAck(self.echo_ack));
        }
        let new = usize::try_from(self.total.saturating_sub(base.total)).unwrap_or(usize::MAX);
        let held = self.bytes.len().min(new);
        if held > 0 {
            events.push(HostEvent::HostBytes(
                self.bytes[self.bytes.len() - held..].to_vec(),
            ));
        }
        HostMessage::from_events(&events).encode_to_vec()
    }

    fn apply(&mut self, diff: &[u8]) -> Result<(), DiffError> {
        for event in HostMessage::decode_events(diff)? {
            match event {
                HostEvent::HostBytes(bytes) => {
                    let log = Arc::make_mut(&mut self.bytes);
                    log.extend_from_slice(&bytes);
                    if log.len() > KEEP {
                        log.drain(..log.len() - KEEP);
                    }
                    self.total += bytes.len() as u64;
                }
                HostEvent::EchoAck(num) => self.echo_ack = self.echo_ack.max(num),
                HostEvent::Resize(_) | HostEvent::Scrollback(_) => {}
            }
        }
        Ok(())
    }
}
