//! The full datagram pipeline in both directions, built from the `crypto`, `wire`
//! and `proto` layers. Sans-IO: bytes in, bytes out.

pub mod receiver;
pub mod sender;

pub use receiver::{
    Assembly, AssemblyError, InstructionReceiver, ReceiveError, ReceiveStats, Received,
};
pub use sender::{InstructionSender, SendError};
