//! Our desktop `mosh-client` against the stock `mosh-server` (Debian's mosh 1.4),
//! read through tmux: it shows exactly what the stock `mosh-client` shows for the same
//! server output, cell by cell with colours; and `mosh-demo` runs a session on our
//! own server.

#[path = "../../../mosh-core/tests/common/server_process.rs"]
mod server_process;
#[path = "../../../mosh-core/tests/common/stock.rs"]
#[allow(dead_code)]
mod stock;
#[path = "../../../mosh-core/tests/common/tmux_pane.rs"]
mod tmux_pane;

use std::path::PathBuf;

use std::time::Duration;

use server_process::{ServerProcess, start_server};
use stock::stock_binary;
use tmux_pane::Pane;

const WAIT: Duration = Duration::from_secs(15);

fn start_stock_server() -> ServerProcess {
    start_server(
        &stock_binary("mosh-server"),
        &[
            "new",
            "-i",
            "127.0.0.1",
            "-p",
            "0",
            "-c",
            "256",
            "--",
            "/bin/sh",
        ],
        &[],
    )
}

fn our_client() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_mosh-client"))
}

fn attach(name: &str, client: &std::path::Path, server: &ServerProcess) -> Pane {
    let command = format!(
        "env MOSH_KEY={} LANG=C.UTF-8 TERM=xterm-256color {} 127.0.0.1 {}; echo CLIENT_EXIT=$?; sleep 60",
        server.key,
        client.display(),
        server.port
    );
    Pane::start(name, 80, 24, &command)
}

/// Runs the same steps in both panes; returns both screens (with attributes) after.
fn both(panes: &[&Pane], step: impl Fn(&Pane), done: impl Fn(&str) -> bool + Copy) -> Vec<String> {
    for pane in panes {
        step(pane);
    }
    panes
        .iter()
        .map(|pane| {
            pane.wait_until("the step's result", WAIT, done);
            // Let late frames land so both show the settled screen.
            std::thread::sleep(Duration::from_millis(400));
            pane.text_with_attributes()
        })
        .collect()
}

#[test]
fn our_client_shows_what_the_stock_client_shows() {
    let stock_server = start_stock_server();
    let our_server = start_stock_server();
    let stock = attach("stockview", &stock_binary("mosh-client"), &stock_server);
    let ours = attach("ourview", &our_client(), &our_server);
    let panes = [&stock, &ours];
    let prompt = |s: &str| s.lines().any(|l| l.starts_with('$'));
    let screens = both(&panes, |_| {}, prompt);
    assert_eq!(screens[0], screens[1], "first prompt");

    let screens = both(
        &panes,
        |p| {
            p.type_text("printf '\\033[1;31mred\\033[0m \\033[4;42mgreen\\033[0m wide:中文 e\\314\\201\\n'; echo do''ne");
            p.keys(&["Enter"]);
        },
        |s| s.lines().any(|l| l == "done"),
    );
    assert!(screens[1].contains("red"), "{}", screens[1]);
    assert_eq!(screens[0], screens[1], "colours and Unicode");

    let screens = both(
        &panes,
        |p| {
            p.type_text("vi -n /tmp/mosh-rs-client-compare.txt");
            p.keys(&["Enter"]);
        },
        |s| s.lines().filter(|l| *l == "~").count() > 15,
    );
    assert_eq!(screens[0], screens[1], "a full-screen program");
    let screens = both(
        &panes,
        |p| {
            p.type_text("ihello from vi");
            p.keys(&["Escape"]);
            p.type_text(":q!");
            p.keys(&["Enter"]);
        },
        |s| {
            s.lines()
                .rev()
                .find(|l| !l.is_empty())
                .is_some_and(|l| l.starts_with('$'))
        },
    );
    assert_eq!(screens[0], screens[1], "after vi");

    let screens = both(
        &panes,
        |p| {
            p.resize(100, 30);
            std::thread::sleep(Duration::from_millis(300));
            p.type_text("clear; stty size");
            p.keys(&["Enter"]);
        },
        |s| s.lines().any(|l| l == "30 100"),
    );
    assert_eq!(screens[0], screens[1], "after a resize");

    for pane in panes {
        pane.type_text("exit");
        pane.keys(&["Enter"]);
    }
    for pane in panes {
        pane.wait_for("CLIENT_EXIT=0", WAIT);
    }
}

#[test]
fn demo_runs_a_session_on_our_own_server_through_a_simulated_link() {
    let demo = env!("CARGO_BIN_EXE_mosh-demo");
    let server = server_process::our_server_binary();
    let command = format!(
        "env LANG=C.UTF-8 TERM=xterm-256color SHELL=/bin/sh PS1='$ ' {demo} --server {} --link delay=100ms,loss=5%; echo DEMO_EXIT=$?; sleep 60",
        server.display()
    );
    let pane = Pane::start("demo", 80, 24, &command);
    // A login shell: root's profile may set its own prompt.
    pane.wait_until("the prompt", WAIT, |s| {
        s.lines().any(|l| l.starts_with('$') || l.starts_with('#'))
    });
    pane.type_text("echo demo-$((40+2))");
    pane.keys(&["Enter"]);
    pane.wait_until("command output", WAIT, |s| {
        s.lines().any(|l| l == "demo-42")
    });
    pane.type_text("exit");
    pane.keys(&["Enter"]);
    pane.wait_for("DEMO_EXIT=0", WAIT);
}
