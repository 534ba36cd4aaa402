//! Building a request's files from a git diff (`gavel eval --git BASE..HEAD`).
//!
//! Added and removed line counts come from `git diff --numstat`, statuses from
//! `--name-status`, both with rename detection (`-M`). A rename becomes one entry with
//! `status: renamed` and `from: OLD`, so both paths are judged. Binary files have no line
//! counts: they appear with 0 added and 0 removed (policies should guard binary paths with
//! globs, e.g. `any file matches "**/*.bin"`). `BASE...HEAD` (three dots) diffs against the
//! merge base, as git does.

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
    let counts = parse_numstat(&numstat)?;
    for file in &mut files {
        if let Some((added, removed)) = counts
            .iter()
            .find(|(p, _, _)| *p == file.path)
            .map(|(_, a, r)| (*a, *r))
        {
            file.added = added;
            file.removed = removed;
        }
    }
    Ok(files)
}

fn text(bytes: &[u8]) -> Result<String, String> {
    String::from_utf8(bytes.to_vec())
        .map_err(|_| "git reported a path that is not UTF-8".to_string())
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
                    text(new)?,
                    renamed.then(|| text(first)).transpose()?,
                    if renamed {
                        FileStatus::Renamed
                    } else {
                        FileStatus::Added
                    },
                )
            }
            Some('A') => (text(first)?, None, FileStatus::Added),
            Some('D') => (text(first)?, None, FileStatus::Deleted),
            _ => (text(first)?, None, FileStatus::Modified),
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
fn parse_numstat(out: &[u8]) -> Result<Vec<(String, u64, u64)>, String> {
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
        let number = |s: &str| s.parse::<u64>().unwrap_or(0);
        counts.push((path, number(added), number(removed)));
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
        assert_eq!(counts[1], ("new/b.rs".to_string(), 2, 2));
        assert_eq!(counts[2], ("img.png".to_string(), 0, 0));
    }
}
