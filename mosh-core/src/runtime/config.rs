//! What a front end passes to start a session.

use crate::crypto::SessionKey;
use crate::frontend::DisplayConfig;
use crate::frontend::escape_key::EscapeKeyConfig;
use crate::session::scrollback::DEFAULT_SCROLLBACK_LINES;

use super::nonce_store::NonceStore;

/// Which outputs the session's listener receives besides the structured screen
/// (`mobile-api.md`: structured screen, VT byte stream, or both).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputMode {
    /// Screen-changed events with the changed rows; the app reads
    /// [`SessionHandle::screen`](super::SessionHandle::screen).
    #[default]
    Screen,
    /// VT output bytes for apps that feed their own terminal widget.
    Vt,
    /// Both.
    Both,
}

impl OutputMode {
    /// Whether VT output is wanted.
    pub fn vt(self) -> bool {
        matches!(self, OutputMode::Vt | OutputMode::Both)
    }

    /// Whether screen-changed events are wanted.
    pub fn screen(self) -> bool {
        matches!(self, OutputMode::Screen | OutputMode::Both)
    }
}

/// How a front end wants the session shown and fed (for connect and restore alike).
#[derive(Debug, Clone)]
pub struct SessionOptions {
    /// Prediction and notification-bar settings.
    pub display: DisplayConfig,
    /// The desktop client's escape key (`Ctrl-^ .` quits); `None` for apps, whose
    /// input goes to the server as it is.
    pub escape_key: Option<EscapeKeyConfig>,
    /// Which outputs the listener receives.
    pub output: OutputMode,
    /// Where to reserve sequence numbers per key before sending, so that no nonce
    /// repeats even if the device clock goes backwards between restores (see
    /// [`NonceStore`]); `None` relies on the wall clock.
    pub nonce_store: Option<NonceStore>,
    /// Lines of scrollback to keep (default
    /// [`DEFAULT_SCROLLBACK_LINES`]; at most
    /// [`MAX_SCROLLBACK_LINES`](crate::session::scrollback::MAX_SCROLLBACK_LINES);
    /// 0 keeps none).
    pub scrollback_lines: usize,
    /// Lines of scrollback a snapshot carries, newest first (0: none; a snapshot
    /// never holds more than the session keeps, nor more than its size bound).
    pub saved_scrollback_lines: usize,
}

impl Default for SessionOptions {
    fn default() -> Self {
        SessionOptions {
            display: DisplayConfig::default(),
            escape_key: None,
            output: OutputMode::default(),
            nonce_store: None,
            scrollback_lines: DEFAULT_SCROLLBACK_LINES,
            saved_scrollback_lines: usize::MAX,
        }
    }
}

/// A session to connect.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    /// The server: a host name (resolved on the runtime, IPv6 and IPv4, each address
    /// tried in turn until one answers) or an IPv4/IPv6 literal (`[::1]` or `::1`).
    pub host: String,
    /// The UDP port from `MOSH CONNECT`.
    pub port: u16,
    /// The session key from `MOSH CONNECT`.
    pub key: SessionKey,
    /// Window width in cells.
    pub columns: u16,
    /// Window height in cells.
    pub rows: u16,
    /// Display, input and output options.
    pub options: SessionOptions,
}
