//! `ResizeMessage`, shared by both directions' diffs.

/// Largest width or height accepted from the wire. Far above any real window, small
/// enough that an emulator sized from it cannot be made to allocate without bound.
pub const MAX_DIMENSION: u16 = 4096;

/// Most cells (width × height) of a screen built from a size on the wire: about
/// half a million, far above any real terminal (an 8K monitor with a small font is
/// some 1100×300), so that neither side can be made to hold screens of hundreds of
/// MiB (4096×4096 cells would be about 16 million). A larger size keeps its width
/// and loses rows.
pub const MAX_CELLS: u32 = 1 << 19;

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
            (Some(width), Some(height)) => Ok(Self::within_cell_limit(width, height)),
            _ => Err(bad),
        }
    }
}

impl WindowSize {
    /// The size of `message` with each dimension above [`MAX_DIMENSION`] brought down
    /// to it (a 5000-column window gets 4096); a zero, negative or missing dimension
    /// has no usable size.
    pub fn clamped(message: &ResizeMessage) -> Result<Self, BadWindowSize> {
        let dimension = |value: Option<i32>| {
            value
                .filter(|v| *v >= 1)
                .map(|v| u16::try_from(v).unwrap_or(u16::MAX).min(MAX_DIMENSION))
        };
        match (dimension(message.width), dimension(message.height)) {
            (Some(width), Some(height)) => Ok(Self::within_cell_limit(width, height)),
            _ => Err(BadWindowSize {
                width: message.width,
                height: message.height,
            }),
        }
    }

    /// `width` × `height` (each already within 1..=[`MAX_DIMENSION`]) with rows
    /// dropped until it has at most [`MAX_CELLS`] cells.
    pub fn within_cell_limit(width: u16, height: u16) -> Self {
        let most_rows = MAX_CELLS / u32::from(width.max(1));
        let height = u32::from(height).min(most_rows).max(1);
        Self {
            width,
            // At most `height`, which came from a u16.
            height: u16::try_from(height).unwrap_or(u16::MAX),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(width: i32, height: i32) -> Result<WindowSize, BadWindowSize> {
        WindowSize::try_from(&ResizeMessage {
            width: Some(width),
            height: Some(height),
        })
    }

    #[test]
    fn sizes_from_the_wire_stay_within_the_cell_limit() {
        assert_eq!(
            parse(80, 24),
            Ok(WindowSize {
                width: 80,
                height: 24
            })
        );
        let huge = parse(4096, 4096).unwrap();
        assert_eq!((huge.width, huge.height), (4096, 128));
        assert!(u32::from(huge.width) * u32::from(huge.height) <= MAX_CELLS);
        assert_eq!(
            parse(1100, 300),
            Ok(WindowSize {
                width: 1100,
                height: 300
            })
        );
        assert!(parse(0, 24).is_err());
        assert!(parse(4097, 24).is_err());
    }
}
