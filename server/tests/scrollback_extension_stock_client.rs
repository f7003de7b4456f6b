//! The scrollback extension (`docs/scrollback-extension.md`) never reaches a stock
//! client: Debian's `mosh-client` (mosh 1.4) runs against our server through a relay
//! that opens every datagram with the session key. The client never announces the
//! extension, so while `seq` scrolls hundreds of lines off the screen, no server
//! instruction carries field 20, and the client shows the output as usual.

mod common;

use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{Pane, start_our_server, stock, wait_for_prompt};
use mosh_core::crypto::{Role, SessionCipher, SessionKey};
use mosh_core::protocol::codec::{Assembly, InstructionReceiver};
use mosh_core::protocol::proto::{HostEvent, HostMessage, UserEvent, UserMessage};

const WAIT: Duration = Duration::from_secs(15);

/// What the relay read.
#[derive(Default)]
struct Seen {
    host_instructions: AtomicU64,
    host_scrollback: AtomicU64,
    user_capabilities: AtomicU64,
}

/// A UDP relay in front of `server` that decodes both directions.
struct Relay {
    addr: SocketAddr,
    seen: Arc<Seen>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Relay {
    fn start(server: SocketAddr, key: &SessionKey) -> Relay {
        let front = UdpSocket::bind("127.0.0.1:0").unwrap();
        let back = UdpSocket::bind("127.0.0.1:0").unwrap();
        for socket in [&front, &back] {
            socket
                .set_read_timeout(Some(Duration::from_millis(5)))
                .unwrap();
        }
        let addr = front.local_addr().unwrap();
        let cipher = Arc::new(SessionCipher::new(key));
        let mut to_client = InstructionReceiver::new(cipher.clone(), Role::Client);
        let mut to_server = InstructionReceiver::new(cipher, Role::Server);
        let seen = Arc::new(Seen::default());
        let stop = Arc::new(AtomicBool::new(false));
        let client = Mutex::new(None);
        let thread = {
            let (seen, stop) = (seen.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut buf = vec![0u8; 65536];
                while !stop.load(Ordering::Relaxed) {
                    if let Ok((n, from)) = front.recv_from(&mut buf) {
                        *client.lock().unwrap() = Some(from);
                        if let Ok(received) = to_server.receive(&buf[..n])
                            && let Assembly::Complete(instruction) = received.assembly
                            && let Ok(events) = UserMessage::decode_events(&instruction.diff)
                        {
                            let announced = events
                                .iter()
                                .filter(|e| matches!(e, UserEvent::ScrollbackCapability(_)))
                                .count();
                            seen.user_capabilities
                                .fetch_add(announced as u64, Ordering::Relaxed);
                        }
                        let _ = back.send_to(&buf[..n], server);
                    }
                    if let Ok((n, _)) = back.recv_from(&mut buf) {
                        if let Ok(received) = to_client.receive(&buf[..n])
                            && let Assembly::Complete(instruction) = received.assembly
                        {
                            seen.host_instructions.fetch_add(1, Ordering::Relaxed);
                            let events = HostMessage::decode_events(&instruction.diff)
                                .expect("our server's diff decodes");
                            let lines = events
                                .iter()
                                .filter(|e| matches!(e, HostEvent::Scrollback(_)))
                                .count();
                            seen.host_scrollback
                                .fetch_add(lines as u64, Ordering::Relaxed);
                        }
                        if let Some(client) = *client.lock().unwrap() {
                            let _ = front.send_to(&buf[..n], client);
                        }
                    }
                }
            })
        };
        Relay {
            addr,
            seen,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[test]
fn a_stock_client_never_receives_the_scrollback_extension() {
    let server = start_our_server(&["new", "-i", "127.0.0.1", "-p", "0", "--", "/bin/sh"], &[]);
    let key = SessionKey::parse(&server.key).unwrap();
    let relay = Relay::start(format!("127.0.0.1:{}", server.port).parse().unwrap(), &key);
    let pane = Pane::start(
        "scrollbackext",
        80,
        24,
        &format!(
            "env MOSH_KEY={} LANG=C.UTF-8 TERM=xterm-256color {} 127.0.0.1 {}; echo CLIENT_EXIT=$?; sleep 60",
            server.key,
            stock::stock_binary("mosh-client").display(),
            relay.addr.port()
        ),
    );
    wait_for_prompt(&pane, WAIT);
    // Hundreds of lines scroll off, in steps the server shows as frames.
    pane.type_text("seq 1 400 | while read i; do echo line$i; sleep 0.002; done; echo do''ne");
    pane.keys(&["Enter"]);
    pane.wait_until("the end of the output", Duration::from_secs(30), |s| {
        s.lines().any(|l| l == "done")
    });
    assert!(pane.text().lines().any(|l| l == "line400"));
    let seen = &relay.seen;
    assert!(seen.host_instructions.load(Ordering::Relaxed) > 10);
    assert_eq!(seen.user_capabilities.load(Ordering::Relaxed), 0);
    assert_eq!(
        seen.host_scrollback.load(Ordering::Relaxed),
        0,
        "the server sent scrollback lines to a client that never asked"
    );
    pane.type_text("exit");
    pane.keys(&["Enter"]);
    pane.wait_until("the client's exit", WAIT, |s| s.contains("CLIENT_EXIT=0"));
}
