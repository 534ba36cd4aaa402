//! Malformed lines, huge lines, wrong, weak and missing keys: one-line errors, no panic,
//! nothing written.

use std::path::Path;
use std::process::Command;

use super::{key_hex, keyed_dir, signed_log, text};

fn run_env(dir: &Path, args: &[&str], key: Option<&str>) -> (i32, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gavel"));
    command
        .current_dir(dir)
        .args(args)
        .env_remove("GAVEL_AUDIT_KEY");
    if let Some(key) = key {
        command.env("GAVEL_AUDIT_KEY", key);
    }
    let out = command.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        text(&out.stdout),
        text(&out.stderr),
    )
}

/// A workspace with a 4-record log at `.gavel/audit.jsonl` and the matching key file.
fn workspace() -> tempfile::TempDir {
    let dir = keyed_dir();
    let path = signed_log(dir.path(), 3);
    std::fs::rename(path, dir.path().join(".gavel/audit.jsonl")).unwrap();
    dir
}

fn log_bytes(dir: &Path) -> Vec<u8> {
    std::fs::read(dir.join(".gavel/audit.jsonl")).unwrap()
}

fn one_line(stderr: &str) {
    assert_eq!(stderr.lines().count(), 1, "not one line: {stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_malformed_line_is_named_and_blocks_appends() {
    let dir = workspace();
    let log = dir.path().join(".gavel/audit.jsonl");
    let mut text = std::fs::read_to_string(&log).unwrap();
    text = text.replacen("\"kind\":\"note\"", "\"kind\":\"nite\"", 1);
    std::fs::write(&log, &text).unwrap();
    let (code, out, _) = run_env(dir.path(), &["audit", "verify"], None);
    assert_eq!(code, 1);
    assert!(
        out.starts_with(
            "TAMPERED: .gavel/audit.jsonl: malformed at seq 1 (line 2): unknown record kind `nite`"
        ),
        "{out}"
    );
    let before = log_bytes(dir.path());
    let (code, _, err) = run_env(dir.path(), &["audit", "note", "x"], None);
    assert_eq!(code, 1);
    one_line(&err);
    assert!(
        err.contains("the audit log does not verify: malformed at seq 1"),
        "{err}"
    );
    assert_eq!(log_bytes(dir.path()), before);
    // `gavel resume --approval FILE` reads its files with this.
    let error = gavel::audit::ResumeApproval::load(Path::new("/dev/zero")).unwrap_err();
    assert_eq!(
        error.to_string(),
        "/dev/zero: too large to be a resume approval"
    );
}

#[test]
fn a_huge_line_is_refused_without_reading_it_into_memory() {
    let dir = workspace();
    let log = dir.path().join(".gavel/audit.jsonl");
    let mut bytes = log_bytes(dir.path());
    bytes.extend(std::iter::repeat_n(
        b'x',
        gavel::limits::MAX_LOG_RECORD_BYTES + 10,
    ));
    bytes.push(b'\n');
    std::fs::write(&log, &bytes).unwrap();
    let (code, out, _) = run_env(dir.path(), &["audit", "verify"], None);
    assert_eq!(code, 1);
    assert!(
        out.contains("malformed at seq 4 (line 5): the line is longer than the record size limit"),
        "{out}"
    );
    let (code, _, err) = run_env(dir.path(), &["audit", "note", "x"], None);
    assert_eq!(code, 1);
    one_line(&err);
    assert_eq!(log_bytes(dir.path()), bytes);
}

#[test]
fn a_wrong_key_cannot_read_and_writes_nothing() {
    let dir = workspace();
    // Only the wrong key is available (the ring would also try the key file).
    std::fs::remove_file(dir.path().join(".gavel/audit.key")).unwrap();
    let before = log_bytes(dir.path());
    let other = key_hex(7);
    let (code, _, err) = run_env(dir.path(), &["audit", "verify"], Some(&other));
    assert_eq!(code, 2);
    one_line(&err);
    assert!(
        err.starts_with("error: wrong audit key: the log is MACed with key "),
        "{err}"
    );
    let (code, _, err) = run_env(dir.path(), &["audit", "note", "x"], Some(&other));
    assert_eq!(code, 1);
    one_line(&err);
    assert_eq!(log_bytes(dir.path()), before);
    // `gavel resume --approval FILE` reads its files with this.
    let error = gavel::audit::ResumeApproval::load(Path::new("/dev/zero")).unwrap_err();
    assert_eq!(
        error.to_string(),
        "/dev/zero: too large to be a resume approval"
    );
}

#[test]
fn a_missing_key_is_one_line_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run_env(dir.path(), &["audit", "note", "x"], None);
    assert_eq!(code, 1);
    one_line(&err);
    assert!(err.contains("no audit key: set GAVEL_AUDIT_KEY"), "{err}");
    assert!(!dir.path().join(".gavel").exists());
    let (code, _, err) = run_env(dir.path(), &["audit", "verify"], None);
    assert_eq!(code, 2);
    one_line(&err);
    assert!(err.contains("no such audit log"), "{err}");
}

#[test]
fn weak_keys_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (key, why) in [
        ("00".repeat(32), "one byte repeated"),
        ("ab12".repeat(8), "is 16 bytes"),
        ("zz".repeat(32), "not hex"),
        (
            hex::encode("The quick brown fox jumps over the lazy dog! 0123456789"),
            "printable text",
        ),
        ("0102".repeat(32), "entropy"),
    ] {
        let (code, _, err) = run_env(dir.path(), &["audit", "note", "x"], Some(&key));
        assert_eq!(code, 1, "{key}");
        one_line(&err);
        assert!(err.contains(why), "{key}: {err}");
        assert!(!err.contains(&key), "the key appears in the error");
    }
    assert!(!dir.path().join(".gavel").exists());
}

#[test]
fn init_key_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, _) = run_env(dir.path(), &["audit", "init-key"], None);
    assert_eq!(code, 0);
    assert!(out.starts_with("created .gavel/audit.key"), "{out}");
    let key = std::fs::read_to_string(dir.path().join(".gavel/audit.key")).unwrap();
    assert_eq!(key.trim().len(), 64);
    assert!(!out.contains(key.trim()));
    let (code, _, err) = run_env(dir.path(), &["audit", "init-key"], None);
    assert_eq!(code, 1);
    one_line(&err);
    assert!(err.contains("refusing to overwrite an audit key"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".gavel/audit.key")).unwrap(),
        key
    );
}

/// Regression: `audit repair` on a file that holds no complete record (not a log at all)
/// used to start a log in it and then "repair" away the file's whole content.
#[test]
fn repair_never_erases_a_file_that_is_not_a_log() {
    let dir = tempfile::tempdir().unwrap();
    let key = key_hex(3);
    let precious = b"{\"not\": \"an audit log\"}";
    std::fs::write(dir.path().join("data.json"), precious).unwrap();
    for args in [
        &["audit", "repair", "--log", "data.json"][..],
        &["audit", "note", "x", "--log", "data.json"][..],
        &["audit", "tail", "--log", "data.json"][..],
    ] {
        let (code, _, err) = run_env(dir.path(), args, Some(&key));
        assert_eq!(code, 1, "{args:?}: {err}");
        one_line(&err);
        assert!(err.contains("data.json"), "{err}");
        assert!(
            err.contains("not an audit log") || err.contains("no complete record"),
            "{err}"
        );
    }
    let (code, out, _) = run_env(
        dir.path(),
        &["audit", "verify", "--log", "data.json"],
        Some(&key),
    );
    assert_eq!(code, 1);
    assert!(out.contains("not an audit log"), "{out}");
    assert_eq!(
        std::fs::read(dir.path().join("data.json")).unwrap(),
        precious
    );
}

/// Regression: an empty file verified as an intact log of 0 records.
#[test]
fn an_empty_file_is_not_an_intact_log() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.jsonl"), b"").unwrap();
    let key = key_hex(3);
    for args in [
        &["audit", "verify", "--log", "empty.jsonl"][..],
        &["audit", "report", "--log", "empty.jsonl"][..],
        &["audit", "repair", "--log", "empty.jsonl"][..],
    ] {
        let (code, _, err) = run_env(dir.path(), args, Some(&key));
        assert_ne!(code, 0, "{args:?}");
        one_line(&err);
        assert!(err.contains("empty"), "{err}");
    }
}

/// Regression: `gavel audit note ""` stored an empty note (blank lines on `--stdin` were
/// already skipped). A blank note is refused, and neither creates nor changes the log.
#[test]
fn an_empty_note_is_refused() {
    let dir = workspace();
    let before = log_bytes(dir.path());
    for text in ["", "   ", "\t\n", "\u{200b}", "\u{2800}\u{3000}"] {
        let (code, out, err) = run_env(dir.path(), &["audit", "note", text], None);
        assert_eq!(code, 1, "{text:?}: {out}");
        one_line(&err);
        assert!(err.contains("the note is empty"), "{err}");
        assert!(out.is_empty(), "{out}");
    }
    assert_eq!(log_bytes(dir.path()), before);
    // Nor a note by nobody (found by QA: `--as ''` recorded an empty author).
    for by in ["", " ", "\u{200b}"] {
        let (code, _, err) = run_env(dir.path(), &["audit", "note", "hi", "--as", by], None);
        assert_eq!(code, 1, "{by:?}");
        one_line(&err);
        assert!(err.contains("names nobody"), "{err}");
    }
    assert_eq!(log_bytes(dir.path()), before);
    // No log is created for it either.
    let fresh = keyed_dir();
    let (code, _, err) = run_env(fresh.path(), &["audit", "note", ""], None);
    assert_eq!(code, 1);
    one_line(&err);
    assert!(!fresh.path().join(".gavel/audit.jsonl").exists());
    // The library refuses it too.
    assert!(gavel::audit::Entry::note(" ", None).is_err());
}

/// Key, checkpoint and resume-approval files are read up to their limit, whatever they are:
/// a device reports no size, and `/dev/zero` given as one was read without end (found by
/// QA: 11 GB in 8 seconds). Each is refused on one line, and nothing is written.
#[cfg(unix)]
#[test]
fn endless_key_checkpoint_and_approval_files_are_refused() {
    let dir = workspace();
    let before = log_bytes(dir.path());
    // `audit verify` exits 2 when it cannot read what it is to verify with.
    for (args, says, exit) in [
        (
            &["audit", "verify", "--checkpoint", "/dev/zero"][..],
            "/dev/zero: too large to be a checkpoint",
            2,
        ),
        (
            &["audit", "note", "x", "--audit-key", "/dev/zero"][..],
            "/dev/zero: too large to be an audit key file",
            1,
        ),
    ] {
        let (code, out, err) = run_env(dir.path(), args, None);
        assert_eq!(code, exit, "{args:?}: {out}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    assert_eq!(log_bytes(dir.path()), before);
    // `gavel resume --approval FILE` reads its files with this.
    let error = gavel::audit::ResumeApproval::load(Path::new("/dev/zero")).unwrap_err();
    assert_eq!(
        error.to_string(),
        "/dev/zero: too large to be a resume approval"
    );
}

/// The commands that read the log say plainly what is wrong with it (found by QA): a device
/// is not a log (it was called empty), a broken log is not "(nothing was written)" to a
/// command that writes nothing, and a malformed line says "not a valid record" once.
#[cfg(unix)]
#[test]
fn reading_commands_say_what_is_wrong_with_the_log() {
    let dir = workspace();
    for command in ["verify", "tail", "pending", "report", "repair"] {
        let (code, _, err) = run_env(dir.path(), &["audit", command, "--log", "/dev/zero"], None);
        assert_ne!(code, 0, "{command}");
        assert!(
            err.contains("/dev/zero: not a regular file, so not an audit log"),
            "{command}: {err}"
        );
    }
    let log = dir.path().join(".gavel/audit.jsonl");
    let mut bytes = log_bytes(dir.path());
    bytes.extend_from_slice(b"{\"bad\":1}\n");
    std::fs::write(&log, bytes).unwrap();
    let (code, _, err) = run_env(dir.path(), &["audit", "show", "99"], None);
    assert_eq!(code, 1);
    one_line(&err);
    assert!(err.contains("does not verify"), "{err}");
    assert!(!err.contains("nothing was written"), "{err}");
    let (code, _, err) = run_env(dir.path(), &["audit", "tail"], None);
    assert_eq!(code, 1);
    assert!(
        err.contains("is not a valid record: unknown field `bad`"),
        "{err}"
    );
    assert!(!err.contains("record: not a valid record"), "{err}");
}
