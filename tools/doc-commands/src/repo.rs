//! What a fresh clone holds: the files git tracks, the workspace's packages with their
//! targets and features (`cargo metadata`), the cargo-fuzz crate's targets, and the
//! source text in which an environment variable must be read.

use std::collections::HashMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

/// One cargo package: its name, its targets as (kind, name), its features, and its
/// directory relative to the repository.
#[derive(Debug, Clone)]
pub struct Package {
    /// The package name.
    pub name: String,
    /// (kind, name) of each target: `bin`, `lib`, `test`, `bench`, `example`.
    pub targets: Vec<(String, String)>,
    /// Feature names.
    pub features: Vec<String>,
    /// Directory of its `Cargo.toml`, relative to the repository.
    pub dir: String,
}

/// The tree as a fresh clone has it.
pub struct Repo {
    root: PathBuf,
    files: Vec<String>,
    sources: String,
    /// The workspace's packages.
    pub packages: Vec<Package>,
    /// Packages outside the workspace that documents run (the cargo-fuzz crate).
    pub outside: Vec<Package>,
    help: Mutex<HashMap<String, String>>,
}

/// Where code that reads environment variables lives.
const SOURCE_EXTENSIONS: [&str; 6] = [".rs", ".sh", ".py", ".kt", ".swift", ".kts"];

/// Manifests of crates outside the workspace that documents run commands in.
const OUTSIDE_MANIFESTS: [&str; 1] = ["mosh-core/fuzz/Cargo.toml"];

impl Repo {
    /// Reads the repository at `root` (a git checkout).
    pub fn open(root: &Path) -> Result<Repo, String> {
        let listed = run(root, "git", &["ls-files", "-z"])?;
        let files: Vec<String> = listed
            .split('\0')
            .filter(|f| !f.is_empty())
            .map(str::to_owned)
            .collect();
        let mut sources = String::new();
        for file in &files {
            if SOURCE_EXTENSIONS.iter().any(|ext| file.ends_with(ext))
                && let Ok(text) = std::fs::read_to_string(root.join(file))
            {
                sources.push_str(&text);
                sources.push('\n');
            }
        }
        let packages = metadata(root, None)?;
        let mut outside = Vec::new();
        for manifest in OUTSIDE_MANIFESTS {
            outside.extend(metadata(root, Some(manifest))?);
        }
        Ok(Repo {
            root: root.to_owned(),
            files,
            sources,
            packages,
            outside,
            help: Mutex::new(HashMap::new()),
        })
    }

    /// The repository's directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The top-level entries git tracks.
    pub fn top_level(&self) -> Vec<String> {
        let mut entries: Vec<String> = self
            .files
            .iter()
            .filter_map(|f| f.split('/').next())
            .map(str::to_owned)
            .collect();
        entries.sort();
        entries.dedup();
        entries
    }

    /// The tracked files, relative to the repository.
    pub fn files(&self) -> &[String] {
        &self.files
    }

    /// Whether git tracks `path` as a file.
    pub fn is_file(&self, path: &str) -> bool {
        self.files.iter().any(|f| f == path)
    }

    /// Whether git tracks a file below `path`.
    pub fn is_dir(&self, path: &str) -> bool {
        let path = path.trim_end_matches('/');
        path.is_empty() || path == "." || self.files.iter().any(|f| under(f, path))
    }

    /// Whether the tracked file `path` can be run directly.
    pub fn is_executable(&self, path: &str) -> bool {
        std::fs::metadata(self.root.join(path))
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }

    /// Whether `name` (an environment variable) appears as a word in the code.
    pub fn reads_variable(&self, name: &str) -> bool {
        self.sources.match_indices(name).any(|(at, _)| {
            let before = self.sources[..at].chars().next_back();
            let after = self.sources[at + name.len()..].chars().next();
            let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
            !word(before) && !word(after)
        })
    }

    /// `cargo SUBCOMMAND --help`, run once per subcommand.
    pub fn cargo_help(&self, subcommand: &str) -> Result<String, String> {
        let mut help = self.help.lock().map_err(|_| "help cache poisoned")?;
        if let Some(text) = help.get(subcommand) {
            return Ok(text.clone());
        }
        let text = run(&self.root, "cargo", &[subcommand, "--help"])?;
        help.insert(subcommand.to_owned(), text.clone());
        Ok(text)
    }
}

/// Whether `file` lies below the directory `dir`.
pub fn under(file: &str, dir: &str) -> bool {
    file.strip_prefix(dir)
        .is_some_and(|rest| rest.starts_with('/'))
}

fn metadata(root: &Path, manifest: Option<&str>) -> Result<Vec<Package>, String> {
    let mut args = vec![
        "metadata",
        "--no-deps",
        "--format-version",
        "1",
        "--offline",
    ];
    if let Some(manifest) = manifest {
        args.extend(["--manifest-path", manifest]);
    }
    let json: serde_json::Value =
        serde_json::from_str(&run(root, "cargo", &args)?).map_err(|e| e.to_string())?;
    let root_text = format!("{}/", root.display());
    let packages = json["packages"].as_array().ok_or("no packages")?;
    Ok(packages
        .iter()
        .map(|p| Package {
            name: p["name"].as_str().unwrap_or_default().to_owned(),
            targets: p["targets"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|t| {
                    let name = t["name"].as_str().unwrap_or_default().to_owned();
                    t["kind"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|k| k.as_str())
                        .map(move |k| (k.to_owned(), name.clone()))
                        .collect::<Vec<_>>()
                })
                .collect(),
            features: p["features"]
                .as_object()
                .map(|f| f.keys().cloned().collect())
                .unwrap_or_default(),
            dir: p["manifest_path"]
                .as_str()
                .unwrap_or_default()
                .trim_start_matches(&root_text)
                .trim_end_matches("Cargo.toml")
                .trim_end_matches('/')
                .to_owned(),
        })
        .collect())
}

fn run(dir: &Path, program: &str, args: &[&str]) -> Result<String, String> {
    let output = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("{program}: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "{program} {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    String::from_utf8(output.stdout).map_err(|e| e.to_string())
}
