//! `gavel approve` and `gavel reject` record `approval` records, by the same rule as
//! `gavel eval` records decisions, and never leave a credential that was not recorded.

use crate::support::{Cli, Output, Workspace};

const NOW: &str = "2026-04-01T09:00:00Z";

/// Keys for alice and bob (approvers) and the decision signer, a policy declaring them, a
/// pending decision in `decision.json` and, with `audit`, an audit key (the decision is
/// then recorded at seq 1).
fn setup(audit: bool) -> Workspace {
    let (out, ws) = Cli::new()
        .args(["keys", "new", "alice", "--dir", "keys"])
        .run();
    out.code(0);
    ws.run(["keys", "new", "bob", "--dir", "keys"]).code(0);
    ws.run(["keys", "new", "signing"]).code(0);
    if audit {
        ws.run(["audit", "init-key"]).code(0);
    }
    let key = |name: &str| ws.read(&format!("keys/{name}.pub")).trim().to_string();
    ws.write(
        "policies/main.gavel",
        format!(
            r#"policy "releases"
environments dev -> prod
roles admin, lead
approver "alice@example.com" roles admin key "{}"
approver "bob@example.com" roles lead key "{}"
signer "ci" key "{}"
default require 1 approval from admin, lead within 4h
"#,
            key("alice"),
            key("bob"),
            ws.read(".gavel/keys/signing.pub").trim()
        ),
    );
    ws.write(
        "req.json",
        format!(
            r#"{{"action":"deploy","environment":"prod","actor":{{"id":"carol@example.com","kind":"human"}},"requested_at":"{NOW}"}}"#
        ),
    );
    let out = ws.run([
        "eval",
        "--request",
        "req.json",
        "--now",
        NOW,
        "--format",
        "json",
    ]);
    out.code(2);
    ws.write("decision.json", &out.stdout);
    ws
}

fn approve(ws: &Workspace, extra: &[&str]) -> Output {
    let mut args = vec![
        "approve",
        "decision.json",
        "--key",
        "keys/alice.key",
        "--as",
        "alice@example.com",
        "--role",
        "admin",
        "--now",
        "2026-04-01T09:30:00Z",
    ];
    args.extend_from_slice(extra);
    ws.run(args)
}

fn reject(ws: &Workspace, extra: &[&str]) -> Output {
    let mut args = vec![
        "reject",
        "decision.json",
        "--key",
        "keys/bob.key",
        "--as",
        "bob@example.com",
        "--role",
        "lead",
        "--reason",
        "the migration is not reversible",
        "--now",
        "2026-04-01T09:40:00Z",
    ];
    args.extend_from_slice(extra);
    ws.run(args)
}

fn records(ws: &Workspace) -> Vec<serde_json::Value> {
    ws.read(".gavel/audit.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Files in the workspace's top directory (a temporary credential must not linger).
fn names(ws: &Workspace) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(ws.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn one_line_error(out: &Output, needle: &str) {
    out.code(1).stderr_has(needle);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert!(out.stderr.starts_with("error: "), "{}", out.stderr);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
}

/// Regression: no `approval` record was ever written.
#[test]
fn approve_and_reject_append_the_credential_as_an_approval_record() {
    let ws = setup(true);
    assert_eq!(records(&ws).len(), 2, "genesis and the decision");
    approve(&ws, &["--out", "alice.json", "--note", "lgtm"])
        .code(0)
        .stderr_has("to alice.json (recorded in the audit log at seq 2)");
    let bob = reject(&ws, &[]);
    bob.code(0)
        .stderr_has("rejection credential ")
        .stderr_has("(recorded in the audit log at seq 3)");
    let log = records(&ws);
    assert_eq!(log.len(), 4);
    assert_eq!(log[2]["kind"], "approval");
    assert_eq!(log[3]["kind"], "approval");
    // The body is the credential exactly as written.
    let alice: serde_json::Value = serde_json::from_str(&ws.read("alice.json")).unwrap();
    assert_eq!(log[2]["body"], alice);
    assert_eq!(log[3]["body"], bob.json());
    assert_eq!(log[3]["body"]["verdict"], "reject");
    // Each record is signed by its approver, so verifying against the policy's keys
    // attributes it.
    assert_eq!(log[2]["signed_by"], log[2]["body"]["signature"]["key_id"]);
    assert_eq!(log[3]["signed_by"], log[3]["body"]["signature"]["key_id"]);
    ws.run(["audit", "verify", "--policies", "policies"])
        .code(0);

    ws.run(["audit", "verify"]).code(0);
    ws.run(["audit", "tail", "-n", "2"])
        .code(0)
        .stdout_has("approval  approve by alice@example.com (admin) of request ")
        .stdout_has(" in prod: lgtm")
        .stdout_has("approval  reject by bob@example.com (lead) of request ")
        .stdout_has(" in prod: the migration is not reversible");
    ws.run(["audit", "show", "2"])
        .code(0)
        .stdout_has("#2  ")
        .stdout_has("approve by alice@example.com (admin)");

    // The report counts them per approver, though no decision has counted them yet.
    let report = ws.run(["audit", "report", "--format", "json"]);
    report.code(0);
    let r = report.json();
    assert_eq!(
        r["approvals"]["per_approver"]["alice@example.com"]["approvals"],
        1
    );
    assert_eq!(
        r["approvals"]["per_approver"]["bob@example.com"]["rejections"],
        1
    );
    // Counted again by a decision, a credential is still one verdict.
    ws.run([
        "eval",
        "--request",
        "req.json",
        "--now",
        "2026-04-01T10:00:00Z",
        "--approval",
        "alice.json",
    ])
    .code(0);
    let r = ws.run(["audit", "report", "--format", "json"]).json();
    assert_eq!(
        r["approvals"]["per_approver"]["alice@example.com"]["approvals"],
        1
    );
    assert_eq!(r["approvals"]["approved"], 1);
}

#[test]
fn the_log_is_used_by_the_same_rule_as_eval() {
    // No log set up: the credential is written, with a note that it is not recorded, and
    // no log is created.
    let ws = setup(false);
    approve(&ws, &["--out", "alice.json"])
        .code(0)
        .stderr_has("note: this approval is not recorded: no audit log is set up");
    assert!(ws.path().join("alice.json").exists());
    assert!(!ws.path().join(".gavel/audit.jsonl").exists());
    // --require-audit refuses instead, writing nothing.
    let out = approve(&ws, &["--out", "required.json", "--require-audit"]);
    one_line_error(
        &out,
        "error: cannot record the approval in the audit log: no audit key",
    );
    out.stderr_has("no credential was written");
    assert!(!ws.path().join("required.json").exists());
    // --audit-log and --audit-key name the log, as for eval.
    ws.write("other.key", super::key_hex(7));
    approve(
        &ws,
        &[
            "--out",
            "other.json",
            "--audit-log",
            "other.jsonl",
            "--audit-key",
            "other.key",
        ],
    )
    .code(0)
    .stderr_has("(recorded in the audit log at seq 1)");
    assert!(ws.read("other.jsonl").contains("\"kind\":\"approval\""));

    // With a key, --no-audit records nothing and says nothing about it.
    let ws = setup(true);
    let before = ws.read(".gavel/audit.jsonl");
    let out = approve(&ws, &["--no-audit"]);
    out.code(0);
    assert!(!out.stderr.contains("not recorded"), "{}", out.stderr);
    assert_eq!(ws.read(".gavel/audit.jsonl"), before);
    // GAVEL_AUDIT_KEY alone sets the log up, as for eval.
    let ws = setup(false);
    let out = ws.run_env(
        [
            "approve",
            "decision.json",
            "--key",
            "keys/alice.key",
            "--as",
            "alice@example.com",
            "--role",
            "admin",
        ],
        &[("GAVEL_AUDIT_KEY", &super::key_hex(9))],
    );
    out.code(0)
        .stderr_has("(recorded in the audit log at seq 1)");
    assert!(
        ws.read(".gavel/audit.jsonl")
            .contains("\"kind\":\"approval\"")
    );
}

/// A credential whose record cannot be stored is not written: the append fails after the
/// credential was staged, and the staged file goes.
#[test]
fn a_failed_append_leaves_no_credential() {
    let ws = setup(true);
    // A writer crashed mid-append: the log opens, the append is refused.
    let log = ws.path().join(".gavel/audit.jsonl");
    let mut bytes = std::fs::read(&log).unwrap();
    bytes.extend_from_slice(b"{\"at\":\"2026-");
    std::fs::write(&log, &bytes).unwrap();
    let before = names(&ws);
    let out = approve(&ws, &["--out", "alice.json"]);
    one_line_error(&out, "error: cannot record the approval in the audit log: ");
    out.stderr_has("incomplete record")
        .stderr_has("no credential was written");
    assert_eq!(names(&ws), before, "a file was left behind");
    assert_eq!(std::fs::read(&log).unwrap(), bytes);
    // To stdout: nothing printed either.
    one_line_error(
        &reject(&ws, &[]),
        "error: cannot record the rejection in the audit log: ",
    );

    // A log that does not verify is refused before anything is signed.
    ws.run(["audit", "repair"]).code(0);
    let text = ws.read(".gavel/audit.jsonl").replacen("prod", "dev", 1);
    ws.write(".gavel/audit.jsonl", text);
    let out = approve(&ws, &["--out", "alice.json"]);
    one_line_error(
        &out,
        "error: cannot record the approval in the audit log: the audit log does not verify",
    );
    assert!(!ws.path().join("alice.json").exists());
}
