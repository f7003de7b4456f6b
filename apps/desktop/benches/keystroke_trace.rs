//! Keystroke-to-screen benchmark of local echo: the same seeded keystroke trace (shell
//! and editor typing with realistic gaps) typed into our mosh-client and into Debian's
//! stock mosh-client, each on a pty this program owns, against stock mosh-server
//! running bash through the impairment proxy at 0, 100 and 250 ms one-way delay with
//! 5% loss each way. For every keystroke it measures when its effect first shows on
//! the client's screen, and whether a wrong guess was on screen while it was the
//! newest key (a prediction later retracted).
//!
//! `cargo bench -p mosh-desktop --bench keystroke_trace`; environment: `TRACE_KEYS`
//! (300), `TRACE_SEED` (1), `DELAYS_MS` ("0,100,250"), `LOSS` (0.05), `CLIENTS`
//! ("ours,stock"), `SERVER` (`stock`; `ours`: our mosh-server, built with `cargo
//! build --release -p mosh-server`), `PROXY_SEED` (`TRACE_SEED`), `TRACE_DUMP` (set: print every
//! keystroke's figures), `TRACE` (`mixed`: shell and editor; `prompt`: short
//! commands each begun after the new prompt shows, the first keystrokes reported
//! apart).
//! Figures: `docs/benchmarks.md`.

#![allow(missing_docs)]

#[path = "keystroke_trace/program_on_pty.rs"]
mod program_on_pty;
#[path = "../../../mosh-core/tests/common/proxy_thread.rs"]
mod proxy_thread;
#[path = "keystroke_trace/reference.rs"]
mod reference;
#[path = "keystroke_trace/scoring.rs"]
mod scoring;
#[path = "keystroke_trace/screen_state.rs"]
mod screen_state;
#[path = "../../../mosh-core/tests/common/server_process.rs"]
mod server_process;
#[path = "../../../mosh-core/tests/common/stock.rs"]
#[allow(dead_code)]
mod stock;
#[path = "keystroke_trace/trace.rs"]
mod trace;

use std::path::{Path, PathBuf};
use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration, Instant};

use mosh_netem::Impairment;
use program_on_pty::ProgramOnPty;
use proxy_thread::ProxyThread;
use reference::Reference;
use scoring::{RunResult, Scorer, Summary};
use screen_state::Screen;
use stock::stock_binary;
use trace::{Keystroke, Phase};

const COLUMNS: u16 = 80;
const ROWS: u16 = 24;
/// How long a run goes on after the last keystroke for late echoes.
const DRAIN: Duration = Duration::from_secs(4);
/// A keystroke waiting for the prompt goes anyway after this long.
const PROMPT_WAIT_LIMIT: Duration = Duration::from_secs(10);

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// The session's environment, the same in the reference run and behind mosh: a bare
/// `$ ` prompt, no history file, a home of its own and `vi` = vim.tiny without any
/// configuration except Backspace over everything and a 10 ms key-code timeout
/// (so Escape takes effect at once).
struct Workspace {
    dir: PathBuf,
    path: String,
}

impl Workspace {
    fn create() -> Workspace {
        let dir = std::env::temp_dir().join(format!("mosh-keystroke-trace-{}", std::process::id()));
        let bin = dir.join("bin");
        std::fs::create_dir_all(&bin).expect("create the work directory");
        let vi = bin.join("vi");
        std::fs::write(
            &vi,
            "#!/bin/sh\nexec vim.tiny -u NONE -i NONE -N \
             -c 'set backspace=2 ttimeout ttimeoutlen=10 noswapfile' \"$@\"\n",
        )
        .expect("write the vi wrapper");
        std::process::Command::new("chmod")
            .args(["+x", &vi.to_string_lossy()])
            .status()
            .expect("chmod");
        assert!(
            Path::new("/usr/bin/vim.tiny").is_file(),
            "vim.tiny not found: apt-get install vim-tiny"
        );
        let path = format!(
            "{}:{}",
            bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        // Every shell starts here and edits ./notes.txt.
        std::env::set_current_dir(&dir).expect("enter the work directory");
        Workspace { dir, path }
    }

    fn env(&self) -> Vec<(&str, &str)> {
        vec![
            ("HOME", self.dir.to_str().expect("UTF-8 temp path")),
            ("PATH", &self.path),
            ("HISTFILE", "/dev/null"),
        ]
    }

    fn reset_files(&self) {
        let _ = std::fs::remove_file(self.dir.join("notes.txt"));
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn reference_run(workspace: &Workspace, trace: &[Keystroke]) -> Reference {
    workspace.reset_files();
    let mut env = workspace.env();
    env.extend([
        ("LANG", "C.UTF-8"),
        ("SHELL", "/bin/sh"),
        ("PS1", "$ "),
        ("TERM", "xterm-256color"),
    ]);
    let mut bash = ProgramOnPty::spawn("bash", &["--norc", "--noprofile"], &env, COLUMNS, ROWS);
    let mut screen = Screen::new(COLUMNS.into(), ROWS.into());
    reference::record(&mut bash, &mut screen, trace)
}

/// One client typing the trace through the proxy.
fn measured_run(
    workspace: &Workspace,
    client: &Path,
    impairment: Impairment,
    seed: u64,
    trace: &[Keystroke],
    reference: &Reference,
) -> RunResult {
    workspace.reset_files();
    // `SERVER=ours`: our mosh-server (build it first: `cargo build --release -p
    // mosh-server`), to measure what it changes (the answer to input on a LAN).
    let server_binary = match std::env::var("SERVER").as_deref() {
        Ok("ours") => server_process::our_server_binary(),
        _ => stock_binary("mosh-server"),
    };
    let server = server_process::start_server(
        &server_binary,
        &[
            "new",
            "-c",
            "256",
            "-i",
            "127.0.0.1",
            "-p",
            "0",
            "--",
            "bash",
            "--norc",
            "--noprofile",
        ],
        &workspace.env(),
    );
    let proxy = ProxyThread::in_front_of(server.port, impairment, seed);
    let port = proxy.addr.port().to_string();
    let mut program = ProgramOnPty::spawn(
        &client.to_string_lossy(),
        &["127.0.0.1", &port],
        &[
            ("MOSH_KEY", &server.key),
            ("LANG", "C.UTF-8"),
            ("TERM", "xterm-256color"),
        ],
        COLUMNS,
        ROWS,
    );
    let mut screen = Screen::new(COLUMNS.into(), ROWS.into());
    wait_for_prompt(&mut program, &mut screen, reference);

    let mut scorer = Scorer::new(reference, trace.len());
    // The keystroke waiting for the screen that saw what it waits for.
    let mut released: Option<usize> = None;
    let mut next = 0;
    let mut next_at = Instant::now() + trace[0].gap;
    // A keystroke that waits for the screen: since when it is waiting (it gives up
    // after PROMPT_WAIT_LIMIT), until the screen shows the state it waits for.
    let mut waiting_since: Option<Instant> = None;
    let end = loop {
        let waiting = next < trace.len() && trace[next].waits_for_screen && released != Some(next);
        if waiting {
            let since = *waiting_since.get_or_insert_with(Instant::now);
            if screen.state() == reference.settled[next] || since.elapsed() > PROMPT_WAIT_LIMIT {
                next_at = Instant::now() + trace[next].gap;
                waiting_since = None;
                released = Some(next);
            } else {
                next_at = Instant::now() + Duration::from_millis(5);
            }
        }
        let deadline = if next < trace.len() {
            next_at
        } else {
            break Instant::now() + DRAIN;
        };
        match program
            .output
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            Ok(chunk) => {
                screen.feed(&chunk.bytes);
                scorer.observe(chunk.at, &screen.state());
            }
            Err(RecvTimeoutError::Timeout) if waiting && released != Some(next) => {}
            Err(RecvTimeoutError::Timeout) => {
                let bytes = trace[next].key.bytes(screen.application_cursor_keys());
                scorer.pressed(Instant::now());
                program.write(&bytes);
                next += 1;
                if let Some(keystroke) = trace.get(next) {
                    next_at += keystroke.gap;
                }
            }
            Err(RecvTimeoutError::Disconnected) => panic!("{} exited", client.display()),
        }
    };
    while let Ok(chunk) = program
        .output
        .recv_timeout(end.saturating_duration_since(Instant::now()))
    {
        screen.feed(&chunk.bytes);
        scorer.observe(chunk.at, &screen.state());
    }
    scorer.finish()
}

/// Waits until the client shows the prompt the reference starts from, then a little
/// longer so the round-trip estimate settles as it would in a session in use.
fn wait_for_prompt(program: &mut ProgramOnPty, screen: &mut Screen, reference: &Reference) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while screen.state() != reference.settled[0] {
        let chunk = program
            .output
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .unwrap_or_else(|_| {
                panic!(
                    "the client never showed the prompt; it shows {:?}",
                    screen.state()
                )
            });
        screen.feed(&chunk.bytes);
    }
    let settle_until = Instant::now() + Duration::from_secs(3);
    while let Ok(chunk) = program
        .output
        .recv_timeout(settle_until.saturating_duration_since(Instant::now()))
    {
        screen.feed(&chunk.bytes);
    }
}

fn millis(duration: Option<Duration>) -> String {
    match duration {
        Some(d) => format!("{:.1} ms", d.as_secs_f64() * 1000.0),
        None => "never".to_owned(),
    }
}

fn row(client: &str, delay: u64, what: &str, summary: &Summary) -> String {
    format!(
        "| {client} | {delay} ms | {what} | {} | {} | {} | {:.1}% | {:.1}% | {} |",
        summary.keys,
        millis(summary.median),
        millis(summary.p95),
        summary.instant * 100.0,
        summary.wrong * 100.0,
        summary.never_shown
    )
}

fn main() {
    let keys: usize = env_or("TRACE_KEYS", 300);
    let seed: u64 = env_or("TRACE_SEED", 1);
    // The proxy's loss decisions, apart from the trace (to repeat a delay with other
    // losses on the same typing).
    let proxy_seed: u64 = env_or("PROXY_SEED", seed);
    let loss: f64 = env_or("LOSS", 0.05);
    let delays: Vec<u64> = std::env::var("DELAYS_MS")
        .unwrap_or_else(|_| "0,100,250".to_owned())
        .split(',')
        .map(|d| {
            d.trim()
                .parse()
                .expect("DELAYS_MS: comma-separated milliseconds")
        })
        .collect();
    let ours = PathBuf::from(env!("CARGO_BIN_EXE_mosh-client"));
    let only = std::env::var("CLIENTS").unwrap_or_else(|_| "ours,stock".to_owned());
    let clients: Vec<(&str, PathBuf)> = [
        ("ours", "mosh-rs client", ours),
        ("stock", "stock mosh-client", stock_binary("mosh-client")),
    ]
    .into_iter()
    .filter(|(key, _, _)| only.split(',').any(|o| o.trim() == *key))
    .map(|(_, name, path)| (name, path))
    .collect();

    let workspace = Workspace::create();
    let trace = match std::env::var("TRACE").as_deref() {
        Ok("prompt") => trace::generate_prompt_waiter(seed, keys),
        Ok("mixed") | Err(_) => trace::generate(seed, keys),
        Ok(other) => panic!("TRACE={other}: expected mixed or prompt"),
    };
    let typing: Duration = trace.iter().map(|k| k.gap).sum();
    println!(
        "trace seed {seed}: {} keystrokes ({} shell, {} editor) over {:.0} s; loss {:.0}% each way",
        trace.len(),
        trace.iter().filter(|k| k.phase == Phase::Shell).count(),
        trace.iter().filter(|k| k.phase == Phase::Editor).count(),
        typing.as_secs_f64(),
        loss * 100.0
    );
    let reference = reference_run(&workspace, &trace);
    println!("reference run done");

    let mut table = vec![
        "| client | one-way delay | keystrokes | n | median | p95 | shown ≤ 10 ms | wrong guess shown | never shown |".to_owned(),
        "|---|---|---|---|---|---|---|---|---|".to_owned(),
    ];
    for &delay in &delays {
        let impairment = Impairment {
            delay: Duration::from_millis(delay),
            jitter: Duration::ZERO,
            loss,
        };
        for (name, client) in &clients {
            let result = measured_run(
                &workspace,
                client,
                impairment,
                proxy_seed ^ delay,
                &trace,
                &reference,
            );
            if std::env::var_os("TRACE_DUMP").is_some() {
                for (i, keystroke) in trace.iter().enumerate() {
                    let wrong = result.wrong[i]
                        .as_ref()
                        .map(|state| format!("WRONG {state:?}"))
                        .unwrap_or_default();
                    println!(
                        "{name} {delay} ms #{i} {:?} {:?} gap {:?}: {} expected {:?} {wrong}",
                        keystroke.phase,
                        keystroke.key,
                        keystroke.gap,
                        millis(result.latency[i]),
                        reference.settled[i + 1],
                    );
                }
            }
            let phase_of = |i: usize| trace[i].phase;
            for (what, summary) in [
                ("all", result.summary(|_| true)),
                ("shell", result.summary(|i| phase_of(i) == Phase::Shell)),
                ("editor", result.summary(|i| phase_of(i) == Phase::Editor)),
                (
                    "first at a fresh prompt",
                    result.summary(|i| trace[i].waits_for_screen),
                ),
            ] {
                let line = row(name, delay, what, &summary);
                println!("{line}");
                table.push(line);
            }
        }
    }
    println!("\n{}", table.join("\n"));
}
