//! The remote command an app runs over SSH to start a session, quoted the way the stock
//! `mosh` wrapper quotes it (every word in single quotes, `'` as `'\''`).

/// What to put on the `mosh-server new` command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerCommandOptions {
    /// The server program (`mosh-server`, or a path).
    pub server: String,
    /// Colour count of the app's terminal (stock clients pass 256).
    pub colors: u32,
    /// Bind the address the SSH connection arrived on (`-s`). Without it the server
    /// binds every address.
    pub bind_ssh_address: bool,
    /// `-p PORT` or `-p LOW:HIGH`.
    pub port: Option<String>,
    /// Locale variables offered to the server (`-l NAME=VALUE`), e.g. `LANG=en_US.UTF-8`.
    pub locale: Vec<(String, String)>,
    /// A command to run instead of the login shell.
    pub command: Vec<String>,
}

impl Default for ServerCommandOptions {
    fn default() -> Self {
        ServerCommandOptions {
            server: "mosh-server".to_owned(),
            colors: 256,
            bind_ssh_address: true,
            port: None,
            locale: vec![("LANG".to_owned(), "C.UTF-8".to_owned())],
            command: Vec::new(),
        }
    }
}

/// The command line, ready to pass as the SSH exec request.
pub fn server_command(options: &ServerCommandOptions) -> String {
    let mut words: Vec<String> = vec![
        options.server.clone(),
        "new".into(),
        "-c".into(),
        options.colors.to_string(),
    ];
    if options.bind_ssh_address {
        words.push("-s".into());
    }
    if let Some(port) = &options.port {
        words.extend(["-p".into(), port.clone()]);
    }
    for (name, value) in &options.locale {
        words.extend(["-l".into(), format!("{name}={value}")]);
    }
    if !options.command.is_empty() {
        words.push("--".into());
        words.extend(options.command.iter().cloned());
    }
    words
        .iter()
        .map(|w| shell_quote(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// One word for a POSIX shell, always single-quoted.
pub fn shell_quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_wrapper_quoting() {
        // The exact remote command the stock wrapper sent in protocol.md §17.
        let options = ServerCommandOptions {
            port: Some("61180".into()),
            command: vec!["/bin/sh".into()],
            ..ServerCommandOptions::default()
        };
        assert_eq!(
            server_command(&options),
            "'mosh-server' 'new' '-c' '256' '-s' '-p' '61180' '-l' 'LANG=C.UTF-8' '--' '/bin/sh'"
        );
    }

    #[test]
    fn quotes_are_escaped() {
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        let options = ServerCommandOptions {
            bind_ssh_address: false,
            locale: vec![],
            command: vec!["sh".into(), "-c".into(), "echo 'hi'; rm x".into()],
            ..ServerCommandOptions::default()
        };
        assert_eq!(
            server_command(&options),
            r"'mosh-server' 'new' '-c' '256' '--' 'sh' '-c' 'echo '\''hi'\''; rm x'"
        );
    }
}
