//! Client and server session logic on top of SSP and the terminal (sans-IO).

pub mod escape_key;
pub mod server;
pub mod terminal_state;

pub use server::{ServerExit, ServerSession, ServerTimeouts};
pub use terminal_state::TerminalState;
