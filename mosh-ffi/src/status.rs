//! The connection status and why a session ended.

use mosh_core::session::{
    CloseReason as CoreReason, ConnectionState as CoreState, ConnectionStatus,
};

/// Why a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CloseReason {
    /// The server's program exited (the user typed `exit`).
    ServerExited,
    /// Our `shutdown()` was acknowledged by the server.
    Closed,
    /// Our `shutdown()` went unacknowledged; the server may still run.
    CloseUnacknowledged,
    /// No answer from the server within 15 s of connecting: wrong port or key, or
    /// UDP blocked.
    ConnectTimedOut,
    /// The host name did not resolve.
    HostNotFound,
    /// The device's network stack failed in a way the session cannot recover from.
    NetworkFailed,
    /// The server went on without this session and cannot resume it: a stock
    /// `mosh-server` keeps no state this restored snapshot holds (the session it
    /// came from talked to the server after it was taken), and says so in its first
    /// reply. Our `mosh-server` resumes any snapshot instead. The server session may
    /// still run; start a new one over SSH.
    OutOfSync,
    /// Another process took this session over: it was restored from a snapshot
    /// elsewhere (another device, or this app again) and our `mosh-server` follows
    /// that one now. Nothing this session sends reaches the shell; the session goes
    /// on over there.
    Superseded,
    /// The app detached the session (`detach()`), or released every reference to
    /// it: nothing more is sent, and the server keeps the remote shell for a stored
    /// snapshot to resume.
    Detached,
}

impl From<CoreReason> for CloseReason {
    fn from(reason: CoreReason) -> Self {
        match reason {
            CoreReason::ServerExited => CloseReason::ServerExited,
            CoreReason::Closed => CloseReason::Closed,
            CoreReason::CloseUnacknowledged => CloseReason::CloseUnacknowledged,
            CoreReason::ConnectTimedOut => CloseReason::ConnectTimedOut,
            CoreReason::HostNotFound => CloseReason::HostNotFound,
            CoreReason::NetworkFailed => CloseReason::NetworkFailed,
            CoreReason::OutOfSync => CloseReason::OutOfSync,
            CoreReason::Superseded => CloseReason::Superseded,
            CoreReason::Detached => CloseReason::Detached,
        }
    }
}

/// Where the session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ConnectionState {
    /// No answer from the server yet.
    Connecting,
    /// The server was heard recently.
    Connected,
    /// Connected before, but silent for over 6.5 s (`last_contact_ms` says how long).
    Waiting,
    /// Ended.
    Closed {
        /// Why.
        reason: CloseReason,
    },
}

/// The connection status for a status line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct Status {
    /// The state.
    pub state: ConnectionState,
    /// Milliseconds since the server's newest screen arrived (`None` before the first).
    pub last_contact_ms: Option<u64>,
    /// Smoothed round-trip time in milliseconds.
    pub rtt_ms: u64,
    /// Whether the session is in the background (`enter_background()`): no timers,
    /// no sends, and the socket is not read, so the screen stays as it was and
    /// `last_contact_ms` keeps growing (the state may turn `Waiting`): show
    /// "paused" while this is true, whatever the state says.
    pub background: bool,
    /// Datagrams sent.
    pub datagrams_sent: u64,
    /// Datagrams received (authentic or not).
    pub datagrams_received: u64,
    /// Bytes sent (UDP payloads).
    pub bytes_sent: u64,
    /// Bytes received (UDP payloads).
    pub bytes_received: u64,
    /// Datagrams that failed authentication and were dropped (forged, corrupted,
    /// or for another session on the same port). A growing count while the
    /// state stays `Connecting` usually means a wrong key.
    pub datagrams_unauthentic: u64,
    /// Milliseconds since the newest of this client's states that the server
    /// acknowledged was sent (`None` before the first acknowledgement). Over
    /// 10,000 while the state is `Connected`, the server is heard but what is typed
    /// is not reaching it (stock's bar: "Last reply N seconds ago"): show that
    /// input is not being delivered. A `StatusChanged` event comes when it passes
    /// 10 s and each whole second after.
    pub last_reply_ms: Option<u64>,
    /// Input the server has not acknowledged yet, sent or held back: typed bytes
    /// (a resize counts one). Read it to show that keys are still on their way.
    pub input_waiting: u64,
    /// Typed bytes refused since the session started, because 64 MiB of input was
    /// already waiting for a link that is down (`send_input` still returns
    /// normally: the refusal is reported here, with a `StatusChanged` event).
    pub input_dropped_bytes: u64,
}

fn millis(duration: std::time::Duration) -> u64 {
    duration.as_millis().try_into().unwrap_or(u64::MAX)
}

impl From<ConnectionStatus> for Status {
    fn from(status: ConnectionStatus) -> Self {
        Status {
            state: match status.state {
                CoreState::Connecting => ConnectionState::Connecting,
                CoreState::Connected => ConnectionState::Connected,
                CoreState::Waiting => ConnectionState::Waiting,
                CoreState::Closed(reason) => ConnectionState::Closed {
                    reason: reason.into(),
                },
            },
            last_contact_ms: status.last_contact.map(millis),
            rtt_ms: millis(status.rtt),
            background: status.background,
            datagrams_sent: status.stats.datagrams_sent,
            datagrams_received: status.stats.datagrams_received,
            bytes_sent: status.stats.bytes_sent,
            bytes_received: status.stats.bytes_received,
            datagrams_unauthentic: status.stats.datagrams.unauthentic,
            last_reply_ms: status.last_reply.map(millis),
            input_waiting: status.input_waiting,
            input_dropped_bytes: status.input_dropped,
        }
    }
}
