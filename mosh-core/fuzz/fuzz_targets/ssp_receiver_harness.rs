//! A client session receiving instructions from a peer that holds the key and sends
//! hostile state numbers, acks, throwaway values and diffs. Shared by the cargo-fuzz
//! target (`fuzz_targets/ssp_receiver.rs`) and the corpus replay test CI runs
//! (`mosh-core/tests/fuzz_corpus.rs`).
//!
//! Input format: records `old:u16be new:u16be ack:u16be throwaway:u16be flags:u8
//! len:u16be diff[len]`. The numbers are small so the fuzzer hits real states; flag
//! bits turn each into u64::MAX or into "far away" values, and pick a diff built from
//! events (bit 4: the body is raw host bytes wrapped in a HostMessage) or raw.

use std::sync::Arc;
use std::time::{Duration, Instant};

use mosh_core::crypto::{Role, SessionCipher, SessionKey};
use mosh_core::protocol::codec::InstructionSender;
use mosh_core::protocol::proto::{HostEvent, HostMessage, Instruction, PROTOCOL_VERSION};
use mosh_core::protocol::ssp::{Endpoint, SocketId};
use mosh_core::session::{ClientConfig, ClientSession};
use prost::Message;

/// The key both sides use.
pub const HARNESS_KEY: [u8; 16] = [9; 16];

fn number(value: u16, flags: u8, bit: u8) -> u64 {
    match (flags >> bit) & 1 {
        1 if value & 1 == 0 => u64::MAX,
        1 => u64::from(value) << 40,
        _ => u64::from(value),
    }
}

/// Runs one fuzz input; must never panic, hang or allocate without bound.
pub fn run(data: &[u8]) {
    let key = SessionKey::from_bytes(HARNESS_KEY);
    let cipher = Arc::new(SessionCipher::new(&key));
    let server = "127.0.0.1:60001".parse().unwrap();
    let t0 = Instant::now();
    let mut client = ClientSession::connect(
        ClientConfig {
            server,
            key,
            columns: 80,
            rows: 24,
            sequence: mosh_core::crypto::SequencePlan::FROM_ZERO,
            scrollback_lines: mosh_core::session::scrollback::MAX_SCROLLBACK_LINES,
        },
        t0,
    );
    let mut peer = InstructionSender::new(cipher, Role::Server);
    let mut rest = data;
    let mut now = t0;
    while let Some((head, tail)) = rest.split_first_chunk::<11>() {
        let field = |i: usize| u16::from_be_bytes([head[2 * i], head[2 * i + 1]]);
        let flags = head[8];
        let len = usize::from(u16::from_be_bytes([head[9], head[10]])).min(tail.len());
        let (body, next) = tail.split_at(len);
        rest = next;
        let diff = if flags & 16 != 0 {
            HostMessage::from_events(&[HostEvent::HostBytes(body.to_vec())]).encode_to_vec()
        } else {
            body.to_vec()
        };
        let instruction = Instruction {
            protocol_version: PROTOCOL_VERSION,
            old_num: number(field(0), flags, 0),
            new_num: number(field(1), flags, 1),
            ack_num: number(field(2), flags, 2),
            throwaway_num: number(field(3), flags, 3),
            diff,
            chaff: Vec::new(),
            resume: None,
            resync: None,
        };
        let Ok(datagrams) = peer.encode(&instruction, 1400, Some(1), None) else {
            continue;
        };
        for datagram in datagrams {
            let _ = client.handle_datagram(now, &datagram, server, SocketId(0));
        }
        // The session's own sending and timers run too.
        while let Ok(Some(_)) = client.poll_transmit(now) {}
        let _ = client.screen().rows().len();
        now += Duration::from_millis(u64::from(flags >> 5) * 40);
    }
}

/// Encodes one record in the harness input format (used to build seeds).
pub fn record(numbers: [u16; 4], flags: u8, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for n in numbers {
        out.extend_from_slice(&n.to_be_bytes());
    }
    out.push(flags);
    out.extend_from_slice(&u16::try_from(body.len()).unwrap_or(u16::MAX).to_be_bytes());
    out.extend_from_slice(body);
    out
}
