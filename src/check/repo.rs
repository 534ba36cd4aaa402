//! `gavel check --repo DIR`: globs that match no tracked file.
//!
//! A NEVER_AUTO_APPROVE entry that matches nothing protects nothing: the file was renamed or
//! the pattern has a typo. Only named sets are checked; inline patterns usually describe
//! files that do not exist yet (`**/*.sql`). Patterns inside `.git/` are not checked: git
//! never tracks its own metadata, and guarding it is the point.

use std::path::Path;
use std::process::Command;

use crate::checked::CheckedPolicy;
use crate::diagnostic::{Code, Diagnostic};

/// Files tracked by git in the repository holding `repo` (a subdirectory of it too), as
/// paths from the repository's root, as requests name them: `git ls-files` run in a
/// subdirectory lists only that subdirectory's files, relative to it, which would warn about
/// every glob outside it.
pub fn tracked_files(repo: &Path) -> Result<Vec<String>, String> {
    let git = |dir: &Path, args: &[&str]| -> Result<Vec<u8>, String> {
        let output = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .output()
            .map_err(|e| format!("cannot run git in `{}`: {e}", repo.display()))?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            return Err(format!(
                "`{}` is not a git repository ({})",
                repo.display(),
                stderr.trim()
            ));
        }
        Ok(output.stdout)
    };
    let top = git(repo, &["rev-parse", "--show-toplevel"])?;
    let top = String::from_utf8_lossy(&top)
        .trim_end_matches('\n')
        .to_string();
    let listed = git(Path::new(&top), &["ls-files", "-z", "--cached"])?;
    Ok(listed
        .split(|b| *b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect())
}

/// A warning for every glob of a named set that matches none of `files`.
pub fn stale_glob_warnings(policy: &CheckedPolicy, files: &[String]) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    for set in policy.sets.iter().filter(|s| !s.inline) {
        for pattern in &set.patterns {
            // `.git/**` guards the repository's own metadata, which git never tracks: it
            // protects something even though it matches no tracked file.
            if pattern.glob == ".git" || pattern.glob.starts_with(".git/") {
                continue;
            }
            let Ok(glob) = crate::glob::build(&pattern.glob) else {
                continue;
            };
            let matcher = glob.compile_matcher();
            if !files.iter().any(|f| matcher.is_match(f)) {
                warnings.push(
                    Diagnostic::new(
                        Code::StaleGlob,
                        pattern.span,
                        format!(
                            "`{}` in `{}` matches no file tracked in the repository",
                            pattern.glob, set.name
                        ),
                    )
                    .with_label("matches nothing")
                    .with_help("a pattern that matches nothing protects nothing: fix the path or remove it"),
                );
            }
        }
    }
    warnings
}
