//! Snapshots of a client session, sans-IO: what comes back, what is refused, and that
//! no restore ever reuses a nonce.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use mosh_core::crypto::SessionKey;
use mosh_core::protocol::ssp::Endpoint;
use mosh_core::runtime::{NonceStore, RESERVED_BLOCK};
use mosh_core::session::snapshot::{SNAPSHOT_MAGIC, SNAPSHOT_VERSION};
use mosh_core::session::{ClientConfig, ClientSession, SnapshotError};

const WALL: u64 = 1_790_000_000_000_000;

fn key() -> SessionKey {
    SessionKey::parse("AAECAwQFBgcICQoLDA0ODw").unwrap()
}

fn server() -> SocketAddr {
    "127.0.0.1:60001".parse().unwrap()
}

fn session(now: Instant) -> ClientSession {
    ClientSession::connect(
        ClientConfig {
            server: server(),
            key: key(),
            columns: 100,
            rows: 30,
            first_sequence: 0,
        },
        now,
    )
}

/// Every sequence number the session puts on the wire while sending `count` datagrams
/// (typing every 300 ms of virtual time; without a server the session gives up after
/// its 15 s connect timeout, so `count` stays below what fits in that time).
fn sent_seqs(session: &mut ClientSession, start: Instant, count: usize) -> Vec<u64> {
    let mut seqs = Vec::new();
    let mut now = start;
    while seqs.len() < count {
        assert!(
            now < start + Duration::from_secs(15),
            "only {} datagrams sent",
            seqs.len()
        );
        session.send_input(b"x");
        while let Some(t) = session.poll_transmit(now).unwrap() {
            let word = u64::from_be_bytes(t.payload[..8].try_into().unwrap());
            seqs.push(word & !(1 << 63));
        }
        now += Duration::from_millis(300);
    }
    seqs
}

#[test]
fn round_trip_keeps_address_size_and_input() {
    let t0 = Instant::now();
    let mut s = session(t0);
    s.send_input(b"unacknowledged");
    let _ = sent_seqs(&mut s, t0, 3);
    let bytes = s.snapshot(WALL).unwrap();
    let restored = ClientSession::restore(&bytes, WALL + 1, t0).unwrap();
    assert_eq!(restored.remote_address(), Some(server()));
    assert_eq!(restored.window(), (100, 30));
    assert_eq!(restored.user_stream().len(), s.user_stream().len());
    assert_eq!(restored.server_state().framebuffer().width(), 100);
}

#[test]
fn restoring_the_same_snapshot_twice_never_repeats_a_nonce() {
    let t0 = Instant::now();
    let mut original = session(t0);
    let mut used: HashSet<u64> = sent_seqs(&mut original, t0, 10).into_iter().collect();
    let snapshot = original.snapshot(WALL).unwrap();
    // The original process went on sending after the snapshot was taken.
    for seq in sent_seqs(&mut original, t0 + Duration::from_secs(5), 20) {
        assert!(used.insert(seq));
    }
    // Two restores of the same bytes, the second after the first was killed
    // (one millisecond later on the wall clock), each sending plenty.
    for (i, wall) in [WALL + 5_000, WALL + 6_000].into_iter().enumerate() {
        let mut restored = ClientSession::restore(&snapshot, wall, t0).unwrap();
        for seq in sent_seqs(&mut restored, t0, 20) {
            assert!(
                used.insert(seq),
                "restore {i} repeated sequence number {seq}"
            );
        }
    }
    // Even a wall clock that went backwards does not start below the snapshot.
    let mut early = ClientSession::restore(&snapshot, WALL - 1_000_000, t0).unwrap();
    let first = sent_seqs(&mut early, t0, 1)[0];
    assert!(first > WALL);
}

#[test]
fn with_a_nonce_store_a_clock_that_went_backwards_never_repeats_a_nonce() {
    // The case: restore at W+5 ms and send, then restore the same snapshot
    // at W-1 s (the clock was set back) and send. With the wall clock alone the
    // second starts just above the snapshot, inside the first one's numbers; with
    // the store, each restore's block starts past the one before.
    let dir = std::env::temp_dir().join(format!("mosh-nonce-restore-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let store = NonceStore::new(&dir);
    let reserve =
        |key: &SessionKey, floor: u64| store.reserve(key, floor).map_err(|e| e.to_string());
    let t0 = Instant::now();
    let mut original = session(t0);
    let mut used: HashSet<u64> = sent_seqs(&mut original, t0, 10).into_iter().collect();
    let snapshot = original.snapshot(WALL).unwrap();
    let mut starts = Vec::new();
    for wall in [WALL + 5_000, WALL - 1_000_000, WALL - 2_000_000] {
        let mut restored = ClientSession::restore_reserving(&snapshot, wall, t0, reserve).unwrap();
        let seqs = sent_seqs(&mut restored, t0, 20);
        starts.push(seqs[0]);
        for seq in seqs {
            assert!(
                used.insert(seq),
                "restore at {wall} repeated sequence number {seq}"
            );
        }
    }
    // Each block is a whole reservation past the last: no session can send enough
    // (2^40 datagrams) to reach the next one.
    assert!(
        starts.windows(2).all(|w| w[1] >= w[0] + RESERVED_BLOCK),
        "{starts:?}"
    );
    // A store that cannot be written fails the restore instead of guessing.
    std::fs::write(dir.join("blocker"), b"").unwrap();
    let broken = NonceStore::new(dir.join("blocker"));
    let refused = ClientSession::restore_reserving(&snapshot, WALL, t0, |key, floor| {
        broken.reserve(key, floor).map_err(|e| e.to_string())
    });
    assert!(matches!(refused, Err(SnapshotError::Reservation(_))));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn two_fresh_connects_with_one_key_never_overlap() {
    // An app retrying a connect (or mosh-client re-run with one MOSH_KEY): each
    // process starts at its wall clock in µs, and a process sends fewer than one
    // datagram per µs, so the second starts above everything the first sent.
    let connect_at = |wall_us: u64, now: Instant| {
        ClientSession::connect(
            ClientConfig {
                server: server(),
                key: key(),
                columns: 80,
                rows: 24,
                first_sequence: wall_us,
            },
            now,
        )
    };
    let t0 = Instant::now();
    let mut first = connect_at(WALL, t0);
    let first_seqs = sent_seqs(&mut first, t0, 40);
    // The second connect comes after the first one's 40 datagrams (12 s of them),
    // by the same clock.
    let later = t0 + Duration::from_secs(12);
    let mut second = connect_at(WALL + 12_000_000, later);
    let second_seqs = sent_seqs(&mut second, later, 40);
    let first_set: HashSet<u64> = first_seqs.iter().copied().collect();
    assert!(first_seqs[0] >= WALL);
    assert!(
        second_seqs.iter().all(|seq| !first_set.contains(seq)),
        "a fresh connect repeated a sequence number of an earlier one"
    );
}

#[test]
fn damaged_and_foreign_snapshots_are_typed_errors() {
    let t0 = Instant::now();
    let s = session(t0);
    let good = s.snapshot(WALL).unwrap().to_vec();
    let now = Instant::now();
    let restore = |bytes: &[u8]| ClientSession::restore(bytes, WALL, now).err();

    assert_eq!(restore(b"hello"), Some(SnapshotError::Foreign));
    assert_eq!(
        restore(b"NOTASNAPSHOTATALL!!!"),
        Some(SnapshotError::Foreign)
    );
    let mut newer = good.clone();
    newer[8..10].copy_from_slice(&(SNAPSHOT_VERSION + 1).to_be_bytes());
    assert_eq!(
        restore(&newer),
        Some(SnapshotError::NewerVersion(SNAPSHOT_VERSION + 1))
    );
    assert_eq!(
        restore(&good[..good.len() - 1]),
        Some(SnapshotError::Truncated)
    );
    let mut padded = good.clone();
    padded.push(0);
    assert_eq!(restore(&padded), Some(SnapshotError::Truncated));
    // Every single flipped bit after the header is caught.
    for byte in SNAPSHOT_MAGIC.len() + 6..good.len() {
        let mut flipped = good.clone();
        flipped[byte] ^= 0x10;
        assert_eq!(
            restore(&flipped),
            Some(SnapshotError::Corrupt),
            "byte {byte}"
        );
    }
    // A length field claiming more than the limit is refused without allocating.
    let mut huge = good.clone();
    huge[10..14].copy_from_slice(&u32::MAX.to_be_bytes());
    assert_eq!(restore(&huge), Some(SnapshotError::Truncated));
    assert!(restore(&good).is_none());
}

#[test]
fn arbitrary_bytes_never_panic() {
    let now = Instant::now();
    let mut state = 0x1234_5678_9abc_def0u64;
    for len in 0..400 {
        let mut bytes = SNAPSHOT_MAGIC.to_vec();
        bytes.extend_from_slice(&1u16.to_be_bytes());
        bytes.extend_from_slice(&(len as u32).to_be_bytes());
        for _ in 0..len {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            bytes.push(state as u8);
        }
        // A valid checksum over garbage reaches the body decoder.
        let mut crc = flate2::Crc::new();
        crc.update(&bytes);
        bytes.extend_from_slice(&crc.sum().to_be_bytes());
        assert!(
            ClientSession::restore(&bytes, WALL, now).is_err(),
            "garbage of {len} bytes restored"
        );
    }
}
