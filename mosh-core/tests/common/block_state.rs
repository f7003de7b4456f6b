//! A stand-in for the server's screen state in SSP tests: a byte string whose diff
//! carries only the 64-byte blocks that changed, so small changes make small diffs
//! and big ones need several fragments, like real screen updates.

use std::sync::Arc;

/// Block size of the diff.
const BLOCK: usize = 64;

/// Largest content a diff may announce; keeps decoding bounded.
pub const MAX_LEN: usize = 1 << 20;

/// The state: shared bytes, cheap to clone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BlockState {
    bytes: Arc<Vec<u8>>,
}

/// A diff that does not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("bad block diff at byte {0}")]
pub struct BadBlockDiff(pub usize);

impl BlockState {
    /// A state holding `bytes`.
    pub fn new(bytes: Vec<u8>) -> Self {
        Self {
            bytes: Arc::new(bytes),
        }
    }

    /// The content.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

fn read_u32(diff: &[u8], at: usize) -> Result<u32, BadBlockDiff> {
    let bytes = diff.get(at..at + 4).ok_or(BadBlockDiff(at))?;
    Ok(u32::from_be_bytes(bytes.try_into().expect("four bytes")))
}

impl mosh_core::protocol::ssp::SyncState for BlockState {
    type ApplyError = BadBlockDiff;

    /// `u32 new length`, then for each changed block `u32 block index` and the block's
    /// new bytes (shorter for the last block).
    fn diff_from(&self, base: &Self) -> Vec<u8> {
        if self == base {
            return Vec::new();
        }
        let mut diff = (self.bytes.len() as u32).to_be_bytes().to_vec();
        for (index, block) in self.bytes.chunks(BLOCK).enumerate() {
            let start = index * BLOCK;
            if base.bytes.get(start..start + block.len()) != Some(block) {
                diff.extend((index as u32).to_be_bytes());
                diff.extend(block);
            }
        }
        diff
    }

    fn apply(&mut self, diff: &[u8]) -> Result<(), BadBlockDiff> {
        if diff.is_empty() {
            return Ok(());
        }
        let len = read_u32(diff, 0)? as usize;
        if len > MAX_LEN {
            return Err(BadBlockDiff(0));
        }
        let bytes = Arc::make_mut(&mut self.bytes);
        bytes.resize(len, 0);
        let mut at = 4;
        while at < diff.len() {
            let start = read_u32(diff, at)? as usize * BLOCK;
            let block_len = BLOCK.min(len.saturating_sub(start));
            let block = diff
                .get(at + 4..at + 4 + block_len)
                .filter(|block| !block.is_empty())
                .ok_or(BadBlockDiff(at))?;
            bytes[start..start + block_len].copy_from_slice(block);
            at += 4 + block_len;
        }
        Ok(())
    }
}
