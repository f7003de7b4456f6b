//! Every timing and size constant of the State Synchronization Protocol
//! (protocol.md §10–§14), named after what it means. Intervals are [`Duration`]s so
//! that callers cannot mix milliseconds with other units.
//!
//! RTT-derived quantities (SRTT/RTTVAR initial values, the RTO and send-interval
//! clamps, the 5000 ms sample cutoff) live with the estimator in
//! [`crate::protocol::wire::rtt`]; the MTUs live with the fragmenter in [`crate::protocol::wire`].

use std::time::Duration;

/// A received timestamp is echoed only if we held it for less than this; older ones
/// would make the peer's RTT sample meaningless (§6.2).
pub const TIMESTAMP_ECHO_HOLD_LIMIT: Duration = Duration::from_millis(1000);

/// Minimum collection delay on the server: a change is held this long so that the
/// pty output following a keystroke is sent in one frame (§10.6).
pub const SERVER_MIN_DELAY: Duration = Duration::from_millis(8);

/// Minimum collection delay on the client: none, typed input leaves at once.
/// Stock waits 1 ms (§10.6), which with a millisecond timer costs 1–2 ms per
/// keystroke on every link; a key's bytes arrive in one read anyway, so there is
/// nothing to collect. The wire format is unchanged.
pub const CLIENT_MIN_DELAY: Duration = Duration::ZERO;

/// Heartbeat: after any send, send an (empty) instruction again after this long even
/// if nothing changed, so the peer keeps our address and knows we are alive (§10.6).
pub const ACK_INTERVAL: Duration = Duration::from_millis(3000);

/// The client sends a heartbeat this often once it has not heard from the server
/// for a heartbeat interval and a round trip: the server backs off towards a silent
/// client, so the client's probes are what finds the link again (not in stock mosh;
/// the wire format is unchanged).
pub const SILENT_PEER_PROBE_INTERVAL: Duration = Duration::from_millis(500);

/// After the client's input arrives, the server's frames that answer it within this
/// long go out after the collection delay instead of waiting for the frame interval
/// (not in stock mosh; the wire format is unchanged)…
pub const INPUT_RESPONSE_WINDOW: Duration = Duration::from_millis(100);

/// …at most this many per input: the echo, and what the program prints a moment
/// later (the prompt after Ctrl-C). Frame pacing is otherwise unchanged, and input
/// comes at typing speed, so this adds at most a couple of small frames per key.
pub const INPUT_RESPONSE_FRAMES: u8 = 2;

/// A frame answering input goes once the program's output has paused this long after
/// the input arrived (the echo of a key is one write, its prompt redraw a few more
/// within microseconds), and at the latest after the collection delay: on a LAN the
/// echo then arrives about a millisecond after the key reached the server instead of
/// the 8 ms collection delay. Output that keeps coming (a flood) never pauses that
/// long, so the collection delay applies as before (not in stock mosh; the wire
/// format is unchanged).
pub const ANSWER_QUIET: Duration = Duration::from_millis(1);

/// A newly received state with a non-empty diff is acknowledged within this delay, so
/// that one ack covers a burst of updates (§10.6).
pub const ACK_DELAY: Duration = Duration::from_millis(100);

/// The peer counts as "fresh" while we heard a new state from it within this long;
/// only then are presumed-lost states resent at the frame rate rather than at the
/// heartbeat pace (§10.6, ACTIVE_RETRY_TIMEOUT).
pub const ACTIVE_RETRY_TIMEOUT: Duration = Duration::from_millis(10_000);

/// An unacknowledged state is presumed delivered for one RTO plus this much (the
/// peer's ack delay), then presumed lost (§10.4).
pub const PRESUMED_DELIVERED_SLACK: Duration = Duration::from_millis(100);

/// "Prospective resend": diffing against the acknowledged state instead of the assumed
/// one is chosen when that diff is shorter than this many bytes… (§10.4)
pub const PROSPECTIVE_RESEND_MAX_LEN: usize = 1000;

/// …and costs fewer than this many extra bytes (§10.4).
pub const PROSPECTIVE_RESEND_MAX_EXTRA: usize = 100;

/// Most entries in the sender's list of sent, unacknowledged states (§10.5).
pub const SENT_STATES_CAP: usize = 32;

/// When the sent list overflows, the entry this many places from its end is dropped,
/// keeping the oldest (acknowledged) and the newest states (§10.5).
pub const SENT_STATES_DROP_FROM_END: usize = 16;

/// Above this many stored received states, new ones are refused… (§10.7)
pub const RECEIVED_STATES_FLOOD_LIMIT: usize = 1024;

/// The peer's states we hold take at most about this much memory (by
/// [`SyncState::heap_bytes`](super::SyncState::heap_bytes)); past it the oldest
/// ones are dropped, never the newest. A peer that diffs against a dropped state is
/// told nothing: its instruction is ignored and it falls back to the acknowledged
/// one, as after a loss. Normal sessions hold a few states of tens of KiB.
pub const MAX_RECEIVED_STATES_BYTES: usize = 64 * 1024 * 1024;

/// …except one per this interval, so a flooded receiver still moves forward (§10.7).
pub const RECEIVED_STATES_FLOOD_INTERVAL: Duration = Duration::from_millis(15_000);

/// Shutdown gives up after this many shutdown instructions without an ack (§13).
pub const SHUTDOWN_MAX_RETRIES: u32 = 16;

/// Shutdown gives up after this long without an ack (§13).
pub const SHUTDOWN_TIMEOUT: Duration = Duration::from_millis(10_000);

/// The echo ack names a user-stream state only after its effect has been on the
/// server's screen this long (§11).
pub const ECHO_ACK_DELAY: Duration = Duration::from_millis(50);

/// The client changes source port when it has neither changed port nor had a round
/// trip succeed for this long (§12.2).
pub const PORT_HOP_INTERVAL: Duration = Duration::from_millis(10_000);

/// Older client sockets are closed once the newest has been in use this long (§12.2).
pub const OLD_SOCKET_LIFETIME: Duration = Duration::from_millis(60_000);

/// Most client sockets kept open at once, oldest closed first (§12.2).
pub const MAX_CLIENT_SOCKETS: usize = 10;

/// The server stops sending when the client has been silent this long (§12.3).
pub const SERVER_ASSOCIATION_TIMEOUT: Duration = Duration::from_millis(40_000);
