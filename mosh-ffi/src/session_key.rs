//! The session key as an object whose string form never shows it: a record field of
//! type `String` is printed whole by the generated Kotlin `toString()` and Swift
//! `description`, so `ConnectInfo` and `ConnectConfig` hold this instead, and the
//! key's bytes live once, in Rust, zeroized when the last reference goes.

use std::sync::Arc;

use mosh_core::crypto::SessionKey as CoreKey;
use zeroize::Zeroizing;

use crate::error::MoshError;

/// A mosh session key (from `MOSH CONNECT`). Printing it in any language (Kotlin
/// `toString()`, Swift `description`, Rust `Debug`) shows only its fingerprint;
/// equality compares the keys.
#[derive(uniffi::Object)]
#[uniffi::export(Debug, Eq)]
pub struct SessionKey(CoreKey);

impl SessionKey {
    pub(crate) fn new(key: CoreKey) -> Arc<SessionKey> {
        Arc::new(SessionKey(key))
    }

    /// The key itself, for the runtime.
    pub(crate) fn key(&self) -> &CoreKey {
        &self.0
    }
}

#[uniffi::export]
impl SessionKey {
    /// Parses the 22-character printable key (surrounding whitespace allowed). The
    /// string passed in is zeroized on the Rust side; the caller's own copy is its
    /// to drop.
    #[uniffi::constructor]
    pub fn parse(printable: String) -> Result<Arc<SessionKey>, MoshError> {
        let printable = Zeroizing::new(printable);
        Ok(SessionKey::new(CoreKey::parse(printable.trim())?))
    }

    /// A public name of the key (16 hex digits: the first 8 bytes of AES under the
    /// key of a fixed block): for logs and for matching a stored session to a key,
    /// never usable to recover it.
    pub fn fingerprint(&self) -> String {
        self.0
            .check_value()
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }
}

impl std::fmt::Debug for SessionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "SessionKey(<redacted>, fingerprint {})",
            self.fingerprint()
        )
    }
}

impl PartialEq for SessionKey {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl Eq for SessionKey {}
