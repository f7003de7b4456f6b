//! Issue 18 over real UDP: our server, the stock `mosh-client` in a tmux pane through
//! the impairment proxy (pass-through, counting). The client is stopped (SIGSTOP, as
//! a phone suspends an app) just after the screen changed; the server must send at
//! most 30 datagrams to it in the next minute, and answer at full speed once it runs
//! again.

mod common;

use std::time::{Duration, Instant};

use common::{
    Pane, ProxyThread, read_pid_file, run_echo, send_signal, start_our_server,
    stock_client_command, temp_path, wait_for_prompt,
};
use mosh_netem::Impairment;

const WAIT: Duration = Duration::from_secs(15);

#[test]
fn a_stopped_client_gets_at_most_thirty_datagrams_in_a_minute_then_full_speed() {
    let server = start_our_server(&["new", "-i", "127.0.0.1", "-p", "0", "--", "/bin/sh"], &[]);
    let proxy = ProxyThread::in_front_of(server.port, Impairment::NONE, 1);
    let pid_file = temp_path("backoff.pid");
    let pane = Pane::start(
        "backoff",
        80,
        24,
        &stock_client_command("127.0.0.1", proxy.addr.port(), &server.key, &pid_file),
    );
    let client_pid = read_pid_file(&pid_file);
    let _resume = Resume(client_pid);
    wait_for_prompt(&pane, WAIT);
    run_echo(&pane, "attached", "ok", WAIT);

    // Output that changes the screen every 200 ms for a while, started just before
    // the client stops answering.
    pane.type_text("i=0; while [ $i -lt 100 ]; do echo tick $i; i=$((i+1)); sleep 0.2; done");
    pane.keys(&["Enter"]);
    pane.wait_for("tick 2", WAIT);
    send_signal(client_pid, "STOP");
    let stopped = Instant::now();
    let before = proxy.handle.stats().down_datagrams;
    let mut per_ten_seconds = Vec::new();
    let mut counted = before;
    while stopped.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_secs(10));
        let now = proxy.handle.stats().down_datagrams;
        per_ten_seconds.push(now - counted);
        counted = now;
    }
    let total = counted - before;
    eprintln!("server → stopped client: {total} datagrams in 60 s, per 10 s {per_ten_seconds:?}");
    assert!(
        total <= 30,
        "{total} datagrams to a stopped client in a minute (per 10 s: {per_ten_seconds:?})"
    );
    assert!(
        total >= 5,
        "the server stopped heartbeating: {per_ten_seconds:?}"
    );

    // The client runs again: its overdue timers send at once and the server answers
    // with the screen it missed.
    send_signal(client_pid, "CONT");
    pane.wait_for("tick 99", Duration::from_secs(5));
    let woke = proxy.handle.stats().down_datagrams;
    run_echo(&pane, "full", "speed", WAIT);
    pane.type_text("i=0; while [ $i -lt 40 ]; do echo fast $i; i=$((i+1)); sleep 0.05; done");
    let burst_from = proxy.handle.stats().down_datagrams;
    pane.keys(&["Enter"]);
    pane.wait_for("fast 39", WAIT);
    let burst = proxy.handle.stats().down_datagrams - burst_from;
    eprintln!(
        "after waking: {} datagrams for the echo, {burst} for 2 s of output",
        burst_from - woke
    );
    // 40 lines 50 ms apart: about 2 s of output, a frame per line or so on loopback.
    assert!(burst >= 20, "only {burst} datagrams for 40 lines of output");
}

/// Lets a stopped client run again when the test ends, so its pane can close.
struct Resume(u32);

impl Drop for Resume {
    fn drop(&mut self) {
        let _ = std::process::Command::new("kill")
            .args(["-CONT", &self.0.to_string()])
            .status();
    }
}
