//! Our desktop `mosh-client`, started from an interactive bash in tmux against the
//! stock `mosh-server`, as a user runs it: the escape key then Ctrl-Z suspends it
//! like any job and `fg` brings the session back; the remote window title carries
//! the `[mosh] ` prefix while the session runs and loses it on the last frame.

#[path = "../../../mosh-core/tests/common/server_process.rs"]
mod server_process;
#[path = "../../../mosh-core/tests/common/stock.rs"]
#[allow(dead_code)]
mod stock;
#[path = "../../../mosh-core/tests/common/tmux_pane.rs"]
mod tmux_pane;

use std::time::Duration;

use server_process::{ServerProcess, start_server};
use stock::stock_binary;
use tmux_pane::Pane;

const WAIT: Duration = Duration::from_secs(15);

fn stock_server() -> ServerProcess {
    start_server(
        &stock_binary("mosh-server"),
        &["new", "-i", "127.0.0.1", "-p", "0", "--", "/bin/sh"],
        &[],
    )
}

/// An interactive bash (job control on) in a pane, which then runs our client.
fn client_from_a_shell(name: &str, server: &ServerProcess) -> Pane {
    let pane = Pane::start(
        name,
        80,
        24,
        "env PS1=LOCAL:: TERM=xterm-256color bash --norc --noprofile -i",
    );
    pane.wait_for("LOCAL::", WAIT);
    pane.type_text(&format!(
        "MOSH_KEY={} LANG=C.UTF-8 {} 127.0.0.1 {}",
        server.key,
        env!("CARGO_BIN_EXE_mosh-client"),
        server.port
    ));
    pane.keys(&["Enter"]);
    pane.wait_until("the remote prompt", WAIT, |s| s.lines().any(|l| l == "$"));
    pane
}

#[test]
fn escape_ctrl_z_suspends_and_fg_resumes_the_session() {
    let server = stock_server();
    let pane = client_from_a_shell("suspend", &server);
    pane.type_text("echo REMOTE_$((40+2))");
    pane.keys(&["Enter"]);
    pane.wait_for("REMOTE_42", WAIT);

    pane.hex(&["1e", "1a"]);
    let screen = pane.wait_for("[mosh is suspended.]", WAIT);
    pane.wait_until("the local shell's job report", WAIT, |s| {
        s.contains("Stopped") && s.lines().any(|l| l.starts_with("LOCAL::"))
    });
    assert!(
        !screen.contains("REMOTE_42"),
        "the terminal went back to the local shell:\n{screen}"
    );
    // Raw mode is off while suspended: the local shell reads a normal line.
    pane.type_text("echo LOCAL_$((2+3))");
    pane.keys(&["Enter"]);
    pane.wait_for("LOCAL_5", WAIT);

    pane.type_text("fg");
    pane.keys(&["Enter"]);
    pane.wait_until("the session repainted", WAIT, |s| {
        s.contains("REMOTE_42") && !s.contains("LOCAL_5")
    });
    pane.type_text("echo AFTER_$((1+1))");
    pane.keys(&["Enter"]);
    pane.wait_for("AFTER_2", WAIT);

    pane.hex(&["1e", "2e"]);
    pane.wait_until("the local prompt after quitting", WAIT, |s| {
        s.lines().any(|l| l.starts_with("LOCAL::")) && !s.contains("AFTER_2")
    });
}

#[test]
fn window_title_has_the_prefix_until_the_last_frame() {
    let server = stock_server();
    let pane = client_from_a_shell("title", &server);
    pane.type_text("printf '\\033]0;remote work\\007'; echo TITLE_SET");
    pane.keys(&["Enter"]);
    pane.wait_for("TITLE_SET", WAIT);
    let deadline = std::time::Instant::now() + WAIT;
    while pane.title() != "[mosh] remote work" {
        assert!(
            std::time::Instant::now() < deadline,
            "title is {:?}",
            pane.title()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    pane.type_text("exit");
    pane.keys(&["Enter"]);
    pane.wait_until("the local prompt after the session", WAIT, |s| {
        s.lines().any(|l| l.starts_with("LOCAL::"))
    });
    assert_eq!(pane.title(), "remote work");
}
