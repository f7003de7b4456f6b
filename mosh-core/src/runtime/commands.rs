//! What a front end asks of the session task.

use tokio::sync::oneshot;
use zeroize::Zeroizing;

use crate::terminal::keyboard::{Key, KeyModifiers};
use crate::terminal::mouse::MouseEvent;

/// A snapshot, or `None` when the session cannot be saved (closed, or never had a
/// server address).
pub(crate) type SnapshotReply = oneshot::Sender<Option<Zeroizing<Vec<u8>>>>;

/// One command for the session task.
#[derive(Debug)]
pub(crate) enum Command {
    /// Bytes typed (through the escape key when the front end configured one).
    Typed(Vec<u8>),
    /// A key, encoded for the remote program's current modes.
    Key(Key, KeyModifiers),
    /// A character with modifiers (Ctrl-C, Alt-x).
    Char(char, KeyModifiers),
    /// Pasted text, bracketed when the remote program asked for it.
    Paste(String),
    /// A pointer event, reported if the remote program asked for the mouse.
    Mouse(MouseEvent),
    /// The view gained or lost focus, reported if the program asked (1004).
    Focus(bool),
    /// The window changed size (never 0×0: the handle refuses that).
    Resize(u16, u16),
    /// Data saver: the most scrollback lines the server sends from now on.
    ScrollbackBudget(u32),
    /// The OS network path changed.
    NetworkChanged,
    /// The app leaves the foreground; the reply is a snapshot to store.
    EnterBackground(SnapshotReply),
    /// Enter the background without a reply (asked while the name was resolving).
    Background,
    /// The app is back.
    EnterForeground,
    /// A snapshot to store.
    Snapshot(SnapshotReply),
    /// Stop for good without the shutdown handshake, after replying with a
    /// snapshot taken once sending stopped (the server keeps the remote shell).
    Detach(SnapshotReply),
    /// Start the polite shutdown, showing `message` in the notification bar while it
    /// runs.
    Close(Option<String>),
}
