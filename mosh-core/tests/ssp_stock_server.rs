//! Our SSP transport and UDP driver as the client of a real stock `mosh-server`
//! (Debian's mosh 1.4), through the impairment proxy with delay and loss: the shell's
//! prompt arrives, typed keys are executed and echoed, the echo ack names our state,
//! and our shutdown is acknowledged by the stock server, which then exits.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::drive::drive_until;
use common::host_log::HostLog;
use common::stock::{StockServer, wait_for_exit};
use mosh_core::crypto::SessionCipher;
use mosh_core::driver::UdpDriver;
use mosh_core::protocol::proto::WindowSize;
use mosh_core::protocol::ssp::{Transport, UserStream};
use mosh_netem::{Impairment, ImpairmentProxy, ProxyConfig};

type Client = UdpDriver<Transport<UserStream, HostLog>>;

async fn run_until(
    client: &mut Client,
    what: &str,
    limit: Duration,
    done: impl Fn(&Client) -> bool,
) {
    drive_until(client, what, limit, done, |c| {
        format!("{:?}", c.endpoint().remote_state().text())
    })
    .await
}

#[tokio::test(flavor = "current_thread")]
async fn our_client_transport_drives_a_stock_mosh_server() {
    let stock = StockServer::start();
    let link = Impairment {
        delay: Duration::from_millis(40),
        jitter: Duration::from_millis(10),
        loss: 0.1,
    };
    let proxy = ImpairmentProxy::start(ProxyConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        upstream: format!("127.0.0.1:{}", stock.port).parse().unwrap(),
        up: link,
        down: link,
        seed: 5,
    })
    .await
    .unwrap();
    let cipher = Arc::new(SessionCipher::new(&stock.key));
    let mut user = UserStream::new();
    // A stock client's first event is always its window size.
    user.push_resize(WindowSize {
        width: 80,
        height: 24,
    });
    let transport = Transport::client(
        cipher,
        user,
        HostLog::default(),
        proxy.local_addr(),
        Instant::now(),
    );
    let mut client = UdpDriver::client(transport).unwrap();

    run_until(&mut client, "the prompt", Duration::from_secs(15), |c| {
        c.endpoint().remote_state().text().contains("$ ")
    })
    .await;
    // Every state numbered above this one holds the keys typed next.
    let before_keys = client.endpoint().resume_point().unwrap().last_num;
    client
        .endpoint_mut()
        .current_mut()
        .push_keys(b"echo ssp-$((6*7))\r");
    client.flush().unwrap();
    run_until(
        &mut client,
        "the command's output",
        Duration::from_secs(15),
        |c| c.endpoint().remote_state().text().contains("ssp-42"),
    )
    .await;
    run_until(&mut client, "the echo ack", Duration::from_secs(10), |c| {
        c.endpoint().remote_state().echo_ack > before_keys
    })
    .await;
    assert!(client.endpoint().srtt() < Duration::from_millis(500));

    client.endpoint_mut().start_shutdown(Instant::now());
    client.flush().unwrap();
    run_until(
        &mut client,
        "the shutdown ack",
        Duration::from_secs(10),
        |c| c.endpoint().shutdown_acknowledged(),
    )
    .await;
    assert!(
        wait_for_exit(stock.pid, Duration::from_secs(10)),
        "stock server still running after acknowledging our shutdown"
    );
    let stats = client.endpoint().stats();
    assert_eq!(stats.datagrams.unauthentic, 0);
    assert_eq!(stats.states.bad_diffs, 0);
}
