//! I/O drivers around the sans-IO core. [`UdpDriver`] runs an [`Endpoint`] (an SSP
//! [`Transport`](crate::protocol::ssp::Transport), or a session around one) on tokio UDP
//! sockets.

pub mod udp;

pub use crate::protocol::ssp::Endpoint;
pub use udp::{DriverStats, Step, UdpDriver};
