//! Behaviour cases of section B (frame generator) and the input cases K2/K5 of
//! section C in shared/docs/behaviour-cases.md, plus the worked examples of
//! terminal.md §9.5: the exact host bytes, and the client screen after applying them.

mod terminal_support;

use mosh_core::terminal::keyboard::CursorKeyTranslator;
use mosh_core::terminal::{Capabilities, Display, Emulator, Framebuffer, new_frame};
use terminal_support::{assert_screen, client_copy, escape, run, visible};

/// Server states A and B, the host bytes between them, and the client's copy of A
/// after applying them (which must look like B).
struct Diff {
    a: Framebuffer,
    b: Framebuffer,
    bytes: Vec<u8>,
    client: Emulator,
}

fn diff(w: usize, h: usize, a_input: &[u8], b_input: &[u8]) -> Diff {
    let mut server = run(w, h, a_input);
    let a = server.framebuffer().clone();
    server.feed(b_input);
    let b = server.framebuffer().clone();
    let bytes = new_frame(true, &a, &b);
    let mut client = client_copy(&a);
    client.feed(&bytes);
    Diff {
        a,
        b,
        bytes,
        client,
    }
}

#[track_caller]
fn check(w: usize, h: usize, a_input: &[u8], b_input: &[u8], expected: &[u8]) -> Diff {
    let d = diff(w, h, a_input, b_input);
    assert_eq!(escape(&d.bytes), escape(expected), "host bytes");
    assert_eq!(
        visible(d.client.framebuffer()),
        visible(&d.b),
        "client screen"
    );
    d
}

#[test]
fn b2_first_text_pen_left_default() {
    check(
        20,
        4,
        b"",
        b"hello\r\nworld\x1b[1;31mRED\x1b[0m",
        b"hello\x1b[?25l\r\nworld\x1b[0;1;31mRED\x1b[?25h\x1b[0m",
    );
}

#[test]
fn b3_small_edit_uses_cr() {
    let d = check(10, 3, b"abc", b"\x1b[1;1Hx", b"\x1b[?25l\rx\x1b[?25h");
    assert_screen(
        d.client.framebuffer(),
        &["xbc·······", "··········", "··········"],
    );
    assert_eq!(d.client.framebuffer().cursor(), (0, 1));
}

#[test]
fn b4_scroll_shortcut_from_bottom_row() {
    check(
        10,
        5,
        b"L1\r\nL2\r\nL3\r\nL4\r\nL5",
        b"\r\nL6",
        b"\x1b[0m\r\nL6",
    );
}

#[test]
fn b5_scroll_shortcut_through_temporary_region() {
    check(
        10,
        5,
        b"L1\r\nL2\r\nL3\r\nL4\r\nL5\x1b[1;1H",
        b"\x1b[2M",
        b"\x1b[0m\x1b[1;5r\x1b[?25l\x1b[5;1H\n\n\x1b[r\x1b[1;1H\x1b[?25h",
    );
}

#[test]
fn b7_runs_longer_than_4_use_ech() {
    let row = [b'a'; 20];
    check(
        20,
        3,
        &row,
        b"\x1b[1;3H\x1b[5X",
        b"\x1b[?25l\x1b[1;3H\x1b[5X\x1b[1;8Ha\x1b[1;3H\x1b[?25h",
    );
    check(
        20,
        3,
        &row,
        b"\x1b[1;3H\x1b[4X",
        b"\x1b[?25l\x1b[1;3H    a\x1b[1;3H\x1b[?25h",
    );
}

#[test]
fn b8_wrap_completed_in_a_later_frame() {
    let d = check(
        10,
        3,
        b"abcdefghij",
        b"KLMNO",
        b"\x1b[?25l\x1b[1;10HjKLMNO\x1b[?25h",
    );
    let fb = d.client.framebuffer();
    assert!(fb.rows()[0].is_wrapped());
    assert_screen(fb, &["abcdefghij", "KLMNO·····", "··········"]);
    assert_eq!(fb.cursor(), (1, 5));
}

/// Stock 1.4.0 emits a BS here and its client lands one column left; the correct
/// output positions the cursor with a CUP.
#[test]
fn b9_cursor_after_last_column_write_is_right() {
    let d = check(
        10,
        3,
        b"",
        b"\x1b[3;1H0123456789",
        b"\x1b[?25l\n\n0123456789\x1b[3;10H\x1b[?25h",
    );
    assert_eq!(d.client.framebuffer().cursor(), (2, 9));
}

#[test]
fn b10_bell_title_clipboard_order() {
    let d = check(
        10,
        3,
        b"abc",
        b"\x07\x07\x1b]0;hi\x07\x1b]52;c;aGk=\x07",
        b"\x07\x1b]0;hi\x07\x1b]52;c;aGk=\x07",
    );
    assert_eq!(d.client.framebuffer().bell_count(), 1);
    assert_eq!(d.b.bell_count(), 2);
}

#[test]
fn b12_switching_mouse_modes() {
    check(
        10,
        3,
        b"\x1b[?1002h\x1b[?1006h",
        b"\x1b[?1000h\x1b[?1015h",
        b"\x1b[?1002l\x1b[?1000h\x1b[?1006l\x1b[?1015h",
    );
    check(
        10,
        3,
        b"\x1b[?1002h\x1b[?1006h",
        b"\x1b[?1002l\x1b[?1006l",
        b"\x1b[?1003l\x1b[?1002l\x1b[?1001l\x1b[?1000l\x1b[?1015l\x1b[?1006l\x1b[?1005l",
    );
}

#[test]
fn b13_only_the_pen_changed() {
    check(10, 3, b"abc", b"\x1b[1;4m", b"\x1b[0;1;4m");
}

#[test]
fn b14_only_visibility_changed() {
    check(10, 3, b"abc", b"\x1b[?25l", b"\x1b[?25l");
}

#[test]
fn b15_full_erase_with_background() {
    check(
        10,
        3,
        b"abc",
        b"\x1b[44m\x1b[2J",
        b"\x1b[?25l\r\x1b[0;44m\x1b[K\n\x1b[K\n\x1b[K\x1b[1;4H\x1b[?25h",
    );
}

#[test]
fn b17_no_change_is_empty() {
    let d = check(10, 3, b"abc", b"", b"");
    assert_eq!(d.a, d.b);
}

#[test]
fn b18_wide_and_fallback_cells() {
    let d = check(
        8,
        3,
        b"",
        "中x\r\n\u{301}y".as_bytes(),
        "中x\x1b[?25l\r\n\u{a0}\u{301}y\x1b[?25h".as_bytes(),
    );
    let cell = d.client.framebuffer().cell(1, 0).unwrap();
    assert_eq!(cell.text(), "\u{a0}\u{301}");
    assert!(!cell.is_fallback());
}

#[test]
fn b19_narrow_in_wide_shadow_is_not_drawn() {
    let d = check(6, 2, b"", "日\x1b[1;2HQ".as_bytes(), "日".as_bytes());
    assert_eq!(d.b.cell(0, 1).unwrap().text(), "Q");
    assert_eq!(d.client.framebuffer().cell(0, 1).unwrap().text(), "");
}

#[test]
fn initial_full_frame_of_blank_screen() {
    let blank = Framebuffer::new(10, 3);
    assert_eq!(
        escape(&new_frame(false, &blank, &blank)),
        escape(
            b"\x1b[?5l\x1b[r\x1b[0m\x1b[H\x1b[2J\x1b[?25l\x1b[K\n\x1b[K\n\x1b[K\x1b[1;1H\x1b[?25h\x1b[0m\x1b[?2004l\x1b[?1003l\x1b[?1002l\x1b[?1001l\x1b[?1000l\x1b[?1004l\x1b[?1015l\x1b[?1006l\x1b[?1005l"
        )
    );
}

#[test]
fn initial_full_frame_with_text() {
    let blank = Framebuffer::new(20, 4);
    let fb = run(20, 4, b"hello\r\nworld\x1b[1;31mRED")
        .framebuffer()
        .clone();
    let bytes = new_frame(false, &blank, &fb);
    let expected_middle =
        b"\x1b[2J\x1b[?25lhello\x1b[K\r\nworld\x1b[0;1;31mRED\x1b[0m\x1b[K\r\n\x1b[K\n\x1b[K\x1b[2;9H\x1b[?25h\x1b[0;1;31m";
    assert!(
        escape(&bytes).contains(&escape(expected_middle)),
        "{}",
        escape(&bytes)
    );
}

#[test]
fn resize_repaints_everything_and_client_follows() {
    let mut server = run(10, 3, b"abc\x1b]0;t\x07");
    let a = server.framebuffer().clone();
    server.resize(12, 4);
    server.feed(b"\r\nxyz");
    let b = server.framebuffer().clone();
    let bytes = new_frame(true, &a, &b);
    assert!(escape(&bytes).contains("\\e[r\\e[0m\\e[H\\e[2J"));
    assert!(!escape(&bytes).contains("\\e]0;"), "titles not re-sent");
    let mut client = client_copy(&a);
    client.resize(12, 4);
    client.feed(&bytes);
    assert_eq!(visible(client.framebuffer()), visible(&b));
}

#[test]
fn client_painting_without_ech_or_bce() {
    let caps = Capabilities {
        ech: false,
        bce: false,
        titles: false,
    };
    let mut display = Display::new(caps);
    let a = run(20, 2, &[b'a'; 20]).framebuffer().clone();
    let b = run(20, 2, b"aa\x1b[44m\x1b[K").framebuffer().clone();
    let bytes = display.new_frame(true, &a, &b).to_vec();
    assert!(!escape(&bytes).contains("X"), "{}", escape(&bytes));
    assert!(!escape(&bytes).contains("\\e[K"), "{}", escape(&bytes));
    let mut client = client_copy(&a);
    client.feed(&bytes);
    assert_eq!(visible(client.framebuffer()), visible(&b));
}

#[test]
fn one_typed_character_costs_a_handful_of_bytes() {
    let d = diff(80, 24, b"user@host:~$ ", b"l");
    assert_eq!(d.bytes, b"l");
}

#[test]
fn k2_arrow_key_translation() {
    let input = b"\x1bOA\x1bOH\x1b\x1bOB\x1b[C\x1bOPx";
    let mut t = CursorKeyTranslator::default();
    assert_eq!(
        escape(&t.translate_all(input, false)),
        escape(b"\x1b[A\x1bOH\x1b\x1bOB\x1b[C\x1bOPx")
    );
    let mut t = CursorKeyTranslator::default();
    assert_eq!(t.translate_all(input, true), input);
    // The state persists across messages.
    let mut t = CursorKeyTranslator::default();
    let mut out = t.translate_all(b"\x1b", false);
    out.extend(t.translate_all(b"O", false));
    out.extend(t.translate_all(b"D", false));
    assert_eq!(out, b"\x1b[D");
}

#[test]
fn k2_decckm_comes_from_the_emulator() {
    let emu = run(10, 2, b"\x1b[?1h");
    assert!(emu.application_cursor_keys());
    let mut t = CursorKeyTranslator::default();
    assert_eq!(
        t.translate_all(b"\x1bOA", emu.application_cursor_keys()),
        b"\x1bOA"
    );
}

#[test]
fn k5_replies_are_collected_for_the_pty() {
    let mut emu = run(10, 4, b"\x1b[3;5H");
    emu.feed(b"\x1b[6n");
    assert_eq!(emu.take_replies(), b"\x1b[3;5R");
}

/// The receiver never holds a wrap flag on the last row (nothing follows the last
/// cell to complete the wrap), so a wrapped last row that a scroll brings up must
/// not be taken as already in place: here the full row wraps onto row 2, SD pushes
/// it down to the last row, and the LF scrolls it back to the top.
#[test]
fn wrapped_last_row_scrolled_up_keeps_its_wrap() {
    let d = diff(15, 2, "ab cd0123456789中文字\x1b[0T".as_bytes(), b"\n");
    assert!(d.a.rows()[1].is_wrapped(), "server's last row is wrapped");
    assert!(
        !client_copy(&d.a).framebuffer().rows()[1].is_wrapped(),
        "the receiver's last row is not"
    );
    let fb = d.client.framebuffer();
    assert!(fb.rows()[0].is_wrapped(), "{}", escape(&d.bytes));
    assert_eq!(visible(fb), visible(&d.b), "{}", escape(&d.bytes));
}
