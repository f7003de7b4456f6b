//! One error type for every call, a variant per cause; uniffi maps it to a Swift
//! `Error` and Kotlin exceptions. Fields are named `detail`, not `message`, which
//! would clash with Kotlin's `Throwable.message`.

use mosh_core::bootstrap::ConnectError;
use mosh_core::crypto::KeyError;
use mosh_core::runtime::RuntimeError;
use mosh_core::session::{SealedError, SnapshotError};

/// Why a call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum MoshError {
    /// The session key is not a 22-character mosh key.
    #[error("invalid session key: {detail}")]
    InvalidKey {
        /// What is wrong (never the key itself).
        detail: String,
    },
    /// The host is empty or not a usable address.
    #[error("invalid host: {detail}")]
    InvalidHost {
        /// What is wrong.
        detail: String,
    },
    /// Port 0, or (from the Kotlin layer, whose ports are `Int`) one above 65535.
    #[error("invalid port {port}")]
    InvalidPort {
        /// The port given.
        port: i32,
    },
    /// A window of zero columns or rows (or, from the Kotlin layer, a negative one or
    /// one above 65535).
    #[error("invalid window size {columns}x{rows}")]
    InvalidSize {
        /// Columns given.
        columns: i32,
        /// Rows given.
        rows: i32,
    },
    /// Another argument out of its range (a negative scrollback index from a
    /// language with signed integers).
    #[error("invalid argument: {detail}")]
    InvalidArgument {
        /// What is wrong.
        detail: String,
    },
    /// The server's output has no usable `MOSH CONNECT` line.
    #[error("no usable MOSH CONNECT line: {detail}")]
    NoConnectLine {
        /// What was wrong.
        detail: String,
    },
    /// Not a saved session of this library (a secret of the wrong length or magic,
    /// or sealed bytes that are no snapshot).
    #[error("not a saved session")]
    SnapshotForeign,
    /// The saved state does not belong to the secret given with it: from another
    /// save (older, newer, another session's), truncated, extended or altered.
    /// Both parts must come from the same `SavedSession`.
    #[error("the saved state does not belong to this secret (another save, or damaged)")]
    StateMismatch,
    /// Written by a newer version of the library.
    #[error("snapshot version {version} is newer than this library reads")]
    SnapshotNewerVersion {
        /// The snapshot's version.
        version: u16,
    },
    /// Truncated, padded, damaged or otherwise unusable snapshot bytes.
    #[error("snapshot is damaged: {detail}")]
    SnapshotCorrupt {
        /// What is wrong.
        detail: String,
    },
    /// The session cannot be saved.
    #[error("the session cannot be saved")]
    SnapshotUnavailable,
    /// The session has ended or is closing.
    #[error("the session is closed")]
    SessionClosed,
    /// The nonce store could not reserve sequence numbers (unwritable directory,
    /// damaged file): the session does not start rather than risk a repeated nonce.
    #[error("could not reserve sequence numbers: {detail}")]
    Storage {
        /// What failed.
        detail: String,
    },
    /// The library could not start its runtime or threads.
    #[error("internal error: {detail}")]
    Internal {
        /// What failed.
        detail: String,
    },
}

impl From<RuntimeError> for MoshError {
    fn from(error: RuntimeError) -> Self {
        match error {
            RuntimeError::Closed => MoshError::SessionClosed,
            RuntimeError::InvalidSize { columns, rows } => MoshError::InvalidSize {
                columns: columns.into(),
                rows: rows.into(),
            },
            RuntimeError::InvalidPort => MoshError::InvalidPort { port: 0 },
            RuntimeError::InvalidHost => MoshError::InvalidHost {
                detail: "empty".into(),
            },
            RuntimeError::Snapshot(error) => error.into(),
            RuntimeError::SnapshotUnavailable => MoshError::SnapshotUnavailable,
            RuntimeError::NonceStore(detail) => MoshError::Storage { detail },
            RuntimeError::Runtime(detail) => MoshError::Internal { detail },
        }
    }
}

impl From<SealedError> for MoshError {
    fn from(error: SealedError) -> Self {
        match error {
            SealedError::SecretForeign => MoshError::SnapshotForeign,
            SealedError::SecretNewerVersion(version) => MoshError::SnapshotNewerVersion { version },
            SealedError::SecretCorrupt => MoshError::SnapshotCorrupt {
                detail: error.to_string(),
            },
            SealedError::StateMismatch => MoshError::StateMismatch,
            SealedError::Random(_) | SealedError::TooLarge => MoshError::Internal {
                detail: error.to_string(),
            },
        }
    }
}

impl From<SnapshotError> for MoshError {
    fn from(error: SnapshotError) -> Self {
        match error {
            SnapshotError::Foreign => MoshError::SnapshotForeign,
            SnapshotError::NewerVersion(version) => MoshError::SnapshotNewerVersion { version },
            other => MoshError::SnapshotCorrupt {
                detail: other.to_string(),
            },
        }
    }
}

impl From<KeyError> for MoshError {
    fn from(error: KeyError) -> Self {
        MoshError::InvalidKey {
            detail: error.to_string(),
        }
    }
}

impl From<ConnectError> for MoshError {
    fn from(error: ConnectError) -> Self {
        match error {
            ConnectError::BadKey(error) => error.into(),
            other => MoshError::NoConnectLine {
                detail: other.to_string(),
            },
        }
    }
}

/// What a listener method may throw (Kotlin) or `throw` (Swift): logged, and the
/// session goes on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum ListenerError {
    /// The app's listener failed.
    #[error("listener failed: {detail}")]
    Failed {
        /// What the app said.
        detail: String,
    },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for ListenerError {
    fn from(error: uniffi::UnexpectedUniFFICallbackError) -> Self {
        ListenerError::Failed {
            detail: error.reason,
        }
    }
}
