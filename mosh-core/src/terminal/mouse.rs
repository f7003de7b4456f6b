//! Mouse and focus reports for the remote program, encoded for the modes it set
//! (xterm's protocol, as `less --mouse`, vim, tmux and htop read it): which events it
//! wants (X10 `9`, normal `1000`, button-event `1002`, any-event `1003`; focus `1004`)
//! and how coordinates are written (default, UTF-8 `1005`, SGR `1006`, urxvt `1015`).
//! A phone view turns a touch or a swipe into these; nothing is sent when the program
//! did not ask for that kind of event, so a gesture never types stray bytes.

use super::Framebuffer;
use super::keyboard::KeyModifiers;

/// A mouse button.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MouseButton {
    /// The primary button (a tap).
    Left,
    /// The middle button.
    Middle,
    /// The secondary button (a long press, say).
    Right,
}

impl MouseButton {
    fn code(self) -> u16 {
        match self {
            MouseButton::Left => 0,
            MouseButton::Middle => 1,
            MouseButton::Right => 2,
        }
    }
}

/// What the pointer did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MouseAction {
    /// A button went down.
    Press(MouseButton),
    /// A button went up.
    Release(MouseButton),
    /// The pointer moved with a button held.
    Drag(MouseButton),
    /// The pointer moved with no button held.
    Move,
    /// One step of the wheel (a swipe down scrolls the content up: wheel up).
    WheelUp,
    /// One step of the wheel the other way.
    WheelDown,
}

/// A pointer event at a cell (0-based column and row of the screen).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MouseEvent {
    /// What happened.
    pub action: MouseAction,
    /// Column, from 0.
    pub column: u16,
    /// Row, from 0.
    pub row: u16,
    /// Modifier keys held (not reported in X10 mode).
    pub modifiers: KeyModifiers,
}

/// Where a swipe goes (see [`wheel_target`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScrollTarget {
    /// The remote program takes wheel events: they were sent.
    Program,
    /// It does not: the view scrolls its local scrollback.
    Scrollback,
}

/// Most wheel steps one swipe sends: a fling of a thousand lines is a few screens
/// for a program that scrolls by three lines a step, not a megabyte of input.
pub const MAX_SWIPE_STEPS: u32 = 100;

/// Where a swipe at (`column`, `row`) goes for a program in `modes`: to the program
/// when it would be sent a wheel event there, else to the local scrollback.
pub fn wheel_target(modes: MouseModes, column: u16, row: u16) -> ScrollTarget {
    let wheel = MouseEvent {
        action: MouseAction::WheelDown,
        column,
        row,
        modifiers: KeyModifiers::default(),
    };
    if encode_mouse(&wheel, modes).is_some() {
        ScrollTarget::Program
    } else {
        ScrollTarget::Scrollback
    }
}

/// X10 compatibility: button presses only.
const X10: u16 = 9;
/// Normal tracking: presses, releases, the wheel.
const NORMAL: u16 = 1000;
/// Highlight tracking: treated as normal tracking.
const HIGHLIGHT: u16 = 1001;
/// Button-event tracking: also motion while a button is held.
const BUTTON_EVENT: u16 = 1002;
/// Any-event tracking: all motion.
const ANY_EVENT: u16 = 1003;
/// UTF-8 coordinates.
const UTF8: u16 = 1005;
/// SGR: decimal numbers, and releases that name their button.
const SGR: u16 = 1006;
/// urxvt: decimal numbers in the default's order.
const URXVT: u16 = 1015;

/// The program's mouse modes, as the screen says them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MouseModes {
    /// Which events are reported (`None`: the program does not want the mouse).
    pub reporting: Option<u16>,
    /// How coordinates are written (`None`: the default encoding).
    pub encoding: Option<u16>,
    /// Focus in/out reports (1004).
    pub focus: bool,
}

impl MouseModes {
    /// The modes of `frame` (the server's screen).
    pub fn of(frame: &Framebuffer) -> MouseModes {
        MouseModes {
            reporting: frame.mouse_reporting(),
            encoding: frame.mouse_encoding(),
            focus: frame.mouse_focus_events(),
        }
    }
}

/// The bytes reporting `event` to a program in `modes`, or `None` when it did not ask
/// for this kind of event (or the position cannot be written in its encoding: beyond
/// column or row 223 in the default one, 2015 in UTF-8).
pub fn encode_mouse(event: &MouseEvent, modes: MouseModes) -> Option<Vec<u8>> {
    let reporting = modes.reporting?;
    let (button, release) = match (event.action, reporting) {
        (MouseAction::Press(button), _) => (button.code(), false),
        (MouseAction::Release(_), X10) => return None,
        (MouseAction::Release(button), _) => (button.code(), true),
        (MouseAction::WheelUp, X10) | (MouseAction::WheelDown, X10) => return None,
        (MouseAction::WheelUp, _) => (64, false),
        (MouseAction::WheelDown, _) => (65, false),
        (MouseAction::Drag(button), BUTTON_EVENT | ANY_EVENT) => (32 + button.code(), false),
        (MouseAction::Move, ANY_EVENT) => (32 + 3, false),
        (MouseAction::Drag(_) | MouseAction::Move, _) => return None,
    };
    if !matches!(
        reporting,
        X10 | NORMAL | HIGHLIGHT | BUTTON_EVENT | ANY_EVENT
    ) {
        return None;
    }
    let modifiers = if reporting == X10 {
        0
    } else {
        let m = event.modifiers;
        u16::from(m.shift) * 4 + u16::from(m.alt) * 8 + u16::from(m.ctrl) * 16
    };
    let (x, y) = (u32::from(event.column) + 1, u32::from(event.row) + 1);
    match modes.encoding {
        Some(SGR) => {
            let final_byte = if release { 'm' } else { 'M' };
            Some(format!("\x1b[<{};{x};{y}{final_byte}", button + modifiers).into_bytes())
        }
        Some(URXVT) => {
            let code = if release { 3 } else { button } + modifiers;
            Some(format!("\x1b[{};{x};{y}M", code + 32).into_bytes())
        }
        encoding => {
            let code = u32::from(if release { 3 } else { button } + modifiers) + 32;
            let mut out = b"\x1b[M".to_vec();
            for value in [code, x + 32, y + 32] {
                if encoding == Some(UTF8) {
                    let c = char::from_u32(value).filter(|_| value < 2048)?;
                    out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                } else {
                    out.push(u8::try_from(value).ok()?);
                }
            }
            Some(out)
        }
    }
}

/// The focus report for a program that asked for them (1004), else `None`.
pub fn encode_focus(focused: bool, modes: MouseModes) -> Option<Vec<u8>> {
    modes.focus.then(|| {
        if focused {
            b"\x1b[I".to_vec()
        } else {
            b"\x1b[O".to_vec()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(action: MouseAction, column: u16, row: u16) -> MouseEvent {
        MouseEvent {
            action,
            column,
            row,
            modifiers: KeyModifiers::default(),
        }
    }

    fn modes(reporting: u16, encoding: Option<u16>) -> MouseModes {
        MouseModes {
            reporting: Some(reporting),
            encoding,
            focus: false,
        }
    }

    const LEFT: MouseButton = MouseButton::Left;

    #[test]
    fn a_swipe_goes_where_a_wheel_event_would() {
        use ScrollTarget::{Program, Scrollback};
        assert_eq!(wheel_target(MouseModes::default(), 5, 5), Scrollback);
        assert_eq!(wheel_target(modes(1000, None), 5, 5), Program);
        assert_eq!(wheel_target(modes(1000, Some(1006)), 5, 5), Program);
        assert_eq!(wheel_target(modes(1003, Some(1006)), 5, 5), Program);
        // Beyond what the default encoding can write: the view keeps the swipe.
        assert_eq!(wheel_target(modes(1000, None), 300, 5), Scrollback);
        assert_eq!(wheel_target(modes(1000, Some(1006)), 300, 5), Program);
    }

    #[test]
    fn nothing_is_sent_to_a_program_that_did_not_ask() {
        let none = MouseModes::default();
        for action in [
            MouseAction::Press(LEFT),
            MouseAction::WheelUp,
            MouseAction::Move,
        ] {
            assert_eq!(encode_mouse(&at(action, 1, 1), none), None);
        }
        assert_eq!(encode_focus(true, none), None);
    }

    #[test]
    fn default_encoding_writes_bytes_offset_by_32() {
        let normal = modes(NORMAL, None);
        assert_eq!(
            encode_mouse(&at(MouseAction::Press(LEFT), 0, 0), normal).unwrap(),
            b"\x1b[M\x20\x21\x21"
        );
        // A release is button 3; the wheel is 64 and 65.
        assert_eq!(
            encode_mouse(&at(MouseAction::Release(LEFT), 9, 4), normal).unwrap(),
            b"\x1b[M\x23\x2a\x25"
        );
        assert_eq!(
            encode_mouse(&at(MouseAction::WheelDown, 0, 0), normal).unwrap(),
            b"\x1b[M\x61\x21\x21"
        );
        // Beyond column 223 the default encoding cannot say where.
        assert_eq!(
            encode_mouse(&at(MouseAction::Press(LEFT), 223, 0), normal),
            None
        );
        assert!(encode_mouse(&at(MouseAction::Press(LEFT), 222, 0), normal).is_some());
    }

    #[test]
    fn modifiers_add_4_8_16_except_in_x10() {
        let mut event = at(MouseAction::Press(MouseButton::Right), 0, 0);
        event.modifiers = KeyModifiers {
            shift: true,
            alt: true,
            ctrl: true,
        };
        assert_eq!(
            encode_mouse(&event, modes(NORMAL, Some(SGR))).unwrap(),
            b"\x1b[<30;1;1M"
        );
        assert_eq!(
            encode_mouse(&event, modes(X10, None)).unwrap(),
            b"\x1b[M\x22\x21\x21"
        );
    }

    #[test]
    fn each_mode_reports_only_its_events() {
        let drag = at(MouseAction::Drag(LEFT), 2, 3);
        let moved = at(MouseAction::Move, 2, 3);
        let release = at(MouseAction::Release(LEFT), 2, 3);
        let wheel = at(MouseAction::WheelUp, 2, 3);
        // X10: presses only.
        for event in [drag, moved, release, wheel] {
            assert_eq!(encode_mouse(&event, modes(X10, None)), None, "{event:?}");
        }
        // Normal: no motion.
        assert_eq!(encode_mouse(&drag, modes(NORMAL, None)), None);
        assert_eq!(encode_mouse(&moved, modes(NORMAL, None)), None);
        // Button-event: drags (32 + button), no bare motion.
        assert_eq!(
            encode_mouse(&drag, modes(BUTTON_EVENT, Some(SGR))).unwrap(),
            b"\x1b[<32;3;4M"
        );
        assert_eq!(encode_mouse(&moved, modes(BUTTON_EVENT, None)), None);
        // Any-event: bare motion is button 3 + 32.
        assert_eq!(
            encode_mouse(&moved, modes(ANY_EVENT, Some(SGR))).unwrap(),
            b"\x1b[<35;3;4M"
        );
        // An unknown reporting mode sends nothing.
        assert_eq!(encode_mouse(&wheel, modes(1234, None)), None);
    }

    #[test]
    fn sgr_urxvt_and_utf8_encodings() {
        let release = at(MouseAction::Release(MouseButton::Middle), 299, 99);
        // SGR names the released button and ends with `m`; no position limit.
        assert_eq!(
            encode_mouse(&release, modes(NORMAL, Some(SGR))).unwrap(),
            b"\x1b[<1;300;100m"
        );
        assert_eq!(
            encode_mouse(&at(MouseAction::WheelUp, 0, 0), modes(NORMAL, Some(SGR))).unwrap(),
            b"\x1b[<64;1;1M"
        );
        // urxvt: the default's codes in decimal.
        assert_eq!(
            encode_mouse(&release, modes(NORMAL, Some(URXVT))).unwrap(),
            b"\x1b[35;300;100M"
        );
        // UTF-8: coordinates past 95 take two bytes; past 2015 they cannot be said.
        let utf8 = encode_mouse(&release, modes(NORMAL, Some(UTF8))).unwrap();
        let mut expected = b"\x1b[M\x23".to_vec();
        expected.extend_from_slice("\u{14c}\u{84}".as_bytes());
        assert_eq!(utf8, expected);
        assert_eq!(
            encode_mouse(
                &at(MouseAction::Press(LEFT), 2015, 0),
                modes(NORMAL, Some(UTF8))
            ),
            None
        );
    }

    #[test]
    fn focus_reports_when_asked() {
        let focus = MouseModes {
            focus: true,
            ..MouseModes::default()
        };
        assert_eq!(encode_focus(true, focus).unwrap(), b"\x1b[I");
        assert_eq!(encode_focus(false, focus).unwrap(), b"\x1b[O");
    }
}
