//! One socket for both families: a client reaches our server over IPv4, then the
//! same session continues over IPv6 (as after moving from an IPv4-only network to an
//! IPv6 one) and the server follows it. Stock mosh binds IPv4 only and cannot.

mod common;

use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use common::start_our_server;
use mosh_core::crypto::SessionKey;
use mosh_core::protocol::ssp::Endpoint;
use mosh_core::protocol::ssp::SocketId;
use mosh_core::session::{ClientConfig, ClientSession};

const WAIT: Duration = Duration::from_secs(10);

/// The client's screen as text, one line per row, trailing blanks trimmed.
fn screen_text(client: &ClientSession) -> Vec<String> {
    client
        .screen()
        .rows()
        .iter()
        .map(|row| {
            let line: String = row.cells().map(|c| c.text()).collect();
            line.trim_end().to_owned()
        })
        .collect()
}

/// Drives `client` over `socket`, sending everything to `server`, until a screen
/// row equals `line`. Returns the addresses replies came from. A bare `$` is the
/// prompt of an idle shell.
fn run_until_line(
    client: &mut ClientSession,
    socket: &UdpSocket,
    server: SocketAddr,
    line: &str,
) -> Vec<SocketAddr> {
    let deadline = Instant::now() + WAIT;
    let mut heard_from = Vec::new();
    let mut buf = vec![0u8; 65_536];
    let mut socket_id = SocketId(0);
    loop {
        let now = Instant::now();
        while let Some(t) = client.poll_transmit(now).unwrap() {
            socket_id = t.socket;
            socket.send_to(&t.payload, server).unwrap();
        }
        while client.poll_event().is_some() {}
        if screen_text(client).iter().any(|row| row == line) {
            return heard_from;
        }
        assert!(
            Instant::now() < deadline,
            "no {line:?} on screen:\n{}",
            screen_text(client).join("\n")
        );
        let wait = client
            .poll_timeout()
            .map_or(Duration::from_millis(50), |t| {
                t.saturating_duration_since(now)
            })
            .clamp(Duration::from_millis(1), Duration::from_millis(50));
        socket.set_read_timeout(Some(wait)).unwrap();
        if let Ok((len, from)) = socket.recv_from(&mut buf) {
            heard_from.push(from);
            let _ = client.handle_datagram(Instant::now(), &buf[..len], from, socket_id);
        }
    }
}

#[test]
fn a_session_moves_from_ipv4_to_ipv6_on_the_same_server_socket() {
    // No -i: the server binds the dual-stack wildcard.
    let server = start_our_server(&["new", "-p", "0", "--", "/bin/sh"], &[]);
    let via_v4: SocketAddr = format!("127.0.0.1:{}", server.port).parse().unwrap();
    let via_v6: SocketAddr = format!("[::1]:{}", server.port).parse().unwrap();
    let v4 = UdpSocket::bind("127.0.0.1:0").unwrap();
    let v6 = UdpSocket::bind("[::1]:0").expect("IPv6 loopback needed for this test");

    let mut client = ClientSession::connect(
        ClientConfig {
            server: via_v4,
            key: SessionKey::parse(&server.key).unwrap(),
            columns: 80,
            rows: 24,
            sequence: mosh_core::crypto::SequencePlan::FROM_ZERO,
            scrollback_lines: mosh_core::session::scrollback::MAX_SCROLLBACK_LINES,
        },
        Instant::now(),
    );
    run_until_line(&mut client, &v4, via_v4, "$");
    client.send_input(b"echo over''v4\r");
    let heard = run_until_line(&mut client, &v4, via_v4, "overv4");
    assert!(heard.iter().all(|a| *a == via_v4), "{heard:?}");

    // Same session, other family: the server must answer the new address.
    client.send_input(b"echo over''v6\r");
    let heard = run_until_line(&mut client, &v6, via_v6, "overv6");
    assert!(
        !heard.is_empty() && heard.iter().all(|a| *a == via_v6),
        "{heard:?}"
    );

    // And back again.
    client.send_input(b"echo back''on v4\r");
    run_until_line(&mut client, &v4, via_v4, "backon v4");
    assert!(common::stock::process_alive(server.pid));
}
