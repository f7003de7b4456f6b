//! Trusting the first keystroke at a fresh prompt (an addition to `prediction.md`).
//!
//! After Enter the spec makes the next keystrokes tentative: nothing shows until one
//! of them is confirmed, a full round trip, because the program that now reads input
//! may not echo it (a password prompt). When the person waited for the new prompt
//! before typing, the client can do better without ever showing a secret:
//!
//! - the prompt is on the server's screen: the cursor's row changed since the Enter
//!   and the text left of the cursor ends like a prompt that has already echoed
//!   typing in this session (learned when a tentative epoch that began at it was
//!   confirmed), with nothing right of the cursor;
//! - the text does not mention a password, passphrase, PIN or the like;
//! - the keystroke is the first after the Enter (a password typed before its prompt
//!   arrived is typed while the screen shows no new prompt, so it stays tentative).
//!
//! Prompts are learned from what happened, not guessed: a session whose prompt has
//! never echoed (only `read -s` prompts, say) never trusts one.

use crate::terminal::Framebuffer;

/// Most prompt endings remembered (a few shells and programs per session).
const MAX_LEARNED: usize = 8;
/// How many characters of the text left of the cursor identify a prompt's ending
/// (`$ `, `# `, `> `, `% `, `): `).
const ENDING_CHARS: usize = 2;
/// Words that mark a prompt whose answer must not be shown (lower case).
const SECRET_WORDS: &[&str] = &[
    "password",
    "passphrase",
    "passcode",
    "pin",
    "secret",
    "token",
    "otp",
    "verification",
    "one-time",
];

/// The server's cursor row when Enter was pressed: the prompt must come after it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct AtEnter {
    cursor: (usize, usize),
    row_text: String,
}

/// What the engine remembers about prompts.
#[derive(Debug, Clone, Default)]
pub(crate) struct PromptMemory {
    /// Prompt endings that echoed typing.
    learned: Vec<String>,
    /// A tentative epoch that began at a prompt, and that prompt's ending: learned
    /// if the epoch is confirmed.
    candidate: Option<(u64, String)>,
    /// Set by Enter, cleared by the next keystroke.
    after_enter: Option<AtEnter>,
    /// Whether any key was pressed yet (the first is typed at the session's first
    /// prompt).
    typed_any: bool,
}

impl PromptMemory {
    /// Enter was pressed with `server` on screen.
    pub(crate) fn enter_pressed(&mut self, server: &Framebuffer) {
        self.typed_any = true;
        let cursor = server.cursor();
        self.after_enter = Some(AtEnter {
            cursor,
            row_text: row_text(server, cursor.0, server.width()),
        });
    }

    /// A key other than Enter was pressed: the next one is no longer the first of
    /// a line.
    pub(crate) fn other_key_pressed(&mut self) {
        self.typed_any = true;
        self.after_enter = None;
    }

    /// A printable keystroke in tentative epoch `epoch`: whether to trust it at once
    /// (see the module docs). The first of the epoch makes the prompt left of the
    /// cursor a candidate to learn.
    pub(crate) fn trust_first_keystroke(&mut self, epoch: u64, server: &Framebuffer) -> bool {
        let at_enter = self.after_enter.take();
        let first_of_session = !std::mem::replace(&mut self.typed_any, true);
        let Some(prompt) = prompt_left_of_cursor(server) else {
            return false;
        };
        let ending = ending(&prompt);
        // Only the first keystroke of a line (or of the session) is typed at a
        // prompt; text left of a keystroke typed mid-line is not one.
        if at_enter.is_some() || first_of_session {
            self.candidate = Some((epoch, ending.clone()));
        }
        let Some(at_enter) = at_enter else {
            return false;
        };
        let (row, _) = server.cursor();
        let moved_on = server.cursor() != at_enter.cursor
            || row_text(server, row, server.width()) != at_enter.row_text;
        moved_on && !looks_secret(&prompt) && self.learned.contains(&ending)
    }

    /// Epoch `epoch` was confirmed: if it began at a prompt, that prompt echoes.
    pub(crate) fn epoch_confirmed(&mut self, epoch: u64) {
        let Some((candidate, _)) = &self.candidate else {
            return;
        };
        if *candidate != epoch {
            return;
        }
        let (_, ending) = self.candidate.take().expect("checked above");
        // Most recently confirmed last; the least recent goes first when full.
        self.learned.retain(|learned| *learned != ending);
        if self.learned.len() == MAX_LEARNED {
            self.learned.remove(0);
        }
        self.learned.push(ending);
    }
}

/// The text of `row` up to column `end`.
fn row_text(screen: &Framebuffer, row: usize, end: usize) -> String {
    (0..end)
        .filter_map(|col| screen.cell(row, col))
        .map(|cell| {
            let text = cell.text();
            if text.is_empty() {
                " ".to_owned()
            } else {
                text
            }
        })
        .collect()
}

/// The text left of the server's cursor, if it looks like a prompt waiting for
/// input: some text, and nothing right of the cursor.
fn prompt_left_of_cursor(screen: &Framebuffer) -> Option<String> {
    let (row, col) = screen.cursor();
    if col < ENDING_CHARS || col >= screen.width() {
        return None;
    }
    let right_blank =
        (col..screen.width()).all(|c| screen.cell(row, c).is_none_or(|cell| cell.is_blank()));
    let text = row_text(screen, row, col);
    (right_blank && !text.trim().is_empty()).then_some(text)
}

fn ending(prompt: &str) -> String {
    let chars: Vec<char> = prompt.chars().collect();
    chars[chars.len().saturating_sub(ENDING_CHARS)..]
        .iter()
        .collect()
}

fn looks_secret(prompt: &str) -> bool {
    let lower = prompt.to_lowercase();
    SECRET_WORDS.iter().any(|word| lower.contains(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn screen(rows: &[&str], cursor: (usize, usize)) -> Framebuffer {
        let mut emulator = crate::terminal::Emulator::new(40, 4);
        let mut bytes = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            bytes.extend_from_slice(format!("\x1b[{};1H{row}", i + 1).as_bytes());
        }
        bytes.extend_from_slice(format!("\x1b[{};{}H", cursor.0 + 1, cursor.1 + 1).as_bytes());
        emulator.feed(&bytes);
        emulator.framebuffer().clone()
    }

    #[test]
    fn a_prompt_is_trusted_only_once_it_has_echoed_and_never_when_it_asks_a_secret() {
        let mut memory = PromptMemory::default();
        let typing = screen(&["$ ls"], (0, 4));
        let prompt = screen(&["$ ls", "a b", "$ "], (2, 2));
        memory.enter_pressed(&typing);
        // Never seen "$ " echo yet: tentative, but a candidate.
        assert!(!memory.trust_first_keystroke(2, &prompt));
        memory.epoch_confirmed(2);
        memory.enter_pressed(&screen(&["$ ls", "a b", "$ pwd"], (2, 5)));
        let next = screen(&["$ ls", "a b", "$ pwd", "$ "], (3, 2));
        assert!(memory.trust_first_keystroke(3, &next));
        // Only the first keystroke after Enter.
        assert!(!memory.trust_first_keystroke(3, &next));

        memory.enter_pressed(&screen(&["$ sudo ls"], (0, 9)));
        let sudo = screen(&["$ sudo ls", "[sudo] password for me: "], (1, 24));
        assert!(!memory.trust_first_keystroke(4, &sudo));
        memory.enter_pressed(&screen(&["$ read -s x"], (0, 11)));
        let secret = screen(&["$ read -s x", "Secret$ "], (1, 8));
        assert!(!memory.trust_first_keystroke(5, &secret), "secret word");
    }

    #[test]
    fn a_screen_that_has_not_moved_on_since_the_enter_is_not_a_fresh_prompt() {
        let mut memory = PromptMemory {
            learned: vec!["$ ".to_owned()],
            ..PromptMemory::default()
        };
        // Enter on an empty prompt, typed on at once: the old prompt is still there.
        let old = screen(&["$ "], (0, 2));
        memory.enter_pressed(&old);
        assert!(!memory.trust_first_keystroke(2, &old));
        // The password typed before its prompt arrived: the screen shows the command.
        memory.enter_pressed(&screen(&["$ sudo ls"], (0, 9)));
        assert!(!memory.trust_first_keystroke(3, &screen(&["$ sudo ls"], (1, 0))));
        // Text right of the cursor: not a prompt waiting for input.
        memory.enter_pressed(&old);
        assert!(!memory.trust_first_keystroke(4, &screen(&["$ ", "$ x"], (1, 2))));
    }

    #[test]
    fn keystrokes_typed_mid_line_teach_nothing() {
        let mut memory = PromptMemory::default();
        memory.other_key_pressed();
        // A tentative epoch that starts mid-line (after a wrong guess, say).
        assert!(!memory.trust_first_keystroke(3, &screen(&["$ echo c"], (0, 8))));
        memory.epoch_confirmed(3);
        assert!(memory.learned.is_empty());
    }

    #[test]
    fn a_killed_epoch_teaches_nothing() {
        let mut memory = PromptMemory::default();
        memory.enter_pressed(&screen(&["$ x"], (0, 3)));
        assert!(!memory.trust_first_keystroke(7, &screen(&["$ x", "Name: "], (1, 6))));
        memory.epoch_confirmed(8);
        assert!(memory.learned.is_empty());
    }
}
