//! `MOSH_SERVER_NETWORK_TMOUT` and `MOSH_SERVER_SIGNAL_TMOUT` (`protocol.md` §15.4).

use std::time::Duration;

use mosh_core::session::ServerTimeouts;

/// Reads both variables; invalid values are reported (returned as warnings) and
/// ignored, as stock does.
pub fn timeouts_from_env(lookup: impl Fn(&str) -> Option<String>) -> (ServerTimeouts, Vec<String>) {
    let mut warnings = Vec::new();
    let mut read = |name: &str| -> Option<Duration> {
        let value = lookup(name)?;
        match value.trim().parse::<u64>() {
            Ok(secs) if secs > 0 => Some(Duration::from_secs(secs)),
            _ => {
                warnings.push(format!("{name} not a positive integer, ignoring"));
                None
            }
        }
    };
    let timeouts = ServerTimeouts {
        network: read("MOSH_SERVER_NETWORK_TMOUT"),
        signal: read("MOSH_SERVER_SIGNAL_TMOUT"),
    };
    (timeouts, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_warns() {
        let (t, w) = timeouts_from_env(|n| match n {
            "MOSH_SERVER_NETWORK_TMOUT" => Some("4".into()),
            "MOSH_SERVER_SIGNAL_TMOUT" => Some("soon".into()),
            _ => None,
        });
        assert_eq!(t.network, Some(Duration::from_secs(4)));
        assert_eq!(t.signal, None);
        assert_eq!(w.len(), 1);
        let (t, w) = timeouts_from_env(|_| None);
        assert_eq!(t, ServerTimeouts::default());
        assert!(w.is_empty());
    }
}
