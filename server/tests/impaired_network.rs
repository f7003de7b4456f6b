//! The stock `mosh-client` against our server through the impairment proxy: 250 ms
//! each way, 10 % loss each way, and a roam to another address mid-session.

mod common;

use std::time::Duration;

use common::{Pane, ProxyThread, run_echo, start_our_server, stock_client_command, temp_path};
use mosh_netem::{Impairment, Roam};

const WAIT: Duration = Duration::from_secs(20);

#[test]
fn stock_client_keeps_working_through_delay_loss_and_a_roam() {
    let server = start_our_server(&["new", "-i", "127.0.0.1", "-p", "0", "--", "/bin/sh"], &[]);
    let link = Impairment {
        delay: Duration::from_millis(250),
        jitter: Duration::ZERO,
        loss: 0.10,
    };
    let proxy = ProxyThread::in_front_of(server.port, link, 5);
    let pid_file = temp_path("impaired.pid");
    let pane = Pane::start(
        "impaired",
        80,
        24,
        &stock_client_command("127.0.0.1", proxy.addr.port(), &server.key, &pid_file),
    );
    common::wait_for_prompt(&pane, WAIT);
    let before = run_echo(&pane, "before", "roam", WAIT);

    let roamed_to: std::net::IpAddr = "127.0.0.2".parse().unwrap();
    proxy.handle.roam(Roam::NewAddress(roamed_to));
    let after = run_echo(&pane, "after", "roam", WAIT);
    assert!(
        proxy
            .handle
            .upstream_addrs()
            .iter()
            .all(|a| a.ip() == roamed_to),
        "the client's traffic now comes from {roamed_to}: {:?}",
        proxy.handle.upstream_addrs()
    );
    // Replies to the old address are lost after the roam, so output only appears if
    // the server moved to the new one.
    let again = run_echo(&pane, "still", "working", WAIT);
    // A second roam, to a new port (as after a NAT rebinding).
    let before_port = proxy.handle.upstream_addrs();
    proxy.handle.roam(Roam::NewPort);
    let after_port = run_echo(&pane, "new", "port", WAIT);
    assert_ne!(
        proxy.handle.upstream_addrs(),
        before_port,
        "the port roam happened"
    );
    // Bulk output under loss and delay.
    for round in 0..3 {
        pane.type_text(&format!("seq 1 400; echo done''{round}"));
        pane.keys(&["Enter"]);
        let done = format!("done{round}");
        pane.wait_until(&done, WAIT, |s| s.lines().any(|l| l == done));
    }
    let stats = proxy.handle.stats();
    eprintln!(
        "output took {before:?} before, {after:?} and {again:?} after the address roam, \
         {after_port:?} after the port roam; {stats:?}"
    );
    // Loss is random per datagram and a session this short sends a few dozen, so
    // whether any were lost is reported, not asserted (the proxy's own tests check
    // its loss rate).

    pane.type_text("exit");
    pane.keys(&["Enter"]);
    pane.wait_for("CLIENT_EXIT=0", WAIT);
    assert!(common::stock::wait_for_exit(
        server.pid,
        Duration::from_secs(10)
    ));
    let _ = std::fs::remove_file(pid_file);
}
