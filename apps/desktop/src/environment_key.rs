//! Wiping `MOSH_KEY` from the process's own environment once it is parsed.
//!
//! The environment a program starts with is a block of `NAME=value` strings in its
//! memory; `/proc/PID/environ` shows it for the process's whole life (stock
//! `mosh-client` leaves the key there), and removing the variable only unlinks it
//! from the list, leaving the bytes. So the value's bytes are overwritten with zeros
//! in place, through `/proc/self/mem`, which a process may write for itself.
//!
//! Why this is sound without `unsafe`: it runs at the start of `main`, before any
//! thread exists, so nothing reads the environment meanwhile; the block belongs to the
//! C runtime, and no Rust value refers to it (`std::env` hands out copies). The
//! variable is left in place with an empty value, as `getenv` now reads it.
//! Linux only (elsewhere there is no `/proc/self/mem`; the key then stays, as stock's).

use std::fs::OpenOptions;
use std::io::{self, Read, Seek, SeekFrom, Write};

use zeroize::Zeroize;

/// Largest environment block read (a larger one is left alone).
const MAX_ENVIRONMENT_BYTES: u64 = 16 << 20;

/// Overwrites the value of every `name=` entry in the process's initial environment
/// with zeros. Returns how many entries were wiped. Call before starting threads.
pub fn wipe_from_environment(name: &str) -> io::Result<usize> {
    let (start, end) = environment_block()?;
    let len = end.saturating_sub(start);
    if len > MAX_ENVIRONMENT_BYTES {
        return Err(io::Error::other("environment block too large"));
    }
    let mut memory = OpenOptions::new()
        .read(true)
        .write(true)
        .open("/proc/self/mem")?;
    let mut block = vec![0u8; len as usize];
    memory.seek(SeekFrom::Start(start))?;
    memory.read_exact(&mut block)?;
    let prefix = format!("{name}=");
    let mut wiped = 0;
    let mut offset = 0;
    for entry in block.split(|&byte| byte == 0) {
        if entry.starts_with(prefix.as_bytes()) {
            let value_at = start + (offset + prefix.len()) as u64;
            memory.seek(SeekFrom::Start(value_at))?;
            memory.write_all(&vec![0u8; entry.len() - prefix.len()])?;
            wiped += 1;
        }
        offset += entry.len() + 1;
    }
    block.zeroize();
    Ok(wiped)
}

/// Where the initial environment lies: fields 50 and 51 of `/proc/self/stat`.
fn environment_block() -> io::Result<(u64, u64)> {
    let stat = std::fs::read_to_string("/proc/self/stat")?;
    // The command name (field 2) is in parentheses and may hold spaces.
    let rest = stat
        .rfind(')')
        .map(|at| &stat[at + 1..])
        .ok_or_else(|| io::Error::other("unexpected /proc/self/stat"))?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // `rest` starts at field 3.
    let field = |number: usize| -> io::Result<u64> {
        fields
            .get(number - 3)
            .and_then(|text| text.parse().ok())
            .ok_or_else(|| io::Error::other("unexpected /proc/self/stat"))
    };
    Ok((field(50)?, field(51)?))
}
