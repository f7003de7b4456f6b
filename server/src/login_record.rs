//! The session's login record (utmp, and wtmp for `last`), kept as stock
//! `mosh-server` keeps it: through libutempter's setgid helper, since a server run by
//! a user cannot write `/var/run/utmp` itself. `who` then lists the session on its
//! pty: `mosh [PID]` while no client is attached, `ADDRESS via mosh [PID]` while one
//! is, where PID is the daemon's. Login tools look for the unattached form to tell
//! the user about detached sessions.
//!
//! The helper (`utempter add HOST` / `utempter del`) takes the pty master as its
//! standard input and output and records the calling process, so it must be a child
//! of the daemon. Without the helper, or without a utmp file, there is no record, and
//! the session goes on: the record is a courtesy, as in stock.

use std::net::IpAddr;
use std::os::fd::OwnedFd;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// Where distributions install the helper (Debian's multiarch path is found by
/// looking under `/usr/lib/*/`).
const HELPER_PATHS: [&str; 3] = [
    "/usr/libexec/utempter/utempter",
    "/usr/lib/utempter/utempter",
    "/usr/sbin/utempter",
];

/// How the record names the session's remote end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attachment {
    /// No client attached (yet, or any more).
    Detached,
    /// A client sends from this address.
    Attached(IpAddr),
}

/// The record of one session, removed when dropped.
#[derive(Debug)]
pub struct LoginRecord {
    helper: Option<PathBuf>,
    /// A duplicate of the pty master, handed to the helper.
    master: OwnedFd,
    /// What the record shows, while one exists.
    written: Option<Attachment>,
}

impl LoginRecord {
    /// A record for the pty of `master`, written at once as detached.
    pub fn new(master: &OwnedFd) -> Option<Self> {
        let mut record = LoginRecord {
            helper: find_helper(),
            master: master.try_clone().ok()?,
            written: None,
        };
        record.show(Attachment::Detached);
        Some(record)
    }

    /// Shows `attachment`, replacing the record when it changed (stock removes and
    /// adds, so wtmp tells when each client came).
    /// Called on every turn of the daemon's loop: nothing is formatted or run
    /// unless the attachment changed.
    pub fn show(&mut self, attachment: Attachment) {
        if self.written == Some(attachment) {
            return;
        }
        self.remove();
        let host = host_field(attachment, std::process::id());
        if self.run(&["add", &host]) {
            self.written = Some(attachment);
        }
    }

    /// Removes the record (the program exited, or the session ends).
    pub fn remove(&mut self) {
        if self.written.take().is_some() {
            self.run(&["del"]);
        }
    }

    /// Runs the helper; whether it succeeded.
    fn run(&self, args: &[&str]) -> bool {
        let Some(helper) = &self.helper else {
            return false;
        };
        let (Ok(stdin), Ok(stdout)) = (self.master.try_clone(), self.master.try_clone()) else {
            return false;
        };
        // The setgid helper needs nothing of the daemon's environment.
        Command::new(helper)
            .env_clear()
            .args(args)
            .stdin(Stdio::from(stdin))
            .stdout(Stdio::from(stdout))
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    }
}

impl Drop for LoginRecord {
    fn drop(&mut self) {
        self.remove();
    }
}

/// The host field for `attachment` of the daemon `pid`, as stock writes it.
pub fn host_field(attachment: Attachment, pid: u32) -> String {
    match attachment {
        Attachment::Detached => format!("mosh [{pid}]"),
        Attachment::Attached(address) => {
            format!("{} via mosh [{pid}]", address.to_canonical())
        }
    }
}

fn find_helper() -> Option<PathBuf> {
    let multiarch = std::fs::read_dir("/usr/lib")
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path().join("utempter/utempter"));
    HELPER_PATHS
        .iter()
        .map(PathBuf::from)
        .chain(multiarch)
        .find(|path| path.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_fields_match_stock() {
        assert_eq!(host_field(Attachment::Detached, 27714), "mosh [27714]");
        let v4 = IpAddr::from([127, 0, 0, 1]);
        assert_eq!(
            host_field(Attachment::Attached(v4), 27714),
            "127.0.0.1 via mosh [27714]"
        );
        // A dual-stack socket sees IPv4 clients as mapped addresses.
        let mapped: IpAddr = "::ffff:10.1.2.3".parse().unwrap();
        assert_eq!(
            host_field(Attachment::Attached(mapped), 5),
            "10.1.2.3 via mosh [5]"
        );
    }
}
