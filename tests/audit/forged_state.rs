//! Resumes and overrides count only when signed by the key the policy declares for the
//! approver they name. Their MAC only shows that someone with the audit key wrote them — and
//! the deciding service holds that key (found by QA: an override record written with any key
//! in an admin's name let a blocked request through).

use gavel::audit::{AuditKey, AuditLog, Authorized, Gatekeeper, KeyRing, Power, authorize};
use gavel::keys::PrivateKey;
use gavel::sign::Signer;
use gavel::{Context, DecisionOutcome, Policy, Request};

fn key(seed: u8) -> PrivateKey {
    PrivateKey::from_seed(&[seed; 32])
}

fn policy() -> Policy {
    Policy::from_str(&format!(
        "policy \"ops\"\nenvironments dev -> prod\nroles admin\n\
         approver \"alice\" roles admin key \"{}\"\n\
         halt {{\n  by admin\n  resume by admin\n}}\noverride by admin\n\
         default auto_approve\n\
         rule agents \"Agents never deploy to prod\" {{\n  when actor.kind == agent and environment == prod\n  then block \"no\"\n}}\n",
        key(1).public_key().to_gavel_string()
    ))
    .unwrap()
}

fn request() -> Request {
    Request::from_json(
        br#"{"action":"deploy","environment":"prod","actor":{"id":"agent-7","kind":"agent"}}"#,
    )
    .unwrap()
}

fn gatekeeper(dir: &std::path::Path) -> Gatekeeper {
    let log = AuditLog::open(
        dir.join("audit.jsonl"),
        KeyRing::new(AuditKey::generate().unwrap()),
    )
    .unwrap();
    Gatekeeper::new(policy(), Signer::new(key(9)), log)
}

/// Alice's authority as someone without her key would claim it.
fn forged(genuine: &Authorized, power: Power) -> Authorized {
    let mallory = key(66);
    Authorized {
        key: mallory.public_key(),
        signer: Signer::new(mallory),
        power,
        ..genuine.clone()
    }
}

fn now() -> jiff::Timestamp {
    jiff::Timestamp::now()
}

#[test]
fn an_override_in_an_approvers_name_but_not_her_key_does_not_count() {
    let dir = tempfile::tempdir().unwrap();
    let gk = gatekeeper(dir.path());
    let alice = authorize(&policy(), Power::Override, "alice", None, &key(1)).unwrap();
    gk.log()
        .record_override(
            &forged(&alice, Power::Override),
            &request(),
            "trust me",
            None,
        )
        .unwrap();
    let gated = gk.decide_with(&request(), Context::at(now()));
    assert_eq!(gated.decision.outcome, DecisionOutcome::Block);
    assert!(gated.decision.override_.is_none());
    let ignored = &gated.decision.ignored_approvals;
    assert!(
        ignored.iter().any(|i| i.kind == "override_not_signed"
            && i.reason
                .contains("not signed by the key the policy declares for `alice`")),
        "{ignored:?}"
    );
    // Alice's own override, with her key, counts.
    gk.log()
        .record_override(&alice, &request(), "outage 7", None)
        .unwrap();
    let gated = gk.decide_with(&request(), Context::at(now()));
    assert_eq!(gated.decision.outcome, DecisionOutcome::Approved);
    assert!(gated.decision.authorizes);
}

#[test]
fn a_resume_in_an_approvers_name_but_not_her_key_leaves_the_halt_in_force() {
    let dir = tempfile::tempdir().unwrap();
    let gk = gatekeeper(dir.path());
    let policy = policy();
    let docs = Request::from_json(
        br#"{"action":"deploy","environment":"dev","actor":{"id":"dev","kind":"human"}}"#,
    )
    .unwrap();
    let halter = authorize(&policy, Power::Halt, "alice", None, &key(1)).unwrap();
    gk.log().halt(&halter, "incident 9").unwrap();
    let resumer = authorize(&policy, Power::Resume, "alice", None, &key(1)).unwrap();
    gk.log()
        .resume(
            &policy,
            &forged(&resumer, Power::Resume),
            "fixed?",
            &[],
            now(),
        )
        .unwrap();
    let gated = gk.decide_with(&docs, Context::at(now()));
    assert_eq!(gated.decision.outcome, DecisionOutcome::Block);
    let halt = gated.decision.halt.as_ref().expect("still halted");
    assert!(
        halt.reason
            .starts_with("incident 9 (still in force: the resume at seq"),
        "{}",
        halt.reason
    );
    // The way out: halt and resume again, with the real key.
    gk.log().halt(&halter, "incident 9, again").unwrap();
    gk.log()
        .resume(&policy, &resumer, "fixed", &[], now())
        .unwrap();
    let gated = gk.decide_with(&docs, Context::at(now()));
    assert_eq!(gated.decision.outcome, DecisionOutcome::AutoApprove);
}

/// A policy where carol (key 2) is an approver who may not resume, and a resume needs one
/// approval from a security lead (`with_gate`) or none.
fn strict_policy(with_gate: bool) -> Policy {
    Policy::from_str(&format!(
        "policy \"ops\"\nenvironments dev -> prod\nroles admin, seclead\n\
         approver \"alice\" roles admin key \"{}\"\n\
         approver \"carol\" roles seclead key \"{}\"\n\
         halt {{\n  by admin\n  resume by admin\n{}}}\n\
         default auto_approve\n",
        key(1).public_key().to_gavel_string(),
        key(2).public_key().to_gavel_string(),
        if with_gate {
            "  resume require 1 approval from seclead\n"
        } else {
            ""
        },
    ))
    .unwrap()
}

fn docs() -> Request {
    Request::from_json(
        br#"{"action":"deploy","environment":"dev","actor":{"id":"dev","kind":"human"}}"#,
    )
    .unwrap()
}

/// Found by QA: a resume record signed with the declared key of an approver the policy
/// does not let resume lifted the halt — the record's signature was checked, its role not.
#[test]
fn a_resume_by_an_approver_whose_role_may_not_resume_leaves_the_halt_in_force() {
    let dir = tempfile::tempdir().unwrap();
    let policy = strict_policy(false);
    let log = AuditLog::open(
        dir.path().join("audit.jsonl"),
        KeyRing::new(AuditKey::generate().unwrap()),
    )
    .unwrap();
    let gk = Gatekeeper::new(policy.clone(), Signer::new(key(9)), log);
    let halter = authorize(&policy, Power::Halt, "alice", None, &key(1)).unwrap();
    gk.log().halt(&halter, "incident 12").unwrap();
    // Carol signs with her own declared key, in her own role — which may not resume.
    let carol = Authorized {
        id: "carol".into(),
        role: "seclead".into(),
        key: key(2).public_key(),
        signer: Signer::new(key(2)),
        power: Power::Resume,
        ..halter.clone()
    };
    gk.log()
        .resume(&policy, &carol, "looks fine", &[], now())
        .unwrap();
    let gated = gk.decide_with(&docs(), Context::at(now()));
    assert_eq!(gated.decision.outcome, DecisionOutcome::Block);
    let reason = &gated.decision.halt.as_ref().expect("still halted").reason;
    assert!(
        reason.contains("does not count: role `seclead` may not resume (the policy allows admin)"),
        "{reason}"
    );
}

/// Found by QA: a resume record without the approvals the policy's `resume require` asks
/// for lifted the halt. The approvals it carries are counted again against the policy.
#[test]
fn a_resume_without_the_required_approvals_leaves_the_halt_in_force() {
    let dir = tempfile::tempdir().unwrap();
    let strict = strict_policy(true);
    let log = AuditLog::open(
        dir.path().join("audit.jsonl"),
        KeyRing::new(AuditKey::generate().unwrap()),
    )
    .unwrap();
    let gk = Gatekeeper::new(strict.clone(), Signer::new(key(9)), log);
    let halter = authorize(&strict, Power::Halt, "alice", None, &key(1)).unwrap();
    gk.log().halt(&halter, "incident 13").unwrap();
    let resumer = authorize(&strict, Power::Resume, "alice", None, &key(1)).unwrap();
    // Refused when written against the policy...
    assert!(
        gk.log()
            .resume(&strict, &resumer, "fixed", &[], now())
            .is_err()
    );
    // ...and written anyway by a caller that passes a lenient one.
    gk.log()
        .resume(&strict_policy(false), &resumer, "fixed", &[], now())
        .unwrap();
    let gated = gk.decide_with(&docs(), Context::at(now()));
    assert_eq!(gated.decision.outcome, DecisionOutcome::Block);
    let reason = &gated.decision.halt.as_ref().expect("still halted").reason;
    assert!(reason.contains("does not count: "), "{reason}");
    assert!(reason.contains("seclead"), "{reason}");
}

/// Found by QA: under `--require-signed`, a halt, resume or override record signed by the
/// key it names itself passed — and whoever holds the audit key can rewrite such a record,
/// name their own key and sign it. Required signatures must be by a trusted key; the
/// policy's own approver keys are.
#[test]
fn a_record_signed_by_a_key_only_it_names_is_a_finding_when_signatures_are_required() {
    use gavel::audit::{TamperKind, VerifyOptions, verify_path};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let ring = KeyRing::new(AuditKey::generate().unwrap());
    let log = AuditLog::open(&path, ring.clone())
        .unwrap()
        .with_signer(Signer::new(key(9)));
    let policy = policy();
    let alice = authorize(&policy, Power::Halt, "alice", None, &key(1)).unwrap();
    // Alice's own halt, then one in her name signed by a key only that record names.
    log.halt(&alice, "incident 1").unwrap();
    let resumer = authorize(&policy, Power::Resume, "alice", None, &key(1)).unwrap();
    log.resume(&policy, &resumer, "fixed", &[], now()).unwrap();
    log.halt(&forged(&alice, Power::Halt), "EVIL").unwrap();
    let verify = |trusted: Vec<gavel::keys::PublicKey>, require_signed: bool| {
        verify_path(
            &path,
            &ring,
            VerifyOptions {
                signatures: true,
                trusted,
                require_signed,
                ..VerifyOptions::default()
            },
        )
        .unwrap()
    };
    let trusted = vec![key(1).public_key(), key(9).public_key()];
    // Counted as a signature by a key the log names, without the requirement.
    assert!(verify(trusted.clone(), false).intact());
    let report = verify(trusted.clone(), true);
    let f = report
        .finding
        .expect("the self-vouched signature must be a finding");
    assert_eq!((f.kind, f.seq), (TamperKind::BadSignature, 3));
    assert!(
        f.detail.contains("a key only the log itself names"),
        "{}",
        f.detail
    );
    // Without trusted keys even alice's genuine halt is only self-vouched.
    let f = verify(vec![key(9).public_key()], true).finding.unwrap();
    assert_eq!(f.seq, 1);
}

/// A policy where `bot`, declared `agent`, holds the roles that may halt and resume,
/// with `humans_only` on both clauses or on neither.
fn agent_policy(humans_only: bool) -> Policy {
    let only = if humans_only { " humans_only" } else { "" };
    Policy::from_str(&format!(
        "policy \"ops\"\nenvironments dev -> prod\nroles admin, on_call\n\
         approver \"alice\" roles admin key \"{}\"\n\
         approver \"bot\" roles on_call, admin agent key \"{}\"\n\
         halt {{\n  by on_call, admin{only}\n  resume by admin{only}\n}}\n\
         default auto_approve\n",
        key(1).public_key().to_gavel_string(),
        key(5).public_key().to_gavel_string()
    ))
    .unwrap()
}

/// `halt { by ... humans_only }` and `resume by ... humans_only` (seeds/003 §6.1: emergency
/// stop activation and deactivation always need a person): an approver declared `agent`
/// holding the role may neither halt nor resume. A resume record an agent wrote with its own
/// declared key, past `gavel resume`, leaves the halt in force.
#[test]
fn a_humans_only_halt_is_neither_made_nor_lifted_by_an_agent() {
    let policy = agent_policy(true);
    for power in [Power::Halt, Power::Resume] {
        let refused = authorize(&policy, power, "bot", None, &key(5)).unwrap_err();
        assert!(
            refused
                .to_string()
                .contains("`bot` is declared `agent`, and the policy lets only people"),
            "{refused}"
        );
        // Without `humans_only` the same agent may.
        authorize(&agent_policy(false), power, "bot", None, &key(5)).unwrap();
    }
    // Without `resume by`, whoever may halt resumes, on the same terms: humans only.
    let halt_only = Policy::from_str(&format!(
        "policy \"ops\"\nroles admin\napprover \"bot\" roles admin agent key \"{}\"\n\
         approver \"alice\" roles admin key \"{}\"\n\
         halt {{\n  by admin humans_only\n}}\ndefault auto_approve\n",
        key(5).public_key().to_gavel_string(),
        key(1).public_key().to_gavel_string()
    ))
    .unwrap();
    let refused = authorize(&halt_only, Power::Resume, "bot", None, &key(5)).unwrap_err();
    assert!(
        refused.to_string().contains("lets only people resume"),
        "{refused}"
    );
    authorize(&halt_only, Power::Resume, "alice", None, &key(1)).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let log = AuditLog::open(
        dir.path().join("audit.jsonl"),
        KeyRing::new(AuditKey::generate().unwrap()),
    )
    .unwrap();
    let gk = Gatekeeper::new(policy.clone(), Signer::new(key(9)), log);
    let alice = authorize(&policy, Power::Halt, "alice", None, &key(1)).unwrap();
    gk.log().halt(&alice, "incident 12").unwrap();
    let bot = Authorized {
        id: "bot".into(),
        role: "admin".into(),
        agent: true,
        key: key(5).public_key(),
        signer: Signer::new(key(5)),
        power: Power::Resume,
        ..alice.clone()
    };
    gk.log()
        .resume(&policy, &bot, "all clear", &[], now())
        .unwrap();
    let gated = gk.decide_with(&request(), Context::at(now()));
    assert_eq!(gated.decision.outcome, DecisionOutcome::Block);
    let reason = &gated.decision.halt.as_ref().expect("still halted").reason;
    assert!(
        reason.contains("does not count: `bot` is declared `agent`"),
        "{reason}"
    );
}
