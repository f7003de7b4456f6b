//! Our client session (`ClientSession` on the tokio `UdpDriver`) against a real stock
//! `mosh-server` (Debian's mosh 1.4), through the impairment proxy: convergence on a
//! bad link, roaming, `network_changed`, a long background pause, and a snapshot
//! restored in a fresh session that continues the same shell.

mod common;

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::drive::drive_until;
use common::stock::{StockServer, wait_for_exit};
use mosh_core::driver::UdpDriver;
use mosh_core::protocol::ssp::Endpoint;
use mosh_core::session::{ClientConfig, ClientSession, CloseReason};
use mosh_core::terminal::Framebuffer;
use mosh_netem::{Impairment, ImpairmentProxy, ProxyConfig, Roam};

type Client = UdpDriver<ClientSession>;

fn screen_text(fb: &Framebuffer) -> String {
    fb.rows()
        .iter()
        .map(|row| row.text())
        .collect::<Vec<_>>()
        .join("\n")
}

fn text(client: &Client) -> String {
    screen_text(client.endpoint().screen())
}

fn wall_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_micros() as u64
}

/// Steps the client until `done`, failing with the screen after `limit`.
async fn run_until(
    client: &mut Client,
    what: &str,
    limit: Duration,
    done: impl Fn(&Client) -> bool,
) {
    drive_until(client, what, limit, done, text).await
}

/// Runs the client for `length`, processing whatever arrives.
async fn run_for(client: &mut Client, length: Duration) {
    let end = Instant::now() + length;
    while Instant::now() < end {
        let _ = tokio::time::timeout_at(end.into(), client.step()).await;
    }
}

async fn proxy_to(stock: &StockServer, link: Impairment, seed: u64) -> ImpairmentProxy {
    ImpairmentProxy::start(ProxyConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        upstream: format!("127.0.0.1:{}", stock.port).parse().unwrap(),
        up: link,
        down: link,
        seed,
    })
    .await
    .unwrap()
}

fn connect(stock: &StockServer, server: std::net::SocketAddr) -> Client {
    let session = ClientSession::connect(
        ClientConfig {
            server,
            key: stock.key.clone(),
            columns: 80,
            rows: 24,
            sequence: mosh_core::crypto::SequencePlan::FROM_ZERO,
            scrollback_lines: mosh_core::session::scrollback::MAX_SCROLLBACK_LINES,
        },
        Instant::now(),
    );
    UdpDriver::client(session).unwrap()
}

fn type_line(client: &mut Client, line: &str) {
    client.endpoint_mut().send_input(line.as_bytes());
    client.endpoint_mut().send_input(b"\r");
    client.flush().unwrap();
}

fn has_line(client: &Client, line: &str) -> bool {
    text(client).lines().any(|l| l == line)
}

/// The server keeps the screen changing, so "the screen updates again" is observable.
const TICKER: &str =
    "i=0; while [ $i -lt 100000 ]; do i=$((i+1)); printf '\\rtick %d ' $i; sleep 0.1; done";

#[tokio::test(flavor = "current_thread")]
async fn converges_on_a_slow_lossy_link_and_recovers_from_a_roam_within_a_second() {
    let stock = StockServer::start();
    let link = Impairment {
        delay: Duration::from_millis(250),
        jitter: Duration::ZERO,
        loss: 0.1,
    };
    let proxy = proxy_to(&stock, link, 11).await;
    let mut client = connect(&stock, proxy.local_addr());
    run_until(&mut client, "the prompt", Duration::from_secs(20), |c| {
        text(c).lines().any(|l| l.starts_with('$'))
    })
    .await;
    type_line(&mut client, "echo conv''erged $((6*7))");
    run_until(
        &mut client,
        "command output",
        Duration::from_secs(20),
        |c| has_line(c, "converged 42"),
    )
    .await;

    type_line(&mut client, TICKER);
    run_until(&mut client, "the ticker", Duration::from_secs(20), |c| {
        text(c).contains("tick ")
    })
    .await;
    // The roam is measured on a clean link so the figure is the protocol's, not luck.
    proxy.handle().set_up(Impairment { loss: 0.0, ..link });
    proxy.handle().set_down(Impairment { loss: 0.0, ..link });
    run_for(&mut client, Duration::from_millis(600)).await;
    proxy.handle().roam(Roam::NewPort);
    let roamed = Instant::now();
    let before = client.endpoint().server_state_num();
    let screen_before = text(&client);
    // The first datagram after the roam moves the server; updates must flow again.
    run_until(
        &mut client,
        "a screen update after the roam",
        Duration::from_secs(5),
        |c| c.endpoint().server_state_num() > before && text(c) != screen_before,
    )
    .await;
    let elapsed = roamed.elapsed();
    assert!(
        elapsed < Duration::from_secs(1),
        "screen updated {elapsed:?} after the roam"
    );
    assert_eq!(proxy.handle().upstream_addrs().len(), 1);

    client.endpoint_mut().close(Instant::now());
    client.flush().unwrap();
    run_until(&mut client, "the close", Duration::from_secs(15), |c| {
        c.endpoint().closed().is_some()
    })
    .await;
    assert_eq!(client.endpoint().closed(), Some(CloseReason::Closed));
    assert!(wait_for_exit(stock.pid, Duration::from_secs(10)));
}

/// A stock server behind a clean 100 ms link, our client attached, with the ticker
/// running so every new server state is visible.
async fn ticking_session(seed: u64) -> (StockServer, Impairment, ImpairmentProxy, Client) {
    let stock = StockServer::start();
    let link = Impairment {
        delay: Duration::from_millis(100),
        jitter: Duration::ZERO,
        loss: 0.0,
    };
    let proxy = proxy_to(&stock, link, seed).await;
    let mut client = connect(&stock, proxy.local_addr());
    run_until(&mut client, "the prompt", Duration::from_secs(15), |c| {
        text(c).lines().any(|l| l.starts_with('$'))
    })
    .await;
    type_line(&mut client, TICKER);
    run_until(&mut client, "the ticker", Duration::from_secs(10), |c| {
        text(c).contains("tick ")
    })
    .await;
    (stock, link, proxy, client)
}

#[tokio::test(flavor = "current_thread")]
async fn network_changed_resynchronizes_within_one_rtt() {
    let (_stock, link, proxy, mut client) = ticking_session(12).await;
    // The network goes away long enough for the server to back off.
    proxy.handle().blackout(Duration::from_secs(4));
    run_for(&mut client, Duration::from_millis(4200)).await;
    let sockets_before = client.endpoint().transport().sockets().count();
    let before = client.endpoint().server_state_num();
    let changed = Instant::now();
    client.network_changed().unwrap();
    assert!(client.endpoint().transport().sockets().count() > sockets_before);
    run_until(
        &mut client,
        "a screen update after network_changed",
        Duration::from_secs(5),
        |c| c.endpoint().server_state_num() > before,
    )
    .await;
    let elapsed = changed.elapsed();
    let rtt = 2 * link.delay;
    assert!(
        elapsed < rtt + Duration::from_millis(150),
        "first update {elapsed:?} after network_changed (RTT {rtt:?})"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn after_a_minute_in_the_background_the_first_update_arrives_within_one_rtt() {
    let (_stock, link, proxy, mut client) = ticking_session(13).await;

    client.endpoint_mut().enter_background();
    let sent_before = proxy.handle().stats().up_datagrams;
    assert_eq!(
        Endpoint::poll_timeout(client.endpoint()),
        None,
        "no timers in the background"
    );
    // The app is suspended: nothing runs at all for a minute.
    tokio::time::sleep(Duration::from_secs(60)).await;
    assert_eq!(
        proxy.handle().stats().up_datagrams,
        sent_before,
        "sent while in the background"
    );

    let before = client.endpoint().server_state_num();
    let resumed = Instant::now();
    client.endpoint_mut().enter_foreground(resumed);
    client.flush().unwrap();
    run_until(
        &mut client,
        "a screen update after enter_foreground",
        Duration::from_secs(5),
        |c| c.endpoint().server_state_num() > before,
    )
    .await;
    let elapsed = resumed.elapsed();
    let rtt = 2 * link.delay;
    assert!(
        elapsed < rtt + Duration::from_millis(150),
        "first update {elapsed:?} after enter_foreground (RTT {rtt:?})"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_restored_snapshot_continues_the_same_shell() {
    let stock = StockServer::start();
    let server = format!("127.0.0.1:{}", stock.port).parse().unwrap();
    let mut first = connect(&stock, server);
    run_until(&mut first, "the prompt", Duration::from_secs(15), |c| {
        text(c).lines().any(|l| l.starts_with('$'))
    })
    .await;
    type_line(&mut first, "X=kept-in-the-shell; echo before-snap''shot");
    run_until(&mut first, "output", Duration::from_secs(10), |c| {
        has_line(c, "before-snapshot")
    })
    .await;
    // Let the acks settle so the snapshot's acknowledged states are the server's.
    run_for(&mut first, Duration::from_millis(500)).await;
    first.endpoint_mut().enter_background();
    let snapshot = first.endpoint().snapshot(wall_us()).expect("snapshot");
    let first_seq_end = first
        .endpoint()
        .transport()
        .resume_point()
        .unwrap()
        .next_seq;
    drop(first);

    tokio::time::sleep(Duration::from_secs(2)).await;
    let restored = ClientSession::restore(&snapshot, wall_us(), Instant::now()).unwrap();
    let restored_seq_start = restored.transport().resume_point().unwrap().next_seq;
    assert!(restored_seq_start > first_seq_end);
    let mut second = UdpDriver::client(restored).unwrap();
    // The earlier output is on the restored screen at once, before any network traffic.
    assert!(has_line(&second, "before-snapshot"), "{}", text(&second));
    type_line(&mut second, "echo $X-again");
    run_until(
        &mut second,
        "the shell's earlier state",
        Duration::from_secs(10),
        |c| has_line(c, "kept-in-the-shell-again"),
    )
    .await;
    let second_seq_end = second
        .endpoint()
        .transport()
        .resume_point()
        .unwrap()
        .next_seq;
    drop(second);

    // The app was killed again before saving a newer snapshot: the same one, again.
    tokio::time::sleep(Duration::from_millis(10)).await;
    let again = ClientSession::restore(&snapshot, wall_us(), Instant::now()).unwrap();
    let again_seq_start = again.transport().resume_point().unwrap().next_seq;
    assert!(
        again_seq_start > second_seq_end,
        "second restore starts at {again_seq_start}, first restore reached {second_seq_end}"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_stale_snapshot_of_a_session_in_use_ends_out_of_sync_at_the_first_reply() {
    // A snapshot taken while output streams in; the app goes on receiving (and
    // acknowledging) screens for two seconds and is killed. Stock then keeps no screen
    // state the snapshot holds and says so (its throwaway number) in its first reply to
    // the restored client: the verdict comes then, not after a timeout.
    let stock = StockServer::start();
    let server = format!("127.0.0.1:{}", stock.port).parse().unwrap();
    let mut original = connect(&stock, server);
    run_until(&mut original, "the prompt", Duration::from_secs(15), |c| {
        text(c).lines().any(|l| l.starts_with('$'))
    })
    .await;
    type_line(&mut original, TICKER);
    run_until(&mut original, "the ticker", Duration::from_secs(10), |c| {
        text(c).contains("tick ")
    })
    .await;
    let snapshot = original.endpoint().snapshot(wall_us()).expect("snapshot");
    run_for(&mut original, Duration::from_secs(2)).await;
    drop(original);

    let restored = ClientSession::restore(&snapshot, wall_us(), Instant::now()).unwrap();
    let restored_at = Instant::now();
    let mut restored = UdpDriver::client(restored).unwrap();
    run_until(
        &mut restored,
        "the out-of-sync verdict",
        Duration::from_secs(10),
        |c| c.endpoint().closed().is_some(),
    )
    .await;
    let took = restored_at.elapsed();
    println!("stale snapshot against stock: OutOfSync after {took:?}");
    assert_eq!(restored.endpoint().closed(), Some(CloseReason::OutOfSync));
    assert_eq!(restored.endpoint().transport().stats().states.forgotten, 1);
    // Loopback: two round trips are well under a millisecond; the ack delay and frame
    // interval of the server set the time.
    assert!(took < Duration::from_millis(500), "verdict after {took:?}");
}
