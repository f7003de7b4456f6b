//! Our `mosh-client` wipes `MOSH_KEY` from its own environment once parsed: its
//! `/proc/PID/environ` no longer shows the key (stock's does, for the session's whole
//! life), and the session works.

#[path = "../../../mosh-core/tests/common/server_process.rs"]
mod server_process;
#[path = "../../../mosh-core/tests/common/tmux_pane.rs"]
mod tmux_pane;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use server_process::{our_server_binary, start_server};
use tmux_pane::Pane;

const WAIT: Duration = Duration::from_secs(20);

#[test]
fn the_key_leaves_the_client_environment() {
    let server = start_server(
        &our_server_binary(),
        &["new", "-i", "127.0.0.1", "-p", "0", "--", "/bin/sh"],
        &[],
    );
    let pid_file = std::env::temp_dir().join(format!("keyhygiene-{}.pid", std::process::id()));
    let _ = std::fs::remove_file(&pid_file);
    let client = PathBuf::from(env!("CARGO_BIN_EXE_mosh-client"));
    let command = format!(
        "sh -c 'echo $$ > {pid}; exec env MOSH_KEY={key} LANG=C.UTF-8 TERM=xterm-256color {client} 127.0.0.1 {port}'; sleep 60",
        pid = pid_file.display(),
        key = server.key,
        client = client.display(),
        port = server.port,
    );
    let pane = Pane::start("keyhygiene", 80, 24, &command);
    pane.wait_until("the prompt", WAIT, |s| {
        s.lines().any(|l| l.starts_with('$'))
    });
    let deadline = Instant::now() + WAIT;
    let pid = loop {
        if let Some(pid) = std::fs::read_to_string(&pid_file)
            .ok()
            .and_then(|text| text.trim().parse::<u32>().ok())
        {
            break pid;
        }
        assert!(Instant::now() < deadline, "no pid file");
        std::thread::sleep(Duration::from_millis(50));
    };
    let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap();
    let entries: Vec<&[u8]> = environ.split(|&b| b == 0).collect();
    let key_entry = entries
        .iter()
        .find(|e| e.starts_with(b"MOSH_KEY="))
        .expect("the entry stays, emptied");
    assert!(
        key_entry[b"MOSH_KEY=".len()..].is_empty(),
        "MOSH_KEY still holds {:?}",
        String::from_utf8_lossy(key_entry)
    );
    let key = server.key.as_bytes();
    assert!(
        !environ.windows(key.len()).any(|w| w == key),
        "the key is still in the client's environment block"
    );
    // The session still works: the key was used before it was wiped.
    pane.type_text("echo wiped''ok");
    pane.keys(&["Enter"]);
    pane.wait_until("the echo", WAIT, |s| s.lines().any(|l| l == "wipedok"));
    let _ = std::fs::remove_file(&pid_file);
}
