//! The pseudo-terminal the session's program runs on (`protocol.md` §15.3).

use std::ffi::CString;
use std::io;
use std::os::fd::{AsFd, OwnedFd};

use rustix::fs::{Mode, OFlags};
use rustix::pty::OpenptFlags;
use rustix::termios::{self, InputModes, OptionalActions, Winsize};

/// Both ends of a fresh pty.
#[derive(Debug)]
pub struct PtyPair {
    /// The server's end: read the program's output, write the user's input.
    pub master: OwnedFd,
    /// The program's end; becomes its stdin, stdout, stderr and controlling terminal.
    pub slave: OwnedFd,
}

/// Opens a pty of the given size with the `IUTF8` input flag set, so the line
/// discipline erases whole UTF-8 characters on backspace in canonical mode.
pub fn open_pty(columns: u16, rows: u16) -> io::Result<PtyPair> {
    let master = rustix::pty::openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY)?;
    rustix::pty::grantpt(&master)?;
    rustix::pty::unlockpt(&master)?;
    let name: CString = rustix::pty::ptsname(&master, Vec::new())?;
    let slave = rustix::fs::open(
        name.as_c_str(),
        OFlags::RDWR | OFlags::NOCTTY | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    let mut attrs = termios::tcgetattr(&slave)?;
    attrs.input_modes |= InputModes::IUTF8;
    termios::tcsetattr(&slave, OptionalActions::Now, &attrs)?;
    set_window_size(&master, columns, rows)?;
    // Close-on-exec so no other child inherits the master.
    rustix::io::fcntl_setfd(&master, rustix::io::FdFlags::CLOEXEC)?;
    Ok(PtyPair { master, slave })
}

/// Tells the pty (and through it the program, by SIGWINCH) the new window size.
pub fn set_window_size(master: impl AsFd, columns: u16, rows: u16) -> io::Result<()> {
    termios::tcsetwinsize(
        master,
        Winsize {
            ws_row: rows,
            ws_col: columns,
            ws_xpixel: 0,
            ws_ypixel: 0,
        },
    )?;
    Ok(())
}

/// The window size of a terminal, if `fd` is one.
pub fn window_size_of(fd: impl AsFd) -> Option<(u16, u16)> {
    let size = termios::tcgetwinsize(fd).ok()?;
    (size.ws_col > 0 && size.ws_row > 0).then_some((size.ws_col, size.ws_row))
}

#[cfg(test)]
mod tests {
    #[test]
    fn pty_has_size_and_iutf8() {
        // Imported here, not at module level: the keystroke-trace benchmark includes
        // this file in a bench build, where the test functions are compiled out.
        use super::*;
        let pair = open_pty(100, 30).unwrap();
        assert_eq!(window_size_of(&pair.slave), Some((100, 30)));
        let attrs = termios::tcgetattr(&pair.slave).unwrap();
        assert!(attrs.input_modes.contains(InputModes::IUTF8));
        set_window_size(&pair.master, 120, 40).unwrap();
        assert_eq!(window_size_of(&pair.slave), Some((120, 40)));
    }
}
