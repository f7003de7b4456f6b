//! Touch and mouse input through real programs: `less --mouse` scrolled by wheel
//! events (SGR encoding), through our server and stock `mosh-server`; the modes
//! `screen()` reports; and nothing typed at a shell that did not ask for the mouse.

mod support;

use std::time::{Duration, Instant};

use mosh_ffi::{
    KeyModifiers, MouseAction, MouseButton, MouseEncoding, MouseEvent, MouseTracking, Session,
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
    // At the shell nobody asked for the mouse: events send nothing.
    assert_eq!(session.screen().modes.mouse_tracking, MouseTracking::Off);
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
    // A swipe up the screen: wheel down, five steps.
    for _ in 0..5 {
        session
            .send_mouse(at(MouseAction::WheelDown, 10, 10))
            .unwrap();
    }
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
