//! Client and server session logic on top of SSP and the terminal (sans-IO).

pub mod cursor_keys;
pub mod escape_key;
