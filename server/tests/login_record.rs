//! `who` lists a mosh session as stock's does, through libutempter's helper: `mosh
//! [PID]` while no client is attached, `127.0.0.1 via mosh [PID]` while one is heard
//! from, `mosh [PID]` again 30 s after the client went quiet, and nothing once the
//! program exited. Our server and Debian's go through the same steps side by side.
//!
//! The records need `/var/run/utmp` (a login system has one; `scripts/test-all.sh`
//! creates it on a bare machine) and Debian's `libutempter0` (a dependency of `mosh`).

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{
    HandClient, ServerProcess, loopback_args, our_server, server_process::start_server, stock,
};

/// The program's life: past the 30 s after which a quiet client counts as detached.
const PROGRAM: &str = "sleep 42";

/// The host fields `who` shows for the session of daemon `pid`.
fn who_hosts(pid: u32) -> Vec<String> {
    let out = Command::new("who").output().expect("who (coreutils)");
    let tag = format!("mosh [{pid}])");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|line| line.ends_with(&tag))
        .filter_map(|line| Some(line[line.find('(')? + 1..line.len() - 1].to_owned()))
        .collect()
}

/// Waits until `who` shows `expected` (or nothing, for `None`) for `pid`.
fn wait_for(pid: u32, expected: Option<&str>, within: Duration) -> Duration {
    let start = Instant::now();
    loop {
        let hosts = who_hosts(pid);
        let matches = match expected {
            Some(host) => hosts == [host],
            None => hosts.is_empty(),
        };
        if matches {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < within,
            "daemon {pid}: who shows {hosts:?}, expected {expected:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The steps, for one server; returns when each change showed (after its cause).
fn walk_through(server: ServerProcess) -> [Duration; 3] {
    let pid = server.pid;
    wait_for(pid, Some(&format!("mosh [{pid}]")), Duration::from_secs(5));
    let attached = Duration::from_secs(4);
    let (port, key) = (server.port, server.key.clone());
    let attaching = std::thread::spawn(move || {
        HandClient::new(port, &key, Duration::from_millis(10)).talk_for(attached)
    });
    let shown_attached = wait_for(
        pid,
        Some(&format!("127.0.0.1 via mosh [{pid}]")),
        Duration::from_secs(3),
    );
    attaching.join().unwrap();
    let quiet = Instant::now();
    wait_for(pid, Some(&format!("mosh [{pid}]")), Duration::from_secs(40));
    let shown_detached = quiet.elapsed();
    let gone = wait_for(pid, None, Duration::from_secs(30));
    [shown_attached, shown_detached, gone]
}

#[test]
fn who_lists_the_session_like_stock() {
    assert!(
        Path::new("/var/run/utmp").exists(),
        "/var/run/utmp is missing: run scripts/test-all.sh (it creates it) or create it \
         (touch, group utmp, mode 664)"
    );
    let args = loopback_args(PROGRAM);
    let ours = start_server(&our_server(), &args, &[]);
    let stock = start_server(&stock::stock_binary("mosh-server"), &args, &[]);
    let ours = std::thread::spawn(move || walk_through(ours));
    let stock = std::thread::spawn(move || walk_through(stock));
    let (ours, stock) = (ours.join().unwrap(), stock.join().unwrap());
    // Detached about 30 s after the client went quiet, as stock (measured 30–32 s).
    for times in [ours, stock] {
        assert!(
            (Duration::from_secs(27)..Duration::from_secs(37)).contains(&times[1]),
            "detached after {:?} (ours {ours:?}, stock {stock:?})",
            times[1]
        );
    }
}
