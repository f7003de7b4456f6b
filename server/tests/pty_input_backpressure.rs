//! A paste into a program that stopped reading its input does not grow the server
//! (issue 15): our server runs `sleep 600` on a raw, silent pty (raw, so the kernel
//! blocks writes once its buffer is full instead of discarding a too-long line, and
//! silent, so nothing is echoed to the screen), our client sends 8 MiB of keys, and
//! the server's resident memory stays near where it was, because it stops taking
//! input from the client once 256 KiB wait for the program; the client holds the rest.

mod common;

use std::time::{Duration, Instant};

use common::{send_signal, start_our_server_running};
use mosh_core::crypto::SessionKey;
use mosh_core::runtime::{SessionConfig, SessionHandle, SessionOptions};

fn resident_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("read status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
        .expect("VmRSS")
}

#[test]
fn input_for_a_program_that_does_not_read_waits_on_the_client() {
    let server = start_our_server_running("stty raw -echo; sleep 600");
    let handle = SessionHandle::connect(SessionConfig {
        host: "127.0.0.1".into(),
        port: server.port,
        key: SessionKey::parse(&server.key).expect("the server's key"),
        columns: 80,
        rows: 24,
        options: SessionOptions::default(),
    })
    .expect("connect");
    std::thread::sleep(Duration::from_secs(1));
    let before = resident_kib(server.pid);
    let chunk = vec![b'k'; 64 * 1024];
    for _ in 0..128 {
        handle.send_input(&chunk).expect("send input");
    }
    // Long enough for the client to push several MiB if the server took them all.
    let deadline = Instant::now() + Duration::from_secs(8);
    let mut most = before;
    while Instant::now() < deadline {
        most = most.max(resident_kib(server.pid));
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = handle.close();
    send_signal(server.pid, "TERM");
    eprintln!("server VmRSS {before} KiB before, at most {most} KiB while 8 MiB of input waited");
    assert!(
        most < before + 2048,
        "the server grew from {before} to {most} KiB"
    );
}
