//! Network impairment for tests and benchmarks on one machine: a UDP relay that
//! delays, jitters, drops and black-holes datagrams and can make the client roam.
//! Used by the loopback tests and by the `mosh-impair` binary (for the stock mosh
//! binaries too). Not part of a session.

// A `pub` item is part of the API, reachable from the crate root; anything else
// says `pub(crate)`.
#![warn(unreachable_pub)]

pub mod impairment;
pub mod proxy;

pub use impairment::Impairment;
pub use proxy::{ImpairmentProxy, ProxyConfig, ProxyHandle, ProxyStats, Roam};
