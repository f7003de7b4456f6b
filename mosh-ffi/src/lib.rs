//! The library phone apps link (`mobile-api.md`): the shared client runtime of
//! `mosh-core` as a uniffi API, generated for Swift (`bindings/swift`, MoshKit) and
//! Kotlin (`bindings/kotlin`).
//!
//! An app runs `mosh-server new` over its own SSH connection
//! ([`server_command`]), reads the answer with [`parse_connect`], and opens a
//! [`Session`] with the port and key. Calls that only post to the session return at
//! once; those that wait for the library are `async` (Kotlin `suspend`, Swift
//! `async`), their work done on the library's own few threads. None waits on the
//! network. Each consumer of events has its own coalesced [`EventStream`] (or a
//! [`SessionListener`] behind a [`Subscription`]); neither keeps the session alive.
//!
//! ```no_run
//! use std::sync::Arc;
//! use mosh_ffi::*;
//!
//! struct Draw;
//! impl SessionListener for Draw {
//!     fn on_event(&self, event: Event) -> Result<(), ListenerError> {
//!         if let Event::ScreenChanged { rows } = event { /* redraw `rows` from screen() */ }
//!         Ok(())
//!     }
//! }
//!
//! # async fn app() -> Result<(), MoshError> {
//! # let output_of_ssh_command = String::new();
//! let info = parse_connect(output_of_ssh_command)?;           // MOSH CONNECT <port> <key>
//! let session = Session::connect(ConnectConfig {
//!     host: "example.org".into(), port: info.port, key: info.key,  // a SessionKey
//!     columns: 80, rows: 24, options: SessionOptions::default(),
//! }).await?;
//! let subscription = session.subscribe(Arc::new(Draw))?;    // events while it lives
//! session.send_input(b"ls\r".to_vec())?;
//! let saved = session.enter_background().await?;   // saved.secret → Keychain, saved.state → a file
//! session.enter_foreground()?;                        // resynchronizes within one round trip
//! let last = session.detach().await?;                // the user closed the tab: keep the shell
//! # drop((subscription, saved, last)); Ok(()) }
//! ```
//!
//! Nothing panics across the boundary: calls return [`MoshError`] for every
//! failure, uniffi's scaffolding catches anything unexpected, and a listener that
//! throws or panics is logged while the session goes on.

// A `pub` item is part of the API, reachable from the crate root; anything else
// says `pub(crate)`.
#![warn(unreachable_pub)]

mod bootstrap;
mod error;
mod keys;
mod listener;
mod logging;
mod mouse;
mod screen;
mod scrollback;
mod session;
mod session_key;
mod status;

pub use bootstrap::{
    ConnectInfo, ServerCommandOptions, VersionInfo, parse_connect, server_command, version,
};
pub use error::{ListenerError, MoshError};
pub use keys::{Key, KeyModifiers};
pub use listener::{Event, EventStream, SessionListener, Subscription};
pub use logging::{LogLevel, LogSink, init_logging, set_log_sink};
pub use mouse::{
    MouseAction, MouseButton, MouseEncoding, MouseEvent, MouseTracking, ScrollTarget, TerminalModes,
};
pub use screen::{Color, Cursor, NumberedRow, Screen, ScreenRow, ScreenUpdate, Style, StyledRun};
pub use scrollback::{ScrollbackLines, ScrollbackRange};
pub use session::{
    ConnectConfig, OutputMode, PredictionMode, SavedSession, Session, SessionOptions,
};
pub use session_key::SessionKey;
pub use status::{CloseReason, ConnectionState, Status};

uniffi::setup_scaffolding!();
