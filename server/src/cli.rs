//! The command line of stock `mosh-server` 1.4 (`protocol.md` §15.1), parsed the way its
//! getopt string `@:i:p:c:svl:` does, so that the `mosh` wrapper and app bootstrap code
//! written for the stock server work unchanged.

use std::ffi::OsString;
use std::net::IpAddr;

use crate::port_range::{PortRange, PortRangeError};

/// Where the server should bind its UDP socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BindChoice {
    /// No preference: the dual-stack wildcard address.
    Any,
    /// `-i IP`: try this address first, fall back to the wildcard with a warning.
    Address(String),
    /// `-s`: the local address of the SSH connection (`$SSH_CONNECTION`, third field).
    SshConnection,
}

/// Options of `mosh-server new`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOptions {
    /// Address preference.
    pub bind: BindChoice,
    /// Port or port range to bind.
    pub ports: PortRange,
    /// `-c COLORS`: the colour count of the client's terminal, if given.
    pub colors: Option<i64>,
    /// Number of `-v` flags.
    pub verbose: u32,
    /// `-l NAME=VALUE` locale variables to try when our own locale is not UTF-8.
    pub locale_vars: Vec<(String, String)>,
    /// The command after `--` (empty: the user's login shell).
    pub command: Vec<OsString>,
    /// Problems that stock prints as usage but does not stop for (unknown options).
    pub warnings: Vec<String>,
}

impl Default for NewOptions {
    fn default() -> Self {
        NewOptions {
            bind: BindChoice::Any,
            ports: PortRange::DEFAULT,
            colors: None,
            verbose: 0,
            locale_vars: Vec::new(),
            command: Vec::new(),
            warnings: Vec::new(),
        }
    }
}

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invocation {
    /// Start a session.
    New(NewOptions),
    /// `-h` / `--help`.
    Help,
    /// `--version`.
    Version,
}

/// A command line that cannot start a session.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CliError {
    /// `-p` was not `PORT` or `LOW:HIGH` with valid bounds.
    #[error("Bad UDP port range ({0})")]
    BadPortRange(#[from] PortRangeError),
    /// An option that takes an argument was the last word.
    #[error("option -{0} requires an argument")]
    MissingArgument(char),
    /// `-c` was not an integer.
    #[error("bad color count: {0:?}")]
    BadColors(String),
    /// `-l` was not `NAME=VALUE`.
    #[error("locale variable must be NAME=VALUE: {0:?}")]
    BadLocaleVar(String),
    /// Words that are neither options nor the legacy `IP [PORT]` form.
    #[error("unexpected arguments")]
    UnexpectedArguments,
    /// An argument that is not valid UTF-8 where text is required.
    #[error("argument is not valid UTF-8")]
    NotUtf8,
}

/// The usage line stock prints.
pub const USAGE: &str = "Usage: mosh-server new [-s] [-v] [-i LOCALADDR] [-p PORT[:PORT2]] \
[-c COLORS] [-l NAME=VALUE] [-- COMMAND...]";

/// Parses the arguments after the program name.
pub fn parse(args: &[OsString]) -> Result<Invocation, CliError> {
    // The first `--` splits off the command before anything else is looked at.
    let split = args.iter().position(|a| a == "--");
    let (opts, command) = match split {
        Some(i) => (&args[..i], args[i + 1..].to_vec()),
        None => (args, Vec::new()),
    };
    let opts: Vec<&str> = opts
        .iter()
        .map(|a| a.to_str().ok_or(CliError::NotUtf8))
        .collect::<Result<_, _>>()?;
    if opts.iter().any(|a| *a == "-h" || *a == "--help") {
        return Ok(Invocation::Help);
    }
    if opts.contains(&"--version") {
        return Ok(Invocation::Version);
    }
    let mut options = NewOptions {
        command,
        ..NewOptions::default()
    };
    match opts.first() {
        Some(&"new") => parse_getopt(&opts[1..], &mut options)?,
        _ => parse_legacy(&opts, &mut options)?,
    }
    Ok(Invocation::New(options))
}

/// The pre-`new` form: no arguments, `IP`, or `IP PORT`.
fn parse_legacy(words: &[&str], options: &mut NewOptions) -> Result<(), CliError> {
    match words {
        [] => {}
        [ip] => options.bind = BindChoice::Address((*ip).to_owned()),
        [ip, port] => {
            options.bind = BindChoice::Address((*ip).to_owned());
            options.ports = PortRange::parse(port)?;
        }
        _ => return Err(CliError::UnexpectedArguments),
    }
    Ok(())
}

/// getopt(3) over `@:i:p:c:svl:`: clustered flags (`-sv`), attached (`-p60001`) or
/// separate (`-p 60001`) arguments.
fn parse_getopt(words: &[&str], options: &mut NewOptions) -> Result<(), CliError> {
    let mut i = 0;
    while i < words.len() {
        let word = words[i];
        i += 1;
        let Some(cluster) = word.strip_prefix('-').filter(|c| !c.is_empty()) else {
            return Err(CliError::UnexpectedArguments);
        };
        for (at, letter) in cluster.char_indices() {
            if !matches!(letter, '@' | 'i' | 'p' | 'c' | 'l') {
                match letter {
                    's' => options.bind = BindChoice::SshConnection,
                    'v' => options.verbose += 1,
                    other => options
                        .warnings
                        .push(format!("invalid option -- '{other}'")),
                }
                continue;
            }
            let attached = &cluster[at + letter.len_utf8()..];
            let value = if !attached.is_empty() {
                attached
            } else if i < words.len() {
                i += 1;
                words[i - 1]
            } else {
                return Err(CliError::MissingArgument(letter));
            };
            apply_valued(letter, value, options)?;
            break;
        }
    }
    Ok(())
}

fn apply_valued(letter: char, value: &str, options: &mut NewOptions) -> Result<(), CliError> {
    match letter {
        'i' => options.bind = BindChoice::Address(value.to_owned()),
        'p' => options.ports = PortRange::parse(value)?,
        'c' => {
            let colors = value
                .trim()
                .parse()
                .map_err(|_| CliError::BadColors(value.to_owned()))?;
            options.colors = Some(colors);
        }
        'l' => {
            let (name, val) = value
                .split_once('=')
                .filter(|(name, _)| !name.is_empty())
                .ok_or_else(|| CliError::BadLocaleVar(value.to_owned()))?;
            options.locale_vars.push((name.to_owned(), val.to_owned()));
        }
        // `-@ ARG` exists so scripts can pass a placeholder; it means nothing.
        _ => {}
    }
    Ok(())
}

/// The address from `$SSH_CONNECTION` (`client_ip client_port server_ip server_port`),
/// with the IPv4-mapped prefix removed as stock does.
pub fn ssh_connection_local_address(value: &str) -> Option<IpAddr> {
    let field = value.split_whitespace().nth(2)?;
    let field = field.strip_prefix("::ffff:").unwrap_or(field);
    field.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(words: &[&str]) -> Vec<OsString> {
        words.iter().map(OsString::from).collect()
    }

    fn new_options(words: &[&str]) -> NewOptions {
        match parse(&args(words)).unwrap() {
            Invocation::New(options) => options,
            other => panic!("expected New, got {other:?}"),
        }
    }

    #[test]
    fn wrapper_command_line() {
        let o = new_options(&[
            "new",
            "-c",
            "256",
            "-s",
            "-p",
            "61180",
            "-l",
            "LANG=C.UTF-8",
            "--",
            "/bin/sh",
        ]);
        assert_eq!(o.colors, Some(256));
        assert_eq!(o.bind, BindChoice::SshConnection);
        assert_eq!(o.ports, PortRange::parse("61180").unwrap());
        assert_eq!(o.locale_vars, vec![("LANG".into(), "C.UTF-8".into())]);
        assert_eq!(o.command, args(&["/bin/sh"]));
    }

    #[test]
    fn clustered_and_attached_options() {
        let o = new_options(&["new", "-vsv", "-p60001:60010", "-i127.0.0.1", "-@", "x"]);
        assert_eq!(o.verbose, 2);
        assert_eq!(o.ports, PortRange::parse("60001:60010").unwrap());
        assert_eq!(o.bind, BindChoice::Address("127.0.0.1".into()));
    }

    #[test]
    fn command_words_may_look_like_options() {
        let o = new_options(&["new", "--", "sh", "-c", "echo --version"]);
        assert_eq!(o.command, args(&["sh", "-c", "echo --version"]));
    }

    #[test]
    fn help_and_version_before_the_split() {
        assert_eq!(parse(&args(&["new", "-h"])).unwrap(), Invocation::Help);
        assert_eq!(parse(&args(&["--version"])).unwrap(), Invocation::Version);
        assert!(matches!(
            parse(&args(&["new", "--", "--help"])).unwrap(),
            Invocation::New(_)
        ));
    }

    #[test]
    fn unknown_options_warn_and_continue() {
        let o = new_options(&["new", "-x", "-c", "8"]);
        assert_eq!(o.colors, Some(8));
        assert_eq!(o.warnings.len(), 1);
    }

    #[test]
    fn errors_are_typed() {
        assert!(matches!(
            parse(&args(&["new", "-p", "0:5"])),
            Err(CliError::BadPortRange(_))
        ));
        assert_eq!(
            parse(&args(&["new", "-p"])),
            Err(CliError::MissingArgument('p'))
        );
        assert!(matches!(
            parse(&args(&["new", "-c", "many"])),
            Err(CliError::BadColors(_))
        ));
        assert!(matches!(
            parse(&args(&["new", "-l", "LANG"])),
            Err(CliError::BadLocaleVar(_))
        ));
        assert_eq!(
            parse(&args(&["new", "stray"])),
            Err(CliError::UnexpectedArguments)
        );
        assert_eq!(
            parse(&args(&["1.2.3.4", "5", "6"])),
            Err(CliError::UnexpectedArguments)
        );
    }

    #[test]
    fn legacy_forms() {
        assert_eq!(new_options(&[]), NewOptions::default());
        let o = new_options(&["127.0.0.1", "60005"]);
        assert_eq!(o.bind, BindChoice::Address("127.0.0.1".into()));
        assert_eq!(o.ports, PortRange::parse("60005").unwrap());
    }

    #[test]
    fn ssh_connection_field() {
        assert_eq!(
            ssh_connection_local_address("10.0.0.2 40000 ::ffff:10.0.0.1 22"),
            Some("10.0.0.1".parse().unwrap())
        );
        assert_eq!(
            ssh_connection_local_address("fe80::2 40000 2001:db8::1 22"),
            Some("2001:db8::1".parse().unwrap())
        );
        assert_eq!(ssh_connection_local_address("garbage"), None);
    }
}
