//! `gavel halt`, `resume`, `approve-resume` and `override` end to end.

use std::path::Path;

use gavel::audit::{AuditLog, KeyRing, RecordKind};
use gavel::keys::PrivateKey;

use super::{gavel, key, keyed_dir, text};

fn private(seed: u8) -> PrivateKey {
    PrivateKey::from_seed(&[seed; 32])
}

fn public(seed: u8) -> String {
    private(seed).public_key().to_gavel_string()
}

/// alice: admin; bob: security_lead; carol: tech_lead; dave: security_lead agent.
fn workspace() -> tempfile::TempDir {
    let dir = keyed_dir();
    let policy = format!(
        r#"policy "ops"
environments dev -> prod
roles admin, tech_lead, security_lead
approver "alice" roles admin key "{}"
approver "bob" roles security_lead key "{}"
approver "carol" roles tech_lead key "{}"
approver "dave" roles security_lead agent key "{}"
default require 1 approval from admin within 1h
halt {{
  by admin, tech_lead
  resume by admin
  resume require 1 approval from security_lead humans_only
}}
override by admin
"#,
        public(1),
        public(2),
        public(3),
        public(4)
    );
    std::fs::create_dir_all(dir.path().join("policies")).unwrap();
    std::fs::write(dir.path().join("policies/main.gavel"), policy).unwrap();
    for (name, seed) in [("alice", 1), ("bob", 2), ("carol", 3), ("dave", 4)] {
        std::fs::write(
            dir.path().join(format!("{name}.key")),
            private(seed).to_file_text().as_bytes(),
        )
        .unwrap();
    }
    std::fs::write(
        dir.path().join("req.json"),
        r#"{"action":"deploy","environment":"prod","actor":{"id":"erin","kind":"human"}}"#,
    )
    .unwrap();
    dir
}

/// `run` as approver `who`, signing with `who.key`.
fn run_as(dir: &Path, who: &str, args: &[&str]) -> (i32, String, String) {
    let key = format!("{who}.key");
    let mut args = args.to_vec();
    args.extend(["--key", &key, "--as", who]);
    run(dir, &args)
}

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = gavel(dir, args);
    (
        out.status.code().unwrap_or(-1),
        text(&out.stdout),
        text(&out.stderr),
    )
}

/// Bob (security_lead) signs an approval to lift the halt in force, into `bob.json`; it must
/// succeed.
fn bob_approves_resuming(d: &Path) {
    let (code, _, err) = run_as(d, "bob", &["approve-resume", "--out", "bob.json"]);
    assert_eq!(code, 0, "{err}");
}

/// Carol (tech_lead, who may halt) halts with `reason`; it must succeed.
fn carol_halts(d: &Path, reason: &str) {
    let (code, _, err) = run_as(d, "carol", &["halt", "--reason", reason]);
    assert_eq!(code, 0, "{err}");
}

fn log(dir: &Path) -> AuditLog {
    AuditLog::open(dir.join(".gavel/audit.jsonl"), KeyRing::new(key(1))).unwrap()
}

#[test]
fn halt_and_resume_with_required_approvals() {
    let dir = workspace();
    let d = dir.path();
    let (code, out, err) = run_as(d, "carol", &["halt", "--reason", "incident 42"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("HALTED at seq 1 by carol (tech_lead)"),
        "{out}"
    );
    let halt = log(d).halt_state().unwrap().unwrap();
    assert_eq!(
        (halt.by.as_str(), halt.reason.as_str()),
        ("carol", "incident 42")
    );

    // A second halt, a role that may not halt, someone else's key.
    let (code, _, err) = run_as(d, "alice", &["halt", "--reason", "again"]);
    assert_eq!(code, 1);
    assert!(err.contains("already halted since seq 1 by carol"), "{err}");
    let (code, _, err) = run(
        d,
        &["halt", "--reason", "x", "--key", "bob.key", "--as", "bob"],
    );
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "error: `bob` (roles security_lead) may not halt: the policy allows admin, tech_lead\n"
    );
    let (code, _, err) = run(
        d,
        &["halt", "--reason", "x", "--key", "bob.key", "--as", "alice"],
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("is not `alice`'s key: the policy declares"),
        "{err}"
    );

    // carol may halt but not resume; alice may resume but needs a security lead's approval.
    let (code, _, err) = run_as(d, "carol", &["resume", "--reason", "fixed"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("`carol` (roles tech_lead) may not resume"),
        "{err}"
    );
    let (code, _, err) = run_as(d, "alice", &["resume", "--reason", "fixed"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("resuming needs 1 approval from security_lead, humans only; 0 counted"),
        "{err}"
    );

    // An agent's approval does not count toward a humans-only gate.
    let (code, _, err) = run_as(d, "dave", &["approve-resume", "--out", "dave.json"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run_as(
        d,
        "alice",
        &["resume", "--reason", "fixed", "--approval", "dave.json"],
    );
    assert_eq!(code, 1);
    assert!(err.contains("dave: an agent may not approve"), "{err}");

    // carol holds no security_lead role: she cannot even sign one.
    let (code, _, err) = run(
        d,
        &["approve-resume", "--key", "carol.key", "--as", "carol"],
    );
    assert_eq!(code, 1);
    assert!(err.contains("may not approve a resume"), "{err}");

    let (code, _, err) = run_as(
        d,
        "bob",
        &[
            "approve-resume",
            "--note",
            "root cause fixed",
            "--out",
            "bob.json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    // The approver is shown the halt they approve lifting, in full.
    assert!(err.contains("the halt at seq 1: by carol at "), "{err}");
    assert!(err.contains(": incident 42"), "{err}");
    let (code, out, err) = run_as(
        d,
        "alice",
        &[
            "resume",
            "--reason",
            "fixed",
            "--approval",
            "bob.json",
            "--approval",
            "dave.json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("RESUMED at seq 2 by alice (admin)"),
        "{out}"
    );
    assert_eq!(log(d).halt_state().unwrap(), None);
    // A log opened without the policy cannot check the resume: for its decisions the halt
    // stays in force, saying why.
    let request = gavel::Request::from_json(&std::fs::read(d.join("req.json")).unwrap()).unwrap();
    let mut context = gavel::Context::at(jiff::Timestamp::now());
    log(d).fill_context(&mut context, &request, &[]).unwrap();
    let still = context.halt.expect("the halt stays in force");
    assert!(
        still.reason.starts_with("incident 42 (still in force: the resume at seq 2 does not count: the audit log was opened without the policy"),
        "{}",
        still.reason
    );
    let policy = gavel::Policy::load(d.join("policies")).unwrap();
    let mut context = gavel::Context::at(jiff::Timestamp::now());
    log(d)
        .with_policy(&policy)
        .fill_context(&mut context, &request, &[])
        .unwrap();
    assert_eq!(context.halt, None);
    // Decisions see the halt lifted: the resume is checked against the policy again (its
    // signature, alice's role, bob's approval) and passes.
    let (code, out, err) = run(
        d,
        &[
            "eval",
            "--request",
            "req.json",
            "--format",
            "json",
            "--no-audit",
        ],
    );
    assert_eq!(code, 2, "{out}{err}");
    assert!(!out.contains("\"halt\""), "{out}");

    // An approval binds to one halt: it does not lift the next one.
    let (code, _, err) = run_as(d, "alice", &["halt", "--reason", "incident 43"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run_as(
        d,
        "alice",
        &["resume", "--reason", "again", "--approval", "bob.json"],
    );
    assert_eq!(code, 1);
    assert!(err.contains("not the halt in force (seq 3)"), "{err}");

    let (code, out, _) = run(d, &["audit", "verify", "--policies", "policies"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("3 verified with trusted keys"), "{out}");
    let (_, tail, _) = run(d, &["audit", "tail"]);
    assert!(
        tail.contains("!!! HALT by carol (tech_lead): incident 42"),
        "{tail}"
    );
    assert!(
        tail.contains("resume of the halt at seq 1 by alice (admin): fixed (approved by bob)"),
        "{tail}"
    );
    // The report reads records as written and says so (found by QA: "resumed" for a resume
    // decisions refused).
    let (_, report, _) = run(d, &["audit", "report"]);
    assert!(
        report.contains("resume recorded at seq 2 at ")
            && report.contains("(whether it counts is checked against the policy when deciding)"),
        "{report}"
    );
}

#[test]
fn override_is_signed_single_use_and_loud() {
    let dir = workspace();
    let d = dir.path();
    let (code, _, err) = run_as(
        d,
        "carol",
        &["override", "--request", "req.json", "--reason", "hotfix"],
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("may not break glass (override): the policy allows admin"),
        "{err}"
    );
    // Found by QA: an override that expires as it is recorded was announced and recorded,
    // and could never be used. Refused, with nothing written; a bad duration is refused
    // on one line, escaped.
    let before = std::fs::read(d.join(".gavel/audit.jsonl")).unwrap_or_default();
    for (expires, says) in [
        (
            "0s",
            "--expires 0s: the override would expire as it is recorded",
        ),
        ("a\nerror: forged", "`a\\nerror: forged` is not a duration"),
    ] {
        let (code, _, err) = run_as(
            d,
            "alice",
            &[
                "override",
                "--request",
                "req.json",
                "--reason",
                "hotfix",
                "--expires",
                expires,
            ],
        );
        assert_ne!(code, 0, "{expires}");
        assert!(err.contains(says), "{expires}: {err}");
        assert!(!err.contains("\nerror: forged"), "{expires}: {err}");
    }
    assert_eq!(
        std::fs::read(d.join(".gavel/audit.jsonl")).unwrap_or_default(),
        before
    );
    // Blank, or only characters that show nothing.
    for reason in ["  ", "\u{2800}", "\u{200b}\u{200b}"] {
        let (code, _, err) = run_as(
            d,
            "alice",
            &["override", "--request", "req.json", "--reason", reason],
        );
        assert_eq!(code, 1, "{reason:?}");
        assert!(err.contains("a reason is required"), "{err}");
    }
    let (code, out, err) = run_as(
        d,
        "alice",
        &[
            "override",
            "--request",
            "req.json",
            "--reason",
            "prod is down",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with(
            "!!! BREAK-GLASS OVERRIDE recorded at seq 1 by alice (admin): prod is down"
        ),
        "{out}"
    );

    // The decision that uses it proceeds once; the log refuses a second use.
    let policy = gavel::Policy::load(d.join("policies")).unwrap();
    let request = gavel::Request::from_json(&std::fs::read(d.join("req.json")).unwrap()).unwrap();
    let digest = gavel::request::request_digest(&request);
    let now = jiff::Timestamp::now();
    // A log opened without the policy cannot check who recorded the override: it does
    // not count (fail closed), and the decision says how to open the log instead.
    let unchecked = log(d);
    let mut context = gavel::Context::at(now);
    unchecked.fill_context(&mut context, &request, &[]).unwrap();
    assert_eq!(context.override_, None);
    let decision = policy.decide(&request, &context);
    assert!(!decision.authorizes, "{}", decision.summary);
    let ignored = &decision.ignored_approvals;
    assert_eq!(ignored.len(), 1, "{ignored:?}");
    assert_eq!(ignored[0].kind, "override_not_signed");
    assert!(
        ignored[0].reason.contains("opened without the policy")
            && ignored[0].reason.contains("AuditLog::with_policy"),
        "{}",
        ignored[0].reason
    );
    let log = log(d).with_policy(&policy);
    let ov = log
        .override_for(&digest, now)
        .unwrap()
        .expect("an unused override");
    assert_eq!(
        (ov.by.as_str(), ov.reason.as_str()),
        ("alice", "prod is down")
    );
    let mut context = gavel::Context::at(now);
    log.fill_context(&mut context, &request, &[]).unwrap();
    let decision = policy.decide(&request, &context);
    assert!(decision.authorizes, "{}", decision.summary);
    assert!(
        decision.summary.starts_with("OVERRIDDEN by alice (admin)"),
        "{}",
        decision.summary
    );
    log.append_decision(&decision).unwrap();
    assert_eq!(log.override_for(&digest, now).unwrap(), None);
    let again = log.append_decision(&decision).unwrap_err();
    assert!(
        again.to_string().contains("was already used by seq 2"),
        "{again}"
    );

    let (_, report, _) = run(d, &["audit", "report"]);
    assert!(
        report.contains("**OVERRIDE** seq 1")
            && report.contains("prod is down")
            && report.contains("used by seq 2"),
        "{report}"
    );
}

/// Regression: an override of a request the policy refuses as malformed (here a `..` path
/// and an undeclared environment) was recorded, a promise no decision could keep.
#[test]
fn a_malformed_request_cannot_be_overridden() {
    let dir = workspace();
    let d = dir.path();
    for (request, needle) in [
        (
            r#"{"action":"apply_patch","environment":"dev","actor":{"id":"erin","kind":"human"},"files":[{"path":"../etc/passwd"}]}"#,
            "files[0].path",
        ),
        (
            r#"{"action":"deploy","environment":"qa","actor":{"id":"erin","kind":"human"}}"#,
            "environment `qa` is not declared",
        ),
    ] {
        std::fs::write(d.join("bad.json"), request).unwrap();
        let (code, _, err) = run_as(
            d,
            "alice",
            &["override", "--request", "bad.json", "--reason", "hotfix"],
        );
        assert_eq!(code, 1, "{err}");
        assert!(err.contains(needle), "{err}");
        assert!(
            err.contains("a malformed request cannot be overridden"),
            "{err}"
        );
    }
    assert!(
        log(d)
            .iter()
            .unwrap()
            .all(|r| r.unwrap().kind != RecordKind::Override)
    );
}

#[test]
fn a_directory_of_policies_is_one_line_for_every_policy_command() {
    let dir = workspace();
    let d = dir.path();
    std::fs::create_dir_all(d.join("collection/ops")).unwrap();
    std::fs::copy(
        d.join("policies/main.gavel"),
        d.join("collection/ops/main.gavel"),
    )
    .unwrap();
    for args in [
        &[
            "halt",
            "--reason",
            "r",
            "--key",
            "alice.key",
            "--as",
            "alice",
        ][..],
        &[
            "resume",
            "--reason",
            "r",
            "--key",
            "alice.key",
            "--as",
            "alice",
        ],
    ] {
        let mut args = args.to_vec();
        args.extend(["--policies", "collection"]);
        let (code, _, err) = run(d, &args);
        assert_eq!(code, 1, "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(
            err.starts_with("error: `collection` has no .gavel files; it holds the policy ops"),
            "{args:?}: {err}"
        );
    }
    let (code, _, err) = run_as(d, "alice", &["halt", "--reason", "r"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(d, &["audit", "verify", "--policies", "collection"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("`collection` has no .gavel files"), "{err}");
    assert!(!err.contains("-->"), "{err}");
}

/// Found by QA: text from the log — a halt's reason, a note, a request's actor — reached the
/// terminal raw through `halt`, `audit tail`, `audit pending` and `audit report`, so a
/// newline in it forged a line of the listing and an escape sequence went to the terminal.
/// Each shows it escaped, on one line.
#[test]
fn text_from_the_log_is_shown_escaped_on_one_line() {
    let dir = workspace();
    let d = dir.path();
    let forged = "disk full\n#9  2026-12-07T12:00:00Z  resume    RESUMED\u{1b}[2J";
    let shown = "disk full\\n#9  2026-12-07T12:00:00Z  resume    RESUMED\\u{1b}[2J";
    let (code, out, err) = run_as(d, "carol", &["halt", "--reason", forged]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(shown), "{out}");
    std::fs::write(
        d.join("inj.json"),
        r#"{"action":"deploy","environment":"prod","actor":{"id":"erin\n#7  forged  decision  auto_approve\u001b[8m","kind":"human"}}"#,
    )
    .unwrap();
    // Refused (the actor id holds control characters), naming the halt; the request's
    // actor is in the log all the same.
    let (code, _, _) = run(d, &["eval", "--request", "inj.json"]);
    assert_eq!(code, 1);
    let (code, out, err) = run(d, &["audit", "note", "all good\n#8  forged note\u{1b}[31m"]);
    assert_eq!(code, 0, "{out}{err}");
    for args in [&["audit", "tail", "-n", "3"][..], &["audit", "report"][..]] {
        let (code, out, err) = run(d, args);
        assert_eq!(code, 0, "{args:?}: {err}");
        assert!(!out.contains('\u{1b}'), "{args:?}: {out}");
        assert!(
            !out.contains("\n#7") && !out.contains("\n#8") && !out.contains("\n#9"),
            "{args:?}: {out}"
        );
        assert!(out.contains(shown), "{args:?}: {out}");
    }
    let (_, tail, _) = run(d, &["audit", "tail", "-n", "3"]);
    assert_eq!(tail.lines().count(), 3, "{tail}");
    assert!(
        tail.contains("erin\\n#7  forged  decision  auto_approve\\u{1b}[8m"),
        "{tail}"
    );
    assert!(
        tail.contains("all good\\n#8  forged note\\u{1b}[31m"),
        "{tail}"
    );

    // Not halted: a request waiting for approval, whose actor id (refused by gavel eval
    // today, but a log may hold one from elsewhere: an older gavel, whoever holds the audit
    // key) `audit pending` names.
    let dir = workspace();
    let d = dir.path();
    let policy = gavel::Policy::load(d.join("policies")).unwrap();
    let request = gavel::Request::from_json(&std::fs::read(d.join("req.json")).unwrap()).unwrap();
    let mut decision = policy.decide(&request, &gavel::Context::at(jiff::Timestamp::now()));
    assert_eq!(decision.outcome.as_str(), "require_approval");
    std::sync::Arc::make_mut(&mut decision.request).actor =
        "erin\n  request forged\u{1b}[8m".into();
    log(d)
        .with_policy(&policy)
        .append_decision(&decision)
        .unwrap();
    let (code, out, err) = run(d, &["audit", "pending"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        !out.contains('\u{1b}') && !out.contains("\n  request forged"),
        "{out}"
    );
    assert!(
        out.contains("by erin\\n  request forged\\u{1b}[8m: waiting"),
        "{out}"
    );
}

/// A request refused before it is decided (not JSON, a flag that cannot apply) names the
/// halt in the log too, first, as every decision does.
#[test]
fn a_refused_request_names_the_halt() {
    let dir = workspace();
    let d = dir.path();
    carol_halts(d, "incident 42");
    std::fs::write(d.join("bad.json"), "{not json").unwrap();
    for args in [
        &["eval", "--request", "bad.json", "--format", "json"][..],
        &[
            "eval",
            "--request",
            "req.json",
            "--attr",
            "=1",
            "--format",
            "json",
        ][..],
    ] {
        let (code, out, err) = run(d, args);
        assert_eq!(code, 1, "{out}{err}");
        let decision: serde_json::Value = serde_json::from_str(&out).unwrap();
        let summary = decision["summary"].as_str().unwrap();
        assert!(
            summary.starts_with("blocked: halted by carol at ")
                && summary.contains(": incident 42; "),
            "{summary}"
        );
        assert_eq!(decision["halt"]["by"], "carol", "{out}");
        assert!(decision["input_error"].is_object(), "{out}");
    }
}

/// Found by a fail-open hunt: without `resume by`, whoever may halt may resume (as `gavel
/// resume` reads it), but decisions checked the resume against `resume by` alone, so the
/// halt could never be lifted.
#[test]
fn without_resume_by_whoever_may_halt_may_resume() {
    let dir = workspace();
    let d = dir.path();
    let policy = std::fs::read_to_string(d.join("policies/main.gavel")).unwrap();
    let policy = policy.replace("  resume by admin\n", "").replace(
        "  resume require 1 approval from security_lead humans_only\n",
        "",
    );
    std::fs::write(d.join("policies/main.gavel"), policy).unwrap();
    carol_halts(d, "incident");
    let (code, out, err) = run_as(d, "alice", &["resume", "--reason", "fixed"]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = run(d, &["eval", "--request", "req.json", "--format", "json"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(!out.contains("\"halt\""), "{out}");
}

/// Found by a fail-open hunt: cutting only the final newline of the log made `audit repair`
/// remove the last record whole — a halt, or an override's use — though the record was
/// complete and acknowledged. A whole record continuing the chain is ended, not removed;
/// anything less is removed as before.
#[test]
fn repair_ends_a_whole_last_record_instead_of_removing_it() {
    let dir = workspace();
    let d = dir.path();
    carol_halts(d, "incident");
    let path = d.join(".gavel/audit.jsonl");
    let whole = std::fs::read(&path).unwrap();
    assert_eq!(whole.last(), Some(&b'\n'));
    std::fs::write(&path, whole.get(..whole.len() - 1).unwrap()).unwrap();
    let (code, out, err) = run(d, &["audit", "repair"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains(
            "(seq 1) was whole but for its line's end; the line was ended and the record kept"
        ),
        "{out}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), whole);
    // Still halted, and the log verifies.
    let (code, out, err) = run(d, &["eval", "--request", "req.json"]);
    assert_eq!(code, 3, "{out}{err}");
    assert!(out.contains("halted by carol"), "{out}");
    let (code, out, err) = run(d, &["audit", "verify"]);
    assert_eq!(code, 0, "{out}{err}");

    // A record cut inside is no record: it is removed, and the repair recorded.
    let before = std::fs::read(&path).unwrap();
    let (code, _, err) = run(d, &["audit", "note", "a note that will be cut"]);
    assert_eq!(code, 0, "{err}");
    let noted = std::fs::read(&path).unwrap();
    std::fs::write(&path, noted.get(..noted.len() - 10).unwrap()).unwrap();
    let (code, out, err) = run(d, &["audit", "repair"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("removed an incomplete trailing line"), "{out}");
    assert!(std::fs::read(&path).unwrap().starts_with(&before));
}

/// Found by QA: with two overrides recorded for one request, `audit report` credited the
/// decision's use to the first, while the decision used the latest (the one the log's state
/// offers). And a resume is reported as recorded, not as lifting its halt: whether it
/// counts is decided against the policy.
#[test]
fn the_report_credits_the_override_a_decision_used() {
    let dir = workspace();
    let d = dir.path();
    for reason in ["first", "second"] {
        let (code, _, err) = run_as(
            d,
            "alice",
            &["override", "--request", "req.json", "--reason", reason],
        );
        assert_eq!(code, 0, "{err}");
    }
    let (code, out, err) = run(d, &["eval", "--request", "req.json", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let decision: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(decision["override"]["reason"], "second");
    let (code, report, err) = run(d, &["audit", "report", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    let used: Vec<(String, serde_json::Value)> = report["overrides"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["reason"].as_str().unwrap().to_string(),
                o["used_by_seq"].clone(),
            )
        })
        .collect();
    assert_eq!(
        used,
        [
            ("first".to_string(), serde_json::Value::Null),
            ("second".to_string(), serde_json::json!(3)),
        ]
    );

    carol_halts(d, "incident");
    let (_, approvals, _) = run(d, &["audit", "report"]);
    assert!(approvals.contains("NOT RESUMED"), "{approvals}");
}

/// Found by QA: a resume approval is signed over the RFC 8785 bytes of its members as
/// written, but gavel checked the signature over its own re-serialization, which writes a
/// time its own way (the fewest digits, `Z`): an approval signed by another tool over the
/// same instant written otherwise was refused as tampered. The signature is checked over
/// the members as read, and the resume record copies them as read.
#[test]
fn a_resume_approval_is_verified_over_its_members_as_written() {
    let dir = workspace();
    let d = dir.path();
    carol_halts(d, "incident");
    bob_approves_resuming(d);
    // The same instant, written otherwise, signed as written by bob's key.
    let mut approval: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("bob.json")).unwrap()).unwrap();
    let members = approval.as_object_mut().unwrap();
    members.remove("signature");
    // (An offset of `+00:00` where gavel writes `Z`.)
    let issued = members["issued_at"]
        .as_str()
        .unwrap()
        .trim_end_matches('Z')
        .to_string();
    let padded = format!("{issued}+00:00");
    assert_ne!(padded, members["issued_at"].as_str().unwrap());
    members.insert("issued_at".into(), padded.clone().into());
    let signature = gavel::sign::Signer::new(private(2))
        .sign(&approval)
        .unwrap();
    approval.as_object_mut().unwrap().insert(
        "signature".into(),
        serde_json::to_value(&signature).unwrap(),
    );
    std::fs::write(d.join("bob.json"), approval.to_string()).unwrap();
    let (code, out, err) = run_as(
        d,
        "alice",
        &["resume", "--reason", "fixed", "--approval", "bob.json"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("RESUMED"), "{out}");
    // Read back from the record, the approval still counts: decisions are not halted.
    assert_eq!(log(d).halt_state().unwrap(), None);
    let (code, out, err) = run(d, &["audit", "verify", "--policies", "policies"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        std::fs::read_to_string(d.join(".gavel/audit.jsonl"))
            .unwrap()
            .contains(&padded)
    );
}

/// Found by QA: with the halt record torn (a crash mid-append), `approve-resume` said "not
/// halted". It says the log ends in an incomplete record and how to repair it, as deciding
/// does.
#[test]
fn approve_resume_on_a_torn_halt_says_the_log_needs_repair() {
    let dir = workspace();
    let d = dir.path();
    carol_halts(d, "incident");
    let path = d.join(".gavel/audit.jsonl");
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() - 3]).unwrap();
    let (code, _, err) = run(d, &["approve-resume", "--key", "bob.key", "--as", "bob"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("the log ends in an incomplete record") && err.contains("gavel audit repair"),
        "{err}"
    );
}

/// Found by QA: a resume approval file with a member given twice was read keeping the last,
/// where approvals and licenses refuse it.
#[test]
fn a_resume_approval_with_a_member_given_twice_is_refused() {
    let dir = workspace();
    let d = dir.path();
    carol_halts(d, "incident");
    bob_approves_resuming(d);
    let text = std::fs::read_to_string(d.join("bob.json")).unwrap();
    std::fs::write(
        d.join("bob.json"),
        text.replacen('{', "{\"halt_seq\": 999,", 1),
    )
    .unwrap();
    let (code, _, err) = run_as(
        d,
        "alice",
        &["resume", "--reason", "fixed", "--approval", "bob.json"],
    );
    assert_eq!(code, 1);
    assert!(err.contains("duplicate field `halt_seq`"), "{err}");
}

/// devops-matrix's deployment agent holds the on-call role, which may halt; the policy's
/// `humans_only` keeps it from halting (seeds/003 §6.1; found by a policy audit: the agent
/// could stop every decision).
#[test]
fn the_devops_deployment_agent_may_not_halt() {
    let dir = keyed_dir();
    let d = dir.path();
    let policies = d.join("policies");
    std::fs::create_dir_all(&policies).unwrap();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/devops-matrix");
    for entry in std::fs::read_dir(example).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "gavel") {
            std::fs::copy(&path, policies.join(path.file_name().unwrap())).unwrap();
        }
    }
    std::fs::write(d.join("agent.key"), private(7).to_file_text().as_bytes()).unwrap();
    let (code, out, err) = run(
        d,
        &[
            "halt",
            "--reason",
            "runaway",
            "--key",
            "agent.key",
            "--as",
            "deployment-agent-01",
        ],
    );
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains(
            "`deployment-agent-01` is declared `agent`, and the policy lets only people halt"
        ),
        "{err}"
    );
    assert!(
        !d.join(".gavel/audit.jsonl").exists()
            || !text(&std::fs::read(d.join(".gavel/audit.jsonl")).unwrap()).contains("runaway")
    );
}
