//! Speculative local echo end to end (`prediction.md`): our mosh-client in tmux,
//! our mosh-server running bash, and the impairment proxy adding 250 ms each way.
//! The round trip is ≥ 500 ms, so whatever shows within it is a prediction.

mod prediction_support;

use std::path::Path;
use std::time::{Duration, Instant};

use prediction_support::{ROUND_TRIP, session, styled_line};

fn our_client() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_mosh-client"))
}

#[test]
fn typing_shows_at_once_underlined_then_confirmed() {
    let (_server, _proxy, pane) = session("typing", our_client());
    // The first keystroke's epoch must be confirmed by an echo first.
    pane.type_text("e");
    pane.wait_timed("the expected screen", Duration::from_secs(5), |s| {
        s.contains("$ e")
    });
    std::thread::sleep(Duration::from_millis(200));

    pane.type_text("cho hello world");
    let (_, shown_after) = pane.wait_timed("the expected screen", ROUND_TRIP, |s| {
        s.contains("$ echo hello world")
    });
    assert!(shown_after < ROUND_TRIP, "shown after {shown_after:?}");
    let styled = pane.text_with_attributes();
    let line = styled_line(&styled, "hello");
    assert!(
        line.contains("\x1b[4m"),
        "prediction not underlined: {line:?}"
    );

    // Once the echo is back the text stays and the underline goes.
    let start = Instant::now();
    loop {
        let styled = pane.text_with_attributes();
        let line = styled_line(&styled, "hello");
        if !line.contains("\x1b[4m") {
            assert!(pane.text().contains("$ echo hello world"));
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(3),
            "still underlined: {line:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    pane.keys(&["Enter"]);
    pane.wait_timed("the expected screen", Duration::from_secs(5), |s| {
        s.lines().any(|line| line.trim_end() == "hello world")
    });
}

#[test]
fn echo_off_leaks_nothing_after_the_repair() {
    let (_server, _proxy, pane) = session("secret", our_client());
    pane.type_text("sleep 2; read -s x; echo \"[$x]\"");
    pane.wait_timed("the expected screen", Duration::from_secs(5), |s| {
        s.contains("echo \"[$x]\"")
    });
    pane.keys(&["Enter"]);
    let entered = Instant::now();
    // Typed while `sleep` runs (once bash has taken the line): the terminal still
    // echoes it, which confirms the new epoch.
    std::thread::sleep(Duration::from_millis(800));
    pane.type_text("a");
    pane.wait_timed("the expected screen", Duration::from_secs(5), |s| {
        s.lines().any(|line| line.trim_end() == "a")
    });
    // Wait for `read -s` to switch echo off.
    std::thread::sleep(Duration::from_millis(2800).saturating_sub(entered.elapsed()));
    pane.type_text("bcd");
    let (_, shown_after) = pane.wait_timed("the expected screen", ROUND_TRIP, |s| {
        s.lines().any(|l| l.trim_end() == "abcd")
    });
    assert!(shown_after < ROUND_TRIP);
    // The server's acknowledgement without an echo removes the guesses.
    let (screen, _) = pane.wait_timed("the expected screen", Duration::from_secs(3), |s| {
        s.lines().any(|l| l.trim_end() == "a") && !s.contains("abcd")
    });
    assert!(!screen.contains("bcd"), "{screen}");
    pane.keys(&["Enter"]);
    let (screen, _) = pane.wait_timed("the expected screen", Duration::from_secs(5), |s| {
        s.contains("[abcd]")
    });
    assert_eq!(screen.matches("bcd").count(), 1, "{screen}");
}

#[test]
fn notification_bar_counts_up_while_the_link_is_down() {
    let (_server, proxy, pane) = session("blackout", our_client());
    let blackout = Duration::from_secs(9);
    let start = Instant::now();
    proxy.handle.blackout(blackout);
    let bar = |s: &str| {
        s.lines().next().is_some_and(|top| {
            top.starts_with("mosh: Last contact ")
                && top
                    .trim_end()
                    .ends_with(" seconds ago. [To quit: Ctrl-^ .]")
        })
    };
    let (screen, _) = pane.wait_timed("the expected screen", Duration::from_secs(9), bar);
    // The last server state may have been in flight when the blackout began.
    let shown_after = start.elapsed();
    assert!(
        shown_after >= Duration::from_millis(6000) && shown_after < Duration::from_millis(8500),
        "bar after {shown_after:?}:\n{screen}"
    );
    let styled = pane.text_with_attributes();
    let top = styled.lines().next().unwrap_or_default();
    assert!(top.contains("\x1b[1m") && top.contains("44m"), "{top:?}");
    // Contact again: the bar goes and the prompt is back on row 0.
    pane.wait_timed(
        "the expected screen",
        blackout + Duration::from_secs(5),
        |s| !bar(s) && s.lines().next() == Some("$"),
    );
}
