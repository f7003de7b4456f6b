//! Events to the app: a foreign trait the app implements (a Kotlin interface, a Swift
//! protocol), called on the library's delivery thread of each session.

use std::sync::Arc;

use mosh_core::runtime::{SessionEvent, SessionListener as CoreListener};

use crate::error::ListenerError;
use crate::status::{CloseReason, Status};

/// Something the app may react to. Events are coalesced: a slow listener gets fewer,
/// fuller events, never a growing backlog.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum Event {
    /// The screen changed: redraw these rows (empty when only the cursor moved) from
    /// `Session.screen()`. Indices are below the screen's height when delivered; read
    /// `screen()` and check, since a resize may follow at any time.
    ScreenChanged {
        /// Changed rows, ascending.
        rows: Vec<u16>,
    },
    /// For apps with their own terminal widget (output mode VT or both): feed these
    /// bytes to it. The first one draws the whole screen.
    VtOutput {
        /// VT100/xterm bytes.
        bytes: Vec<u8>,
    },
    /// Lines scrolled off the top into the scrollback: read them with
    /// `Session.scrollback(from, count)`.
    ScrollbackAdded {
        /// Lines added since the last such event (coalesced; more than the bound
        /// when the oldest went meanwhile).
        added: u64,
    },
    /// The window title changed.
    TitleChanged {
        /// The new title.
        title: String,
    },
    /// The bell rang.
    Bell,
    /// The remote program wrote to the clipboard (OSC 52, as sent: usually
    /// `c;` followed by base64).
    Clipboard {
        /// The payload.
        text: String,
    },
    /// The connection status changed.
    StatusChanged {
        /// The new status.
        status: Status,
    },
    /// The session ended; the last event.
    Closed {
        /// Why.
        reason: CloseReason,
    },
}

/// The app's receiver of session events. Called on a library thread (one per
/// session), one event at a time: hop to the UI thread to draw. An exception thrown
/// here is logged and the session goes on. Every `Session` method may be called from
/// it.
///
/// The library holds the listener until the session's `Closed` event. A listener
/// that holds its `Session` strongly therefore keeps it alive: call `shutdown()` when
/// the UI is done with a session, or release it (the Kotlin and Swift layers do so on `close()` /
/// cancellation), or let the listener hold the session weakly.
#[uniffi::export(with_foreign)]
pub trait SessionListener: Send + Sync {
    /// One event.
    fn on_event(&self, event: Event) -> Result<(), ListenerError>;
}

/// The runtime's listener, forwarding to the app's.
pub(crate) struct ListenerBridge(pub Arc<dyn SessionListener>);

impl CoreListener for ListenerBridge {
    fn on_event(&self, event: SessionEvent) {
        let event = match event {
            SessionEvent::ScreenChanged { rows } => Event::ScreenChanged { rows },
            SessionEvent::VtOutput(bytes) => Event::VtOutput { bytes },
            SessionEvent::ScrollbackAdded { added } => Event::ScrollbackAdded { added },
            SessionEvent::TitleChanged(title) => Event::TitleChanged { title },
            SessionEvent::Bell => Event::Bell,
            SessionEvent::Clipboard(text) => Event::Clipboard { text },
            SessionEvent::StatusChanged(status) => Event::StatusChanged {
                status: status.into(),
            },
            SessionEvent::Closed(reason) => Event::Closed {
                reason: reason.into(),
            },
            // Desktop escape-key events: apps configure no escape key.
            SessionEvent::SuspendRequested | SessionEvent::RepaintRequested => return,
        };
        if let Err(error) = self.0.on_event(event) {
            tracing::warn!(%error, "session listener threw; session goes on");
        }
    }
}
