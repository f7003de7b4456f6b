//! The command line and environment of stock `mosh-client` (`protocol.md` §16.1), so
//! this client can stand in for it under the `mosh` wrapper (`--client=`).

use std::net::IpAddr;

use mosh_core::crypto::{KeyError, SessionKey};
use mosh_core::frontend::escape_key::EscapeKeyConfig;
pub use mosh_core::prediction::PredictionDisplay;

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientInvocation {
    /// Connect to a server.
    Connect {
        /// Server address (numeric, IPv4 or IPv6).
        ip: IpAddr,
        /// Server UDP port.
        port: u16,
        /// `-v` count.
        verbose: u32,
    },
    /// `-c`: print the colour count of `$TERM` and exit.
    Colors,
    /// `--help`.
    Help,
    /// `--version`.
    Version,
}

/// Settings from the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientEnv {
    /// `MOSH_KEY`.
    pub key: SessionKey,
    /// `MOSH_PREDICTION_DISPLAY`.
    pub prediction: PredictionDisplay,
    /// `MOSH_PREDICTION_OVERWRITE=yes`.
    pub prediction_overwrite: bool,
    /// `MOSH_ESCAPE_KEY`.
    pub escape: EscapeKeyConfig,
    /// `MOSH_TITLE_NOPREFIX` set.
    pub title_no_prefix: bool,
    /// `MOSH_NO_TERM_INIT` set.
    pub no_term_init: bool,
    /// `MOSH_LOCAL_SCROLLBACK=yes` (or `1`, `on`, `true`): lines that scroll off the
    /// remote screen go into the local terminal's own scrollback, so the mouse wheel
    /// scrolls back as over ssh. The terminal then stays on its main screen, so it is
    /// not restored on exit or suspend (as after ssh); off by default, like stock
    /// mosh-client, whose alternate screen gives the terminal back as it was.
    pub local_scrollback: bool,
}

/// A command line or environment the client cannot start with.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ClientArgsError {
    /// Wrong number of words, or an unknown option.
    #[error("Usage: mosh-client [-v] [-# 'ARGS'] IP PORT\n       mosh-client -c")]
    Usage,
    /// The host is not a numeric address.
    #[error("{0}: not a numeric IPv4 or IPv6 address")]
    BadAddress(String),
    /// The port is not 1..=65535 in digits.
    #[error("{0}: bad UDP port")]
    BadPort(String),
    /// `MOSH_KEY` is missing.
    #[error("MOSH_KEY environment variable not found.")]
    NoKey,
    /// `MOSH_KEY` is not a valid key.
    #[error("bad MOSH_KEY: {0}")]
    BadKey(#[from] KeyError),
    /// `MOSH_PREDICTION_DISPLAY` has an unknown value.
    #[error("Unknown prediction mode {0:?} in MOSH_PREDICTION_DISPLAY.")]
    BadPredictionMode(String),
}

/// Parses the arguments after the program name.
pub fn parse_args(args: &[String]) -> Result<ClientInvocation, ClientArgsError> {
    let mut verbose = 0;
    let mut words = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_str();
        i += 1;
        match arg {
            "--help" | "-h" => return Ok(ClientInvocation::Help),
            "--version" => return Ok(ClientInvocation::Version),
            "-c" => return Ok(ClientInvocation::Colors),
            "-v" => verbose += 1,
            // The wrapper records its own arguments here; they mean nothing to us.
            "-#" => i += 1,
            a if a.starts_with("-#") => {}
            a if a.starts_with('-') && a.len() > 1 => return Err(ClientArgsError::Usage),
            word => words.push(word),
        }
    }
    let [ip, port] = words.as_slice() else {
        return Err(ClientArgsError::Usage);
    };
    let ip = ip
        .parse()
        .map_err(|_| ClientArgsError::BadAddress((*ip).to_owned()))?;
    let port = Some(port)
        .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|p| p.parse::<u16>().ok())
        .filter(|p| *p != 0)
        .ok_or_else(|| ClientArgsError::BadPort((*port).to_owned()))?;
    Ok(ClientInvocation::Connect { ip, port, verbose })
}

/// Reads the environment through `lookup`.
pub fn parse_env(lookup: impl Fn(&str) -> Option<String>) -> Result<ClientEnv, ClientArgsError> {
    // The printable key is wiped once parsed (the copy in the process environment is
    // the caller's; removing it would need `unsafe` in this edition).
    let printable = zeroize::Zeroizing::new(lookup("MOSH_KEY").ok_or(ClientArgsError::NoKey)?);
    let key = SessionKey::parse(&printable)?;
    let prediction =
        PredictionDisplay::from_env_value(lookup("MOSH_PREDICTION_DISPLAY").as_deref())
            .map_err(|unknown| ClientArgsError::BadPredictionMode(unknown.0))?;
    Ok(ClientEnv {
        key,
        prediction,
        prediction_overwrite: lookup("MOSH_PREDICTION_OVERWRITE").as_deref() == Some("yes"),
        escape: EscapeKeyConfig::from_env_value(lookup("MOSH_ESCAPE_KEY").as_deref()),
        title_no_prefix: lookup("MOSH_TITLE_NOPREFIX").is_some(),
        no_term_init: lookup("MOSH_NO_TERM_INIT").is_some(),
        local_scrollback: matches!(
            lookup("MOSH_LOCAL_SCROLLBACK")
                .map(|v| v.trim().to_ascii_lowercase())
                .as_deref(),
            Some("yes" | "1" | "on" | "true")
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| (*w).to_owned()).collect()
    }

    #[test]
    fn wrapper_invocation() {
        let args = strings(&[
            "-# --ssh=x -p 61180 me@host -- /bin/sh |",
            "127.0.0.1",
            "61180",
        ]);
        assert_eq!(
            parse_args(&args).unwrap(),
            ClientInvocation::Connect {
                ip: "127.0.0.1".parse().unwrap(),
                port: 61180,
                verbose: 0
            }
        );
        let args = strings(&["-v", "-#", "orig args", "::1", "60001"]);
        assert!(matches!(
            parse_args(&args).unwrap(),
            ClientInvocation::Connect { verbose: 1, .. }
        ));
    }

    #[test]
    fn bad_command_lines() {
        assert_eq!(
            parse_args(&strings(&["localhost", "60001"])),
            Err(ClientArgsError::BadAddress("localhost".into()))
        );
        assert_eq!(
            parse_args(&strings(&["127.0.0.1", "6e4"])),
            Err(ClientArgsError::BadPort("6e4".into()))
        );
        assert_eq!(
            parse_args(&strings(&["127.0.0.1"])),
            Err(ClientArgsError::Usage)
        );
        assert_eq!(
            parse_args(&strings(&["-x", "a", "b"])),
            Err(ClientArgsError::Usage)
        );
        assert_eq!(parse_args(&strings(&["-c"])), Ok(ClientInvocation::Colors));
    }

    #[test]
    fn environment() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        assert_eq!(parse_env(env(&[])), Err(ClientArgsError::NoKey));
        let ok = parse_env(env(&[
            ("MOSH_KEY", "AAECAwQFBgcICQoLDA0ODw"),
            ("MOSH_PREDICTION_DISPLAY", "always"),
            ("MOSH_PREDICTION_OVERWRITE", "yes"),
            ("MOSH_TITLE_NOPREFIX", ""),
        ]))
        .unwrap();
        assert_eq!(ok.prediction, PredictionDisplay::Always);
        assert!(ok.prediction_overwrite && ok.title_no_prefix && !ok.no_term_init);
        assert!(!ok.local_scrollback);
        let local = parse_env(env(&[
            ("MOSH_KEY", "AAECAwQFBgcICQoLDA0ODw"),
            ("MOSH_LOCAL_SCROLLBACK", "Yes"),
        ]))
        .unwrap();
        assert!(local.local_scrollback);
        assert_eq!(
            parse_env(env(&[
                ("MOSH_KEY", "AAECAwQFBgcICQoLDA0ODw"),
                ("MOSH_PREDICTION_DISPLAY", "sometimes")
            ])),
            Err(ClientArgsError::BadPredictionMode("sometimes".into()))
        );
    }
}
