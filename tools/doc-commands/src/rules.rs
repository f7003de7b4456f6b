//! The rules a documented command must pass, and the allow-list for what no rule
//! can judge here (a Mac, a phone, a remote host).

use std::collections::HashSet;
use std::process::Command;

use crate::extract::DocCommand;
use crate::repo::{Package, Repo, under};
use crate::words::{assignment, commands};

/// Commands no rule can judge, each with the reason: `allowed.txt`, one
/// `command<TAB>reason` a line.
pub struct Allowed {
    entries: Vec<(String, String)>,
}

impl Allowed {
    /// Reads the allow-list's text; a line without a reason is an error.
    pub fn parse(text: &str) -> Result<Allowed, String> {
        let mut entries = Vec::new();
        for line in text
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        {
            let (command, reason) = line
                .split_once('\t')
                .filter(|(_, reason)| !reason.trim().is_empty())
                .ok_or_else(|| format!("allowed.txt: no reason given for {line:?}"))?;
            entries.push((command.trim().to_owned(), reason.trim().to_owned()));
        }
        Ok(Allowed { entries })
    }

    fn contains(&self, command: &str) -> bool {
        self.entries.iter().any(|(c, _)| c == command)
    }
}

/// Where a block's commands run and what they made so far.
#[derive(Default)]
struct Shell {
    /// The working directory, relative to the repository ("" is its root).
    cwd: String,
    /// Directories an earlier command of the block creates.
    created: HashSet<String>,
}

/// Every problem with `commands` as text (`doc:line: command: why`); also each
/// allow-list entry no document uses any more.
pub fn check(repo: &Repo, commands: &[DocCommand], allowed: &Allowed) -> Vec<String> {
    let mut problems = Vec::new();
    let mut used = HashSet::new();
    let mut shell = Shell::default();
    let mut block = None;
    for command in commands {
        if command.block != block || command.block.is_none() {
            shell = Shell::default();
            block = command.block;
        }
        if allowed.contains(&command.text) {
            used.insert(command.text.clone());
            continue;
        }
        if let Err(why) = check_line(repo, command, &mut shell) {
            problems.push(format!(
                "{}:{}: `{}`: {why}",
                command.doc, command.line, command.text
            ));
        }
    }
    for (command, _) in &allowed.entries {
        if !used.contains(command) {
            problems.push(format!(
                "allowed.txt: `{command}` is in no document any more"
            ));
        }
    }
    problems
}

fn check_line(repo: &Repo, command: &DocCommand, shell: &mut Shell) -> Result<(), String> {
    if command.block.is_none() && !command.text.contains(' ') && !command.text.contains('=') {
        return match command.text.strip_prefix("target/") {
            // What a build leaves: a binary some package builds, or the profile's folder.
            Some(_) => check_program_path(repo, &Shell::default(), &command.text),
            None => check_path(repo, &command.text),
        };
    }
    let doc_dir = command.doc.rsplit_once('/').map_or("", |(dir, _)| dir);
    for words in commands(&command.text) {
        let mut words = words.as_slice();
        while let Some(name) = words.first().and_then(|w| assignment(w)) {
            if !repo.reads_variable(name) {
                return Err(format!("nothing in the code reads ${name}"));
            }
            words = &words[1..];
        }
        let Some((program, args)) = words.split_first() else {
            continue;
        };
        check_command(repo, shell, doc_dir, program, args)?;
    }
    Ok(())
}

fn check_command(
    repo: &Repo,
    shell: &mut Shell,
    doc_dir: &str,
    program: &str,
    args: &[String],
) -> Result<(), String> {
    match program {
        "cd" => {
            let dir = resolve(&shell.cwd, args.first().ok_or("cd where?")?);
            if !repo.is_dir(&dir) {
                return Err(format!("no directory {dir}"));
            }
            shell.cwd = dir;
            Ok(())
        }
        "mkdir" => {
            for dir in args.iter().filter(|a| !a.starts_with('-')) {
                shell.created.insert(resolve(&shell.cwd, dir));
            }
            Ok(())
        }
        "bash" | "sh" => {
            let script = resolve(&shell.cwd, args.first().ok_or("which script?")?);
            if repo.is_file(&script) {
                Ok(())
            } else {
                Err(format!("no script {script}"))
            }
        }
        "cargo" => check_cargo(repo, shell, args),
        "mvn" => check_build_file(repo, shell, doc_dir, args, "pom.xml"),
        "swift" if matches!(args.first().map(String::as_str), Some("build" | "test")) => {
            check_build_file(repo, shell, doc_dir, &[], "Package.swift")
        }
        // Installs from the registries: nothing in the tree to check.
        "rustup"
            if matches!(
                args.first().map(String::as_str),
                Some("target" | "toolchain")
            ) =>
        {
            Ok(())
        }
        "grep" => Ok(()),
        // Our own binaries by the names a build installs (`mosh-client`, …).
        name if repo
            .packages
            .iter()
            .any(|p| p.targets.iter().any(|(k, n)| k == "bin" && n == name)) =>
        {
            Ok(())
        }
        path if path.contains('/') => check_program_path(repo, shell, path),
        _ => Err(
            "no rule checks this command: check it, or add it to allowed.txt with why not".into(),
        ),
    }
}

/// A program named by its path: a binary cargo builds into `target/`, or a script in
/// the tree that must be executable.
fn check_program_path(repo: &Repo, shell: &Shell, path: &str) -> Result<(), String> {
    let path = resolve(&shell.cwd, path);
    if let Some(rest) = path.strip_prefix("target/") {
        let bin = rest.rsplit('/').next().unwrap_or_default();
        if matches!(rest, "debug" | "release") {
            return Ok(());
        }
        let built = repo
            .packages
            .iter()
            .any(|p| p.targets.iter().any(|(k, n)| k == "bin" && n == bin));
        return if built {
            Ok(())
        } else {
            Err(format!("no package builds a binary {bin}"))
        };
    }
    if !repo.is_file(&path) {
        return Err(format!("no file {path}"));
    }
    if !repo.is_executable(&path) {
        return Err(format!(
            "{path} is not executable (run it with bash, or chmod +x)"
        ));
    }
    Ok(())
}

/// `mvn` (with `-f FILE`, or a `pom.xml` where it runs) and `swift build`/`test`.
fn check_build_file(
    repo: &Repo,
    shell: &Shell,
    doc_dir: &str,
    args: &[String],
    build_file: &str,
) -> Result<(), String> {
    if let Some(at) = args.iter().position(|a| a == "-f") {
        let file = resolve(&shell.cwd, args.get(at + 1).ok_or("-f what?")?);
        return if repo.is_file(&file) || repo.is_file(&format!("{file}/{build_file}")) {
            Ok(())
        } else {
            Err(format!("no {file}"))
        };
    }
    // Inline mentions are read in the document's own directory.
    let mut candidates = vec![
        resolve(&shell.cwd, build_file),
        resolve(doc_dir, build_file),
    ];
    candidates.dedup();
    if candidates.iter().any(|c| repo.is_file(c)) {
        Ok(())
    } else {
        Err(format!(
            "no {build_file} where it runs ({})",
            candidates.join(" or ")
        ))
    }
}

fn check_cargo(repo: &Repo, shell: &Shell, args: &[String]) -> Result<(), String> {
    let args: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| !a.starts_with('+'))
        .collect();
    let Some((&subcommand, rest)) = args.split_first() else {
        return Err("cargo what?".into());
    };
    match subcommand {
        // From crates.io: nothing in the tree to check.
        "install" => Ok(()),
        "fuzz" => check_fuzz(repo, shell, rest),
        _ => {
            let own = rest
                .iter()
                .position(|a| *a == "--")
                .map_or(rest, |end| &rest[..end]);
            check_cargo_flags(repo, subcommand, own)?;
            check_cargo_targets(repo, shell, own)?;
            if subcommand == "fmt" && own.contains(&"--check") {
                run_here(repo, &shell.cwd, "cargo", &args)?;
            }
            Ok(())
        }
    }
}

/// Every flag is one `cargo SUBCOMMAND --help` lists (clippy takes `cargo check`'s).
fn check_cargo_flags(repo: &Repo, subcommand: &str, args: &[&str]) -> Result<(), String> {
    let helped = if subcommand == "clippy" {
        "check"
    } else {
        subcommand
    };
    let help = repo.cargo_help(helped)?;
    for flag in args.iter().filter(|a| a.starts_with('-')) {
        let flag = flag.split('=').next().unwrap_or(flag);
        let listed = help.match_indices(flag).any(|(at, _)| {
            let after = help[at + flag.len()..].chars().next();
            !after.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-')
        });
        if !listed {
            return Err(format!(
                "`cargo {subcommand}` has no flag {flag} (flags for the program go after --)"
            ));
        }
    }
    Ok(())
}

/// `-p`, `--bench`, `--example`, `--bin`, `--test`, `--features` name what exists.
fn check_cargo_targets(repo: &Repo, shell: &Shell, args: &[&str]) -> Result<(), String> {
    let value = |flags: &[&str]| {
        args.windows(2)
            .find(|w| flags.contains(&w[0]))
            .map(|w| w[1].to_owned())
    };
    let packages: Vec<&Package> = match value(&["-p", "--package"]) {
        Some(name) => vec![
            repo.packages
                .iter()
                .find(|p| p.name == name)
                .ok_or_else(|| format!("no package {name} in the workspace"))?,
        ],
        // Without -p: the package of the working directory, or any of the workspace.
        None => {
            let here: Vec<&Package> = repo
                .packages
                .iter()
                .filter(|p| !p.dir.is_empty() && (shell.cwd == p.dir || under(&shell.cwd, &p.dir)))
                .collect();
            if here.is_empty() {
                repo.packages.iter().collect()
            } else {
                here
            }
        }
    };
    for (flag, kind) in [
        ("--bench", "bench"),
        ("--example", "example"),
        ("--bin", "bin"),
        ("--test", "test"),
    ] {
        if let Some(name) = value(&[flag]) {
            let found = packages
                .iter()
                .any(|p| p.targets.iter().any(|(k, n)| k == kind && *n == name));
            if !found {
                return Err(format!("no {kind} target {name}"));
            }
        }
    }
    if let Some(features) = value(&["--features", "-F"]) {
        for feature in features.split([',', ' ']).filter(|f| !f.is_empty()) {
            if !packages
                .iter()
                .any(|p| p.features.iter().any(|f| f == feature))
            {
                return Err(format!("no feature {feature}"));
            }
        }
    }
    Ok(())
}

/// `cargo fuzz run|cmin TARGET [CORPUS…]` in a cargo-fuzz crate: the target exists,
/// and every corpus directory exists or an earlier command made it.
fn check_fuzz(repo: &Repo, shell: &Shell, args: &[&str]) -> Result<(), String> {
    let crate_dir = repo
        .outside
        .iter()
        .find(|p| shell.cwd == p.dir || format!("{}/fuzz", shell.cwd) == p.dir)
        .ok_or_else(|| format!("no cargo-fuzz crate in {:?}", shell.cwd))?;
    let own = args
        .iter()
        .position(|a| *a == "--")
        .map_or(args, |end| &args[..end]);
    let positional: Vec<&str> = own
        .iter()
        .copied()
        .filter(|a| !a.starts_with('-'))
        .collect();
    let Some((action, rest)) = positional.split_first() else {
        return Err("cargo fuzz what?".into());
    };
    if !matches!(*action, "run" | "cmin" | "tmin" | "build") {
        return Err(format!("cargo fuzz {action} is not checked"));
    }
    let Some((target, corpora)) = rest.split_first() else {
        return Ok(());
    };
    if !crate_dir
        .targets
        .iter()
        .any(|(k, n)| k == "bin" && n == target)
    {
        return Err(format!("no fuzz target {target}"));
    }
    for corpus in corpora {
        let dir = resolve(&shell.cwd, corpus);
        if !repo.is_dir(&dir) && !shell.created.contains(&dir) {
            return Err(format!(
                "no directory {dir} in a fresh clone (libFuzzer stops on a corpus that does not exist; create it first)"
            ));
        }
    }
    Ok(())
}

/// A path or glob that inline code names: something tracked must match it.
fn check_path(repo: &Repo, path: &str) -> Result<(), String> {
    let path = path.trim_end_matches('/');
    let found = if let Some((head, tail)) = path.split_once("/.../") {
        // `a/.../b`: any depth between.
        repo.files()
            .iter()
            .any(|f| f.starts_with(head) && f.ends_with(tail))
    } else if path.contains('*') {
        repo.files()
            .iter()
            .any(|f| glob(path, f) || glob(&format!("{path}/*"), f))
    } else {
        repo.is_file(path) || repo.is_dir(path)
    };
    if found {
        Ok(())
    } else {
        Err(format!("nothing at {path} in a fresh clone"))
    }
}

/// `*` matches any run of characters within one path component.
fn glob(pattern: &str, path: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == path,
        Some((head, tail)) => path.strip_prefix(head).is_some_and(|rest| {
            let component = rest.find('/').unwrap_or(rest.len());
            (0..=component).any(|skip| glob(tail, &rest[skip..]))
        }),
    }
}

/// `path` seen from `cwd`, both relative to the repository.
fn resolve(cwd: &str, path: &str) -> String {
    let mut parts: Vec<&str> = cwd.split('/').filter(|p| !p.is_empty()).collect();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    parts.join("/")
}

fn run_here(repo: &Repo, cwd: &str, program: &str, args: &[&str]) -> Result<(), String> {
    let output = Command::new(program)
        .args(args)
        .current_dir(repo.root().join(cwd))
        .output()
        .map_err(|e| format!("{program}: {e}"))?;
    if output.status.success() {
        return Ok(());
    }
    let said = [&output.stderr, &output.stdout]
        .iter()
        .flat_map(|out| {
            String::from_utf8_lossy(out)
                .lines()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .next()
        .unwrap_or_default();
    Err(format!("it fails: {said}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_and_relative_paths() {
        assert!(glob(
            "mosh-core/tests/vectors_*.rs",
            "mosh-core/tests/vectors_unit.rs"
        ));
        assert!(!glob(
            "mosh-core/tests/vectors_*.rs",
            "mosh-core/tests/x/vectors_a.rs"
        ));
        assert!(glob("scripts/bench-*.sh", "scripts/bench-ffi.sh"));
        assert_eq!(
            resolve("mosh-core/fuzz", "corpus/x"),
            "mosh-core/fuzz/corpus/x"
        );
        assert_eq!(resolve("a/b", "../c"), "a/c");
    }
}
