//! The lanes and tick floors of each session key, kept in a small file per key in a
//! directory the app gives (`SessionOptions::nonce_store`).
//!
//! # What it adds to the clock
//!
//! `crypto/sequence_plan.rs` has the whole argument; a store makes two of its cases
//! hold without any assumption about the clock:
//!
//! - **Lanes in turn.** Each reservation takes the next lane of the key (the first
//!   one random, chosen when the file is made), read and written under an exclusive
//!   lock on `<name>.lock`, so two processes or threads reserving at once (an app and
//!   its extension on one group folder, two restores of one snapshot) never share a
//!   lane.
//! - **A floor.** A reservation starts at `max(floor, stored floor)`, where the
//!   caller's `floor` is at least the clock's tick, and stores its start plus one:
//!   after a clock set back, the next process still starts above the last one.
//!
//! The stored floor never runs ahead of the clock by more than one tick (except once
//! per 65,536 reservations, when the lanes wrap and it jumps 2^32 ticks so a reused
//! lane starts above anything its earlier holder sent). That is what makes a store
//! that was **rolled back** (a device backup restored) or **deleted** harmless while
//! the clock goes forward: whatever it hands out, the clock's tick is already above
//! it. The store is written durably (a temporary file, fsync, rename, fsync of the
//! directory) before the session sends anything; a reservation lost in a crash was
//! never used.
//!
//! # The file
//!
//! `<check value>.nonce-floor`, named by the key's check value
//! (`SessionKey::check_value`), never the key: `"MNS2"` ‖ first lane (u16 BE) ‖
//! reservations made (u64 BE) ‖ tick floor (u64 BE) ‖ CRC-32 of the rest (u32 BE),
//! 26 bytes. An 8-byte file of earlier versions (a sequence number floor) is read as
//! a floor above that number. Any other content is refused, never guessed.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::crypto::SessionKey;
use crate::crypto::sequence_plan::{LANE_BITS, MAX_TICK, SequencePlan, tick_above};
use crate::session::snapshot::crc32;

const MAGIC: &[u8; 4] = b"MNS2";
const FILE_LEN: usize = 4 + 2 + 8 + 8 + 4;
const LEGACY_FILE_LEN: usize = 8;

/// Ticks the floor jumps when a key's lanes wrap around: more datagrams than one
/// process sends in its life.
const LANE_REUSE_GAP: u64 = 1 << 32;

/// Reservations of lanes and ticks per key, in one directory.
#[derive(Debug, Clone)]
pub struct NonceStore {
    dir: PathBuf,
}

/// What the file of one key holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct KeyRecord {
    first_lane: u16,
    reservations: u64,
    floor: u64,
}

impl NonceStore {
    /// A store in `dir` (created if missing).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        NonceStore { dir: dir.into() }
    }

    fn path(&self, key: &SessionKey, extension: &str) -> PathBuf {
        let name: String = key
            .check_value()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        self.dir.join(format!("{name}.{extension}"))
    }

    fn file(&self, key: &SessionKey) -> PathBuf {
        self.path(key, "nonce-floor")
    }

    /// Reserves a lane for one session under `key` from `floor` (a tick, at least the
    /// clock's) or above; returns the plan once the reservation is on disk. An
    /// unreadable or damaged file is an error, never a guess.
    pub fn reserve(&self, key: &SessionKey, floor: u64) -> io::Result<SequencePlan> {
        fs::create_dir_all(&self.dir)?;
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.path(key, "lock"))?;
        // Held until `lock` is dropped at the end of this call; released by the
        // system if the process dies.
        lock.lock()?;
        let path = self.file(key);
        let record = match fs::read(&path) {
            Ok(bytes) => KeyRecord::decode(&bytes)?,
            Err(error) if error.kind() == io::ErrorKind::NotFound => KeyRecord::fresh()?,
            Err(error) => return Err(error),
        };
        let start = floor.max(record.floor);
        if start > MAX_TICK - LANE_REUSE_GAP {
            return Err(io::Error::other("sequence numbers of this key are used up"));
        }
        let lane = record.first_lane.wrapping_add(record.reservations as u16);
        let reservations = record.reservations + 1;
        let wrapped = reservations % (1 << LANE_BITS) == 0;
        let next = KeyRecord {
            reservations,
            floor: start + if wrapped { LANE_REUSE_GAP } else { 1 },
            ..record
        };
        write_durably(&path, &next.encode())?;
        SequencePlan::lane(start, lane).map_err(io::Error::other)
    }
}

impl KeyRecord {
    fn fresh() -> io::Result<KeyRecord> {
        let mut lane = [0u8; 2];
        getrandom::fill(&mut lane).map_err(|e| io::Error::other(e.to_string()))?;
        Ok(KeyRecord {
            first_lane: u16::from_be_bytes(lane),
            reservations: 0,
            floor: 0,
        })
    }

    fn decode(bytes: &[u8]) -> io::Result<KeyRecord> {
        let damaged = || io::Error::new(io::ErrorKind::InvalidData, "damaged nonce floor file");
        if bytes.len() == LEGACY_FILE_LEN {
            let seq = u64::from_be_bytes(bytes.try_into().map_err(|_| damaged())?);
            return Ok(KeyRecord {
                floor: tick_above(seq),
                ..KeyRecord::fresh()?
            });
        }
        if bytes.len() != FILE_LEN || &bytes[..4] != MAGIC {
            return Err(damaged());
        }
        let (body, crc) = bytes.split_at(FILE_LEN - 4);
        if crc32(body).to_be_bytes() != crc {
            return Err(damaged());
        }
        let u64_at = |at: usize| u64::from_be_bytes(body[at..at + 8].try_into().expect("8 bytes"));
        Ok(KeyRecord {
            first_lane: u16::from_be_bytes([body[4], body[5]]),
            reservations: u64_at(6),
            floor: u64_at(14),
        })
    }

    fn encode(&self) -> [u8; FILE_LEN] {
        let mut out = [0u8; FILE_LEN];
        out[..4].copy_from_slice(MAGIC);
        out[4..6].copy_from_slice(&self.first_lane.to_be_bytes());
        out[6..14].copy_from_slice(&self.reservations.to_be_bytes());
        out[14..22].copy_from_slice(&self.floor.to_be_bytes());
        let crc = crc32(&out[..22]);
        out[22..].copy_from_slice(&crc.to_be_bytes());
        out
    }
}

/// Replaces `path` with `bytes` so that after a crash it holds the old or the new
/// contents, and the new ones once this returns. Callers hold the key's lock, so one
/// temporary name per key is enough.
fn write_durably(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let temporary = path.with_extension("tmp");
    let mut file = File::create(&temporary)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    fs::rename(&temporary, path)?;
    if let Some(dir) = path.parent() {
        // The rename itself is durable once the directory is synced (not possible on
        // every platform; the file contents already are).
        if let Ok(dir) = File::open(dir) {
            let _ = dir.sync_all();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::sequence_plan::LANE_STRIDE;
    use std::collections::HashSet;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("mosh-nonce-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    fn lane(plan: SequencePlan) -> u64 {
        plan.first() % LANE_STRIDE
    }

    fn tick(plan: SequencePlan) -> u64 {
        plan.first() >> LANE_BITS
    }

    #[test]
    fn lanes_go_in_turn_and_the_floor_stays_with_the_clock() {
        let dir = temp_dir("turns");
        let store = NonceStore::new(&dir);
        let key = SessionKey::from_bytes([1; 16]);
        let clock = 1_000_000;
        let first = store.reserve(&key, clock).unwrap();
        assert_eq!(tick(first), clock);
        // The clock went back: the next starts one tick above, in the next lane.
        let second = store.reserve(&key, clock - 5_000).unwrap();
        assert_eq!(tick(second), clock + 1);
        assert_eq!(lane(second), (lane(first) + 1) % LANE_STRIDE);
        // A new process (a new store on the same directory) goes on from there.
        let third = NonceStore::new(&dir).reserve(&key, 0).unwrap();
        assert_eq!(tick(third), clock + 2);
        // The clock forward again: it is the start, not a floor far ahead of it.
        assert_eq!(tick(store.reserve(&key, clock + 100).unwrap()), clock + 100);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn damaged_files_are_refused_and_legacy_floors_kept() {
        let dir = temp_dir("damaged");
        let store = NonceStore::new(&dir);
        let key = SessionKey::from_bytes([2; 16]);
        store.reserve(&key, 10).unwrap();
        let mut bytes = fs::read(store.file(&key)).unwrap();
        bytes[15] ^= 1;
        fs::write(store.file(&key), &bytes).unwrap();
        assert!(store.reserve(&key, 10).is_err());
        fs::write(store.file(&key), b"xx").unwrap();
        assert!(store.reserve(&key, 10).is_err());
        // An earlier version's floor, a sequence number in µs.
        let old_floor: u64 = 1_796_601_600_000_000 + (1 << 40);
        fs::write(store.file(&key), old_floor.to_be_bytes()).unwrap();
        assert!(store.reserve(&key, 0).unwrap().first() > old_floor);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_wrap_of_the_lanes_moves_the_floor_past_any_earlier_holder() {
        let dir = temp_dir("wrap");
        let store = NonceStore::new(&dir);
        let key = SessionKey::from_bytes([3; 16]);
        let first = store.reserve(&key, 50).unwrap();
        let record = KeyRecord::decode(&fs::read(store.file(&key)).unwrap()).unwrap();
        let almost = KeyRecord {
            reservations: (1 << LANE_BITS) - 1,
            ..record
        };
        fs::write(store.file(&key), almost.encode()).unwrap();
        let last_of_round = store.reserve(&key, 60).unwrap();
        let reused = store.reserve(&key, 60).unwrap();
        assert_eq!(lane(reused), lane(first));
        assert!(tick(reused) >= tick(last_of_round) + LANE_REUSE_GAP);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn threads_reserving_at_once_get_different_lanes() {
        let dir = temp_dir("threads");
        let key = SessionKey::from_bytes([4; 16]);
        let plans: Vec<SequencePlan> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..8)
                .map(|_| scope.spawn(|| NonceStore::new(&dir).reserve(&key, 7).unwrap()))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let lanes: HashSet<u64> = plans.iter().map(|p| lane(*p)).collect();
        assert_eq!(lanes.len(), 8, "{plans:?}");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_file_is_named_without_the_key() {
        let key = SessionKey::parse("AAECAwQFBgcICQoLDA0ODw").unwrap();
        let name = NonceStore::new("/x").file(&key);
        let name = name.file_name().unwrap().to_str().unwrap();
        assert!(!name.contains("AAECAwQFBgcICQoLDA0ODw"));
        assert!(!name.contains("000102030405"));
        assert_eq!(name.len(), 16 + ".nonce-floor".len());
    }
}
