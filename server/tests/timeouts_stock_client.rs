//! `MOSH_SERVER_NETWORK_TMOUT` and `MOSH_SERVER_SIGNAL_TMOUT` in real time with the
//! stock `mosh-client`; a stopped client (SIGSTOP) stands in for an unreachable one.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::{
    Pane, ServerProcess, read_pid_file, run_echo, send_signal, start_our_server, stock,
    stock_client_command, temp_path, time_exit, wait_for_prompt,
};

const WAIT: Duration = Duration::from_secs(15);

/// Our server with `env`, and the stock client attached to it in a pane.
struct Session {
    server: ServerProcess,
    pane: Pane,
    client_pid: u32,
    pid_file: PathBuf,
}

impl Session {
    fn start(name: &str, env: &[(&str, &str)]) -> Session {
        let server = start_our_server(&["new", "-i", "127.0.0.1", "-p", "0", "--", "/bin/sh"], env);
        let pid_file = temp_path(&format!("{name}.pid"));
        let pane = Pane::start(
            name,
            80,
            24,
            &stock_client_command("127.0.0.1", server.port, &server.key, &pid_file),
        );
        let client_pid = read_pid_file(&pid_file);
        wait_for_prompt(&pane, WAIT);
        Session {
            server,
            pane,
            client_pid,
            pid_file,
        }
    }

    /// Seconds until the server exits, at most `limit`.
    fn time_server_exit(&self, limit: Duration) -> Duration {
        time_exit(self.server.pid, limit)
            .unwrap_or_else(|| panic!("server still running after {limit:?}"))
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // A stopped client would not act on the hangup that ends its pane.
        let _ = std::process::Command::new("kill")
            .args(["-CONT", &self.client_pid.to_string()])
            .status();
        let _ = std::fs::remove_file(&self.pid_file);
    }
}

#[test]
fn network_timeout_spares_an_idle_client_and_ends_an_unreachable_one() {
    let session = Session::start("nettmout", &[("MOSH_SERVER_NETWORK_TMOUT", "4")]);
    // Idle longer than the timeout: the client's 3 s heartbeats keep the session.
    std::thread::sleep(Duration::from_secs(5));
    assert!(
        stock::process_alive(session.server.pid),
        "idle client timed out"
    );
    run_echo(&session.pane, "still", "here", WAIT);

    send_signal(session.client_pid, "STOP");
    let took = session.time_server_exit(Duration::from_secs(10));
    eprintln!("server exited {took:?} after the client stopped");
    // The newest client state is at most one heartbeat (3 s) older than the stop.
    assert!(
        took >= Duration::from_millis(900),
        "exited too early: {took:?}"
    );
    // And the stop itself leaves it idle, so the 4 s are up 4 s later at the latest.
    assert!(took <= Duration::from_millis(5500), "exited late: {took:?}");
}

#[test]
fn sigusr1_without_a_signal_timeout_ends_the_session() {
    let session = Session::start("usr1", &[]);
    run_echo(&session.pane, "attached", "ok", WAIT);
    send_signal(session.server.pid, "USR1");
    let took = session.time_server_exit(Duration::from_secs(5));
    eprintln!("server exited {took:?} after SIGUSR1");
    // The client acknowledged the shutdown and left cleanly.
    session.pane.wait_for("CLIENT_EXIT=0", WAIT);
}

#[test]
fn sigusr1_with_a_signal_timeout_spares_a_live_client_and_ends_a_silent_one() {
    let session = Session::start("usr1tmout", &[("MOSH_SERVER_SIGNAL_TMOUT", "3")]);
    run_echo(&session.pane, "attached", "ok", WAIT);
    send_signal(session.server.pid, "USR1");
    std::thread::sleep(Duration::from_secs(1));
    assert!(
        stock::process_alive(session.server.pid),
        "SIGUSR1 ended a session with a live client"
    );
    run_echo(&session.pane, "after", "usr1", WAIT);

    send_signal(session.client_pid, "STOP");
    std::thread::sleep(Duration::from_millis(3500));
    assert!(stock::process_alive(session.server.pid));
    send_signal(session.server.pid, "USR1");
    // The stopped client cannot acknowledge: the server gives up on its own.
    let took = session.time_server_exit(Duration::from_secs(12));
    eprintln!("server exited {took:?} after SIGUSR1 to a silent session");
    // 16 unanswered shutdown datagrams go out in well under the 10 s limit.
    assert!(took < Duration::from_secs(3), "gave up late: {took:?}");
}
