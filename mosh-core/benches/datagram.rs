//! Sealing and opening datagrams, and the whole send/receive pipeline, for a typical
//! keystroke and for a full-MTU screen update. Figures go in docs/benchmarks.md.

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use std::sync::Arc;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use mosh_core::crypto::{Direction, Nonce, Role, SessionCipher, SessionKey};
use mosh_core::protocol::codec::{InstructionReceiver, InstructionSender};
use mosh_core::protocol::proto::{Instruction, PROTOCOL_VERSION, UserEvent, UserMessage};
use mosh_core::protocol::wire::{Datagram, Fragment, MTU_IPV4, compress};
use prost::Message;

fn cipher() -> Arc<SessionCipher> {
    Arc::new(SessionCipher::new(
        &SessionKey::parse("AAECAwQFBgcICQoLDA0ODw").unwrap(),
    ))
}

/// A one-key instruction as the stock client sends it (6 bytes of chaff).
fn keystroke_instruction() -> Instruction {
    Instruction {
        protocol_version: PROTOCOL_VERSION,
        old_num: 41,
        new_num: 42,
        ack_num: 17,
        throwaway_num: 41,
        diff: UserMessage::from_events(&[UserEvent::Keys(b"a".to_vec())]).encode_to_vec(),
        chaff: vec![0x5A; 6],
        resume: None,
        resync: None,
    }
}

/// Plaintexts: a keystroke datagram, and one filling an IPv4-MTU datagram.
fn plaintexts() -> [(&'static str, Vec<u8>); 2] {
    let keystroke = Datagram {
        nonce: Nonce::new(Direction::ToServer, 0).unwrap(),
        timestamp: Some(1000),
        timestamp_reply: Some(900),
        fragment: Fragment {
            instruction_id: 42,
            number: 0,
            is_final: true,
            chunk: compress(&keystroke_instruction().encode_to_vec()),
        },
    };
    let full_len = MTU_IPV4 - 24;
    let full: Vec<u8> = (0..full_len).map(|i| (i * 7 + 3) as u8).collect();
    [
        ("keystroke", keystroke.encode_plaintext().unwrap()),
        ("full-mtu", full),
    ]
}

fn seal_and_open(c: &mut Criterion) {
    let cipher = cipher();
    let nonce = Nonce::new(Direction::ToClient, 12345).unwrap();
    let mut group = c.benchmark_group("datagram");
    for (name, plaintext) in plaintexts() {
        let name = format!("{name}-{}B-plaintext", plaintext.len());
        let sealed = cipher.seal(nonce, &plaintext).unwrap();
        group.throughput(Throughput::Bytes(sealed.len() as u64));
        let mut buffer = Vec::with_capacity(2048);
        group.bench_with_input(BenchmarkId::new("seal", &name), &plaintext, |b, p| {
            b.iter(|| {
                buffer.clear();
                cipher.seal_into(nonce, p, &mut buffer).unwrap();
                buffer.len()
            })
        });
        group.bench_with_input(BenchmarkId::new("open", &name), &sealed, |b, s| {
            b.iter(|| cipher.open(s).unwrap())
        });
        let mut plaintext = Vec::with_capacity(2048);
        group.bench_with_input(BenchmarkId::new("open_into", &name), &sealed, |b, s| {
            b.iter(|| cipher.open_into(s, &mut plaintext).unwrap())
        });
    }
    group.finish();
}

fn pipeline(c: &mut Criterion) {
    let cipher = cipher();
    let instruction = keystroke_instruction();
    let mut group = c.benchmark_group("pipeline");
    let mut sender = InstructionSender::new(cipher.clone(), Role::Client);
    group.bench_function("encode/keystroke", |b| {
        b.iter(|| {
            sender
                .encode(&instruction, MTU_IPV4, Some(1), None)
                .unwrap()
        })
    });
    let datagram = sender
        .encode(&instruction, MTU_IPV4, Some(1), None)
        .unwrap()
        .remove(0);
    let mut receiver = InstructionReceiver::new(cipher, Role::Server);
    group.bench_function("decode/keystroke", |b| {
        b.iter(|| receiver.receive(&datagram).unwrap())
    });
    group.finish();
}

criterion_group!(benches, seal_and_open, pipeline);
criterion_main!(benches);
