//! Sans-IO core of a mosh-compatible mobile shell.
//!
//! Layers, bottom up, each usable and tested on its own:
//! - [`crypto`]: the session key, nonces and AES-128-OCB3 sealing;
//! - [`wire`]: datagram plaintext, fragments, zlib, timestamps and RTT;
//! - [`proto`]: the protobuf instruction and the two directions' diffs;
//! - [`codec`]: the complete send and receive pipelines over those layers;
//! - [`ssp`]: the State Synchronization Protocol over the codec, as a sans-IO
//!   state machine;
//! - [`terminal`]: the mosh-compatible emulator, frame diffs (host bytes) and key encoding;
//! - [`session`]: client and server session logic;
//! - [`bootstrap`]: the SSH step before a session: the server command line and its
//!   `MOSH CONNECT` answer.
//!
//! Nothing in these layers touches sockets, clocks or threads: callers pass bytes and
//! times in and get bytes and decisions out, which is what lets lossy and roaming
//! networks be tested deterministically.
//!
//! Around the core, and the only code here that does I/O, each behind a cargo feature
//! so the sans-IO core builds without tokio:
//! - `driver` (feature `driver`): runs an SSP endpoint on tokio UDP sockets;
//! - `runtime` (feature `runtime`): the client runtime every front end shares (the
//!   desktop client and the FFI for phone apps): a thread-safe session handle whose
//!   task drives the session on a process-wide tokio runtime.
//!
//! The UDP impairment proxy the loopback tests and benchmarks use is not part of this
//! library: it is the `mosh-netem` crate (`tools/netem`), with `mosh-impair`.

// A `pub` item is part of the API, reachable from the crate root; anything else
// says `pub(crate)`.
#![warn(unreachable_pub)]

pub mod bootstrap;
pub mod codec;
pub mod crypto;
#[cfg(feature = "driver")]
pub mod driver;
pub mod frontend;
pub mod prediction;
pub mod proto;
#[cfg(feature = "runtime")]
pub mod runtime;
pub mod session;
pub mod ssp;
pub mod terminal;
pub mod wire;
