//! Events from a session to its front ends, coalesced per consumer. The task
//! records what changed in every open [`EventStream`]'s fixed-size `Pending` (sets
//! and latest values, never a list); a consumer takes all of it when it asks for
//! the next events. A consumer slower than the screen changes gets fewer, fuller
//! batches; memory never grows with how far behind it is, and no thread is held
//! while nobody asks.
//!
//! Consumers pull (`EventStream::next`, awaited on any executor: a Kotlin
//! coroutine, a Swift task, tokio), or a [`SessionListener`] is called on a thread
//! ([`deliver_on_thread`]) for front ends that want callbacks.

use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};

use tokio::sync::Notify;

use crate::frontend::local_terminal::{LocalTerminal, capabilities_for_term};
use crate::session::{CloseReason, ConnectionStatus};

use super::config::OutputMode;
use super::published::Published;

/// Something a front end may react to. Delivered in order of kind, coalesced; the app
/// hops to its UI thread to draw.
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
    StatusChanged(Box<ConnectionStatus>),
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

/// What changed since a consumer last took its events. Fixed size: sets and
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
    }
}

/// One consumer's pending changes and its wake-up.
#[derive(Debug, Default)]
struct Queue {
    pending: Mutex<Pending>,
    ready: Notify,
    cancelled: AtomicBool,
}

impl Queue {
    fn update(&self, change: &dyn Fn(&mut Pending)) {
        change(&mut self.pending.lock().unwrap_or_else(PoisonError::into_inner));
        // A permit is kept when nobody waits, so a change between a consumer's
        // look and its wait is never missed.
        self.ready.notify_one();
    }

    fn take(&self) -> Pending {
        std::mem::take(&mut *self.pending.lock().unwrap_or_else(PoisonError::into_inner))
    }

    fn wake_all(&self) {
        self.ready.notify_waiters();
        self.ready.notify_one();
    }
}

/// What every consumer shares: the open streams, and what a stream opened later
/// must be told at once.
#[derive(Debug, Default)]
struct Consumers {
    queues: Vec<Weak<Queue>>,
    title: Option<String>,
    ended: Option<CloseReason>,
}

/// The task's side of event delivery: fans each change out to the open streams.
#[derive(Debug, Clone, Default)]
pub(crate) struct Mailbox(Arc<Mutex<Consumers>>);

impl Mailbox {
    fn update(&self, change: impl Fn(&mut Pending)) {
        let mut consumers = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        // Streams dropped by their consumers go here.
        consumers.queues.retain(|queue| match queue.upgrade() {
            Some(queue) => {
                queue.update(&change);
                true
            }
            None => false,
        });
    }

    pub(super) fn screen_changed(&self, rows: Vec<u16>) {
        self.update(|p| {
            p.screen = true;
            p.rows.extend(rows.iter().copied());
        });
    }

    pub(super) fn scrollback_added(&self, lines: u64) {
        self.update(|p| p.scrollback_added = p.scrollback_added.saturating_add(lines));
    }

    pub(super) fn title(&self, title: String) {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).title = Some(title.clone());
        self.update(|p| p.title = Some(title.clone()));
    }

    pub(super) fn bell(&self) {
        self.update(|p| p.bell = true);
    }

    pub(super) fn clipboard(&self, text: String) {
        self.update(|p| p.clipboard = Some(text.clone()));
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

    /// The session ended; the first reason given is the one every consumer hears.
    pub(super) fn closed(&self, reason: CloseReason) {
        {
            let mut consumers = self.0.lock().unwrap_or_else(PoisonError::into_inner);
            if consumers.ended.is_some() {
                return;
            }
            consumers.ended = Some(reason);
        }
        self.update(|p| p.closed = Some(reason));
    }

    /// A stream that starts with what a new consumer needs to draw: every row, the
    /// scrollback held (as lines added), the status, the title, and the end if the
    /// session already ended.
    pub(super) fn open(&self, published: Published, output: OutputMode) -> EventStream {
        let queue = Arc::new(Queue::default());
        let mut consumers = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let height = u16::try_from(published.frame().height()).unwrap_or(u16::MAX);
        let held = published.scrollback_len() as u64;
        queue.update(&|p| {
            p.screen = true;
            p.rows = (0..height).collect();
            p.scrollback_added = held;
            p.status = Some(published.status());
            p.title.clone_from(&consumers.title);
            p.closed = consumers.ended;
        });
        consumers.queues.push(Arc::downgrade(&queue));
        EventStream {
            queue,
            published,
            output,
            painter: Mutex::new(None),
            ended: AtomicBool::new(false),
        }
    }

    #[cfg(test)]
    fn streams(&self) -> usize {
        self.0.lock().unwrap().queues.len()
    }
}

/// One consumer's events of a session, coalesced: [`EventStream::next`] returns
/// everything that changed since the previous call, in one batch. Independent of
/// the session's lifetime: it does not keep the session alive, and it ends with
/// [`SessionEvent::Closed`] however the session ends (a session whose every handle
/// was dropped ends as [`CloseReason::Detached`]). Dropping or cancelling it stops
/// delivery to it.
#[derive(Debug)]
pub struct EventStream {
    queue: Arc<Queue>,
    published: Published,
    output: OutputMode,
    /// VT output is painted per consumer for an xterm-compatible widget (SwiftTerm,
    /// Termux's view): each widget has its own idea of what it shows.
    painter: Mutex<Option<LocalTerminal>>,
    ended: AtomicBool,
}

impl EventStream {
    /// Waits for the next batch of events; `None` once the batch with
    /// [`SessionEvent::Closed`] was returned, or after [`EventStream::cancel`].
    /// Polled on any executor: it needs no runtime.
    pub async fn next(&self) -> Option<Vec<SessionEvent>> {
        loop {
            if let Some(batch) = self.try_next() {
                return (!batch.is_empty()).then_some(batch);
            }
            self.queue.ready.notified().await;
        }
    }

    /// The events pending now without waiting: `None` when nothing is pending,
    /// `Some(empty)` when the stream has ended.
    pub fn try_next(&self) -> Option<Vec<SessionEvent>> {
        if self.is_finished() {
            return Some(Vec::new());
        }
        let pending = self.queue.take();
        if pending.is_empty() {
            return None;
        }
        let events = self.events(pending);
        if matches!(events.last(), Some(SessionEvent::Closed(_))) {
            self.ended.store(true, Ordering::Release);
            self.queue.wake_all();
        }
        // Changes a consumer of this output mode does not see (a screen change of
        // a VT widget that painted nothing) make no batch.
        (!events.is_empty()).then_some(events)
    }

    /// Stops the stream: a waiting and every later [`EventStream::next`] returns
    /// `None`.
    pub fn cancel(&self) {
        self.queue.cancelled.store(true, Ordering::Release);
        self.queue.wake_all();
    }

    /// Whether the stream ended (closed and delivered, or cancelled).
    pub fn is_finished(&self) -> bool {
        self.ended.load(Ordering::Acquire) || self.is_cancelled()
    }

    /// Whether [`EventStream::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.queue.cancelled.load(Ordering::Acquire)
    }

    fn events(&self, pending: Pending) -> Vec<SessionEvent> {
        let mut events = Vec::new();
        if pending.screen {
            if self.output.vt() {
                let mut painter = self.painter.lock().unwrap_or_else(PoisonError::into_inner);
                let painter = painter.get_or_insert_with(|| {
                    LocalTerminal::new(capabilities_for_term("xterm-256color"), 1, 1, None)
                });
                let bytes = painter.paint(&self.published.frame());
                if !bytes.is_empty() {
                    events.push(SessionEvent::VtOutput(bytes));
                }
            }
            if self.output.screen() {
                // Rows of a taller screen before a resize are gone now.
                let height = self.published.frame().height();
                events.push(SessionEvent::ScreenChanged {
                    rows: pending
                        .rows
                        .into_iter()
                        .filter(|&row| usize::from(row) < height)
                        .collect(),
                });
            }
        }
        if pending.scrollback_added > 0 {
            events.push(SessionEvent::ScrollbackAdded {
                added: pending.scrollback_added,
            });
        }
        events.extend(pending.title.map(SessionEvent::TitleChanged));
        if pending.bell {
            events.push(SessionEvent::Bell);
        }
        events.extend(pending.clipboard.map(SessionEvent::Clipboard));
        if pending.repaint {
            events.push(SessionEvent::RepaintRequested);
        }
        if pending.suspend {
            events.push(SessionEvent::SuspendRequested);
        }
        events.extend(
            pending
                .status
                .map(|status| SessionEvent::StatusChanged(Box::new(status))),
        );
        events.extend(pending.closed.map(SessionEvent::Closed));
        events
    }
}

/// Calls `listener` with `stream`'s events on a thread of its own (named
/// `mosh-events`) until the stream ends: for a front end with one session and
/// callbacks (the desktop client). A listener that panics is logged and the
/// session goes on.
pub fn deliver_on_thread(
    stream: EventStream,
    listener: Arc<dyn SessionListener>,
) -> std::io::Result<()> {
    let runtime = super::shared_runtime()?;
    std::thread::Builder::new()
        .name("mosh-events".into())
        .spawn(move || {
            while let Some(events) = runtime.block_on(stream.next()) {
                for event in events {
                    call_listener(&*listener, event);
                }
            }
        })
        .map(|_| ())
}

/// One event to a listener; a panic is logged, never propagated.
pub fn call_listener(listener: &dyn SessionListener, event: SessionEvent) {
    let name = event.name();
    if catch_unwind(AssertUnwindSafe(|| listener.on_event(event))).is_err() {
        tracing::warn!(event = name, "session listener panicked; session goes on");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::published::View;

    fn stream(mailbox: &Mailbox) -> EventStream {
        mailbox.open(Published::new(View::new(80, 24), 0), OutputMode::Screen)
    }

    #[test]
    fn a_consumer_that_never_reads_costs_a_fixed_amount() {
        let mailbox = Mailbox::default();
        let stream = stream(&mailbox);
        stream.try_next().unwrap();
        for i in 0..100_000u32 {
            mailbox.screen_changed(vec![(i % 50) as u16]);
            mailbox.title(format!("title {i}"));
            mailbox.bell();
        }
        assert_eq!(stream.queue.pending.lock().unwrap().rows.len(), 50);
        let events = stream.try_next().unwrap();
        assert!(events.contains(&SessionEvent::TitleChanged("title 99999".into())));
        assert!(events.contains(&SessionEvent::Bell));
        assert!(stream.try_next().is_none(), "everything was taken");
    }

    #[test]
    fn a_new_stream_starts_with_every_row_the_status_the_title_and_the_end() {
        let mailbox = Mailbox::default();
        mailbox.title("vim".into());
        mailbox.closed(CloseReason::ServerExited);
        mailbox.closed(CloseReason::Detached);
        let events = stream(&mailbox).try_next().unwrap();
        assert_eq!(
            events[0],
            SessionEvent::ScreenChanged {
                rows: (0..24).collect()
            }
        );
        assert!(events.contains(&SessionEvent::TitleChanged("vim".into())));
        assert!(matches!(
            events[events.len() - 2],
            SessionEvent::StatusChanged(_)
        ));
        assert_eq!(
            events.last(),
            Some(&SessionEvent::Closed(CloseReason::ServerExited)),
            "the first end given is the one heard"
        );
    }

    #[test]
    fn each_stream_gets_every_change_and_a_dropped_one_is_forgotten() {
        let mailbox = Mailbox::default();
        let (first, second) = (stream(&mailbox), stream(&mailbox));
        first.try_next();
        second.try_next();
        mailbox.bell();
        assert_eq!(first.try_next(), Some(vec![SessionEvent::Bell]));
        assert_eq!(second.try_next(), Some(vec![SessionEvent::Bell]));
        drop(second);
        mailbox.bell();
        assert_eq!(mailbox.streams(), 1);
    }

    #[test]
    fn a_stream_ends_after_the_close_and_after_a_cancel() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let mailbox = Mailbox::default();
        let (closing, cancelled) = (stream(&mailbox), stream(&mailbox));
        mailbox.closed(CloseReason::Closed);
        let last = runtime.block_on(closing.next()).unwrap();
        assert_eq!(
            last.last(),
            Some(&SessionEvent::Closed(CloseReason::Closed))
        );
        assert_eq!(runtime.block_on(closing.next()), None);
        cancelled.cancel();
        assert_eq!(runtime.block_on(cancelled.next()), None);
    }

    #[test]
    fn a_waiting_consumer_wakes_for_a_change_made_on_another_thread() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let mailbox = Mailbox::default();
        let stream = stream(&mailbox);
        stream.try_next();
        let sender = mailbox.clone();
        let thread = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(20));
            sender.bell();
        });
        assert_eq!(
            runtime.block_on(stream.next()),
            Some(vec![SessionEvent::Bell])
        );
        thread.join().unwrap();
    }
}
