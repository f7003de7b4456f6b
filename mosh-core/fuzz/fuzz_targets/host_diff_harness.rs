//! Host diffs applied to a client's copy of the terminal, with resizes among them, as
//! a server that holds the key could send them. Shared by the cargo-fuzz target
//! (`fuzz_targets/host_diff.rs`) and the corpus replay test CI runs.
//!
//! Input format: records `kind:u8 len:u16be body[len]`. Kind 0: `body` is a
//! serialized HostMessage applied as it is; kind 1: a resize to `body[0]+1` ×
//! `body[1]+1` (kept small, so the fuzzer spends its time on content); any other
//! kind: `body` is host bytes wrapped in a HostMessage.

use mosh_core::protocol::proto::{HostEvent, HostMessage, WindowSize};
use mosh_core::protocol::ssp::SyncState;
use mosh_core::session::TerminalState;
use prost::Message;

/// Runs one fuzz input; must never panic, hang or allocate without bound.
pub fn run(data: &[u8]) {
    let mut state = TerminalState::blank(80, 24);
    let mut rest = data;
    while let Some((&kind, tail)) = rest.split_first() {
        let (len, tail) = match tail.split_first_chunk::<2>() {
            Some((len, tail)) => (usize::from(u16::from_be_bytes(*len)), tail),
            None => (tail.len(), &tail[tail.len()..]),
        };
        let (body, next) = tail.split_at(len.min(tail.len()));
        rest = next;
        let diff = match kind {
            0 => body.to_vec(),
            1 => {
                let size = WindowSize {
                    width: u16::from(body.first().copied().unwrap_or(0)) + 1,
                    height: u16::from(body.get(1).copied().unwrap_or(0)) + 1,
                };
                HostMessage::from_events(&[HostEvent::Resize(size)]).encode_to_vec()
            }
            _ => HostMessage::from_events(&[HostEvent::HostBytes(body.to_vec())]).encode_to_vec(),
        };
        let before = state.clone();
        if state.apply(&diff).is_ok() {
            // What the client does with a new state: diff it against the old one.
            let _ = state.diff_from(&before);
        }
    }
}

/// Encodes one record in the harness input format (used to build seeds).
pub fn record(kind: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![kind];
    out.extend_from_slice(&u16::try_from(body.len()).unwrap_or(u16::MAX).to_be_bytes());
    out.extend_from_slice(body);
    out
}
