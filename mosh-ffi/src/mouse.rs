//! Touch and mouse input for the remote program, and the terminal modes a view needs
//! to choose its gestures: the library encodes pointer events for the program's mouse
//! mode and encoding (`mosh-core/src/terminal/mouse.rs`) and sends nothing to a
//! program that did not ask for the mouse.

use mosh_core::session::ScreenModes;
use mosh_core::terminal::mouse as core;

use crate::keys::KeyModifiers;

/// A mouse button.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum MouseButton {
    /// The primary button (a tap).
    Left,
    /// The middle button.
    Middle,
    /// The secondary button (a long press, say).
    Right,
}

/// What the pointer did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum MouseAction {
    /// A button went down.
    Press {
        /// Which.
        button: MouseButton,
    },
    /// A button went up.
    Release {
        /// Which.
        button: MouseButton,
    },
    /// The pointer moved with a button held.
    Drag {
        /// Which.
        button: MouseButton,
    },
    /// The pointer moved with no button held.
    Move,
    /// One wheel step up (a swipe down the screen: earlier content).
    WheelUp,
    /// One wheel step down (a swipe up: later content).
    WheelDown,
}

/// A pointer event at a cell of the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct MouseEvent {
    /// What happened.
    pub action: MouseAction,
    /// Column, from 0 at the left.
    pub column: u16,
    /// Row, from 0 at the top.
    pub row: u16,
    /// Modifier keys held.
    pub modifiers: KeyModifiers,
}

impl From<MouseButton> for core::MouseButton {
    fn from(button: MouseButton) -> Self {
        match button {
            MouseButton::Left => core::MouseButton::Left,
            MouseButton::Middle => core::MouseButton::Middle,
            MouseButton::Right => core::MouseButton::Right,
        }
    }
}

impl From<MouseEvent> for core::MouseEvent {
    fn from(event: MouseEvent) -> Self {
        core::MouseEvent {
            action: match event.action {
                MouseAction::Press { button } => core::MouseAction::Press(button.into()),
                MouseAction::Release { button } => core::MouseAction::Release(button.into()),
                MouseAction::Drag { button } => core::MouseAction::Drag(button.into()),
                MouseAction::Move => core::MouseAction::Move,
                MouseAction::WheelUp => core::MouseAction::WheelUp,
                MouseAction::WheelDown => core::MouseAction::WheelDown,
            },
            column: event.column,
            row: event.row,
            modifiers: event.modifiers.into(),
        }
    }
}

/// Where a swipe went (`Session.scroll`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ScrollTarget {
    /// The remote program takes wheel events: they were sent.
    Program,
    /// It does not: scroll the view's local scrollback by the same lines.
    Scrollback,
}

impl From<core::ScrollTarget> for ScrollTarget {
    fn from(target: core::ScrollTarget) -> Self {
        match target {
            core::ScrollTarget::Program => ScrollTarget::Program,
            core::ScrollTarget::Scrollback => ScrollTarget::Scrollback,
        }
    }
}

/// Which pointer events the remote program wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum MouseTracking {
    /// None: gestures are the view's own (scroll local scrollback, select text).
    Off,
    /// Button presses only (X10, mode 9).
    Presses,
    /// Presses, releases and the wheel (1000; highlight tracking 1001 alike).
    Clicks,
    /// Also motion while a button is held (1002).
    Drags,
    /// All motion (1003).
    AnyMotion,
}

/// How the program wants pointer positions written (the library does it; for
/// information).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum MouseEncoding {
    /// Bytes (positions up to 223).
    Default,
    /// UTF-8 (1005).
    Utf8,
    /// SGR decimal (1006).
    Sgr,
    /// urxvt decimal (1015).
    Urxvt,
}

/// The terminal modes the remote program set that a view needs to choose gestures
/// and drawing. mosh carries neither the cursor shape nor whether the alternate
/// screen is active (the server draws whichever screen is): a full-screen program is
/// usually one that asked for the mouse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct TerminalModes {
    /// Which pointer events to send (`send_mouse` sends nothing when `Off`).
    pub mouse_tracking: MouseTracking,
    /// How positions are written.
    pub mouse_encoding: MouseEncoding,
    /// Focus in/out reports wanted (`send_focus`; 1004).
    pub focus_events: bool,
    /// Pastes are bracketed (2004; `paste` does it).
    pub bracketed_paste: bool,
    /// Cursor keys in application mode (`send_key` does it).
    pub application_cursor_keys: bool,
    /// The whole screen in reverse video (draw the default colours swapped).
    pub reverse_video: bool,
}

impl From<ScreenModes> for TerminalModes {
    fn from(modes: ScreenModes) -> Self {
        TerminalModes {
            mouse_tracking: match modes.mouse.reporting {
                None => MouseTracking::Off,
                Some(9) => MouseTracking::Presses,
                Some(1000 | 1001) => MouseTracking::Clicks,
                Some(1002) => MouseTracking::Drags,
                Some(1003) => MouseTracking::AnyMotion,
                Some(_) => MouseTracking::Off,
            },
            mouse_encoding: match modes.mouse.encoding {
                Some(1005) => MouseEncoding::Utf8,
                Some(1006) => MouseEncoding::Sgr,
                Some(1015) => MouseEncoding::Urxvt,
                _ => MouseEncoding::Default,
            },
            focus_events: modes.mouse.focus,
            bracketed_paste: modes.bracketed_paste,
            application_cursor_keys: modes.application_cursor_keys,
            reverse_video: modes.reverse_video,
        }
    }
}
