//! A program running on a pty this benchmark owns, as a terminal emulator would run
//! it: the benchmark writes keystrokes to the master and a thread reads everything
//! the program paints, stamped with the time `read` returned.

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::OwnedFd;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Instant;

// The server's pty opener; only part of it is used here.
#[allow(dead_code)]
#[path = "../../../../server/src/pty.rs"]
mod pty;

/// Output read from the pty at one instant.
pub struct Chunk {
    /// When `read` returned it.
    pub at: Instant,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// The running program; killed (with its session) on drop.
pub struct ProgramOnPty {
    master: File,
    child: Child,
    /// Everything the program writes, in order.
    pub output: Receiver<Chunk>,
}

impl ProgramOnPty {
    /// Starts `program args` as a session leader with the pty as its controlling
    /// terminal (through `setsid -c`), in a `columns`×`rows` window, with `env`
    /// added to the benchmark's environment.
    pub fn spawn(
        program: &str,
        args: &[&str],
        env: &[(&str, &str)],
        columns: u16,
        rows: u16,
    ) -> ProgramOnPty {
        let pair = pty::open_pty(columns, rows).expect("open a pty");
        let slave = File::from(pair.slave);
        let stdio = |file: &File| -> Stdio { OwnedFd::from(file.try_clone().unwrap()).into() };
        let child = Command::new("setsid")
            .arg("-c")
            .arg(program)
            .args(args)
            .envs(env.iter().copied())
            .stdin(stdio(&slave))
            .stdout(stdio(&slave))
            .stderr(stdio(&slave))
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {program}: {e}"));
        drop(slave);
        let master = File::from(pair.master);
        let mut reader = master.try_clone().expect("clone the pty master");
        let (tx, output) = channel();
        std::thread::spawn(move || {
            let mut buf = vec![0u8; 64 * 1024];
            // Ends with EIO once the program and its children closed the slave.
            while let Ok(len @ 1..) = reader.read(&mut buf) {
                let chunk = Chunk {
                    at: Instant::now(),
                    bytes: buf[..len].to_vec(),
                };
                if tx.send(chunk).is_err() {
                    break;
                }
            }
        });
        ProgramOnPty {
            master,
            child,
            output,
        }
    }

    /// Types `bytes`, as the terminal would on a key press.
    pub fn write(&mut self, bytes: &[u8]) {
        self.master
            .write_all(bytes)
            .expect("write to the pty master");
    }
}

impl Drop for ProgramOnPty {
    fn drop(&mut self) {
        // `setsid` made the program a session and process-group leader: stop the group.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
