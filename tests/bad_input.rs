//! The bad-input suite: every hostile file in `tests/bad_input/` through every command that
//! reads that kind of file. Each must exit non-zero with an error naming the problem and
//! where it is, never panic, and never leave a partial output file behind.

use std::path::Path;

use crate::support::{Cli, Output, Workspace};

const POLICY: &str = "policy \"p\"\nroles admin\napprover \"a@example.com\" roles admin key \"ed25519:WxS2wFwZ/2OmFMeaJ+E250HCqshlnWuT+E0PltapeAA=\"\ndefault block \"default deny\"\nrule admins { when actor has role admin then require 1 approval from admin }\n";

fn hostile() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_input");
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap() != "README.md")
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

fn workspace() -> Workspace {
    let (_, ws) = Cli::new()
        .file("policies/main.gavel", POLICY)
        .args(["check"])
        .run();
    ws
}

/// Non-zero, no panic, and a first error line that says something.
fn refused(out: &Output, what: &str) {
    assert_ne!(
        out.code, 0,
        "{what}: accepted\n{}\n{}",
        out.stdout, out.stderr
    );
    assert!(
        !out.stderr.contains("panicked"),
        "{what}: panic\n{}",
        out.stderr
    );
    let first = out
        .stderr
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    assert!(
        first.starts_with("error"),
        "{what}: the first line is not an error: {first:?}\n{}",
        out.stderr
    );
}

#[test]
fn every_hostile_request_is_refused_or_judged_without_privilege() {
    let ws = workspace();
    for (name, bytes) in hostile() {
        ws.write(&name, &bytes);
        let out = ws.run([
            "eval",
            "--request",
            &name,
            "--format",
            "json",
            "--now",
            "2026-01-01T00:00:00Z",
        ]);
        assert!(
            !out.stderr.contains("panicked"),
            "{name}: panic\n{}",
            out.stderr
        );
        let json = out.json();
        assert_eq!(json["authorizes"], false, "{name}");
        if name == "lookalike_role.json" {
            // Valid request; `аdmin` (Cyrillic а) is not `admin`: no rule fires, default deny.
            out.code(3);
            assert!(json["fired"].is_null(), "{name}: {}", out.stdout);
            continue;
        }
        refused(&out, &name);
        assert_eq!(json["outcome"], "block", "{name}");
        assert!(
            json["input_error"]["message"].is_string(),
            "{name}: {}",
            out.stdout
        );
    }
}

#[test]
fn specific_requests_name_the_field_at_fault() {
    let ws = workspace();
    for (name, field) in [
        ("dotdot.json", "`files[0].path`"),
        ("absolute.json", "`files[0].path`"),
        ("nul_bytes.json", "`files[0].path`"),
        ("negative_count.json", "`files[0].added`"),
        ("number_out_of_range.json", "`files[0].added`"),
        ("float_count.json", "`files[0].added`"),
        ("duplicate_keys.json", "duplicate field `action`"),
        ("duplicate_attribute_keys.json", "duplicate key `x`"),
        // The field, as in JSON, without the parser library's advice to its caller
        // ("set DuplicateKeyPolicy in Options if acceptable").
        (
            "duplicate_keys.yaml",
            "error: `action`: duplicate key `action`",
        ),
        // Not "invalid length 0, expected struct Request with 14 elements".
        (
            "empty_list.json",
            "error: the request must be a JSON object or YAML mapping (`{\"action\": ..., \"actor\": ...}`), not a list",
        ),
        (
            "not_an_object.json",
            "must be a JSON object or YAML mapping",
        ),
        ("truncated.json", "EOF while parsing"),
        ("empty.json", "the request is empty"),
    ] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/bad_input")
            .join(name);
        ws.write(name, std::fs::read(path).unwrap());
        let out = ws.run(["eval", "--request", name, "--now", "2026-01-01T00:00:00Z"]);
        refused(&out, name);
        assert!(
            out.stderr.lines().next().unwrap().contains(field),
            "{name}: {}",
            out.stderr
        );
        assert!(
            !out.stderr.contains("Options") && !out.stderr.contains("struct Request"),
            "{name}: the message speaks to the library's caller: {}",
            out.stderr
        );
    }
}

#[test]
fn a_request_that_is_not_an_object_says_so_whatever_its_syntax() {
    let ws = workspace();
    for (text, kind) in [
        ("[]", "a list"),
        ("- a\n- b\n", "a list"),
        ("\"x\"", "a string"),
        ("42", "a number"),
        ("true", "a boolean"),
        ("null", "null or empty"),
        ("# nothing but a comment\n", "null or empty"),
    ] {
        let out = ws.run_stdin(
            ["eval", "--request", "-", "--now", "2026-01-01T00:00:00Z"],
            text.as_bytes(),
        );
        out.code(1);
        let first = out.stderr.lines().next().unwrap();
        assert!(
            first.starts_with("error: the request must be a JSON object or YAML mapping")
                && first.ends_with(&format!("not {kind}")),
            "{text:?}: {first}"
        );
    }
    // The library says the same through `Request::from_json`.
    let error = gavel::Request::from_json(b" [1]").unwrap_err();
    assert!(error.to_string().ends_with("not a list"), "{error}");
}

#[test]
fn every_hostile_file_is_refused_as_a_policy() {
    for (name, bytes) in hostile() {
        let (out, ws) = Cli::new()
            .file("policies/main.gavel", &bytes)
            .args(["check"])
            .run();
        if out.code == 0 {
            // A few hostile request files happen to be empty or comment-like policies; they
            // must then still lack a name, or be harmless.
            continue;
        }
        refused(&out, &name);
        assert!(
            out.stderr.contains("main.gavel"),
            "{name}: no file named\n{}",
            out.stderr
        );
        // `fmt` refuses what does not parse and leaves it untouched (an empty file parses).
        let fmt = ws.run(["fmt"]);
        assert!(!fmt.stderr.contains("panicked"), "{name}");
        if fmt.code != 0 {
            assert_eq!(
                std::fs::read(ws.path().join("policies/main.gavel")).unwrap(),
                bytes,
                "{name}: fmt changed it"
            );
        }
        let eval = ws.run(["eval", "--format", "json", "--now", "2026-01-01T00:00:00Z"]);
        assert_eq!(eval.code, 1, "{name}");
        assert_eq!(eval.json()["outcome"], "block", "{name}");
        assert_ne!(ws.run(["test"]).code, 0, "{name}: gavel test passed");
    }
    // Deeply nested and look-alike names specifically.
    for (name, needle) in [
        ("deeply_nested.gavel", "error[E0004]"),
        ("lookalike_role.gavel", "error[E0001]"),
    ] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/bad_input")
            .join(name);
        Cli::new()
            .file("policies/main.gavel", std::fs::read(path).unwrap())
            .args(["check"])
            .output()
            .code(1)
            .stderr_has(needle);
    }
}

#[test]
fn every_hostile_file_is_refused_as_a_signed_object_key_or_test_file() {
    let ws = workspace();
    ws.run(["keys", "new", "me", "--dir", "k"]).code(0);
    for (name, bytes) in hostile() {
        ws.write(&name, &bytes);
        refused(&ws.run(["verify", &name]), &format!("verify {name}"));
        let out = ws.run([
            "approve",
            &name,
            "--key",
            "k/me.key",
            "--as",
            "a@example.com",
            "--role",
            "admin",
            "--out",
            "out.json",
        ]);
        refused(&out, &format!("approve {name}"));
        assert!(
            !ws.path().join("out.json").exists(),
            "approve {name} left a file"
        );
        refused(&ws.run(["keys", "id", &name]), &format!("keys id {name}"));
        let out = ws.run([
            "license",
            "issue",
            "--tier",
            "t",
            "--org",
            "o",
            "--expires",
            "2030-01-01",
            "--key",
            &name,
            "--out",
            "lic.json",
        ]);
        refused(&out, &format!("license issue with {name}"));
        assert!(!ws.path().join("lic.json").exists());
        let out = ws.run([
            "eval",
            "--sign-key",
            &name,
            "--format",
            "json",
            "--now",
            "2026-01-01T00:00:00Z",
            "--actor",
            "x",
        ]);
        assert_eq!(out.json()["outcome"], "block", "--sign-key {name}");

        ws.write("policies/tests/hostile.yaml", &bytes);
        let out = ws.run(["test"]);
        assert_ne!(out.code, 0, "test {name}");
        assert!(!out.stderr.contains("panicked") && !out.stdout.contains("panicked"));
    }
}

#[test]
fn huge_inputs_are_refused_quickly() {
    let ws = workspace();
    // 33 MiB request.
    let mut big = br#"{"action":"deploy","actor":{"id":"a","kind":"human"}}"#.to_vec();
    big.resize(33 * 1024 * 1024, b' ');
    ws.write("big.json", &big);
    let out = ws.run(["eval", "--request", "big.json"]);
    refused(&out, "big.json");
    assert!(
        out.stderr.contains("more than the limit of 33554432"),
        "{}",
        out.stderr
    );
    // 10 MB of `(` as a policy.
    ws.write("policies/main.gavel", "(".repeat(10_000_000));
    let out = ws.run(["check"]);
    refused(&out, "10 MB of (");
    assert!(
        out.stderr.contains("more than the limit of 1048576"),
        "{}",
        out.stderr
    );
}

/// The audit commands: every hostile file as a log, a checkpoint, an audit key and an
/// actor's key. Each is refused (or, for `audit verify`, reported as not a log), and nothing
/// is written: the hostile file is unchanged, the real log gains no record.
#[test]
fn every_hostile_file_is_refused_by_the_audit_commands() {
    let (out, ws) = Cli::new().args(["init", "--as", "ops@example.com"]).run();
    out.code(0);
    ws.write(
        "policies/main.gavel",
        ws.read("policies/main.gavel") + "override by admin\n",
    );
    ws.run(["audit", "note", "a real record"]).code(0);
    ws.run(["keys", "new", "me", "--dir", "k"]).code(0);
    ws.write(
        "r.json",
        r#"{"action":"deploy","environment":"dev","actor":{"id":"a","kind":"human"}}"#,
    );
    let real_log = ws.read(".gavel/audit.jsonl");
    for (name, bytes) in hostile() {
        ws.write(&name, &bytes);
        // As a log.
        for args in [
            vec!["audit", "tail", "--log", &name],
            vec!["audit", "show", "1", "--log", &name],
            vec!["audit", "pending", "--log", &name],
            vec!["audit", "report", "--log", &name],
            vec!["audit", "repair", "--log", &name],
            vec![
                "audit",
                "checkpoint",
                "--key",
                "k/me.key",
                "--log",
                &name,
                "--out",
                "cp.json",
            ],
        ] {
            let out = ws.run(args.clone());
            refused(&out, &format!("{} with {name}", args.join(" ")));
        }
        let out = ws.run(["audit", "verify", "--log", &name]);
        assert_ne!(out.code, 0, "audit verify {name}: accepted");
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
        assert!(
            out.stderr.starts_with("error: ") || out.stdout.starts_with("TAMPERED: "),
            "audit verify {name}: {}{}",
            out.stdout,
            out.stderr
        );
        assert_eq!(
            std::fs::read(ws.path().join(&name)).unwrap(),
            bytes,
            "a command changed the hostile file {name}"
        );
        assert!(
            !ws.path().join("cp.json").exists(),
            "checkpoint {name} left a file"
        );

        // As a checkpoint, an audit key, and the key of whoever halts or overrides.
        refused(
            &ws.run(["audit", "verify", "--checkpoint", &name]),
            &format!("--checkpoint {name}"),
        );
        refused(
            &ws.run(["audit", "note", "x", "--audit-key", &name]),
            &format!("--audit-key {name}"),
        );
        refused(
            &ws.run([
                "halt",
                "--reason",
                "r",
                "--key",
                &name,
                "--as",
                "ops@example.com",
            ]),
            &format!("halt --key {name}"),
        );
        refused(
            &ws.run([
                "override",
                "--request",
                "r.json",
                "--reason",
                "r",
                "--key",
                &name,
                "--as",
                "ops@example.com",
            ]),
            &format!("override --key {name}"),
        );
        refused(
            &ws.run([
                "override",
                "--request",
                &name,
                "--reason",
                "r",
                "--key",
                ".gavel/keys/ops.key",
                "--as",
                "ops@example.com",
            ]),
            &format!("override --request {name}"),
        );
        if bytes.is_empty() {
            // An empty file is where a new log starts: writing to it is what `--log` asks.
            continue;
        }
        // As the log to append to: refused, and the decision `eval` would record blocks.
        refused(
            &ws.run(["audit", "note", "x", "--log", &name]),
            &format!("note --log {name}"),
        );
        let out = ws.run([
            "eval",
            "--request",
            "r.json",
            "--audit-log",
            &name,
            "--format",
            "json",
            "--now",
            "2026-01-01T00:00:00Z",
        ]);
        assert_eq!(out.json()["outcome"], "block", "eval --audit-log {name}");
        assert_eq!(
            std::fs::read(ws.path().join(&name)).unwrap(),
            bytes,
            "eval changed {name}"
        );
    }
    assert_eq!(
        ws.read(".gavel/audit.jsonl"),
        real_log,
        "the real log changed"
    );
    ws.run(["audit", "verify"]).code(0);
}

#[test]
fn a_count_out_of_range_is_named_in_the_requests_terms() {
    let json = br#"{"action":"apply_patch","actor":{"id":"a","kind":"agent"},"files":[{"path":"a.md","added":18446744073709551616}]}"#;
    let yaml = b"action: apply_patch\nactor: {id: a, kind: agent}\nfiles:\n  - {path: a.md, removed: -1}\n";
    for (error, value) in [
        (
            gavel::Request::from_json(json).unwrap_err(),
            "18446744073709552000 lines, more than the limit of 1000000000",
        ),
        (
            gavel::Request::from_yaml(yaml).unwrap_err(),
            "-1 is negative; a count is a whole number from 0 to 1000000000",
        ),
    ] {
        let message = error.to_string();
        assert!(message.contains(value), "{message}");
        assert!(!message.contains("u64"), "{message}");
    }
}

/// A text flag whose value is not UTF-8 is named, with its bytes escaped; a path flag may be
/// any bytes and is not blamed. clap alone says only "invalid UTF-8 was detected in one or
/// more arguments".
#[cfg(unix)]
#[test]
fn a_text_flag_that_is_not_utf8_is_named() {
    use std::os::unix::ffi::OsStrExt;
    let ws = workspace();
    let os = |bytes: &[u8]| std::ffi::OsStr::from_bytes(bytes).to_os_string();
    for (args, expected) in [
        (
            vec![os(b"eval"), os(b"--actor"), os(b"a\xffb")],
            "error: the value of `--actor` is not valid UTF-8: `a\\xffb`",
        ),
        (
            vec![
                os(b"eval"),
                os(b"--policies=/tmp/\xfe"),
                os(b"--attr=k=\x1b\xff"),
            ],
            "error: the value of `--attr` is not valid UTF-8: `k=\\x1b\\xff`",
        ),
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_gavel"))
            .current_dir(ws.path())
            .args(&args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.starts_with(expected), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(out.stdout.is_empty());
    }
}
