//! The commands of a Markdown document: each line of a `sh`/`bash`/`shell` block,
//! and each inline code span that starts like a command or names a path in the tree.

/// One command (or path) a document gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocCommand {
    /// The document, relative to the repository.
    pub doc: String,
    /// Its line (1-based).
    pub line: usize,
    /// The command as written (a block line without its comment is still whole here).
    pub text: String,
    /// Which block it is in (commands of one block share a working directory and the
    /// directories they create); `None` for inline code.
    pub block: Option<usize>,
}

/// How inline code starts when it is a command.
const COMMAND_STARTS: [&str; 11] = [
    "cargo ", "bash ", "sh ", "cd ", "mvn ", "swift ", "rustup ", "gradle ", "./", "scripts/",
    "target/",
];

/// The commands of `text`, the document `doc`. `top_level` lists the tree's
/// top-level entries, so inline code like `mosh-core/src/x.rs` counts as a path.
pub fn extract(doc: &str, text: &str, top_level: &[String]) -> Vec<DocCommand> {
    let mut found = Vec::new();
    let mut block: Option<(usize, bool)> = None;
    let mut blocks = 0;
    // The prose, with every block line blanked (line numbers stay), for inline code,
    // which may run over a line break.
    let mut prose = String::new();
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let fence = trimmed.strip_prefix("```");
        match (fence, block) {
            (Some(info), None) => {
                blocks += 1;
                let lang = info.trim();
                block = Some((blocks, matches!(lang, "sh" | "bash" | "shell")));
            }
            (Some(_), Some(_)) => block = None,
            (None, Some((id, true))) if !trimmed.is_empty() && !trimmed.starts_with('#') => {
                found.push(DocCommand {
                    doc: doc.to_owned(),
                    line: index + 1,
                    text: trimmed.trim_end().to_owned(),
                    block: Some(id),
                });
            }
            (None, None) => prose.push_str(line),
            _ => {}
        }
        prose.push('\n');
    }
    for (line, span) in inline_code(&prose) {
        if is_command(&span) || is_path(&span, top_level) {
            found.push(DocCommand {
                doc: doc.to_owned(),
                line,
                text: span,
                block: None,
            });
        }
    }
    found.sort_by_key(|c| c.line);
    found
}

/// Each inline code span of `prose` with the line it starts on; a span that runs over
/// a line break is one span, the break a space.
fn inline_code(prose: &str) -> Vec<(usize, String)> {
    let mut spans = Vec::new();
    let mut line = 1;
    for (index, piece) in prose.split('`').enumerate() {
        if index % 2 == 1 && !piece.is_empty() && !piece.contains("\n\n") {
            spans.push((line, piece.split_whitespace().collect::<Vec<_>>().join(" ")));
        }
        line += piece.matches('\n').count();
    }
    spans
}

fn is_command(span: &str) -> bool {
    COMMAND_STARTS.iter().any(|start| span.starts_with(start))
        || span
            .split_whitespace()
            .next()
            .and_then(crate::words::assignment)
            .is_some_and(|name| name.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
}

fn is_path(span: &str, top_level: &[String]) -> bool {
    !span.contains(char::is_whitespace)
        && span
            .split_once('/')
            .is_some_and(|(first, _)| top_level.iter().any(|entry| entry == first))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_and_inline_commands_and_paths() {
        let doc = "Run `cargo test -p x` or see `mosh-core/src/a.rs`, `swift`, `a::b`.\n\
                   ```sh\ncd dir && make # build\n\n# a comment\n```\n\
                   ```text\nnot a command\n```\n`IDLE_SECS=5 bash\nscripts/x.sh` and `Foo=1`\n";
        let found = extract("README.md", doc, &["mosh-core".to_owned()]);
        let texts: Vec<(&str, Option<usize>)> =
            found.iter().map(|c| (c.text.as_str(), c.block)).collect();
        assert_eq!(
            texts,
            [
                ("cargo test -p x", None),
                ("mosh-core/src/a.rs", None),
                ("cd dir && make # build", Some(1)),
                ("IDLE_SECS=5 bash scripts/x.sh", None),
            ]
        );
        assert_eq!(found[2].line, 3);
    }
}
