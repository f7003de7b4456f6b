//! The 16-bit millisecond clock carried in every datagram (protocol.md §6.1).

/// The value that means "no timestamp" in either timestamp field.
pub const TIMESTAMP_NONE: u16 = 0xFFFF;

/// The 16-bit timestamp for a monotonic clock reading in milliseconds. The value
/// 0xFFFF is reserved for "none", so that instant is sent as 0 instead.
pub fn timestamp16(now_ms: u64) -> u16 {
    match (now_ms & 0xFFFF) as u16 {
        TIMESTAMP_NONE => 0,
        t => t,
    }
}

/// Reads a timestamp field: 0xFFFF is "none".
pub fn decode_timestamp(raw: u16) -> Option<u16> {
    (raw != TIMESTAMP_NONE).then_some(raw)
}

/// Writes a timestamp field: "none" is 0xFFFF. A value that lands on 0xFFFF (an echo
/// advanced by its hold time can) is sent as 0, like the clock itself, rather than
/// silently turning into "none"; the peer's RTT sample is then off by 1 ms.
pub fn encode_timestamp(value: Option<u16>) -> u16 {
    match value {
        None => TIMESTAMP_NONE,
        Some(TIMESTAMP_NONE) => 0,
        Some(t) => t,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_wraps_and_skips_the_none_value() {
        assert_eq!(timestamp16(18700), 18700);
        assert_eq!(timestamp16(65535), 0);
        assert_eq!(timestamp16(65536 + 5), 5);
        assert_eq!(timestamp16(3 * 65536 + 65535), 0);
        assert_eq!(decode_timestamp(0xFFFF), None);
        assert_eq!(encode_timestamp(None), 0xFFFF);
        assert_eq!(decode_timestamp(encode_timestamp(Some(42))), Some(42));
        assert_eq!(encode_timestamp(Some(0xFFFF)), 0);
    }
}
