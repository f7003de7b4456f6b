//! Just enough of the shell's word rules for documented commands: quotes, `#`
//! comments, and the operators that separate commands on one line.

/// One command line cut into its commands (at `&&`, `||`, `;` and `|`), each a list
/// of words with quotes removed; a `#` comment is dropped.
pub fn commands(line: &str) -> Vec<Vec<String>> {
    let mut commands = vec![Vec::new()];
    let mut word: Option<String> = None;
    let mut quote: Option<char> = None;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            } else {
                word.get_or_insert_default().push(c);
            }
            continue;
        }
        match c {
            '\'' | '"' => {
                quote = Some(c);
                word.get_or_insert_default();
            }
            '\\' => {
                if let Some(next) = chars.next() {
                    word.get_or_insert_default().push(next);
                }
            }
            '#' if word.is_none() => break,
            // `2>&1`, `>&2`: a redirection, not an operator.
            '&' if word.as_deref().is_some_and(|w| w.ends_with('>')) => {
                word.get_or_insert_default().push(c);
            }
            c if c.is_whitespace() => end_word(&mut commands, &mut word),
            ';' | '|' | '&' => {
                end_word(&mut commands, &mut word);
                if matches!(chars.peek(), Some('|') | Some('&')) {
                    chars.next();
                }
                if commands.last().is_some_and(|c| !c.is_empty()) {
                    commands.push(Vec::new());
                }
            }
            c => word.get_or_insert_default().push(c),
        }
    }
    end_word(&mut commands, &mut word);
    for command in &mut commands {
        drop_redirections(command);
    }
    commands.retain(|c| !c.is_empty());
    commands
}

/// Removes `2>&1`, `> file`, `<file` and the like: where output goes is not a command.
fn drop_redirections(command: &mut Vec<String>) {
    let mut kept = Vec::new();
    let mut words = command.drain(..);
    while let Some(word) = words.next() {
        let Some(at) = word.find(['>', '<']) else {
            kept.push(word);
            continue;
        };
        let prefix = &word[..at];
        if !prefix.chars().all(|c| c.is_ascii_digit()) {
            kept.push(word);
            continue;
        }
        // A bare operator takes the next word as its target.
        if word[at..].trim_start_matches(['>', '<', '&']).is_empty() && !word.ends_with('&') {
            words.next();
        }
    }
    drop(words);
    *command = kept;
}

fn end_word(commands: &mut [Vec<String>], word: &mut Option<String>) {
    if let (Some(word), Some(command)) = (word.take(), commands.last_mut()) {
        command.push(word);
    }
}

/// `NAME=value` with a shell variable name: an assignment before a command.
pub fn assignment(word: &str) -> Option<&str> {
    let (name, _) = word.split_once('=')?;
    let valid = !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    valid.then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_quotes_and_comments() {
        let line = r#"cd a && X=1 cargo run -- "two words" | grep 'R'; b # note"#;
        assert_eq!(
            commands(line),
            vec![
                vec!["cd", "a"],
                vec!["X=1", "cargo", "run", "--", "two words"],
                vec!["grep", "R"],
                vec!["b"],
            ]
        );
        assert_eq!(commands("echo a#b"), vec![vec!["echo", "a#b"]]);
        assert_eq!(
            commands("bash x.sh 2>&1 > out.txt | grep R"),
            vec![vec!["bash", "x.sh"], vec!["grep", "R"]]
        );
        assert_eq!(assignment("MOSH_KEY=<key>"), Some("MOSH_KEY"));
        assert_eq!(assignment("--flag=1"), None);
    }
}
