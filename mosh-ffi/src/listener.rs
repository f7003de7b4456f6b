//! Events to the app, pulled or pushed. Each consumer (a view, a tab thumbnail, a
//! logger) has its own coalesced stream: [`EventStream`] to await batches (what the
//! Kotlin `Flow` and Swift `AsyncSequence` wrap), or a [`SessionListener`] the
//! library calls, registered with `Session::subscribe`, whose [`Subscription`]
//! stops it when cancelled or dropped. Neither keeps the session alive.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use mosh_core::runtime::{EventStream as CoreStream, SessionEvent, shared_runtime};
use mosh_core::terminal::clipboard::decode_clipboard;
use tokio::task::AbortHandle;

use crate::error::{ListenerError, MoshError};
use crate::status::{CloseReason, Status};

/// Something the app may react to. Events are coalesced: a slow consumer gets
/// fewer, fuller events, never a growing backlog, and never loses the newest title,
/// clipboard, status or the end.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum Event {
    /// The screen changed: redraw these rows (empty when only the cursor moved) from
    /// `Session.screen()`. Indices are below the screen's height when delivered; read
    /// `screen()` and check, since a resize may follow at any time. A new stream's
    /// first event names every row.
    ScreenChanged {
        /// Changed rows, ascending.
        rows: Vec<u16>,
    },
    /// For apps with their own terminal widget (output mode VT or both): feed these
    /// bytes to it. Each stream's first one draws the whole screen.
    VtOutput {
        /// VT100/xterm bytes.
        bytes: Vec<u8>,
    },
    /// Lines scrolled off the top into the scrollback: read them with
    /// `Session.scrollback(from, count)`. A new stream's first batch counts every
    /// line held (a restored session's saved lines too).
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
    /// The remote program wrote to the clipboard (OSC 52), decoded: put `bytes`
    /// (usually UTF-8 text) on the system clipboard. Queries and malformed writes
    /// make no event.
    Clipboard {
        /// The selection written: `c`, the clipboard (the only one mosh carries).
        selection: String,
        /// What it wrote.
        bytes: Vec<u8>,
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

impl Event {
    /// The app's form of a runtime event; `None` for the desktop escape key's.
    fn from_core(event: SessionEvent) -> Option<Event> {
        Some(match event {
            SessionEvent::ScreenChanged { rows } => Event::ScreenChanged { rows },
            SessionEvent::VtOutput(bytes) => Event::VtOutput { bytes },
            SessionEvent::ScrollbackAdded { added } => Event::ScrollbackAdded { added },
            SessionEvent::TitleChanged(title) => Event::TitleChanged { title },
            SessionEvent::Bell => Event::Bell,
            SessionEvent::Clipboard(payload) => {
                let write = decode_clipboard(&payload)?;
                Event::Clipboard {
                    selection: write.selection,
                    bytes: write.bytes,
                }
            }
            SessionEvent::StatusChanged(status) => Event::StatusChanged {
                status: (*status).into(),
            },
            SessionEvent::Closed(reason) => Event::Closed {
                reason: reason.into(),
            },
            // Desktop escape-key events: apps configure no escape key.
            SessionEvent::SuspendRequested | SessionEvent::RepaintRequested => return None,
        })
    }
}

/// One consumer's events of a session. `next()` waits for what changed since the
/// previous call and returns it as one batch; `null`/`nil` once the batch with
/// `Closed` was returned or after `cancel()`. It does not keep the session alive.
/// Awaiting it holds no thread.
#[derive(Debug, uniffi::Object)]
pub struct EventStream(CoreStream);

impl EventStream {
    pub(crate) fn new(stream: CoreStream) -> Arc<EventStream> {
        Arc::new(EventStream(stream))
    }

    async fn next_batch(&self) -> Option<Vec<Event>> {
        loop {
            let events: Vec<Event> = self
                .0
                .next()
                .await?
                .into_iter()
                .filter_map(Event::from_core)
                .collect();
            if !events.is_empty() {
                return Some(events);
            }
        }
    }
}

#[uniffi::export]
impl EventStream {
    /// The next batch of events, in the order a view needs them (screen, then
    /// scrollback, title, bell, clipboard, status, the end).
    pub async fn next(&self) -> Option<Vec<Event>> {
        self.next_batch().await
    }

    /// Ends the stream: a waiting and every later `next()` return `null`/`nil`.
    pub fn cancel(&self) {
        self.0.cancel();
    }
}

/// The app's receiver of session events, registered with `Session::subscribe`.
/// Called on one of the library's few event threads (shared by every session), one
/// event at a time per subscription: hop to the UI thread to draw, and return
/// promptly (a listener that blocks holds one of those threads; its own events
/// coalesce meanwhile). An exception thrown here is logged and delivery goes on.
/// Every `Session` method may be called from it.
#[uniffi::export(with_foreign)]
pub trait SessionListener: Send + Sync {
    /// One event.
    fn on_event(&self, event: Event) -> Result<(), ListenerError>;
}

/// A registered listener. Delivery goes on while this handle lives: `cancel()` or
/// dropping it (Kotlin `close()` or garbage collection, Swift release) stops it
/// and releases the listener. The library holds the listener only through it, so a
/// listener may hold its session strongly without keeping it alive for ever.
#[derive(Debug, uniffi::Object)]
pub struct Subscription {
    stream: Arc<EventStream>,
    task: Option<AbortHandle>,
}

impl Subscription {
    /// Calls `listener` with `stream`'s events from the library's blocking pool
    /// (a small fixed set of threads, however many sessions run).
    pub(crate) fn start(
        stream: Arc<EventStream>,
        listener: Arc<dyn SessionListener>,
    ) -> Result<Arc<Subscription>, MoshError> {
        let runtime = shared_runtime().map_err(|error| MoshError::Internal {
            detail: error.to_string(),
        })?;
        let events = stream.clone();
        let task = runtime.spawn(async move {
            while let Some(batch) = events.next_batch().await {
                let listener = listener.clone();
                let stream = events.clone();
                let delivered = tokio::task::spawn_blocking(move || {
                    for event in batch {
                        // Cancelled while a batch was being delivered: stop at once.
                        if stream.0.is_cancelled() {
                            return;
                        }
                        deliver(&*listener, event);
                    }
                })
                .await;
                if delivered.is_err() {
                    return;
                }
            }
        });
        Ok(Arc::new(Subscription {
            stream,
            task: Some(task.abort_handle()),
        }))
    }
}

/// One event to the app's listener: an exception or a panic is logged, never
/// propagated.
fn deliver(listener: &dyn SessionListener, event: Event) {
    match catch_unwind(AssertUnwindSafe(|| listener.on_event(event))) {
        Ok(Ok(())) => {}
        Ok(Err(error)) => tracing::warn!(%error, "session listener threw; session goes on"),
        Err(_) => tracing::warn!("session listener panicked; session goes on"),
    }
}

#[uniffi::export]
impl Subscription {
    /// Stops delivery: no call starts after this returns (one running on another
    /// thread finishes), and the listener is released.
    pub fn cancel(&self) {
        self.stream.cancel();
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.cancel();
    }
}
