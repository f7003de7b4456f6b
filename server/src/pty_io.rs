//! Moving bytes between the pty master and the event loop.
//!
//! Each direction gets a plain thread doing blocking I/O on its own descriptor of the
//! master. tokio's readiness API for raw descriptors needs `unsafe` to be sound, and
//! a blocking thread per direction also keeps a program that stops reading its input
//! from ever stalling the loop that serves the network.

use std::io::{self, Read, Write};
use std::os::fd::OwnedFd;

use tokio::sync::mpsc;

/// Largest pty read at once, as stock (16 KiB).
const PTY_READ_CHUNK: usize = 16 * 1024;

/// Chunks of output buffered between the reader thread and the loop; a few are
/// enough because the emulator consumes output far faster than programs make it.
const OUTPUT_QUEUE: usize = 8;

/// The loop's end of the pty.
#[derive(Debug)]
pub struct PtyIo {
    /// Program output; `None` once the pty reached end-of-file (the program exited).
    pub output: mpsc::Receiver<Option<Vec<u8>>>,
    /// User input for the program.
    pub input: std::sync::mpsc::Sender<Vec<u8>>,
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
    std::thread::Builder::new()
        .name("pty-writer".into())
        .spawn(move || {
            while let Ok(bytes) = in_rx.recv() {
                if writer.write_all(&bytes).is_err() {
                    return;
                }
            }
        })?;
    Ok(PtyIo {
        output: out_rx,
        input: in_tx,
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
        io.input.send(b"hi\n".to_vec()).unwrap();
        let mut seen = Vec::new();
        while !seen.ends_with(b"hi\r\n") {
            seen.extend(io.output.recv().await.unwrap().unwrap());
        }
        drop(pair.slave);
        while io.output.recv().await.unwrap().is_some() {}
    }
}
