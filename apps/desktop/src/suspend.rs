//! Escape key then Ctrl-Z (`prediction.md` §11.4): the client gives the terminal
//! back and stops like any job of the launching shell; `fg` takes it up again.

use std::io::{self, Write};

use mosh_core::frontend::local_terminal::{close_sequence, open_sequence};
use rustix::process::{Signal, kill_current_process_group};

use crate::tty::RawMode;

/// The line left on the terminal while suspended (white on blue, as stock's).
const SUSPENDED_LINE: &[u8] = b"\n\x1b[37;44m[mosh is suspended.]\x1b[m\n";

/// Restores the terminal, stops the process group, and returns once continued with
/// raw mode and the client's screen set up again. The caller repaints everything.
pub fn suspend_until_continued(raw: &RawMode<'_>, alternate_screen: bool) -> io::Result<()> {
    let mut stdout = io::stdout();
    stdout.write_all(&close_sequence(alternate_screen))?;
    stdout.flush()?;
    raw.suspend()?;
    stdout.write_all(SUSPENDED_LINE)?;
    stdout.flush()?;
    // SIGSTOP, like stock: the shell that launched us sees the job stop, and its
    // `fg` sends SIGCONT, upon which this call returns.
    kill_current_process_group(Signal::STOP)?;
    raw.resume()?;
    stdout.write_all(&open_sequence(alternate_screen))?;
    stdout.flush()
}
