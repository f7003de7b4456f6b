//! Our desktop `mosh-client` puts the lines that scroll off the remote screen into
//! the local terminal's own scrollback (tmux's history here, what a mouse wheel
//! scrolls through), with `MOSH_LOCAL_SCROLLBACK=yes`: against the stock
//! `mosh-server`, every line of a paced `seq` once, in order, nothing of a
//! full-screen program; against ours (the scrollback extension), every line of a
//! `seq` as fast as the shell prints it. By default the client uses the alternate
//! screen as stock mosh-client does, whose lines never reach the history.

#[path = "../../../mosh-core/tests/common/server_process.rs"]
mod server_process;
#[path = "../../../mosh-core/tests/common/stock.rs"]
#[allow(dead_code)]
mod stock;
#[path = "../../../mosh-core/tests/common/tmux_pane.rs"]
mod tmux_pane;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use server_process::{ServerProcess, our_server_binary, start_server};
use stock::stock_binary;
use tmux_pane::Pane;

const WAIT: Duration = Duration::from_secs(20);

fn stock_server() -> ServerProcess {
    start_server(
        &stock_binary("mosh-server"),
        &["new", "-i", "127.0.0.1", "-p", "0", "--", "/bin/sh"],
        &[],
    )
}

fn attach(name: &str, server: &ServerProcess, env: &str) -> Pane {
    let client = PathBuf::from(env!("CARGO_BIN_EXE_mosh-client"));
    let command = format!(
        "env MOSH_KEY={} LANG=C.UTF-8 TERM=xterm-256color {env} {} 127.0.0.1 {}; echo CLIENT_EXIT=$?; sleep 60",
        server.key,
        client.display(),
        server.port
    );
    let pane = Pane::start(name, 80, 24, &command);
    pane.wait_until("the prompt", WAIT, |s| {
        s.lines().any(|l| l.starts_with('$'))
    });
    pane
}

/// Runs `seq` slowly enough that every line shows, then waits for the prompt.
fn run_seq(pane: &Pane, from: u32, to: u32) {
    pane.type_text(&format!(
        "seq {from} {to} | while read i; do echo n$i; sleep 0.01; done; echo do''ne"
    ));
    pane.keys(&["Enter"]);
    pane.wait_until("the end of the output", WAIT, |s| {
        s.lines().any(|l| l == "done")
    });
}

fn numbers(lines: &[String]) -> Vec<u32> {
    lines
        .iter()
        .filter_map(|l| l.trim().strip_prefix('n')?.parse().ok())
        .collect()
}

#[test]
fn scrolled_off_lines_enter_the_local_scrollback_once_and_in_order() {
    let server = stock_server();
    let pane = attach("localscrollback", &server, "MOSH_LOCAL_SCROLLBACK=yes");
    run_seq(&pane, 1, 100);
    // A full-screen program (its page, and its own scrolling) in between.
    pane.type_text("printf '\\033[?1049h\\033[H\\033[2J'; i=0; while [ $i -lt 40 ]; do i=$((i+1)); echo page$i; done; sleep 1; printf '\\033[?1049l'; clear");
    pane.keys(&["Enter"]);
    std::thread::sleep(Duration::from_secs(3));
    run_seq(&pane, 101, 160);
    // The screen ends with n139..n160, "done" and the prompt: n138 is the newest
    // line above it.
    let deadline = Instant::now() + WAIT;
    let mut history = pane.history();
    while numbers(&history).last() != Some(&138) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
        history = pane.history();
    }
    let seen = numbers(&history);
    // Every line that left the screen, once, in order: the first run's up to the
    // full-screen program's clear (what was on the screen then is gone, as in
    // stock mosh), the second run's after it; nothing of the program's page.
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
    assert!((1..=70).all(|n| seen.contains(&n)), "{history:#?}");
    assert!((101..=138).all(|n| seen.contains(&n)), "{history:#?}");
    assert_eq!(seen.last(), Some(&138));
    assert!(
        history.iter().all(|l| !l.contains("page")),
        "the full-screen program's page entered the history: {history:#?}"
    );
    pane.type_text("exit");
    pane.keys(&["Enter"]);
    pane.wait_until("the client's exit", WAIT, |s| s.contains("CLIENT_EXIT=0"));
}

#[test]
fn with_our_server_a_fast_seq_loses_no_line() {
    let server = start_server(
        &our_server_binary(),
        &["new", "-i", "127.0.0.1", "-p", "0", "--", "/bin/sh"],
        &[],
    );
    let pane = attach("extscrollback", &server, "MOSH_LOCAL_SCROLLBACK=yes");
    // Within tmux's 2,000 lines of history.
    pane.type_text("seq 1 1500 | sed s/^/n/; echo do''ne");
    pane.keys(&["Enter"]);
    pane.wait_until("the end of the output", WAIT, |s| {
        s.lines().any(|l| l == "done")
    });
    // The screen ends with n1479..n1500, "done" and the prompt.
    let deadline = Instant::now() + WAIT;
    let mut seen = numbers(&pane.history());
    while seen.last() != Some(&1478) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
        seen = numbers(&pane.history());
    }
    let missing: Vec<u32> = (1..=1478).filter(|n| !seen.contains(n)).take(20).collect();
    assert!(
        missing.is_empty(),
        "lines missing from the history: {missing:?}…"
    );
    assert!(seen.iter().copied().eq(1..=1478), "not once and in order");
    pane.type_text("exit");
    pane.keys(&["Enter"]);
    pane.wait_until("the client's exit", WAIT, |s| s.contains("CLIENT_EXIT=0"));
}

#[test]
fn by_default_the_alternate_screen_keeps_the_history_empty() {
    let server = stock_server();
    let pane = attach("nolocalscrollback", &server, "");
    run_seq(&pane, 1, 60);
    assert!(numbers(&pane.history()).is_empty(), "{:?}", pane.history());
    pane.type_text("exit");
    pane.keys(&["Enter"]);
    pane.wait_until("the client's exit", WAIT, |s| s.contains("CLIENT_EXIT=0"));
}
