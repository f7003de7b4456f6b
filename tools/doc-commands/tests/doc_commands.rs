//! Every command in `README.md`, `bindings/*/README.md`, `apps/*/README.md` and
//! `docs/*.md` passes the rules of `src/rules.rs` against this tree, or is in
//! `allowed.txt` with the reason (issue 33).

use std::path::PathBuf;

use mosh_doc_commands::{Allowed, Repo, check, extract};

fn documents(repo: &Repo) -> Vec<String> {
    repo.files()
        .iter()
        .filter(|f| {
            let parts: Vec<&str> = f.split('/').collect();
            match parts.as_slice() {
                ["README.md"] => true,
                ["bindings" | "apps", _, "README.md"] => true,
                ["docs", name] => name.ends_with(".md"),
                _ => false,
            }
        })
        .cloned()
        .collect()
}

#[test]
fn every_documented_command_works_on_a_fresh_clone() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap();
    let repo = Repo::open(&root).unwrap();
    let allowed = Allowed::parse(include_str!("../allowed.txt")).unwrap_or_else(|e| panic!("{e}"));
    let top_level = repo.top_level();
    let mut commands = Vec::new();
    let docs = documents(&repo);
    assert!(docs.len() >= 7, "documents found: {docs:?}");
    for doc in &docs {
        let text = std::fs::read_to_string(root.join(doc)).unwrap();
        commands.extend(extract(doc, &text, &top_level));
    }
    let problems = check(&repo, &commands, &allowed);
    println!(
        "{} commands and paths in {} documents checked, {} problems",
        commands.len(),
        docs.len(),
        problems.len()
    );
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}
