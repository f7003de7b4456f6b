//! The SSH step before a session: the command to run on the server and reading its
//! answer. The app runs the command over its own SSH client.

use std::sync::Arc;

use mosh_core::bootstrap as core;

use crate::error::MoshError;
use crate::session_key::SessionKey;

/// What to put on the `mosh-server new` command line.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ServerCommandOptions {
    /// The server program (`mosh-server`, or a path on the server).
    #[uniffi(default = "mosh-server")]
    pub server: String,
    /// Colour count of the app's terminal.
    #[uniffi(default = 256)]
    pub colors: u32,
    /// Bind only the address the SSH connection arrived on (`-s`).
    #[uniffi(default = true)]
    pub bind_ssh_address: bool,
    /// `-p PORT` or `-p LOW:HIGH`; `None` for the server's default range.
    #[uniffi(default = None)]
    pub port: Option<String>,
    /// The locale offered to the server (`-l LANG=…`).
    #[uniffi(default = "C.UTF-8")]
    pub lang: String,
    /// A command to run instead of the login shell (empty: the login shell).
    #[uniffi(default = [])]
    pub command: Vec<String>,
}

/// The exact remote command line to run over SSH, shell-quoted as the stock `mosh`
/// wrapper quotes it.
#[uniffi::export]
pub fn server_command(options: ServerCommandOptions) -> String {
    core::server_command(&core::ServerCommandOptions {
        server: options.server,
        colors: options.colors,
        bind_ssh_address: options.bind_ssh_address,
        port: options.port,
        locale: vec![("LANG".to_owned(), options.lang)],
        command: options.command,
    })
}

/// Port and key from the server's `MOSH CONNECT` line. Safe to print: the key's
/// string form shows only its fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ConnectInfo {
    /// The UDP port.
    pub port: u16,
    /// The session key.
    pub key: Arc<SessionKey>,
}

/// Finds the `MOSH CONNECT <port> <key>` line in what `mosh-server new` printed
/// (stdout and stderr, `\r\n` endings allowed) and validates port and key.
#[uniffi::export]
pub fn parse_connect(output: String) -> Result<ConnectInfo, MoshError> {
    let info = core::parse_connect(&output)?;
    Ok(ConnectInfo {
        port: info.port,
        key: SessionKey::new(info.key),
    })
}

/// Versions of this library and of the protocol it speaks.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VersionInfo {
    /// This library's version.
    pub library: String,
    /// The mosh protocol version it is wire-compatible with.
    pub protocol: String,
}

/// The library and protocol versions.
#[uniffi::export]
pub fn version() -> VersionInfo {
    VersionInfo {
        library: env!("CARGO_PKG_VERSION").to_owned(),
        protocol: "mosh 1.4 (SSP protocol version 2)".to_owned(),
    }
}
