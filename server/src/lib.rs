//! A drop-in `mosh-server` 1.4 replacement built on `mosh-core`.
//!
//! The binary keeps stock's command line and startup contract (`protocol.md` §15) so the
//! `mosh` wrapper and apps' SSH bootstrap code work unchanged; the session itself is
//! `mosh-core`'s sans-IO server session driven by tokio.

// A `pub` item is part of the API, reachable from the crate root; anything else
// says `pub(crate)`.
#![warn(unreachable_pub)]

pub mod bind;
pub mod child;
pub mod cli;
pub mod daemon;
pub mod hygiene;
pub mod locale;
pub mod login_record;
pub mod motd;
pub mod port_range;
pub mod pty;
pub mod pty_io;
pub mod serve;
pub mod startup;
pub mod timeouts;
