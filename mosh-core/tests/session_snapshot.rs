//! Snapshots of a client session, sans-IO: what comes back, what is refused, and that
//! no restore ever reuses a nonce.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use mosh_core::crypto::SequencePlan;
use mosh_core::crypto::sequence_plan::{LANE_BITS, clock_tick};
use mosh_core::crypto::{SessionCipher, SessionKey};
use mosh_core::protocol::ssp::Endpoint;
use mosh_core::runtime::NonceStore;
use mosh_core::session::snapshot::{SNAPSHOT_MAGIC, SNAPSHOT_VERSION};
use mosh_core::session::{
    ClientConfig, ClientSession, ServerSession, ServerTimeouts, SnapshotError,
};

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
            sequence: mosh_core::crypto::SequencePlan::FROM_ZERO,
            scrollback_lines: mosh_core::session::scrollback::MAX_SCROLLBACK_LINES,
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

/// Runs `client` against `host` on a lossless link with no delay, in 10 ms steps
/// of virtual time from `from` for `length`; stops early once the client closed.
/// Returns the time reached.
fn exchange(
    client: &mut ClientSession,
    host: &mut ServerSession,
    from: Instant,
    length: Duration,
) -> Instant {
    let client_addr: SocketAddr = "127.0.0.1:40000".parse().unwrap();
    let mut now = from;
    while now < from + length && client.closed().is_none() {
        while let Some(t) = client.poll_transmit(now).unwrap() {
            let _ = host.handle_datagram(now, &t.payload, client_addr);
        }
        while let Some(t) = host.poll_transmit(now).unwrap() {
            let _ = client.handle_datagram(now, &t.payload, server(), t.socket);
        }
        now += Duration::from_millis(10);
    }
    now
}

/// A server session with the test key, at 100 × 30 like `session`.
fn our_server(now: Instant) -> ServerSession {
    let cipher = Arc::new(SessionCipher::new(&key()));
    ServerSession::new(cipher, 100, 30, ServerTimeouts::default(), now)
}

#[test]
fn a_fresh_snapshot_resumes_and_so_does_a_stale_one_with_our_server() {
    let t0 = Instant::now();
    let mut server = our_server(t0);
    let mut original = session(t0);
    server.pty_output(b"$ ");
    let t1 = exchange(&mut original, &mut server, t0, Duration::from_secs(1));
    let first_row = original.server_state().framebuffer().rows()[0].text();
    assert!(first_row.starts_with('$'), "{first_row:?}");
    let snapshot = original.snapshot(WALL).unwrap();

    // Restored before the original said anything more: it resumes, and a whole
    // minute with output from time to time never ends it.
    let mut resumed = ClientSession::restore(&snapshot, WALL + 1_000_000, t1).unwrap();
    server.pty_output(b"resumed");
    let mut now = exchange(&mut resumed, &mut server, t1, Duration::from_secs(1));
    assert!(
        resumed.server_state().framebuffer().rows()[0]
            .text()
            .contains("resumed")
    );
    for _ in 0..6 {
        server.pty_output(b".");
        now = exchange(&mut resumed, &mut server, now, Duration::from_secs(10));
    }
    assert_eq!(resumed.closed(), None);

    // The same snapshot again: the server has gone on since (the resumed session
    // exchanged states with it), so it keeps no state this restore holds. Our
    // server resumes it anyway (the resync extension, tests/resync_extension_sim.rs):
    // the whole screen from the reset base at its first reply. Against a stock
    // server the same restore ends as out of sync at its first reply
    // (StateOutcome::Forgotten; mosh-ffi/tests/session_stock_server.rs).
    server.pty_output(b" again");
    let mut stale = ClientSession::restore(&snapshot, WALL + 100_000_000, now).unwrap();
    exchange(&mut stale, &mut server, now, Duration::from_millis(100));
    assert_eq!(stale.closed(), None);
    assert!(
        stale.server_state().framebuffer().rows()[0]
            .text()
            .contains("again")
    );
    assert_eq!(stale.transport().stats().states.forgotten, 0);
    assert!(server.exit().is_none());
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
    // Even a wall clock that went backwards does not start below the snapshot's time.
    let mut early = ClientSession::restore(&snapshot, WALL - 1_000_000, t0).unwrap();
    let first = sent_seqs(&mut early, t0, 1)[0];
    assert!(first >> LANE_BITS > clock_tick(WALL));
}

#[test]
fn with_a_nonce_store_a_clock_that_went_backwards_never_repeats_a_nonce() {
    // The case: restore at W+5 ms and send, then restore the same snapshot
    // at W-1 s (the clock was set back) and send. With the wall clock alone the
    // second starts just above the snapshot, inside the first one's numbers; with
    // the store, each restore has a lane of its own and starts above the one before.
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
    // Each starts at a later tick than the last, in another lane.
    let ticks: Vec<u64> = starts.iter().map(|s| s >> LANE_BITS).collect();
    let lanes: HashSet<u64> = starts.iter().map(|s| s % (1 << LANE_BITS)).collect();
    assert!(ticks.windows(2).all(|w| w[1] > w[0]), "{starts:?}");
    assert_eq!(lanes.len(), starts.len(), "{starts:?}");
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
    // process starts at its wall clock's tick, and a process sends fewer than one
    // datagram per tick, so the second starts above everything the first sent, even
    // in the same lane (here both are: the clock alone keeps them apart).
    let connect_at = |wall_us: u64, now: Instant| {
        ClientSession::connect(
            ClientConfig {
                server: server(),
                key: key(),
                columns: 80,
                rows: 24,
                sequence: SequencePlan::lane(clock_tick(wall_us), 5).unwrap(),
                scrollback_lines: mosh_core::session::scrollback::MAX_SCROLLBACK_LINES,
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
    assert!(first_seqs[0] >> LANE_BITS >= clock_tick(WALL));
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
        let bytes = with_checksum(bytes);
        assert!(
            ClientSession::restore(&bytes, WALL, now).is_err(),
            "garbage of {len} bytes restored"
        );
    }
}

#[test]
fn a_replayed_old_server_datagram_is_late_after_a_restore() {
    // A captured datagram of the server from before the snapshot, replayed to the
    // restored session: it must not count as contact (no last-heard time, no RTT).
    let t0 = Instant::now();
    let mut host = our_server(t0);
    let mut original = session(t0);
    host.pty_output(b"$ ");
    let t1 = exchange(&mut original, &mut host, t0, Duration::from_secs(1));
    host.pty_output(b"more");
    let mut captured = None;
    let mut now = t1;
    while captured.is_none() {
        while let Some(t) = original.poll_transmit(now).unwrap() {
            let _ = host.handle_datagram(now, &t.payload, "127.0.0.1:40000".parse().unwrap());
        }
        while let Some(t) = host.poll_transmit(now).unwrap() {
            let _ = original.handle_datagram(now, &t.payload, server(), t.socket);
            captured = Some(t.payload);
        }
        now += Duration::from_millis(10);
    }
    let snapshot = original.snapshot(WALL).unwrap();
    let later = now + Duration::from_secs(30);
    let mut restored = ClientSession::restore(&snapshot, WALL + 30_000_000, later).unwrap();
    let socket = restored.poll_transmit(later).unwrap().unwrap().socket;
    let _ = restored.handle_datagram(later, &captured.unwrap(), server(), socket);
    let stats = restored.transport().stats().datagrams;
    assert_eq!((stats.accepted, stats.late), (1, 1), "{stats:?}");
    assert_eq!(restored.transport().last_heard(), None);
}

/// `snapshot` with `fields` (varint field number, value) appended to its body and a
/// good checksum: what a writer with access to the file could make. Protobuf takes
/// the last value of a field, so these replace the saved ones.
fn with_fields(snapshot: &[u8], fields: &[(u32, u64)]) -> Vec<u8> {
    let mut body = snapshot[14..snapshot.len() - 4].to_vec();
    for (field, value) in fields {
        prost::encoding::encode_key(*field, prost::encoding::WireType::Varint, &mut body);
        prost::encoding::encode_varint(*value, &mut body);
    }
    let mut out = snapshot[..10].to_vec();
    out.extend_from_slice(&(body.len() as u32).to_be_bytes());
    out.extend_from_slice(&body);
    with_checksum(out)
}

/// `bytes` followed by their CRC-32, as a snapshot ends.
fn with_checksum(mut bytes: Vec<u8>) -> Vec<u8> {
    let mut crc = flate2::Crc::new();
    crc.update(&bytes);
    bytes.extend_from_slice(&crc.sum().to_be_bytes());
    bytes
}

#[test]
fn saved_counters_and_screens_out_of_range_are_refused() {
    let t0 = Instant::now();
    let good = session(t0).snapshot(WALL).unwrap().to_vec();
    let restore =
        |fields: &[(u32, u64)]| ClientSession::restore(&with_fields(&good, fields), WALL, t0).err();
    let out_of_range = Some(SnapshotError::Invalid("counter out of range"));
    // last_num near the top would make the next state the shutdown state.
    assert_eq!(restore(&[(7, u64::MAX - 1)]), out_of_range);
    assert_eq!(restore(&[(10, u64::MAX)]), out_of_range);
    assert_eq!(restore(&[(21, u64::MAX)]), out_of_range);
    // A 4096 × 4096 remote screen would be 256 MiB of cells from a few bytes.
    assert_eq!(
        restore(&[(11, 4096), (12, 4096)]),
        Some(SnapshotError::Invalid("remote screen too large"))
    );
    // Values in range restore.
    assert_eq!(restore(&[(7, 5), (11, 200), (12, 50)]), None);
}
