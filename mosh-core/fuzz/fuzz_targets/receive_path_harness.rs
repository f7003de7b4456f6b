//! The whole receive path driven by arbitrary bytes. Shared by the cargo-fuzz target
//! (`fuzz_targets/receive_path.rs`) and the corpus replay test that CI runs
//! (`mosh-core/tests/fuzz_corpus.rs`), so both exercise exactly the same code.
//!
//! Input format: a sequence of records `mode:u8 len:u16be body[len]` (a short final
//! record takes what is left). Even `mode`: `body` is a raw UDP payload. Odd `mode`:
//! `body` is a plaintext that the harness seals under the fixed key, so the fuzzer gets
//! past authentication into fragments, reassembly, zlib and protobuf; bit 1 picks the
//! direction and the remaining bits pick how far the sequence number jumps (to reach
//! late and out-of-order handling).

use std::sync::Arc;

use mosh_core::crypto::{Direction, Nonce, Role, SessionCipher, SessionKey};
use mosh_core::protocol::codec::{Assembly, InstructionReceiver};
use mosh_core::protocol::proto::{HostMessage, UserMessage};

/// The fixed key of `session-fake-server.json` (bytes 00..0f), so captured stock
/// datagrams from that file authenticate when used as raw records.
pub const HARNESS_KEY: [u8; 16] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

/// Runs one fuzz input; must never panic, hang or allocate without bound.
pub fn run(data: &[u8]) {
    let cipher = Arc::new(SessionCipher::new(&SessionKey::from_bytes(HARNESS_KEY)));
    let mut server = InstructionReceiver::new(cipher.clone(), Role::Server);
    let mut client = InstructionReceiver::new(cipher.clone(), Role::Client);
    let mut seq: u64 = 0;
    let mut rest = data;
    while let Some((&mode, tail)) = rest.split_first() {
        let (len, tail) = match tail.split_first_chunk::<2>() {
            Some((len, tail)) => (usize::from(u16::from_be_bytes(*len)), tail),
            None => (tail.len(), &tail[tail.len()..]),
        };
        let (body, next) = tail.split_at(len.min(tail.len()));
        rest = next;
        let datagram = if mode & 1 == 0 {
            body.to_vec()
        } else {
            let direction = if mode & 2 == 0 {
                Direction::ToServer
            } else {
                Direction::ToClient
            };
            let jump = u64::from(mode >> 2);
            seq = if jump > 40 {
                seq.saturating_sub(jump - 40)
            } else {
                seq + jump
            };
            let Ok(nonce) = Nonce::new(direction, seq) else {
                continue;
            };
            match cipher.seal(nonce, body) {
                Ok(sealed) => sealed,
                Err(_) => continue,
            }
        };
        for receiver in [&mut server, &mut client] {
            if let Ok(received) = receiver.receive(&datagram)
                && let Assembly::Complete(instruction) = received.assembly
            {
                let _ = UserMessage::decode_events(&instruction.diff);
                let _ = HostMessage::decode_events(&instruction.diff);
            }
        }
    }
}

/// Encodes records in the harness input format (used to build seeds).
pub fn record(mode: u8, body: &[u8]) -> Vec<u8> {
    let len = u16::try_from(body.len()).expect("record body fits in u16");
    let mut out = vec![mode];
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(body);
    out
}
