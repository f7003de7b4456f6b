//! The error shared by both directions' diff decoders.

use super::resize::BadWindowSize;

/// A diff that cannot be turned into events.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiffError {
    /// Not a valid protobuf message of the expected type.
    #[error("malformed diff: {0}")]
    Malformed(#[from] prost::DecodeError),
    /// A resize with a missing or out-of-range size.
    #[error(transparent)]
    BadResize(#[from] BadWindowSize),
    /// More events than one diff may carry.
    #[error("diff carries more than {0} events")]
    TooManyEvents(usize),
    /// Scrollback lines (the scrollback extension) that are too many or hold
    /// impossible values.
    #[error("invalid scrollback lines")]
    BadScrollback,
}
