//! A desktop terminal client on `mosh-core`: a drop-in `mosh-client` (same command
//! line and environment) and `mosh-demo`, which starts our own server on loopback and
//! attaches to it, optionally through a simulated mobile link.

// A `pub` item is part of the API, reachable from the crate root; anything else
// says `pub(crate)`.
#![warn(unreachable_pub)]

pub mod client_args;
pub mod environment_key;
pub mod link_spec;
pub mod run;
pub mod suspend;
pub mod tty;
