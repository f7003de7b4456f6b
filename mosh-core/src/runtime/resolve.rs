//! The server's addresses: a literal, or a host name resolved on the runtime's
//! blocking pool (never on the caller's thread), and the order they are tried in.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

/// How long one address may stay silent while connecting before the next is tried.
/// Long enough for a server on a 500 ms round trip to answer; a refused or unroutable
/// address moves on at once (a send error).
pub(crate) const ADDRESS_PATIENCE: Duration = Duration::from_millis(1500);

/// Resolves `host` (a name, an IPv4 or IPv6 literal, brackets allowed) to the
/// addresses to try, in the resolver's order of preference (RFC 6724), each once.
pub(crate) async fn resolve(host: &str, port: u16) -> std::io::Result<Vec<SocketAddr>> {
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    let mut addresses: Vec<SocketAddr> = Vec::new();
    for address in tokio::net::lookup_host((bare, port)).await? {
        if !addresses.contains(&address) {
            addresses.push(address);
        }
    }
    if addresses.is_empty() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "no addresses",
        ));
    }
    Ok(addresses)
}

/// Which address a connecting session sends to: the next one after a send error or
/// [`ADDRESS_PATIENCE`] of silence, round and round, until the server first answers.
#[derive(Debug)]
pub(crate) struct AddressCycle {
    addresses: Vec<SocketAddr>,
    current: usize,
    since: Instant,
    settled: bool,
}

impl AddressCycle {
    pub(super) fn new(addresses: Vec<SocketAddr>, now: Instant) -> Self {
        AddressCycle {
            settled: addresses.len() < 2,
            addresses,
            current: 0,
            since: now,
        }
    }

    /// The first address.
    pub(super) fn first(&self) -> Option<SocketAddr> {
        self.addresses.first().copied()
    }

    /// The address to move to now, if any. `heard_from`: where the server's first
    /// answer came from (the cycle stops for good, on that address: an answer to an
    /// earlier address can arrive after the cycle moved on); `send_failed`: a send to
    /// the current address failed.
    pub(super) fn next(
        &mut self,
        heard_from: Option<SocketAddr>,
        send_failed: bool,
        now: Instant,
    ) -> Option<SocketAddr> {
        if self.settled {
            return None;
        }
        if let Some(from) = heard_from {
            self.settled = true;
            let current = self.addresses[self.current];
            return (from != current && self.addresses.contains(&from)).then_some(from);
        }
        if !send_failed && now.saturating_duration_since(self.since) < ADDRESS_PATIENCE {
            return None;
        }
        self.current = (self.current + 1) % self.addresses.len();
        self.since = now;
        Some(self.addresses[self.current])
    }

    /// When [`AddressCycle::next`] may move on without a send error.
    pub(super) fn deadline(&self) -> Option<Instant> {
        (!self.settled).then(|| self.since + ADDRESS_PATIENCE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycles_until_heard() {
        let a: SocketAddr = "[::1]:1".parse().unwrap();
        let b: SocketAddr = "127.0.0.1:1".parse().unwrap();
        let t0 = Instant::now();
        let mut cycle = AddressCycle::new(vec![a, b], t0);
        assert_eq!(cycle.first(), Some(a));
        assert_eq!(cycle.next(None, false, t0), None);
        assert_eq!(cycle.next(None, true, t0), Some(b));
        assert_eq!(cycle.next(None, false, t0 + ADDRESS_PATIENCE), Some(a));
        // The answer from b arrives after the cycle moved back to a: settle on b.
        assert_eq!(
            cycle.next(Some(b), false, t0 + ADDRESS_PATIENCE * 2),
            Some(b)
        );
        assert_eq!(cycle.next(None, true, t0 + ADDRESS_PATIENCE * 3), None);
        assert_eq!(cycle.deadline(), None);
        // Heard from where it sends: nothing to move.
        let mut cycle = AddressCycle::new(vec![a, b], t0);
        assert_eq!(cycle.next(Some(a), false, t0), None);
    }

    #[tokio::test]
    async fn literals_need_no_resolver() {
        let v6 = resolve("[::1]", 7).await.unwrap();
        assert_eq!(v6, vec!["[::1]:7".parse().unwrap()]);
        assert_eq!(resolve("::1", 7).await.unwrap(), v6);
        let local = resolve("localhost", 7).await.unwrap();
        assert!(local.iter().all(|a| a.ip().is_loopback()), "{local:?}");
        assert!(resolve("no-such-host.invalid", 7).await.is_err());
    }
}
