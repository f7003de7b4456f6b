//! Session key, nonces and AES-128-OCB3 (protocol.md §2–§4).

pub mod cipher;
pub mod key;
pub mod nonce;
pub mod sequence_plan;

pub use cipher::{OpenError, SealError, SessionCipher};
pub use key::{KeyError, SessionKey};
pub use nonce::{Direction, Nonce, Role, SeqCounter, SeqExhausted, SeqOutOfRange};
pub use sequence_plan::{PlanError, SequencePlan, TicksExhausted};
