//! Reading policy directories from disk.
//!
//! A policy is the set of `*.gavel` files directly inside one directory, read in file-name
//! order (the order fixes the spec hash, never a decision). A directory with no `.gavel`
//! files but directories below it that have some is a collection of policies (like this
//! repository's `policies/`, or `policies/<team>/<service>/`): commands that take
//! `--policies` then handle each.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Code, Diagnostic};
use crate::limits::{MAX_POLICY_FILE_BYTES, MAX_POLICY_FILES};
use crate::source::SourceSet;

/// The policy directories under `dir`: `dir` itself when it holds `.gavel` files, otherwise
/// every directory below it that does (not looking inside a policy, and at most
/// eight levels down), in path order.
pub fn discover_policies(dir: &Path) -> Result<Vec<PathBuf>, String> {
    if !dir.is_dir() {
        return Err(format!(
            "policy directory `{}` does not exist",
            dir.display()
        ));
    }
    if !gavel_files(dir)?.is_empty() {
        return Ok(vec![dir.to_path_buf()]);
    }
    let mut subdirs = Vec::new();
    let mut seen = HashSet::new();
    if let Ok(resolved) = std::fs::canonicalize(dir) {
        seen.insert(resolved);
    }
    collect_policies(dir, 1, &mut seen, &mut subdirs)?;
    subdirs.sort();
    if subdirs.is_empty() {
        return Err(format!(
            "no `.gavel` files in `{}` or its subdirectories (run `gavel init` to create a starter policy)",
            dir.display()
        ));
    }
    Ok(subdirs)
}

/// How deep below the directory given policies are looked for (`policies/team/app` is 2).
/// Deep enough for any layout of teams and services; a directory deeper than that is an
/// error, never skipped in silence (a policy there would go unchecked and untested).
const MAX_POLICY_DEPTH: usize = 8;

/// Adds the policy directories under `dir` (at `depth` below the one given) to `found`: a
/// directory holding `.gavel` files is a policy, and what lies below it is its own (`tests/`);
/// any other directory is searched further. `seen` holds the directories searched so far,
/// resolved: one reached again through a symlink is skipped, so a link back up the tree
/// neither repeats the policies below it nor searches without end.
fn collect_policies(
    dir: &Path,
    depth: usize,
    seen: &mut HashSet<PathBuf>,
    found: &mut Vec<PathBuf>,
) -> Result<(), String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if !path.is_dir() {
            continue;
        }
        let resolved = std::fs::canonicalize(&path)
            .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        if !seen.insert(resolved) {
            continue;
        }
        if !gavel_files(&path)?.is_empty() {
            found.push(path);
        } else if depth < MAX_POLICY_DEPTH {
            collect_policies(&path, depth + 1, seen, found)?;
        } else if std::fs::read_dir(&path)
            .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?
            .flatten()
            .any(|e| e.path().is_dir())
        {
            return Err(format!(
                "`{}` holds directories more than {MAX_POLICY_DEPTH} levels below the policies \
                 directory; policies are looked for at most {MAX_POLICY_DEPTH} levels down",
                path.display()
            ));
        }
    }
    Ok(())
}

/// Why `dir` cannot be loaded as one policy, when the reason is its layout rather than its
/// files' contents: it does not exist, is not a directory, holds nothing, or is a collection
/// of policies (the layout `check` and `test` accept) where one policy is needed. One line
/// that says what is wrong and what to do; `choose` words the remedy for a collection
/// (`choose one with --policies`), followed by the first policy's path. `None` when `dir`
/// holds `.gavel` files: what is wrong with them is for the diagnostics.
pub fn policy_dir_problem(dir: &Path, choose: &str) -> Option<(Code, String)> {
    let shown = dir.display();
    if !dir.exists() {
        return Some((
            Code::Unreadable,
            format!(
                "policy directory `{shown}` does not exist; it should be the directory that holds \
                 the policy's `.gavel` files (`gavel init` creates `policies/`)"
            ),
        ));
    }
    if !dir.is_dir() {
        return Some((
            Code::Unreadable,
            format!(
                "`{shown}` is not a directory; a policy is the directory that holds its `.gavel` \
                 files"
            ),
        ));
    }
    match gavel_files(dir) {
        Ok(files) if !files.is_empty() => return None,
        Ok(_) => {}
        Err(message) => return Some((Code::Unreadable, message)),
    }
    match discover_policies(dir) {
        Ok(policies) => {
            const LISTED: usize = 5;
            let mut names: Vec<String> = policies
                .iter()
                .take(LISTED)
                .map(|p| p.strip_prefix(dir).unwrap_or(p).display().to_string())
                .collect();
            if policies.len() > LISTED {
                names.push(format!("… ({} in all)", policies.len()));
            }
            let first = policies.first().map(|p| p.display().to_string());
            Some((
                Code::NoFiles,
                format!(
                    "`{shown}` has no .gavel files; it holds the {} {} — {choose} {}",
                    if policies.len() == 1 {
                        "policy"
                    } else {
                        "policies"
                    },
                    names.join(", "),
                    first.unwrap_or_default()
                ),
            ))
        }
        Err(message) => Some((Code::NoFiles, message)),
    }
}

/// The `.gavel` entries directly in `dir` (the extension in any letter case), sorted by
/// name: every one, whatever it is.
///
/// One that is not a readable regular file (a dangling symlink, a directory, a FIFO) stays
/// in the list, so that reading it ([`read_source`]) reports it: leaving it out dropped its
/// rules in silence, and a policy whose blocking rules sat behind a broken link
/// auto-approved what they block. An entry the directory listing cannot read is an error
/// for the same reason.
pub fn gavel_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let cannot_read = |e: std::io::Error| format!("cannot read `{}`: {e}", dir.display());
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(cannot_read)? {
        let path = entry.map_err(cannot_read)?.path();
        // In any letter case: `Security.GAVEL` left out would drop its rules in silence.
        if path
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("gavel"))
        {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Reads one policy directory. Unreadable, binary, non-UTF-8 or oversized files become
/// diagnostics; the files that could be read are returned alongside them.
pub fn load_policy_dir(dir: &Path) -> (SourceSet, Vec<Diagnostic>) {
    let mut sources = SourceSet::new();
    let mut diagnostics = Vec::new();
    let files = match gavel_files(dir) {
        Ok(files) => files,
        Err(message) => {
            diagnostics.push(Diagnostic::for_file(
                Code::Unreadable,
                dir.display().to_string(),
                message,
            ));
            return (sources, diagnostics);
        }
    };
    if files.len() > MAX_POLICY_FILES {
        diagnostics.push(
            Diagnostic::for_file(
                Code::TooLarge,
                dir.display().to_string(),
                format!(
                    "the policy has {} files, more than the limit of {MAX_POLICY_FILES}",
                    files.len()
                ),
            )
            .with_help("merge files"),
        );
        return (sources, diagnostics);
    }
    for path in files {
        let name = path.display().to_string();
        match read_source(&path) {
            Ok(text) => {
                sources.add(name, text);
            }
            Err(d) => diagnostics.push(*d),
        }
    }
    (sources, diagnostics)
}

/// Reads one source file, refusing binary, non-UTF-8 and oversized content.
pub fn read_source(path: &Path) -> Result<String, Box<Diagnostic>> {
    let name = path.display().to_string();
    let metadata = std::fs::metadata(path).map_err(|e| {
        Box::new(Diagnostic::for_file(
            Code::Unreadable,
            &name,
            format!("cannot read file: {e}"),
        ))
    })?;
    if !metadata.is_file() {
        let what = if metadata.is_dir() {
            "a directory"
        } else {
            "not a regular file"
        };
        return Err(Box::new(
            Diagnostic::for_file(
                Code::Unreadable,
                &name,
                format!("cannot read file: it is {what}"),
            )
            .with_help("a policy's `.gavel` files are regular files (or links to them)"),
        ));
    }
    if metadata.len() > MAX_POLICY_FILE_BYTES as u64 {
        return Err(Box::new(
            Diagnostic::for_file(
                Code::TooLarge,
                &name,
                format!(
                    "file is {} bytes, more than the limit of {MAX_POLICY_FILE_BYTES}",
                    metadata.len()
                ),
            )
            .with_help("split the policy into several `.gavel` files"),
        ));
    }
    // Bounded: the file may have grown since its size was read.
    let bytes = crate::bounded_read::read_file_bounded(path, MAX_POLICY_FILE_BYTES)
        .map_err(|e| {
            Box::new(Diagnostic::for_file(
                Code::Unreadable,
                &name,
                format!("cannot read file: {e}"),
            ))
        })?
        .map_err(|size| {
            Box::new(Diagnostic::for_file(
                Code::TooLarge,
                &name,
                format!("file is {size}"),
            ))
        })?;
    decode_source(&name, bytes)
}

/// Decodes file bytes as policy text: UTF-8, no NUL bytes. A leading UTF-8 byte order mark,
/// which some editors write, is dropped: it is not part of the policy (its spec hash is the
/// same with or without one), and diagnostics count lines and columns from what follows it.
pub fn decode_source(name: &str, mut bytes: Vec<u8>) -> Result<String, Box<Diagnostic>> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    if let Some(pos) = bytes.iter().position(|b| *b == 0) {
        return Err(Box::new(Diagnostic::for_file(
            Code::Unreadable,
            name,
            format!(
                "file contains a NUL byte at {}: it looks binary, not a policy",
                place(&bytes, pos)
            ),
        )));
    }
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let bad = e.as_bytes().get(offset).copied().unwrap_or(0);
        Box::new(
            Diagnostic::for_file(
                Code::Unreadable,
                name,
                format!(
                    "file is not valid UTF-8: the byte 0x{bad:02X} at {}",
                    place(e.as_bytes(), offset)
                ),
            )
            .with_help("policy files must be UTF-8 text"),
        )
    })
}

/// Where byte `offset` of `bytes` is, for a file that cannot be shown with a caret: its line
/// and column (counted in characters of the valid text before it) and the offset itself.
fn place(bytes: &[u8], offset: usize) -> String {
    let before = bytes.get(..offset).unwrap_or(bytes);
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |at| at + 1);
    let column = before
        .get(line_start..)
        .map_or(0, |text| String::from_utf8_lossy(text).chars().count())
        + 1;
    format!("line {line}, column {column} (byte offset {offset})")
}
