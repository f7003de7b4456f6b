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
//! Around the core, and the only code here that does I/O:
//! - [`driver`]: runs an SSP transport on tokio UDP sockets;
//! - [`netem`]: a UDP impairment proxy for loopback tests and benchmarks.

pub mod bootstrap;
pub mod codec;
pub mod crypto;
pub mod driver;
pub mod netem;
pub mod prediction;
pub mod proto;
pub mod session;
pub mod ssp;
pub mod terminal;
pub mod wire;
