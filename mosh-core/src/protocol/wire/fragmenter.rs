//! Cutting a compressed instruction into datagram-sized fragments, each instruction
//! under a fresh id (protocol.md §5, §7.2).

use super::datagram::DATAGRAM_OVERHEAD;
use super::fragment::{Fragment, MAX_FRAGMENT_NUMBER};
use crate::crypto::cipher::MAX_DATAGRAM_LEN;

/// Application MTU towards an IPv4 peer: 1280 − 28.
pub const MTU_IPV4: usize = 1252;
/// Application MTU towards an IPv6 peer: 1280 − 64.
pub const MTU_IPV6: usize = 1216;
/// Application MTU before the address family is known, or after EMSGSIZE.
pub const MTU_FALLBACK: usize = 500;

/// The instruction cannot be sent as fragments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FragmentationError {
    /// The MTU leaves no room for a chunk, or exceeds what a peer can read.
    #[error("MTU {0} must be between 39 and 2048 bytes")]
    InvalidMtu(usize),
    /// More than 32768 fragments would be needed.
    #[error("{len} compressed bytes need more than 32768 fragments at MTU {mtu}")]
    TooLarge {
        /// Compressed length.
        len: usize,
        /// MTU in use.
        mtu: usize,
    },
    /// Every instruction id has been used.
    #[error("instruction ids exhausted")]
    IdsExhausted,
}

/// Largest chunk per fragment for an application MTU.
pub fn chunk_len_for_mtu(mtu: usize) -> Result<usize, FragmentationError> {
    if mtu <= DATAGRAM_OVERHEAD || mtu > MAX_DATAGRAM_LEN {
        return Err(FragmentationError::InvalidMtu(mtu));
    }
    Ok(mtu - DATAGRAM_OVERHEAD)
}

/// Splits compressed instructions into fragments, giving each instruction the next id.
/// Ids start at 1 and are never reused, so no two fragmentations share an id (a stock
/// receiver aborts on conflicting fragments under one id). Not `Clone`, for the same
/// reason.
#[derive(Debug)]
pub struct Fragmenter {
    next_id: u64,
}

impl Default for Fragmenter {
    fn default() -> Self {
        Self::new()
    }
}

impl Fragmenter {
    /// A fragmenter whose first instruction gets id 1, as in a fresh stock process.
    pub fn new() -> Self {
        Self { next_id: 1 }
    }

    /// A fragmenter whose first instruction gets `next_id`.
    pub fn starting_at(next_id: u64) -> Self {
        Self { next_id }
    }

    /// The id the next instruction will get.
    pub fn next_id(&self) -> u64 {
        self.next_id
    }

    /// Cuts `compressed` into chunks of at most MTU − 38 bytes under a new id.
    pub fn fragment(
        &mut self,
        compressed: &[u8],
        mtu: usize,
    ) -> Result<Vec<Fragment>, FragmentationError> {
        let chunk_len = chunk_len_for_mtu(mtu)?;
        let count = compressed.len().div_ceil(chunk_len).max(1);
        if count > usize::from(MAX_FRAGMENT_NUMBER) + 1 {
            return Err(FragmentationError::TooLarge {
                len: compressed.len(),
                mtu,
            });
        }
        let id = self.next_id;
        self.next_id = id.checked_add(1).ok_or(FragmentationError::IdsExhausted)?;
        let mut chunks: Vec<&[u8]> = compressed.chunks(chunk_len).collect();
        if chunks.is_empty() {
            chunks.push(&[]);
        }
        Ok(chunks
            .into_iter()
            .enumerate()
            .map(|(index, chunk)| Fragment {
                instruction_id: id,
                number: index as u16,
                is_final: index + 1 == count,
                chunk: chunk.to_vec(),
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_mtu_minus_overhead_with_final_on_the_last() {
        let data = vec![1u8; 1214 * 3 + 10];
        let mut fragmenter = Fragmenter::starting_at(9);
        let fragments = fragmenter.fragment(&data, MTU_IPV4).unwrap();
        let lens: Vec<usize> = fragments.iter().map(|f| f.chunk.len()).collect();
        assert_eq!(lens, [1214, 1214, 1214, 10]);
        assert!(fragments.iter().all(|f| f.instruction_id == 9));
        let finals: Vec<bool> = fragments.iter().map(|f| f.is_final).collect();
        assert_eq!(finals, [false, false, false, true]);
        assert_eq!(fragmenter.next_id(), 10);
    }

    #[test]
    fn exact_multiple_and_empty_input() {
        let mut fragmenter = Fragmenter::new();
        let two = fragmenter.fragment(&[0u8; 1178 * 2], MTU_IPV6).unwrap();
        assert_eq!(two.len(), 2);
        assert!(two[1].is_final && two[1].chunk.len() == 1178);
        let empty = fragmenter.fragment(&[], MTU_FALLBACK).unwrap();
        assert_eq!(empty.len(), 1);
        assert!(empty[0].is_final && empty[0].chunk.is_empty() && empty[0].instruction_id == 2);
    }

    #[test]
    fn refuses_bad_mtu_and_oversized_instructions() {
        let mut fragmenter = Fragmenter::new();
        assert_eq!(
            fragmenter.fragment(b"x", 38),
            Err(FragmentationError::InvalidMtu(38))
        );
        assert_eq!(
            fragmenter.fragment(b"x", 2049),
            Err(FragmentationError::InvalidMtu(2049))
        );
        let huge = vec![0u8; 32769];
        assert_eq!(
            fragmenter.fragment(&huge, 39),
            Err(FragmentationError::TooLarge {
                len: 32769,
                mtu: 39
            })
        );
        assert_eq!(fragmenter.next_id(), 1, "failed attempts consume no id");
    }
}
