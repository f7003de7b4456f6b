//! A peer that holds the key cannot make us hold unbounded memory (issue 15): a
//! server that resizes to 4096×4096 and sends 50 clear screens the client must keep
//! (throwaway 0), and a client that sends 100 user diffs of 4 MiB each. Each test
//! measures what the receiver holds and the growth of the process's resident memory;
//! the two take turns (a lock) so that one's memory is not counted as the other's.

use std::time::Instant;

use mosh_core::protocol::proto::{
    HostEvent, HostMessage, Instruction, PROTOCOL_VERSION, WindowSize,
};
use mosh_core::protocol::ssp::constants::MAX_RECEIVED_STATES_BYTES;
use mosh_core::protocol::ssp::receiver::StateReceiver;
use mosh_core::protocol::ssp::{StateOutcome, SyncState, UserStream};
use mosh_core::session::TerminalState;
use prost::Message;

const MIB: usize = 1024 * 1024;

/// Held while a test measures resident memory.
static MEASURING: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn resident_bytes() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("read /proc/self/statm");
    let pages: usize = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

fn instruction(old_num: u64, new_num: u64, diff: Vec<u8>) -> Instruction {
    Instruction {
        protocol_version: PROTOCOL_VERSION,
        old_num,
        new_num,
        ack_num: 0,
        throwaway_num: 0,
        diff,
        chaff: Vec::new(),
        resume: None,
        resync: None,
    }
}

#[test]
fn a_hostile_server_cannot_make_the_client_hold_huge_screens() {
    let _turn = MEASURING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let before = resident_bytes();
    let mut client = StateReceiver::new(TerminalState::blank(80, 24));
    let now = Instant::now();
    let huge = HostMessage::from_events(&[
        HostEvent::Resize(WindowSize {
            width: 4096,
            height: 4096,
        }),
        HostEvent::HostBytes(b"\x1b[2Jhello".to_vec()),
    ])
    .encode_to_vec();
    assert!(matches!(
        client.receive(now, &instruction(0, 1, huge)),
        StateOutcome::Newest { .. }
    ));
    let screen = client.newest().framebuffer();
    assert!(
        screen.width() * screen.height() <= mosh_core::protocol::proto::resize::MAX_CELLS as usize,
        "{}×{} cells held",
        screen.width(),
        screen.height()
    );
    for num in 2..=51 {
        let clear = HostMessage::from_events(&[HostEvent::HostBytes(
            format!("\x1b[2J\x1b[Hclear {num}").into_bytes(),
        )])
        .encode_to_vec();
        let outcome = client.receive(now, &instruction(num - 1, num, clear));
        assert!(
            matches!(outcome, StateOutcome::Newest { .. }),
            "{num}: {outcome:?}"
        );
        assert!(client.heap_bytes() <= MAX_RECEIVED_STATES_BYTES);
    }
    let grown = resident_bytes().saturating_sub(before);
    eprintln!(
        "client: {} states held, {} MiB by account, resident memory grew {} MiB",
        client.len(),
        client.heap_bytes() / MIB,
        grown / MIB
    );
    assert!(client.stats().dropped_for_memory > 0);
    assert!(
        grown < 160 * MIB,
        "resident memory grew {} MiB",
        grown / MIB
    );
}

#[test]
fn a_hostile_client_cannot_make_the_server_hold_gigabytes_of_input() {
    let _turn = MEASURING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let before = resident_bytes();
    let mut server = StateReceiver::new(UserStream::new());
    let now = Instant::now();
    let mut sent = UserStream::new();
    let chunk = vec![b'k'; 4 * MIB - 64];
    for num in 1..=100u64 {
        let base = sent.clone();
        sent.push_keys(&chunk);
        let diff = sent.diff_from(&base);
        sent.subtract(&base);
        let outcome = server.receive(now, &instruction(num - 1, num, diff));
        assert!(
            matches!(outcome, StateOutcome::Newest { .. }),
            "{num}: {outcome:?}"
        );
        assert!(server.heap_bytes() <= MAX_RECEIVED_STATES_BYTES);
    }
    let grown = resident_bytes().saturating_sub(before);
    eprintln!(
        "server: {} states held, {} MiB by account, resident memory grew {} MiB",
        server.len(),
        server.heap_bytes() / MIB,
        grown / MIB
    );
    assert!(
        grown < 160 * MIB,
        "resident memory grew {} MiB",
        grown / MIB
    );
}
