//! A bound on how many events one diff may carry, checked before decoding.
//!
//! The 4 MiB inflate cap bounds a diff's bytes, not its decoded size: 4 MiB of empty
//! two-byte entries would decode into two million message structs, over 100 MiB. So
//! the entries are counted on the wire first, without allocating.

use super::diff_error::DiffError;

/// Most events one diff may carry. Stock diffs carry a handful (a server sends at most
/// echo ack, resize and one byte string; a client merges keystrokes), so this leaves
/// room for long outages full of resizes while keeping decoding small.
pub const MAX_DIFF_EVENTS: usize = 65_536;

/// Fails with [`DiffError::TooManyEvents`] if `diff` has more than [`MAX_DIFF_EVENTS`]
/// top-level `instruction` entries (field 1). Structural problems are left for the
/// protobuf decoder to report.
pub fn check_event_count(diff: &[u8]) -> Result<(), DiffError> {
    let mut rest = diff;
    let mut count = 0usize;
    while !rest.is_empty() {
        let Ok(key) = prost::encoding::decode_varint(&mut rest) else {
            return Ok(());
        };
        let skip = match key & 7 {
            0 => match prost::encoding::decode_varint(&mut rest) {
                Ok(_) => 0,
                Err(_) => return Ok(()),
            },
            1 => 8,
            2 => match prost::encoding::decode_varint(&mut rest) {
                Ok(len) => usize::try_from(len).unwrap_or(usize::MAX),
                Err(_) => return Ok(()),
            },
            5 => 4,
            _ => return Ok(()),
        };
        let Some(next) = rest.get(skip..) else {
            return Ok(());
        };
        rest = next;
        if key >> 3 == 1 {
            count += 1;
            if count > MAX_DIFF_EVENTS {
                return Err(DiffError::TooManyEvents(MAX_DIFF_EVENTS));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_only_top_level_entries() {
        let at_limit = [0x0a, 0x00].repeat(MAX_DIFF_EVENTS);
        assert_eq!(check_event_count(&at_limit), Ok(()));
        let over = [0x0a, 0x00].repeat(MAX_DIFF_EVENTS + 1);
        assert_eq!(
            check_event_count(&over),
            Err(DiffError::TooManyEvents(MAX_DIFF_EVENTS))
        );
        // One entry whose body holds many nested field-1 keys is still one entry.
        let mut nested = vec![0x0a, 0x80, 0x80, 0x01];
        nested.extend([0x0a, 0x00].repeat(8192));
        assert_eq!(check_event_count(&nested), Ok(()));
    }
}
