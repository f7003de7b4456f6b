//! The capture driven by a server-side emulator: frames taken at chosen moments,
//! as a client receives them.

use super::*;
use crate::terminal::{Attributes, Colour, Emulator};

/// A server screen and the client capture fed its frames.
struct Sim {
    server: Emulator,
    last: Framebuffer,
    capture: Scrollback,
}

impl Sim {
    fn new(columns: usize, rows: usize, limit: usize) -> Self {
        let server = Emulator::new(columns, rows);
        Sim {
            last: server.framebuffer().clone(),
            server,
            capture: Scrollback::new(limit),
        }
    }

    fn feed(&mut self, bytes: &[u8]) {
        self.server.feed(bytes);
    }

    /// A frame reaches the client; returns the lines added.
    fn frame(&mut self) -> usize {
        let new = self.server.framebuffer().clone();
        let added = self.capture.observe(&self.last, &new);
        self.last = new;
        added
    }

    fn history(&self) -> Vec<String> {
        self.capture.ring().iter().map(|l| l.text()).collect()
    }

    fn screen(&self) -> Vec<String> {
        self.last.rows().iter().map(|r| r.text()).collect()
    }
}

fn numbers(range: std::ops::RangeInclusive<u32>) -> Vec<String> {
    range.map(|n| n.to_string()).collect()
}

#[test]
fn seq_with_pauses_is_captured_line_for_line() {
    let mut sim = Sim::new(80, 24, 10_000);
    sim.feed(b"$ seq 1 200\r\n");
    sim.frame();
    for n in 1..=200 {
        sim.feed(format!("{n}\r\n").as_bytes());
        if n % 7 == 0 {
            sim.frame();
        }
    }
    sim.feed(b"$ ");
    sim.frame();
    // History and screen together are the whole transcript.
    let mut all = sim.history();
    all.extend(sim.screen());
    let mut expected = vec!["$ seq 1 200".to_owned()];
    expected.extend(numbers(1..=200));
    expected.push("$".to_owned());
    assert_eq!(all, expected);
    assert_eq!(sim.history().len(), 201 - 23);
}

#[test]
fn ls_like_output_keeps_its_styles_and_partial_lines() {
    let mut sim = Sim::new(60, 10, 100);
    sim.feed(b"$ ls -l\r\ntotal 48\r\n");
    for i in 0..30 {
        // Every file name blue and bold, as `ls --color` draws directories.
        let line =
            format!("drwxr-xr-x 2 user user 4096 Nov 29 19:{i:02} \x1b[01;34mdir{i}\x1b[0m\r\n");
        let (head, tail) = line.split_at(17);
        sim.feed(head.as_bytes());
        if i % 4 == 1 {
            // A frame caught in the middle of a line.
            sim.frame();
        }
        sim.feed(tail.as_bytes());
        if i % 3 == 0 {
            sim.frame();
        }
    }
    sim.feed(b"$ ");
    sim.frame();
    let mut all = sim.history();
    all.extend(sim.screen());
    assert_eq!(all[0], "$ ls -l");
    assert_eq!(all[1], "total 48");
    for i in 0..30 {
        assert_eq!(
            all[2 + i],
            format!("drwxr-xr-x 2 user user 4096 Nov 29 19:{i:02} dir{i}")
        );
    }
    let line = &sim.capture.ring().iter().nth(5).unwrap();
    let styled = line.runs.last().unwrap();
    assert_eq!(styled.text, "dir3");
    assert_eq!(styled.rendition.fg, Colour::Indexed(4));
    assert!(styled.rendition.attrs.contains(Attributes::BOLD));
    // Trailing blanks are not kept.
    assert_eq!(line.runs.iter().map(|r| r.width).sum::<usize>(), 45);
}

/// A pager: clears, draws a page and its prompt, scrolls line by line, quits.
fn run_pager(sim: &mut Sim, rows: usize) {
    sim.feed(b"\x1b[?1049h\x1b[?1h\x1b=\x1b[H\x1b[2J");
    for i in 1..rows {
        sim.feed(format!("file line {i}\r\n").as_bytes());
    }
    sim.feed(b"\x1b[7mfile\x1b[m");
    sim.frame();
    for i in rows..rows + 10 {
        // `j`: clear the prompt, the next line, scroll, the prompt again.
        sim.feed(format!("\r\x1b[K{}file line {i}\r\n:", "").as_bytes());
        sim.frame();
    }
    // A page forward: a redraw.
    sim.feed(b"\x1b[H\x1b[2J");
    for i in 100..100 + rows - 1 {
        sim.feed(format!("file line {i}\r\n").as_bytes());
    }
    sim.feed(b":");
    sim.frame();
    // `q`: the prompt line cleared; no alternate screen to go back to.
    sim.feed(b"\r\x1b[K\x1b[?1049l\x1b[?1l\x1b>");
    sim.frame();
}

#[test]
fn a_full_screen_program_in_between_does_not_pollute_the_history() {
    let mut sim = Sim::new(40, 12, 10_000);
    sim.feed(b"$ seq 1 50\r\n");
    for n in 1..=50 {
        sim.feed(format!("{n}\r\n").as_bytes());
        sim.frame();
    }
    sim.feed(b"$ less file\r\n");
    sim.frame();
    let before = sim.history();
    assert_eq!(before.len(), 52 - 11);
    run_pager(&mut sim, 12);
    assert_eq!(sim.history(), before, "the pager added nothing");
    // Output after the pager scrolls its last page away: not into the history.
    sim.feed(b"$ seq 51 80\r\n");
    sim.frame();
    for n in 51..=80 {
        sim.feed(format!("{n}\r\n").as_bytes());
        sim.frame();
    }
    let history = sim.history();
    assert!(
        history.iter().all(|line| !line.contains("file")),
        "{history:?}"
    );
    let after = &history[before.len()..];
    let mut expected = vec!["$ seq 51 80".to_owned()];
    expected.extend(numbers(51..=80));
    assert_eq!(after, &expected[..after.len()]);
    assert!(after.len() >= 20, "{after:?}");
}

#[test]
fn a_clear_screen_is_not_a_scroll_and_the_prompt_after_it_is_kept() {
    let mut sim = Sim::new(30, 8, 100);
    for n in 1..=20 {
        sim.feed(format!("line {n}\r\n").as_bytes());
        sim.frame();
    }
    let before = sim.history().len();
    sim.feed(b"$ clear");
    sim.frame();
    sim.feed(b"\r\n\x1b[H\x1b[2J$ ");
    assert_eq!(sim.frame(), 0);
    // Enter on empty prompts, then output: the prompt that was written after the
    // clear is history like any other line.
    sim.feed(b"\r\n$ \r\n$ echo hi\r\nhi\r\n");
    sim.frame();
    for n in 1..=10 {
        sim.feed(format!("more {n}\r\n").as_bytes());
        sim.frame();
    }
    let history = sim.history();
    assert_eq!(&history[before..before + 4], ["$", "$", "$ echo hi", "hi"]);
}

#[test]
fn an_editor_scrolling_its_window_is_not_captured() {
    let mut sim = Sim::new(40, 10, 100);
    sim.feed(b"\x1b[H\x1b[2J");
    for i in 0..9 {
        sim.feed(format!("text {i}\r\n").as_bytes());
    }
    sim.feed(b"\"f\" 9L");
    sim.feed(b"\x1b[5;1H");
    sim.frame();
    // The window scrolls inside a region above the command line; the cursor stays
    // in the text.
    for i in 9..20 {
        sim.feed(format!("\x1b[1;9r\x1b[9;1H\n\x1b[9;1Htext {i}\x1b[r\x1b[5;1H").as_bytes());
        assert_eq!(sim.frame(), 0);
    }
    assert!(sim.history().is_empty());
}

#[test]
fn more_than_a_screen_between_frames_is_a_gap_not_a_guess() {
    let mut sim = Sim::new(20, 6, 100);
    for n in 1..=10 {
        sim.feed(format!("{n}\r\n").as_bytes());
        sim.frame();
    }
    let before = sim.history();
    for n in 11..=30 {
        sim.feed(format!("{n}\r\n").as_bytes());
    }
    assert_eq!(sim.frame(), 0);
    assert_eq!(sim.history(), before);
    // Repeated lines could have moved by any amount: not believed either.
    for _ in 0..10 {
        sim.feed(b"y\r\n");
    }
    sim.frame();
    sim.feed(b"y\r\ny\r\n");
    assert_eq!(sim.frame(), 0);
}

#[test]
fn the_bound_is_respected() {
    let mut sim = Sim::new(20, 5, 100);
    for n in 1..=1000 {
        sim.feed(format!("{n}\r\n").as_bytes());
        sim.frame();
    }
    let history = sim.history();
    assert_eq!(history.len(), 100);
    assert_eq!(history.last().unwrap(), "996");
    assert_eq!(sim.capture.ring().pushed(), 996);
}

#[test]
fn a_resize_keeps_capturing_at_the_new_size() {
    let mut sim = Sim::new(20, 5, 100);
    for n in 1..=10 {
        sim.feed(format!("{n}\r\n").as_bytes());
        sim.frame();
    }
    sim.server.resize(30, 8);
    assert_eq!(sim.frame(), 0);
    for n in 11..=30 {
        sim.feed(format!("{n}\r\n").as_bytes());
        sim.frame();
    }
    let mut all = sim.history();
    all.extend(sim.screen());
    all.retain(|l| !l.is_empty());
    assert_eq!(all, numbers(1..=30));
}
