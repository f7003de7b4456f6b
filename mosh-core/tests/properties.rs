//! Property tests: every decoder returns `Ok` or a typed error on any input, sealing
//! round-trips, any tampering is caught, and the send and receive pipelines invert
//! each other under reordering and duplication.

mod common;

use std::sync::Arc;

use common::xorshift::XorShift64;
use mosh_core::crypto::{Direction, Nonce, OpenError, Role, SessionCipher, SessionKey};
use mosh_core::protocol::codec::{Assembly, InstructionReceiver, InstructionSender};
use mosh_core::protocol::proto::{HostMessage, Instruction, UserMessage};
use mosh_core::protocol::wire::fragment::Fragment;
use mosh_core::protocol::wire::{Datagram, Fragmenter, Reassembler, compress, decompress};
use proptest::prelude::*;

fn cipher_for(key: [u8; 16]) -> SessionCipher {
    SessionCipher::new(&SessionKey::from_bytes(key))
}

fn direction() -> impl Strategy<Value = Direction> {
    prop_oneof![Just(Direction::ToServer), Just(Direction::ToClient)]
}

fn instruction() -> impl Strategy<Value = Instruction> {
    (
        any::<[u64; 4]>(),
        proptest::collection::vec(any::<u8>(), 0..6000),
        proptest::collection::vec(any::<u8>(), 0..=16),
    )
        .prop_map(|(nums, diff, chaff)| Instruction {
            protocol_version: 2,
            old_num: nums[0],
            new_num: nums[1],
            ack_num: nums[2],
            throwaway_num: nums[3],
            diff,
            chaff,
            resume: None,
            resync: None,
        })
}

proptest! {
    #[test]
    fn any_text_is_a_key_or_a_key_error(text in ".{0,30}") {
        let _ = SessionKey::parse(&text);
    }

    #[test]
    fn printable_keys_round_trip(bytes in any::<[u8; 16]>()) {
        let key = SessionKey::from_bytes(bytes);
        prop_assert_eq!(SessionKey::parse(&key.to_printable()).unwrap(), key);
    }

    #[test]
    fn any_bytes_through_every_decoder(bytes in proptest::collection::vec(any::<u8>(), 0..3000)) {
        let cipher = cipher_for([7; 16]);
        let _ = cipher.open(&bytes);
        let nonce = Nonce::new(Direction::ToClient, 1).unwrap();
        let _ = Datagram::decode_plaintext(nonce, &bytes);
        let _ = Fragment::decode(&bytes);
        let _ = decompress(&bytes, 1 << 16);
        let _ = Instruction::decode_checked(&bytes);
        let _ = UserMessage::decode_events(&bytes);
        let _ = HostMessage::decode_events(&bytes);
    }

    /// Authentic datagrams with arbitrary plaintext reach every layer behind the AEAD.
    #[test]
    fn any_authentic_plaintexts_through_the_receive_pipeline(
        plaintexts in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..200), 1..8),
        seqs in proptest::collection::vec(0u64..20, 8),
    ) {
        let cipher = Arc::new(cipher_for([9; 16]));
        let mut receiver = InstructionReceiver::new(cipher.clone(), Role::Server);
        let mut delivered = 0;
        for (plaintext, seq) in plaintexts.iter().zip(seqs) {
            let sealed = cipher.seal(Nonce::new(Direction::ToServer, seq).unwrap(), plaintext).unwrap();
            let _ = receiver.receive(&sealed);
            delivered += 1;
        }
        // Every authentic datagram is either accepted or counted as malformed.
        let stats = receiver.stats();
        prop_assert_eq!(stats.accepted + stats.malformed, delivered);
        prop_assert_eq!(stats.unauthentic + stats.wrong_direction + stats.bad_length, 0);
    }

    #[test]
    fn seal_then_open_round_trips(
        key in any::<[u8; 16]>(),
        direction in direction(),
        seq in 0u64..=mosh_core::crypto::nonce::MAX_SEQ,
        plaintext in proptest::collection::vec(any::<u8>(), 0..=2024),
    ) {
        let cipher = cipher_for(key);
        let nonce = Nonce::new(direction, seq).unwrap();
        let sealed = cipher.seal(nonce, &plaintext).unwrap();
        prop_assert_eq!(cipher.open(&sealed).unwrap(), (nonce, plaintext));
    }

    #[test]
    fn any_flipped_bit_is_rejected(
        key in any::<[u8; 16]>(),
        seq in any::<u32>(),
        plaintext in proptest::collection::vec(any::<u8>(), 0..300),
        bit in any::<prop::sample::Index>(),
    ) {
        let cipher = cipher_for(key);
        let nonce = Nonce::new(Direction::ToServer, u64::from(seq)).unwrap();
        let mut sealed = cipher.seal(nonce, &plaintext).unwrap();
        let bit = bit.index(sealed.len() * 8);
        sealed[bit / 8] ^= 1 << (bit % 8);
        prop_assert_eq!(cipher.open(&sealed), Err(OpenError::Unauthentic));
    }

    #[test]
    fn compression_round_trips(data in proptest::collection::vec(any::<u8>(), 0..20_000)) {
        prop_assert_eq!(decompress(&compress(&data), data.len()).unwrap(), data);
    }

    #[test]
    fn fragments_reassemble_in_any_order_with_duplicates(
        data in proptest::collection::vec(any::<u8>(), 0..10_000),
        mtu in 39usize..=2048,
        order in proptest::collection::vec(any::<prop::sample::Index>(), 0..40),
    ) {
        let fragments = Fragmenter::new().fragment(&data, mtu).unwrap();
        // Deliver some random picks (duplicates likely) first, then everything.
        let mut delivery: Vec<Fragment> =
            order.iter().map(|i| fragments[i.index(fragments.len())].clone()).collect();
        delivery.extend(fragments.iter().rev().cloned());
        let mut slot = Reassembler::new();
        let mut completed = Vec::new();
        for fragment in delivery {
            if let Some(bytes) = slot.add(fragment).unwrap() {
                completed.push(bytes);
            }
        }
        prop_assert!(!completed.is_empty());
        prop_assert_eq!(&completed[0], &data);
    }

    #[test]
    fn sender_and_receiver_invert_each_other(
        instruction in instruction(),
        mtu in prop_oneof![Just(500usize), Just(1216), Just(1252), 39usize..=2048],
        reply in any::<Option<u16>>(),
        shuffle_seed in any::<u64>(),
    ) {
        let cipher = Arc::new(cipher_for([3; 16]));
        let mut sender = InstructionSender::new(cipher.clone(), Role::Client);
        let mut datagrams = sender.encode(&instruction, mtu, Some(1234), reply).unwrap();
        prop_assert!(datagrams.iter().all(|d| d.len() <= mtu));
        // A deterministic shuffle from the seed (proptest prints it on failure).
        let mut rng = XorShift64::new(shuffle_seed);
        for i in (1..datagrams.len()).rev() {
            datagrams.swap(i, (rng.next_u64() % (i as u64 + 1)) as usize);
        }
        let mut receiver = InstructionReceiver::new(cipher, Role::Server);
        let mut complete = Vec::new();
        for datagram in &datagrams {
            let received = receiver.receive(datagram).unwrap();
            prop_assert_eq!(received.timestamp, Some(1234));
            if received.seq != 0 {
                prop_assert_eq!(received.timestamp_reply, None);
            } else {
                prop_assert_eq!(received.timestamp_reply, reply.map(|r| if r == 0xFFFF { 0 } else { r }));
            }
            if let Assembly::Complete(done) = received.assembly {
                complete.push(done);
            }
        }
        prop_assert_eq!(complete, vec![instruction]);
    }
}
