//! The stock `mosh-client` (Debian's mosh 1.4) against our server, read back through
//! tmux the way a user would see it.

mod common;

use std::time::Duration;

use common::{Pane, start_our_server, stock};

const WAIT: Duration = Duration::from_secs(15);

fn client_command(port: u16, key: &str) -> String {
    format!(
        "env MOSH_KEY={key} LANG=C.UTF-8 TERM=xterm-256color {} 127.0.0.1 {port}; echo CLIENT_EXIT=$?; sleep 60",
        stock::stock_binary("mosh-client").display()
    )
}

#[test]
fn startup_contract_matches_stock() {
    let started = start_our_server(&["new", "-i", "127.0.0.1", "-p", "0", "--", "/bin/sh"], &[]);
    // stdin was not a terminal, so no blank line first: exactly one line on stdout.
    assert_eq!(
        started.stdout,
        format!("MOSH CONNECT {} {}\n", started.port, started.key)
    );
    assert_eq!(started.key.len(), 22);
    assert!(started.stderr.contains("[mosh-server detached, pid = "));
    assert!(
        stock::process_alive(started.pid),
        "daemon must keep running"
    );
}

#[test]
fn bad_port_range_is_refused_like_stock() {
    let out = std::process::Command::new(common::our_server())
        .args(["new", "-p", "9:5"])
        .env("LANG", "C.UTF-8")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Bad UDP port range"), "{stderr}");
    assert!(stderr.contains("Usage: mosh-server new"), "{stderr}");
}

#[test]
fn no_utf8_locale_is_refused() {
    let out = std::process::Command::new(common::our_server())
        .args(["new", "-p", "0"])
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_CTYPE")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("UTF-8"));
}

#[test]
fn stock_client_runs_commands_colours_editor_resize_and_exit() {
    let server = start_our_server(&["new", "-i", "127.0.0.1", "-p", "0", "--", "/bin/sh"], &[]);
    let pane = Pane::start(
        "stockclient",
        80,
        24,
        &client_command(server.port, &server.key),
    );
    pane.wait_until("the prompt", WAIT, |s| {
        s.lines().any(|l| l.starts_with('$'))
    });

    pane.type_text("echo hel''lo");
    pane.keys(&["Enter"]);
    pane.wait_until("command output", WAIT, |s| s.lines().any(|l| l == "hello"));

    pane.type_text("printf '\\033[1;31mred\\033[0m \\033[42mgreen\\033[0m\\n'");
    pane.keys(&["Enter"]);
    pane.wait_until("coloured output", WAIT, |s| {
        s.lines().any(|l| l == "red green")
    });
    let attributes = pane.text_with_attributes();
    assert!(
        attributes.contains("\u{1b}[1m\u{1b}[31mred") || attributes.contains("\u{1b}[1;31mred"),
        "bold red not shown: {attributes:?}"
    );
    assert!(
        attributes.contains("\u{1b}[42mgreen"),
        "green background not shown: {attributes:?}"
    );

    // A full-screen program.
    pane.type_text("vi /tmp/mosh-rs-vi-test.txt");
    pane.keys(&["Enter"]);
    let screen = pane.wait_until("vi", WAIT, |s| s.lines().filter(|l| *l == "~").count() > 15);
    assert!(screen.contains("mosh-rs-vi-test.txt"), "{screen}");
    pane.type_text("ihello from vi");
    pane.keys(&["Escape"]);
    pane.wait_for("hello from vi", WAIT);
    pane.type_text(":q!");
    pane.keys(&["Enter"]);
    // Like stock mosh, the server's emulator has no alternate screen, so vi's last
    // screen stays and the prompt comes back below it.
    pane.wait_until("the prompt after vi", WAIT, |s| {
        s.lines()
            .rev()
            .find(|l| !l.is_empty())
            .is_some_and(|l| l.starts_with('$'))
    });

    // A resize reaches the program.
    pane.resize(100, 30);
    pane.type_text("stty size");
    pane.keys(&["Enter"]);
    pane.wait_until("the new size", WAIT, |s| s.lines().any(|l| l == "30 100"));

    pane.type_text("exit");
    pane.keys(&["Enter"]);
    pane.wait_for("CLIENT_EXIT=0", WAIT);
    assert!(
        stock::wait_for_exit(server.pid, Duration::from_secs(10)),
        "server must exit after the shell"
    );
}
