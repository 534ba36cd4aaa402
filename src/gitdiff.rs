//! Building a request's files from a git diff (`gavel eval --git BASE..HEAD`).
//!
//! Added and removed line counts come from `git diff --numstat`, statuses from
//! `--name-status`, both with rename detection (`-M`). A rename becomes one entry with
//! `status: renamed` and `from: OLD`, so both paths are judged. A file git calls binary is
//! counted from its patch as text (`--text`, no external diff or textconv): the commit being
//! judged carries its own `.gitattributes`, and `* -diff` there (or one NUL byte in a file)
//! would otherwise turn any change into one of 0 lines. A truly binary file is then counted
//! by its newline bytes, which says little: guard binary paths with globs (`any file matches
//! "**/*.bin"`). A submodule bump counts as one line removed and one added. `BASE...HEAD`
//! (three dots) diffs against the merge base, as git does. A path whose name holds a
//! backslash is refused: requests read `\\` as a directory separator, git never does.
//!
//! The request's `reference` names the two commits (`git BASE_SHA..HEAD_SHA`), so its digest
//! — and every approval bound to it — is bound to the content, not just to paths and counts:
//! amend the commit and the approvals no longer count.

use std::path::Path;
use std::process::Command;

use crate::request::{FileChange, FileStatus};

fn git(repo: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!(
            "git {} failed: {}",
            args.join(" "),
            stderr.lines().next().unwrap_or("").trim()
        ));
    }
    Ok(output.stdout)
}

/// The changed files between the two revisions of `range` (`BASE..HEAD` or `BASE...HEAD`).
pub fn files_from_git(repo: &Path, range: &str) -> Result<Vec<FileChange>, String> {
    if !range.contains("..") || range.starts_with('-') {
        return Err(format!(
            "`{range}` is not a range; write BASE..HEAD (e.g. main..HEAD)"
        ));
    }
    let statuses = git(repo, &["diff", "-z", "-M", "--name-status", range, "--"])?;
    let numstat = git(repo, &["diff", "-z", "-M", "--numstat", range, "--"])?;
    let mut files = parse_name_status(&statuses)?;
    // By path (the first entry of a path): a diff of tens of thousands of files must not
    // compare every pair.
    let mut counts = std::collections::HashMap::new();
    for (path, lines) in parse_numstat(&numstat)? {
        counts.entry(path).or_insert(lines);
    }
    for file in &mut files {
        let (added, removed) = match counts.get(&file.path) {
            Some(Some(counts)) => *counts,
            Some(None) => text_counts(repo, range, file)?,
            None => (0, 0),
        };
        file.added = added;
        file.removed = removed;
    }
    Ok(files)
}

/// Lines added and removed in `file`'s patch, read as text whatever git or the judged
/// commit's attributes think of it: a file git calls binary must not count as 0 lines.
fn text_counts(repo: &Path, range: &str, file: &FileChange) -> Result<(u64, u64), String> {
    let mut args = vec![
        "diff",
        "-M",
        "--text",
        "--no-ext-diff",
        "--no-textconv",
        "--no-color",
        range,
        "--",
    ];
    if let Some(from) = &file.from {
        args.push(from);
    }
    args.push(&file.path);
    Ok(count_patch_lines(&git(repo, &args)?))
}

/// `+` and `-` lines inside the hunks of a unified diff (headers are not counted).
fn count_patch_lines(patch: &[u8]) -> (u64, u64) {
    let (mut added, mut removed, mut in_hunk) = (0u64, 0u64, false);
    for line in patch.split(|b| *b == b'\n') {
        if line.starts_with(b"diff --git ") {
            in_hunk = false;
        } else if line.starts_with(b"@@") {
            in_hunk = true;
        } else if in_hunk {
            match line.first() {
                Some(b'+') => added += 1,
                Some(b'-') => removed += 1,
                _ => {}
            }
        }
    }
    (added, removed)
}

/// `git BASE_SHA..HEAD_SHA` (or `...`) for `range`: the commits, not their names, so a
/// reference built from it changes whenever either side's content does.
pub fn range_reference(repo: &Path, range: &str) -> Result<String, String> {
    let (base, dots, head) = match range.split_once("...") {
        Some((b, h)) => (b, "...", h),
        None => match range.split_once("..") {
            Some((b, h)) => (b, "..", h),
            None => return Err(format!("`{range}` is not a range; write BASE..HEAD")),
        },
    };
    let commit = |name: &str| -> Result<String, String> {
        let name = if name.is_empty() { "HEAD" } else { name };
        let spec = format!("{name}^{{commit}}");
        let out = git(repo, &["rev-parse", "--verify", "--end-of-options", &spec])?;
        Ok(text(&out)?.trim().to_string())
    };
    Ok(format!("git {}{dots}{}", commit(base)?, commit(head)?))
}

fn text(bytes: &[u8]) -> Result<String, String> {
    String::from_utf8(bytes.to_vec())
        .map_err(|_| "git reported a path that is not UTF-8".to_string())
}

/// A path as git reports it. Git separates directories with `/` only, so a `\\` is part of
/// a file name; gavel reads `\\` in request paths as a separator (for paths written on
/// Windows), which would judge `docs\\run.sh` at the root as `docs/run.sh`. Such a path is
/// refused rather than judged somewhere it is not.
fn git_path(bytes: &[u8]) -> Result<String, String> {
    let path = text(bytes)?;
    if path.contains('\\') {
        return Err(format!(
            "git reported the path {}, whose name holds a backslash: gavel reads `\\` as a \
             directory separator, so it would judge the file somewhere it is not; rename it",
            crate::quote::quote(&path)
        ));
    }
    Ok(path)
}

/// Parses `--name-status -z`: `STATUS\0PATH\0` or `RNNN\0OLD\0NEW\0`.
fn parse_name_status(out: &[u8]) -> Result<Vec<FileChange>, String> {
    let mut fields = out.split(|b| *b == 0).filter(|f| !f.is_empty());
    let mut files = Vec::new();
    while let Some(status) = fields.next() {
        let status = text(status)?;
        let first = fields.next().ok_or("truncated git output")?;
        let (path, from, status) = match status.chars().next() {
            Some('R') | Some('C') => {
                let new = fields.next().ok_or("truncated git output")?;
                let renamed = status.starts_with('R');
                (
                    git_path(new)?,
                    renamed.then(|| git_path(first)).transpose()?,
                    if renamed {
                        FileStatus::Renamed
                    } else {
                        FileStatus::Added
                    },
                )
            }
            Some('A') => (git_path(first)?, None, FileStatus::Added),
            Some('D') => (git_path(first)?, None, FileStatus::Deleted),
            _ => (git_path(first)?, None, FileStatus::Modified),
        };
        files.push(FileChange {
            path,
            added: 0,
            removed: 0,
            status,
            from,
        });
    }
    Ok(files)
}

/// Parses `--numstat -z`: `ADDED\tREMOVED\tPATH\0`, or for renames `ADDED\tREMOVED\t\0OLD\0NEW\0`.
/// Lines added and removed, or `None` for a file git reports as binary (`-`).
type LineCounts = Option<(u64, u64)>;

/// Counts per path.
fn parse_numstat(out: &[u8]) -> Result<Vec<(String, LineCounts)>, String> {
    let mut fields = out.split(|b| *b == 0);
    let mut counts = Vec::new();
    while let Some(record) = fields.next() {
        if record.is_empty() {
            continue;
        }
        let record = text(record)?;
        let mut parts = record.splitn(3, '\t');
        let added = parts.next().unwrap_or("-");
        let removed = parts.next().unwrap_or("-");
        let path = parts.next().unwrap_or("");
        let path = if path.is_empty() {
            let _old = fields.next().ok_or("truncated git output")?;
            text(fields.next().ok_or("truncated git output")?)?
        } else {
            path.to_string()
        };
        // Binary files report `-`.
        let lines = added.parse::<u64>().ok().zip(removed.parse::<u64>().ok());
        counts.push((path, lines));
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_renames_and_binaries() {
        let status = b"M\0src/a.rs\0R087\0old/b.rs\0new/b.rs\0A\0img.png\0D\0gone.txt\0";
        let numstat = b"3\t1\tsrc/a.rs\0" as &[u8];
        let numstat = [
            numstat,
            b"2\t2\t\0old/b.rs\0new/b.rs\0-\t-\timg.png\0\x30\t9\tgone.txt\0",
        ]
        .concat();
        let files = parse_name_status(status).unwrap();
        let counts = parse_numstat(&numstat).unwrap();
        assert_eq!(files.len(), 4);
        assert_eq!(files[1].path, "new/b.rs");
        assert_eq!(files[1].from.as_deref(), Some("old/b.rs"));
        assert_eq!(files[1].status, FileStatus::Renamed);
        assert_eq!(files[3].status, FileStatus::Deleted);
        assert_eq!(counts[1], ("new/b.rs".to_string(), Some((2, 2))));
        assert_eq!(counts[2], ("img.png".to_string(), None));
    }

    #[test]
    fn a_backslash_in_a_name_git_reports_is_refused_not_read_as_a_separator() {
        for status in [
            &b"M\0docs\\run.sh\0"[..],
            b"A\0config/a\\b.yaml\0",
            b"R100\0docs\\old.sh\0new.sh\0",
            b"R100\0old.sh\0docs\\new.sh\0",
        ] {
            let error = parse_name_status(status).unwrap_err();
            assert!(error.contains("holds a backslash"), "{error}");
        }
        // Other names pass as they are.
        let files = parse_name_status(b"M\0docs/run.sh\0").unwrap();
        assert_eq!(files[0].path, "docs/run.sh");
    }

    #[test]
    fn patch_lines_are_counted_inside_hunks_only() {
        let patch = b"diff --git a/x b/x\nnew file mode 100644\n--- /dev/null\n+++ b/x\n@@ -0,0 +1,3 @@\n+\0one\n+++two\n+-three\ndiff --git a/y b/y\n--- a/y\n+++ b/y\n@@ -1 +1 @@\n-old\n+new\n";
        assert_eq!(count_patch_lines(patch), (4, 1));
    }
}
