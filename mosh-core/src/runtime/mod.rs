//! The client runtime every front end shares (`mobile-api.md`; `architecture.md`,
//! principle 7): one thread-safe [`SessionHandle`] per session, whose task drives the
//! sans-IO [`ClientSession`](crate::session::ClientSession) and
//! [`ClientDisplay`](crate::frontend::ClientDisplay) on the UDP driver, on one
//! process-wide tokio runtime owned by the library.
//!
//! - Front ends send commands (typed bytes, keys, paste, resize, lifecycle calls);
//!   every call returns at once and none waits on the network.
//! - The task publishes what it shows after every change; [`SessionHandle::screen`]
//!   and [`SessionHandle::status`] read that without a round trip to the task.
//! - Events reach each consumer through an [`EventStream`] of its own, coalesced: a
//!   consumer that is slow (or stuck) gets everything that changed meanwhile in its
//!   next batch, never a longer queue, and no thread waits for it. A front end that
//!   wants callbacks has a [`SessionListener`] called from a thread
//!   ([`deliver_on_thread`]); one that panics is logged and the session goes on.
//!
//! The desktop `mosh-client` and `mosh-ffi` (the library phone apps link) are both
//! front ends of this runtime.

mod commands;
mod config;
mod delivery;
mod handle;
mod nonce_store;
mod published;
mod resolve;
mod shared;
mod task;

pub use config::{OutputMode, SessionConfig, SessionOptions};
pub use delivery::{EventStream, SessionEvent, SessionListener, call_listener, deliver_on_thread};
pub use handle::{RuntimeError, SessionHandle, SnapshotResult};
pub use nonce_store::NonceStore;
pub use shared::shared_runtime;
