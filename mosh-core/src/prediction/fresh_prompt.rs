//! Trusting the first keystroke at a fresh prompt (an addition to `prediction.md`).
//!
//! After Enter the spec makes the next keystrokes tentative: nothing shows until one
//! of them is confirmed, a full round trip, because the program that now reads input
//! may not echo it (a password prompt). When the person waited for the new prompt
//! before typing, the client can do better without ever showing a secret. The first
//! keystroke after an Enter is trusted when:
//!
//! - the line the Enter ended had something typed on it, and the server has
//!   acknowledged every key before the Enter: its screen showed that line, so a
//!   prompt at the cursor now (not the line's end) means it has had the Enter too
//!   (a password typed before its prompt arrived finds the typed line there);
//! - the text left of the server's cursor ends like a shell prompt (`$ `, `# `,
//!   `% `) or like a prompt that has already echoed typing in this session (learned
//!   when a tentative epoch that began at it was confirmed), with nothing right of
//!   the cursor;
//! - that text does not mention a password, passphrase, PIN or the like.
//!
//! The session's first keystroke is not trusted: until the echo acknowledgement of
//! its line arrives, the guesses of a trusted epoch would stay on screen over
//! whatever the program draws (a `clear` typed at once, with the server frozen
//! before its acknowledgement, left the typed line over the new screen). A session
//! restored from a snapshot starts as mid-session ([`PromptMemory::continuing`]).
//! Other prompts are learned from what happened, not guessed: a continuation prompt
//! (`> `) or a program's prompt that has never echoed (only `read -s` prompts, say)
//! is never trusted. What this accepts: a
//! program that asks for a secret behind a prompt ending like a shell's and naming
//! no secret (`read -s -p '$ '`) would show its first key for a round trip.

use crate::terminal::Framebuffer;

/// Most prompt endings remembered (a few shells and programs per session).
const MAX_LEARNED: usize = 8;
/// How many characters of the text left of the cursor identify a prompt's ending
/// (`$ `, `# `, `> `, `% `, `): `).
const ENDING_CHARS: usize = 2;
/// Endings of shell prompts (the default `PS1` of sh and bash, root's, csh's and
/// zsh's): trusted without having echoed first.
const SHELL_ENDINGS: &[&str] = &["$ ", "# ", "% "];
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

/// What is known of the line an Enter ended.
#[derive(Debug, Clone, PartialEq, Eq)]
struct AtEnter {
    /// The newest client state before the one carrying the Enter: once the server
    /// acknowledged it, its screen showed the whole line.
    frame_before: u64,
    /// Whether the line had anything typed on it (an empty Enter leaves the same
    /// prompt where the new one will appear).
    typed_on_line: bool,
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
    /// Printable keys minus Backspaces typed since the last Enter.
    line_length: usize,
    /// Whether any key was pressed yet (the first is typed at the session's first
    /// prompt).
    typed_any: bool,
}

impl PromptMemory {
    /// The session continues one restored from a snapshot: its first keystroke is not
    /// the session's first (keys of the snapshot may still be on their way).
    pub(crate) fn continuing(&mut self) {
        self.typed_any = true;
    }

    /// Enter was pressed; `frame_before` is the newest client state before the one
    /// that carries it.
    pub(crate) fn enter_pressed(&mut self, frame_before: u64) {
        self.typed_any = true;
        self.after_enter = Some(AtEnter {
            frame_before,
            typed_on_line: self.line_length > 0,
        });
        self.line_length = 0;
    }

    /// A printable key other than the first after an Enter in a hidden epoch.
    pub(crate) fn printable_pressed(&mut self) {
        self.typed_any = true;
        self.after_enter = None;
        self.line_length += 1;
    }

    /// Backspace.
    pub(crate) fn backspace_pressed(&mut self) {
        self.typed_any = true;
        self.after_enter = None;
        self.line_length = self.line_length.saturating_sub(1);
    }

    /// Any other key (arrows, control keys).
    pub(crate) fn other_key_pressed(&mut self) {
        self.typed_any = true;
        self.after_enter = None;
    }

    /// A printable keystroke in tentative epoch `epoch`, with `server` the newest
    /// server frame and `late_ack` its echo acknowledgement: whether to trust it at
    /// once (see the module docs). The first of a line makes the prompt left of the
    /// cursor a candidate to learn.
    pub(crate) fn trust_first_keystroke(
        &mut self,
        epoch: u64,
        server: &Framebuffer,
        late_ack: u64,
    ) -> bool {
        let at_enter = self.after_enter.take();
        let first_of_session = !self.typed_any;
        self.printable_pressed();
        let Some(prompt) = prompt_left_of_cursor(server) else {
            return false;
        };
        let ending = ending(&prompt);
        // Only the first keystroke of a line (or of the session) is typed at a
        // prompt; text left of a keystroke typed mid-line is not one.
        if at_enter.is_some() || first_of_session {
            self.candidate = Some((epoch, ending.clone()));
        }
        let shell = SHELL_ENDINGS.contains(&ending.as_str());
        let Some(at_enter) = at_enter else {
            return false;
        };
        at_enter.typed_on_line
            && late_ack >= at_enter.frame_before
            && !looks_secret(&prompt)
            && (shell || self.learned.contains(&ending))
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

    /// Types `line` (as the engine reports it) and Enter, in client states 1..;
    /// returns the state before the Enter's.
    fn type_line(memory: &mut PromptMemory, line: &str, first_frame: u64) -> u64 {
        for _ in line.chars() {
            memory.printable_pressed();
        }
        let before = first_frame + line.len() as u64;
        memory.enter_pressed(before);
        before
    }

    fn learned(ending: &str) -> PromptMemory {
        PromptMemory {
            learned: vec![ending.to_owned()],
            typed_any: true,
            ..PromptMemory::default()
        }
    }

    #[test]
    fn a_prompt_is_trusted_only_once_it_has_echoed() {
        let mut memory = PromptMemory::default();
        let first = screen(&[">>> "], (0, 4));
        // The session's first keystroke at a program's prompt: a candidate, not
        // trusted.
        assert!(!memory.trust_first_keystroke(1, &first, 0));
        memory.epoch_confirmed(1);
        assert_eq!(memory.learned, ["> "]);
        let before = type_line(&mut memory, "s", 1);
        let next = screen(&[">>> 1+1", "2", ">>> "], (2, 4));
        assert!(memory.trust_first_keystroke(2, &next, before));
        // Only the first keystroke after Enter.
        assert!(!memory.trust_first_keystroke(2, &next, before));
    }

    #[test]
    fn shell_prompts_are_trusted_after_enter_without_having_echoed() {
        for (prompt, col) in [("$ ", 2), ("root@host:~# ", 13), ("host% ", 6)] {
            let mut memory = PromptMemory::default();
            // The session's first keystroke: not trusted, even at a shell prompt.
            assert!(
                !memory.trust_first_keystroke(1, &screen(&[prompt], (0, col)), 0),
                "{prompt:?}"
            );
            // The second prompt, before the first epoch was confirmed.
            let before = type_line(&mut memory, "ls", 1);
            let second = screen(&[&format!("{prompt}ls"), "a", prompt], (2, col));
            assert!(
                memory.trust_first_keystroke(2, &second, before),
                "{prompt:?}"
            );
        }
        // Not a continuation prompt or a secret one.
        let mut memory = PromptMemory::default();
        let before = type_line(&mut memory, "cat <<x", 1);
        assert!(!memory.trust_first_keystroke(2, &screen(&["$ cat <<x", "> "], (1, 2)), before));
        let before = type_line(&mut memory, "x", 10);
        assert!(!memory.trust_first_keystroke(3, &screen(&["PIN$ "], (0, 5)), before));
    }

    #[test]
    fn secrets_unacknowledged_lines_and_empty_lines_are_not_trusted() {
        let mut memory = learned("$ ");
        let before = type_line(&mut memory, "sudo ls", 1);
        let sudo = screen(&["$ sudo ls", "[sudo] password for me: "], (1, 24));
        assert!(!memory.trust_first_keystroke(2, &sudo, before), "password");
        let before = type_line(&mut memory, "read -s x", 20);
        let secret = screen(&["$ read -s x", "Secret$ "], (1, 8));
        assert!(
            !memory.trust_first_keystroke(3, &secret, before),
            "secret word"
        );
        // A password typed before its prompt arrived: the keys before the Enter are
        // not all acknowledged yet, so an old prompt on screen proves nothing.
        let before = type_line(&mut memory, "sudo ls", 40);
        let old_prompt = screen(&["$ "], (0, 2));
        assert!(!memory.trust_first_keystroke(4, &old_prompt, before - 1));
        // Acknowledged, the screen shows the line, not a prompt.
        let before = type_line(&mut memory, "sudo ls", 60);
        let line = screen(&["$ sudo ls"], (0, 9));
        assert!(!memory.trust_first_keystroke(5, &line, before));
        // Enter on an empty line: the old prompt is where the new one will be.
        memory.enter_pressed(79);
        memory.enter_pressed(80);
        assert!(!memory.trust_first_keystroke(6, &old_prompt, 80));
        // Text right of the cursor: not a prompt waiting for input.
        let before = type_line(&mut memory, "ls", 90);
        assert!(!memory.trust_first_keystroke(7, &screen(&["$ ", "$ x"], (1, 2)), before));
    }

    #[test]
    fn keystrokes_typed_mid_line_and_killed_epochs_teach_nothing() {
        let mut memory = PromptMemory::default();
        memory.other_key_pressed();
        // A tentative epoch that starts mid-line (after a wrong guess, say).
        assert!(!memory.trust_first_keystroke(3, &screen(&["$ echo c"], (0, 8)), 0));
        memory.epoch_confirmed(3);
        assert!(memory.learned.is_empty());
        let before = type_line(&mut memory, "x", 1);
        assert!(!memory.trust_first_keystroke(7, &screen(&["$ x", "Name: "], (1, 6)), before));
        memory.epoch_confirmed(8);
        assert!(memory.learned.is_empty());
    }
}
