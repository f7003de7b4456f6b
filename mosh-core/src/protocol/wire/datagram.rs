//! The datagram: nonce, the two timestamps and one fragment, sealed with the
//! session cipher (protocol.md §4).

use crate::crypto::cipher::{OpenError, SealError, SessionCipher};
use crate::crypto::nonce::Nonce;

use super::fragment::{Fragment, FragmentError};
use super::timestamp::{decode_timestamp, encode_timestamp};

/// Length of the two timestamp fields at the start of the plaintext.
pub const TIMESTAMPS_LEN: usize = 4;

/// Bytes a datagram adds around a fragment chunk: nonce tail (8), tag (16),
/// timestamps (4) and fragment header (10). The largest chunk is MTU − 38.
pub const DATAGRAM_OVERHEAD: usize = 38;

/// A decrypted datagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Datagram {
    /// Direction and sequence number.
    pub nonce: Nonce,
    /// The sender's 16-bit clock, or `None` (0xFFFF on the wire).
    pub timestamp: Option<u16>,
    /// The sender's echo of our clock, or `None` (0xFFFF on the wire).
    pub timestamp_reply: Option<u16>,
    /// The fragment this datagram carries.
    pub fragment: Fragment,
}

/// Why a received datagram was dropped before reassembly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DatagramError {
    /// Failed length or integrity checks.
    #[error(transparent)]
    Open(#[from] OpenError),
    /// Authentic, but the plaintext cannot hold the header it must carry.
    #[error("authentic datagram with a malformed plaintext: {0}")]
    Fragment(#[from] FragmentError),
}

/// Why a datagram could not be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DatagramBuildError {
    /// The fragment is too large for one datagram.
    #[error(transparent)]
    Seal(#[from] SealError),
    /// The fragment header cannot be encoded.
    #[error(transparent)]
    Fragment(#[from] FragmentError),
}

impl Datagram {
    /// The plaintext: timestamps followed by the fragment.
    pub fn encode_plaintext(&self) -> Result<Vec<u8>, FragmentError> {
        let mut out = Vec::with_capacity(TIMESTAMPS_LEN + self.fragment.encoded_len());
        out.extend_from_slice(&encode_timestamp(self.timestamp).to_be_bytes());
        out.extend_from_slice(&encode_timestamp(self.timestamp_reply).to_be_bytes());
        self.fragment.encode_into(&mut out)?;
        Ok(out)
    }

    /// Reads a plaintext that arrived under `nonce`.
    pub fn decode_plaintext(nonce: Nonce, plaintext: &[u8]) -> Result<Self, FragmentError> {
        Self::from_plaintext(nonce, plaintext.to_vec())
    }

    fn from_plaintext(nonce: Nonce, plaintext: Vec<u8>) -> Result<Self, FragmentError> {
        // A plaintext too short for the timestamps is as malformed as one too short
        // for the fragment header; report the length of what should be the fragment.
        let Some(stamps) = plaintext.first_chunk::<TIMESTAMPS_LEN>() else {
            return Err(FragmentError::TooShort(0));
        };
        let timestamp = decode_timestamp(u16::from_be_bytes([stamps[0], stamps[1]]));
        let timestamp_reply = decode_timestamp(u16::from_be_bytes([stamps[2], stamps[3]]));
        Ok(Self {
            nonce,
            timestamp,
            timestamp_reply,
            fragment: Fragment::decode_at(plaintext, TIMESTAMPS_LEN)?,
        })
    }

    /// Encrypts the datagram into a UDP payload.
    pub fn seal(&self, cipher: &SessionCipher) -> Result<Vec<u8>, DatagramBuildError> {
        let plaintext = self.encode_plaintext()?;
        Ok(cipher.seal(self.nonce, &plaintext)?)
    }

    /// Authenticates, decrypts and parses a UDP payload.
    pub fn open(cipher: &SessionCipher, udp_payload: &[u8]) -> Result<Self, DatagramError> {
        let (nonce, plaintext) = cipher.open(udp_payload)?;
        Ok(Self::from_plaintext(nonce, plaintext)?)
    }
}
