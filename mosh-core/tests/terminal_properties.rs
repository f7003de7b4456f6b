//! Property tests of the frame generator: for random framebuffers A and B built by
//! random host output (text, wide and combining characters, colours, cursor motion,
//! erasures, scroll regions, modes, titles, the ignored alternate-screen switch,
//! resizes), applying the host bytes for A → B to a client's copy of A shows exactly
//! what B shows; the emulator's fast paths (printable runs, complete CSI sequences in
//! one slice) end in exactly the state the byte-at-a-time state machine reaches; and
//! the parser survives arbitrary bytes.

mod terminal_support;

use mosh_core::terminal::{Emulator, Framebuffer, new_frame};
use proptest::prelude::*;
use terminal_support::{client_copy, escape, visible};

/// One piece of host output, chosen by `kind` with arguments `a`, `b`.
fn token(kind: u8, a: u16, b: u16, out: &mut Vec<u8>) {
    let small = |v: u16| v % 12;
    let text = |v: u16| -> String {
        const WORDS: [&str; 8] = [
            "x", "hello ", "日本", "🍕", "a\u{301}", "\u{303}", "é", "ab cd",
        ];
        WORDS[usize::from(v) % WORDS.len()].to_owned()
    };
    // Bytes that are not valid UTF-8 text, or controls inside it.
    if kind % 43 == 42 {
        const RAW: [&[u8]; 6] = [
            b"\xC2\x9B31mC1",    // CSI as a C1 control in UTF-8
            b"\xE0\x80\x80",     // overlong
            b"\xED\xA0\x80",     // a surrogate
            b"\xF4\x90\x80\x80", // above U+10FFFF
            b"\xE6\x97",         // a character cut short
            b"\xC3",             // a lead byte alone
        ];
        out.extend_from_slice(RAW[usize::from(a) % RAW.len()]);
        return;
    }
    let piece: String = match kind % 43 {
        0..=9 => text(a),
        10 => "\r\n".into(),
        11 => "\r".into(),
        12 => "\n".into(),
        13 => "\x08".into(),
        14 => "\t".into(),
        15 => format!("\x1b[{};{}H", small(a), small(b)),
        16 => format!(
            "\x1b[{}{}",
            small(a),
            ["A", "B", "C", "D", "G", "d", "I", "Z"][usize::from(b) % 8]
        ),
        17 => format!("\x1b[{}J", a % 4),
        18 => format!("\x1b[{}K", a % 3),
        19 => format!(
            "\x1b[{}{}",
            small(a),
            ["X", "@", "P", "L", "M", "S", "T"][usize::from(b) % 7]
        ),
        20 => format!("\x1b[{};{}r", small(a), small(b)),
        21 => "\x1b[r".into(),
        22 => [
            "\x1bM", "\x1bD", "\x1bE", "\x1bH", "\x1b7", "\x1b8", "\x1b#8", "\x1bc",
        ][usize::from(a) % 8]
            .into(),
        23 => format!(
            "\x1b[{}m",
            [0, 1, 3, 4, 5, 7, 8, 22, 24, 27, 39, 49][usize::from(a) % 12]
        ),
        24 => format!("\x1b[{}m", 30 + a % 8 + 10 * (b % 2)),
        25 => format!("\x1b[{};5;{}m", if b.is_multiple_of(2) { 38 } else { 48 }, a % 256),
        26 => format!(
            "\x1b[{};2;{};{};{}m",
            if b.is_multiple_of(2) { 38 } else { 48 },
            a % 256,
            b % 256,
            (a ^ b) % 256
        ),
        27 => format!("\x1b[{}m", 90 + a % 8 + 10 * (b % 2)),
        28 => format!(
            "\x1b[?{}{}",
            [
                25, 5, 2004, 1000, 1002, 1003, 9, 1004, 1006, 1015, 1005, 1049, 47, 6, 7, 1
            ][usize::from(a) % 16],
            if b.is_multiple_of(2) { "h" } else { "l" }
        ),
        29 => format!("\x1b[4{}", if b.is_multiple_of(2) { "h" } else { "l" }),
        30 => format!("\x1b]{};t{}\x07", a % 3, b % 3),
        31 => format!("\x1b]52;c;{}\x07", ["aGk=", "", "Zm9v"][usize::from(a) % 3]),
        32 => "\x07".into(),
        33 => format!("\x1b[{}g", [0, 3][usize::from(a) % 2]),
        34 => "\x1b[2J\x1b[H".into(),
        35 => "\x1b[!p".into(),
        36 => "\u{200b}\u{fe0f}".into(),
        37 => "中文字".into(),
        38 => "\x1b[38:5:1mZ".into(),
        39 => [
            "\x1b[5n",
            "\x1b[6n",
            "\x1b[c",
            "\x1b[>c",
            "\x1b[?1;2$p",
            "\x1b[1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16;17;18;19;20;21;22;23;24;25;26;27;28;29;30;31;32;33;34;35;36;37;38;39;40m",
            "\x1b[99999;70000H",
            "\x1b[;;;m",
            "\x1b[ !\"#$%&'()q",
            "\x1b[?<1h",
            "\x1b(B\x1b)0",
            "\x1b[\x0a5A",
        ][usize::from(a) % 12]
            .into(),
        40 => "0123456789".into(),
        // Many combining marks on one cell (the cell keeps at most 32 bytes), and a
        // wide character near the end of a row with autowrap off.
        _ => if b.is_multiple_of(2) {
            format!("x{}", "\u{301}".repeat(20))
        } else {
            "\x1b[?7l日本語中文字\x1b[?7h".into()
        },
    };
    out.extend_from_slice(piece.as_bytes());
}

fn stream() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec((any::<u8>(), any::<u16>(), any::<u16>()), 0..40).prop_map(|tokens| {
        let mut out = Vec::new();
        for (kind, a, b) in tokens {
            token(kind, a, b, &mut out);
        }
        out
    })
}

fn size() -> impl Strategy<Value = (usize, usize)> {
    (2usize..24, 1usize..9)
}

/// Everything the emulator's state holds that a host could observe or a later byte
/// could depend on, without row identities (which differ between two emulators).
fn full_state(emulator: &mut Emulator) -> String {
    let replies = emulator.take_replies();
    let fb = emulator.framebuffer();
    let cells: Vec<Vec<_>> = fb.rows().iter().map(|row| row.cells().collect()).collect();
    format!(
        "{:?} {cells:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {} {} replies {replies:?}",
        visible(fb),
        fb.pending_wrap(),
        fb.scroll_region(),
        (fb.origin_mode(), fb.autowrap(), fb.insert_mode()),
        fb.application_cursor_keys(),
        fb.tab_stops().collect::<Vec<_>>(),
        fb.saved_cursor(),
        fb.window_title(),
        fb.icon_name(),
        fb.mouse_alternate_scroll(),
        fb.bell_count(),
        fb.title_initialized(),
    )
}

fn check_diff(a: &Framebuffer, b: &Framebuffer, resized: bool) -> Result<(), TestCaseError> {
    let bytes = new_frame(true, a, b);
    let mut client = client_copy(a);
    prop_assert_eq!(
        visible(client.framebuffer()),
        visible(a),
        "client copy of A"
    );
    if resized {
        client.resize(b.width(), b.height());
    }
    client.feed(&bytes);
    let mut seen = visible(client.framebuffer());
    if !b.title_initialized() {
        // Nothing in host bytes can make a receiver forget titles it was sent.
        seen.titles = None;
    }
    prop_assert_eq!(&seen, &visible(b), "host bytes {}", escape(&bytes));
    // A full repaint over whatever the receiver had gives the same screen (the
    // clipboard is only sent when it changed, and titles only once initialized).
    let mut fresh = Emulator::new(b.width(), b.height());
    fresh.feed(b"garbage\x1b[3;3Hmore\x1b[41m");
    let repaint = new_frame(false, a, b);
    fresh.feed(&repaint);
    let mut seen = visible(fresh.framebuffer());
    let mut expected = visible(b);
    seen.clipboard.clear();
    expected.clipboard.clear();
    prop_assert_eq!(seen, expected, "repaint {}", escape(&repaint));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    /// B continues A (so scrolls, small edits and wraps across frames occur).
    #[test]
    fn diff_of_continued_state_applies_exactly((w, h) in size(), s1 in stream(), s2 in stream()) {
        let mut server = Emulator::new(w, h);
        server.feed(&s1);
        let a = server.framebuffer().clone();
        server.feed(&s2);
        check_diff(&a, server.framebuffer(), false)?;
    }

    /// A client that follows a server through several frames stays exact: what a
    /// receiver never got (a wrap flag on the last row, spaces for empty cells) must not
    /// matter in a later frame either.
    #[test]
    fn chain_of_diffs_keeps_the_client_exact(
        (w, h) in size(), s1 in stream(), steps in prop::collection::vec(stream(), 1..4)
    ) {
        let mut server = Emulator::new(w, h);
        server.feed(&s1);
        let mut last = server.framebuffer().clone();
        let mut client = client_copy(&last);
        for step in &steps {
            server.feed(step);
            let next = server.framebuffer().clone();
            let bytes = new_frame(true, &last, &next);
            client.feed(&bytes);
            let mut seen = visible(client.framebuffer());
            if !next.title_initialized() {
                seen.titles = None;
            }
            prop_assert_eq!(&seen, &visible(&next), "host bytes {}", escape(&bytes));
            last = next;
        }
    }

    /// A and B are unrelated states of the same size.
    #[test]
    fn diff_of_unrelated_states_applies_exactly((w, h) in size(), s1 in stream(), s2 in stream()) {
        let mut ea = Emulator::new(w, h);
        ea.feed(&s1);
        let mut eb = Emulator::new(w, h);
        eb.feed(&s2);
        check_diff(ea.framebuffer(), eb.framebuffer(), false)?;
    }

    /// B is A resized, then more output.
    #[test]
    fn diff_across_a_resize_applies_exactly(
        (w, h) in size(), (w2, h2) in size(), s1 in stream(), s2 in stream()
    ) {
        let mut server = Emulator::new(w, h);
        server.feed(&s1);
        let a = server.framebuffer().clone();
        server.resize(w2, h2);
        server.feed(&s2);
        check_diff(&a, server.framebuffer(), true)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    /// The fast paths change nothing: host output fed in one slice ends in the same
    /// state as the same bytes fed one at a time (every escape sequence split, so
    /// the state machine's) and as the general path alone (the decoder and the
    /// state machine for every byte, text included).
    #[test]
    fn one_slice_and_byte_at_a_time_agree((w, h) in size(), bytes in stream()) {
        let mut whole = Emulator::new(w, h);
        whole.feed(&bytes);
        let mut bytewise = Emulator::new(w, h);
        for byte in &bytes {
            bytewise.feed(std::slice::from_ref(byte));
        }
        let mut state_machine = Emulator::new(w, h);
        state_machine.feed_without_fast_paths(&bytes);
        let reference = full_state(&mut state_machine);
        prop_assert_eq!(full_state(&mut whole), reference.clone(), "input {}", escape(&bytes));
        prop_assert_eq!(full_state(&mut bytewise), reference, "input {}", escape(&bytes));
    }

    /// Arbitrary bytes, split anywhere, never panic and give the same state as one feed.
    #[test]
    fn arbitrary_bytes_split_anywhere(bytes in prop::collection::vec(any::<u8>(), 0..400), split in any::<usize>()) {
        let mut whole = Emulator::new(20, 6);
        whole.feed(&bytes);
        let mut parts = Emulator::new(20, 6);
        let split = split % (bytes.len() + 1);
        parts.feed(&bytes[..split]);
        parts.feed(&bytes[split..]);
        prop_assert_eq!(visible(whole.framebuffer()), visible(parts.framebuffer()));
        prop_assert_eq!(whole.framebuffer().pending_wrap(), parts.framebuffer().pending_wrap());
    }
}
