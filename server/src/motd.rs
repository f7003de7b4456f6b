//! The message of the day a login shell session starts with (`protocol.md` §15.3).

use std::path::Path;

/// Dynamic motd files first, then the static one, as on Debian.
const MOTD_FILES: [&str; 3] = ["/run/motd.dynamic", "/var/run/motd.dynamic", "/etc/motd"];

/// Largest motd shown; the rest is cut so a huge file cannot stall the session start.
const MAX_MOTD_BYTES: usize = 64 * 1024;

/// The motd as terminal output (`\n` → `\r\n`, as the pty's ONLCR would make it), or
/// `None` when `~/.hushlogin` exists or there is nothing to show.
pub fn message_of_the_day() -> Option<Vec<u8>> {
    let home = std::env::var_os("HOME")?;
    if Path::new(&home).join(".hushlogin").exists() {
        return None;
    }
    let mut text = Vec::new();
    let mut seen_dynamic = false;
    for (index, file) in MOTD_FILES.iter().enumerate() {
        // Only one of the two dynamic paths (one is a link to the other).
        if index < 2 && seen_dynamic {
            continue;
        }
        if let Ok(contents) = std::fs::read(file) {
            seen_dynamic |= index < 2;
            text.extend_from_slice(&contents);
        }
    }
    text.truncate(MAX_MOTD_BYTES);
    (!text.is_empty()).then(|| to_terminal_newlines(&text))
}

fn to_terminal_newlines(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + text.len() / 16);
    for &b in text {
        if b == b'\n' {
            out.push(b'\r');
        }
        out.push(b);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newlines_become_crlf() {
        assert_eq!(to_terminal_newlines(b"a\nb\n"), b"a\r\nb\r\n");
    }
}
