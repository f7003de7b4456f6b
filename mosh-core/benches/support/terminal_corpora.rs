//! The emulator benchmark's corpora, generated from fixed xorshift seeds so every run
//! feeds the same bytes (about 1 MiB each): (a) plain ASCII lines, (b) colours, cursor
//! motion, long wrapping lines and UTF-8 with wide and combining characters, (c) a
//! full-screen editor workload, (d) text in other scripts than Latin. Shared by
//! `benches/terminal.rs` (time), `examples/emulator_best_time.rs` (best wall clock) and
//! `examples/emulator_instructions.rs` (instructions, under callgrind).

#![allow(dead_code)]

/// Deterministic xorshift64 so every run feeds the same corpus.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const CORPUS_BYTES: usize = 1 << 20;
const WORDS: [&str; 12] = [
    "the",
    "quick",
    "brown",
    "fox",
    "jumps",
    "over",
    "lazy",
    "dog",
    "terminal",
    "mosh",
    "state",
    "synchronization",
];

/// Every corpus with the short name the examples take: plain, mixed, editor, unicode.
pub fn all() -> [(&'static str, Vec<u8>); 4] {
    [
        ("plain", plain_ascii()),
        ("mixed", mixed()),
        ("editor", editor()),
        ("unicode", unicode_text()),
    ]
}

/// (a) Plain ASCII lines.
pub fn plain_ascii() -> Vec<u8> {
    let mut rng = Rng(0x5eed_0001);
    let mut out = Vec::with_capacity(CORPUS_BYTES + 100);
    while out.len() < CORPUS_BYTES {
        let mut line = 0;
        while line < 70 {
            let w = WORDS[rng.below(WORDS.len())];
            out.extend_from_slice(w.as_bytes());
            out.push(b' ');
            line += w.len() + 1;
        }
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// (b) The mixed corpus.
pub fn mixed() -> Vec<u8> {
    const UNICODE: [&str; 8] = [
        "日本語",
        "🍕",
        "e\u{301}",
        "ñ",
        "中文字",
        "ü",
        "a\u{308}\u{323}",
        "—",
    ];
    let mut rng = Rng(0x5eed_0002);
    let mut out = Vec::with_capacity(CORPUS_BYTES + 100);
    while out.len() < CORPUS_BYTES {
        match rng.below(10) {
            0 => out.extend_from_slice(format!("\x1b[{}m", 30 + rng.below(8)).as_bytes()),
            1 => out.extend_from_slice(format!("\x1b[38;5;{}m", rng.below(256)).as_bytes()),
            2 => out.extend_from_slice(b"\x1b[0m"),
            3 => out.extend_from_slice(
                format!("\x1b[{};{}H", 1 + rng.below(24), 1 + rng.below(80)).as_bytes(),
            ),
            4 => out.extend_from_slice(UNICODE[rng.below(UNICODE.len())].as_bytes()),
            5 => out.extend_from_slice(b"\r\n"),
            6 => {
                // A long line that wraps.
                for _ in 0..20 {
                    out.extend_from_slice(WORDS[rng.below(WORDS.len())].as_bytes());
                    out.push(b' ');
                }
            }
            7 => out.extend_from_slice(b"\x1b[1;4m"),
            _ => {
                out.extend_from_slice(WORDS[rng.below(WORDS.len())].as_bytes());
                out.push(b' ');
            }
        }
    }
    out
}

/// (c) The editor workload.
pub fn editor() -> Vec<u8> {
    let mut rng = Rng(0x5eed_0003);
    let mut out = Vec::with_capacity(CORPUS_BYTES + 4096);
    while out.len() < CORPUS_BYTES {
        match rng.below(4) {
            // Full repaint: every row addressed, keyword colouring, status line.
            0 => {
                out.extend_from_slice(b"\x1b[?25l\x1b[H\x1b[2J");
                for row in 1..24 {
                    out.extend_from_slice(
                        format!("\x1b[{row};1H\x1b[33m{row:>4} \x1b[m").as_bytes(),
                    );
                    for _ in 0..8 {
                        if rng.below(4) == 0 {
                            out.extend_from_slice(b"\x1b[1;34m");
                        }
                        out.extend_from_slice(WORDS[rng.below(WORDS.len())].as_bytes());
                        out.extend_from_slice(b"\x1b[m ");
                    }
                    out.extend_from_slice(b"\x1b[K");
                }
                out.extend_from_slice(
                    b"\x1b[24;1H\x1b[7m-- INSERT --  main.rs  42,7  Top\x1b[K\x1b[m",
                );
                out.extend_from_slice(b"\x1b[12;10H\x1b[?25h");
            }
            // Scroll down one line inside a region and draw the new line.
            1 => {
                out.extend_from_slice(b"\x1b[1;23r\x1b[23;1H\n\x1b[r\x1b[23;1H\x1b[33m 100 \x1b[m");
                for _ in 0..8 {
                    out.extend_from_slice(WORDS[rng.below(WORDS.len())].as_bytes());
                    out.push(b' ');
                }
                out.extend_from_slice(b"\x1b[K");
            }
            // Typing in insert mode in the middle of a line.
            2 => {
                let (r, c) = (1 + rng.below(23), 6 + rng.below(60));
                out.extend_from_slice(format!("\x1b[{r};{c}H\x1b[4h").as_bytes());
                for _ in 0..10 {
                    out.push(b'a' + rng.below(26) as u8);
                }
                out.extend_from_slice(b"\x1b[4l\x1b[24;30H42,8\x1b[K");
            }
            // Deleting and inserting lines (dd / O).
            _ => {
                let r = 1 + rng.below(22);
                out.extend_from_slice(
                    format!("\x1b[{r};1H\x1b[M\x1b[{r};1H\x1b[L\x1b[33m  17 \x1b[m").as_bytes(),
                );
                out.extend_from_slice(b"new line of text\x1b[K");
            }
        }
    }
    out
}

/// (d) Lines of Japanese, Chinese, Korean, Greek, Cyrillic and accented Latin words
/// (wide characters, two- and three-byte UTF-8, a combining accent), one word in eight
/// in colour: a chat log or a directory listing in a phone user's own language.
pub fn unicode_text() -> Vec<u8> {
    const UNICODE_WORDS: [&str; 12] = [
        "日本語",
        "テキスト",
        "中文字",
        "你好",
        "한국어",
        "café",
        "naïve",
        "Ελληνικά",
        "русский",
        "e\u{301}té",
        "señor",
        "Zürich",
    ];
    let mut rng = Rng(0x5eed_0004);
    let mut out = Vec::with_capacity(CORPUS_BYTES + 100);
    while out.len() < CORPUS_BYTES {
        let mut columns = 0;
        while columns < 60 {
            let w = UNICODE_WORDS[rng.below(UNICODE_WORDS.len())];
            if rng.below(8) == 0 {
                out.extend_from_slice(format!("\x1b[{}m{w}\x1b[m ", 31 + rng.below(6)).as_bytes());
            } else {
                out.extend_from_slice(w.as_bytes());
                out.push(b' ');
            }
            // At most two columns a character: the line stays inside 80 columns.
            columns += 2 * w.chars().count() + 1;
        }
        out.extend_from_slice(b"\r\n");
    }
    out
}
