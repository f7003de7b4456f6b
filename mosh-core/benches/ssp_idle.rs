//! Idle traffic per minute over real UDP on loopback, counted by the impairment proxy
//! in pass-through mode: our client and server drivers, and in the same run a stock
//! `mosh-server` + `mosh-client` pair (Debian's mosh 1.4, the client in tmux).
//! Both sessions first settle for 10 s, then are counted for 60 s.
//! Not a timing benchmark, so no criterion: it prints one line per session.
//! Run: `cargo bench -p mosh-core --bench ssp_idle`. Figures: docs/benchmarks.md.

#[path = "../tests/common/mod.rs"]
mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::block_state::BlockState;
use common::stock::StockServer;
use common::tmux_pane::Pane;
use mosh_core::crypto::{SessionCipher, SessionKey};
use mosh_core::driver::UdpDriver;
use mosh_core::protocol::ssp::{Transport, UserStream};
use mosh_netem::{Impairment, ImpairmentProxy, ProxyConfig, ProxyStats};

const SETTLE: Duration = Duration::from_secs(10);
const MEASURE: Duration = Duration::from_secs(60);

async fn pass_through(upstream: SocketAddr) -> ImpairmentProxy {
    ImpairmentProxy::start(ProxyConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        upstream,
        up: Impairment::NONE,
        down: Impairment::NONE,
        seed: 1,
    })
    .await
    .expect("bind proxy")
}

/// Our pair: runs until the task is dropped.
async fn our_session(
    cipher: Arc<SessionCipher>,
    proxy_addr_tx: tokio::sync::oneshot::Sender<ImpairmentProxy>,
) {
    let now = Instant::now();
    let screen = BlockState::new(vec![b' '; 80 * 24]);
    let server_transport =
        Transport::server(cipher.clone(), screen.clone(), UserStream::new(), now);
    let mut server = UdpDriver::server(server_transport, "127.0.0.1:0".parse().unwrap()).unwrap();
    let proxy = pass_through(server.local_addr().unwrap()).await;
    let client_transport = Transport::client(
        cipher,
        UserStream::new(),
        screen,
        proxy.local_addr(),
        Instant::now(),
    );
    let mut client = UdpDriver::client(client_transport).unwrap();
    proxy_addr_tx.send(proxy).expect("receiver alive");
    loop {
        tokio::select! {
            step = client.step() => { step.unwrap(); }
            step = server.step() => { step.unwrap(); }
        }
    }
}

fn per_minute(name: &str, before: ProxyStats, after: ProxyStats) {
    let up = after.up_datagrams - before.up_datagrams;
    let down = after.down_datagrams - before.down_datagrams;
    let up_bytes = after.up_bytes - before.up_bytes;
    let down_bytes = after.down_bytes - before.down_bytes;
    println!(
        "{name}: {} datagrams/min ({up} client->server, {down} server->client), \
         {} bytes/min UDP payload ({up_bytes} + {down_bytes})",
        up + down,
        up_bytes + down_bytes
    );
}

fn main() {
    // criterion-style arguments (`--bench`) are ignored.
    let stock = StockServer::start();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let stock_proxy = pass_through(format!("127.0.0.1:{}", stock.port).parse().unwrap()).await;
        let command = format!(
            "env LANG=C.UTF-8 MOSH_KEY={} mosh-client 127.0.0.1 {}",
            stock.key.to_printable().as_str(),
            stock_proxy.local_addr().port()
        );
        let tmux = Pane::start("idle", 80, 24, &command);

        let key = SessionKey::generate().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel();
        let ours = tokio::spawn(our_session(Arc::new(SessionCipher::new(&key)), tx));
        let our_proxy = rx.await.unwrap();

        tokio::time::sleep(SETTLE).await;
        // Panics with the screen if the stock session shows no prompt.
        tmux.wait_for("$", Duration::from_secs(1));
        let (ours_before, stock_before) =
            (our_proxy.handle().stats(), stock_proxy.handle().stats());
        tokio::time::sleep(MEASURE).await;
        let (ours_after, stock_after) = (our_proxy.handle().stats(), stock_proxy.handle().stats());
        ours.abort();
        println!(
            "idle session over loopback, counted for {MEASURE:?} after {SETTLE:?} of settling:"
        );
        per_minute(
            "mosh-core (our client + our server)",
            ours_before,
            ours_after,
        );
        per_minute(
            "stock mosh 1.4 (mosh-client + mosh-server)",
            stock_before,
            stock_after,
        );
        drop(tmux);
    });
}
