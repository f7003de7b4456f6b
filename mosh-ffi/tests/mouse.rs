//! Touch and mouse input through real programs: `less --mouse` scrolled by wheel
//! events (SGR encoding) and `tmux` with `mouse on` switching panes by a click,
//! through our server and stock `mosh-server`; the modes
//! `screen()` reports; and nothing typed at a shell that did not ask for the mouse.

mod support;

use std::time::{Duration, Instant};

use mosh_ffi::{
    KeyModifiers, MouseAction, MouseButton, MouseEncoding, MouseEvent, MouseTracking, ScrollTarget,
    Session,
};
use support::{
    WAIT, connect_at_prompt, our_server, screen_text, stock_server, type_line, wait_for_text,
};

fn at(action: MouseAction, column: u16, row: u16) -> MouseEvent {
    MouseEvent {
        action,
        column,
        row,
        modifiers: KeyModifiers::default(),
    }
}

/// The first line `less` shows (the screen's top row, trimmed).
fn top_line(session: &Session) -> String {
    screen_text(session)
        .lines()
        .next()
        .unwrap_or("")
        .trim()
        .to_owned()
}

fn wheel_scrolls_less(host: &str, port: u16, key: &str) {
    let (session, _recorder) = connect_at_prompt(host, port, key);
    // At the shell nobody asked for the mouse: events send nothing, and a swipe is
    // the view's to scroll its scrollback.
    assert_eq!(session.screen().modes.mouse_tracking, MouseTracking::Off);
    assert_eq!(session.scroll(-3, 3, 3).unwrap(), ScrollTarget::Scrollback);
    session
        .send_mouse(at(
            MouseAction::Press {
                button: MouseButton::Left,
            },
            3,
            3,
        ))
        .unwrap();
    session
        .send_mouse(at(MouseAction::WheelDown, 3, 3))
        .unwrap();
    type_line(&session, "echo quiet''shell");
    wait_for_text(&session, "quietshell", WAIT);
    assert!(
        !screen_text(&session).contains("[<"),
        "mouse bytes reached the shell:\n{}",
        screen_text(&session)
    );

    type_line(
        &session,
        "seq -f 'row %g' 1 500 > /tmp/mouse-test-$$; less --mouse /tmp/mouse-test-$$",
    );
    let deadline = Instant::now() + WAIT;
    while session.screen().modes.mouse_tracking == MouseTracking::Off
        || top_line(&session) != "row 1"
    {
        assert!(
            Instant::now() < deadline,
            "less did not start:\n{}",
            screen_text(&session)
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let modes = session.screen().modes;
    assert_eq!(modes.mouse_tracking, MouseTracking::Clicks, "{modes:?}");
    assert_eq!(modes.mouse_encoding, MouseEncoding::Sgr, "{modes:?}");
    // A swipe up the screen: five lines, which go to less as wheel events.
    assert_eq!(session.scroll(5, 10, 10).unwrap(), ScrollTarget::Program);
    let deadline = Instant::now() + WAIT;
    while top_line(&session) == "row 1" {
        assert!(
            Instant::now() < deadline,
            "less did not scroll:\n{}",
            screen_text(&session)
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let scrolled: u32 = top_line(&session)
        .trim_start_matches("row ")
        .parse()
        .unwrap_or_else(|_| panic!("top line {:?}", top_line(&session)));
    assert!(scrolled > 1, "{scrolled}");
    // And back up.
    for _ in 0..5 {
        session
            .send_mouse(at(MouseAction::WheelUp, 10, 10))
            .unwrap();
    }
    let deadline = Instant::now() + WAIT;
    while top_line(&session) != "row 1" {
        assert!(
            Instant::now() < deadline,
            "less did not scroll back:\n{}",
            screen_text(&session)
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    session.send_input(b"q".to_vec()).unwrap();
    let deadline = Instant::now() + WAIT;
    while session.screen().modes.mouse_tracking != MouseTracking::Off {
        assert!(Instant::now() < deadline, "less left the mouse on");
        std::thread::sleep(Duration::from_millis(5));
    }
    type_line(&session, "rm -f /tmp/mouse-test-$$");
    session.shutdown();
}

#[test]
fn the_wheel_scrolls_less_through_our_server() {
    let server = our_server();
    wheel_scrolls_less("127.0.0.1", server.port, &server.key);
}

#[test]
fn the_wheel_scrolls_less_through_the_stock_server() {
    let server = stock_server();
    wheel_scrolls_less("127.0.0.1", server.port, &server.key);
}

/// Kills the tmux server of one socket name when the test ends, passed or not (the
/// tmux server outlives the mosh session that started it).
struct TmuxSocket(String);

impl Drop for TmuxSocket {
    fn drop(&mut self) {
        let _ = std::process::Command::new("tmux")
            .args(["-L", &self.0, "kill-server"])
            .stderr(std::process::Stdio::null())
            .status();
    }
}

/// The column where `needle` first appears on the screen, if it does.
fn column_of(session: &Session, needle: &str) -> Option<usize> {
    screen_text(session)
        .lines()
        .find_map(|line| line.find(needle).map(|byte| line[..byte].chars().count()))
}

/// Clicks at `column`, then types a command whose output says which pane took it.
fn click_then_echo(session: &Session, column: u16, tag: &str) -> usize {
    let left = MouseButton::Left;
    session
        .send_mouse(at(MouseAction::Press { button: left }, column, 5))
        .unwrap();
    session
        .send_mouse(at(MouseAction::Release { button: left }, column, 5))
        .unwrap();
    // The pane switch is drawn before the keys go, so a failure shows which pane
    // the click left active.
    std::thread::sleep(Duration::from_millis(300));
    type_line(session, &format!("echo {tag}$((6*7))"));
    let needle = format!("{tag}42");
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(column) = column_of(session, &needle) {
            return column;
        }
        assert!(
            Instant::now() < deadline,
            "no {needle}:\n{}",
            screen_text(session)
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn a_click_switches_tmux_panes(host: &str, port: u16, key: &str) {
    let (session, _recorder) = connect_at_prompt(host, port, key);
    let socket = TmuxSocket(format!("mosh-ffi-mouse-{}-{port}", std::process::id()));
    type_line(
        &session,
        &format!(
            "tmux -L {} -f /dev/null new-session \\; set -g mouse on \\; split-window -h",
            socket.0
        ),
    );
    let deadline = Instant::now() + WAIT;
    while session.screen().modes.mouse_tracking == MouseTracking::Off {
        assert!(
            Instant::now() < deadline,
            "tmux did not ask for the mouse:\n{}",
            screen_text(&session)
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(session.screen().modes.mouse_encoding, MouseEncoding::Sgr);
    // The new pane (the right one) is active; a click on the left moves there.
    assert!(click_then_echo(&session, 10, "L") < 40);
    assert!(click_then_echo(&session, 60, "R") > 40);
    assert!(click_then_echo(&session, 5, "B") < 40);
    drop(socket);
    session.shutdown();
}

#[test]
fn a_click_switches_tmux_panes_through_our_server() {
    let server = our_server();
    a_click_switches_tmux_panes("127.0.0.1", server.port, &server.key);
}

#[test]
fn a_click_switches_tmux_panes_through_the_stock_server() {
    let server = stock_server();
    a_click_switches_tmux_panes("127.0.0.1", server.port, &server.key);
}
