//! Client and server session logic on top of SSP and the terminal (sans-IO).

pub mod client;
pub mod screen_model;
pub mod scrollback;
pub mod sealed;
pub mod server;
pub mod snapshot;
pub mod terminal_state;

pub use client::{
    ClientConfig, ClientEvent, ClientSession, CloseReason, ConnectionState, ConnectionStatus,
    OUT_OF_SYNC_TIMEOUT,
};
pub use screen_model::{ScreenCursor, ScreenModel, ScreenModes, ScreenRow, StyledRun};
pub use scrollback::{Scrollback, ScrollbackLine, ScrollbackRing};
pub use sealed::{SavedSession, SealedError};
pub use server::{ServerExit, ServerSession, ServerTimeouts};
pub use snapshot::SnapshotError;
pub use terminal_state::TerminalState;
