//! Sans-IO core of a mosh-compatible mobile shell.
//!
//! **What an embedder uses** (the desktop client and `mosh-ffi` use nothing else):
//! - [`runtime`] (feature `runtime`): a thread-safe `SessionHandle` whose task drives
//!   a client session on one process-wide tokio runtime owned by the library:
//!   commands in, coalesced events out;
//! - [`session`]: the client and server sessions (sans-IO), their state, snapshots,
//!   scrollback, and the [`session::ScreenModel`] apps draw;
//! - [`frontend`]: what a client shows (the server's frame with local-echo
//!   predictions and the connection messages), painting onto a VT terminal, the
//!   escape key;
//! - [`terminal`]: the mosh-compatible emulator and framebuffer, and key encoding;
//! - [`prediction`]: speculative local echo, which `frontend` draws;
//! - [`bootstrap`]: the SSH step before a session: the server command line and its
//!   `MOSH CONNECT` answer;
//! - [`crypto`]: the session key (and, below it, nonces and AES-128-OCB3 sealing).
//!
//! **The protocol machinery** is [`protocol`] (datagrams, the instruction, the codec
//! and SSP): the server, the tools and the tests use it; an embedder never needs it.
//!
//! Nothing above touches sockets, clocks or threads: callers pass bytes and times in
//! and get bytes and decisions out, which is what lets lossy and roaming networks be
//! tested deterministically. The only I/O is behind cargo features, so the sans-IO
//! core builds without tokio: [`driver`] (feature `driver`) runs any
//! [`protocol::ssp::Endpoint`] (a transport, or either session) on tokio UDP sockets,
//! for the client runtime and the server daemon alike; `runtime` builds on it.
//!
//! The UDP impairment proxy the loopback tests and benchmarks use is not part of this
//! library: it is the `mosh-netem` crate (`tools/netem`), with `mosh-impair`.

// A `pub` item is part of the API, reachable from the crate root; anything else
// says `pub(crate)`.
#![warn(unreachable_pub)]

pub mod bootstrap;
pub mod crypto;
#[cfg(feature = "driver")]
pub mod driver;
pub mod frontend;
pub mod prediction;
pub mod protocol;
#[cfg(feature = "runtime")]
pub mod runtime;
pub mod session;
pub mod terminal;
