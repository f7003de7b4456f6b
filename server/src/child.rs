//! What the session runs on its pty, and how it is started (`protocol.md` §15.3).
//!
//! The program must be a session leader with the pty as its controlling terminal (so
//! job control and SIGHUP on close work). `std` can only arrange that with an `unsafe`
//! `pre_exec` hook; instead the server re-executes itself in a tiny "pty-exec" role
//! that calls `setsid` and `TIOCSCTTY` (both safe in `rustix`) and then `exec`s the
//! program. The cost is one extra `exec` at session start.

use std::ffi::{OsStr, OsString};
use std::io;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use crate::locale::{LOCALE_VARIABLES, LocaleFix};

/// Environment variable that selects the server's internal roles.
pub const ROLE_VARIABLE: &str = "MOSH_RS_INTERNAL_ROLE";
/// [`ROLE_VARIABLE`] value of the pty-exec trampoline.
pub const ROLE_PTY_EXEC: &str = "pty-exec";

/// The program to run and the environment it gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildSpec {
    /// Path or name of the program.
    pub program: OsString,
    /// `argv[0]`: `-sh` style for a login shell.
    pub argv0: OsString,
    /// The remaining arguments.
    pub args: Vec<OsString>,
    /// Variables to set.
    pub set: Vec<(OsString, OsString)>,
    /// Variables to remove.
    pub remove: Vec<OsString>,
    /// Working directory (`$HOME`), if known.
    pub cwd: Option<PathBuf>,
    /// Whether this is the user's login shell (then the message of the day is shown).
    pub login_shell: bool,
}

/// Builds the child's command: `command` if given, else the login shell from `$SHELL`,
/// the passwd entry (`passwd_shell`), or `/bin/sh`.
pub fn child_spec(
    command: &[OsString],
    colors: Option<i64>,
    locale: &LocaleFix,
    lookup: impl Fn(&str) -> Option<OsString>,
    passwd_shell: Option<OsString>,
) -> ChildSpec {
    let (program, argv0, args, login_shell) = match command.split_first() {
        Some((program, args)) => (program.clone(), program.clone(), args.to_vec(), false),
        None => {
            let shell = lookup("SHELL")
                .filter(|s| !s.is_empty())
                .or(passwd_shell.filter(|s| !s.is_empty()))
                .unwrap_or_else(|| OsString::from("/bin/sh"));
            let base = Path::new(&shell)
                .file_name()
                .map(OsStr::to_os_string)
                .unwrap_or_else(|| shell.clone());
            let mut argv0 = OsString::from("-");
            argv0.push(base);
            (shell, argv0, Vec::new(), true)
        }
    };
    let term = if colors == Some(256) {
        "xterm-256color"
    } else {
        "xterm"
    };
    let mut set = vec![
        (OsString::from("TERM"), OsString::from(term)),
        // Tell ncurses the terminal really is UTF-8, so it draws lines with Unicode
        // box characters rather than VT100 graphics mode.
        (OsString::from("NCURSES_NO_UTF8_ACS"), OsString::from("1")),
    ];
    let mut remove = vec![OsString::from("STY"), OsString::from(ROLE_VARIABLE)];
    if let LocaleFix::Replace(pairs) = locale {
        remove.extend(LOCALE_VARIABLES.iter().map(OsString::from));
        set.extend(
            pairs
                .iter()
                .map(|(n, v)| (OsString::from(n), OsString::from(v))),
        );
    }
    let cwd = lookup("HOME").filter(|h| !h.is_empty()).map(PathBuf::from);
    if let Some(home) = &cwd {
        set.push((OsString::from("PWD"), home.clone().into_os_string()));
    }
    ChildSpec {
        program,
        argv0,
        args,
        set,
        remove,
        cwd,
        login_shell,
    }
}

/// The login shell field of the passwd entry for `uid`, read from `/etc/passwd`.
pub fn passwd_shell(passwd: &str, uid: u32) -> Option<OsString> {
    passwd.lines().find_map(|line| {
        let fields: Vec<&str> = line.split(':').collect();
        (fields.len() >= 7 && fields[2].parse() == Ok(uid)).then(|| OsString::from(fields[6]))
    })
}

/// Starts `spec` on the pty's slave end through the pty-exec trampoline (`exe` is this
/// server binary). The returned child is the program itself once the trampoline has
/// `exec`ed it.
pub fn spawn_on_pty(
    exe: &Path,
    spec: &ChildSpec,
    slave: &OwnedFd,
) -> io::Result<tokio::process::Child> {
    let mut cmd = tokio::process::Command::new(exe);
    cmd.arg(&spec.program).arg(&spec.argv0).args(&spec.args);
    // The daemon's own start-up variable is no business of the user's programs.
    cmd.env_remove(crate::startup::WINDOW_SIZE_VARIABLE);
    for name in &spec.remove {
        cmd.env_remove(name);
    }
    for (name, value) in &spec.set {
        cmd.env(name, value);
    }
    cmd.env(ROLE_VARIABLE, ROLE_PTY_EXEC);
    if let Some(cwd) = spec.cwd.as_ref().filter(|d| d.is_dir()) {
        cmd.current_dir(cwd);
    }
    let stdio = |fd: &OwnedFd| -> io::Result<Stdio> { Ok(Stdio::from(fd.try_clone()?)) };
    cmd.stdin(stdio(slave)?)
        .stdout(stdio(slave)?)
        .stderr(stdio(slave)?);
    // The program's exit is reaped by the session; dropping the handle must not kill it
    // while the session is tearing down.
    cmd.kill_on_drop(false);
    cmd.spawn()
}

/// The trampoline: `args` are program, argv0, arguments. Returns only on failure.
pub fn pty_exec(args: &[OsString]) -> io::Error {
    let Some(([program, argv0], rest)) = args.split_first_chunk::<2>() else {
        return io::Error::new(
            io::ErrorKind::InvalidInput,
            "pty-exec needs program and argv0",
        );
    };
    if let Err(e) = rustix::process::setsid() {
        return e.into();
    }
    if let Err(e) = rustix::process::ioctl_tiocsctty(io::stdin().as_fd()) {
        return e.into();
    }
    if let Err(e) = crate::hygiene::close_inherited_descriptors_on_exec() {
        return e;
    }
    if let Err(e) = crate::hygiene::reset_signals() {
        return e;
    }
    std::process::Command::new(program)
        .arg0(argv0)
        .args(rest)
        .env_remove(ROLE_VARIABLE)
        .exec()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| OsString::from(v))
        }
    }

    fn get(spec: &ChildSpec, name: &str) -> Option<OsString> {
        spec.set
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }

    #[test]
    fn login_shell_from_shell_variable() {
        let spec = child_spec(
            &[],
            Some(256),
            &LocaleFix::Inherited,
            lookup(&[("SHELL", "/usr/bin/zsh"), ("HOME", "/home/me")]),
            None,
        );
        assert_eq!(spec.program, "/usr/bin/zsh");
        assert_eq!(spec.argv0, "-zsh");
        assert!(spec.login_shell);
        assert_eq!(get(&spec, "TERM").unwrap(), "xterm-256color");
        assert_eq!(get(&spec, "NCURSES_NO_UTF8_ACS").unwrap(), "1");
        assert_eq!(get(&spec, "PWD").unwrap(), "/home/me");
        assert_eq!(spec.cwd, Some(PathBuf::from("/home/me")));
        assert!(spec.remove.contains(&OsString::from("STY")));
    }

    #[test]
    fn shell_fallbacks_and_explicit_command() {
        let spec = child_spec(
            &[],
            None,
            &LocaleFix::Inherited,
            lookup(&[]),
            Some("/bin/bash".into()),
        );
        assert_eq!(
            (spec.program.as_os_str(), spec.argv0.as_os_str()),
            ("/bin/bash".as_ref(), "-bash".as_ref())
        );
        assert_eq!(get(&spec, "TERM").unwrap(), "xterm");
        let spec = child_spec(&[], Some(8), &LocaleFix::Inherited, lookup(&[]), None);
        assert_eq!(spec.program, "/bin/sh");

        let cmd = [OsString::from("vi"), OsString::from("file")];
        let spec = child_spec(&cmd, None, &LocaleFix::Inherited, lookup(&[]), None);
        assert_eq!(
            (spec.program.as_os_str(), spec.argv0.as_os_str()),
            ("vi".as_ref(), "vi".as_ref())
        );
        assert_eq!(spec.args, vec![OsString::from("file")]);
        assert!(!spec.login_shell);
    }

    #[test]
    fn locale_replacement_clears_then_sets() {
        let fix = LocaleFix::Replace(vec![("LANG".into(), "C.UTF-8".into())]);
        let spec = child_spec(&[], None, &fix, lookup(&[]), None);
        assert!(spec.remove.contains(&OsString::from("LC_ALL")));
        assert_eq!(get(&spec, "LANG").unwrap(), "C.UTF-8");
    }

    #[test]
    fn passwd_lookup() {
        let passwd = "root:x:0:0:root:/root:/bin/bash\nme:x:1000:1000::/home/me:/usr/bin/fish\n";
        assert_eq!(passwd_shell(passwd, 1000), Some("/usr/bin/fish".into()));
        assert_eq!(passwd_shell(passwd, 5), None);
    }
}
