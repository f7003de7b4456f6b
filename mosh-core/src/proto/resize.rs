//! `ResizeMessage`, shared by both directions' diffs.

/// Largest width or height accepted from the wire. Far above any real window, small
/// enough that an emulator sized from it cannot be made to allocate without bound.
pub const MAX_DIMENSION: u16 = 4096;

/// A window size as carried on the wire (proto2 `optional int32` fields).
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct ResizeMessage {
    /// Columns.
    #[prost(int32, optional, tag = "5")]
    pub width: Option<i32>,
    /// Rows.
    #[prost(int32, optional, tag = "6")]
    pub height: Option<i32>,
}

/// A validated window size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WindowSize {
    /// Columns, 1..=[`MAX_DIMENSION`].
    pub width: u16,
    /// Rows, 1..=[`MAX_DIMENSION`].
    pub height: u16,
}

/// A resize whose size is missing or out of range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("window size {width:?}x{height:?} is outside 1..={MAX_DIMENSION}")]
pub struct BadWindowSize {
    /// The width received, if any.
    pub width: Option<i32>,
    /// The height received, if any.
    pub height: Option<i32>,
}

impl TryFrom<&ResizeMessage> for WindowSize {
    type Error = BadWindowSize;

    fn try_from(message: &ResizeMessage) -> Result<Self, Self::Error> {
        let bad = BadWindowSize {
            width: message.width,
            height: message.height,
        };
        let dimension = |value: Option<i32>| {
            value
                .and_then(|v| u16::try_from(v).ok())
                .filter(|v| (1..=MAX_DIMENSION).contains(v))
        };
        match (dimension(message.width), dimension(message.height)) {
            (Some(width), Some(height)) => Ok(Self { width, height }),
            _ => Err(bad),
        }
    }
}

impl From<WindowSize> for ResizeMessage {
    fn from(size: WindowSize) -> Self {
        Self {
            width: Some(i32::from(size.width)),
            height: Some(i32::from(size.height)),
        }
    }
}
