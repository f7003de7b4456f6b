//! Keys an app's keyboard or key bar sends, encoded by the library for the remote
//! program's current modes.

use mosh_core::terminal::keyboard::{Key as CoreKey, KeyModifiers as CoreModifiers};

/// A key that is not plain text, or a character typed with modifiers.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum Key {
    /// Up arrow.
    Up,
    /// Down arrow.
    Down,
    /// Left arrow.
    Left,
    /// Right arrow.
    Right,
    /// Home.
    Home,
    /// End.
    End,
    /// Page up.
    PageUp,
    /// Page down.
    PageDown,
    /// Insert.
    Insert,
    /// Delete (forward).
    Delete,
    /// Backspace.
    Backspace,
    /// Tab (Shift-Tab with `shift`).
    Tab,
    /// Enter.
    Enter,
    /// Escape.
    Escape,
    /// F1 to F12.
    Function {
        /// 1 to 12; others send nothing.
        number: u8,
    },
    /// Characters typed with modifiers (Ctrl-C is `Character("c")` with `ctrl`).
    Character {
        /// The characters; each is sent with the modifiers.
        text: String,
    },
}

/// Modifier keys held with a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, uniffi::Record)]
pub struct KeyModifiers {
    /// Shift.
    #[uniffi(default = false)]
    pub shift: bool,
    /// Alt / Option / Meta.
    #[uniffi(default = false)]
    pub alt: bool,
    /// Control.
    #[uniffi(default = false)]
    pub ctrl: bool,
}

impl From<KeyModifiers> for CoreModifiers {
    fn from(m: KeyModifiers) -> Self {
        CoreModifiers {
            shift: m.shift,
            alt: m.alt,
            ctrl: m.ctrl,
        }
    }
}

/// What a [`Key`] is for the runtime: a key of the terminal, or characters.
pub(crate) enum KeyInput {
    Key(CoreKey),
    Characters(String),
}

impl From<Key> for KeyInput {
    fn from(key: Key) -> Self {
        KeyInput::Key(match key {
            Key::Up => CoreKey::Up,
            Key::Down => CoreKey::Down,
            Key::Left => CoreKey::Left,
            Key::Right => CoreKey::Right,
            Key::Home => CoreKey::Home,
            Key::End => CoreKey::End,
            Key::PageUp => CoreKey::PageUp,
            Key::PageDown => CoreKey::PageDown,
            Key::Insert => CoreKey::Insert,
            Key::Delete => CoreKey::Delete,
            Key::Backspace => CoreKey::Backspace,
            Key::Tab => CoreKey::Tab,
            Key::Enter => CoreKey::Enter,
            Key::Escape => CoreKey::Escape,
            Key::Function { number } => CoreKey::Function(number),
            Key::Character { text } => return KeyInput::Characters(text),
        })
    }
}
