//! One fragment of a compressed instruction: the 10-byte header and its chunk
//! (protocol.md §7.1).

/// Length of the fragment header: instruction id (8) and final flag + number (2).
pub const FRAGMENT_HEADER_LEN: usize = 10;

/// Largest fragment number: the number has 15 bits, the top bit is the final flag.
pub const MAX_FRAGMENT_NUMBER: u16 = 0x7FFF;

const FINAL_FLAG: u16 = 0x8000;

/// A slice of one instruction's zlib stream, as carried by one datagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fragment {
    /// Which instruction this fragment belongs to; a new id for every instruction sent.
    pub instruction_id: u64,
    /// Position of this chunk in the instruction, from 0.
    pub number: u16,
    /// Set on the last fragment of the instruction.
    pub is_final: bool,
    /// This fragment's consecutive slice of the compressed instruction.
    pub chunk: Vec<u8>,
}

/// A fragment that cannot be read or written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FragmentError {
    /// Fewer than 10 bytes: stock peers abort on this, we drop it.
    #[error("fragment of {0} bytes is shorter than its 10-byte header")]
    TooShort(usize),
    /// A fragment number above 32767 has no encoding.
    #[error("fragment number {0} does not fit in 15 bits")]
    NumberOutOfRange(u16),
}

impl Fragment {
    /// The encoded length: header plus chunk.
    pub fn encoded_len(&self) -> usize {
        FRAGMENT_HEADER_LEN + self.chunk.len()
    }

    /// Appends header and chunk to `out`.
    pub fn encode_into(&self, out: &mut Vec<u8>) -> Result<(), FragmentError> {
        if self.number > MAX_FRAGMENT_NUMBER {
            return Err(FragmentError::NumberOutOfRange(self.number));
        }
        let flag = if self.is_final { FINAL_FLAG } else { 0 };
        out.extend_from_slice(&self.instruction_id.to_be_bytes());
        out.extend_from_slice(&(flag | self.number).to_be_bytes());
        out.extend_from_slice(&self.chunk);
        Ok(())
    }

    /// Reads a fragment from the plaintext after the two timestamps.
    pub fn decode(bytes: &[u8]) -> Result<Self, FragmentError> {
        Self::decode_at(bytes.to_vec(), 0)
    }

    /// Reads the fragment that starts at `offset` of `buffer`, reusing the buffer's
    /// allocation for the chunk (the receive path owns the decrypted plaintext, so it
    /// need not be copied again).
    pub fn decode_at(mut buffer: Vec<u8>, offset: usize) -> Result<Self, FragmentError> {
        let available = buffer.len().saturating_sub(offset);
        let Some(header) = buffer.get(offset..offset + FRAGMENT_HEADER_LEN) else {
            return Err(FragmentError::TooShort(available));
        };
        let (id, word) = header.split_at(8);
        let word = u16::from_be_bytes([word[0], word[1]]);
        let instruction_id = u64::from_be_bytes(id.try_into().expect("8-byte split"));
        buffer.drain(..offset + FRAGMENT_HEADER_LEN);
        Ok(Self {
            instruction_id,
            number: word & MAX_FRAGMENT_NUMBER,
            is_final: word & FINAL_FLAG != 0,
            chunk: buffer,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_matches_the_four_fragment_capture() {
        let last = Fragment {
            instruction_id: 9,
            number: 3,
            is_final: true,
            chunk: vec![0xAB],
        };
        let mut out = Vec::new();
        last.encode_into(&mut out).unwrap();
        assert_eq!(out, [0, 0, 0, 0, 0, 0, 0, 9, 0x80, 0x03, 0xAB]);
        assert_eq!(Fragment::decode(&out).unwrap(), last);
    }

    #[test]
    fn rejects_short_input_and_unencodable_numbers() {
        assert_eq!(
            Fragment::decode(&[0, 1, 2]),
            Err(FragmentError::TooShort(3))
        );
        let bad = Fragment {
            instruction_id: 1,
            number: 0x8000,
            is_final: false,
            chunk: Vec::new(),
        };
        assert_eq!(
            bad.encode_into(&mut Vec::new()),
            Err(FragmentError::NumberOutOfRange(0x8000))
        );
    }
}
