//! The State Synchronization Protocol (protocol.md §4.4, §6, §10–§14) as a sans-IO
//! state machine: [`Transport`] takes `now`, datagrams and local state changes, and
//! returns datagrams to send and when to wake it next.
//!
//! Pieces, each usable and tested on its own:
//! - [`SyncState`]: what a direction synchronizes; [`UserStream`] is the client's;
//! - [`sender`]: sent states, base choice, numbering, timers, shutdown;
//! - [`receiver`]: received states, diffs applied to their bases;
//! - [`clock`]: 16-bit timestamps, their echo and the RTT;
//! - [`connection`]: addresses, client port hopping, server association;
//! - [`echo_ack`]: the server's echo-ack timing;
//! - [`constants`]: every protocol constant, named.

pub mod clock;
pub mod connection;
pub mod constants;
pub mod echo_ack;
pub mod endpoint;
pub mod receiver;
pub mod resync;
pub mod sender;
pub mod state;
pub mod transport;
pub mod user_stream;

pub use connection::{Event, SocketId};
pub use echo_ack::EchoAckTracker;
pub use endpoint::Endpoint;
pub use receiver::{Rebuilt, StateOutcome, StateStats};
pub use state::SyncState;
pub use transport::{Incoming, Receipt, ResumePoint, Transmit, Transport, TransportStats};
pub use user_stream::{EventsForgotten, UserStream};
