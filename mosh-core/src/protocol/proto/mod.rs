//! The protobuf messages inside instructions (protocol.md §9), as hand-written
//! `prost` structs, with typed views of their events.

pub mod diff_error;
pub mod event_limit;
pub mod host;
pub mod instruction;
pub mod resize;
pub mod resync;
pub mod scrollback;
pub mod user;

pub use diff_error::DiffError;
pub use host::{HostEvent, HostMessage};
pub use instruction::{Instruction, InstructionError, PROTOCOL_VERSION, SHUTDOWN_STATE_NUM};
pub use resize::{ResizeMessage, WindowSize};
pub use resync::{Resume, Resync};
pub use user::{UserEvent, UserMessage};
