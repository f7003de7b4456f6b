//! Events from a session to its front end, coalesced: the task records what changed
//! in a [`Mailbox`] of fixed size, and the session's delivery thread hands it to the
//! listener. A listener slower than the screen changes gets fewer, fuller events;
//! memory never grows with how far behind it is.

use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Condvar, Mutex, PoisonError};

use crate::frontend::local_terminal::{LocalTerminal, capabilities_for_term};
use crate::session::{CloseReason, ConnectionStatus};

use super::config::OutputMode;
use super::published::Published;

/// Something a front end may react to. Delivered on the session's delivery thread;
/// the app hops to its UI thread.
#[derive(Debug, Clone, PartialEq)]
pub enum SessionEvent {
    /// The displayed screen changed; `rows` are the rows that differ since the last
    /// event (empty when only the cursor moved). Read the screen with
    /// [`SessionHandle::screen`](super::SessionHandle::screen).
    ScreenChanged {
        /// Changed row indices, ascending.
        rows: Vec<u16>,
    },
    /// Bytes that turn the previously delivered display into the current one, for
    /// apps that feed their own terminal widget (predictions included). The first
    /// one draws the whole screen.
    VtOutput(Vec<u8>),
    /// Lines scrolled off the top into the scrollback: `added` since the last such
    /// event (more than the bound when the oldest went meanwhile). Read them with
    /// [`SessionHandle::scrollback`](super::SessionHandle::scrollback).
    ScrollbackAdded {
        /// Lines added.
        added: u64,
    },
    /// The window title changed.
    TitleChanged(String),
    /// The remote program rang the bell.
    Bell,
    /// The remote program wrote to the clipboard (OSC 52; the payload as sent).
    Clipboard(String),
    /// The connection status changed (state, background, or while waiting another
    /// second without contact).
    StatusChanged(ConnectionStatus),
    /// Desktop escape key then Ctrl-Z: the front end should suspend itself.
    SuspendRequested,
    /// Ctrl-L was typed: a front end painting a local terminal repaints it whole.
    RepaintRequested,
    /// The session ended; the last event.
    Closed(CloseReason),
}

impl SessionEvent {
    /// The variant's name, for logs.
    pub fn name(&self) -> &'static str {
        match self {
            SessionEvent::ScreenChanged { .. } => "ScreenChanged",
            SessionEvent::VtOutput(_) => "VtOutput",
            SessionEvent::ScrollbackAdded { .. } => "ScrollbackAdded",
            SessionEvent::TitleChanged(_) => "TitleChanged",
            SessionEvent::Bell => "Bell",
            SessionEvent::Clipboard(_) => "Clipboard",
            SessionEvent::StatusChanged(_) => "StatusChanged",
            SessionEvent::SuspendRequested => "SuspendRequested",
            SessionEvent::RepaintRequested => "RepaintRequested",
            SessionEvent::Closed(_) => "Closed",
        }
    }
}

/// A front end's receiver of events.
pub trait SessionListener: Send + Sync + 'static {
    /// Called on the session's delivery thread, one event at a time. A panic is
    /// caught and logged; the session goes on.
    fn on_event(&self, event: SessionEvent);
}

/// What changed since the delivery thread last looked. Fixed size: sets and
/// latest values, never a list of events.
#[derive(Debug, Default)]
struct Pending {
    screen: bool,
    rows: BTreeSet<u16>,
    scrollback_added: u64,
    title: Option<String>,
    bell: bool,
    clipboard: Option<String>,
    status: Option<ConnectionStatus>,
    suspend: bool,
    repaint: bool,
    closed: Option<CloseReason>,
    /// The task ended without a close (the handle was dropped): stop quietly.
    finished: bool,
}

impl Pending {
    fn is_empty(&self) -> bool {
        !self.screen
            && self.scrollback_added == 0
            && self.title.is_none()
            && !self.bell
            && self.clipboard.is_none()
            && self.status.is_none()
            && !self.suspend
            && !self.repaint
            && self.closed.is_none()
            && !self.finished
    }
}

/// The task's side of event delivery.
#[derive(Debug, Clone, Default)]
pub(crate) struct Mailbox(Arc<(Mutex<Pending>, Condvar)>);

impl Mailbox {
    fn update(&self, change: impl FnOnce(&mut Pending)) {
        let (pending, ready) = &*self.0;
        change(&mut pending.lock().unwrap_or_else(PoisonError::into_inner));
        ready.notify_one();
    }

    pub(super) fn screen_changed(&self, rows: Vec<u16>) {
        self.update(|p| {
            p.screen = true;
            p.rows.extend(rows);
        });
    }

    pub(super) fn scrollback_added(&self, lines: u64) {
        self.update(|p| p.scrollback_added = p.scrollback_added.saturating_add(lines));
    }

    pub(super) fn title(&self, title: String) {
        self.update(|p| p.title = Some(title));
    }

    pub(super) fn bell(&self) {
        self.update(|p| p.bell = true);
    }

    pub(super) fn clipboard(&self, text: String) {
        self.update(|p| p.clipboard = Some(text));
    }

    pub(super) fn status(&self, status: ConnectionStatus) {
        self.update(|p| p.status = Some(status));
    }

    pub(super) fn suspend(&self) {
        self.update(|p| p.suspend = true);
    }

    pub(super) fn repaint(&self) {
        self.update(|p| p.repaint = true);
    }

    pub(super) fn closed(&self, reason: CloseReason) {
        self.update(|p| p.closed = Some(reason));
    }

    pub(super) fn finished(&self) {
        self.update(|p| p.finished = true);
    }

    /// Waits until something is pending and takes all of it.
    fn take(&self) -> Pending {
        let (pending, ready) = &*self.0;
        let mut guard = pending.lock().unwrap_or_else(PoisonError::into_inner);
        while guard.is_empty() {
            guard = ready.wait(guard).unwrap_or_else(PoisonError::into_inner);
        }
        std::mem::take(&mut *guard)
    }

    #[cfg(test)]
    fn peek_rows(&self) -> usize {
        self.0.0.lock().unwrap().rows.len()
    }
}

/// Starts the delivery thread of one session. It ends after delivering
/// [`SessionEvent::Closed`], or when the task finished without one.
pub(crate) fn spawn_delivery(
    mailbox: Mailbox,
    published: Published,
    listener: Arc<dyn SessionListener>,
    output: OutputMode,
) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("mosh-events".into())
        .spawn(move || deliver(&mailbox, &published, &*listener, output))
        .map(|_| ())
}

fn deliver(
    mailbox: &Mailbox,
    published: &Published,
    listener: &dyn SessionListener,
    output: OutputMode,
) {
    // VT output is painted for an xterm-compatible widget (SwiftTerm, Termux's view).
    let mut vt = output
        .vt()
        .then(|| LocalTerminal::new(capabilities_for_term("xterm-256color"), 1, 1, None));
    loop {
        let pending = mailbox.take();
        let call = |event: SessionEvent| {
            let name = event.name();
            if catch_unwind(AssertUnwindSafe(|| listener.on_event(event))).is_err() {
                tracing::warn!(event = name, "session listener panicked; session goes on");
            }
        };
        if pending.screen {
            if let Some(painter) = vt.as_mut() {
                let bytes = painter.paint(&published.frame());
                if !bytes.is_empty() {
                    call(SessionEvent::VtOutput(bytes));
                }
            }
            if output.screen() {
                // Rows of a taller screen before a resize are gone now.
                let height = published.frame().height();
                call(SessionEvent::ScreenChanged {
                    rows: pending
                        .rows
                        .into_iter()
                        .filter(|&row| usize::from(row) < height)
                        .collect(),
                });
            }
        }
        if pending.scrollback_added > 0 {
            call(SessionEvent::ScrollbackAdded {
                added: pending.scrollback_added,
            });
        }
        if let Some(title) = pending.title {
            call(SessionEvent::TitleChanged(title));
        }
        if pending.bell {
            call(SessionEvent::Bell);
        }
        if let Some(text) = pending.clipboard {
            call(SessionEvent::Clipboard(text));
        }
        if pending.repaint {
            call(SessionEvent::RepaintRequested);
        }
        if pending.suspend {
            call(SessionEvent::SuspendRequested);
        }
        if let Some(status) = pending.status {
            call(SessionEvent::StatusChanged(status));
        }
        if let Some(reason) = pending.closed {
            call(SessionEvent::Closed(reason));
            return;
        }
        if pending.finished {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listener_that_never_reads_costs_a_fixed_amount() {
        let mailbox = Mailbox::default();
        for i in 0..100_000u32 {
            mailbox.screen_changed(vec![(i % 50) as u16]);
            mailbox.title(format!("title {i}"));
            mailbox.bell();
        }
        assert_eq!(mailbox.peek_rows(), 50);
        let pending = mailbox.take();
        assert_eq!(pending.title.as_deref(), Some("title 99999"));
        assert!(pending.bell && pending.screen);
    }
}
