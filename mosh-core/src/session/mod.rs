//! Client and server session logic on top of SSP and the terminal (sans-IO).

pub mod client;
pub mod escape_key;
pub mod local_terminal;
pub mod server;
pub mod snapshot;
pub mod terminal_state;

pub use client::{
    ClientConfig, ClientEvent, ClientSession, CloseReason, ConnectionState, ConnectionStatus,
};
pub use server::{ServerExit, ServerSession, ServerTimeouts};
pub use snapshot::SnapshotError;
pub use terminal_state::TerminalState;
