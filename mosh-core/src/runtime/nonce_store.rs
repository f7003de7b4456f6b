//! A floor under every sequence number a session key will ever use again, kept in a
//! small file per key in a directory the app gives (`SessionOptions::nonce_store`).
//!
//! # Why
//!
//! Without it, a fresh connect and a restore start at the wall clock in µs (see
//! `session/snapshot.rs`), which is safe as long as the device clock never goes back
//! by more than the time between two uses of one key. A phone's clock can go back
//! (a user setting it, a bad network time); with the store, no clock matters:
//!
//! - Before a session under key K sends anything, it reserves the block
//!   `[S, S + RESERVED_BLOCK)` with `S = max(floor, stored(K))`, where `floor` is
//!   what the session would start at anyway, and durably writes `S + RESERVED_BLOCK`
//!   as the new `stored(K)` (write to a temporary file, fsync, rename, fsync the
//!   directory) — only then does it send, with sequence numbers from `S`.
//! - A session sends fewer than `RESERVED_BLOCK` = 2^40 datagrams (35 years at
//!   1,000 a second), so its numbers stay inside its block.
//! - Blocks of one key are therefore disjoint, whatever the clock said, however the
//!   app was killed and whichever snapshot it restored: a reservation that was not
//!   written before the kill was never used to send. Only the file's loss (the app
//!   deleting it, a restore of device backups) falls back to the clock argument.
//!
//! The file is named by the key's check value (`SessionKey::check_value`), never the
//! key, and holds 8 bytes: the next free sequence number, big-endian.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::crypto::SessionKey;

/// Sequence numbers one session may use from its reservation.
pub const RESERVED_BLOCK: u64 = 1 << 40;

/// The highest start handed out: leaves room for a block below 2^63.
const MAX_START: u64 = (1 << 63) - 1 - RESERVED_BLOCK;

/// Reservations of sequence numbers per key, in one directory.
#[derive(Debug, Clone)]
pub struct NonceStore {
    dir: PathBuf,
}

impl NonceStore {
    /// A store in `dir` (created if missing).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        NonceStore { dir: dir.into() }
    }

    fn file(&self, key: &SessionKey) -> PathBuf {
        let name: String = key
            .check_value()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        self.dir.join(format!("{name}.nonce-floor"))
    }

    /// Reserves a block for one session under `key` starting at `floor` or above;
    /// returns its start once the reservation is on disk. An unreadable or damaged
    /// file is an error, never a guess.
    pub fn reserve(&self, key: &SessionKey, floor: u64) -> io::Result<u64> {
        fs::create_dir_all(&self.dir)?;
        let path = self.file(key);
        let stored = match fs::read(&path) {
            Ok(bytes) => {
                let bytes: [u8; 8] = bytes.as_slice().try_into().map_err(|_| {
                    io::Error::new(io::ErrorKind::InvalidData, "damaged nonce floor file")
                })?;
                u64::from_be_bytes(bytes)
            }
            Err(error) if error.kind() == io::ErrorKind::NotFound => 0,
            Err(error) => return Err(error),
        };
        let start = floor.max(stored);
        if start > MAX_START {
            return Err(io::Error::other("sequence numbers of this key are used up"));
        }
        write_durably(&path, &(start + RESERVED_BLOCK).to_be_bytes())?;
        Ok(start)
    }
}

/// Replaces `path` with `bytes` so that after a crash it holds the old or the new
/// contents, and the new ones once this returns.
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

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("mosh-nonce-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn blocks_never_overlap_whatever_the_floor() {
        let dir = temp_dir("blocks");
        let store = NonceStore::new(&dir);
        let key = SessionKey::from_bytes([1; 16]);
        let other = SessionKey::from_bytes([2; 16]);
        let wall = 1_790_000_000_000_000;
        let first = store.reserve(&key, wall).unwrap();
        assert_eq!(first, wall);
        // The clock went back a second: the next block still starts after the first.
        let second = store.reserve(&key, wall - 1_000_000).unwrap();
        assert_eq!(second, first + RESERVED_BLOCK);
        // A new process (a new store on the same directory) sees the same floor.
        let third = NonceStore::new(&dir).reserve(&key, 0).unwrap();
        assert_eq!(third, second + RESERVED_BLOCK);
        // Another key has a floor of its own.
        assert_eq!(store.reserve(&other, 5).unwrap(), 5);
        // A damaged file is refused, not guessed.
        fs::write(store.file(&key), b"xx").unwrap();
        assert!(store.reserve(&key, 0).is_err());
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
