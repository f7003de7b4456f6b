//! Client-side speculative local echo (`prediction.md`), sans-IO: the
//! [`PredictionEngine`] guesses what typed bytes will do to the screen, checks the
//! guesses against the server's frames and draws the surviving ones (the connection
//! messages on row 0 are the front end's: [`crate::frontend::NotificationBar`]).
//!
//! Per paint: [`PredictionEngine::set_server_feedback`], [`PredictionEngine::cull`]
//! against the server frame, [`PredictionEngine::apply`] onto a copy of it, then
//! [`NotificationBar::apply`](crate::frontend::NotificationBar::apply). Per read of typed bytes:
//! [`PredictionEngine::set_frame_sent`], then [`PredictionEngine::new_user_input`]
//! against the frame last painted.

mod apply;
mod cull;
mod display;
mod engine;
mod fresh_prompt;
mod in_flight;
mod input;
mod model;

#[cfg(test)]
mod tests;

pub use apply::PredictedCell;
pub use display::{PredictionDisplay, UnknownPredictionMode};
pub use engine::{CULL_INTERVAL, PASTE_THRESHOLD, PredictionEngine};
