//! Moving bytes between the pty master and the event loop.
//!
//! Each direction gets a plain thread doing blocking I/O on its own descriptor of the
//! master. tokio's readiness API for raw descriptors needs `unsafe` to be sound, and
//! a blocking thread per direction also keeps a program that stops reading its input
//! from ever stalling the loop that serves the network.

use std::io::{self, Read, Write};
use std::os::fd::OwnedFd;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::mpsc;

/// Largest pty read at once, as stock (16 KiB).
const PTY_READ_CHUNK: usize = 16 * 1024;

/// Chunks of output buffered between the reader thread and the loop; a few are
/// enough because the emulator consumes output far faster than programs make it.
const OUTPUT_QUEUE: usize = 8;

/// Above this many bytes of user input waiting for the program to read them, the
/// server takes no new input from the client (it resends it later): a paste into a
/// program that stopped reading (`sleep 600`) waits on the client, bounded there,
/// instead of growing the server's memory.
pub const PTY_INPUT_HIGH_WATER: usize = 256 * 1024;

/// The loop's end of the pty.
#[derive(Debug)]
pub struct PtyIo {
    /// Program output; `None` once the pty reached end-of-file (the program exited).
    pub output: mpsc::Receiver<Option<Vec<u8>>>,
    /// User input for the program.
    pub input: PtyInput,
}

/// User input on its way to the program, counted.
#[derive(Debug)]
pub struct PtyInput {
    sender: std::sync::mpsc::Sender<Vec<u8>>,
    queued: Arc<AtomicUsize>,
}

impl PtyInput {
    /// Queues `bytes` for the program. If the writer is gone, so is the program, and
    /// the input goes nowhere.
    pub fn send(&self, bytes: Vec<u8>) {
        let len = bytes.len();
        self.queued.fetch_add(len, Ordering::Relaxed);
        if self.sender.send(bytes).is_err() {
            self.queued.fetch_sub(len, Ordering::Relaxed);
        }
    }

    /// Bytes queued and not yet written to the pty.
    pub fn queued(&self) -> usize {
        self.queued.load(Ordering::Relaxed)
    }
}

/// Starts the reader and writer threads on duplicates of `master`.
pub fn spawn_pty_io(master: &OwnedFd) -> io::Result<PtyIo> {
    let mut reader = std::fs::File::from(master.try_clone()?);
    let mut writer = std::fs::File::from(master.try_clone()?);
    let (out_tx, out_rx) = mpsc::channel(OUTPUT_QUEUE);
    std::thread::Builder::new()
        .name("pty-reader".into())
        .spawn(move || {
            let mut buf = vec![0u8; PTY_READ_CHUNK];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => {
                        if out_tx.blocking_send(Some(buf[..n].to_vec())).is_err() {
                            return;
                        }
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    // EIO: the last program holding the slave side exited.
                    Err(_) => break,
                }
            }
            let _ = out_tx.blocking_send(None);
        })?;
    let (in_tx, in_rx) = std::sync::mpsc::channel::<Vec<u8>>();
    let queued = Arc::new(AtomicUsize::new(0));
    let written = queued.clone();
    std::thread::Builder::new()
        .name("pty-writer".into())
        .spawn(move || {
            while let Ok(bytes) = in_rx.recv() {
                let failed = writer.write_all(&bytes).is_err();
                written.fetch_sub(bytes.len(), Ordering::Relaxed);
                if failed {
                    return;
                }
            }
        })?;
    Ok(PtyIo {
        output: out_rx,
        input: PtyInput {
            sender: in_tx,
            queued,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pty::open_pty;

    #[tokio::test]
    async fn bytes_flow_both_ways_and_eof_is_reported() {
        let pair = open_pty(80, 24).unwrap();
        let mut io = spawn_pty_io(&pair.master).unwrap();
        // Without a program the pty echoes what the master writes (canonical mode).
        io.input.send(b"hi\n".to_vec());
        let mut seen = Vec::new();
        while !seen.ends_with(b"hi\r\n") {
            seen.extend(io.output.recv().await.unwrap().unwrap());
        }
        drop(pair.slave);
        while io.output.recv().await.unwrap().is_some() {}
    }
}
