//! Datagram plaintext, fragments, compression and timing fields
//! (protocol.md §4.2, §5–§8).

pub mod compression;
pub mod datagram;
pub mod fragment;
pub mod fragmenter;
pub mod reassembly;
pub mod rtt;
pub mod timestamp;

pub use compression::Compressor;
pub use compression::{DecompressError, MAX_INSTRUCTION_LEN, compress, decompress};
pub use datagram::{Datagram, DatagramError};
pub use fragment::{Fragment, FragmentError};
pub use fragmenter::{
    FragmentationError, Fragmenter, MTU_FALLBACK, MTU_IPV4, MTU_IPV6, chunk_len_for_mtu,
};
pub use reassembly::{Reassembler, ReassemblyError};
pub use rtt::RttEstimator;
