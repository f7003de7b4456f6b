//! Finding and validating `MOSH CONNECT <port> <key>` in the output of
//! `mosh-server new` (`protocol.md` §15.2, §17).

use crate::crypto::{KeyError, SessionKey};

/// Port and key of a freshly started server session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectInfo {
    /// UDP port the server listens on.
    pub port: u16,
    /// The session key.
    pub key: SessionKey,
}

/// What was wrong with the server's output.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectError {
    /// No line starts with `MOSH CONNECT `; the server may have failed (its output is
    /// worth showing to the user) or is not installed.
    #[error("no MOSH CONNECT line in the server output")]
    NoConnectLine,
    /// The line has no port, or a port that is not 1..=65535.
    #[error("MOSH CONNECT line has a bad port")]
    BadPort,
    /// The key is not a valid session key.
    #[error("MOSH CONNECT line has a bad key: {0}")]
    BadKey(#[from] KeyError),
    /// Words after the key.
    #[error("MOSH CONNECT line has trailing words")]
    TrailingWords,
}

/// Scans `output` (stdout and stderr of the server, possibly through a pty with `\r\n`
/// endings) for the first `MOSH CONNECT` line.
pub fn parse_connect(output: &str) -> Result<ConnectInfo, ConnectError> {
    let line = output
        .split('\n')
        .map(|line| line.trim_end_matches(['\r', ' ', '\t']))
        .find_map(|line| line.strip_prefix("MOSH CONNECT "))
        .ok_or(ConnectError::NoConnectLine)?;
    let mut words = line.split(' ');
    let port = words
        .next()
        .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|p| p.parse::<u16>().ok())
        .filter(|p| *p != 0)
        .ok_or(ConnectError::BadPort)?;
    let key = SessionKey::parse(words.next().unwrap_or(""))?;
    if words.next().is_some() {
        return Err(ConnectError::TrailingWords);
    }
    Ok(ConnectInfo { port, key })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "AAECAwQFBgcICQoLDA0ODw";

    #[test]
    fn finds_the_line_among_noise_and_pty_endings() {
        let output = format!(
            "\r\r\n\r\nWelcome!\r\nMOSH CONNECT 60001 {KEY}\r\n\r\nmosh-server (mosh 1.4.0)\r\n"
        );
        let info = parse_connect(&output).unwrap();
        assert_eq!(info.port, 60001);
        assert_eq!(info.key, SessionKey::parse(KEY).unwrap());
    }

    #[test]
    fn typed_errors() {
        assert_eq!(
            parse_connect("bash: mosh-server: command not found\n"),
            Err(ConnectError::NoConnectLine)
        );
        assert_eq!(
            parse_connect(&format!("MOSH CONNECT 0 {KEY}")),
            Err(ConnectError::BadPort)
        );
        assert_eq!(
            parse_connect(&format!("MOSH CONNECT 70000 {KEY}")),
            Err(ConnectError::BadPort)
        );
        assert_eq!(
            parse_connect("MOSH CONNECT 60001 short"),
            Err(ConnectError::BadKey(KeyError::WrongLength(5)))
        );
        assert_eq!(
            parse_connect(&format!("MOSH CONNECT 60001 {KEY} extra")),
            Err(ConnectError::TrailingWords)
        );
    }
}
