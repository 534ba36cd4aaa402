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
