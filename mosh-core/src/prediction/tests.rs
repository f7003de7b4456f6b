//! The prediction cases of `behaviour-cases.md` §D (P1–P14) and the rules of
//! `prediction.md` §4–§9, on a virtual clock.

use std::time::{Duration, Instant};

use super::*;
use crate::terminal::{Attributes, Emulator, Framebuffer};

/// A client painting before every read, one state sent per keystroke batch.
struct Harness {
    server: Emulator,
    engine: PredictionEngine,
    now: Instant,
    frame_sent: u64,
    late_ack: u64,
    interval: u64,
    displayed: Framebuffer,
    drawn: Vec<PredictedCell>,
}

impl Harness {
    fn new(mode: PredictionDisplay, width: usize, height: usize, host: &[u8]) -> Self {
        let mut server = Emulator::new(width, height);
        server.feed(host);
        let displayed = server.framebuffer().clone();
        let mut h = Harness {
            server,
            engine: PredictionEngine::new(mode, false),
            now: Instant::now(),
            frame_sent: 0,
            late_ack: 0,
            interval: 20,
            displayed,
            drawn: Vec::new(),
        };
        h.paint();
        h
    }

    fn paint(&mut self) {
        self.engine
            .set_server_feedback(self.late_ack, Duration::from_millis(self.interval));
        self.engine.cull(self.server.framebuffer(), self.now);
        let mut frame = self.server.framebuffer().clone();
        self.drawn = self.engine.apply(&mut frame);
        self.displayed = frame;
    }

    fn type_keys(&mut self, bytes: &[u8]) {
        self.paint();
        self.engine.set_frame_sent(self.frame_sent);
        let server = self.server.framebuffer().clone();
        let displayed = self.displayed.clone();
        self.engine
            .new_user_input(bytes, &server, &displayed, self.now);
        self.frame_sent += 1;
        self.paint();
    }

    /// The host writes `bytes` and the server state acknowledges every keystroke.
    fn echo(&mut self, bytes: &[u8]) {
        self.advance(60);
        self.server.feed(bytes);
        self.late_ack = self.frame_sent;
        self.paint();
    }

    fn advance(&mut self, ms: u64) {
        self.now += Duration::from_millis(ms);
    }

    fn row(&self, r: usize) -> String {
        self.displayed.rows()[r].text()
    }

    fn cursor(&self) -> (usize, usize) {
        self.displayed.cursor()
    }

    fn underlined(&self, row: usize, col: usize) -> bool {
        self.displayed
            .cell(row, col)
            .unwrap()
            .rendition()
            .attrs
            .contains(Attributes::UNDERLINE)
    }

    fn shows_server_frame(&self) -> bool {
        self.displayed == *self.server.framebuffer() && self.drawn.is_empty()
    }
}

/// Server shows `prompt`; `typed` is typed, echoed and confirmed.
fn confirmed(mode: PredictionDisplay, w: usize, h: usize, prompt: &str, typed: &str) -> Harness {
    let mut h = Harness::new(mode, w, h, prompt.as_bytes());
    h.type_keys(typed.as_bytes());
    h.echo(typed.as_bytes());
    h
}

#[test]
fn p1_first_keystroke_is_tentative_then_typing_shows_at_once() {
    // A program's prompt (a shell's is trusted at once: fresh_prompt.rs).
    let mut h = Harness::new(PredictionDisplay::Always, 12, 3, b"> ");
    h.type_keys(b"a");
    assert!(h.shows_server_frame());
    assert_eq!(h.row(0), ">");
    h.echo(b"a");
    assert_eq!(h.row(0), "> a");
    h.type_keys(b"bc");
    assert_eq!(h.row(0), "> abc");
    assert_eq!(h.cursor(), (0, 5));
    assert!(!h.underlined(0, 3) && !h.underlined(0, 4));
    assert_eq!(h.drawn.len(), 2);
    // The echo confirms and the display equals the server's frame again.
    h.echo(b"bc");
    assert!(h.shows_server_frame());
    assert!(!h.engine.has_active());
}

#[test]
fn p2_slow_link_underlines_until_confirmed() {
    let mut h = Harness::new(PredictionDisplay::Always, 12, 3, b"$ ");
    h.interval = 100;
    h.type_keys(b"a");
    h.echo(b"a");
    h.type_keys(b"bc");
    assert_eq!(h.row(0), "$ abc");
    assert!(h.underlined(0, 3) && h.underlined(0, 4));
    assert!(h.drawn.iter().all(|d| d.underlined));
    h.echo(b"bc");
    assert!(!h.underlined(0, 3) && !h.underlined(0, 4));
}

#[test]
fn p3_backspace_shifts_the_rest_of_the_line_left() {
    let mut h = confirmed(PredictionDisplay::Always, 10, 3, "$ abc\x08\x08", "");
    assert_eq!(h.cursor(), (0, 3));
    h.type_keys(b"x");
    h.echo(b"\x1b[@x");
    assert_eq!(h.row(0), "$ axbc");
    assert_eq!(h.cursor(), (0, 4));
    h.type_keys(b"\x7f");
    assert_eq!(h.row(0), "$ abc");
    assert_eq!(h.cursor(), (0, 3));
}

#[test]
fn p4_arrows_and_insertion_in_the_middle() {
    let mut h = confirmed(PredictionDisplay::Always, 12, 2, "$ ab", "c");
    h.type_keys(b"\x1bOD\x1bOD");
    assert_eq!(h.cursor(), (0, 3));
    h.type_keys(b"X");
    assert_eq!(h.row(0), "$ aXbc");
    assert_eq!(h.cursor(), (0, 4));
}

#[test]
fn p6_enter_starts_a_hidden_epoch_and_a_misplaced_guess_is_discarded() {
    let mut h = confirmed(PredictionDisplay::Always, 10, 3, "$ ax", "z");
    assert_eq!(h.row(0), "$ axz");
    h.type_keys(b"\r");
    assert_eq!(h.cursor(), (0, 5));
    h.type_keys(b"b");
    assert!(h.shows_server_frame());
    h.echo(b"\r\n$ b");
    assert!(h.shows_server_frame());
    // The fresh cursor prediction sits at the real cursor, in a new hidden epoch.
    h.type_keys(b"c");
    assert!(h.shows_server_frame());
    assert_eq!(h.cursor(), (1, 3));
    h.echo(b"c");
    h.type_keys(b"d");
    assert_eq!(h.row(1), "$ bcd");
}

#[test]
fn p7_last_column_starts_a_new_epoch() {
    let mut h = confirmed(PredictionDisplay::Always, 8, 3, "$ ", "a");
    h.type_keys(b"bcde");
    assert_eq!(h.row(0), "$ abcde");
    assert_eq!(h.cursor(), (0, 7));
    h.type_keys(b"f");
    assert_eq!(h.row(0), "$ abcde");
    assert_eq!(h.cursor(), (0, 7));
}

#[test]
fn p8_cursor_keys() {
    let mut h = confirmed(PredictionDisplay::Always, 12, 2, "$ ", "a");
    h.type_keys(b"\x1bOD");
    assert_eq!(h.cursor(), (0, 2));
    h.type_keys(b"\x1bOC\x1bOC\x1bOC");
    assert_eq!(h.cursor(), (0, 5));
    let before = h.displayed.clone();
    h.type_keys(b"\x1bOA");
    assert_eq!(h.displayed, before);
}

#[test]
fn p9_non_ascii_is_predicted_but_wide_characters_are_not() {
    let mut h = confirmed(PredictionDisplay::Always, 10, 2, "$ ", "a");
    h.type_keys("ü".as_bytes());
    assert_eq!(h.row(0), "$ aü");
    assert_eq!(h.cursor(), (0, 4));
    let before = h.displayed.clone();
    h.type_keys("中".as_bytes());
    assert_eq!(h.displayed, before);
}

#[test]
fn p11_glitch_trigger_in_adaptive_mode() {
    let mut h = confirmed(PredictionDisplay::Adaptive, 20, 3, "$ ", "a");
    assert!(h.shows_server_frame());
    h.type_keys(b"b");
    assert!(h.engine.poll_timeout(h.now).is_some());
    h.advance(100);
    h.paint();
    assert!(h.shows_server_frame());
    h.advance(150);
    h.paint();
    assert_eq!(h.row(0), "$ ab");
    assert!(!h.underlined(0, 3));
    h.advance(4750);
    h.paint();
    // Pending 5 s: glitch trigger 20 (flagging comes at the next cull).
    h.paint();
    assert!(h.underlined(0, 3));
    // Once both glitch and flagging hold, the 50 ms timer stops.
    assert_eq!(h.engine.poll_timeout(h.now), None);
    h.echo(b"b");
    // Ten quick confirmations, 150 ms apart, end the underlining.
    for i in 0..10 {
        h.advance(200);
        h.type_keys(b"x");
        assert!(h.underlined(0, 4 + i), "confirmation {i}");
        h.echo(b"x");
    }
    h.advance(200);
    h.type_keys(b"y");
    assert_eq!(h.row(0), "$ abxxxxxxxxxxy");
    assert!(!h.underlined(0, 14));
}

#[test]
fn p12_srtt_triggers_with_hysteresis() {
    let mut h = Harness::new(PredictionDisplay::Adaptive, 20, 3, b"$ ");
    h.interval = 40;
    h.type_keys(b"a");
    h.echo(b"a");
    h.type_keys(b"b");
    assert_eq!(h.row(0), "$ ab");
    assert!(!h.underlined(0, 3));
    h.interval = 90;
    h.paint();
    assert!(h.underlined(0, 3));
    h.interval = 50;
    h.paint();
    assert!(!h.underlined(0, 3));
    // Down to 20 with a prediction outstanding: still shown.
    h.interval = 20;
    h.type_keys(b"c");
    assert_eq!(h.row(0), "$ abc");
    h.echo(b"bc");
    h.paint();
    h.type_keys(b"d");
    assert_eq!(h.row(0), "$ abc");
}

#[test]
fn p13_experimental_shows_everything_at_once() {
    let mut h = Harness::new(PredictionDisplay::Experimental, 8, 3, b"\r\n\r\n$ ls");
    h.type_keys(b"\r");
    assert_eq!(h.row(2), "");
    assert_eq!(h.cursor(), (2, 0));
    h.type_keys(b"x");
    assert_eq!(h.row(2), "x");
}

#[test]
fn p14_never_mode_paste_and_resize() {
    let mut h = confirmed(PredictionDisplay::Never, 12, 3, "$ ", "a");
    h.type_keys(b"bc");
    assert!(h.shows_server_frame());
    assert!(!h.engine.has_active());

    let mut h = confirmed(PredictionDisplay::Always, 12, 3, "$ ", "a");
    h.type_keys(b"b");
    assert_eq!(h.row(0), "$ ab");
    h.type_keys(&[b'x'; PASTE_THRESHOLD + 1]);
    assert!(h.shows_server_frame());
    assert!(!h.engine.has_active());

    h.type_keys(b"b");
    h.engine.reset();
    h.paint();
    assert!(h.shows_server_frame());
    // A server-side size change resets too.
    h.type_keys(b"c");
    h.server.resize(10, 3);
    h.paint();
    assert!(!h.engine.has_active());
}

#[test]
fn echo_off_wrong_displayed_guess_is_repaired_within_one_round_trip() {
    // A password prompt after confirmed typing: the guesses are shown, the host
    // echoes nothing, and the acknowledgement removes them all.
    let mut h = confirmed(PredictionDisplay::Always, 20, 3, "$ ", "a");
    h.type_keys(b"secret");
    assert_eq!(h.row(0), "$ asecret");
    h.echo(b"");
    assert!(h.shows_server_frame());
    assert!(!h.engine.has_active());
    // Further typing is hidden again until an echo proves itself.
    h.type_keys(b"x");
    assert!(h.shows_server_frame());
}

#[test]
fn confirmation_adopts_the_real_colours() {
    let mut h = Harness::new(PredictionDisplay::Always, 12, 2, b"$ ");
    h.type_keys(b"a");
    h.type_keys(b"b");
    // The host echoes `a` in red: `b`, still predicted, turns red as well.
    h.advance(60);
    h.server.feed(b"\x1b[31ma");
    h.late_ack = 1;
    h.paint();
    assert_eq!(h.row(0), "$ ab");
    let red = h.server.framebuffer().cell(0, 2).unwrap().rendition();
    assert_eq!(h.displayed.cell(0, 3).unwrap().rendition(), red);
}

#[test]
fn retyping_what_the_screen_showed_earns_no_credit() {
    // The screen already shows `a` where `a` is typed: the epoch stays hidden.
    let mut h = Harness::new(PredictionDisplay::Always, 12, 2, b"$ a\x08");
    h.type_keys(b"a");
    h.echo(b"a");
    h.type_keys(b"b");
    assert!(h.shows_server_frame());
}

#[test]
fn overwrite_mode_does_not_shift() {
    let mut h = Harness::new(PredictionDisplay::Always, 12, 2, b"$ xyz\x08\x08\x08");
    h.engine = PredictionEngine::new(PredictionDisplay::Always, true);
    h.paint();
    h.type_keys(b"a");
    h.echo(b"a");
    h.type_keys(b"b");
    assert_eq!(h.row(0), "$ abz");
    h.type_keys(b"\x7f");
    assert_eq!(h.row(0), "$ a z");
    assert_eq!(h.cursor(), (0, 3));
}

#[test]
fn wake_timer_only_while_predictions_are_outstanding() {
    let mut h = Harness::new(PredictionDisplay::Always, 12, 2, b"$ ");
    assert_eq!(h.engine.poll_timeout(h.now), None);
    h.type_keys(b"a");
    assert_eq!(h.engine.poll_timeout(h.now), Some(h.now + CULL_INTERVAL));
    h.echo(b"a");
    assert_eq!(h.engine.poll_timeout(h.now), None);
}

#[test]
fn full_screen_editor_leaves_no_garbage() {
    // An editor in insert mode: echoes at the cursor and updates its status line.
    let mut h = Harness::new(
        PredictionDisplay::Always,
        20,
        4,
        b"\x1b[4;1H-- INSERT --  1,1\x1b[1;1H",
    );
    h.type_keys(b"h");
    h.echo(b"h\x1b[4;16H1,2\x1b[1;2H");
    h.type_keys(b"i");
    assert_eq!(h.row(0), "hi");
    h.echo(b"i\x1b[4;16H1,3\x1b[1;3H");
    assert!(h.shows_server_frame());
    // Escape to normal mode starts a new epoch: `x` (delete a character) and the
    // arrow are not shown, and the editor's real reaction replaces them cleanly.
    h.type_keys(b"\x1b");
    h.echo(b"\x1b[4;1H\x1b[K\x1b[4;16H1,2\x1b[1;2H");
    h.type_keys(b"x");
    assert!(h.shows_server_frame());
    h.echo(b"\x1b[K\x1b[4;16H1,1\x1b[1;1H");
    assert!(h.shows_server_frame());
    assert_eq!(h.row(0), "h");
    assert_eq!(h.row(3), "               1,1");
}

#[test]
fn a_shown_cursor_guess_proved_wrong_resets_everything() {
    let mut h = confirmed(PredictionDisplay::Always, 20, 3, "$ ", "a");
    h.type_keys(b"b");
    assert_eq!(h.cursor(), (0, 4));
    // The host echoes `b` but puts the cursor elsewhere (a redraw).
    h.echo(b"b\x1b[3;1H");
    assert!(h.shows_server_frame());
    assert!(!h.engine.has_active());
}

#[test]
fn a_wrong_guess_in_experimental_mode_drops_only_itself() {
    let mut h = Harness::new(PredictionDisplay::Experimental, 20, 3, b"$ ");
    h.type_keys(b"ab");
    assert_eq!(h.row(0), "$ ab");
    // The host echoes `a` and something else instead of `b`.
    h.echo(b"aX\x1b[D");
    assert_eq!(h.row(0), "$ aX");
    assert!(h.shows_server_frame());
}

mod never_leaves_garbage {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    enum Op {
        Type(Vec<u8>),
        Host(Vec<u8>),
        Wait(u64),
        SlowLink(bool),
    }

    fn keys() -> impl Strategy<Value = Vec<u8>> {
        prop::collection::vec(
            prop_oneof![
                Just(b"a".to_vec()),
                Just(b"xyz".to_vec()),
                Just(b"\x7f".to_vec()),
                Just(b"\r".to_vec()),
                Just(b"\x1bOC".to_vec()),
                Just(b"\x1bOD".to_vec()),
                Just(b"\x1bOA".to_vec()),
                Just("ü中".as_bytes().to_vec()),
                Just(vec![0xc3]),
                Just(b"\x1b".to_vec()),
            ],
            1..4,
        )
        .prop_map(|parts| parts.concat())
    }

    fn host() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            Just(b"a".to_vec()),
            Just(b"xyz".to_vec()),
            Just(b"\x08\x1b[P".to_vec()),
            Just(b"\r\n$ ".to_vec()),
            Just(b"\x1b[C".to_vec()),
            Just(b"\x1b[2J\x1b[H".to_vec()),
            Just(b"\x1b[31mq\x1b[m".to_vec()),
            Just(b"\x1b[@b".to_vec()),
            Just(Vec::new()),
        ]
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            3 => keys().prop_map(Op::Type),
            2 => host().prop_map(Op::Host),
            1 => (0u64..6000).prop_map(Op::Wait),
            1 => any::<bool>().prop_map(Op::SlowLink),
        ]
    }

    fn mode() -> impl Strategy<Value = PredictionDisplay> {
        prop_oneof![
            Just(PredictionDisplay::Adaptive),
            Just(PredictionDisplay::Always),
            Just(PredictionDisplay::Experimental),
            Just(PredictionDisplay::Never),
        ]
    }

    proptest! {
        /// Whatever was typed and whatever the host did, once the server has
        /// acknowledged every keystroke the display is exactly the server's frame.
        #[test]
        fn display_equals_server_once_everything_is_acknowledged(
            mode in mode(),
            width in 4usize..16,
            height in 2usize..5,
            ops in prop::collection::vec(op(), 0..40),
        ) {
            let mut h = Harness::new(mode, width, height, b"$ ");
            for op in ops {
                match op {
                    Op::Type(bytes) => h.type_keys(&bytes),
                    Op::Host(bytes) => h.echo(&bytes),
                    Op::Wait(ms) => {
                        h.advance(ms);
                        h.paint();
                    }
                    Op::SlowLink(slow) => h.interval = if slow { 125 } else { 20 },
                }
            }
            h.echo(b"");
            prop_assert!(h.drawn.is_empty(), "drawn {:?}", h.drawn);
            prop_assert_eq!(&h.displayed, h.server.framebuffer());
        }
    }
}

/// A wrong guess in a hidden epoch places a cursor where the host's cursor is. That
/// cursor expires with the state of the last keystroke: a heartbeat state the
/// client sent afterwards, which the server acknowledges only once it has output
/// to send, must not keep it pending. Otherwise the next line is predicted from
/// that old position, wrong, and typing never shows at once again.
#[test]
fn kill_epoch_cursor_expires_with_the_last_keystroke_not_a_later_heartbeat() {
    let mut h = Harness::new(PredictionDisplay::Always, 20, 4, b"$ ");
    // The host does not echo what was typed (an editor command, say).
    h.type_keys(b"a");
    // A heartbeat: a new client state without input.
    h.frame_sent += 1;
    h.advance(60);
    h.server.feed(b"b");
    h.late_ack = 1;
    h.paint();
    // The host then moves on (a new prompt) before the heartbeat is acknowledged.
    h.server.feed(b"\r\n$ ");
    h.paint();
    assert_eq!(h.server.framebuffer().cursor(), (1, 2));
    // The next line is predicted where the host's cursor is, and shows once confirmed.
    h.type_keys(b"c");
    h.echo(b"c");
    assert_eq!(h.row(1), "$ c");
    h.type_keys(b"d");
    assert_eq!(h.row(1), "$ cd", "typing must show at once again");
    assert_eq!(h.cursor(), (1, 4));
}

/// After a wrong hidden guess, the keystrokes still on their way are predicted again
/// on the real screen, so typing that goes on faster than the round trip shows at
/// once as soon as the first of them is confirmed. The spec alone would predict the
/// next keystroke at the host's lagging cursor, wrong, and keep failing.
#[test]
fn keystrokes_in_flight_are_predicted_again_after_a_wrong_hidden_guess() {
    let mut h = confirmed(PredictionDisplay::Always, 20, 3, "$ ", "a");
    // A key that starts a new epoch, then one the host does not echo (a command).
    h.type_keys(b"\t");
    h.type_keys(b"X");
    // Typing goes on before the host's answer arrives.
    h.type_keys(b"b");
    h.type_keys(b"c");
    // The server has had the Tab and the X (states 2 and 3) and shows no X.
    h.advance(60);
    h.late_ack = 3;
    h.paint();
    h.type_keys(b"d");
    // The echo of "b" confirms the rebuilt epoch: "c" and "d" show at once.
    h.advance(60);
    h.server.feed(b"b");
    h.late_ack = 4;
    h.paint();
    assert_eq!(h.row(0), "$ abcd");
    assert_eq!(h.cursor(), (0, 6));
    h.echo(b"cd");
    assert!(h.shows_server_frame());
}

/// An editor showing `text` over `~` rows, typing confirmed; then Enter, "a" and "b"
/// are typed, and the editor has opened the line and echoed the "a" (the "b" is still
/// on its way).
fn typed_ab_after_enter_in_an_editor() -> Harness {
    let mut h = confirmed(
        PredictionDisplay::Always,
        20,
        4,
        "text\r\n~\r\n~\x1b[1;5H",
        "x",
    );
    assert_eq!(h.cursor(), (0, 5));
    h.type_keys(b"\r");
    h.type_keys(b"a");
    h.type_keys(b"b");
    h.advance(60);
    h.server.feed(b"\r\n\x1b[K\x1b[3;1H~\x1b[2;1Ha");
    h.late_ack = 3;
    h.paint();
    h
}

/// Typing right after Enter in an editor: the next row still shows the editor's `~`
/// until the host has had the Enter. The typed text is predicted, but that `~` is not
/// shifted along after it (it would stay on screen, never judged, while typing goes
/// on faster than the round trip).
#[test]
fn text_typed_after_a_newline_does_not_drag_the_old_row_along() {
    let mut h = typed_ab_after_enter_in_an_editor();
    assert_eq!(h.row(1), "ab");
    assert_eq!(h.cursor(), (1, 2));
    h.echo(b"b");
    assert!(h.shows_server_frame());
}

/// Backspace at the end of a line typed right after a newline: the cells after the
/// text are unknown there, but the erased character must not come back on screen
/// when its own (late) echo arrives before the Backspace's.
#[test]
fn backspace_after_a_newline_does_not_show_the_erased_character_again() {
    let mut h = typed_ab_after_enter_in_an_editor();
    h.type_keys(b"c");
    h.type_keys(b"\x7f");
    assert_eq!(h.row(1), "ab");
    // The echoes of "b" and "c" arrive; the Backspace is still on its way.
    h.advance(60);
    h.server.feed(b"bc");
    h.late_ack = 5;
    h.paint();
    assert_eq!(h.row(1), "ab");
    assert_eq!(h.cursor(), (1, 2));
    h.echo(b"\x08\x1b[K");
    assert!(h.shows_server_frame());
}

/// A shell session at `$ `: one command typed, echoed and run; the prompt has
/// echoed once, and the next one is on screen.
fn at_a_fresh_prompt_after(h: &mut Harness, command: &str, output: &str) {
    h.type_keys(command.as_bytes());
    h.echo(command.as_bytes());
    h.type_keys(b"\r");
    h.echo(format!("\r\n{output}\r\n$ ").as_bytes());
}

#[test]
fn the_first_keystroke_at_a_fresh_prompt_that_echoed_before_shows_at_once() {
    let mut h = Harness::new(PredictionDisplay::Always, 20, 6, b"$ ");
    // The very first prompt has never echoed: tentative, as the spec says.
    h.type_keys(b"l");
    assert!(h.shows_server_frame());
    h.echo(b"l");
    h.type_keys(b"s");
    assert_eq!(h.row(0), "$ ls");
    h.echo(b"s");
    h.type_keys(b"\r");
    h.echo(b"\r\na b\r\n$ ");
    assert_eq!(h.cursor(), (2, 2));
    // "$ " has echoed: the first keystroke of the new line shows at once, at the
    // server's cursor (not where the Enter's guess put it).
    h.type_keys(b"p");
    assert_eq!(h.row(2), "$ p");
    assert_eq!(h.cursor(), (2, 3));
    h.echo(b"p");
    assert!(h.shows_server_frame());
    at_a_fresh_prompt_after(&mut h, "wd", "/tmp");
    h.type_keys(b"e");
    assert_eq!(h.row(4), "$ e");
}

#[test]
fn nothing_typed_at_a_password_prompt_or_before_a_prompt_arrived_is_shown() {
    let mut h = Harness::new(PredictionDisplay::Always, 30, 8, b"$ ");
    h.type_keys(b"x");
    h.echo(b"x");
    h.type_keys(b"\r");
    h.echo(b"\r\n$ ");
    // "$ " learned. sudo asks for a password, echo off.
    at_a_fresh_prompt_after(&mut h, "sudo ls", "");
    h.type_keys(b"\r");
    h.echo(b"\r\n[sudo] password for me: ");
    h.type_keys(b"h");
    assert!(
        h.shows_server_frame(),
        "shown at sudo's prompt: {:?}",
        h.row(4)
    );
    h.type_keys(b"unter2");
    assert!(h.shows_server_frame());
    h.echo(b"");
    assert!(h.shows_server_frame());

    // `read -s` with a prompt: the same.
    let mut h = Harness::new(PredictionDisplay::Always, 30, 8, b"$ ");
    at_a_fresh_prompt_after(&mut h, "ok", "");
    at_a_fresh_prompt_after(&mut h, "read -s -p 'Secret: ' x", "");
    h.type_keys(b"\r");
    h.echo(b"\r\nSecret: ");
    h.type_keys(b"s");
    assert!(h.shows_server_frame());

    // A password typed before its prompt arrived: the screen shows no new prompt.
    let mut h = Harness::new(PredictionDisplay::Always, 30, 8, b"$ ");
    at_a_fresh_prompt_after(&mut h, "ok", "");
    at_a_fresh_prompt_after(&mut h, "ok", "");
    h.type_keys(b"sudo ls");
    h.echo(b"sudo ls");
    h.type_keys(b"\r");
    h.type_keys(b"hunter2");
    assert!(h.shows_server_frame(), "typed ahead: {:?}", h.row(3));
    h.echo(b"\r\n[sudo] password for me: ");
    assert!(h.shows_server_frame());
}

/// A 20×3 screen on a slow link with the prompt on the bottom row, after one key
/// typed there has echoed (so `$ ` is a learned prompt) and Enter gave a new one.
fn fresh_prompt_on_the_bottom_row() -> Harness {
    let mut h = Harness::new(PredictionDisplay::Always, 20, 3, b"a\r\nb\r\n$ ");
    h.interval = 250;
    h.type_keys(b"x");
    h.echo(b"x");
    h.type_keys(b"\r");
    h.echo(b"\r\n$ ");
    h
}

#[test]
fn keys_typed_before_an_enter_on_the_bottom_row_stay_shown_until_echoed() {
    let mut h = fresh_prompt_on_the_bottom_row();
    assert_eq!(h.cursor(), (2, 2));
    for key in [b"p", b"w", b"d"] {
        h.advance(100);
        h.type_keys(key);
    }
    assert_eq!((h.row(2).as_str(), h.cursor()), ("$ pwd", (2, 5)));
    h.advance(100);
    h.type_keys(b"\r");
    // The Enter's guess is hidden; what was typed before it stays, with its cursor.
    assert_eq!((h.row(2).as_str(), h.cursor()), ("$ pwd", (2, 5)));
    h.advance(60);
    h.server.feed(b"p");
    h.late_ack = h.frame_sent - 3;
    h.paint();
    assert_eq!((h.row(2).as_str(), h.cursor()), ("$ pwd", (2, 5)));
    h.echo(b"wd\r\n/tmp\r\n$ ");
    assert!(h.shows_server_frame());
}

#[test]
fn typing_at_a_fresh_prompt_stays_shown_while_the_enter_awaits_its_echo_ack() {
    // The bottom row; the echo acknowledgement of the Enter comes a frame after the
    // prompt (the server's 50 ms echo delay, then frame pacing).
    let mut h = fresh_prompt_on_the_bottom_row();
    h.type_keys(b"i");
    h.advance(100);
    h.type_keys(b"d");
    h.advance(100);
    h.type_keys(b"\r");
    let enter_frame = h.frame_sent;
    // The echo of "id", the output and the prompt arrive, acknowledging "id" only.
    h.advance(300);
    h.server.feed(b"id\r\n0\r\n$ ");
    h.late_ack = enter_frame - 1;
    h.paint();
    assert_eq!((h.row(2).as_str(), h.cursor()), ("$", (2, 2)));
    h.advance(400);
    h.type_keys(b"p");
    assert_eq!((h.row(2).as_str(), h.cursor()), ("$ p", (2, 3)));
    // The Enter's acknowledgement arrives: the guess stays.
    h.advance(150);
    h.late_ack = enter_frame;
    h.paint();
    assert_eq!((h.row(2).as_str(), h.cursor()), ("$ p", (2, 3)));
    h.echo(b"p");
    assert!(h.shows_server_frame());
}

#[test]
fn a_key_still_unacknowledged_when_its_row_scrolls_away_is_not_drawn_on_the_new_row() {
    let mut h = fresh_prompt_on_the_bottom_row();
    h.type_keys(b"p");
    h.type_keys(b"w");
    h.echo(b"pw");
    h.type_keys(b"d");
    h.type_keys(b"\r");
    assert_eq!((h.row(2).as_str(), h.cursor()), ("$ pwd", (2, 5)));
    // The echo of "d", the output and the new prompt arrive in one frame whose
    // echo acknowledgement does not cover "d" yet.
    h.advance(300);
    h.server.feed(b"d\r\n/tmp\r\n$ ");
    h.late_ack = h.frame_sent - 2;
    h.paint();
    assert_eq!(
        h.row(2),
        "$",
        "the stale 'd' is not drawn on the new prompt's row"
    );
}
