//! `gavel audit tail`, `show`, `pending`, `report` and `checkpoint` over real decisions.

use gavel::audit::{AuditLog, Gatekeeper, KeyRing};
use gavel::eval::{Verdict, VerifiedApproval};
use gavel::keys::PrivateKey;
use gavel::sign::Signer;
use gavel::{Context, Policy, Request};

use super::{gavel, key, keyed_dir, lines, text, write_lines};

const POLICY: &str = r#"policy "deploys"
environments dev -> staging -> prod
roles admin, qa
approver "alice" roles admin key "ed25519:WxS2wFwZ/2OmFMeaJ+E250HCqshlnWuT+E0PltapeAA="
approver "quinn" roles qa key "ed25519:IGRuq8g82PW3zmamD7pTVJfNSAeESEamr98mxNc2gT0="
default require 1 approval from admin, qa within 24h
rule dev { when environment == dev then auto_approve }
"#;

fn request(env: &str, reference: &str) -> Request {
    Request::from_json(
        format!(
            r#"{{"action":"deploy","environment":"{env}","actor":{{"id":"erin","kind":"human"}},"reference":"{reference}"}}"#
        )
        .as_bytes(),
    )
    .unwrap()
}

fn promote(from: &str, to: &str) -> Request {
    Request::from_json(
        format!(
            r#"{{"action":"promote","from_environment":"{from}","environment":"{to}","actor":{{"id":"erin","kind":"human"}}}}"#
        )
        .as_bytes(),
    )
    .unwrap()
}

fn approval(who: &str, role: &str, verdict: Verdict) -> VerifiedApproval {
    VerifiedApproval {
        approver: who.into(),
        role: role.into(),
        verdict,
        issued_at: jiff::Timestamp::now(),
        expires_at: None,
        scope: vec![],
        note: None,
        credential: None,
    }
}

/// dev: auto; prod r1: pending then approved by alice; prod r2: rejected by quinn;
/// prod r3: pending; a promotion dev -> staging: pending.
fn populated() -> tempfile::TempDir {
    let dir = keyed_dir();
    let log = AuditLog::open(dir.path().join(".gavel/audit.jsonl"), KeyRing::new(key(1))).unwrap();
    let gk = Gatekeeper::new(
        Policy::from_str(POLICY).unwrap(),
        Signer::new(PrivateKey::from_seed(&[3u8; 32])),
        log,
    );
    let now = || Context::at(jiff::Timestamp::now());
    gk.decide(&request("dev", "r0"));
    gk.decide(&request("prod", "r1"));
    gk.decide(&request("prod", "r2"));
    gk.decide(&request("prod", "r3"));
    let mut ctx = now();
    ctx.approvals = vec![approval("alice", "admin", Verdict::Approve)];
    assert!(
        gk.decide_with(&request("prod", "r1"), ctx)
            .decision
            .authorizes
    );
    let mut ctx = now();
    ctx.approvals = vec![approval("quinn", "qa", Verdict::Reject)];
    gk.decide_with(&request("prod", "r2"), ctx);
    gk.decide(&promote("dev", "staging"));
    dir
}

#[test]
fn pending_lists_requests_whose_latest_decision_waits() {
    let dir = populated();
    let out = gavel(dir.path(), &["audit", "pending"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("2 request(s) waiting for approval:"),
        "{stdout}"
    );
    assert!(
        stdout.contains("deploy in prod by erin: waiting"),
        "{stdout}"
    );
    assert!(
        stdout.contains("needs 1 more from admin or qa (rule `default`)"),
        "{stdout}"
    );
    let json = gavel(dir.path(), &["audit", "pending", "--format", "json"]);
    let list: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let seqs: Vec<u64> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["first_seq"].as_u64().unwrap())
        .collect();
    assert_eq!(seqs, vec![4, 7]);
    assert!(list[0]["deadline"].is_string());
    assert_eq!(list[0]["overdue"], false);
    let later = gavel(
        dir.path(),
        &[
            "audit",
            "pending",
            "--now",
            "2099-01-01T00:00:00Z",
            "--format",
            "json",
        ],
    );
    let list: serde_json::Value = serde_json::from_slice(&later.stdout).unwrap();
    assert_eq!(list[0]["overdue"], true);
}

#[test]
fn report_counts_and_states_exactly_what_it_covers() {
    let dir = populated();
    let out = gavel(dir.path(), &["audit", "report", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["coverage"]["chain_verified"], true);
    assert_eq!(r["coverage"]["first_seq"], 0);
    assert_eq!(r["coverage"]["last_seq"], 7);
    assert_eq!(r["decisions"]["total"], 7);
    assert_eq!(r["decisions"]["by_outcome"]["require_approval"], 4);
    assert_eq!(r["decisions"]["by_outcome"]["approved"], 1);
    assert_eq!(r["decisions"]["by_outcome"]["rejected"], 1);
    assert_eq!(r["decisions"]["by_environment"]["prod"], 5);
    assert_eq!(r["decisions"]["by_action"]["promote"], 1);
    assert_eq!(r["approvals"]["requests_needing_approval"], 4);
    assert_eq!(r["approvals"]["approved"], 1);
    assert_eq!(r["approvals"]["rejected"], 1);
    assert_eq!(r["approvals"]["still_pending"], 2);
    assert_eq!(r["approvals"]["approval_rate"], "50.0%");
    assert!(r["approvals"]["median_seconds_to_approval"].is_number());
    assert_eq!(r["approvals"]["per_approver"]["alice"]["approvals"], 1);
    assert_eq!(r["approvals"]["per_approver"]["quinn"]["rejections"], 1);
    assert_eq!(r["rejections"][0]["rejected_by"][0], "quinn");
    assert_eq!(r["top_rules"][0]["rule"], "dev");
    assert_eq!(r["promotions"][0]["from"], "dev");
    assert_eq!(r["promotions"][0]["to"], "staging");
    let statement = r["coverage"]["statement"].as_str().unwrap();
    assert!(
        statement.contains("This report covers the whole log: records 0..7 (8 records"),
        "{statement}"
    );
    assert!(
        statement.contains("records cut from the end of the log would not show"),
        "{statement}"
    );

    // A window before everything covers nothing and says so.
    let empty = gavel(
        dir.path(),
        &[
            "audit",
            "report",
            "--until",
            "2000-01-01",
            "--format",
            "json",
        ],
    );
    let r: serde_json::Value = serde_json::from_slice(&empty.stdout).unwrap();
    assert_eq!(r["coverage"]["records"], 0);
    assert!(
        r["coverage"]["statement"]
            .as_str()
            .unwrap()
            .contains("no records (0 records)")
    );

    let md = text(&gavel(dir.path(), &["audit", "report"]).stdout);
    assert!(md.starts_with("# Audit report: .gavel/audit.jsonl"), "{md}");
    assert!(md.contains("## Break-glass overrides (0)"), "{md}");
    assert!(
        md.contains("- dev -> staging: 1 decisions, 0 authorized"),
        "{md}"
    );
}

#[test]
fn a_report_on_a_tampered_log_covers_only_what_verified() {
    let dir = populated();
    let log = dir.path().join(".gavel/audit.jsonl");
    let mut l = lines(&log);
    l[6] = l[6].replace("\"rejected\"", "\"approved\"");
    write_lines(&log, &l);
    let out = gavel(dir.path(), &["audit", "report", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["coverage"]["chain_verified"], false);
    assert_eq!(r["coverage"]["last_seq"], 5);
    assert!(
        r["coverage"]["statement"]
            .as_str()
            .unwrap()
            .contains("CHAIN VERIFICATION FAILED (modified at seq 6")
    );
    assert_eq!(text(&out.stderr).lines().count(), 1);
}

#[test]
fn tail_show_and_checkpoint() {
    let dir = populated();
    let tail = text(&gavel(dir.path(), &["audit", "tail", "-n", "3"]).stdout);
    let shown: Vec<&str> = tail.lines().collect();
    assert_eq!(shown.len(), 3, "{tail}");
    assert!(shown[0].starts_with("#5  "), "{tail}");
    assert!(
        shown[2].contains("decision  notify") || shown[2].contains("promote dev -> staging"),
        "{tail}"
    );
    let json = text(
        &gavel(
            dir.path(),
            &["audit", "tail", "-n", "1", "--format", "json"],
        )
        .stdout,
    );
    let v: serde_json::Value = serde_json::from_str(json.trim()).unwrap();
    assert_eq!(v["seq"], 7);
    let show = gavel(dir.path(), &["audit", "show", "2"]);
    assert!(
        text(&show.stdout).starts_with("#2  "),
        "{}",
        text(&show.stdout)
    );
    assert!(text(&show.stdout).contains("\"outcome\": \"require_approval\""));
    let missing = gavel(dir.path(), &["audit", "show", "99"]);
    assert_eq!(missing.status.code(), Some(1));
    assert_eq!(
        text(&missing.stderr),
        "error: .gavel/audit.jsonl: no record with seq 99\n"
    );

    std::fs::write(
        dir.path().join("cp.key"),
        PrivateKey::from_seed(&[6u8; 32]).to_file_text().as_bytes(),
    )
    .unwrap();
    let cp = gavel(
        dir.path(),
        &["audit", "checkpoint", "--key", "cp.key", "--out", "cp.json"],
    );
    assert_eq!(cp.status.code(), Some(0), "{}", text(&cp.stderr));
    let ok = gavel(dir.path(), &["audit", "verify", "--checkpoint", "cp.json"]);
    assert_eq!(ok.status.code(), Some(0));
    assert!(text(&ok.stdout).contains("matches the checkpoint at seq 7"));
    let log = dir.path().join(".gavel/audit.jsonl");
    let mut l = lines(&log);
    l.pop();
    write_lines(&log, &l);
    let cut = gavel(dir.path(), &["audit", "verify", "--checkpoint", "cp.json"]);
    assert_eq!(cut.status.code(), Some(1));
    assert!(
        text(&cut.stdout).starts_with("TAMPERED: .gavel/audit.jsonl: deleted at seq 7:"),
        "{}",
        text(&cut.stdout)
    );
    // A checkpoint whose signature does not verify cannot be used: exit 2.
    let forged = std::fs::read_to_string(dir.path().join("cp.json"))
        .unwrap()
        .replace("\"head_seq\": 7", "\"head_seq\": 6");
    std::fs::write(dir.path().join("forged.json"), forged).unwrap();
    let bad = gavel(
        dir.path(),
        &["audit", "verify", "--checkpoint", "forged.json"],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        text(&bad.stderr).starts_with("error: checkpoint: invalid signature"),
        "{}",
        text(&bad.stderr)
    );
}

/// Found by QA: `audit show` named seq 0 for a malformed line wherever it was, and `audit
/// tail` named no line at all. Both name the line (and show the seq it should have had).
#[test]
fn a_malformed_line_is_named_by_show_and_tail() {
    let dir = keyed_dir();
    for i in 1..=6 {
        let note = format!("n{i}");
        assert!(
            gavel(dir.path(), &["audit", "note", &note])
                .status
                .success()
        );
    }
    let log = dir.path().join(".gavel/audit.jsonl");
    let mut bytes = std::fs::read(&log).unwrap();
    // Break the UTF-8 of line 7 (seq 6, the note `n6`): one byte of its text.
    let line7 = bytes
        .split(|b| *b == b'\n')
        .take(6)
        .map(|l| l.len() + 1)
        .sum::<usize>();
    let text_at = line7
        + bytes[line7..]
            .windows(8)
            .position(|w| w == b"\"text\":\"")
            .unwrap()
        + 8;
    bytes[text_at] = 0xff;
    std::fs::write(&log, &bytes).unwrap();
    let verify = gavel(dir.path(), &["audit", "verify"]);
    assert!(
        text(&verify.stdout).contains("malformed at seq 6 (line 7)"),
        "{}",
        text(&verify.stdout)
    );
    let show = gavel(dir.path(), &["audit", "show", "7"]);
    assert_eq!(show.status.code(), Some(1));
    assert!(
        text(&show.stderr).contains("malformed at seq 6 (line 7)"),
        "{}",
        text(&show.stderr)
    );
    let tail = gavel(dir.path(), &["audit", "tail"]);
    assert_eq!(tail.status.code(), Some(1));
    assert!(
        text(&tail.stderr).contains("audit.jsonl: line 7 is not a valid record: "),
        "{}",
        text(&tail.stderr)
    );

    // Found by QA: a malformed line's own text (here a member name serde quotes) reached
    // the terminal raw, forging an output line and sending an escape sequence.
    let mut lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
    lines[6] = br#"{"x\nFORGED LINE\u001b[31m":1}"#;
    std::fs::write(&log, lines.join(&b'\n')).unwrap();
    for args in [
        &["audit", "tail"][..],
        &["audit", "verify"],
        &["audit", "show", "7"],
        &["audit", "report"],
    ] {
        let out = gavel(dir.path(), args);
        let all = text(&out.stdout) + &text(&out.stderr);
        assert!(!all.contains('\u{1b}'), "{args:?}: {all}");
        assert!(!all.contains("\nFORGED"), "{args:?}: {all}");
        assert!(
            all.contains("x\\nFORGED LINE\\u{1b}[31m"),
            "{args:?}: {all}"
        );
    }
}

#[test]
fn tail_follow_prints_records_as_they_are_appended() {
    use std::io::BufRead as _;
    let dir = keyed_dir();
    assert!(
        gavel(dir.path(), &["audit", "note", "first"])
            .status
            .success()
    );
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gavel"))
        .current_dir(dir.path())
        .args(["audit", "tail", "-n", "1", "--follow"])
        .env_remove("GAVEL_AUDIT_KEY")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(first.contains("note      first"), "{first}");
    assert!(
        gavel(dir.path(), &["audit", "note", "second"])
            .status
            .success()
    );
    let second = lines.next().unwrap().unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        second.starts_with("#2  ") && second.contains("second"),
        "{second}"
    );
}

/// Regression: a request approved and then decided again as pending made the report say
/// "0 approved" and "Median time to approval: 0s". The median covers exactly the requests
/// counted as approved: none here, so n/a (md) and null (json).
#[test]
fn report_median_is_not_available_without_approved_requests() {
    let dir = keyed_dir();
    let log = AuditLog::open(dir.path().join(".gavel/audit.jsonl"), KeyRing::new(key(1))).unwrap();
    let gk = Gatekeeper::new(
        Policy::from_str(POLICY).unwrap(),
        Signer::new(PrivateKey::from_seed(&[3u8; 32])),
        log,
    );
    gk.decide(&request("prod", "r1"));
    let mut ctx = Context::at(jiff::Timestamp::now());
    ctx.approvals = vec![approval("alice", "admin", Verdict::Approve)];
    assert!(
        gk.decide_with(&request("prod", "r1"), ctx)
            .decision
            .authorizes
    );
    gk.decide(&request("prod", "r1"));
    let out = gavel(dir.path(), &["audit", "report", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["approvals"]["approved"], 0);
    assert_eq!(r["approvals"]["still_pending"], 1);
    assert!(r["approvals"]["median_time_to_approval"].is_null(), "{r}");
    assert!(
        r["approvals"]["median_seconds_to_approval"].is_null(),
        "{r}"
    );
    let md = text(&gavel(dir.path(), &["audit", "report"]).stdout);
    assert!(md.contains("Median time to approval: n/a."), "{md}");
}

/// Regression: `--since` later than `--until` reported an empty window as "0 records".
#[test]
fn report_refuses_a_window_that_ends_before_it_starts() {
    let dir = populated();
    for (since, until) in [
        ("2030-01-01", "2020-01-01"),
        ("2026-03-01T12:00:00Z", "2026-03-01T12:00:00Z"),
    ] {
        for format in ["md", "json"] {
            let out = gavel(
                dir.path(),
                &[
                    "audit", "report", "--since", since, "--until", until, "--format", format,
                ],
            );
            assert_eq!(out.status.code(), Some(1), "{since} {until}");
            assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
            let err = text(&out.stderr);
            assert_eq!(err.lines().count(), 1, "{err}");
            assert!(
                err.starts_with("error: the report window is empty: --since "),
                "{err}"
            );
        }
    }
    // The library refuses it too.
    let window = gavel::audit::ReportWindow {
        since: Some("2030-01-01T00:00:00Z".parse().unwrap()),
        until: Some("2020-01-01T00:00:00Z".parse().unwrap()),
    };
    assert!(
        gavel::audit::build_report(
            &dir.path().join(".gavel/audit.jsonl"),
            &KeyRing::new(key(1)),
            window
        )
        .is_err()
    );
}

/// Whether `text` is RFC 3339 UTC with exactly six fraction digits.
fn six_digits(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 27
        && b[19] == b'.'
        && b[20..26].iter().all(u8::is_ascii_digit)
        && b[26] == b'Z'
        && text[..19].parse::<jiff::civil::DateTime>().is_ok()
}

/// Every member of `value` (recursively) named like a time.
fn times(value: &serde_json::Value, out: &mut Vec<(String, serde_json::Value)>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                if k == "at" || k.ends_with("_at") || k == "since" || k == "until" {
                    out.push((k.clone(), v.clone()));
                }
                times(v, out);
            }
        }
        serde_json::Value::Array(list) => list.iter().for_each(|v| times(v, out)),
        _ => {}
    }
}

/// Regression: JSON times had as many fraction digits as jiff chose
/// (`…05:30:01.33808Z`), where the format says exactly six, as in every record's `at`.
#[test]
fn report_times_have_exactly_six_fraction_digits() {
    let dir = populated();
    let log = dir.path().join(".gavel/audit.jsonl");
    // Give the first records times whose fractions end in zeros, as real clocks do.
    let mut l = lines(&log);
    for (i, at) in [
        "2026-03-01T12:00:00.330000Z",
        "2026-03-01T12:00:01.000000Z",
        "2026-03-01T12:00:02.123400Z",
    ]
    .iter()
    .enumerate()
    {
        l[i] = super::edit(&l[i], |v| v["at"] = (*at).into());
    }
    super::remac(&mut l, 0, &super::key_hex(1));
    write_lines(&log, &l);
    let out = gavel(
        dir.path(),
        &[
            "audit",
            "report",
            "--since",
            "2000-01-01",
            "--until",
            "2100-01-01T00:00:00.5Z",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["coverage"]["first_at"], "2026-03-01T12:00:00.330000Z");
    assert_eq!(r["coverage"]["since"], "2000-01-01T00:00:00.000000Z");
    assert_eq!(r["coverage"]["until"], "2100-01-01T00:00:00.500000Z");
    let mut found = Vec::new();
    times(&r, &mut found);
    assert!(found.len() > 5, "{found:?}");
    for (name, value) in &found {
        let t = value.as_str().unwrap_or_default();
        assert!(six_digits(t), "`{name}` is {value}");
    }
    let statement = r["coverage"]["statement"].as_str().unwrap();
    assert!(
        statement
            .contains("records from 2000-01-01T00:00:00.000000Z until 2100-01-01T00:00:00.500000Z")
            && statement.contains("2026-03-01T12:00:00.330000Z to "),
        "{statement}"
    );
    let md = text(&gavel(dir.path(), &["audit", "report", "--since", "2000-01-01"]).stdout);
    assert!(
        md.contains("records at or after 2000-01-01T00:00:00.000000Z"),
        "{md}"
    );
}
