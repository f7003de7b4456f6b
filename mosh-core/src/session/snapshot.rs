//! Saving a client session so a new process can resume it (`mobile-api.md`, snapshot
//! rules; `protocol.md` §4.3, §18.7).
//!
//! # Format (version 2)
//!
//! `"MOSHSNAP"` ‖ version (u16 BE) ‖ body length (u32 BE) ‖ body ‖ CRC-32 (u32 BE) of
//! everything before it. The body is a protobuf message (unknown fields are ignored,
//! so later versions can add fields). Snapshots larger than [`MAX_SNAPSHOT_LEN`] are
//! refused before anything is allocated.
//!
//! Version 2 adds the scrollback (field 18: the newest lines, at most
//! [`SNAPSHOT_SCROLLBACK_BYTES`] of them; fields 19 and 20: whether the server sends
//! lines with the scrollback extension, and how many it had sent); version 1
//! snapshots (no scrollback) are
//! still restored, with an empty history. A library that reads only version 1
//! refuses version 2 as newer. **A snapshot holds the session key**: store
//! it where the platform keeps secrets (iOS Keychain, Android Keystore-encrypted
//! storage).
//!
//! # Never reusing a nonce
//!
//! A nonce is the direction bit and the datagram sequence number, so a resumed
//! session must send with sequence numbers no process of this session has used, even
//! when the same snapshot is restored twice (the app was killed again before saving a
//! newer one), on two devices at once, or after a device backup brought back an older
//! snapshot and nonce store, and even though the process that took the snapshot may
//! have gone on sending after it. A restore therefore never continues the saved
//! counter: it makes a new [`SequencePlan`] (a lane of its own, from a tick above the
//! clock's, the snapshot's time and the saved counter), and `crypto/sequence_plan.rs`
//! argues why no two plans of one key meet. State numbers and instruction ids start
//! at the plan's first number too, so the server takes the new states as new.
//!
//! # Bounds
//!
//! Nothing in a snapshot is trusted for size: the remote screen is at most
//! [`MAX_CELLS`] cells, and every saved state number, id and sequence floor is at most
//! 2^62 (`MAX_SAVED_NUMBER`), so no saved
//! counter can make the next state the shutdown state or wrap. A snapshot is checked
//! by CRC only: its integrity against a writer with access to the file is the app's
//! storage's (it holds the key, which is worth more than any of its counters).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use prost::Message;
use zeroize::Zeroizing;

use crate::crypto::sequence_plan::{clock_tick, tick_above};
use crate::crypto::{KeyError, Role, SequencePlan, SessionCipher, SessionKey};
use crate::protocol::proto::resize::MAX_CELLS;
use crate::protocol::proto::{DiffError, Resume, UserMessage, WindowSize};
use crate::protocol::ssp::{ResumePoint, Transport, UserStream};
use crate::terminal::{Emulator, Framebuffer, new_frame};

use super::client::ClientSession;
use super::scrollback::persist;
use super::scrollback::{DEFAULT_SCROLLBACK_LINES, SNAPSHOT_SCROLLBACK_BYTES, ScrollbackPart};
use super::terminal_state::TerminalState;
use crate::protocol::proto::scrollback::LineMessage;

/// First bytes of every snapshot.
pub const SNAPSHOT_MAGIC: &[u8; 8] = b"MOSHSNAP";
/// The version this library writes and the newest it reads.
pub const SNAPSHOT_VERSION: u16 = 2;
/// Largest snapshot accepted (a full 4096×4096 screen fits; nothing real comes close).
pub const MAX_SNAPSHOT_LEN: usize = 16 * 1024 * 1024;

const HEADER_LEN: usize = 8 + 2 + 4;
const TRAILER_LEN: usize = 4;

/// Why a snapshot could not be restored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SnapshotError {
    /// Not a snapshot of this library (wrong magic), or too short to be one.
    #[error("not a session snapshot")]
    Foreign,
    /// Written by a newer version of the library.
    #[error("snapshot version {0} is newer than this library supports")]
    NewerVersion(u16),
    /// The length fields do not match the data (truncated or padded).
    #[error("snapshot is truncated or has trailing data")]
    Truncated,
    /// Larger than [`MAX_SNAPSHOT_LEN`].
    #[error("snapshot is too large")]
    TooLarge,
    /// The checksum does not match: the bytes were damaged.
    #[error("snapshot is corrupt (checksum mismatch)")]
    Corrupt,
    /// The body does not decode, or holds impossible values.
    #[error("snapshot content is invalid: {0}")]
    Invalid(&'static str),
    /// The key inside is not a valid key.
    #[error("snapshot key is invalid: {0}")]
    BadKey(#[from] KeyError),
    /// The saved user input does not decode.
    #[error("snapshot input is invalid: {0}")]
    BadInput(#[from] DiffError),
    /// Sequence numbers could not be reserved for the restored session (the nonce
    /// store failed), so it does not start rather than risk a repeated nonce.
    #[error("could not reserve sequence numbers: {0}")]
    Reservation(String),
}

/// The body; its `Debug` leaves the key out (prost's derived one would print it).
#[derive(Clone, PartialEq, Message)]
#[prost(skip_debug)]
struct SnapshotBody {
    #[prost(bytes = "vec", tag = "1")]
    key: Vec<u8>,
    #[prost(string, tag = "2")]
    server: String,
    #[prost(uint64, tag = "3")]
    next_seq: u64,
    #[prost(uint64, tag = "4")]
    next_instruction_id: u64,
    #[prost(uint64, tag = "5")]
    acknowledged_num: u64,
    /// Events in the acknowledged user-stream state (its identity).
    #[prost(uint64, tag = "6")]
    acknowledged_len: u64,
    #[prost(uint64, tag = "7")]
    last_num: u64,
    /// Index of the first unacknowledged-or-later event held in `current_events`.
    #[prost(uint64, tag = "8")]
    current_first: u64,
    /// Those events as a `UserMessage`.
    #[prost(bytes = "vec", tag = "9")]
    current_events: Vec<u8>,
    #[prost(uint64, tag = "10")]
    remote_num: u64,
    #[prost(uint32, tag = "11")]
    remote_width: u32,
    #[prost(uint32, tag = "12")]
    remote_height: u32,
    /// The newest server screen as host bytes that draw it on a blank screen.
    #[prost(bytes = "vec", tag = "13")]
    remote_frame: Vec<u8>,
    #[prost(uint64, tag = "14")]
    echo_ack: u64,
    #[prost(uint64, tag = "15")]
    taken_at_unix_us: u64,
    #[prost(uint32, tag = "16")]
    columns: u32,
    #[prost(uint32, tag = "17")]
    rows: u32,
    /// Scrollback, oldest first (version 2).
    #[prost(message, repeated, tag = "18")]
    scrollback: Vec<LineMessage>,
    /// Whether the server sends scrollback lines (the extension; version 2).
    #[prost(bool, tag = "19")]
    scrollback_extension: bool,
    /// With the extension: lines that scrolled off before the saved server state.
    #[prost(uint64, tag = "20")]
    scrollback_end: u64,
    /// One more than the server's highest in-order sequence number: its older
    /// datagrams stay late after a restore. 0 in snapshots of earlier versions.
    #[prost(uint64, tag = "21")]
    remote_next_seq: u64,
}

/// Largest state number or instruction id a snapshot may hold: far below the
/// shutdown state's `u64::MAX`, and room for 2^62 more.
const MAX_SAVED_NUMBER: u64 = 1 << 62;

impl std::fmt::Debug for SnapshotBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SnapshotBody")
            .field("key", &"<redacted>")
            .field("server", &self.server)
            .field("next_seq", &self.next_seq)
            .field("last_num", &self.last_num)
            .field("remote_num", &self.remote_num)
            .field("taken_at_unix_us", &self.taken_at_unix_us)
            .field("scrollback_lines", &self.scrollback.len())
            .finish_non_exhaustive()
    }
}

impl Drop for SnapshotBody {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.key);
    }
}

impl ClientSession {
    /// Serializes what a new process needs to resume this session. `wall_now_us` is
    /// the wall clock in microseconds since the Unix epoch. `None` once sequence
    /// numbers are exhausted (after 2^63 datagrams) or the snapshot would exceed
    /// [`MAX_SNAPSHOT_LEN`] (which restore refuses). The bytes hold the key.
    pub fn snapshot(&self, wall_now_us: u64) -> Option<Zeroizing<Vec<u8>>> {
        self.snapshot_keeping(wall_now_us, usize::MAX)
    }

    /// [`ClientSession::snapshot`] with at most the newest `scrollback_lines` lines of
    /// scrollback (0: none; the app caps what it stores).
    pub fn snapshot_keeping(
        &self,
        wall_now_us: u64,
        scrollback_lines: usize,
    ) -> Option<Zeroizing<Vec<u8>>> {
        let point = self.transport().resume_point()?;
        let server = point.remote_address?;
        let screen = point.remote.framebuffer();
        let blank = Framebuffer::new(screen.width(), screen.height());
        let held = point.current.first_held();
        let events = point.current.events_since(held).unwrap_or_default();
        let (columns, rows) = self.window();
        let body = SnapshotBody {
            key: self.key().as_bytes().to_vec(),
            server: server.to_string(),
            next_seq: point.next_seq,
            next_instruction_id: point.next_instruction_id,
            acknowledged_num: point.acknowledged_num,
            acknowledged_len: point.acknowledged.len(),
            last_num: point.last_num,
            current_first: held,
            current_events: UserMessage::from_events(&events).encode_to_vec(),
            remote_num: point.remote_num,
            remote_width: screen.width() as u32,
            remote_height: screen.height() as u32,
            remote_frame: new_frame(false, &blank, screen),
            echo_ack: point.remote.echo_ack(),
            taken_at_unix_us: wall_now_us,
            columns: columns.into(),
            rows: rows.into(),
            scrollback: Vec::new(),
            scrollback_extension: point.remote.scrollback().active(),
            scrollback_end: point.remote.scrollback().end(),
            remote_next_seq: point.remote_next_seq,
        };
        let mut body = body;
        // The history fills what the rest leaves of the size limit, up to its budget.
        let room = MAX_SNAPSHOT_LEN.saturating_sub(HEADER_LEN + TRAILER_LEN + body.encoded_len());
        body.scrollback = persist::save(
            self.scrollback(),
            room.min(SNAPSHOT_SCROLLBACK_BYTES),
            scrollback_lines,
        );
        let encoded = Zeroizing::new(body.encode_to_vec());
        let mut out = Zeroizing::new(Vec::with_capacity(HEADER_LEN + encoded.len() + TRAILER_LEN));
        out.extend_from_slice(SNAPSHOT_MAGIC);
        out.extend_from_slice(&SNAPSHOT_VERSION.to_be_bytes());
        out.extend_from_slice(&(encoded.len() as u32).to_be_bytes());
        out.extend_from_slice(&encoded);
        let crc = crc32(&out);
        out.extend_from_slice(&crc.to_be_bytes());
        // Never hand out bytes that restore would refuse.
        (out.len() <= MAX_SNAPSHOT_LEN).then_some(out)
    }

    /// Resumes a session from [`ClientSession::snapshot`] bytes. `wall_now_us` is the
    /// wall clock (see the module documentation for why it matters). The resumed
    /// session sends at once from a fresh socket.
    pub fn restore(
        snapshot: &[u8],
        wall_now_us: u64,
        now: Instant,
    ) -> Result<ClientSession, SnapshotError> {
        Self::restore_reserving(snapshot, wall_now_us, now, |_, floor| {
            SequencePlan::random_lane(floor).map_err(|e| e.to_string())
        })
    }

    /// [`ClientSession::restore`], with the sequence numbers decided by
    /// `reserve(key, floor)`, which returns a plan from tick `floor` or above (the
    /// runtime's `NonceStore`: a lane no other process of this device shares, and a
    /// floor that holds when the clock goes back). Its error fails the restore.
    pub fn restore_reserving(
        snapshot: &[u8],
        wall_now_us: u64,
        now: Instant,
        reserve: impl FnOnce(&SessionKey, u64) -> Result<SequencePlan, String>,
    ) -> Result<ClientSession, SnapshotError> {
        let body = decode_envelope(snapshot)?;
        let key_bytes: [u8; 16] = body
            .key
            .as_slice()
            .try_into()
            .map_err(|_| SnapshotError::Invalid("key length"))?;
        let key = SessionKey::from_bytes(key_bytes);
        let server: SocketAddr = body
            .server
            .parse()
            .map_err(|_| SnapshotError::Invalid("server address"))?;
        let window = window_size(body.columns, body.rows)?;
        let remote_size = window_size(body.remote_width, body.remote_height)?;
        if u32::from(remote_size.width) * u32::from(remote_size.height) > MAX_CELLS {
            return Err(SnapshotError::Invalid("remote screen too large"));
        }
        let numbers = [
            body.last_num,
            body.acknowledged_num,
            body.remote_num,
            body.next_instruction_id,
            body.echo_ack,
            body.remote_next_seq,
        ];
        if numbers.iter().any(|n| *n > MAX_SAVED_NUMBER) {
            return Err(SnapshotError::Invalid("counter out of range"));
        }
        let events = UserMessage::decode_events(&body.current_events)?;
        let current = UserStream::from_held(body.current_first, events);
        if body.acknowledged_len < body.current_first || body.acknowledged_len > current.len() {
            return Err(SnapshotError::Invalid(
                "acknowledged input outside the held input",
            ));
        }
        let acknowledged = UserStream::from_held(body.acknowledged_len, Vec::new());
        let fork_events = current.len();
        let mut emulator = Emulator::new(remote_size.width.into(), remote_size.height.into());
        emulator.feed(&body.remote_frame);
        let remote =
            TerminalState::new(emulator.framebuffer().clone(), body.echo_ack).with_scrollback(
                ScrollbackPart::restored(body.scrollback_extension, body.scrollback_end),
            );
        // Above the clock, the moment the snapshot was taken and its counter (which the
        // process that took it may have passed since: only the plan's lane and the
        // clock keep the two apart, see crypto/sequence_plan.rs).
        let floor = clock_tick(wall_now_us)
            .max(clock_tick(body.taken_at_unix_us) + 1)
            .max(tick_above(body.next_seq));
        let plan = reserve(&key, floor).map_err(SnapshotError::Reservation)?;
        let point = ResumePoint {
            role: Role::Client,
            next_seq: plan.first(),
            seq_stride: plan.stride(),
            remote_next_seq: body.remote_next_seq,
            next_instruction_id: body.next_instruction_id.max(plan.first()),
            acknowledged_num: body.acknowledged_num,
            acknowledged,
            last_num: body.last_num.max(plan.first()),
            current,
            remote_num: body.remote_num,
            remote: remote.clone(),
            remote_address: Some(server),
        };
        let cipher = Arc::new(SessionCipher::new(&key));
        let mut transport = Transport::resuming(cipher, point, now)
            .map_err(|_| SnapshotError::Invalid("sequence numbers exhausted"))?;
        // Our server then resumes any snapshot, not only the newest: it adopts this
        // process, sends the whole state if it no longer holds the one we have, and
        // takes our input from the snapshot on as new (docs/resync-extension.md).
        // Stock servers skip the field.
        transport.set_resume(Resume::new(
            transport.last_sent_state_num(),
            body.acknowledged_len,
            fork_events,
        ));
        let mut session =
            ClientSession::assemble(transport, key, remote.framebuffer().clone(), window);
        // Every saved line is kept until the front end sets its own bound.
        session.set_scrollback_limit(body.scrollback.len().max(DEFAULT_SCROLLBACK_LINES));
        for line in &body.scrollback {
            let row = persist::restore(line).ok_or(SnapshotError::Invalid("scrollback line"))?;
            session.scrollback_mut().push(row);
        }
        Ok(session)
    }
}

fn window_size(width: u32, height: u32) -> Result<WindowSize, SnapshotError> {
    let size = |v: u32| {
        u16::try_from(v)
            .ok()
            .filter(|v| (1..=crate::protocol::proto::resize::MAX_DIMENSION).contains(v))
    };
    match (size(width), size(height)) {
        (Some(width), Some(height)) => Ok(WindowSize { width, height }),
        _ => Err(SnapshotError::Invalid("window size")),
    }
}

fn decode_envelope(snapshot: &[u8]) -> Result<SnapshotBody, SnapshotError> {
    if snapshot.len() < HEADER_LEN + TRAILER_LEN || &snapshot[..8] != SNAPSHOT_MAGIC {
        return Err(SnapshotError::Foreign);
    }
    let version = u16::from_be_bytes([snapshot[8], snapshot[9]]);
    if version > SNAPSHOT_VERSION {
        return Err(SnapshotError::NewerVersion(version));
    }
    if version == 0 {
        return Err(SnapshotError::Foreign);
    }
    if snapshot.len() > MAX_SNAPSHOT_LEN {
        return Err(SnapshotError::TooLarge);
    }
    let body_len = u32::from_be_bytes(snapshot[10..14].try_into().expect("4 bytes")) as usize;
    if HEADER_LEN + body_len + TRAILER_LEN != snapshot.len() {
        return Err(SnapshotError::Truncated);
    }
    let (signed, trailer) = snapshot.split_at(HEADER_LEN + body_len);
    let stored = u32::from_be_bytes(trailer.try_into().expect("4 bytes"));
    if crc32(signed) != stored {
        return Err(SnapshotError::Corrupt);
    }
    SnapshotBody::decode(&signed[HEADER_LEN..]).map_err(|_| SnapshotError::Invalid("body"))
}

/// The CRC-32 of snapshots, also of the nonce store's files.
pub(crate) fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = flate2::Crc::new();
    crc.update(bytes);
    crc.sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::ssp::Endpoint;
    use crate::session::ScreenRow;
    use crate::terminal::{Emulator, Row};

    const WALL: u64 = 1_790_000_000_000_000;

    fn session_with_history(lines: usize, padding: usize) -> ClientSession {
        let t0 = Instant::now();
        let mut session = crate::session::client::tests::fresh(t0);
        while session.poll_transmit(t0).unwrap().is_some() {}
        session.set_scrollback_limit(lines);
        let mut emulator = Emulator::new(80, 1);
        for i in 0..lines {
            let pad = "\x1b[4mpadding\x1b[24m ".repeat(padding);
            emulator.feed(format!("\r\x1b[K\x1b[1;3{}mline{pad} {i}", i % 8).as_bytes());
            let row: &Row = &emulator.framebuffer().rows()[0];
            session.scrollback_mut().push(ScreenRow::trimmed(row));
        }
        session
    }

    fn history(session: &ClientSession) -> Vec<ScreenRow> {
        session.scrollback().iter().map(|l| (**l).clone()).collect()
    }

    #[test]
    fn the_scrollback_survives_a_restore() {
        let original = session_with_history(10_000, 0);
        let bytes = original.snapshot(WALL).unwrap();
        let restored = ClientSession::restore(&bytes, WALL + 1, Instant::now()).unwrap();
        assert_eq!(history(&restored), history(&original));
        assert_eq!(restored.scrollback().len(), 10_000);
    }

    #[test]
    fn a_huge_history_is_cut_to_the_budget_newest_kept() {
        let original = session_with_history(100_000, 6);
        let bytes = original.snapshot(WALL).unwrap();
        assert!(
            bytes.len() <= SNAPSHOT_SCROLLBACK_BYTES + 4096,
            "{}",
            bytes.len()
        );
        let restored = ClientSession::restore(&bytes, WALL + 1, Instant::now()).unwrap();
        let kept = restored.scrollback().len();
        assert!((20_000..100_000).contains(&kept), "{kept}");
        assert!(
            restored
                .scrollback()
                .iter()
                .last()
                .unwrap()
                .text()
                .ends_with(" 99999")
        );
    }

    #[test]
    fn the_body_prints_without_the_key() {
        let bytes = session_with_history(1, 0).snapshot(WALL).unwrap();
        let body = decode_envelope(&bytes).unwrap();
        let printed = format!("{body:?}");
        assert!(printed.contains("<redacted>"), "{printed}");
        assert!(!printed.contains(&format!("{:?}", body.key)), "{printed}");
        assert!(!printed.contains("AAECAwQFBgcICQoLDA0ODw"));
    }

    #[test]
    fn a_version_1_snapshot_is_restored_without_history() {
        let original = session_with_history(10, 0);
        let bytes = original.snapshot(WALL).unwrap();
        let mut body = decode_envelope(&bytes).unwrap();
        body.scrollback.clear();
        let encoded = body.encode_to_vec();
        let mut v1 = SNAPSHOT_MAGIC.to_vec();
        v1.extend_from_slice(&1u16.to_be_bytes());
        v1.extend_from_slice(&(encoded.len() as u32).to_be_bytes());
        v1.extend_from_slice(&encoded);
        let crc = crc32(&v1);
        v1.extend_from_slice(&crc.to_be_bytes());
        let restored = ClientSession::restore(&v1, WALL + 1, Instant::now()).unwrap();
        assert!(restored.scrollback().is_empty());
        assert_eq!(restored.window(), (80, 24));
    }
}
