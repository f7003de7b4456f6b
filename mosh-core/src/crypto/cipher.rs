//! AES-128-OCB3 sealing and opening of whole datagrams (protocol.md §3, §4.1).

use aes::Aes128;
use ocb3::Ocb3;
use ocb3::aead::array::Array;
use ocb3::aead::consts::{U12, U16};
use ocb3::aead::{AeadInOut, KeyInit};
use zeroize::Zeroize;

use super::key::SessionKey;
use super::nonce::{Nonce, WIRE_NONCE_LEN};

/// Length of the OCB authentication tag at the end of every datagram.
pub const TAG_LEN: usize = 16;

/// Largest UDP payload a stock peer will read (its receive buffer); longer
/// datagrams are dropped by the receiver and refused by the sender.
pub const MAX_DATAGRAM_LEN: usize = 2048;

/// Smallest authentic datagram: nonce tail and tag around an empty plaintext.
pub const MIN_DATAGRAM_LEN: usize = WIRE_NONCE_LEN + TAG_LEN;

/// Largest plaintext that still fits in [`MAX_DATAGRAM_LEN`].
pub const MAX_PLAINTEXT_LEN: usize = MAX_DATAGRAM_LEN - MIN_DATAGRAM_LEN;

/// OCB precomputes one offset per power of two of blocks; 2^8 blocks (4 KiB) covers
/// the largest plaintext with room to spare and keeps the key-derived table small.
const L_TABLE_SIZE: usize = 8;

type MoshOcb = Ocb3<Aes128, U12, U16, L_TABLE_SIZE>;

/// Why a datagram could not be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    /// Shorter than nonce + tag.
    #[error("datagram of {0} bytes is shorter than the 24-byte minimum")]
    TooShort(usize),
    /// Longer than any stock peer sends or reads.
    #[error("datagram of {0} bytes exceeds the 2048-byte maximum")]
    TooLong(usize),
    /// The tag did not verify: wrong key, corruption or forgery.
    #[error("datagram failed the integrity check")]
    Unauthentic,
}

/// The plaintext is too long to fit in one datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("plaintext of {0} bytes does not fit in one datagram (max {MAX_PLAINTEXT_LEN})")]
pub struct SealError(pub usize);

/// The keyed AEAD of one session, shared by both directions.
///
/// The AES round keys are wiped on drop by the `aes` crate; the OCB offset table,
/// also derived from the key, is overwritten on drop here.
pub struct SessionCipher {
    aead: Box<MoshOcb>,
}

impl SessionCipher {
    /// Sets up the cipher for `key`.
    pub fn new(key: &SessionKey) -> Self {
        // Built from the key's own storage (no extra copy of the key on our stack).
        // The cipher state itself is built before it is boxed, so a stack copy of it
        // may remain until that stack space is reused; the heap copy is wiped on drop.
        let aead = MoshOcb::new_from_slice(key.as_bytes()).expect("AES-128 key is 16 bytes");
        Self {
            aead: Box::new(aead),
        }
    }

    /// Encrypts `plaintext` under `nonce` and returns the UDP payload:
    /// nonce tail ‖ ciphertext ‖ tag.
    ///
    /// Low level: sealing two plaintexts under one nonce breaks OCB. Sessions send
    /// through [`InstructionSender`](crate::protocol::codec::InstructionSender), whose
    /// non-cloneable [`SeqCounter`](super::SeqCounter) makes that impossible.
    pub fn seal(&self, nonce: Nonce, plaintext: &[u8]) -> Result<Vec<u8>, SealError> {
        let mut out = Vec::with_capacity(MIN_DATAGRAM_LEN + plaintext.len());
        self.seal_into(nonce, plaintext, &mut out)?;
        Ok(out)
    }

    /// Like [`SessionCipher::seal`], appending to `out` so a sender can reuse one buffer.
    pub fn seal_into(
        &self,
        nonce: Nonce,
        plaintext: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(), SealError> {
        if plaintext.len() > MAX_PLAINTEXT_LEN {
            return Err(SealError(plaintext.len()));
        }
        let start = out.len();
        out.extend_from_slice(&nonce.to_wire());
        out.extend_from_slice(plaintext);
        let body = &mut out[start + WIRE_NONCE_LEN..];
        let Ok(tag) =
            self.aead
                .encrypt_inout_detached(&Array::from(nonce.to_ocb()), &[], body.into())
        else {
            // Unreachable given the length check, but never leave plaintext behind.
            out[start..].zeroize();
            out.truncate(start);
            return Err(SealError(plaintext.len()));
        };
        out.extend_from_slice(&tag);
        Ok(())
    }

    /// Authenticates and decrypts a UDP payload, returning its nonce and plaintext.
    pub fn open(&self, datagram: &[u8]) -> Result<(Nonce, Vec<u8>), OpenError> {
        let mut plaintext = Vec::new();
        let nonce = self.open_into(datagram, &mut plaintext)?;
        Ok((nonce, plaintext))
    }

    /// Like [`SessionCipher::open`], writing the plaintext into `plaintext` (cleared
    /// first) so a receiver can reuse one buffer. On error `plaintext` is left empty.
    pub fn open_into(&self, datagram: &[u8], plaintext: &mut Vec<u8>) -> Result<Nonce, OpenError> {
        plaintext.clear();
        if datagram.len() < MIN_DATAGRAM_LEN {
            return Err(OpenError::TooShort(datagram.len()));
        }
        if datagram.len() > MAX_DATAGRAM_LEN {
            return Err(OpenError::TooLong(datagram.len()));
        }
        let (wire_nonce, rest) = datagram.split_at(WIRE_NONCE_LEN);
        let (ciphertext, tag) = rest.split_at(rest.len() - TAG_LEN);
        let nonce = Nonce::from_wire(wire_nonce.try_into().expect("split at 8 bytes"));
        let tag = Array::try_from(tag).expect("split at 16 bytes");
        plaintext.extend_from_slice(ciphertext);
        let verified = self.aead.decrypt_inout_detached(
            &Array::from(nonce.to_ocb()),
            &[],
            plaintext.as_mut_slice().into(),
            &tag,
        );
        if verified.is_err() {
            // Never leave bytes decrypted under a tag that did not verify, not even
            // in the caller's spare capacity.
            plaintext.zeroize();
            return Err(OpenError::Unauthentic);
        }
        Ok(nonce)
    }
}

impl Drop for SessionCipher {
    fn drop(&mut self) {
        // `Ocb3` offers no zeroize; replacing it in place drops the old value (the
        // `aes` crate wipes the round keys) and overwrites its offset table with one
        // derived from an all-zero key. `black_box` keeps the compiler from treating
        // that store as dead because the box is about to be freed.
        *self.aead = MoshOcb::new(&Array::from([0u8; 16]));
        std::hint::black_box(&*self.aead);
    }
}

impl core::fmt::Debug for SessionCipher {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("SessionCipher(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::nonce::Direction;

    fn cipher() -> SessionCipher {
        SessionCipher::new(&SessionKey::parse("AAECAwQFBgcICQoLDA0ODw").unwrap())
    }

    #[test]
    fn round_trips_empty_and_largest_plaintexts() {
        let nonce = Nonce::new(Direction::ToClient, 7).unwrap();
        for len in [0, 1, 15, 16, 17, MAX_PLAINTEXT_LEN] {
            let plaintext: Vec<u8> = (0..len).map(|i| i as u8).collect();
            let sealed = cipher().seal(nonce, &plaintext).unwrap();
            assert_eq!(sealed.len(), len + MIN_DATAGRAM_LEN);
            assert_eq!(cipher().open(&sealed).unwrap(), (nonce, plaintext));
        }
    }

    #[test]
    fn refuses_oversized_input_both_ways() {
        let nonce = Nonce::new(Direction::ToServer, 0).unwrap();
        let too_long = vec![0u8; MAX_PLAINTEXT_LEN + 1];
        assert_eq!(
            cipher().seal(nonce, &too_long),
            Err(SealError(MAX_PLAINTEXT_LEN + 1))
        );
        assert_eq!(cipher().open(&[0u8; 2049]), Err(OpenError::TooLong(2049)));
        assert_eq!(cipher().open(&[0u8; 23]), Err(OpenError::TooShort(23)));
        assert_eq!(cipher().open(&[0u8; 24]), Err(OpenError::Unauthentic));
    }
}
