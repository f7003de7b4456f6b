//! The resync extension between our client and server sessions, sans-IO on a
//! lossless link in virtual time (`docs/resync-extension.md`): any snapshot of a live
//! session resumes — one taken while the session was in use, one restored before,
//! one restored while the process that took it still runs (a handoff) — with the
//! server's screen and history, every key typed exactly once, and no sequence number
//! (nonce) used twice by any process. Run against stock `mosh-server` the same
//! restores end as `OutOfSync` (`mosh-ffi/tests/session_stock_server.rs`).

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use mosh_core::crypto::sequence_plan::clock_tick;
use mosh_core::crypto::{SequencePlan, SessionCipher, SessionKey};
use mosh_core::protocol::ssp::Endpoint;
use mosh_core::session::{ClientConfig, ClientSession, CloseReason, ServerSession, ServerTimeouts};

/// The wall clock when the first process started, in µs since the Unix epoch.
const WALL: u64 = 1_790_000_000_000_000;

fn key() -> SessionKey {
    SessionKey::parse("AAECAwQFBgcICQoLDA0ODw").unwrap()
}

fn server_addr() -> SocketAddr {
    "127.0.0.1:60001".parse().unwrap()
}

/// One client process: its session and the address the server sees it at.
struct Process {
    session: ClientSession,
    addr: SocketAddr,
}

/// The server, the client processes that ever ran, what reached the pty, and every
/// sequence number each side used.
struct Lab {
    now: Instant,
    server: ServerSession,
    processes: Vec<Process>,
    pty: Vec<u8>,
    client_seqs: HashSet<u64>,
    server_seqs: HashSet<u64>,
    /// Datagrams of process `.0` still to drop on the way to the server.
    dropping: Option<(usize, usize)>,
}

fn seq_of(payload: &[u8]) -> u64 {
    u64::from_be_bytes(payload[..8].try_into().unwrap()) & !(1 << 63)
}

impl Lab {
    /// A session with a first process (lane 1) that has seen the prompt.
    fn new() -> Lab {
        let now = Instant::now();
        let cipher = Arc::new(SessionCipher::new(&key()));
        let server = ServerSession::new(cipher, 80, 24, ServerTimeouts::default(), now);
        let config = ClientConfig {
            server: server_addr(),
            key: key(),
            columns: 80,
            rows: 24,
            sequence: SequencePlan::lane(clock_tick(WALL), 1).unwrap(),
            scrollback_lines: 1000,
        };
        let mut lab = Lab {
            now,
            server,
            processes: Vec::new(),
            pty: Vec::new(),
            client_seqs: HashSet::new(),
            server_seqs: HashSet::new(),
            dropping: None,
        };
        lab.add(ClientSession::connect(config, now));
        lab.server.pty_output(b"$ ");
        lab.run(Duration::from_millis(500));
        lab
    }

    /// Adds a client process; returns its index.
    fn add(&mut self, session: ClientSession) -> usize {
        let index = self.processes.len();
        let addr = SocketAddr::new("127.0.0.1".parse().unwrap(), 40000 + index as u16);
        self.processes.push(Process { session, addr });
        index
    }

    /// Restores `snapshot` `ms_later` ms of wall clock after the first start, in
    /// `lane` (as a nonce store hands out lanes); returns its index.
    fn restore(&mut self, snapshot: &[u8], ms_later: u64, lane: u16) -> usize {
        let restored = ClientSession::restore_reserving(
            snapshot,
            WALL + ms_later * 1000,
            self.now,
            |_, floor| SequencePlan::lane(floor, lane).map_err(|e| e.to_string()),
        )
        .unwrap();
        self.add(restored)
    }

    /// Runs every live process in `alive` and the server for `length`, in 10 ms
    /// steps, delivering at once; the server's datagrams go to whichever process
    /// has the address they name.
    fn run_only(&mut self, alive: &[usize], length: Duration) {
        let end = self.now + length;
        while self.now < end {
            let now = self.now;
            for &index in alive {
                let process = &mut self.processes[index];
                while let Some(t) = process.session.poll_transmit(now).unwrap() {
                    assert!(
                        self.client_seqs.insert(seq_of(&t.payload)),
                        "a client sequence number was used twice"
                    );
                    if let Some((from, left)) = &mut self.dropping
                        && *from == index
                        && *left > 0
                    {
                        *left -= 1;
                        continue;
                    }
                    let _ = self.server.handle_datagram(now, &t.payload, process.addr);
                }
            }
            while let Some(t) = self.server.poll_transmit(now).unwrap() {
                assert!(
                    self.server_seqs.insert(seq_of(&t.payload)),
                    "a server sequence number was used twice"
                );
                if let Some(index) = alive
                    .iter()
                    .copied()
                    .find(|&i| self.processes[i].addr == t.destination)
                {
                    let process = &mut self.processes[index];
                    let _ =
                        process
                            .session
                            .handle_datagram(now, &t.payload, server_addr(), t.socket);
                }
            }
            self.pty.extend(self.server.take_pty_input());
            self.now += Duration::from_millis(10);
        }
    }

    fn run(&mut self, length: Duration) {
        let alive: Vec<usize> = (0..self.processes.len()).collect();
        self.run_only(&alive, length);
    }

    fn session(&mut self, index: usize) -> &mut ClientSession {
        &mut self.processes[index].session
    }

    /// The rows of the server's screen and of process `index`'s copy of it.
    fn screens(&self, index: usize) -> (Vec<String>, Vec<String>) {
        let text = |rows: &[Arc<mosh_core::terminal::Row>]| -> Vec<String> {
            rows.iter().map(|row| row.text()).collect()
        };
        (
            text(self.server.emulator().framebuffer().rows()),
            text(
                self.processes[index]
                    .session
                    .server_state()
                    .framebuffer()
                    .rows(),
            ),
        )
    }

    /// Whether process `index` shows the server's screen (cells and cursor).
    fn in_sync(&self, index: usize) -> bool {
        let (server, client) = self.screens(index);
        let cursor = |fb: &mosh_core::terminal::Framebuffer| fb.cursor();
        server == client
            && cursor(self.server.emulator().framebuffer())
                == cursor(self.processes[index].session.server_state().framebuffer())
    }

    /// Runs `alive` until process `index` shows the server's screen; returns how
    /// long that took (panics after 5 s).
    fn until_in_sync(&mut self, alive: &[usize], index: usize) -> Duration {
        let start = self.now;
        while !self.in_sync(index) {
            assert!(
                self.now - start < Duration::from_secs(5),
                "not in sync after 5 s: {:?}",
                self.screens(index)
            );
            self.run_only(alive, Duration::from_millis(10));
        }
        self.now - start
    }
}

/// A snapshot taken while the session was in use (keys typed and not yet sent,
/// output arriving), after which the first process went on typing, reading output
/// and acknowledging it for seconds: the restore resumes within a round trip with the
/// whole screen, the history that scrolled off meanwhile is counted as a gap, and
/// every key reaches the shell exactly once.
#[test]
fn a_snapshot_taken_in_use_resumes_after_the_session_went_on() {
    let mut lab = Lab::new();
    lab.session(0).send_input(b"one ");
    lab.run(Duration::from_millis(200));
    // Typed but not sent yet when the snapshot is taken.
    lab.session(0).send_input(b"two ");
    let snapshot = lab.session(0).snapshot(WALL + 1_000_000).unwrap();
    lab.run(Duration::from_millis(200));
    lab.session(0).send_input(b"three ");
    for n in 0..60 {
        lab.server.pty_output(format!("line {n}\r\n").as_bytes());
        lab.run(Duration::from_millis(50));
    }
    lab.server.pty_output(b"\x1b[1;31m$ \x1b[0m");
    lab.run(Duration::from_secs(4));
    assert_eq!(lab.pty, b"one two three ");

    // The first process is killed; the snapshot restored in a new one.
    let restored = lab.restore(&snapshot, 6_000, 2);
    lab.session(restored).send_input(b"four ");
    let took = lab.until_in_sync(&[restored], restored);
    assert!(
        took <= Duration::from_millis(60),
        "first screen after {took:?}"
    );
    lab.run_only(&[restored], Duration::from_millis(500));
    assert_eq!(lab.session(restored).closed(), None);
    assert_eq!(lab.pty, b"one two three four ");
    assert!(lab.in_sync(restored));
    // The lines scrolled off while the first process read them come after the
    // snapshot's history, or as a gap: never twice, never out of order.
    lab.server
        .pty_output(b"\r\nafter\r\n".repeat(30).as_slice());
    lab.run_only(&[restored], Duration::from_secs(1));
    let scrollback = lab.session(restored).scrollback();
    let texts: Vec<String> = scrollback
        .lines(0, scrollback.len())
        .map(|row| row.text())
        .collect();
    let numbered: Vec<u32> = texts
        .iter()
        .filter_map(|t| t.trim().strip_prefix("line ")?.parse().ok())
        .collect();
    assert!(numbered.windows(2).all(|w| w[1] > w[0]), "{numbered:?}");
    assert!(texts.iter().any(|t| t.trim() == "after"), "{texts:?}");
}

/// The same snapshot restored twice (the app crashed again before it saved a newer
/// one), each restore typing: both resume, each key once, in order.
#[test]
fn a_snapshot_restored_twice_resumes_both_times() {
    let mut lab = Lab::new();
    let snapshot = lab.session(0).snapshot(WALL + 500_000).unwrap();
    lab.session(0).send_input(b"a");
    lab.run(Duration::from_millis(300));

    let first = lab.restore(&snapshot, 2_000, 2);
    lab.session(first).send_input(b"b");
    lab.until_in_sync(&[first], first);
    lab.server.pty_output(b"output of b\r\n$ ");
    lab.run_only(&[first], Duration::from_millis(300));
    assert!(lab.in_sync(first));

    let second = lab.restore(&snapshot, 4_000, 3);
    lab.session(second).send_input(b"c");
    let took = lab.until_in_sync(&[second], second);
    assert!(
        took <= Duration::from_millis(60),
        "first screen after {took:?}"
    );
    lab.run_only(&[second], Duration::from_millis(300));
    assert_eq!(lab.pty, b"abc");
    assert_eq!(lab.session(second).closed(), None);
    assert!(lab.screens(second).1[0].contains("output of b"));
}

/// A handoff: the snapshot moved to a second process while the first still runs.
/// The server follows the newer process; the first learns within a round trip
/// that it was superseded, and nothing it types or closes reaches the session.
#[test]
fn a_handoff_supersedes_the_first_process() {
    let mut lab = Lab::new();
    let snapshot = lab.session(0).snapshot(WALL + 500_000).unwrap();
    let second = lab.restore(&snapshot, 1_000, 2);
    lab.session(second).send_input(b"on the tablet ");
    lab.until_in_sync(&[0, second], second);
    lab.run(Duration::from_millis(100));
    // The first process keeps typing, then closes.
    lab.session(0).send_input(b"on the phone ");
    lab.run(Duration::from_millis(100));
    assert_eq!(lab.session(0).closed(), Some(CloseReason::Superseded));
    let now = lab.now;
    lab.session(0).close(now);
    lab.run(Duration::from_secs(2));
    assert_eq!(lab.pty, b"on the tablet ");
    assert!(lab.server.exit().is_none());
    assert!(lab.server.stats().superseded > 0);
    // The second goes on.
    lab.session(second).send_input(b"still here");
    lab.run(Duration::from_millis(300));
    assert_eq!(lab.pty, b"on the tablet still here");
    assert_eq!(lab.session(second).closed(), None);
    assert!(lab.in_sync(second));
}

/// A client that holds the key and says impossible things in its resume field
/// (event counts at the top of the range, a base the server never had) cannot make
/// the server panic or stop serving: a count beyond 2^62 rebuilds nothing, one at
/// 2^62 applies without overflow, and the session goes on.
#[test]
fn hostile_resume_fields_never_panic_the_server() {
    use mosh_core::crypto::Role;
    use mosh_core::protocol::proto::Resume;
    use mosh_core::protocol::ssp::{ResumePoint, Transport, UserStream};
    use mosh_core::session::TerminalState;

    let mut lab = Lab::new();
    for (lane, base_events, fork_events) in [
        (5u16, u64::MAX, u64::MAX),
        (6, 1 << 62, 0),
        (7, 0, u64::MAX),
    ] {
        let plan =
            SequencePlan::lane(clock_tick(WALL) + 1_000_000 * u64::from(lane), lane).unwrap();
        let mut current = UserStream::from_held(1_000, Vec::new());
        current.push_keys(b"x");
        let point = ResumePoint {
            role: Role::Client,
            next_seq: plan.first(),
            seq_stride: plan.stride(),
            remote_next_seq: 0,
            next_instruction_id: plan.first(),
            acknowledged_num: 12_345,
            acknowledged: UserStream::from_held(1_000, Vec::new()),
            last_num: plan.first(),
            current,
            remote_num: 99_999,
            remote: TerminalState::blank(80, 24),
            remote_address: Some(server_addr()),
        };
        let cipher = Arc::new(SessionCipher::new(&key()));
        let mut hostile: Transport<UserStream, TerminalState> =
            Transport::resuming(cipher, point, lab.now).unwrap();
        hostile.set_resume(Resume::new(plan.first(), base_events, fork_events));
        let addr: SocketAddr = format!("127.0.0.1:{}", 50000 + lane).parse().unwrap();
        for _ in 0..20 {
            let now = lab.now;
            while let Some(t) = hostile.poll_transmit(now).unwrap() {
                let _ = lab.server.handle_datagram(now, &t.payload, addr);
            }
            while let Some(t) = lab.server.poll_transmit(now).unwrap() {
                let _ = hostile.handle_datagram(now, &t.payload, server_addr(), t.socket);
            }
            lab.pty.extend(lab.server.take_pty_input());
            lab.now += Duration::from_millis(10);
        }
        assert!(lab.server.exit().is_none());
    }
}

/// A restore carrying a paste the server already had from the first process (so its
/// first instruction spans fragments, and its next state is diffed from its own
/// first one): its first one to three datagrams are lost. Nothing typed is lost or doubled: a
/// missing base of the restored process's own is missing, not rebuilt from the
/// snapshot's count; and the server's answer to the first fragment that got through
/// does not end the session before the whole state follows.
#[test]
fn a_restore_whose_first_datagrams_are_lost_loses_and_doubles_nothing() {
    for lost in [1, 2, 3] {
        let mut lab = Lab::new();
        // Letters that do not compress, so the first instruction spans fragments.
        let mut random = 0x2545_f491_4f6c_dd1du64;
        let paste: Vec<u8> = (0..3000)
            .map(|_| {
                random ^= random << 13;
                random ^= random >> 7;
                random ^= random << 17;
                b'a' + (random % 26) as u8
            })
            .collect();
        lab.session(0).send_input(&paste);
        let snapshot = lab.session(0).snapshot(WALL + 500_000).unwrap();
        lab.run(Duration::from_millis(300));
        lab.session(0).send_input(b" then");
        lab.run(Duration::from_millis(300));
        let restored = lab.restore(&snapshot, 2_000, 2);
        lab.dropping = Some((restored, lost));
        lab.run_only(&[restored], Duration::from_millis(30));
        lab.session(restored).send_input(b" typed");
        // A restored client that has heard nothing probes after its silence bound.
        lab.run_only(&[restored], Duration::from_secs(8));
        assert_eq!(lab.session(restored).closed(), None, "{lost} lost");
        let mut expected = paste.clone();
        expected.extend_from_slice(b" then typed");
        assert_eq!(
            String::from_utf8_lossy(&lab.pty),
            String::from_utf8_lossy(&expected),
            "{lost} lost"
        );
        assert!(lab.in_sync(restored), "{lost} lost");
    }
}
