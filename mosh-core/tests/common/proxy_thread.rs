//! The impairment proxy on a tokio runtime of its own thread, for tests whose other
//! peers are processes (tmux panes, the server binary). Shared by every crate's tests.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use mosh_netem::{Impairment, ImpairmentProxy, ProxyConfig, ProxyHandle};

/// A running proxy; stopped (and its thread joined) on drop.
pub struct ProxyThread {
    /// Where clients send to.
    pub addr: SocketAddr,
    /// Control of the running proxy.
    pub handle: ProxyHandle,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ProxyThread {
    /// A proxy on loopback in front of the server on 127.0.0.1:`server_port`, with
    /// the same impairment in both directions.
    pub fn in_front_of(server_port: u16, link: Impairment, seed: u64) -> ProxyThread {
        ProxyThread::start(ProxyConfig {
            listen: ([127, 0, 0, 1], 0).into(),
            upstream: ([127, 0, 0, 1], server_port).into(),
            up: link,
            down: link,
            seed,
        })
    }

    /// Starts a proxy with `config`.
    pub fn start(config: ProxyConfig) -> ProxyThread {
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("tokio runtime");
            runtime.block_on(async move {
                let proxy = ImpairmentProxy::start(config)
                    .await
                    .expect("start the impairment proxy");
                started_tx
                    .send((proxy.local_addr(), proxy.handle()))
                    .unwrap();
                let _ = stopped.await;
            });
        });
        let (addr, handle) = started_rx
            .recv_timeout(Duration::from_secs(5))
            .expect("proxy started");
        ProxyThread {
            addr,
            handle,
            stop: Some(stop),
            thread: Some(thread),
        }
    }
}

impl Drop for ProxyThread {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
