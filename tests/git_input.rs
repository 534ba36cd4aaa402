//! Requests from git (`gavel eval --git`), read through the library: every changed file with
//! its status and line counts, whatever the file is named, whatever git thinks of its
//! content, and whatever the user's or the repository's git configuration says about
//! porcelain output (found by QA: a `:`-named file hidden behind `-diff` counted 0 lines, and
//! `diff.relative` dropped the changes outside the current directory).

use std::path::Path;

use gavel::gitdiff::{files_from_git, resolve_range};
use gavel::request::{FileChange, FileStatus};

use crate::support::git;

fn lines(n: usize) -> String {
    (1..=n).map(|i| format!("line {i}\n")).collect()
}

/// A repository with a base commit tagged `base`, in a fresh directory.
fn repository() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(repo.join("app")).unwrap();
    std::fs::create_dir_all(repo.join("secret")).unwrap();
    std::fs::write(repo.join("app/a.txt"), lines(3)).unwrap();
    std::fs::write(repo.join("secret/k.key"), lines(2)).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-qm", "base"]);
    git(&repo, &["tag", "base"]);
    (dir, repo)
}

fn commit(repo: &Path) {
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-qm", "change"]);
}

fn changes(repo: &Path, range: &str) -> Vec<(String, u64, u64, FileStatus)> {
    let range = resolve_range(repo, range).unwrap();
    let mut files: Vec<(String, u64, u64, FileStatus)> = files_from_git(repo, &range)
        .unwrap()
        .into_iter()
        .map(|f: FileChange| (f.path, f.added, f.removed, f.status))
        .collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

#[test]
fn names_git_reads_as_patterns_are_counted_as_the_files_they_are() {
    let (_dir, repo) = repository();
    // `:` starts pathspec magic, `[ab]` is a pathspec glob; `-diff` makes git call them
    // binary, so their lines come from their patches.
    std::fs::write(repo.join(".gitattributes"), "* -diff\n").unwrap();
    std::fs::write(repo.join(":big.txt"), lines(5000)).unwrap();
    std::fs::write(repo.join("[ab].bin"), lines(8)).unwrap();
    std::fs::write(repo.join("a.bin"), lines(1)).unwrap();
    std::fs::write(repo.join(":!x"), lines(2)).unwrap();
    commit(&repo);
    assert_eq!(
        changes(&repo, "base..HEAD"),
        [
            (".gitattributes".into(), 1, 0, FileStatus::Added),
            (":!x".into(), 2, 0, FileStatus::Added),
            (":big.txt".into(), 5000, 0, FileStatus::Added),
            ("[ab].bin".into(), 8, 0, FileStatus::Added),
            ("a.bin".into(), 1, 0, FileStatus::Added),
        ]
    );
}

#[test]
fn porcelain_settings_do_not_change_what_is_judged() {
    let (_dir, repo) = repository();
    for (key, value) in [
        ("diff.relative", "true"),
        ("diff.noprefix", "true"),
        ("diff.mnemonicPrefix", "true"),
        ("diff.external", "false"),
        ("color.diff", "always"),
        ("diff.renames", "false"),
    ] {
        git(&repo, &["config", key, value]);
    }
    std::fs::write(repo.join("app/a.txt"), lines(5)).unwrap();
    std::fs::write(repo.join("secret/k.key"), lines(1)).unwrap();
    git(&repo, &["mv", "app/a.txt", "app/b.txt"]);
    commit(&repo);
    let expected: Vec<(String, u64, u64, FileStatus)> = vec![
        ("app/b.txt".into(), 2, 0, FileStatus::Renamed),
        ("secret/k.key".into(), 0, 1, FileStatus::Modified),
    ];
    // From the top, and from a subdirectory, where `diff.relative` would hide `secret/`.
    assert_eq!(changes(&repo, "base..HEAD"), expected);
    assert_eq!(changes(&repo.join("app"), "base..HEAD"), expected);
}

#[test]
fn every_binary_file_of_a_large_diff_is_counted() {
    let (_dir, repo) = repository();
    std::fs::write(repo.join(".gitattributes"), "*.dat -diff\n").unwrap();
    for i in 0..300 {
        std::fs::write(repo.join(format!("app/{i:03}.dat")), lines(i % 7 + 1)).unwrap();
    }
    std::fs::write(repo.join("app/zero.dat"), b"\0\0\0").unwrap();
    commit(&repo);
    let files = changes(&repo, "base..HEAD");
    // The 300 numbered files, `zero.dat` and `.gitattributes`.
    assert_eq!(files.len(), 302);
    for (path, added, removed, status) in files.iter().filter(|f| {
        f.0.starts_with("app/0") || f.0.starts_with("app/1") || f.0.starts_with("app/2")
    }) {
        let i: usize = path[4..7].parse().unwrap();
        assert_eq!(
            (*added, *removed, *status),
            ((i % 7 + 1) as u64, 0, FileStatus::Added),
            "{path}"
        );
    }
    // A file of NUL bytes and no newline still counts as one line.
    assert!(files.contains(&("app/zero.dat".into(), 1, 0, FileStatus::Added)));
}

#[test]
fn three_dots_diff_against_the_merge_base_and_the_reference_names_both_commits() {
    let (_dir, repo) = repository();
    git(&repo, &["checkout", "-qb", "topic"]);
    std::fs::write(repo.join("app/t.txt"), lines(4)).unwrap();
    commit(&repo);
    git(&repo, &["checkout", "-q", "main"]);
    std::fs::write(repo.join("app/m.txt"), lines(9)).unwrap();
    commit(&repo);
    // `main...topic`: only what topic did since the fork.
    assert_eq!(
        changes(&repo, "main...topic"),
        [("app/t.txt".into(), 4, 0, FileStatus::Added)]
    );
    // `main..topic`: topic against main as it is now (main's file removed).
    assert_eq!(
        changes(&repo, "main..topic"),
        [
            ("app/m.txt".into(), 0, 9, FileStatus::Deleted),
            ("app/t.txt".into(), 4, 0, FileStatus::Added),
        ]
    );
    let range = resolve_range(&repo, "main...topic").unwrap();
    let (main, topic) = (
        git(&repo, &["rev-parse", "main"]),
        git(&repo, &["rev-parse", "topic"]),
    );
    assert_eq!(range.reference(), format!("git {main}...{topic}"));
    // An empty side is HEAD (main here).
    assert_eq!(resolve_range(&repo, "topic..").unwrap().head, main);
}

#[test]
fn bad_ranges_are_refused_with_one_line() {
    let (_dir, repo) = repository();
    for (range, says) in [
        ("main", "is not a range"),
        ("-x..main", "is not a range"),
        ("nope..main", "git rev-parse"),
        // What `--git "$BASE..$HEAD"` becomes with the variables unset, and ranges of one
        // commit: no files, judged as no change (found by QA: auto-approved).
        ("..", "has no BASE"),
        ("...", "has no BASE"),
        ("..main", "has no BASE"),
        ("main..", "on both sides, a range without changes"),
        ("main..main", "on both sides, a range without changes"),
        ("main...main", "on both sides, a range without changes"),
    ] {
        let error = resolve_range(&repo, range).unwrap_err();
        assert!(error.contains(says), "{range}: {error}");
        assert!(!error.contains('\n'), "{range}: {error}");
    }
}

/// A file that becomes a symlink (or a symlink that becomes a file) is one changed file whose
/// patch git prints as two sections, the old one deleted and the new one added; both count,
/// as `git diff --numstat` counts them, next to files changed around it (found by QA: the
/// request was refused, git having "printed 2 patches" for 1 file).
#[cfg(unix)]
#[test]
fn a_file_that_becomes_a_symlink_is_one_change_counting_both_sides() {
    let (_dir, repo) = repository();
    std::fs::remove_file(repo.join("app/a.txt")).unwrap();
    std::os::unix::fs::symlink("../secret/k.key", repo.join("app/a.txt")).unwrap();
    std::fs::write(repo.join("secret/k.key"), lines(4)).unwrap();
    commit(&repo);
    git(&repo, &["tag", "linked"]);
    // The symlink's patch removes the file's 3 lines and adds its target, 1 line.
    assert_eq!(
        changes(&repo, "base..HEAD"),
        [
            ("app/a.txt".to_string(), 1, 3, FileStatus::Modified),
            ("secret/k.key".to_string(), 2, 0, FileStatus::Modified),
        ]
    );
    // And back: the symlink becomes a file of 5 lines.
    std::fs::remove_file(repo.join("app/a.txt")).unwrap();
    std::fs::write(repo.join("app/a.txt"), lines(5)).unwrap();
    commit(&repo);
    assert_eq!(
        changes(&repo, "linked..HEAD"),
        [("app/a.txt".to_string(), 5, 1, FileStatus::Modified)]
    );
}

/// `BASE...HEAD` on two histories with no common ancestor says so; git's merge-base only
/// exits 1 without a word (found by QA: the error ended in "failed:" and nothing).
#[test]
fn three_dots_between_unrelated_histories_says_there_is_no_merge_base() {
    let (_dir, repo) = repository();
    git(&repo, &["checkout", "-q", "--orphan", "other"]);
    git(&repo, &["rm", "-rqf", "."]);
    std::fs::write(repo.join("z.txt"), "nothing like the base\n").unwrap();
    commit(&repo);
    let range = resolve_range(&repo, "base...other").unwrap();
    let error = files_from_git(&repo, &range).unwrap_err();
    assert!(
        error.ends_with(
            "have no common ancestor, so `...` has no merge base to diff against; write \
             BASE..HEAD to diff the two commits themselves"
        ),
        "{error}"
    );
    // Two dots diff the commits themselves.
    let range = resolve_range(&repo, "base..other").unwrap();
    assert_eq!(files_from_git(&repo, &range).unwrap().len(), 3);
}

/// Found by a fail-open hunt: git honours replace refs, so a decoy commit replacing the
/// real one made `--git base..REAL` judge the decoy's harmless change while the request
/// named the real commit. Objects are read as they are.
#[test]
fn replace_refs_do_not_change_what_is_judged() {
    let (_dir, repo) = repository();
    std::fs::write(repo.join("secret/k.key"), lines(5)).unwrap();
    commit(&repo);
    let real = git(&repo, &["rev-parse", "HEAD"]).trim().to_string();
    git(&repo, &["checkout", "-q", "base"]);
    std::fs::write(repo.join("app/a.txt"), lines(4)).unwrap();
    commit(&repo);
    let decoy = git(&repo, &["rev-parse", "HEAD"]).trim().to_string();
    git(&repo, &["replace", &real, &decoy]);
    // git itself now shows the decoy under the real commit's name.
    let shown = git(&repo, &["show", "--stat", "--format=", &real]);
    assert!(shown.contains("app/a.txt"), "{shown}");
    assert_eq!(
        changes(&repo, &format!("base..{real}")),
        [("secret/k.key".to_string(), 3, 0, FileStatus::Modified)]
    );
}

/// Found by a fail-open hunt: a file whose lines end in `\r` alone is one line to git, so a
/// 5,000-line file counted 1 added line and slipped under every line limit. Each such line
/// end counts; `\r\n` counts once.
#[test]
fn lines_ending_in_a_carriage_return_alone_count_as_lines() {
    let (_dir, repo) = repository();
    let cr: String = (1..=5000).map(|i| format!("line {i}\r")).collect();
    std::fs::write(repo.join("app/cr.py"), cr).unwrap();
    let crlf: String = (1..=7).map(|i| format!("line {i}\r\n")).collect();
    std::fs::write(repo.join("app/crlf.txt"), crlf).unwrap();
    // U+2028 ends a line to JavaScript: 300 statements, one line to git.
    let ls: String = (1..=300).map(|i| format!("f({i});\u{2028}")).collect();
    std::fs::write(repo.join("app/ls.js"), ls).unwrap();
    commit(&repo);
    assert_eq!(
        changes(&repo, "base..HEAD"),
        [
            ("app/cr.py".to_string(), 5000, 0, FileStatus::Added),
            ("app/crlf.txt".to_string(), 7, 0, FileStatus::Added),
            ("app/ls.js".to_string(), 301, 0, FileStatus::Added),
        ]
    );
}

/// A submodule the judged commit's `.gitmodules` marks `ignore = all` is still a changed
/// file (found by QA: the gitlink under a protected path vanished from the request).
#[test]
fn a_submodule_marked_ignore_all_is_still_a_changed_file() {
    let (_dir, repo) = repository();
    std::fs::write(
        repo.join(".gitmodules"),
        "[submodule \"s\"]\n\tpath = secret/mod\n\turl = ./x\n\tignore = all\n",
    )
    .unwrap();
    commit(&repo);
    git(&repo, &["tag", "modules"]);
    let commit_id = "1".repeat(40);
    git(
        &repo,
        &[
            "update-index",
            "--add",
            "--cacheinfo",
            &format!("160000,{commit_id},secret/mod"),
        ],
    );
    git(&repo, &["commit", "-qm", "submodule"]);
    assert_eq!(
        changes(&repo, "modules..HEAD"),
        [("secret/mod".into(), 1, 0, FileStatus::Added)]
    );
}

/// Line counts come from the commits, never from the checkout (found by QA: with the
/// index entry looking up to date, git read the checked-out file in place of the blob, and
/// a 500-line file counted as the one line the checkout held).
#[test]
fn line_counts_come_from_the_commit_not_the_checkout() {
    let (_dir, repo) = repository();
    let big = repo.join("app/big.txt");
    let set_mtime = |mtime| {
        std::fs::File::options()
            .write(true)
            .open(&big)
            .unwrap()
            .set_modified(mtime)
            .unwrap();
    };
    // Dated well before the index is written, so that git trusts its stat data.
    let mtime = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
    std::fs::write(&big, lines(500)).unwrap();
    set_mtime(mtime);
    commit(&repo);
    // Same size and date, one line, and the index told to trust those alone.
    let size = std::fs::metadata(&big).unwrap().len() as usize;
    std::fs::write(&big, "x".repeat(size)).unwrap();
    set_mtime(mtime);
    git(&repo, &["config", "core.checkStat", "minimal"]);
    git(&repo, &["config", "core.trustctime", "false"]);
    assert_eq!(
        changes(&repo, "base..HEAD"),
        [("app/big.txt".into(), 500, 0, FileStatus::Added)]
    );
}

/// The grafts file cannot make a decoy the merge base of `...` (found by QA:
/// `--no-replace-objects` left `.git/info/grafts` in force).
#[test]
fn grafts_do_not_change_the_merge_base() {
    let (_dir, repo) = repository();
    git(&repo, &["checkout", "-qb", "feat"]);
    std::fs::write(repo.join("secret/new.key"), lines(400)).unwrap();
    commit(&repo);
    std::fs::write(repo.join("app/a.txt"), lines(4)).unwrap();
    commit(&repo);
    git(&repo, &["checkout", "-q", "main"]);
    std::fs::write(repo.join("app/m.txt"), lines(1)).unwrap();
    commit(&repo);
    // A decoy commit holding the secret change already, grafted under both histories.
    let tree = git(&repo, &["rev-parse", "feat^^{tree}"]);
    let decoy = git(&repo, &["commit-tree", "-p", "base", "-m", "decoy", &tree]);
    let grafts = format!(
        "{} {} {decoy}\n{} {decoy}\n",
        git(&repo, &["rev-parse", "main"]),
        git(&repo, &["rev-parse", "main^"]),
        git(&repo, &["rev-parse", "feat^"]),
    );
    std::fs::create_dir_all(repo.join(".git/info")).unwrap();
    std::fs::write(repo.join(".git/info/grafts"), grafts).unwrap();
    assert_eq!(
        changes(&repo, "main...feat"),
        [
            ("app/a.txt".into(), 1, 0, FileStatus::Modified),
            ("secret/new.key".into(), 400, 0, FileStatus::Added),
        ]
    );
}

/// A repository's configuration cannot make gavel run a command (found by QA:
/// `core.fsmonitor` ran on every `--git`), and `GIT_DIR` in the environment (git hooks set
/// it) does not point gavel at another repository than the one it was given.
#[cfg(unix)]
#[test]
fn the_repository_cannot_run_commands_and_git_dir_does_not_redirect() {
    let (dir, repo) = repository();
    std::fs::write(repo.join("app/a.txt"), lines(4)).unwrap();
    commit(&repo);
    let ran = dir.path().join("ran");
    git(
        &repo,
        &[
            "config",
            "core.fsmonitor",
            &format!("touch {}; echo", ran.display()),
        ],
    );
    let (_other_dir, other) = repository();
    std::fs::write(other.join("secret/k.key"), lines(9)).unwrap();
    commit(&other);
    std::fs::create_dir_all(dir.path().join("policies")).unwrap();
    std::fs::write(
        dir.path().join("policies/main.gavel"),
        "policy \"p\"\ndefault auto_approve\n\
         rule s { when any file matches \"secret/**\" then block \"secret\" }\n",
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gavel"))
        .current_dir(dir.path())
        .env("GIT_DIR", other.join(".git"))
        .args(["eval", "--no-audit", "--format", "json", "--actor", "a"])
        .args(["--git", "base..HEAD", "--repo"])
        .arg(&repo)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["outcome"], "auto_approve", "{json}");
    assert_eq!(json["request"]["lines_added"], 1, "{json}");
    assert!(!ran.exists(), "core.fsmonitor ran");
}

/// Found by QA: a first commit could not be judged at all — `HEAD~1..HEAD` failed with
/// git's bare "Needed a single revision", and the empty tree was refused as no commit. With
/// `..` the empty tree is a BASE, and the failing parent says so.
#[test]
fn a_first_commit_is_judged_against_the_empty_tree() {
    let (_dir, repo) = repository();
    let empty = git(&repo, &["hash-object", "-t", "tree", "/dev/null"]);
    let empty = empty.trim();
    assert_eq!(
        changes(&repo, &format!("{empty}..base")),
        [
            ("app/a.txt".to_string(), 3, 0, FileStatus::Added),
            ("secret/k.key".to_string(), 2, 0, FileStatus::Added),
        ]
    );
    let error = resolve_range(&repo, "base~1..base").err().unwrap();
    assert!(
        error.ends_with(
            "if `base~1` is meant to be the parent of a first commit, there is none: to judge \
             everything the first commit adds, give the empty tree as BASE \
             (`$(git hash-object -t tree /dev/null)..HEAD`)"
        ),
        "{error}"
    );
    // A misspelled name gets git's error alone; `...` needs commits on both sides.
    let error = resolve_range(&repo, "bsae..base").err().unwrap();
    assert!(!error.contains("first commit"), "{error}");
    assert!(resolve_range(&repo, &format!("{empty}...base")).is_err());
    // A commit's own tree as BASE is no change, refused as `HEAD..HEAD` is.
    let error = resolve_range(&repo, "base^{tree}..base").err().unwrap();
    assert!(error.contains("a range without changes"), "{error}");
}
