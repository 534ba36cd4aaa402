//! The embedding API: Gatekeeper, state from the log, fail closed.

use std::sync::Arc;

use gavel::audit::{
    AuditError, AuditLog, Entry, Gatekeeper, Period, Power, RecordKind, UsageCounter, authorize,
};
use gavel::keys::PrivateKey;
use gavel::sign::Signer;
use gavel::{Context, DecisionOutcome, Policy, PreparedRequest, Request};

use super::{ring, verify};

fn admin() -> PrivateKey {
    PrivateKey::from_seed(&[11u8; 32])
}

fn policy() -> Policy {
    Policy::from_str(&format!(
        r#"policy "svc"
roles admin
actions create_project
approver "alice" roles admin key "{}"
paths docs ["docs/**"]
default require 1 approval from admin within 1h
rule docs {{ when all files in docs then auto_approve }}
rule projects {{ when action == create_project then auto_approve }}
halt {{ by admin }}
override by admin
"#,
        admin().public_key().to_gavel_string()
    ))
    .unwrap()
}

fn request(json: &str) -> Request {
    Request::from_json(json.as_bytes()).unwrap()
}

const DOCS: &str = r#"{"action":"apply_patch","actor":{"id":"bot","kind":"agent"},"files":[{"path":"docs/a.md","added":1}]}"#;
const CODE: &str = r#"{"action":"apply_patch","actor":{"id":"bot","kind":"agent"},"files":[{"path":"src/a.rs","added":1}]}"#;

fn gatekeeper(dir: &std::path::Path) -> Gatekeeper {
    let log = AuditLog::open(dir.join("audit.jsonl"), ring(1)).unwrap();
    Gatekeeper::new(
        policy(),
        Signer::new(PrivateKey::from_seed(&[12u8; 32])),
        log,
    )
}

#[test]
fn gatekeeper_records_signed_decisions_and_blocks_while_halted() {
    let dir = tempfile::tempdir().unwrap();
    let gk = gatekeeper(dir.path());
    let gated = gk.decide(&request(DOCS));
    assert!(gated.decision.authorizes);
    let receipt = gated.receipt.unwrap();
    let who = authorize(gk.policy(), Power::Halt, "alice", None, &admin()).unwrap();
    gk.log().halt(&who, "incident").unwrap();
    let gated = gk.decide(&request(DOCS));
    assert_eq!(gated.decision.outcome, DecisionOutcome::Block);
    assert!(
        gated.decision.summary.contains("halted by alice"),
        "{}",
        gated.decision.summary
    );
    assert!(
        gated.receipt.is_some(),
        "blocked decisions are recorded too"
    );
    let report = verify(&dir.path().join("audit.jsonl"), &ring(1));
    assert!(report.intact());
    assert_eq!(
        report.signatures_log_keys, 4,
        "genesis, 2 decisions, the halt: {report:?}"
    );
    let first = gk
        .log()
        .iter()
        .unwrap()
        .nth(receipt.seq as usize)
        .unwrap()
        .unwrap();
    assert_eq!(first.kind, RecordKind::Decision);
    assert_eq!(first.body["outcome"], "auto_approve");
}

/// Also when the other process's halt was followed by a resume that does not count (here
/// signed by a key the policy does not declare): the halt is still in force (found by QA:
/// that stale decision was recorded, authorizing, once per process holding a stale view).
#[test]
fn a_decision_made_before_a_halt_in_another_process_is_refused_then_redecided() {
    for uncounted_resume in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let gk = gatekeeper(dir.path());
        gk.decide(&request(DOCS));
        // Another process halts: this process has not read it yet.
        let other = AuditLog::open(dir.path().join("audit.jsonl"), ring(1)).unwrap();
        let who = authorize(gk.policy(), Power::Halt, "alice", None, &admin()).unwrap();
        other.halt(&who, "from elsewhere").unwrap();
        if uncounted_resume {
            let forger = PrivateKey::from_seed(&[66u8; 32]);
            let mut resumer =
                authorize(gk.policy(), Power::Resume, "alice", None, &admin()).unwrap();
            resumer.key = forger.public_key();
            resumer.signer = Signer::new(forger);
            other
                .resume(gk.policy(), &resumer, "fine", &[], jiff::Timestamp::now())
                .unwrap();
        }
        // A stale authorizing decision cannot be recorded as such...
        let stale = gk
            .policy()
            .decide(&request(DOCS), &Context::at(jiff::Timestamp::now()));
        let err = gk.log().append_decision(&stale).unwrap_err().to_string();
        assert!(err.contains("halted (seq 2, by alice"), "{err}");
        assert_eq!(
            err.contains("the resume at seq 3 does not count"),
            uncounted_resume,
            "{err}"
        );
        // ...and the gatekeeper decides again with the halt.
        let gated = gk.decide(&request(DOCS));
        assert_eq!(gated.decision.outcome, DecisionOutcome::Block);
        assert!(!gated.decision.authorizes);
        assert!(gated.decision.summary.contains("from elsewhere"));
    }
}

/// The log's usage count is a floor under the caller's own `Context::usage`, never a
/// replacement (found by QA: a caller's count of 5 over a limit of 2 was replaced by the
/// fresh log's 0, and the project was created).
#[test]
fn the_logs_usage_count_never_lowers_the_callers() {
    let dir = tempfile::tempdir().unwrap();
    let gk = gatekeeper(dir.path()).with_usage(UsageCounter::new(
        "projects",
        Some("create_project"),
        Period::Month,
    ));
    let mut context = Context::at(jiff::Timestamp::now());
    context.usage.insert("projects".into(), 5);
    let mut filled = context.clone();
    gk.log()
        .fill_context(
            &mut filled,
            &request(DOCS),
            &[UsageCounter::new(
                "projects",
                Some("create_project"),
                Period::Month,
            )],
        )
        .unwrap();
    assert_eq!(filled.usage["projects"], 5);
}

#[test]
fn gatekeeper_fails_closed_when_the_log_cannot_be_written() {
    let dir = tempfile::tempdir().unwrap();
    let gk = gatekeeper(dir.path());
    assert!(gk.decide(&request(DOCS)).decision.authorizes);
    // A crashed writer elsewhere left half a record.
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(dir.path().join("audit.jsonl"))
        .unwrap();
    std::io::Write::write_all(&mut file, b"{\"at\":").unwrap();
    let gated = gk.decide(&request(DOCS));
    assert_eq!(gated.decision.outcome, DecisionOutcome::Block);
    assert!(!gated.decision.authorizes);
    assert!(
        gated
            .decision
            .summary
            .starts_with("blocked: the decision could not be recorded in the audit log: ")
            && gated.decision.summary.contains("incomplete record"),
        "{}",
        gated.decision.summary
    );
    assert!(matches!(gated.error, Some(AuditError::TornTail { .. })));
    gk.log().repair().unwrap().unwrap();
    assert!(gk.decide(&request(DOCS)).decision.authorizes);
}

#[test]
fn usage_counts_authorized_projects_per_month() {
    let dir = tempfile::tempdir().unwrap();
    let gk = gatekeeper(dir.path()).with_usage(UsageCounter::new(
        "projects_per_month",
        Some("create_project"),
        Period::Month,
    ));
    for name in ["a", "b", "a"] {
        let r = request(&format!(
            r#"{{"action":"create_project","actor":{{"id":"bot","kind":"agent"}},"reference":"{name}"}}"#
        ));
        assert!(gk.decide(&r).decision.authorizes);
    }
    let dry = request(
        r#"{"action":"create_project","actor":{"id":"bot","kind":"agent"},"reference":"c","mode":"dry_run"}"#,
    );
    gk.decide(&dry);
    gk.decide(&request(CODE));
    let since = Period::Month.start(jiff::Timestamp::now());
    assert_eq!(gk.log().count(Some("create_project"), since).unwrap(), 2);
    assert_eq!(gk.log().count(None, since).unwrap(), 2);
    let mut context = Context::at(jiff::Timestamp::now());
    let counter = UsageCounter::new("projects_per_month", Some("create_project"), Period::Month);
    gk.log()
        .fill_context(&mut context, &request(CODE), &[counter])
        .unwrap();
    assert_eq!(context.usage.get("projects_per_month"), Some(&2));
}

/// A prepared request goes through the gatekeeper like the plain one: the same signed
/// decision, recorded, counted as one request.
#[test]
fn a_prepared_request_is_gated_like_the_plain_one() {
    let dir = tempfile::tempdir().unwrap();
    let counter = UsageCounter::new("projects_per_month", Some("create_project"), Period::Month);
    let gk = gatekeeper(dir.path()).with_usage(counter);
    let plain = request(
        r#"{"action":"create_project","actor":{"id":"bot","kind":"agent"},"reference":"p"}"#,
    );
    let prepared = PreparedRequest::new(plain.clone());
    let at = jiff::Timestamp::now();
    let first = gk.decide_with(&plain, Context::at(at));
    let again = gk.decide_prepared_with(&prepared, Context::at(at));
    assert!(first.receipt.is_some() && again.receipt.is_some());
    assert!(again.decision.signature.is_some());
    assert_eq!(again.decision, first.decision);
    let since = Period::Month.start(at);
    assert_eq!(gk.log().count(Some("create_project"), since).unwrap(), 1);
}

#[test]
fn concurrent_gatekeeper_threads_all_record_durably() {
    let dir = tempfile::tempdir().unwrap();
    let gk = Arc::new(gatekeeper(dir.path()));
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let gk = gk.clone();
            std::thread::spawn(move || {
                (0..50)
                    .map(|_| gk.decide(&request(DOCS)).receipt.unwrap().seq)
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut seqs: Vec<u64> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=200).collect::<Vec<u64>>());
    assert!(verify(&dir.path().join("audit.jsonl"), &ring(1)).intact());
}

#[test]
fn entries_of_state_kinds_cannot_be_appended_directly_and_huge_ones_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let log = AuditLog::open(dir.path().join("audit.jsonl"), ring(1)).unwrap();
    for kind in [
        RecordKind::Resume,
        RecordKind::Override,
        RecordKind::Genesis,
        RecordKind::KeyRotation,
    ] {
        let err = Entry::new(kind, &serde_json::json!({})).unwrap_err();
        assert_eq!(err.kind(), "not_allowed");
    }
    log.append(Entry::note("small", None).unwrap()).unwrap();
    let before = std::fs::read(dir.path().join("audit.jsonl")).unwrap();
    let huge = "x".repeat(gavel::limits::MAX_LOG_RECORD_BYTES);
    let err = log.append(Entry::note(huge, None).unwrap()).unwrap_err();
    assert!(matches!(err, AuditError::RecordTooLarge { .. }), "{err}");
    assert_eq!(
        std::fs::read(dir.path().join("audit.jsonl")).unwrap(),
        before
    );
    assert_eq!(
        log.append(Entry::note("after", None).unwrap()).unwrap().seq,
        2
    );
}

/// Found by a fail-open hunt of the library: `AuditLog::open` took a FIFO or a device for an
/// empty log (reading it then never ended) and followed a symlink to nothing, creating the
/// log wherever it pointed. Only a regular file (or a new one) is a log.
#[cfg(unix)]
#[test]
fn a_log_that_is_not_a_regular_file_is_refused() {
    let refused = |path: &dyn AsRef<std::path::Path>| match AuditLog::open(path, ring(1)) {
        Ok(_) => panic!("{} opened as a log", path.as_ref().display()),
        Err(error) => error,
    };
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo.jsonl");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let error = refused(&fifo);
    assert!(
        error.to_string().contains("is not a regular file"),
        "{error}"
    );
    let error = refused(&std::path::Path::new("/dev/zero"));
    assert!(
        error.to_string().contains("is not a regular file"),
        "{error}"
    );
    let link = dir.path().join("link.jsonl");
    std::os::unix::fs::symlink(dir.path().join("elsewhere/log.jsonl"), &link).unwrap();
    let error = refused(&link);
    assert!(
        error.to_string().contains("symbolic link to nothing"),
        "{error}"
    );
    assert!(!dir.path().join("elsewhere").exists());
    // A symlink to a log, and a new file, are logs.
    let real = dir.path().join("real.jsonl");
    AuditLog::open(&real, ring(1)).unwrap();
    let to_real = dir.path().join("to-real.jsonl");
    std::os::unix::fs::symlink(&real, &to_real).unwrap();
    AuditLog::open(&to_real, ring(1)).unwrap();
}

/// A policy allowing one project a month, counted from the log.
fn quota_gatekeeper(dir: &std::path::Path) -> Gatekeeper {
    let policy = Policy::from_str(
        "policy \"quota\"\nactions create_project\ndefault auto_approve\n\
         rule quota { when usage.projects_per_month >= 1 then block \"quota reached\" }\n",
    )
    .unwrap();
    let log = AuditLog::open(dir.join("audit.jsonl"), ring(1)).unwrap();
    Gatekeeper::new(policy, Signer::new(PrivateKey::from_seed(&[12u8; 32])), log).with_usage(
        UsageCounter::new("projects_per_month", Some("create_project"), Period::Month),
    )
}

fn project(name: &str) -> Request {
    request(&format!(
        r#"{{"action":"create_project","actor":{{"id":"bot","kind":"agent"}},"reference":"{name}"}}"#
    ))
}

/// Found by QA: a `Gatekeeper` decided from its view of the log as of its own last append,
/// so a second process (or handle) that had not appended since another's authorized
/// project passed the quota of one — one after the other, no race. The decision now
/// carries the count it was made with, and the append refuses it when the log has more:
/// the gatekeeper decides again and blocks.
#[test]
fn a_gatekeeper_with_an_old_view_of_the_log_never_passes_a_quota() {
    let dir = tempfile::tempdir().unwrap();
    let first = quota_gatekeeper(dir.path());
    let second = quota_gatekeeper(dir.path());
    let gated = first.decide(&project("one"));
    assert!(gated.decision.authorizes, "{}", gated.decision.summary);
    let gated = second.decide(&project("two"));
    assert!(gated.error.is_none(), "{:?}", gated.error);
    assert_eq!(gated.decision.outcome, DecisionOutcome::Block);
    assert!(
        gated.decision.summary.contains("quota reached"),
        "{}",
        gated.decision.summary
    );
    // The same request again is a retry, not new usage: still allowed.
    assert!(first.decide(&project("one")).decision.authorizes);
    let since = Period::Month.start(jiff::Timestamp::now());
    assert_eq!(first.log().count(Some("create_project"), since).unwrap(), 1);
}

/// Threads racing one quota, through one gatekeeper and through two handles on the same
/// file: exactly one project is authorized, and every decision is recorded.
#[test]
fn deciders_racing_on_one_quota_authorize_exactly_one() {
    let dir = tempfile::tempdir().unwrap();
    let shared = Arc::new(quota_gatekeeper(dir.path()));
    let other = Arc::new(quota_gatekeeper(dir.path()));
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let gk = if i % 2 == 0 {
                shared.clone()
            } else {
                other.clone()
            };
            std::thread::spawn(move || gk.decide(&project(&format!("p{i}"))))
        })
        .collect();
    let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    for gated in &results {
        assert!(gated.error.is_none(), "{:?}", gated.error);
        assert!(gated.receipt.is_some());
    }
    let authorized = results.iter().filter(|g| g.decision.authorizes).count();
    assert_eq!(authorized, 1);
    let since = Period::Month.start(jiff::Timestamp::now());
    assert_eq!(
        shared.log().count(Some("create_project"), since).unwrap(),
        1
    );
}

/// Found by QA: with exact usage counts, every authorization by one decider refused the
/// in-flight decisions of the others, and after four attempts they were blocked — 126 of
/// 320 requests far below their quota. Racing deciders below the quota are all authorized.
#[test]
fn deciders_racing_far_below_a_quota_are_all_authorized() {
    let dir = tempfile::tempdir().unwrap();
    let policy = || {
        Policy::from_str(
            "policy \"quota\"\nactions create_project\ndefault auto_approve\n\
             rule quota { when usage.projects_per_month >= 100000 then block \"quota reached\" }\n",
        )
        .unwrap()
    };
    let gatekeeper = || {
        let log = AuditLog::open(dir.path().join("audit.jsonl"), ring(1)).unwrap();
        Arc::new(
            Gatekeeper::new(
                policy(),
                Signer::new(PrivateKey::from_seed(&[12u8; 32])),
                log,
            )
            .with_usage(UsageCounter::new(
                "projects_per_month",
                Some("create_project"),
                Period::Month,
            )),
        )
    };
    let handles = [gatekeeper(), gatekeeper()];
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let gk = handles[i % 2].clone();
            std::thread::spawn(move || {
                (0..10)
                    .filter(|j| {
                        !gk.decide(&project(&format!("p{i}-{j}")))
                            .decision
                            .authorizes
                    })
                    .count()
            })
        })
        .collect();
    let blocked: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
    assert_eq!(blocked, 0);
    let since = Period::Month.start(jiff::Timestamp::now());
    assert_eq!(
        handles[0]
            .log()
            .count(Some("create_project"), since)
            .unwrap(),
        80
    );
}

/// A Gatekeeper whose usage counter counts another action than the license limit it fills
/// (`limit ... for ACTION`) blocks every decision, naming the counter: the count it would
/// fill in is not the limit's (found in review).
#[test]
fn a_gatekeeper_counting_the_wrong_action_for_a_limit_blocks() {
    use gavel::audit::{Period, UsageCounter};
    let policy = gavel::Policy::from_str(
        "policy \"p\"\nenvironments dev -> prod\nactions create_project\n\
         license starter {\n  limit projects_per_month 5 for create_project\n}\n\
         default auto_approve\n",
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let log = gavel::audit::AuditLog::open(
        dir.path().join("audit.jsonl"),
        gavel::audit::KeyRing::new(gavel::audit::AuditKey::generate().unwrap()),
    )
    .unwrap();
    let request = gavel::Request::from_json(
        br#"{"action":"create_project","environment":"dev","actor":{"id":"dev","kind":"human"}}"#,
    )
    .unwrap();
    let mut context = gavel::Context::at(jiff::Timestamp::now());
    context.license = Some(gavel::eval::LicenseVerdict::Valid {
        tier: "starter".into(),
        org: "acme".into(),
        expires_at: "2099-01-01T00:00:00Z".parse().unwrap(),
    });
    let wrong = gavel::audit::Gatekeeper::new(
        policy.clone(),
        gavel::sign::Signer::new(gavel::keys::PrivateKey::from_seed(&[9; 32])),
        log,
    )
    .with_usage(UsageCounter::new(
        "projects_per_month",
        Some("deploy"),
        Period::Month,
    ));
    let gated = wrong.decide_with(&request, context.clone());
    assert_eq!(gated.decision.outcome, gavel::DecisionOutcome::Block);
    // The same through the log's own decide_and_record, given the policy.
    let other = tempfile::tempdir().unwrap();
    let log = gavel::audit::AuditLog::open(
        other.path().join("audit.jsonl"),
        gavel::audit::KeyRing::new(gavel::audit::AuditKey::generate().unwrap()),
    )
    .unwrap()
    .with_policy(&policy);
    let prepared = PreparedRequest::new(request.clone());
    let counter = UsageCounter::new("projects_per_month", Some("deploy"), Period::Month);
    let gated = log.decide_and_record(&prepared, context.clone(), &[counter], |ctx| {
        policy.decide_prepared(&prepared, ctx)
    });
    assert_eq!(gated.decision.outcome, gavel::DecisionOutcome::Block);
    assert_eq!(gated.decision.errors[0].location, "usage counter");
    // Every tier's limit is checked: one tier's matching limit does not cover another's.
    let tiers = gavel::Policy::from_str(
        "policy \"p\"\nactions create_project\n\
         license starter {\n  limit projects_per_month 5 for create_project\n}\n\
         license pro {\n  limit projects_per_month 50 for deploy\n}\n",
    )
    .unwrap();
    let counter = UsageCounter::new("projects_per_month", Some("create_project"), Period::Month);
    let why = counter
        .mismatch(tiers.checked())
        .expect("pro counts deploys");
    assert!(why.contains("the `pro` license tier"), "{why}");
    assert_eq!(gated.decision.errors[0].location, "usage counter");
    assert!(
        gated.decision.errors[0].error.contains(
            "limits `projects_per_month` for `create_project`, and this counter counts `deploy`"
        ),
        "{:?}",
        gated.decision.errors
    );
}
