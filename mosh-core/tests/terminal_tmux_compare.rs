//! Recordings of real full-screen programs (`top`, `vim.tiny`; made by
//! `scripts/record-terminal-sessions.sh` on an 80×24 pty and checked in under
//! `tests/data/`) are fed to our emulator and, unchanged, to a tmux pane; the
//! screens must agree cell by cell: text, wide characters, colours and attributes.
//!
//! tmux follows xterm where mosh has documented quirks, so the comparison stops
//! before anything the quirks make differ: a recording is cut before the program
//! leaves the alternate screen (mosh has none), and faint/strikethrough, which mosh
//! drops, are not compared. Needs tmux: the test fails when it is missing.

mod terminal_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use mosh_core::terminal::{Attributes, Colour, Emulator, Rendition, char_width};

const COLS: usize = 80;
const ROWS: usize = 24;

/// One compared cell: text and rendition.
type Cell = (String, Rendition);

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// The recording up to where the program leaves the alternate screen.
fn recording(name: &str) -> Vec<u8> {
    let bytes = std::fs::read(data(name)).expect("recording missing");
    let end = find(&bytes, b"\x1b[?1049l").unwrap_or(bytes.len());
    bytes[..end].to_vec()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

fn tmux(socket: &str, args: &[&str]) -> std::process::Output {
    Command::new("tmux")
        .arg("-L")
        .arg(socket)
        .args(args)
        .env("LANG", "C.UTF-8")
        .output()
        .expect("tmux is required for this test (Debian package tmux)")
}

/// Shows `bytes` in a fresh 80×24 tmux pane and returns `capture-pane -p -e -N`.
fn tmux_screen(bytes: &[u8]) -> String {
    // One directory per recording: the tests run in parallel, and each removes its own.
    let dir = std::env::temp_dir().join(format!(
        "mosh-tmux-compare-{}-{}",
        std::process::id(),
        bytes.len()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("feed-{}", bytes.len()));
    std::fs::write(&file, bytes).unwrap();
    let socket = format!("mosh-cmp-{}-{}", std::process::id(), bytes.len());
    // Echo off: tmux answers the recorded queries, and the answers must not be echoed.
    // The title set after the recording tells when tmux has processed all of it
    // (output is handled in order); the title is not part of the compared cells.
    let marker = format!("fed-{}", bytes.len());
    let command = format!(
        "stty -echo; cat {}; printf '\\033]2;{marker}\\007'; sleep 60",
        file.display()
    );
    let started = tmux(
        &socket,
        &[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-x",
            "80",
            "-y",
            "24",
            &command,
        ],
    );
    assert!(started.status.success(), "tmux: {started:?}");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let title = tmux(&socket, &["display-message", "-p", "#{pane_title}"]);
        if String::from_utf8_lossy(&title.stdout).trim() == marker {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "tmux never showed the recording"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let captured = tmux(&socket, &["capture-pane", "-p", "-e", "-N"]);
    tmux(&socket, &["kill-server"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(captured.status.success());
    String::from_utf8(captured.stdout).expect("capture is UTF-8")
}

/// Parses tmux's capture (text with SGR sequences, attributes carried across lines)
/// into cells, independently of our emulator.
fn parse_capture(capture: &str) -> Vec<Vec<Cell>> {
    let mut pen = Rendition::default();
    let mut screen = Vec::new();
    for line in capture.lines().take(ROWS) {
        let mut row: Vec<Cell> = Vec::new();
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                assert_eq!(chars.next(), Some('['), "unexpected escape in capture");
                let mut params = String::new();
                for p in chars.by_ref() {
                    if p == 'm' {
                        break;
                    }
                    params.push(p);
                }
                apply_sgr(&mut pen, &params);
                continue;
            }
            match char_width(c) {
                0 => row.last_mut().expect("mark without base").0.push(c),
                2 => {
                    row.push((c.to_string(), pen));
                    row.push((String::new(), pen));
                }
                _ => row.push((c.to_string(), pen)),
            }
        }
        while row.len() < COLS {
            row.push((" ".to_owned(), Rendition::default()));
        }
        screen.push(row);
    }
    while screen.len() < ROWS {
        screen.push(vec![(" ".to_owned(), Rendition::default()); COLS]);
    }
    screen
}

fn apply_sgr(pen: &mut Rendition, params: &str) {
    let values: Vec<u16> = params.split(';').map(|v| v.parse().unwrap_or(0)).collect();
    let mut i = 0;
    while i < values.len() {
        let v = values[i];
        let attr = |n| match n {
            1 => Some(Attributes::BOLD),
            3 => Some(Attributes::ITALIC),
            4 => Some(Attributes::UNDERLINE),
            5 => Some(Attributes::BLINK),
            7 => Some(Attributes::INVERSE),
            8 => Some(Attributes::INVISIBLE),
            _ => None,
        };
        match v {
            0 => *pen = Rendition::default(),
            1..=8 => {
                if let Some(a) = attr(v) {
                    pen.attrs.set(a, true);
                }
            }
            22 => pen.attrs.set(Attributes::BOLD, false),
            21..=29 => {
                if let Some(a) = attr(v - 20) {
                    pen.attrs.set(a, false);
                }
            }
            30..=37 => pen.fg = Colour::Indexed((v - 30) as u8),
            40..=47 => pen.bg = Colour::Indexed((v - 40) as u8),
            90..=97 => pen.fg = Colour::Indexed((v - 90 + 8) as u8),
            100..=107 => pen.bg = Colour::Indexed((v - 100 + 8) as u8),
            39 => pen.fg = Colour::Default,
            49 => pen.bg = Colour::Default,
            38 | 48 => {
                let colour = match values.get(i + 1) {
                    Some(5) => {
                        i += 2;
                        Colour::Indexed(values[i] as u8)
                    }
                    Some(2) => {
                        i += 4;
                        Colour::Rgb(values[i - 2] as u8, values[i - 1] as u8, values[i] as u8)
                    }
                    _ => panic!("unexpected colour in capture: {params}"),
                };
                if v == 38 {
                    pen.fg = colour;
                } else {
                    pen.bg = colour;
                }
            }
            _ => {}
        }
        i += 1;
    }
}

/// Our screen in the same form: a blank cell is a space with its rendition, the
/// shadow of a wide character is empty.
fn our_screen(emu: &Emulator) -> Vec<Vec<Cell>> {
    emu.framebuffer()
        .rows()
        .iter()
        .map(|row| {
            let mut out: Vec<Cell> = Vec::new();
            let mut shadow = false;
            for cell in row.cells() {
                if shadow {
                    out.push((String::new(), cell.rendition()));
                    shadow = false;
                    continue;
                }
                let text = if cell.is_empty() {
                    " ".to_owned()
                } else {
                    cell.text()
                };
                out.push((text, cell.rendition()));
                shadow = cell.is_wide();
            }
            out
        })
        .collect()
}

/// Blank cells with a default background look the same whatever else they carry.
fn normalise(screen: &mut [Vec<Cell>]) {
    for row in screen {
        for (text, r) in row.iter_mut() {
            if text == " " && r.bg == Colour::Default && !r.attrs.contains(Attributes::INVERSE) {
                *r = Rendition::default();
            }
        }
    }
}

/// The one known difference between tmux and mosh (and xterm) in these
/// recordings: an erase (`CSI K`) issued while waiting to wrap after writing the
/// last column. tmux keeps that cursor *past* the last column and erases nothing;
/// mosh keeps it *on* the last column (terminal.md §4.4) and resets that cell, as
/// xterm does. `top` ends its full-width header line this way.
fn erased_last_column(x: usize, ours: &Cell, tmux: &Cell) -> bool {
    x == COLS - 1 && ours.0 == " " && tmux.0 == " " && ours.1 == Rendition::default()
}

fn compare(name: &str) {
    let bytes = recording(name);
    assert!(bytes.len() > 1000, "recording {name} too short");
    let mut emu = Emulator::new(COLS, ROWS);
    emu.feed(&bytes);
    let mut ours = our_screen(&emu);
    let mut theirs = parse_capture(&tmux_screen(&bytes));
    normalise(&mut ours);
    normalise(&mut theirs);
    let mut differences = Vec::new();
    for (y, (a, b)) in ours.iter().zip(&theirs).enumerate() {
        for (x, (ca, cb)) in a.iter().zip(b).enumerate() {
            if ca != cb && !erased_last_column(x, ca, cb) {
                differences.push(format!("({y},{x}): ours {ca:?}, tmux {cb:?}"));
            }
        }
    }
    let text: Vec<String> = ours
        .iter()
        .map(|r| r.iter().map(|c| c.0.as_str()).collect())
        .collect();
    assert!(
        differences.is_empty(),
        "{name}: {} cells differ:\n{}\nour screen:\n{}",
        differences.len(),
        differences
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n"),
        text.join("\n")
    );
    // The comparison means something only if the screen has content and colour.
    let filled = text.iter().filter(|l| !l.trim().is_empty()).count();
    assert!(filled > 10, "{name}: screen nearly empty");
}

#[test]
fn top_recording_matches_tmux() {
    compare("top.typescript");
    let screen = our_screen(&{
        let mut e = Emulator::new(COLS, ROWS);
        e.feed(&recording("top.typescript"));
        e
    });
    let styled = screen
        .iter()
        .flatten()
        .filter(|c| !c.1.attrs.is_empty())
        .count();
    assert!(styled > 20, "top draws bold and inverse text");
}

#[test]
fn vim_recording_matches_tmux() {
    assert!(Path::new(&data("vim.typescript")).is_file());
    compare("vim.typescript");
}
