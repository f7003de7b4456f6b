//! The protocol machinery, bottom up: [`wire`] (datagram plaintext, fragments, zlib,
//! timestamps), [`proto`] (the protobuf instruction and the two directions' diffs),
//! [`codec`] (the send and receive pipelines over those) and [`ssp`] (the State
//! Synchronization Protocol as a sans-IO state machine). The server, the tools and
//! the tests use it directly; an app embedding the library never needs to: it uses
//! the runtime, the sessions and the screen model.

pub mod codec;
pub mod proto;
pub mod ssp;
pub mod wire;
