//! Process hygiene for the processes that hold the session key and for the user's
//! program: no core dumps of the key, no descriptors leaked from whoever started us,
//! no signal dispositions or mask either.

use std::io;
use std::os::fd::BorrowedFd;

/// Makes this process non-dumpable: no core file is written if it crashes (it holds
/// the session key), and other processes of the same user cannot attach to it or
/// read its memory through `/proc`. `exec` of the user's program resets the flag, so
/// the program is unaffected.
pub fn forbid_core_dumps() -> io::Result<()> {
    rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable)?;
    Ok(())
}

/// Marks every descriptor above stderr close-on-exec, so the program `exec`ed next
/// starts with only its standard streams: descriptors the caller of `mosh-server`
/// left open (an SSH server's, an app's) must not reach the user's shell.
///
/// Run while the process is single-threaded: in the pty-exec trampoline just before
/// `exec`, and at the daemon's start before its runtime (so the login-record helper
/// it runs later gets nothing either).
pub fn close_inherited_descriptors_on_exec() -> io::Result<()> {
    for entry in std::fs::read_dir("/proc/self/fd")? {
        let Some(fd) = entry?
            .file_name()
            .to_str()
            .and_then(|name| name.parse::<i32>().ok())
            .filter(|&fd| fd > 2)
        else {
            continue;
        };
        // SAFETY: `borrow_raw` requires `fd` to stay open while borrowed. This runs
        // while the process has one thread (see above), which closes nothing while it
        // iterates:
        // every number listed in /proc/self/fd is an open descriptor of this process
        // until the loop ends (the directory stream's own descriptor included, which
        // stays open while it is read), and the borrow ends with the two calls below.
        #[allow(unsafe_code)]
        let borrowed = unsafe { BorrowedFd::borrow_raw(fd) };
        let flags = rustix::io::fcntl_getfd(borrowed)?;
        rustix::io::fcntl_setfd(borrowed, flags | rustix::io::FdFlags::CLOEXEC)?;
    }
    Ok(())
}

/// Gives every signal its default disposition and unblocks every signal, as sshd does
/// before it runs a shell: a caller that ignored SIGINT, SIGQUIT or SIGHUP (`nohup`,
/// a background job) or blocked signals must not leave Ctrl-C dead in the session or
/// the shell deaf to hang-ups, since `exec` keeps ignored dispositions and the mask.
///
/// Run in the single-threaded pty-exec trampoline just before `exec`.
pub fn reset_signals() -> io::Result<()> {
    for signal in 1..=libc::SIGRTMAX() {
        if signal == libc::SIGKILL || signal == libc::SIGSTOP {
            continue;
        }
        // SAFETY: `signal` with SIG_DFL installs no handler, so no code of ours can
        // run in signal context; any number is accepted (the C library refuses its
        // own internal signals with EINVAL, which is left as it is: it sets those up
        // itself in every program), and nothing else runs in this process meanwhile.
        #[allow(unsafe_code)]
        unsafe {
            libc::signal(signal, libc::SIG_DFL);
        }
    }
    // SAFETY: `set` is a local the C library initialises with sigemptyset before
    // sigprocmask reads it; the old mask is not asked for (a null pointer is allowed).
    #[allow(unsafe_code)]
    let status = unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigprocmask(libc::SIG_SETMASK, &set, std::ptr::null_mut())
    };
    if status != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_becomes_non_dumpable() {
        forbid_core_dumps().unwrap();
        assert_eq!(
            rustix::process::dumpable_behavior().unwrap(),
            rustix::process::DumpableBehavior::NotDumpable
        );
    }
}
