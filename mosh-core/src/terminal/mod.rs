//! The terminal side of mosh (terminal.md): an emulator that reproduces stock mosh
//! 1.4.0's screen model, and the frame generator that turns one screen state into
//! another with escape sequences ("host bytes").
//!
//! - The server feeds pty output to an [`Emulator`], takes its replies
//!   ([`Emulator::take_replies`]) back to the pty, keeps [`Framebuffer`] snapshots
//!   (cheap clones: rows are shared) and sends [`new_frame`]`(true, client_has, now)`.
//! - The client applies host bytes by feeding them to its own [`Emulator`] holding a
//!   copy of the base state, and may paint a real terminal with a [`Display`].
//! - Inside the emulator, bytes go UTF-8 decoder → parser (`parser.rs`: raw
//!   sequences) → typed actions (`action.rs`: every control function decoded in one
//!   place) → framebuffer (`perform.rs`: every action carried out in one place).
//! - [`keyboard`] holds the server's arrow-key translation and the client's key and
//!   paste encodings.

mod action;
mod cell;
pub mod clipboard;
mod control;
mod csi;
mod display;
mod emulator;
mod framebuffer;
pub mod keyboard;
mod modes;
pub mod mouse;
mod osc;
pub(crate) mod parser;
mod perform;
mod print;
mod rendition;
mod resize;
mod row;
pub(crate) mod scroll_capture;
mod sgr;
mod state;
pub(crate) mod utf8;
mod width;
mod width_table;

pub use cell::{Cell, MAX_CELL_TEXT_BYTES};
pub use display::{Capabilities, Display, new_frame};
pub use emulator::{Emulator, MAX_PENDING_REPLY_BYTES};
pub use framebuffer::{Framebuffer, MAX_TITLE_CHARS};
pub use parser::{MAX_COLLECT_CHARS, MAX_OSC_CHARS, MAX_PARAM_CHARS};
pub use rendition::{Attributes, Colour, Rendition};
pub use row::Row;
pub use scroll_capture::MAX_CAPTURED_ROWS;
pub use state::SavedCursor;
pub use width::char_width;
