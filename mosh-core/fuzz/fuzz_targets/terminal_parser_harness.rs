//! The terminal emulator and frame generator driven by arbitrary bytes. Shared by the
//! cargo-fuzz target (`fuzz_targets/terminal_parser.rs`) and the seed replay test
//! that CI runs (`mosh-core/tests/terminal_fuzz_corpus.rs`).
//!
//! Input format: `width:u8 height:u8` then records `len:u8 body[len]` (a short final
//! record takes what is left). A record of length 0 is a resize to the next two
//! bytes. Each record is fed to the emulator as host output; after each, the frame
//! from the previous state is generated and applied to a client copy, and the
//! bounds every state must keep are checked.

use mosh_core::terminal::{
    Emulator, Framebuffer, MAX_CELL_TEXT_BYTES, MAX_OSC_CHARS, MAX_PENDING_REPLY_BYTES,
    MAX_TITLE_CHARS, new_frame,
};

fn size(w: u8, h: u8) -> (usize, usize) {
    (usize::from(w % 100) + 1, usize::from(h % 40) + 1)
}

/// Runs one fuzz input; must never panic, hang or allocate without bound.
pub fn run(data: &[u8]) {
    let [w, h, rest @ ..] = data else {
        return;
    };
    let (w, h) = size(*w, *h);
    let mut server = Emulator::new(w, h);
    let mut client = Emulator::new(w, h);
    let mut last = server.framebuffer().clone();
    let mut rest = rest;
    while let Some((&len, tail)) = rest.split_first() {
        if len == 0 {
            let (w, h) = match tail {
                [a, b, ..] => size(*a, *b),
                _ => (w, h),
            };
            server.resize(w, h);
            client.resize(w, h);
            rest = tail.get(2..).unwrap_or_default();
        } else {
            let (body, next) = tail.split_at(usize::from(len).min(tail.len()));
            server.feed(body);
            rest = next;
        }
        let replies = server.take_replies();
        assert!(replies.len() <= MAX_PENDING_REPLY_BYTES);
        let current = server.framebuffer().clone();
        check_bounds(&current);
        client.feed(&new_frame(true, &last, &current));
        check_bounds(client.framebuffer());
        assert!(
            client.take_replies().is_empty(),
            "host bytes never ask questions"
        );
        let _ = new_frame(false, &last, &current);
        last = current;
    }
}

fn check_bounds(fb: &Framebuffer) {
    let (row, col) = fb.cursor();
    assert!(row < fb.height() && col < fb.width());
    assert_eq!(fb.rows().len(), fb.height());
    for r in fb.rows() {
        assert_eq!(r.cells().len(), fb.width());
        for cell in r.cells() {
            // The append that reaches 32 bytes is the last one: at most one more
            // character (4 bytes) past the limit, plus a fallback's U+00A0 on a client.
            assert!(cell.text().len() <= MAX_CELL_TEXT_BYTES + 6);
        }
    }
    assert!(fb.window_title().chars().count() <= MAX_TITLE_CHARS);
    assert!(fb.icon_name().chars().count() <= MAX_TITLE_CHARS);
    assert!(fb.clipboard().chars().count() <= MAX_OSC_CHARS);
}
