//! Helpers for the SSH bootstrap step apps do themselves (`protocol.md` §17): the
//! remote command line that starts `mosh-server`, and finding the `MOSH CONNECT` line in
//! its output.

mod connect_line;
mod server_command;

pub use connect_line::{ConnectError, ConnectInfo, parse_connect};
pub use server_command::{ServerCommandOptions, server_command, shell_quote};
