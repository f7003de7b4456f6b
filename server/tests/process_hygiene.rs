//! The user's program starts clean: descriptors the caller of `mosh-server` left open
//! do not reach it, and neither do the server's internal variables (issue 15); the
//! daemon leaves the caller's directory and marks what it inherited close-on-exec.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{our_server, send_signal, temp_path};

/// Starts our `mosh-server` running `/bin/sh -c PROGRAM` from bash after `setup`
/// (what the caller did to its own process first); waits until the program wrote
/// `written`. Returns the daemon's pid.
fn start_through_bash(setup: &str, program: &str, written: &Path) -> u32 {
    let output = Command::new("bash")
        .arg("-c")
        .arg(format!(
            r#"{setup}; exec "$0" new -i 127.0.0.1 -p 0 -- /bin/sh -c "$1""#
        ))
        .arg(our_server())
        .arg(program)
        .env("LANG", "C.UTF-8")
        .stdin(Stdio::null())
        .output()
        .expect("run mosh-server through bash");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "mosh-server failed: {stderr}");
    let daemon: u32 = stderr
        .split("pid = ")
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .and_then(|pid| pid.trim().parse().ok())
        .unwrap_or_else(|| panic!("no daemon pid in {stderr:?}"));
    let deadline = Instant::now() + Duration::from_secs(10);
    while !written.exists() {
        assert!(Instant::now() < deadline, "the program never ran");
        std::thread::sleep(Duration::from_millis(20));
    }
    daemon
}

#[test]
fn the_program_starts_with_default_signal_dispositions_and_no_blocked_signals() {
    // A launcher that ignores SIGINT, SIGQUIT and SIGHUP (nohup, a background job)
    // and blocks SIGTERM: none of it may reach the session's program, or Ctrl-C is
    // dead in the session and the shell deaf to hang-ups.
    let status = temp_path("hygiene-signals");
    let _ = std::fs::remove_file(&status);
    // Read by the shell itself, before it forks anything: while it waits for a
    // child, dash blocks every signal for a moment, and a reader in a child process
    // could catch that (observed once in a full run).
    let program = format!(
        "while read -r line; do case $line in SigIgn*|SigBlk*) echo \"$line\";; esac; \
         done < /proc/$$/status > {status}.tmp; mv {status}.tmp {status}; sleep 30",
        status = status.display()
    );
    let daemon = start_through_bash("trap '' INT QUIT HUP", &program, &status);
    let masks = std::fs::read_to_string(&status).unwrap();
    send_signal(daemon, "TERM");
    let _ = std::fs::remove_file(&status);
    // Signals 32 and 33 (bits 31 and 32) belong to the C library, which sets them up
    // itself in every program.
    let c_library = 0b11 << 31;
    for line in masks.lines() {
        let (name, mask) = line.split_once(':').unwrap();
        let mask = u64::from_str_radix(mask.trim(), 16).unwrap();
        assert_eq!(mask & !c_library, 0, "{name} of the program: {masks}");
    }
    assert_eq!(masks.lines().count(), 2, "{masks}");
}

#[test]
fn the_program_gets_only_its_standard_streams_and_no_internal_variables() {
    let fds = temp_path("hygiene-fds");
    let environ = temp_path("hygiene-environ");
    let _ = std::fs::remove_file(&fds);
    // The caller leaves descriptor 7 open without close-on-exec, as a careless SSH
    // server or app might.
    let program = format!(
        "ls /proc/self/fd > {fds}.tmp; mv {fds}.tmp {fds}; tr '\\0' '\\n' < /proc/$$/environ > {environ}; sleep 30",
        fds = fds.display(),
        environ = environ.display()
    );
    let daemon = start_through_bash("exec 7</etc/hostname", &program, &fds);
    let listed = std::fs::read_to_string(&fds).unwrap();
    let environment = std::fs::read_to_string(&environ).unwrap_or_default();
    // The daemon itself: in `/`, and the inherited descriptor close-on-exec, so the
    // login-record helper it runs does not get it either (fdinfo's flags are octal;
    // O_CLOEXEC is 02000000).
    let cwd = std::fs::read_link(format!("/proc/{daemon}/cwd")).unwrap();
    let fdinfo = std::fs::read_to_string(format!("/proc/{daemon}/fdinfo/7")).unwrap_or_default();
    send_signal(daemon, "TERM");
    assert_eq!(cwd, std::path::Path::new("/"), "the daemon's directory");
    let flags = fdinfo
        .lines()
        .find_map(|line| line.strip_prefix("flags:"))
        .and_then(|flags| u32::from_str_radix(flags.trim(), 8).ok());
    assert!(
        flags.is_some_and(|flags| flags & 0o2000000 != 0),
        "descriptor 7 of the daemon is not close-on-exec: {fdinfo}"
    );
    let _ = std::fs::remove_file(&fds);
    let _ = std::fs::remove_file(&environ);
    let numbers: Vec<&str> = listed.split_whitespace().collect();
    // 0–2 are the pty; 3 is `ls`'s own directory stream.
    assert_eq!(
        numbers,
        ["0", "1", "2", "3"],
        "descriptors in the program: {listed}"
    );
    assert!(
        !environment.contains("MOSH_RS_"),
        "internal variables leaked: {environment}"
    );
}
