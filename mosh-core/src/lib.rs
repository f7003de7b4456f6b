//! Sans-IO core of a mosh-compatible mobile shell.
//!
//! Layers, bottom up, each usable and tested on its own:
//! - [`crypto`]: the session key, nonces and AES-128-OCB3 sealing;
//! - [`wire`]: datagram plaintext, fragments, zlib, timestamps and RTT;
//! - [`proto`]: the protobuf instruction and the two directions' diffs;
//! - [`codec`]: the complete send and receive pipelines over those layers;
//! - [`terminal`]: the mosh-compatible emulator, frame diffs (host bytes) and key encoding;
//! - [`session`]: client and server session logic;
//! - [`bootstrap`]: the SSH step before a session: the server command line and its
//!   `MOSH CONNECT` answer.
//!
//! Nothing here touches sockets, clocks or threads: callers pass bytes and times in
//! and get bytes and decisions out, which is what lets lossy and roaming networks be
//! tested deterministically.

pub mod bootstrap;
pub mod codec;
pub mod crypto;
pub mod proto;
pub mod session;
pub mod terminal;
pub mod wire;
