//! I/O drivers around the sans-IO core. [`UdpDriver`] runs an SSP
//! [`Transport`](crate::ssp::Transport) on tokio UDP sockets.

pub mod udp;

pub use udp::{DriverStats, Step, UdpDriver};
