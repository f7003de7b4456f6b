//! The seeded keystroke trace: a person typing shell commands (with typos fixed by
//! Backspace and mid-line edits with the arrow keys), then editing a file in vi
//! (insert mode, normal-mode commands, `:wq`), then a few more commands. Gaps follow
//! a log-normal typing rhythm around 150 ms with longer pauses where a person would
//! think or wait for a command.

use std::time::Duration;

use mosh_netem::impairment::Rng;

/// One key as the person presses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// A printable character.
    Char(char),
    /// Backspace (DEL).
    Backspace,
    /// Left arrow.
    Left,
    /// Right arrow.
    Right,
    /// Enter (CR).
    Enter,
    /// Escape.
    Escape,
}

impl Key {
    /// The bytes a terminal sends for this key, `application_cursor` being DECCKM.
    pub fn bytes(self, application_cursor: bool) -> Vec<u8> {
        let arrow = |final_byte: u8| {
            let intro = if application_cursor { b'O' } else { b'[' };
            vec![0x1b, intro, final_byte]
        };
        match self {
            Key::Char(c) => c.to_string().into_bytes(),
            Key::Backspace => vec![0x7f],
            Key::Left => arrow(b'D'),
            Key::Right => arrow(b'C'),
            Key::Enter => vec![b'\r'],
            Key::Escape => vec![0x1b],
        }
    }
}

/// Where the person is typing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// At the shell prompt.
    Shell,
    /// In the editor.
    Editor,
}

/// One keystroke of the trace, pressed `gap` after the previous one.
#[derive(Debug, Clone, Copy)]
pub struct Keystroke {
    /// Time since the previous keystroke (or since the start).
    pub gap: Duration,
    /// The key.
    pub key: Key,
    /// Shell or editor typing.
    pub phase: Phase,
    /// The person waits until the screen shows what the keys before it lead to (the
    /// new prompt) before the `gap`, their reaction time, starts.
    pub waits_for_screen: bool,
}

const WORDS: &[&str] = &[
    "the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "network", "mobile", "shell",
    "session", "latency", "packet", "server", "client", "screen", "typing", "echo", "predict",
    "cursor", "line", "window", "phone", "train", "tunnel", "signal", "roaming", "keeps",
    "working", "while", "moving", "between", "cells", "and", "wifi", "at", "home",
];

/// Builds the trace from `seed` with about `target_keys` keystrokes, half at the
/// shell and half in the editor.
pub fn generate(seed: u64, target_keys: usize) -> Vec<Keystroke> {
    let mut typist = Typist::new(seed);
    let half = target_keys / 2;
    while typist.keys.len() < half {
        let command = typist.command();
        typist.shell_line(&command);
    }
    typist.shell_line("vi notes.txt");
    typist.pause(2_500, 3_000);
    typist.phase = Phase::Editor;
    typist.press(Key::Char('i'));
    let mut first = true;
    while typist.keys.len() < target_keys.saturating_sub(40) {
        if !first {
            typist.press(Key::Enter);
        }
        first = false;
        let sentence = typist.sentence(6, 10);
        typist.type_text(&sentence, true);
    }
    typist.normal_mode_edit();
    typist.pause(500, 900);
    typist.press(Key::Escape);
    typist.pause(400, 800);
    for c in ":wq".chars() {
        typist.press(Key::Char(c));
    }
    typist.press(Key::Enter);
    typist.pause(1_500, 2_000);
    typist.phase = Phase::Shell;
    typist.shell_line("wc -w notes.txt");
    typist.keys
}

/// The prompt-waiting typist (issue 18): short shell commands of 3–12 keys, Enter
/// included, each begun only once the new prompt is on screen, after a reaction
/// time of 250–700 ms, as people do after reading output. About `target_keys`
/// keystrokes.
pub fn generate_prompt_waiter(seed: u64, target_keys: usize) -> Vec<Keystroke> {
    let mut typist = Typist::new(seed);
    while typist.keys.len() < target_keys {
        let command = match typist.uniform(0, 5) {
            0 => "ls".to_owned(),
            1 => "pwd".to_owned(),
            2 => "id -u".to_owned(),
            3 => "uname".to_owned(),
            _ => {
                let word = typist.pick(WORDS);
                let word = &word[..word.len().min(6)];
                format!("echo {word}")
            }
        };
        typist.waiting = true;
        // The reaction time after the prompt shows stands in for the typing gap.
        let reaction = Duration::from_millis(typist.uniform(250, 700));
        typist.keys.push(Keystroke {
            gap: reaction,
            key: Key::Char(command.chars().next().expect("non-empty command")),
            phase: Phase::Shell,
            waits_for_screen: std::mem::take(&mut typist.waiting),
        });
        typist.type_text(&command[1..], false);
        typist.press(Key::Enter);
    }
    typist.keys
}

struct Typist {
    rng: Rng,
    keys: Vec<Keystroke>,
    phase: Phase,
    /// Thinking time added to the next keystroke's gap.
    pending_pause: Duration,
    /// The next keystroke waits for the screen (see [`Keystroke::waits_for_screen`]).
    waiting: bool,
}

impl Typist {
    fn new(seed: u64) -> Self {
        Typist {
            rng: Rng::new(seed),
            keys: Vec::new(),
            phase: Phase::Shell,
            pending_pause: Duration::ZERO,
            waiting: false,
        }
    }

    fn uniform(&mut self, low: u64, high: u64) -> u64 {
        low + (self.rng.unit() * (high - low + 1) as f64) as u64
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.uniform(0, items.len() as u64 - 1) as usize]
    }

    /// A typing gap: log-normal around 150 ms, clamped to 50..700 ms.
    fn typing_gap(&mut self) -> Duration {
        let (u1, u2) = (self.rng.unit().max(1e-12), self.rng.unit());
        let normal = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
        let ms = (150.0 * (0.45 * normal).exp()).clamp(50.0, 700.0);
        Duration::from_micros((ms * 1000.0) as u64)
    }

    fn press(&mut self, key: Key) {
        let gap = self.typing_gap() + std::mem::take(&mut self.pending_pause);
        self.keys.push(Keystroke {
            gap,
            key,
            phase: self.phase,
            waits_for_screen: std::mem::take(&mut self.waiting),
        });
    }

    /// Makes the next keystroke come after a pause of `low..=high` ms more.
    fn pause(&mut self, low: u64, high: u64) {
        let extra = Duration::from_millis(self.uniform(low, high));
        self.pending_pause += extra;
    }

    /// Types `text`, with occasional typos noticed and fixed with Backspace.
    fn type_text(&mut self, text: &str, typos: bool) {
        for c in text.chars() {
            if typos && c.is_ascii_lowercase() && self.rng.unit() < 0.05 {
                let wrong = (b'a' + self.uniform(0, 25) as u8) as char;
                if wrong != c {
                    self.press(Key::Char(wrong));
                    self.pause(200, 450);
                    self.press(Key::Backspace);
                }
            }
            self.press(Key::Char(c));
        }
    }

    /// Goes back a few characters, inserts a word there and returns to the end.
    fn mid_line_edit(&mut self, line_len: usize) {
        let back = self.uniform(2, (line_len as u64 / 2).clamp(2, 8)) as usize;
        self.pause(300, 600);
        for _ in 0..back {
            self.press(Key::Left);
        }
        let word = self.pick(WORDS);
        self.type_text(&format!("{word} "), false);
        for _ in 0..back {
            self.press(Key::Right);
        }
    }

    /// Types one command line and Enter, after a thinking pause; waits for its output.
    fn shell_line(&mut self, command: &str) {
        self.pause(600, 1_500);
        let editable = command.starts_with("echo ") && command.len() > 12;
        self.type_text(command, true);
        if editable && self.rng.unit() < 0.35 {
            self.mid_line_edit(command.len());
        }
        self.press(Key::Enter);
        self.pause(900, 1_600);
    }

    fn sentence(&mut self, low: u64, high: u64) -> String {
        let count = self.uniform(low, high);
        (0..count)
            .map(|_| self.pick(WORDS))
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn command(&mut self) -> String {
        match self.uniform(0, 6) {
            0..=2 => {
                let words = self.sentence(2, 5);
                format!("echo {words}")
            }
            3 => "ls -l".to_owned(),
            4 => "pwd".to_owned(),
            5 => {
                let word = self.pick(WORDS);
                format!("grep -c {word} notes.txt")
            }
            _ => {
                let (a, b) = (self.pick(WORDS), self.pick(WORDS));
                format!("printf '%s\\n' {a} {b}")
            }
        }
    }

    /// Leaves insert mode, moves around with normal-mode commands, deletes a
    /// character, appends to a line and inserts a new one: keys whose effect local
    /// echo cannot guess.
    fn normal_mode_edit(&mut self) {
        self.pause(300, 700);
        self.press(Key::Escape);
        self.pause(400, 900);
        for command in "k0wwxjbllx".chars() {
            self.press(Key::Char(command));
        }
        self.pause(300, 600);
        self.press(Key::Char('A'));
        let words = self.sentence(2, 4);
        self.type_text(&format!(" {words}"), true);
        self.pause(300, 600);
        self.press(Key::Escape);
        self.pause(400, 800);
        self.press(Key::Char('o'));
        let words = self.sentence(3, 6);
        self.type_text(&words, true);
        let len = words.len();
        self.mid_line_edit(len);
    }
}
