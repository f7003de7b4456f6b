//! What a client front end shows and how it reads keys, apart from the protocol
//! session a phone links: the displayed frame (the server's screen with local-echo
//! predictions and the notification bar's connection messages, the only user-facing
//! text in the library), painting it onto a VT terminal whose `$TERM` says what it can
//! do (the desktop client, and the runtime's VT-output events for terminal widgets),
//! and the desktop's escape key (`MOSH_ESCAPE_KEY`). Sans-IO like the session.

pub mod client_display;
pub mod escape_key;
pub mod local_terminal;
pub mod notification_bar;

pub use client_display::{ClientDisplay, DisplayConfig, TypedKeys};
pub use notification_bar::{NotificationBar, format_duration};
