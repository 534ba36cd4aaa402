//! `gavel init` then `check` and `test`.

use crate::support::Cli;

#[test]
fn init_then_check_and_test_pass_cleanly() {
    let (out, ws) = Cli::new().args(["init", "--as", "alice@example.com"]).run();
    out.code(0).stdout_has("created ./policies/main.gavel");
    let check = ws.run(["check"]);
    check.code(0).stderr_has("policy `starter` ok");
    assert!(!check.stderr.contains("warning"), "{}", check.stderr);
    ws.run(["test"]).code(0).stdout_has("4 passed, 0 failed");
    let policy = ws.read("policies/main.gavel");
    assert!(policy.contains("approver \"alice@example.com\" roles admin, reviewer key \"ed25519:"));
    let audit_key = ws.read(".gavel/audit.key");
    assert_eq!(audit_key.trim().len(), 64);
    assert!(
        out.stdout.contains("created ./.gavel/audit.key"),
        "{}",
        out.stdout
    );
    let key = ws.read(".gavel/keys/alice.key");
    assert!(key.starts_with("-----BEGIN GAVEL ED25519 PRIVATE KEY-----"));
    // The private key never appears in output.
    let body = key.lines().nth(1).unwrap();
    assert!(!out.stdout.contains(body) && !out.stderr.contains(body));
}

#[test]
fn init_refuses_to_overwrite_an_existing_policy() {
    Cli::new()
        .file("policies/main.gavel", "policy \"mine\"\n")
        .args(["init"])
        .output()
        .code(1)
        .stderr_has("already exists and is not empty; refusing to overwrite a policy");
}

#[test]
fn a_fresh_scaffold_is_already_canonical() {
    // `within 24h` used to be written and then rewritten by `fmt` to `within 1d`: a fresh
    // repository failed its own `gavel fmt --check` in CI.
    let (out, ws) = Cli::new().args(["init", "--as", "alice@example.com"]).run();
    out.code(0);
    let fmt = ws.run(["fmt", "--check"]);
    fmt.code(0);
    assert!(
        fmt.stdout.is_empty() && !fmt.stderr.contains("reformatted"),
        "{fmt:?}"
    );
    ws.run(["check"]).code(0);
    ws.run(["test"]).code(0).stdout_has("4 passed, 0 failed");
    // An id long enough to make the `approver` line wide is still canonical.
    let (out, ws) = Cli::new()
        .args(["init", "--as", &format!("{}@example.com", "x".repeat(150))])
        .run();
    out.code(0);
    ws.run(["fmt", "--check"]).code(0);
}

/// Runs `gavel init` with no git identity and `$USER` set to `user`.
fn init_without_git_identity(
    user: &str,
    extra: &[&str],
) -> (crate::support::Output, crate::support::Workspace) {
    let cli = Cli::new();
    let home = cli.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let home = home.to_string_lossy().into_owned();
    cli.env("HOME", &home)
        .env("XDG_CONFIG_HOME", &home)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("USER", user)
        .args(["init"])
        .args(extra)
        .run()
}

#[test]
fn init_never_writes_an_empty_approver_id() {
    // `USER` set but empty, no git email: this used to write `approver "" ...`.
    let (out, ws) = init_without_git_identity("", &[]);
    out.code(1).stderr_has(
        "error: no approver id: git `user.email` and `$USER` are both unset or empty; pass your id with `--as ID`",
    );
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert!(!ws.path().join("policies").exists(), "nothing is written");
    // `$USER` is used when git has no email.
    let (out, ws) = init_without_git_identity("carol", &[]);
    out.code(0);
    assert!(
        ws.read("policies/main.gavel")
            .contains("approver \"carol\" roles")
    );
    // An explicit empty or blank id is refused too.
    for blank in ["", "   "] {
        let (out, _) = init_without_git_identity("carol", &["--as", blank]);
        out.code(1)
            .stderr_has("error: the approver id is empty; pass a non-empty id with `--as ID`");
    }
}

#[test]
fn init_writes_the_approver_id_faithfully_or_refuses_it() {
    // A quote used to be dropped silently (`a"b` became `ab`); it is now escaped, and the
    // policy declares exactly the id given.
    let (out, ws) = Cli::new().args(["init", "--as", r#"a"b\c"#]).run();
    out.code(0);
    assert!(
        ws.read("policies/main.gavel")
            .contains(r#"approver "a\"b\\c" roles admin, reviewer key"#),
        "{}",
        ws.read("policies/main.gavel")
    );
    ws.run(["check"]).code(0);
    ws.run(["fmt", "--check"]).code(0);
    let policy = gavel::Policy::load(ws.path().join("policies")).unwrap();
    assert_eq!(policy.checked().approvers[0].id, r#"a"b\c"#);
    // A control character cannot be written on the `approver` line: refused in one line.
    // Nor anything else `gavel check` refuses in an approver id (found by QA: init wrote
    // a zero-width space, and the policy it made failed every check).
    for (id, says) in [
        (
            "a\nb",
            "error: the approver id `a\\nb` contains a control character (U+000A); an approver id is one line of visible text",
        ),
        (
            "a\u{200b}b",
            "error: the approver id `a\\u{200b}b` contains an invisible character (U+200B)",
        ),
        (
            "a\u{202e}b",
            "error: the approver id `a\\u{202e}b` contains a bidirectional control (U+202E)",
        ),
        (
            " alice",
            "error: the approver id ` alice` starts or ends with whitespace",
        ),
    ] {
        let (out, ws) = Cli::new().args(["init", "--as", id]).run();
        out.code(1).stderr_has(says);
        assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
        assert!(!ws.path().join("policies").exists());
    }
    // A very long id is written whole, its key file named by a part of it.
    let long = "a".repeat(70_000);
    let (out, ws) = Cli::new().args(["init", "--as", &long]).run();
    out.code(0);
    assert!(
        ws.path()
            .join(format!(".gavel/keys/{}.key", "a".repeat(64)))
            .exists()
    );
    ws.run(["check"]).code(0);
}

/// An audit key already in place is kept when it is usable and said to be; a broken one
/// stops `init` before it writes anything (found by QA: kept in silence, it made every
/// later decision block).
#[test]
fn init_keeps_a_usable_audit_key_and_refuses_a_broken_one() {
    let (out, ws) = Cli::new()
        .file(".gavel/audit.key", "not hex\n")
        .args(["init", "--as", "alice@example.com"])
        .run();
    out.code(1).stderr_has(
        "`gavel init` keeps an existing audit key and this one is not usable: fix it, or move it away",
    );
    assert!(!ws.path().join("policies").exists());
    assert!(!ws.path().join(".gavel/keys").exists());
    std::fs::remove_file(ws.path().join(".gavel/audit.key")).unwrap();
    ws.run(["audit", "init-key"]).code(0);
    let key = ws.read(".gavel/audit.key");
    let out = ws.run(["init", "--as", "alice@example.com"]);
    out.code(0).stdout_has("kept ./.gavel/audit.key");
    assert_eq!(ws.read(".gavel/audit.key"), key);
}
