//! The startup contract with wrappers (`protocol.md` §15.2): the parent prints
//! `MOSH CONNECT <port> <key>` and the banner, then exits 0, while a detached daemon
//! keeps the session.
//!
//! Stock forks. Forking a Rust process is `unsafe`, so the parent instead re-executes
//! this binary in the "daemon" role with stdin on `/dev/null` and stdout on a pipe. The
//! daemon starts a new session (`setsid`, leaving ssh's terminal), binds the port,
//! generates the key and reports over the pipe, then points its stdout at `/dev/null`
//! so that `ssh` and `$(…)` see end-of-file and return. The key travels only over that
//! private pipe, never through argv or the environment.

use std::io::{self, Read, Write};
use std::process::{Command, Stdio};

use zeroize::{Zeroize, Zeroizing};

use crate::child::ROLE_VARIABLE;

/// [`ROLE_VARIABLE`] value of the daemon.
pub const ROLE_DAEMON: &str = "daemon";
/// Environment variable carrying the initial window size (`COLSxROWS`) to the daemon.
pub const WINDOW_SIZE_VARIABLE: &str = "MOSH_RS_INTERNAL_WINDOW";

/// One line the daemon sends to the parent over the startup pipe. Its `Debug` leaves
/// the key out.
#[derive(Clone, PartialEq, Eq)]
pub enum StartupLine {
    /// A warning for the user's stderr (e.g. the `-i` address could not be bound).
    Warning(String),
    /// The session is ready: the port and printable key.
    Ready {
        /// Bound UDP port.
        port: u16,
        /// The 22-character key, wiped when dropped.
        key: Zeroizing<String>,
    },
    /// Startup failed; the message says why.
    Failed(String),
}

impl std::fmt::Debug for StartupLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartupLine::Warning(text) => f.debug_tuple("Warning").field(text).finish(),
            StartupLine::Ready { port, .. } => f
                .debug_struct("Ready")
                .field("port", port)
                .field("key", &"<redacted>")
                .finish(),
            StartupLine::Failed(text) => f.debug_tuple("Failed").field(text).finish(),
        }
    }
}

impl StartupLine {
    /// The line as written on the pipe (without the newline); wiped when dropped,
    /// since a ready line holds the key.
    pub fn encode(&self) -> Zeroizing<String> {
        Zeroizing::new(match self {
            StartupLine::Warning(text) => format!("WARN {}", one_line(text)),
            StartupLine::Ready { port, key } => format!("READY {port} {}", key.as_str()),
            StartupLine::Failed(text) => format!("FAIL {}", one_line(text)),
        })
    }

    /// Parses one line; `None` for anything else.
    pub fn decode(line: &str) -> Option<StartupLine> {
        let line = line.trim_end_matches(['\r', '\n']);
        let (tag, rest) = line.split_once(' ')?;
        match tag {
            "WARN" => Some(StartupLine::Warning(rest.to_owned())),
            "FAIL" => Some(StartupLine::Failed(rest.to_owned())),
            "READY" => {
                let (port, key) = rest.split_once(' ')?;
                Some(StartupLine::Ready {
                    port: port.parse().ok()?,
                    key: Zeroizing::new(key.to_owned()),
                })
            }
            _ => None,
        }
    }
}

fn one_line(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}

/// The banner stock prints on stderr before the detach line. Ours names this
/// implementation; wrappers only look at the `MOSH CONNECT` line.
pub fn banner() -> String {
    format!(
        "\nmosh-server (mosh-rs {}, wire-compatible with mosh 1.4.0)\n\
         License MIT OR Apache-2.0.\n\
         This is free software: you are free to change and redistribute it.\n\
         There is NO WARRANTY, to the extent permitted by law.\n\n",
        env!("CARGO_PKG_VERSION")
    )
}

/// How the parent ended.
#[derive(Debug)]
pub enum LaunchOutcome {
    /// The daemon is running; the parent printed everything and should exit 0.
    Detached,
    /// The daemon failed; the message was printed and the parent should exit 1.
    Failed,
}

/// Parent side: starts the daemon with the same arguments, relays its startup lines
/// and prints the contract lines.
pub fn launch_daemon(
    args: &[std::ffi::OsString],
    window: Option<(u16, u16)>,
    verbose: bool,
    stdin_is_terminal: bool,
) -> io::Result<LaunchOutcome> {
    let exe = std::env::current_exe()?;
    let mut cmd = Command::new(exe);
    cmd.args(args)
        .env(ROLE_VARIABLE, ROLE_DAEMON)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(if verbose {
            Stdio::inherit()
        } else {
            Stdio::null()
        });
    if let Some((cols, rows)) = window {
        cmd.env(WINDOW_SIZE_VARIABLE, format!("{cols}x{rows}"));
    }
    let mut child = cmd.spawn()?;
    let pid = child.id();
    let mut pipe = child.stdout.take().expect("stdout was piped");
    let mut stderr = io::stderr().lock();
    // The ready line carries the key: read unbuffered into memory that is wiped.
    let mut line = Zeroizing::new(Vec::new());
    loop {
        line.zeroize();
        if !read_line(&mut pipe, &mut line)? {
            break;
        }
        let Ok(text) = std::str::from_utf8(&line) else {
            continue;
        };
        match StartupLine::decode(text.trim_end_matches(['\r', '\n'])) {
            Some(StartupLine::Warning(text)) => writeln!(stderr, "{text}")?,
            Some(StartupLine::Failed(text)) => {
                writeln!(stderr, "mosh-server: {text}")?;
                let _ = child.wait();
                return Ok(LaunchOutcome::Failed);
            }
            Some(StartupLine::Ready { port, key }) => {
                let mut stdout = io::stdout().lock();
                if stdin_is_terminal {
                    // A blank line first keeps type-ahead echoed by the pty away from
                    // the line wrappers parse.
                    stdout.write_all(b"\r\n\n")?;
                }
                writeln!(stdout, "MOSH CONNECT {port} {}", key.as_str())?;
                stdout.flush()?;
                write!(stderr, "{}", banner())?;
                writeln!(stderr, "[mosh-server detached, pid = {pid}]")?;
                return Ok(LaunchOutcome::Detached);
            }
            None => {}
        }
    }
    let status = child.wait()?;
    writeln!(
        stderr,
        "mosh-server: session process ended during startup ({status})"
    )?;
    Ok(LaunchOutcome::Failed)
}

/// Reads one line (up to and including `\n`) from `pipe` into `line`, a byte at a
/// time so that no buffer outside `line` holds it; false at end of file with nothing
/// read.
fn read_line(pipe: &mut impl Read, line: &mut Vec<u8>) -> io::Result<bool> {
    let mut byte = [0u8; 1];
    loop {
        match pipe.read(&mut byte) {
            Ok(0) => return Ok(!line.is_empty()),
            Ok(_) => {
                line.push(byte[0]);
                if byte[0] == b'\n' {
                    return Ok(true);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// Parses [`WINDOW_SIZE_VARIABLE`].
pub fn parse_window(value: &str) -> Option<(u16, u16)> {
    let (cols, rows) = value.split_once('x')?;
    let (cols, rows) = (cols.parse().ok()?, rows.parse().ok()?);
    (cols > 0 && rows > 0).then_some((cols, rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ready_line_prints_without_the_key() {
        let line = StartupLine::Ready {
            port: 60001,
            key: Zeroizing::new("AAECAwQFBgcICQoLDA0ODw".to_owned()),
        };
        let printed = format!("{line:?}");
        assert!(printed.contains("60001") && printed.contains("<redacted>"));
        assert!(!printed.contains("AAECAwQFBgcICQoLDA0ODw"), "{printed}");
    }

    #[test]
    fn startup_lines_round_trip() {
        for line in [
            StartupLine::Warning("could not bind 10.0.0.1\nusing wildcard".into()),
            StartupLine::Ready {
                port: 60001,
                key: Zeroizing::new("AAECAwQFBgcICQoLDA0ODw".into()),
            },
            StartupLine::Failed("no free port".into()),
        ] {
            let decoded = StartupLine::decode(&line.encode()).unwrap();
            match (&line, &decoded) {
                (StartupLine::Warning(a), StartupLine::Warning(b)) => {
                    assert_eq!(a.replace('\n', " "), *b)
                }
                _ => assert_eq!(line, decoded),
            }
        }
        assert_eq!(StartupLine::decode("READY x y"), None);
        assert_eq!(StartupLine::decode("garbage"), None);
    }

    #[test]
    fn window_variable() {
        assert_eq!(parse_window("80x24"), Some((80, 24)));
        assert_eq!(parse_window("0x24"), None);
        assert_eq!(parse_window("80"), None);
    }
}
