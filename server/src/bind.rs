//! Choosing the local address and binding the session's UDP socket (`protocol.md` §15.1).
//!
//! Unlike stock, which binds `0.0.0.0`, the wildcard here is the dual-stack `[::]` with
//! `IPV6_V6ONLY` cleared: one socket hears IPv4 (as mapped addresses) and IPv6, so a
//! client can roam from an IPv4 network to an IPv6 one without losing the session.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};

use rustix::net::{AddressFamily, SocketFlags, SocketType, sockopt};

use crate::cli::{BindChoice, ssh_connection_local_address};
use crate::port_range::PortRange;

/// Binding failed on every port of the range.
#[derive(Debug, thiserror::Error)]
#[error("could not bind a UDP port in {low}:{high} on {address}: {source}")]
pub struct BindError {
    /// First port tried.
    pub low: u16,
    /// Last port tried.
    pub high: u16,
    /// The address tried.
    pub address: IpAddr,
    /// The error of the last attempt (EADDRINUSE when the range is full).
    #[source]
    pub source: io::Error,
}

/// A bound socket and the non-fatal problems met on the way (printed as warnings).
#[derive(Debug)]
pub struct Bound {
    /// The socket.
    pub socket: UdpSocket,
    /// Warnings such as "could not bind the requested address, using the wildcard".
    pub warnings: Vec<String>,
}

/// Binds according to the command line; `ssh_connection` is `$SSH_CONNECTION`.
pub fn bind_session_socket(
    choice: &BindChoice,
    ports: PortRange,
    ssh_connection: Option<&str>,
) -> Result<Bound, BindError> {
    let mut warnings = Vec::new();
    let preferred = match choice {
        BindChoice::Any => None,
        BindChoice::Address(text) => match text.parse::<IpAddr>() {
            Ok(ip) => Some(ip),
            Err(_) => {
                warnings.push(format!(
                    "Bad address {text:?}; binding the wildcard address"
                ));
                None
            }
        },
        BindChoice::SshConnection => match ssh_connection.and_then(ssh_connection_local_address) {
            Some(ip) => Some(ip),
            None => {
                warnings.push(
                    "Could not determine local IP address from SSH_CONNECTION; \
                         binding the wildcard address"
                        .to_owned(),
                );
                None
            }
        },
    };
    if let Some(ip) = preferred {
        match bind_range(ip, ports) {
            Ok(socket) => return Ok(Bound { socket, warnings }),
            Err(e) => warnings.push(format!("{e}; binding the wildcard address")),
        }
    }
    let socket = match bind_range(IpAddr::V6(Ipv6Addr::UNSPECIFIED), ports) {
        Ok(socket) => socket,
        // A host without IPv6 at all: stock's IPv4 wildcard.
        Err(e)
            if e.source.raw_os_error() == Some(rustix::io::Errno::AFNOSUPPORT.raw_os_error()) =>
        {
            bind_range(IpAddr::V4(Ipv4Addr::UNSPECIFIED), ports)?
        }
        Err(e) => return Err(e),
    };
    Ok(Bound { socket, warnings })
}

/// Tries every port of the range on one address, in order.
fn bind_range(ip: IpAddr, ports: PortRange) -> Result<UdpSocket, BindError> {
    let mut last = io::Error::from(io::ErrorKind::AddrInUse);
    for port in ports.ports() {
        match bind_one(SocketAddr::new(ip, port)) {
            Ok(socket) => return Ok(socket),
            Err(e) => {
                let fatal = e.kind() != io::ErrorKind::AddrInUse;
                last = e;
                if fatal {
                    break;
                }
            }
        }
    }
    Err(BindError {
        low: ports.low,
        high: ports.high,
        address: ip,
        source: last,
    })
}

fn bind_one(addr: SocketAddr) -> io::Result<UdpSocket> {
    let family = match addr {
        SocketAddr::V4(_) => AddressFamily::INET,
        SocketAddr::V6(_) => AddressFamily::INET6,
    };
    let fd = rustix::net::socket_with(family, SocketType::DGRAM, SocketFlags::CLOEXEC, None)?;
    if let SocketAddr::V6(v6) = addr
        && v6.ip().is_unspecified()
    {
        sockopt::set_ipv6_v6only(&fd, false)?;
    }
    rustix::net::bind(&fd, &addr)?;
    Ok(UdpSocket::from(fd))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(text: &str) -> PortRange {
        PortRange::parse(text).unwrap()
    }

    #[test]
    fn wildcard_is_dual_stack() {
        let bound = bind_session_socket(&BindChoice::Any, range("0"), None).unwrap();
        let port = bound.socket.local_addr().unwrap().port();
        assert!(bound.socket.local_addr().unwrap().is_ipv6());
        // An IPv4 sender reaches it.
        let v4 = UdpSocket::bind("127.0.0.1:0").unwrap();
        v4.send_to(b"ping4", ("127.0.0.1", port)).unwrap();
        let mut buf = [0u8; 16];
        let (n, from) = bound.socket.recv_from(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"ping4");
        assert!(matches!(from.ip(), IpAddr::V6(ip) if ip.to_ipv4_mapped().is_some()));
        // So does an IPv6 one.
        let v6 = UdpSocket::bind("[::1]:0").expect("IPv6 loopback (::1) must exist");
        v6.send_to(b"ping6", ("::1", port)).unwrap();
        let (n, _) = bound.socket.recv_from(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"ping6");
    }

    #[test]
    fn range_skips_ports_in_use() {
        let taken = UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = taken.local_addr().unwrap().port();
        let choice = BindChoice::Address("127.0.0.1".into());
        let ports = PortRange {
            low: port,
            high: port.saturating_add(20),
        };
        let bound = bind_session_socket(&choice, ports, None).unwrap();
        let got = bound.socket.local_addr().unwrap();
        assert_eq!(got.ip(), IpAddr::V4(Ipv4Addr::LOCALHOST));
        assert!(got.port() > port);
        assert!(bound.warnings.is_empty());
    }

    #[test]
    fn full_range_is_an_error() {
        let taken = UdpSocket::bind("[::]:0").unwrap();
        let port = taken.local_addr().unwrap().port();
        let err =
            bind_session_socket(&BindChoice::Any, range(&port.to_string()), None).unwrap_err();
        assert_eq!(err.source.kind(), io::ErrorKind::AddrInUse);
        assert!(err.to_string().contains(&port.to_string()));
    }

    #[test]
    fn unusable_preference_falls_back_with_a_warning() {
        // 192.0.2.1 (TEST-NET-1) is not a local address.
        let choice = BindChoice::Address("192.0.2.1".into());
        let bound = bind_session_socket(&choice, range("0"), None).unwrap();
        assert!(bound.socket.local_addr().unwrap().ip().is_unspecified());
        assert_eq!(bound.warnings.len(), 1);

        let bound = bind_session_socket(&BindChoice::SshConnection, range("0"), None).unwrap();
        assert!(bound.socket.local_addr().unwrap().ip().is_unspecified());
        assert_eq!(bound.warnings.len(), 1);

        let ssh = "127.0.0.1 50000 127.0.0.1 22";
        let bound = bind_session_socket(&BindChoice::SshConnection, range("0"), Some(ssh)).unwrap();
        assert_eq!(
            bound.socket.local_addr().unwrap().ip(),
            IpAddr::V4(Ipv4Addr::LOCALHOST)
        );
    }
}
