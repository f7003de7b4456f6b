//! The local terminal: raw mode while the session runs, restored on every exit path.

use std::io;
use std::os::fd::{AsFd, BorrowedFd};

use rustix::termios::{self, InputModes, OptionalActions, Termios};

/// Puts a terminal in raw mode (like `cfmakeraw`, plus `IUTF8`) and restores the saved
/// modes when dropped, so a panic or an error return still leaves a usable shell.
#[derive(Debug)]
pub struct RawMode<'fd> {
    fd: BorrowedFd<'fd>,
    saved: Termios,
}

impl<'fd> RawMode<'fd> {
    /// Enters raw mode on `fd` (normally stdin).
    pub fn enter(fd: BorrowedFd<'fd>) -> io::Result<Self> {
        let saved = termios::tcgetattr(fd)?;
        let mut raw = saved.clone();
        raw.make_raw();
        raw.input_modes |= InputModes::IUTF8;
        termios::tcsetattr(fd, OptionalActions::Flush, &raw)?;
        Ok(RawMode { fd, saved })
    }

    /// Restores the saved modes now (for suspend); [`RawMode::resume`] re-enters.
    pub fn suspend(&self) -> io::Result<()> {
        termios::tcsetattr(self.fd, OptionalActions::Now, &self.saved)?;
        Ok(())
    }

    /// Re-enters raw mode after [`RawMode::suspend`].
    pub fn resume(&self) -> io::Result<()> {
        let mut raw = self.saved.clone();
        raw.make_raw();
        raw.input_modes |= InputModes::IUTF8;
        termios::tcsetattr(self.fd, OptionalActions::Flush, &raw)?;
        Ok(())
    }
}

impl Drop for RawMode<'_> {
    fn drop(&mut self) {
        let _ = termios::tcsetattr(self.fd, OptionalActions::Now, &self.saved);
    }
}

/// The window size of the terminal on `fd` as (columns, rows).
pub fn window_size(fd: impl AsFd) -> io::Result<(u16, u16)> {
    let size = termios::tcgetwinsize(fd)?;
    if size.ws_col == 0 || size.ws_row == 0 {
        return Err(io::Error::other("terminal reports a zero window size"));
    }
    Ok((size.ws_col, size.ws_row))
}
