//! The 16-byte session key and its 22-character printable form (protocol.md §2).

use core::fmt;
use core::str::FromStr;

use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// Length of the raw AES-128 key in bytes.
pub const KEY_LEN: usize = 16;

/// Length of the printable key: base64 of 16 bytes without the `==` padding.
pub const PRINTABLE_KEY_LEN: usize = 22;

const BASE64_ALPHABET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Why a printable key was refused. The variants mirror the three checks stock
/// `mosh-client` makes, so an app can show the same reason the stock client would.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The key is not exactly 22 characters long (padding `==` is not accepted).
    #[error("session key must be 22 characters long, got {0} bytes")]
    WrongLength(usize),
    /// A character outside the standard base64 alphabet (the offending byte is not
    /// echoed back, so a mistyped key never ends up in a log).
    #[error("session key must be well-formed base64 (bad character at position {0})")]
    NotBase64(usize),
    /// 22 base64 characters whose last one carries non-zero padding bits, so they do
    /// not re-encode to themselves: not the printed form of a 128-bit key.
    #[error("session key is not the encoding of a 128-bit key")]
    NotCanonical,
}

/// The AES-128 key shared by client and server for one mosh session.
///
/// The bytes are wiped when the value is dropped, and neither `Debug` nor `Display`
/// reveals them: the printable form is only available through
/// [`SessionKey::to_printable`], which callers use deliberately (for example to build
/// the `MOSH CONNECT` line).
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct SessionKey {
    bytes: [u8; KEY_LEN],
}

impl SessionKey {
    /// Wraps raw key bytes.
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        Self { bytes }
    }

    /// A fresh key from the operating system's random number generator, as
    /// `mosh-server` makes one for every session.
    pub fn generate() -> Result<Self, getrandom::Error> {
        let mut bytes = [0u8; KEY_LEN];
        getrandom::fill(&mut bytes)?;
        Ok(Self { bytes })
    }

    /// Parses the 22-character form printed by `mosh-server` (`MOSH CONNECT <port> <key>`)
    /// and passed to `mosh-client` in `MOSH_KEY`.
    ///
    /// ```
    /// use mosh_core::crypto::{KeyError, SessionKey};
    ///
    /// let key = SessionKey::parse("AAECAwQFBgcICQoLDA0ODw").unwrap();
    /// assert_eq!(key.as_bytes()[15], 0x0f);
    /// assert_eq!(SessionKey::parse("AAECAwQFBgcICQoLDA0ODx"), Err(KeyError::NotCanonical));
    /// ```
    pub fn parse(printable: &str) -> Result<Self, KeyError> {
        let text = printable.as_bytes();
        if text.len() != PRINTABLE_KEY_LEN {
            return Err(KeyError::WrongLength(text.len()));
        }
        // 22 sextets = 132 bits; the first 128 are the key, the last 4 must be zero.
        let mut acc: u128 = 0;
        let mut last = 0u8;
        for (position, &c) in text.iter().enumerate() {
            let sextet = sextet_of(c).ok_or(KeyError::NotBase64(position))?;
            if position + 1 == PRINTABLE_KEY_LEN {
                last = sextet;
            } else {
                acc = (acc << 6) | u128::from(sextet);
            }
        }
        if last & 0x0F != 0 {
            acc.zeroize();
            return Err(KeyError::NotCanonical);
        }
        // 21 full sextets hold 126 bits; the last sextet contributes its top 2 bits.
        acc = (acc << 2) | u128::from(last >> 4);
        let key = Self {
            bytes: acc.to_be_bytes(),
        };
        acc.zeroize();
        Ok(key)
    }

    /// The 22-character printable form (standard base64 without padding), wiped
    /// when the returned value is dropped.
    pub fn to_printable(&self) -> Zeroizing<String> {
        let mut value = u128::from_be_bytes(self.bytes);
        let mut out = Zeroizing::new(String::with_capacity(PRINTABLE_KEY_LEN));
        for index in 0..PRINTABLE_KEY_LEN {
            // Sextet i covers bits [128 + 4 - 6(i+1), 128 + 4 - 6i) of the value padded
            // with 4 zero bits at the end.
            let shift = 132 - 6 * (index + 1);
            let sextet = if shift >= 4 {
                (value >> (shift - 4)) & 0x3F
            } else {
                (value << (4 - shift)) & 0x3F
            };
            out.push(BASE64_ALPHABET[sextet as usize] as char);
        }
        value.zeroize();
        out
    }

    /// The raw key bytes, for building the cipher.
    pub fn as_bytes(&self) -> &[u8; KEY_LEN] {
        &self.bytes
    }
}

fn sextet_of(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

impl FromStr for SessionKey {
    type Err = KeyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Debug for SessionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionKey(<redacted>)")
    }
}

impl SessionKey {
    /// A public name for this key: the first 8 bytes of AES-128 under the key of a
    /// fixed block (a key check value). It tells keys apart (to file state per key)
    /// and says nothing usable about the key; it is never a nonce.
    pub fn check_value(&self) -> [u8; 8] {
        use aes::cipher::{BlockCipherEncrypt, KeyInit};
        let cipher = aes::Aes128::new(self.as_bytes().into());
        let mut block = aes::Block::from(*b"mosh nonce floor");
        cipher.encrypt_block(&mut block);
        let mut out = [0u8; 8];
        out.copy_from_slice(&block[..8]);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_the_sequential_key() {
        let key = SessionKey::parse("AAECAwQFBgcICQoLDA0ODw").unwrap();
        let expected: [u8; 16] = core::array::from_fn(|i| i as u8);
        assert_eq!(key.as_bytes(), &expected);
        assert_eq!(key.to_printable().as_str(), "AAECAwQFBgcICQoLDA0ODw");
    }

    #[test]
    fn round_trips_extreme_keys() {
        for bytes in [[0u8; 16], [0xFF; 16], [0x80; 16], [0x01; 16]] {
            let key = SessionKey::from_bytes(bytes);
            let printed = key.to_printable();
            assert_eq!(printed.len(), PRINTABLE_KEY_LEN);
            assert_eq!(
                SessionKey::parse(&printed).unwrap(),
                key,
                "{}",
                printed.as_str()
            );
        }
        assert_eq!(
            SessionKey::from_bytes([0xFF; 16]).to_printable().as_str(),
            "/////////////////////w"
        );
    }

    #[test]
    fn rejects_each_kind_of_bad_key() {
        assert_eq!(
            SessionKey::parse("AAECAwQFBgcICQoLDA0OD"),
            Err(KeyError::WrongLength(21))
        );
        assert_eq!(
            SessionKey::parse("AAECAwQFBgcICQoLDA0OD!"),
            Err(KeyError::NotBase64(21))
        );
        assert_eq!(
            SessionKey::parse("AAECAwQFBgcICQoLDA0ODx"),
            Err(KeyError::NotCanonical)
        );
        assert_eq!(
            SessionKey::parse("AAECAwQ=BgcICQoLDA0ODw"),
            Err(KeyError::NotBase64(7))
        );
        assert_eq!(
            SessionKey::parse("AAECAwQFBgcICQoLDA0ODw=="),
            Err(KeyError::WrongLength(24))
        );
        assert_eq!(
            SessionKey::parse("AAECAwQFBgcICQoLDA0OD\u{e9}"),
            Err(KeyError::WrongLength(23))
        );
    }

    #[test]
    fn debug_never_shows_key_material() {
        let key = SessionKey::parse("AAECAwQFBgcICQoLDA0ODw").unwrap();
        let shown = format!("{key:?}");
        assert!(!shown.contains("AAECAw"));
        assert!(!shown.contains("0, 1, 2"));
        assert_eq!(shown, "SessionKey(<redacted>)");
    }
}
