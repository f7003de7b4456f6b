//! Collecting the fragments of one instruction, in any order, into its compressed
//! bytes (protocol.md §7.3).

use std::collections::BTreeMap;

use super::compression::MAX_INSTRUCTION_LEN;
use super::fragment::Fragment;

/// Default cap on the compressed bytes of one instruction: a 4 MiB instruction plus
/// deflate's worst-case expansion for incompressible data.
pub const MAX_ASSEMBLED_LEN: usize = MAX_INSTRUCTION_LEN + MAX_INSTRUCTION_LEN / 64 + 64;

/// A fragment that cannot belong to a well-formed instruction. The partial
/// assembly is discarded (a stock peer would abort instead).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReassemblyError {
    /// The same fragment number arrived twice with different contents.
    #[error("fragment {number} of instruction {id} arrived twice with different contents")]
    ConflictingFragment {
        /// Instruction id.
        id: u64,
        /// Fragment number.
        number: u16,
    },
    /// The final flag contradicts fragments already held.
    #[error("fragment {number} of instruction {id} contradicts where the instruction ends")]
    ConflictingEnd {
        /// Instruction id.
        id: u64,
        /// Fragment number.
        number: u16,
    },
    /// The collected chunks exceed the size cap.
    #[error("instruction {id} exceeds {limit} compressed bytes")]
    TooLarge {
        /// Instruction id.
        id: u64,
        /// The cap.
        limit: usize,
    },
}

/// The single reassembly slot of one receiving direction. A fragment with a newer id
/// replaces whatever was partially collected; one with an older id than the
/// instruction in progress is ignored.
#[derive(Clone)]
pub struct Reassembler {
    id: Option<u64>,
    chunks: BTreeMap<u16, Vec<u8>>,
    last_number: Option<u16>,
    collected: usize,
    limit: usize,
}

impl core::fmt::Debug for Reassembler {
    // The chunks are decrypted user data (keystrokes, screen contents): show only
    // their shape.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Reassembler")
            .field("id", &self.id)
            .field("fragments_held", &self.chunks.len())
            .field("last_number", &self.last_number)
            .field("collected", &self.collected)
            .field("limit", &self.limit)
            .finish()
    }
}

impl Default for Reassembler {
    fn default() -> Self {
        Self::new()
    }
}

impl Reassembler {
    /// A reassembler with the default size cap.
    pub fn new() -> Self {
        Self::with_limit(MAX_ASSEMBLED_LEN)
    }

    /// A reassembler that refuses instructions above `limit` compressed bytes.
    pub fn with_limit(limit: usize) -> Self {
        Self {
            id: None,
            chunks: BTreeMap::new(),
            last_number: None,
            collected: 0,
            limit,
        }
    }

    /// Adds a fragment. Returns the compressed instruction once every fragment up to
    /// the final one has arrived; duplicates are ignored.
    pub fn add(&mut self, fragment: Fragment) -> Result<Option<Vec<u8>>, ReassemblyError> {
        let id = fragment.instruction_id;
        let number = fragment.number;
        let in_progress = !self.chunks.is_empty();
        if in_progress && self.id.is_some_and(|current| id < current) {
            // A late or replayed fragment of an older instruction: a sender's ids only
            // go up, so it cannot be news, and letting it reset the slot would let
            // anyone who captured one datagram keep multi-fragment screens from ever
            // completing.
            return Ok(None);
        }
        if self.id != Some(id) {
            self.start(id);
        }
        if let Some(held) = self.chunks.get(&number) {
            let held_final = self.last_number == Some(number);
            if *held != fragment.chunk {
                self.start(id);
                return Err(ReassemblyError::ConflictingFragment { id, number });
            }
            if held_final != fragment.is_final {
                self.start(id);
                return Err(ReassemblyError::ConflictingEnd { id, number });
            }
            return Ok(None);
        }
        let highest_held = self.chunks.last_key_value().map(|(&n, _)| n);
        let end_conflict = match (fragment.is_final, self.last_number) {
            (true, Some(last)) => last != number,
            (true, None) => highest_held.is_some_and(|h| h > number),
            (false, Some(last)) => number > last,
            (false, None) => false,
        };
        if end_conflict {
            self.start(id);
            return Err(ReassemblyError::ConflictingEnd { id, number });
        }
        self.collected += fragment.chunk.len();
        if self.collected > self.limit {
            let limit = self.limit;
            self.start(id);
            return Err(ReassemblyError::TooLarge { id, limit });
        }
        if fragment.is_final {
            self.last_number = Some(number);
        }
        self.chunks.insert(number, fragment.chunk);
        match self.last_number {
            Some(last) if self.chunks.len() == usize::from(last) + 1 => {
                let mut assembled = Vec::with_capacity(self.collected);
                for chunk in std::mem::take(&mut self.chunks).into_values() {
                    assembled.extend_from_slice(&chunk);
                }
                self.start(id);
                Ok(Some(assembled))
            }
            _ => Ok(None),
        }
    }

    fn start(&mut self, id: u64) {
        self.id = Some(id);
        self.chunks.clear();
        self.last_number = None;
        self.collected = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frag(id: u64, number: u16, is_final: bool, chunk: &[u8]) -> Fragment {
        Fragment {
            instruction_id: id,
            number,
            is_final,
            chunk: chunk.to_vec(),
        }
    }

    #[test]
    fn assembles_out_of_order_and_ignores_duplicates() {
        let mut slot = Reassembler::new();
        assert_eq!(slot.add(frag(3, 2, true, b"c")), Ok(None));
        assert_eq!(slot.add(frag(3, 0, false, b"a")), Ok(None));
        assert_eq!(slot.add(frag(3, 0, false, b"a")), Ok(None));
        assert_eq!(slot.add(frag(3, 1, false, b"b")), Ok(Some(b"abc".to_vec())));
    }

    #[test]
    fn a_new_id_discards_the_partial_assembly() {
        let mut slot = Reassembler::new();
        assert_eq!(slot.add(frag(1, 0, false, b"old")), Ok(None));
        assert_eq!(slot.add(frag(2, 1, true, b"new1")), Ok(None));
        assert_eq!(
            slot.add(frag(3, 1, true, b"x")),
            Ok(None),
            "id 3 restarts from scratch"
        );
        assert_eq!(slot.add(frag(3, 0, false, b"y")), Ok(Some(b"yx".to_vec())));
    }

    #[test]
    fn conflicts_are_errors_and_reset_the_slot() {
        let mut slot = Reassembler::new();
        slot.add(frag(5, 0, false, b"a")).unwrap();
        assert_eq!(
            slot.add(frag(5, 0, false, b"z")),
            Err(ReassemblyError::ConflictingFragment { id: 5, number: 0 })
        );
        slot.add(frag(5, 3, false, b"d")).unwrap();
        assert_eq!(
            slot.add(frag(5, 1, true, b"b")),
            Err(ReassemblyError::ConflictingEnd { id: 5, number: 1 })
        );
        slot.add(frag(5, 1, true, b"b")).unwrap();
        assert_eq!(
            slot.add(frag(5, 2, false, b"c")),
            Err(ReassemblyError::ConflictingEnd { id: 5, number: 2 })
        );
        slot.add(frag(6, 1, false, b"b")).unwrap();
        assert_eq!(
            slot.add(frag(6, 1, true, b"b")),
            Err(ReassemblyError::ConflictingEnd { id: 6, number: 1 }),
            "same bytes, different final flag: a second fragmentation under one id"
        );
        slot.add(frag(7, 0, true, b"a")).unwrap();
        assert_eq!(slot.add(frag(8, 0, true, b"a")), Ok(Some(b"a".to_vec())));
        slot.add(frag(9, 0, false, b"a")).unwrap();
        assert!(
            !format!("{slot:?}").contains("97"),
            "Debug hides chunk bytes"
        );
    }

    #[test]
    fn a_replayed_older_fragment_does_not_break_the_instruction_in_progress() {
        let mut slot = Reassembler::new();
        assert_eq!(
            slot.add(frag(4, 0, true, b"old")),
            Ok(Some(b"old".to_vec()))
        );
        assert_eq!(slot.add(frag(5, 0, false, b"a")), Ok(None));
        // Captured earlier and replayed between the fragments of instruction 5.
        assert_eq!(slot.add(frag(4, 0, true, b"old")), Ok(None));
        assert_eq!(slot.add(frag(5, 1, false, b"b")), Ok(None));
        assert_eq!(slot.add(frag(2, 1, false, b"x")), Ok(None));
        assert_eq!(slot.add(frag(5, 2, true, b"c")), Ok(Some(b"abc".to_vec())));
        // Between instructions an older id may still start the slot (it is judged
        // by SSP as an old state) and is replaced by the next newer fragment.
        assert_eq!(slot.add(frag(3, 0, false, b"z")), Ok(None));
        assert_eq!(slot.add(frag(6, 0, true, b"d")), Ok(Some(b"d".to_vec())));
    }

    #[test]
    fn size_cap_is_enforced() {
        let mut slot = Reassembler::with_limit(4);
        slot.add(frag(1, 0, false, b"abc")).unwrap();
        assert_eq!(
            slot.add(frag(1, 1, true, b"de")),
            Err(ReassemblyError::TooLarge { id: 1, limit: 4 })
        );
        assert_eq!(
            slot.add(frag(1, 0, true, b"abcd")),
            Ok(Some(b"abcd".to_vec()))
        );
    }
}
