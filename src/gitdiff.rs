//! Building a request's files from a git diff (`gavel eval --git BASE..HEAD`).
//!
//! Both sides of the range are resolved to commits once ([`resolve_range`]); the files are
//! the diff of those commits and the request's `reference` names them, so the two cannot
//! disagree if a branch moves meanwhile. Statuses come from `git diff-tree --name-status`
//! with rename detection (`-M`), and line counts from one patch of the whole diff read as
//! text (`--text`, no external diff or textconv), section by section in the same order. A
//! rename becomes one entry with `status: renamed` and `from: OLD`, so both paths are judged.
//! Reading every patch as text means a file git calls binary is counted too: the commit
//! being judged carries its own `.gitattributes`, and `* -diff` there (or one NUL byte in a
//! file) would otherwise turn any change into one of 0 lines. A carriage return alone ends a
//! line too (a file with `\r` line ends is one long line to git), as do U+2028, U+2029 and
//! NEL. A truly binary file is
//! counted by its line-end bytes, which says little: guard binary paths with globs (`any
//! file matches "**/*.bin"`). A submodule bump counts as one line removed and one added; a change of type
//! (a file that becomes a symlink) is one modified file counting both sections git's patch
//! shows for it, the old side deleted and the new added. `BASE...HEAD`
//! (three dots) diffs against the merge base, as git does. A path whose name holds a
//! backslash is refused: requests read `\\` as a directory separator, git never does.
//!
//! Only plumbing commands run (`rev-parse`, `merge-base`, `diff-tree`), and no path is
//! handed to git as a pathspec: porcelain settings (`diff.relative`, which hides what lies
//! outside the current directory; `diff.noprefix`; external diffs; colour) and pathspec
//! magic in file names (`:big.txt`, `[ab].bin`) cannot change what is judged.
//!
//! The request's `reference` names the two commits (`git BASE_SHA..HEAD_SHA`), so its digest
//! — and every approval bound to it — is bound to the content, not just to paths and counts:
//! amend the commit and the approvals no longer count.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::limits::MAX_REQUEST_FILES;
use crate::request::{FileChange, FileStatus};

/// Runs git in `repo` with `args`, returning what it printed. Only plumbing commands are
/// run (`rev-parse`, `merge-base`, `diff-tree`): they ignore the porcelain settings of the
/// user's or the repository's configuration (`diff.relative` hides changes outside the
/// current directory, `diff.noprefix`, `diff.external`, colours), which would otherwise
/// decide what a policy sees.
fn git(repo: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let output = command(repo, args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        return Err(failure(args, &output.stderr));
    }
    Ok(output.stdout)
}

/// git, run in `repo`, reading the two commits' objects as they are and nothing else.
///
/// Whatever the repository, its configuration or its checkout say, the diff judged is the
/// one between the commits' trees:
/// - replace refs (`git replace`), the grafts file and the commit-graph file can each make
///   git see another commit's parents or content under a commit's name: turned off
///   (`--no-replace-objects`, `GIT_GRAFT_FILE` pointing nowhere, `core.commitGraph=false`),
///   so a decoy cannot stand in for the commit the request names, nor for a merge base;
/// - the index: when an index entry looks up to date, git reads the checked-out file in
///   place of the commit's blob, so whoever can write the checkout could set the line
///   counts; with `GIT_INDEX_FILE` naming no file the index is empty, and every blob is
///   read from the object store;
/// - submodules: `ignore = all` in `.gitmodules` (which the judged commit may carry) hides
///   a changed gitlink; the diffs pass `--ignore-submodules=none`;
/// - commands the configuration names: `core.fsmonitor` is turned off, and a missing
///   object is never fetched (`GIT_NO_LAZY_FETCH`, `protocol.allow=never`), which would run
///   `core.sshCommand`;
/// - `GIT_DIR`, `GIT_WORK_TREE` and the other variables that point git at another
///   repository (git hooks set `GIT_DIR`) are removed: `--repo` says which repository.
fn command(repo: &Path, args: &[&str]) -> Command {
    let nowhere = nowhere();
    let mut command = Command::new("git");
    for variable in [
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_COMMON_DIR",
        "GIT_OBJECT_DIRECTORY",
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
        "GIT_NAMESPACE",
        "GIT_INDEX_FILE",
        "GIT_GRAFT_FILE",
    ] {
        command.env_remove(variable);
    }
    command
        .env("GIT_NO_REPLACE_OBJECTS", "1")
        .env("GIT_INDEX_FILE", &nowhere)
        .env("GIT_GRAFT_FILE", &nowhere)
        .env("GIT_NO_LAZY_FETCH", "1")
        .arg("--no-replace-objects")
        .args(["-c", "core.commitGraph=false"])
        .args(["-c", "core.fsmonitor=false"])
        .args(["-c", "protocol.allow=never"])
        .arg("-C")
        .arg(repo)
        .args(args);
    command
}

/// A path that names no file, in a directory that does not exist (so that nothing can be
/// put there first): git reads a missing index as empty and a missing grafts file as none.
fn nowhere() -> std::path::PathBuf {
    let mut nonce = [0u8; 16];
    // Without randomness the name is still one no one has made, only guessable.
    let _ = getrandom::getrandom(&mut nonce);
    std::env::temp_dir()
        .join(format!("gavel-nothing-{}", hex::encode(nonce)))
        .join("none")
}

fn failure(args: &[&str], stderr: &[u8]) -> String {
    let stderr = String::from_utf8_lossy(stderr);
    format!(
        "git {} failed: {}",
        args.join(" "),
        stderr.lines().next().unwrap_or("").trim()
    )
}

/// A range with both sides resolved to commits once, so that the files judged and the
/// commits the request names (`reference`) are the same even if a branch moves meanwhile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedRange {
    /// The base side's commit, as written (`BASE` of `BASE..HEAD`).
    pub base: String,
    /// The head side's commit.
    pub head: String,
    /// `..`, or `...` to diff against the merge base.
    pub dots: &'static str,
}

impl ResolvedRange {
    /// `git BASE_SHA..HEAD_SHA` (or `...`): the commits, not their names, so a reference
    /// built from it changes whenever either side's content does.
    pub fn reference(&self) -> String {
        format!("git {}{}{}", self.base, self.dots, self.head)
    }
}

/// Resolves `range` (`BASE..HEAD` or `BASE...HEAD`; an empty HEAD is `HEAD`) to commits.
///
/// BASE must be given, and the two sides must be different commits: `..`, `..HEAD` and
/// `HEAD..HEAD` diff a commit against itself, a request without files, and are what
/// `--git "$BASE..$HEAD"` becomes when the variables are unset — deciding that empty request
/// would judge no change at all where a change was meant.
pub fn resolve_range(repo: &Path, range: &str) -> Result<ResolvedRange, String> {
    let not_a_range = || format!("`{range}` is not a range; write BASE..HEAD (e.g. main..HEAD)");
    if range.starts_with('-') {
        return Err(not_a_range());
    }
    let (base, dots, head) = match range.split_once("...") {
        Some((b, h)) => (b, "...", h),
        None => match range.split_once("..") {
            Some((b, h)) => (b, "..", h),
            None => return Err(not_a_range()),
        },
    };
    if base.is_empty() {
        return Err(format!(
            "`{range}` has no BASE; write BASE..HEAD (e.g. main..HEAD)"
        ));
    }
    // `name` peeled to a `kind` (`commit`, `tree`), as an object id.
    let resolve = |name: &str, kind: &str| -> Result<String, String> {
        let name = if name.is_empty() { "HEAD" } else { name };
        let spec = format!("{name}^{{{kind}}}");
        let out = git(repo, &["rev-parse", "--verify", "--end-of-options", &spec])?;
        Ok(text(&out)?.trim().to_string())
    };
    let commit = |name: &str| resolve(name, "commit");
    // A first commit has no parent to diff against: with `..`, BASE may be a tree, and git's
    // empty tree judges everything the commit adds (found by QA: `HEAD~1..HEAD` on a first
    // commit failed with git's bare "Needed a single revision", and the empty tree was
    // refused as no commit).
    let base_name = base;
    let mut base_is_tree = false;
    let base = match commit(base_name) {
        Ok(id) => id,
        Err(error) if dots == ".." => {
            base_is_tree = true;
            match resolve(base_name, "tree") {
                Ok(tree) => tree,
                // `HEAD~1`, `HEAD^`: a parent that may not exist.
                Err(_) if base_name.contains(['~', '^']) => {
                    return Err(format!(
                        "{error}; if `{base_name}` is meant to be the parent of a first commit, \
                         there is none: to judge everything the first commit adds, give the \
                         empty tree as BASE (`$(git hash-object -t tree /dev/null)..HEAD`)"
                    ));
                }
                Err(_) => return Err(error),
            }
        }
        Err(error) => return Err(error),
    };
    let head = commit(head)?;
    // A tree as BASE is compared with HEAD's tree: `HEAD^{tree}..HEAD` is no change either
    // (found by QA: judged as an empty change rather than refused).
    if base == head || (base_is_tree && base == resolve(&head, "tree")?) {
        return Err(format!(
            "`{range}` names commit {base} on both sides, a range without changes; write \
             BASE..HEAD with the commit before the change as BASE"
        ));
    }
    Ok(ResolvedRange { base, head, dots })
}

/// The changed files of `range`, with their statuses and line counts.
pub fn files_from_git(repo: &Path, range: &ResolvedRange) -> Result<Vec<FileChange>, String> {
    let base = if range.dots == "..." {
        let args = ["merge-base", "--end-of-options", &range.base, &range.head];
        let output = command(repo, &args)
            .output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        // `git merge-base` says nothing when the two commits share no history: it only
        // exits 1.
        if output.status.code() == Some(1) && output.stderr.is_empty() {
            return Err(format!(
                "{} and {} have no common ancestor, so `...` has no merge base to diff \
                 against; write BASE..HEAD to diff the two commits themselves",
                range.base, range.head
            ));
        }
        if !output.status.success() {
            return Err(failure(&args, &output.stderr));
        }
        text(&output.stdout)?.trim().to_string()
    } else {
        range.base.clone()
    };
    let statuses = git(
        repo,
        &[
            "diff-tree",
            "-r",
            "-z",
            "-M",
            "--ignore-submodules=none",
            "--name-status",
            &base,
            &range.head,
            "--",
        ],
    )?;
    let (mut files, sections) = parse_name_status(&statuses)?;
    // Refused before any patch is read: a commit of a million files must not cost its
    // whole patch first (a request's own limit, `MAX_REQUEST_FILES`).
    if files.len() > MAX_REQUEST_FILES {
        return Err(format!(
            "the diff changes {} files, more than the limit of {MAX_REQUEST_FILES}",
            files.len()
        ));
    }
    let counts = patch_counts(repo, &base, &range.head)?;
    let expected: usize = sections.iter().sum();
    if counts.len() != expected {
        return Err(format!(
            "git listed {} changed files, {expected} patches expected, but printed {}; cannot \
             count their lines",
            files.len(),
            counts.len()
        ));
    }
    let mut counts = counts.into_iter();
    for (file, &n) in files.iter_mut().zip(&sections) {
        for (added, removed) in counts.by_ref().take(n) {
            file.added = file.added.saturating_add(added);
            file.removed = file.removed.saturating_add(removed);
        }
    }
    Ok(files)
}

/// Lines added and removed in each file's patch, in the order git lists the files, every
/// patch read as text whatever git or the judged commit's attributes think of it: a file
/// git calls binary must not count as 0 lines. One git process for the whole diff, read as
/// it comes: a large diff costs no more memory than a small one.
fn patch_counts(repo: &Path, base: &str, head: &str) -> Result<Vec<(u64, u64)>, String> {
    let args = [
        "diff-tree",
        "-r",
        "-p",
        "-M",
        "--text",
        "--no-ext-diff",
        "--no-textconv",
        "--no-color",
        "--ignore-submodules=none",
        base,
        head,
        "--",
    ];
    let mut child = command(repo, &args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    // Drained on its own thread, so that git never waits on a full stderr pipe while this
    // reads stdout.
    let stderr = child.stderr.take().map(|mut pipe| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.by_ref().take(64 * 1024).read_to_end(&mut bytes);
            let _ = std::io::copy(&mut pipe, &mut std::io::sink());
            bytes
        })
    });
    let counted = match child.stdout.take() {
        Some(stdout) => PatchCounter::default()
            .read(stdout)
            .map_err(|e| format!("cannot read git's output: {e}")),
        None => Err("cannot read git's output".to_string()),
    };
    let status = child.wait().map_err(|e| format!("cannot run git: {e}"))?;
    let stderr = stderr
        .and_then(|thread| thread.join().ok())
        .unwrap_or_default();
    if !status.success() {
        return Err(failure(&args, &stderr));
    }
    counted
}

/// Counts `+` and `-` lines inside the hunks of each file's section of a unified diff
/// (headers are not counted), reading it in pieces of any size.
#[derive(Default)]
struct PatchCounter {
    /// One `(added, removed)` per `diff --git` section so far.
    sections: Vec<(u64, u64)>,
    in_hunk: bool,
    /// The first bytes of the current line (as many as a section header has), while the
    /// line is that short; `None` once the line is known and only its end is sought.
    start: Option<([u8; HEADER.len()], usize)>,
    /// While the rest of a counted `+` or `-` line is read: its side (0 added, 1 removed),
    /// whose count each carriage return inside the line adds to.
    counting: Option<usize>,
    /// The counted line's last byte read so far was a carriage return: a line break if
    /// the next byte is not the line's end (`\r\n` is one break, not two).
    pending_cr: bool,
    /// The counted line's last bytes read so far, when they begin a line separator the next
    /// piece may complete (see [`SEPARATORS`]).
    carry: Vec<u8>,
}

/// Line separators besides `\n` and `\r`, in UTF-8: U+2028 and U+2029 (line terminators to
/// JavaScript) and NEL, U+0085 (one to Python's `splitlines`). A file separated by them is
/// one long line to git.
const SEPARATORS: [&[u8]; 3] = [b"\xE2\x80\xA8", b"\xE2\x80\xA9", b"\xC2\x85"];

/// What starts each file's section.
const HEADER: &[u8] = b"diff --git ";

impl PatchCounter {
    fn read(mut self, mut input: impl Read) -> std::io::Result<Vec<(u64, u64)>> {
        self.start = Some(([0; HEADER.len()], 0));
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            let n = match input.read(&mut buffer) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            self.feed(buffer.get(..n).unwrap_or_default());
        }
        // A last line without a newline.
        self.end_line();
        Ok(self.sections)
    }

    fn feed(&mut self, mut bytes: &[u8]) {
        while let Some((&b, rest)) = bytes.split_first() {
            if self.start.is_none() {
                // The line is counted already: skip to its end, counting the line breaks a
                // lone carriage return makes inside a `+` or `-` line.
                let end = memchr::memchr(b'\n', bytes);
                self.count_carriage_returns(
                    bytes.get(..end.unwrap_or(bytes.len())).unwrap_or_default(),
                    end.is_some(),
                );
                match end {
                    Some(at) => {
                        bytes = bytes.get(at + 1..).unwrap_or_default();
                        self.start = Some(([0; HEADER.len()], 0));
                        self.counting = None;
                        self.carry.clear();
                        continue;
                    }
                    None => return,
                }
            }
            bytes = rest;
            if b == b'\n' {
                self.end_line();
                continue;
            }
            let known = match &mut self.start {
                Some((start, len)) => {
                    if let Some(slot) = start.get_mut(*len) {
                        *slot = b;
                        *len += 1;
                    }
                    let line = start.get(..*len).unwrap_or_default();
                    // Known once it is a whole header, or cannot become one: `@@` takes two
                    // bytes to tell, anything else one.
                    *len == HEADER.len() || (!HEADER.starts_with(line) && (*len >= 2 || b != b'@'))
                }
                None => false,
            };
            if known {
                self.classify();
            }
        }
    }

    /// The current line's start is known: count it, and skip the rest of the line.
    fn classify(&mut self) {
        let Some((start, len)) = self.start.take() else {
            return;
        };
        let line = start.get(..len).unwrap_or_default();
        if line == HEADER {
            self.sections.push((0, 0));
            self.in_hunk = false;
        } else if line.starts_with(b"@@") {
            self.in_hunk = true;
        } else if self.in_hunk
            && let Some(section) = self.sections.last_mut()
        {
            match line.first() {
                Some(b'+') => {
                    section.0 += 1;
                    self.counting = Some(0);
                }
                Some(b'-') => {
                    section.1 += 1;
                    self.counting = Some(1);
                }
                _ => {}
            }
        }
    }

    /// Counts, for the `+` or `-` line being read, each carriage return in `content` (a
    /// piece of the line) that another byte of the line follows: a file written with `\r`
    /// line ends is one long line to git, and 5,000 such lines must not count as one.
    /// `ends` says the line's end follows `content`.
    fn count_carriage_returns(&mut self, content: &[u8], ends: bool) {
        let Some(side) = self.counting else {
            return;
        };
        let mut breaks = self.count_separators(content, ends);
        if std::mem::take(&mut self.pending_cr) && !content.is_empty() {
            breaks += 1;
        }
        for at in memchr::memchr_iter(b'\r', content) {
            if at + 1 < content.len() {
                breaks += 1;
            } else if !ends {
                // The last byte of this piece: what follows decides.
                self.pending_cr = true;
            }
        }
        if let Some(section) = self.sections.last_mut() {
            match side {
                0 => section.0 += breaks,
                _ => section.1 += breaks,
            }
        }
    }

    /// The [`SEPARATORS`] in `content`, the next piece of a counted line (`ends`: the line
    /// ends after it), including one that began in the piece before (`carry`).
    fn count_separators(&mut self, content: &[u8], ends: bool) -> u64 {
        let is_separator = |bytes: &[u8]| SEPARATORS.iter().any(|s| bytes.starts_with(s));
        let mut breaks = 0;
        let carried = std::mem::take(&mut self.carry);
        if !carried.is_empty() {
            let mut joined = carried.clone();
            joined.extend(content.iter().take(2));
            for start in 0..carried.len() {
                if joined.get(start..).is_some_and(is_separator) {
                    breaks += 1;
                }
            }
        }
        for at in memchr::memchr2_iter(0xE2, 0xC2, content) {
            if content.get(at..).is_some_and(is_separator) {
                breaks += 1;
            }
        }
        if !ends {
            // The last one or two bytes, when a separator begins with them.
            let mut all = carried;
            all.extend(content.iter().rev().take(2).rev());
            for keep in [2, 1] {
                let Some(tail) = all.len().checked_sub(keep).and_then(|from| all.get(from..))
                else {
                    continue;
                };
                if SEPARATORS
                    .iter()
                    .any(|s| s.len() > tail.len() && s.starts_with(tail))
                {
                    self.carry = tail.to_vec();
                    break;
                }
            }
        }
        breaks
    }

    /// A newline while the line's start was still being read: the line was short.
    fn end_line(&mut self) {
        if self.start.is_some() {
            self.classify();
        }
        self.start = Some(([0; HEADER.len()], 0));
        self.counting = None;
        self.pending_cr = false;
        self.carry.clear();
    }
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

/// Parses `--name-status -z`: `STATUS\0PATH\0` or `RNNN\0OLD\0NEW\0`. With the files, how
/// many sections each has in the patch: two for a change of type (`T`: a file that became a
/// symlink or a submodule, or back), which a patch shows as the old one deleted and the new
/// one added; one for any other. The file counts the lines of both, as `--numstat` does.
fn parse_name_status(out: &[u8]) -> Result<(Vec<FileChange>, Vec<usize>), String> {
    let mut fields = out.split(|b| *b == 0).filter(|f| !f.is_empty());
    let mut files = Vec::new();
    let mut sections = Vec::new();
    while let Some(status) = fields.next() {
        let status_text = text(status)?;
        let status = status_text.as_str();
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
        sections.push(if status_text.starts_with('T') { 2 } else { 1 });
        files.push(FileChange {
            path,
            added: 0,
            removed: 0,
            status,
            from,
        });
    }
    Ok((files, sections))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_renames_and_statuses() {
        let status = b"M\0src/a.rs\0R087\0old/b.rs\0new/b.rs\0A\0img.png\0D\0gone.txt\0T\0link\0";
        let (files, sections) = parse_name_status(status).unwrap();
        assert_eq!(files.len(), 5);
        // A change of type is two sections of the patch: the old one deleted, the new added.
        assert_eq!(sections, [1, 1, 1, 1, 2]);
        assert_eq!(files[4].status, FileStatus::Modified);
        assert_eq!(files[0].status, FileStatus::Modified);
        assert_eq!(files[1].path, "new/b.rs");
        assert_eq!(files[1].from.as_deref(), Some("old/b.rs"));
        assert_eq!(files[1].status, FileStatus::Renamed);
        assert_eq!(files[2].status, FileStatus::Added);
        assert_eq!(files[3].status, FileStatus::Deleted);
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
        let (files, _) = parse_name_status(b"M\0docs/run.sh\0").unwrap();
        assert_eq!(files[0].path, "docs/run.sh");
    }

    /// Counts of `patch` read in pieces of `size` bytes.
    fn counted(patch: &[u8], size: usize) -> Vec<(u64, u64)> {
        struct Pieces<'a>(&'a [u8], usize);
        impl Read for Pieces<'_> {
            fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
                let n = self.0.len().min(self.1).min(out.len());
                out[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        PatchCounter::default().read(Pieces(patch, size)).unwrap()
    }

    #[test]
    fn patch_lines_are_counted_per_file_inside_hunks_only_in_pieces_of_any_size() {
        let patch: &[u8] = b"diff --git a/x b/x\nnew file mode 100644\n--- /dev/null\n+++ b/x\n\
            @@ -0,0 +1,3 @@\n+\0one\n+++two\n+-three\n\
            diff --git a/m b/m\nold mode 100644\nnew mode 100755\n\
            diff --git a/y b/y\n--- a/y\n+++ b/y\n@@ -1,2 +1,2 @@\n-old\n+new\n context\n\
            @@ -9 +9 @@\n-diff --git a/z b/z\n+@@ x\n\\ No newline at end of file\n\
            diff --git a/e b/e\n--- a/e\n+++ b/e\n@@ -1 +1 @@\n-a\n+b";
        for size in 1..=patch.len() {
            assert_eq!(
                counted(patch, size),
                [(3, 0), (0, 0), (2, 2), (1, 1)],
                "pieces of {size} bytes"
            );
        }
        assert_eq!(counted(b"", 1), []);
        // A line longer than any buffer is skipped without being held.
        let long = [
            b"diff --git a/l b/l\n@@ -0,0 +1 @@\n+".as_slice(),
            &[b'x'; 200_000],
            b"\n",
        ]
        .concat();
        assert_eq!(counted(&long, 1 << 16), [(1, 0)]);
    }

    /// Found by a fail-open hunt: a file written with `\r` line ends is one line to git, so
    /// 5,000 lines counted as 1 and slipped under a line limit. Each carriage return inside a
    /// `+` or `-` line that another byte follows is a line break; `\r\n` is one.
    #[test]
    fn carriage_returns_inside_a_line_are_line_breaks_in_pieces_of_any_size() {
        let patch: &[u8] = b"diff --git a/cr b/cr\n--- /dev/null\n+++ b/cr\n@@ -0,0 +1 @@\n\
            +one\rtwo\rthree\rfour\n\
            diff --git a/crlf b/crlf\n--- a/crlf\n+++ b/crlf\n@@ -1,2 +1,2 @@\n\
            -old one\r\n-old two\r\n+new\r\n context\rx\n\
            diff --git a/tail b/tail\n--- a/tail\n+++ b/tail\n@@ -1 +1 @@\n-a\r\rb\n+\r";
        for size in 1..=patch.len() {
            assert_eq!(
                counted(patch, size),
                [(4, 0), (1, 2), (1, 3)],
                "pieces of {size} bytes"
            );
        }
    }

    /// Found by QA: a file separated by U+2028 (a line terminator to JavaScript) or NEL was
    /// one line to git. Each such separator in a `+` or `-` line is a line break, wherever
    /// the pieces the patch is read in cut it.
    #[test]
    fn unicode_line_separators_are_line_breaks_in_pieces_of_any_size() {
        let patch = "diff --git a/ls.js b/ls.js\n--- a/ls.js\n+++ b/ls.js\n@@ -1 +1 @@\n\
            -p\u{2028}\n+a\u{2028}b\u{2029}c\u{85}d\n context\u{2028}x\n+\u{2028}\u{2028}\n\
            diff --git a/t b/t\n--- a/t\n+++ b/t\n@@ -1 +1 @@\n+é\u{e2}\u{80}\n";
        let patch = patch.as_bytes();
        for size in 1..=patch.len() {
            assert_eq!(
                counted(patch, size),
                [(7, 2), (1, 0)],
                "pieces of {size} bytes"
            );
        }
    }
}
