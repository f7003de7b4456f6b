//! A saved session in two parts: a small **secret** for the Keychain or a
//! Keystore-encrypted store, and the bulk **state** (the snapshot: remote screen,
//! input in flight, sequence floors, scrollback) sealed under a key inside the
//! secret, for an ordinary file.
//!
//! ```text
//! secret (54 bytes)  "MOSHSECR" | version u16 = 1 | state key (16) | state length u64
//!                    | session key check value (8) | sealed at, Unix µs u64 | CRC-32
//! state              "MOSHSTAT" | version u16 = 1
//!                    | AES-128-OCB3(state key, nonce 0, AD = the state header, the
//!                      secret's check value and state length)(snapshot) | tag (16)
//! ```
//!
//! **Why nonce 0 is safe.** The state key is drawn from the OS for every seal and
//! seals exactly one message; OCB's nonce must be unique per key, and each key sees
//! one nonce once.
//!
//! **What pairing proves.** A state opens only under the secret it was sealed with:
//! one from another save (older, newer, another session's), a truncated, extended or
//! altered one fails authentication ([`SealedError::StateMismatch`]). The secret
//! carries a checksum against storage damage; the platform store that holds it
//! (Keychain, Keystore) is what keeps it from being read or replaced.
//!
//! **Where the session key is.** Inside the sealed state (the snapshot holds it), so
//! the state file is ciphertext to anyone without the secret, and the secret alone
//! (a random key, a length, a public key check value) gives nothing. Both are needed
//! to resume; the nonce argument of the snapshot (`session/snapshot.rs`) is
//! unchanged, since opening returns the snapshot bytes that were sealed.

use aes::Aes128;
use ocb3::Ocb3;
use ocb3::aead::array::Array;
use ocb3::aead::{AeadInOut, KeyInit};
use zeroize::{Zeroize, Zeroizing};

use super::snapshot::MAX_SNAPSHOT_LEN;
use super::snapshot::crc32;

/// First bytes of a secret.
pub const SECRET_MAGIC: &[u8; 8] = b"MOSHSECR";
/// First bytes of a sealed state.
pub const STATE_MAGIC: &[u8; 8] = b"MOSHSTAT";
/// Format version of both parts.
pub const SEALED_VERSION: u16 = 1;
/// Length of a secret.
pub const SECRET_LEN: usize = 8 + 2 + 16 + 8 + 8 + 8 + 4;
const STATE_HEADER_LEN: usize = 8 + 2;
const TAG_LEN: usize = 16;
/// Longest sealed state: the longest snapshot, its header and tag.
pub const MAX_STATE_LEN: usize = STATE_HEADER_LEN + MAX_SNAPSHOT_LEN + TAG_LEN;

/// The state cipher: OCB's offset table sized for the longest snapshot (2^20 blocks).
type StateOcb = Ocb3<Aes128, ocb3::aead::consts::U12, ocb3::aead::consts::U16, 24>;

/// A saved session: the secret for the platform's secret store, the sealed state for
/// a file.
#[derive(Clone, PartialEq, Eq)]
pub struct SavedSession {
    /// Small and secret.
    pub secret: Zeroizing<Vec<u8>>,
    /// Large and sealed.
    pub state: Vec<u8>,
}

impl std::fmt::Debug for SavedSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SavedSession")
            .field("secret", &"<redacted>")
            .field("state_len", &self.state.len())
            .finish()
    }
}

/// Why a saved session cannot be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealedError {
    /// Not a secret of this library (wrong length or magic).
    #[error("not a saved-session secret")]
    SecretForeign,
    /// A secret of a newer format.
    #[error("saved-session secret version {0} is newer than this library reads")]
    SecretNewerVersion(u16),
    /// The secret's checksum failed: damaged in storage.
    #[error("the saved-session secret is damaged")]
    SecretCorrupt,
    /// The state does not authenticate under this secret: from another save
    /// (older, newer, another session's), truncated, extended or altered.
    #[error("the saved state does not belong to this secret (another save, or damaged)")]
    StateMismatch,
    /// The OS gave no randomness for a state key.
    #[error("no randomness for the state key: {0}")]
    Random(String),
    /// The snapshot is longer than a state may be.
    #[error("the session state is too large to save")]
    TooLarge,
}

/// Seals `snapshot` (from `ClientSession::snapshot`) under a fresh key;
/// `check_value` is the session key's public check value and `now_us` the wall
/// clock, both recorded in the secret.
pub fn seal(
    snapshot: &[u8],
    check_value: [u8; 8],
    now_us: u64,
) -> Result<SavedSession, SealedError> {
    if snapshot.len() > MAX_SNAPSHOT_LEN {
        return Err(SealedError::TooLarge);
    }
    let mut state_key = Zeroizing::new([0u8; 16]);
    getrandom::fill(&mut state_key[..]).map_err(|e| SealedError::Random(e.to_string()))?;
    let mut secret = Zeroizing::new(Vec::with_capacity(SECRET_LEN));
    secret.extend_from_slice(SECRET_MAGIC);
    secret.extend_from_slice(&SEALED_VERSION.to_be_bytes());
    secret.extend_from_slice(&state_key[..]);
    let state_len = (STATE_HEADER_LEN + snapshot.len() + TAG_LEN) as u64;
    secret.extend_from_slice(&state_len.to_be_bytes());
    secret.extend_from_slice(&check_value);
    secret.extend_from_slice(&now_us.to_be_bytes());
    let crc = crc32(&secret);
    secret.extend_from_slice(&crc.to_be_bytes());

    let mut state = Vec::with_capacity(state_len as usize);
    state.extend_from_slice(STATE_MAGIC);
    state.extend_from_slice(&SEALED_VERSION.to_be_bytes());
    state.extend_from_slice(snapshot);
    let aad = associated_data(check_value, state_len);
    let cipher = StateOcb::new_from_slice(&state_key[..]).expect("AES-128 key is 16 bytes");
    let body = &mut state[STATE_HEADER_LEN..];
    let Ok(tag) = cipher.encrypt_inout_detached(&Array::default(), &aad, body.into()) else {
        state.zeroize();
        return Err(SealedError::TooLarge);
    };
    state.extend_from_slice(&tag);
    Ok(SavedSession { secret, state })
}

/// Opens a saved session: the snapshot bytes that were sealed, for
/// `ClientSession::restore`. Refuses a damaged or foreign secret and a state that
/// is not the one sealed with it. Bounded: reads nothing beyond [`MAX_STATE_LEN`].
pub fn open(secret: &[u8], state: &[u8]) -> Result<Zeroizing<Vec<u8>>, SealedError> {
    if secret.len() != SECRET_LEN || &secret[..8] != SECRET_MAGIC {
        return Err(SealedError::SecretForeign);
    }
    let version = u16::from_be_bytes([secret[8], secret[9]]);
    if version > SEALED_VERSION {
        return Err(SealedError::SecretNewerVersion(version));
    }
    let (body, crc) = secret.split_at(SECRET_LEN - 4);
    if crc32(body).to_be_bytes() != crc {
        return Err(SealedError::SecretCorrupt);
    }
    let state_key = &secret[10..26];
    let state_len = u64::from_be_bytes(secret[26..34].try_into().expect("8 bytes"));
    let check_value: [u8; 8] = secret[34..42].try_into().expect("8 bytes");
    if state.len() as u64 != state_len
        || state.len() > MAX_STATE_LEN
        || state.len() < STATE_HEADER_LEN + TAG_LEN
        || &state[..8] != STATE_MAGIC
        || state[8..10] != SEALED_VERSION.to_be_bytes()
    {
        return Err(SealedError::StateMismatch);
    }
    let (sealed, tag) =
        state[STATE_HEADER_LEN..].split_at(state.len() - STATE_HEADER_LEN - TAG_LEN);
    let mut snapshot = Zeroizing::new(sealed.to_vec());
    let aad = associated_data(check_value, state_len);
    let cipher = StateOcb::new_from_slice(state_key).expect("AES-128 key is 16 bytes");
    let tag = Array::try_from(tag).expect("16 bytes");
    cipher
        .decrypt_inout_detached(
            &Array::default(),
            &aad,
            snapshot.as_mut_slice().into(),
            &tag,
        )
        .map_err(|_| {
            snapshot.zeroize();
            SealedError::StateMismatch
        })?;
    Ok(snapshot)
}

/// What the state's tag also covers: its header, and the secret's check value and
/// length claim.
fn associated_data(check_value: [u8; 8], state_len: u64) -> Vec<u8> {
    let mut aad = Vec::with_capacity(STATE_HEADER_LEN + 16);
    aad.extend_from_slice(STATE_MAGIC);
    aad.extend_from_slice(&SEALED_VERSION.to_be_bytes());
    aad.extend_from_slice(&check_value);
    aad.extend_from_slice(&state_len.to_be_bytes());
    aad
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHECK: [u8; 8] = *b"checkval";

    #[test]
    fn a_sealed_state_opens_under_its_secret_only() {
        let first = seal(b"the snapshot", CHECK, 1).unwrap();
        assert_eq!(first.secret.len(), SECRET_LEN);
        assert_eq!(
            &*open(&first.secret, &first.state).unwrap(),
            b"the snapshot"
        );
        assert!(
            !first.state.windows(12).any(|w| w == b"the snapshot"),
            "the state is ciphertext"
        );
        // Another save of the same snapshot: a fresh key, so the states differ and
        // neither opens under the other's secret.
        let second = seal(b"the snapshot", CHECK, 2).unwrap();
        assert_ne!(first.state, second.state);
        assert_eq!(
            open(&first.secret, &second.state),
            Err(SealedError::StateMismatch)
        );
        assert_eq!(
            open(&second.secret, &first.state),
            Err(SealedError::StateMismatch)
        );
    }

    #[test]
    fn damage_anywhere_is_refused_with_its_cause() {
        let saved = seal(&vec![7u8; 5000], CHECK, 1).unwrap();
        // Every byte of the state, flipped.
        for at in (0..saved.state.len()).step_by(97) {
            let mut state = saved.state.clone();
            state[at] ^= 0x40;
            assert_eq!(
                open(&saved.secret, &state),
                Err(SealedError::StateMismatch),
                "byte {at}"
            );
        }
        // Truncated and extended states.
        for len in [0, 10, 26, saved.state.len() - 1] {
            assert_eq!(
                open(&saved.secret, &saved.state[..len]),
                Err(SealedError::StateMismatch)
            );
        }
        let mut longer = saved.state.clone();
        longer.push(0);
        assert_eq!(
            open(&saved.secret, &longer),
            Err(SealedError::StateMismatch)
        );
        // The secret: damaged, foreign, newer, truncated.
        for at in 10..SECRET_LEN {
            let mut secret = saved.secret.clone();
            secret[at] ^= 1;
            assert_eq!(
                open(&secret, &saved.state),
                Err(SealedError::SecretCorrupt),
                "byte {at}"
            );
        }
        let mut foreign = saved.secret.clone();
        foreign[0] = b'X';
        assert_eq!(
            open(&foreign, &saved.state),
            Err(SealedError::SecretForeign)
        );
        assert_eq!(
            open(&saved.secret[..20], &saved.state),
            Err(SealedError::SecretForeign)
        );
        let mut newer = saved.secret.clone();
        newer[9] = 2;
        assert_eq!(
            open(&newer, &saved.state),
            Err(SealedError::SecretNewerVersion(2))
        );
    }

    #[test]
    fn the_secret_is_small_and_debug_shows_no_secret() {
        let saved = seal(&vec![1u8; 1 << 20], CHECK, 1).unwrap();
        assert!(saved.secret.len() <= 1024);
        let shown = format!("{saved:?}");
        assert!(shown.contains("redacted") && !shown.contains("MOSHSECR"));
        assert_eq!(
            seal(&vec![0u8; MAX_SNAPSHOT_LEN + 1], CHECK, 1),
            Err(SealedError::TooLarge)
        );
    }
}
