//! OSC 52 clipboard writes as an app wants them: which selection, and the bytes. The
//! emulator keeps the write's base64 data as the program sent it (what a desktop
//! terminal is handed through); a phone app puts the decoded bytes on the system
//! clipboard. mosh carries writes to the `c` selection only (as stock does).

/// A clipboard write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClipboardWrite {
    /// The selection written: `c`, the clipboard (the only one mosh carries).
    pub selection: String,
    /// The bytes written (usually UTF-8 text).
    pub bytes: Vec<u8>,
}

/// Decodes the base64 data of an OSC 52 write to the clipboard. `None` for a query
/// (`?`, which mosh never answers) or data that is not base64.
pub fn decode_clipboard(data: &str) -> Option<ClipboardWrite> {
    if data == "?" {
        return None;
    }
    Some(ClipboardWrite {
        selection: "c".to_owned(),
        bytes: decode_base64(data.trim_end_matches('='))?,
    })
}

/// Standard base64 without padding (padding already removed); `None` on any other
/// character or an impossible length.
fn decode_base64(data: &str) -> Option<Vec<u8>> {
    fn value(c: u8) -> Option<u32> {
        Some(u32::from(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        }))
    }
    if data.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(data.len() / 4 * 3 + 2);
    for chunk in data.as_bytes().chunks(4) {
        let mut bits = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            bits |= value(c)? << (18 - 6 * i);
        }
        let bytes = bits.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_what_programs_send() {
        // printf '\e]52;c;%s\a' "$(printf copied | base64)": the emulator keeps the data.
        assert_eq!(
            decode_clipboard("Y29waWVk"),
            Some(ClipboardWrite {
                selection: "c".into(),
                bytes: b"copied".to_vec()
            })
        );
        // Padding, non-ASCII text, nothing.
        assert_eq!(decode_clipboard("aGk=").unwrap().bytes, b"hi");
        assert_eq!(decode_clipboard("w6nDqA==").unwrap().bytes, "éè".as_bytes());
        assert_eq!(decode_clipboard("").unwrap().bytes, b"");
    }

    #[test]
    fn refuses_queries_and_garbage() {
        assert_eq!(decode_clipboard("?"), None);
        assert_eq!(decode_clipboard("!!!!"), None);
        assert_eq!(decode_clipboard("a"), None);
        assert_eq!(decode_clipboard("c;aGk="), None);
    }
}
