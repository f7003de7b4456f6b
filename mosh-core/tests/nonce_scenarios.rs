//! Every way a phone can bring one session key back into use, played sans-IO with the
//! real nonce store on disk: each "process" is a client session on a virtual clock
//! with a wall-clock reading of its own, and every sequence number any of them puts
//! on the wire is recorded. Not one may repeat (`crypto/sequence_plan.rs`).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use mosh_core::crypto::SequencePlan;
use mosh_core::crypto::SessionKey;
use mosh_core::crypto::sequence_plan::clock_tick;
use mosh_core::protocol::ssp::Endpoint;
use mosh_core::runtime::NonceStore;
use mosh_core::session::{ClientConfig, ClientSession};

/// 2026-09-10, a wall-clock reading in µs.
const WALL: u64 = 1_789_000_000_000_000;
const SECOND: u64 = 1_000_000;

fn key() -> SessionKey {
    SessionKey::parse("AAECAwQFBgcICQoLDA0ODw").unwrap()
}

fn server() -> SocketAddr {
    "127.0.0.1:60001".parse().unwrap()
}

/// One device: a nonce store directory, or none.
struct Device {
    store: Option<PathBuf>,
}

impl Device {
    fn with_store(name: &str) -> Device {
        let dir = std::env::temp_dir().join(format!("mosh-nonces-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        Device { store: Some(dir) }
    }

    fn without_store() -> Device {
        Device { store: None }
    }

    fn plan(&self, floor: u64) -> Result<SequencePlan, String> {
        match &self.store {
            Some(dir) => NonceStore::new(dir)
                .reserve(&key(), floor)
                .map_err(|e| e.to_string()),
            None => SequencePlan::random_lane(floor).map_err(|e| e.to_string()),
        }
    }

    /// A fresh connect with the key at wall time `wall` (what the runtime does).
    fn connect(&self, wall: u64, now: Instant) -> ClientSession {
        let config = ClientConfig {
            server: server(),
            key: key(),
            columns: 80,
            rows: 24,
            sequence: self.plan(clock_tick(wall)).unwrap(),
            scrollback_lines: mosh_core::session::scrollback::MAX_SCROLLBACK_LINES,
        };
        ClientSession::connect(config, now)
    }

    /// A restore of `snapshot` at wall time `wall` (what the runtime does).
    fn restore(&self, snapshot: &[u8], wall: u64, now: Instant) -> ClientSession {
        ClientSession::restore_reserving(snapshot, wall, now, |_, floor| self.plan(floor)).unwrap()
    }

    /// The store directory's files, as a backup holds them.
    fn back_up(&self) -> HashMap<PathBuf, Vec<u8>> {
        let dir = self.store.as_ref().unwrap();
        std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| {
                let path = entry.unwrap().path();
                let bytes = std::fs::read(&path).unwrap();
                (path, bytes)
            })
            .collect()
    }

    /// The device restored from `backup`: the store as it was then.
    fn roll_back(&self, backup: &HashMap<PathBuf, Vec<u8>>) {
        let dir = self.store.as_ref().unwrap();
        remove(dir);
        std::fs::create_dir_all(dir).unwrap();
        for (path, bytes) in backup {
            std::fs::write(path, bytes).unwrap();
        }
    }

    fn delete_store(&self) {
        remove(self.store.as_ref().unwrap());
    }
}

impl Drop for Device {
    fn drop(&mut self) {
        if let Some(dir) = &self.store {
            remove(dir);
        }
    }
}

fn remove(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
}

/// Every sequence number on the wire, with the process that sent it.
#[derive(Default)]
struct Wire {
    senders: HashMap<u64, &'static str>,
}

impl Wire {
    /// Lets `session` send `count` datagrams (typing every 300 ms of virtual time
    /// from `start`) and records each; fails on a sequence number seen before.
    /// Returns them in order.
    fn run(
        &mut self,
        who: &'static str,
        session: &mut ClientSession,
        start: Instant,
        count: usize,
    ) -> Vec<u64> {
        let mut sent = Vec::new();
        let mut now = start;
        while sent.len() < count {
            session.send_input(b"x");
            while let Some(t) = session.poll_transmit(now).unwrap() {
                let seq = u64::from_be_bytes(t.payload[..8].try_into().unwrap()) & !(1 << 63);
                if let Some(earlier) = self.senders.insert(seq, who) {
                    panic!("{who} repeated sequence number {seq} of {earlier}");
                }
                sent.push(seq);
            }
            now += Duration::from_millis(300);
        }
        sent
    }

    /// Two sessions sending at once, datagram for datagram.
    fn run_together(
        &mut self,
        a: (&'static str, &mut ClientSession),
        b: (&'static str, &mut ClientSession),
        start: Instant,
        rounds: usize,
    ) {
        for round in 0..rounds {
            let at = start + Duration::from_millis(300) * round as u32;
            self.run(a.0, a.1, at, 1);
            self.run(b.0, b.1, at, 1);
        }
    }
}

/// A session on `device` that connected at `WALL`, sent 10 datagrams and was saved
/// 3 s later: the virtual start, the wire with its datagrams, and the snapshot.
fn used_session(device: &Device) -> (Instant, Wire, Vec<u8>) {
    let t0 = Instant::now();
    let mut wire = Wire::default();
    let mut original = device.connect(WALL, t0);
    wire.run("original", &mut original, t0, 10);
    let snapshot = original.snapshot(WALL + 3 * SECOND).unwrap().to_vec();
    (t0, wire, snapshot)
}

#[test]
fn a_device_backup_brings_back_the_store_and_the_snapshot() {
    // The sequence: connect, background, snapshot saved, killed; backup;
    // relaunch restores and sends; the device is restored from the backup; relaunch
    // restores the same snapshot from the same store state again.
    let phone = Device::with_store("backup");
    let (t0, mut wire, snapshot) = used_session(&phone);
    let backup = phone.back_up();
    let mut first = phone.restore(&snapshot, WALL + 60 * SECOND, t0);
    wire.run("restore after the backup", &mut first, t0, 40);
    phone.roll_back(&backup);
    let mut second = phone.restore(&snapshot, WALL + 900 * SECOND, t0);
    wire.run("restore after the rollback", &mut second, t0, 40);
}

#[test]
fn a_deleted_store_with_a_stale_snapshot_left_behind() {
    let phone = Device::with_store("deleted");
    let (t0, mut wire, snapshot) = used_session(&phone);
    let mut first = phone.restore(&snapshot, WALL + 10 * SECOND, t0);
    wire.run("restore", &mut first, t0, 40);
    // An update moved the app's directories: the store is gone, the snapshot not.
    phone.delete_store();
    let mut second = phone.restore(&snapshot, WALL + 30 * SECOND, t0);
    wire.run("restore without the store", &mut second, t0, 40);
}

#[test]
fn two_restores_at_the_same_moment_on_one_device() {
    // An app and its extension sharing a group folder, or two processes: the same
    // snapshot restored in the same microsecond, both sending.
    let phone = Device::with_store("concurrent");
    let (t0, mut wire, snapshot) = used_session(&phone);
    let at = WALL + 20 * SECOND;
    let mut app = phone.restore(&snapshot, at, t0);
    let mut extension = phone.restore(&snapshot, at, t0);
    wire.run_together(("app", &mut app), ("extension", &mut extension), t0, 40);
}

#[test]
fn a_clock_set_back_with_a_store() {
    let phone = Device::with_store("clock");
    let (t0, mut wire, snapshot) = used_session(&phone);
    let mut first = phone.restore(&snapshot, WALL + 60 * SECOND, t0);
    wire.run("restore", &mut first, t0, 40);
    // The user (or a fake base station's network time) set the clock back an hour,
    // then a few seconds, between relaunches.
    for (i, wall) in [WALL - 3600 * SECOND, WALL - 3600 * SECOND + 2 * SECOND]
        .into_iter()
        .enumerate()
    {
        let mut again = phone.restore(&snapshot, wall, t0);
        wire.run(
            ["after the clock went back", "and again"][i],
            &mut again,
            t0,
            40,
        );
    }
    // And a fresh connect with the key while the clock is still behind.
    let mut connect = phone.connect(WALL - 3000 * SECOND, t0);
    wire.run("a connect with the clock behind", &mut connect, t0, 40);
}

#[test]
fn a_clock_set_back_without_a_store() {
    // No store: the restore after the clock went back starts at the very tick the
    // first one started at; only the lanes keep them apart (a random lane each, so
    // this holds with probability 1 - 2^-16: the scheme's stated residual risk).
    let phone = Device::without_store();
    let (t0, mut wire, snapshot) = used_session(&phone);
    let mut first = phone.restore(&snapshot, WALL + 60 * SECOND, t0);
    wire.run("restore", &mut first, t0, 40);
    let mut again = phone.restore(&snapshot, WALL + 60 * SECOND, t0);
    wire.run(
        "the same restore after the clock went back",
        &mut again,
        t0,
        40,
    );
}

#[test]
fn two_devices_restore_one_snapshot() {
    // A handoff: the snapshot goes to a second device with a store of its own, and
    // both run at once from the same microsecond (the worst case: only the lanes,
    // each store's own random first lane, keep them apart; probability 1 - 2^-16).
    let phone = Device::with_store("phone");
    let tablet = Device::with_store("tablet");
    let (t0, mut wire, snapshot) = used_session(&phone);
    let at = WALL + 30 * SECOND;
    let mut on_phone = phone.restore(&snapshot, at, t0);
    let mut on_tablet = tablet.restore(&snapshot, at, t0);
    wire.run_together(("phone", &mut on_phone), ("tablet", &mut on_tablet), t0, 40);
}

#[test]
fn reconnecting_with_one_key_after_the_store_ran_ahead() {
    // Many reservations in a short time (an app retrying a connect in a loop) leave
    // the store's floor ahead of the clock by one tick each; a later connect on a
    // forward clock still starts above all of them and is heard as the newest.
    let t0 = Instant::now();
    let phone = Device::with_store("retries");
    let mut wire = Wire::default();
    for i in 0..20u64 {
        let mut attempt = phone.connect(WALL + i, t0);
        wire.run("a retried connect", &mut attempt, t0, 3);
    }
    let highest = *wire.senders.keys().max().unwrap();
    let mut later = phone.connect(WALL + 10 * SECOND, t0);
    let sent = wire.run("a connect 10 s later", &mut later, t0, 3);
    assert!(
        sent[0] > highest,
        "the later connect is not in order for the server"
    );
}
