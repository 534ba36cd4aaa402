//! What `decide` and `Gatekeeper` check in a `Context` an embedding service fills itself
//! (found by QA of the library API): an override names a real approver in a role that may
//! override; an expired license grants nothing; a request cannot date its approval window
//! into the future; the gatekeeper keeps the caller's halt and signs what it returns.

use gavel::audit::{AuditKey, AuditLog, Gatekeeper, KeyRing};
use gavel::eval::{HaltState, LicenseVerdict, Override};
use gavel::keys::PrivateKey;
use gavel::sign::{Signer, Verifier};
use gavel::{Context, DecisionOutcome, Policy, Request};

const POLICY: &str = r#"policy "p"
environments dev -> prod
roles admin, lead
approver "alice" roles admin, lead key "ed25519:WxS2wFwZ/2OmFMeaJ+E250HCqshlnWuT+E0PltapeAA="
approver "bob" roles lead key "ed25519:IGRuq8g82PW3zmamD7pTVJfNSAeESEamr98mxNc2gT0="
override by admin
license starter {
  environments dev
}
license pro {
  environments dev, prod
}
default require 1 approval from lead within 1h
rule agents "Agents never deploy to prod" {
  when actor.kind == agent and environment == prod
  then block "agents do not deploy to prod"
}
"#;

fn now() -> jiff::Timestamp {
    "2026-06-01T12:00:00Z".parse().unwrap()
}

fn agent_deploy() -> Request {
    Request::from_json(
        br#"{"action":"deploy","environment":"prod","actor":{"id":"agent-7","kind":"agent"}}"#,
    )
    .unwrap()
}

fn pro(expires_at: &str) -> Option<LicenseVerdict> {
    Some(LicenseVerdict::Valid {
        tier: "pro".into(),
        org: "acme".into(),
        expires_at: expires_at.parse().unwrap(),
    })
}

fn override_by(by: &str, role: &str) -> Option<Override> {
    Some(Override {
        by: by.into(),
        role: role.into(),
        reason: "outage".into(),
        at: now(),
    })
}

#[test]
fn an_override_counts_only_from_a_declared_approver_in_an_overriding_role() {
    let policy = Policy::from_str(POLICY).unwrap();
    for (by, role, why) in [
        ("mallory", "admin", "`mallory` is not a declared approver"),
        ("bob", "admin", "`bob` does not hold role `admin`"),
        ("alice", "lead", "role `lead` may not override"),
    ] {
        let mut context = Context::at(now());
        context.license = pro("2027-01-01T00:00:00Z");
        context.override_ = override_by(by, role);
        let decision = policy.decide(&agent_deploy(), &context);
        assert_eq!(decision.outcome, DecisionOutcome::Block, "{by} as {role}");
        assert!(!decision.authorizes);
        assert!(
            decision
                .reasons
                .iter()
                .any(|r| r.contains(&format!("override by {by} ignored: {why}"))),
            "{by} as {role}: {:?}",
            decision.reasons
        );
        let ignored = &decision.ignored_approvals;
        assert!(
            ignored
                .iter()
                .any(|i| i.approver == by && i.kind == "override_not_allowed"),
            "{by} as {role}: {ignored:?}"
        );
    }
    let mut context = Context::at(now());
    context.license = pro("2027-01-01T00:00:00Z");
    context.override_ = override_by("alice", "admin");
    let decision = policy.decide(&agent_deploy(), &context);
    assert_eq!(decision.outcome, DecisionOutcome::Approved);
    assert!(decision.authorizes);
}

#[test]
fn an_expired_license_verdict_grants_nothing() {
    let policy = Policy::from_str(POLICY).unwrap();
    let request = Request::from_json(
        br#"{"action":"deploy","environment":"prod","actor":{"id":"dev","kind":"human"}}"#,
    )
    .unwrap();
    let mut context = Context::at(now());
    context.license = pro("2026-01-01T00:00:00Z");
    let decision = policy.decide(&request, &context);
    assert_eq!(decision.outcome, DecisionOutcome::Block);
    let license = decision.license.expect("license report");
    assert!(!license.allowed);
    assert_eq!(
        license.denial.as_deref(),
        Some("the license expired at 2026-01-01T00:00:00Z")
    );
    // Still valid: the same request is only gated by the default.
    context.license = pro("2027-01-01T00:00:00Z");
    assert_eq!(
        policy.decide(&request, &context).outcome,
        DecisionOutcome::RequireApproval
    );
}

#[test]
fn a_request_cannot_start_its_approval_window_in_the_future() {
    let policy = Policy::from_str(POLICY).unwrap();
    let mut context = Context::at(now());
    context.license = pro("2027-01-01T00:00:00Z");
    let dated = |at: &str| {
        Request::from_json(
            format!(
                r#"{{"action":"deploy","environment":"dev","actor":{{"id":"dev","kind":"human"}},"requested_at":"{at}"}}"#
            )
            .as_bytes(),
        )
        .unwrap()
    };
    let decision = policy.decide(&dated("2099-01-01T00:00:00Z"), &context);
    assert_eq!(decision.outcome, DecisionOutcome::Block);
    let error = decision.input_error.expect("input error");
    assert_eq!(error.field.as_deref(), Some("requested_at"));
    assert!(
        error.message.contains("cannot start in the future"),
        "{}",
        error.message
    );
    // Clock skew of a few minutes is tolerated; the past is fine.
    for at in ["2026-06-01T12:04:00Z", "2026-06-01T11:00:00Z"] {
        assert_eq!(
            policy.decide(&dated(at), &context).outcome,
            DecisionOutcome::RequireApproval,
            "{at}"
        );
    }
}

fn gatekeeper(dir: &std::path::Path, signing: &PrivateKey) -> Gatekeeper {
    let policy = Policy::from_str(POLICY).unwrap();
    let log = AuditLog::open(
        dir.join("audit.jsonl"),
        KeyRing::new(AuditKey::generate().unwrap()),
    )
    .unwrap();
    Gatekeeper::new(policy, Signer::new(signing.clone()), log)
}

#[test]
fn the_gatekeeper_signs_its_decisions_and_keeps_the_callers_halt() {
    let dir = tempfile::tempdir().unwrap();
    let signing = PrivateKey::from_seed(&[7; 32]);
    let gk = gatekeeper(dir.path(), &signing);
    let request = Request::from_json(
        br#"{"action":"deploy","environment":"dev","actor":{"id":"dev","kind":"human"}}"#,
    )
    .unwrap();
    let mut context = Context::at(now());
    context.license = pro("2027-01-01T00:00:00Z");
    let gated = gk.decide_with(&request, context.clone());
    assert!(gated.error.is_none());
    let verifier = Verifier::new([signing.public_key()]);
    gated
        .decision
        .verify(&verifier)
        .expect("the returned decision verifies");

    context.halt = Some(HaltState {
        by: "ops".into(),
        at: now(),
        reason: "incident".into(),
    });
    let halted = gk.decide_with(&request, context);
    assert_eq!(halted.decision.outcome, DecisionOutcome::Block);
    assert_eq!(
        halted.decision.halt.as_ref().map(|h| h.by.as_str()),
        Some("ops")
    );
    halted.decision.verify(&verifier).expect("signed");
}

#[test]
fn self_approval_is_caught_whatever_the_case_of_the_id() {
    // And whatever spaces surround the actor's id (an approver's id has none: E0054).
    for actor in ["Alice", " alice ", "  ALICE "] {
        self_approval_is_caught_for(actor);
    }
    // An id with a control character (a tab) is refused outright: it would not read as
    // what it is.
    let policy = Policy::from_str(POLICY).unwrap();
    let request = Request::from_json(
        serde_json::json!({
            "action": "deploy", "environment": "dev", "actor": {"id": "ALICE\t", "kind": "human"}
        })
        .to_string()
        .as_bytes(),
    )
    .unwrap();
    let decision = policy.decide(&request, &Context::at(now()));
    assert_eq!(decision.outcome, DecisionOutcome::Block);
    assert_eq!(
        decision.input_error.and_then(|e| e.field).as_deref(),
        Some("actor.id")
    );
}

fn self_approval_is_caught_for(actor: &str) {
    let policy = Policy::from_str(POLICY).unwrap();
    let request = Request::from_json(
        serde_json::json!({
            "action": "deploy", "environment": "dev", "actor": {"id": actor, "kind": "human"}
        })
        .to_string()
        .as_bytes(),
    )
    .unwrap();
    let mut context = Context::at(now());
    context.license = pro("2027-01-01T00:00:00Z");
    context.approvals = vec![
        serde_json::from_value(serde_json::json!({
            "approver": "alice", "role": "lead", "verdict": "approve",
            "issued_at": "2026-06-01T11:59:00Z"
        }))
        .unwrap(),
    ];
    let decision = policy.decide(&request, &context);
    assert_eq!(decision.outcome, DecisionOutcome::RequireApproval);
    assert_eq!(
        decision
            .ignored_approvals
            .iter()
            .map(|i| i.kind.as_str())
            .collect::<Vec<_>>(),
        ["self_approval"]
    );
}

#[test]
fn a_usage_count_out_of_range_in_the_context_blocks_naming_the_counter() {
    use gavel::limits::MAX_USAGE_COUNT;
    let reads = Policy::from_str(
        "policy \"u\"\nrule u {\n  when usage.calls > 5\n  then notify \"calls {usage.calls}\"\n}\n\
         default auto_approve\n",
    )
    .unwrap();
    let ignores = Policy::from_str("policy \"i\"\ndefault auto_approve\n").unwrap();
    // The request's own count is in range; the caller's, the larger, is not.
    let request = Request::from_json(
        br#"{"action":"apply_patch","actor":{"id":"a","kind":"agent"},"usage":{"calls":1}}"#,
    )
    .unwrap();
    for policy in [&reads, &ignores] {
        for count in [MAX_USAGE_COUNT + 1, u64::MAX] {
            let mut context = Context::at(now());
            context.usage.insert("calls".into(), count);
            let decision = policy.decide(&request, &context);
            assert_eq!(decision.outcome, DecisionOutcome::Block, "{count}");
            assert!(!decision.authorizes);
            let error = decision.input_error.as_ref().unwrap();
            assert_eq!(error.field.as_deref(), Some("usage.calls"));
            assert_eq!(
                error.message,
                format!(
                    "{count}, more than the limit of {MAX_USAGE_COUNT} (the caller's count, \
                     `Context::usage`)"
                )
            );
            assert!(decision.errors.is_empty(), "{:?}", decision.errors);
        }
    }
    // At the limit: decided, the caller's count read.
    let mut context = Context::at(now());
    context.usage.insert("calls".into(), MAX_USAGE_COUNT);
    let decision = reads.decide(&request, &context);
    assert!(decision.input_error.is_none() && decision.errors.is_empty());
    assert_eq!(decision.reasons, vec![format!("calls {MAX_USAGE_COUNT}")]);
}

/// The caller's count is a floor under the request's, never a replacement: a request that
/// states more usage than the caller counted is held to what it states (an audit log that
/// has seen none of a request's usage used to lower its count to 0), and one that states
/// less is held to the caller's count.
#[test]
fn the_callers_usage_count_raises_the_requests_and_never_lowers_it() {
    let policy = Policy::from_str(
        "policy \"u\"\nrule u {\n  when usage.calls >= 5\n  then block \"calls {usage.calls}\"\n}\n\
         default auto_approve\n",
    )
    .unwrap();
    let request = |calls: u64| {
        Request::from_json(
            format!(
                r#"{{"action":"apply_patch","actor":{{"id":"a","kind":"agent"}},"usage":{{"calls":{calls}}}}}"#
            )
            .as_bytes(),
        )
        .unwrap()
    };
    let decide = |stated: u64, counted: Option<u64>| {
        let mut context = Context::at(now());
        if let Some(counted) = counted {
            context.usage.insert("calls".into(), counted);
        }
        let decision = policy.decide(&request(stated), &context);
        assert!(decision.input_error.is_none() && decision.errors.is_empty());
        (decision.outcome, decision.reasons)
    };
    let blocked = |calls: u64| {
        (
            DecisionOutcome::Block,
            vec![format!("calls {calls} (rule `u`)")],
        )
    };
    let allowed = (DecisionOutcome::AutoApprove, Vec::new());
    assert_eq!(decide(7, None), blocked(7));
    assert_eq!(decide(7, Some(0)), blocked(7));
    assert_eq!(decide(7, Some(9)), blocked(9));
    assert_eq!(decide(1, Some(6)), blocked(6));
    assert_eq!(decide(1, Some(2)), allowed);
    assert_eq!(decide(4, Some(4)), allowed);
}

/// A usage limit names the count and whether it is at or over the tier's limit.
#[test]
fn a_usage_limit_says_at_or_over() {
    let policy = Policy::from_str(
        "policy \"u\"\nlicense starter {\n  limit runs_per_month 2\n}\ndefault auto_approve\n",
    )
    .unwrap();
    let request =
        Request::from_json(br#"{"action":"apply_patch","actor":{"id":"a","kind":"agent"}}"#)
            .unwrap();
    for (used, said) in [
        (
            2,
            "usage `runs_per_month` is 2, at the `starter` tier's limit of 2",
        ),
        (
            3,
            "usage `runs_per_month` is 3, over the `starter` tier's limit of 2",
        ),
    ] {
        let mut context = Context::at(now());
        context.license = Some(LicenseVerdict::Valid {
            tier: "starter".into(),
            org: "acme".into(),
            expires_at: "2027-01-01T00:00:00Z".parse().unwrap(),
        });
        context.usage.insert("runs_per_month".into(), used);
        let d = policy.decide(&request, &context);
        assert_eq!(d.outcome, DecisionOutcome::Block);
        assert!(
            d.reasons.iter().any(|r| r.contains(said)),
            "{:?}",
            d.reasons
        );
    }
}

/// What reading a request document refuses is refused in a request built in code too, and
/// what the caller puts in the context reaches the summary on one line (found by QA of the
/// library API: a code-built request with 300 usage counters was auto-approved, and a halt's
/// `by` with a newline forged a second summary line).
#[test]
fn code_built_requests_and_contexts_are_held_to_the_documents_rules() {
    let policy = Policy::from_str("policy \"p\"\ndefault auto_approve\n").unwrap();
    let base = || {
        Request::from_json(br#"{"action":"apply_patch","actor":{"id":"a","kind":"agent"}}"#)
            .unwrap()
    };
    let field = |request: &Request, context: &Context| {
        let d = policy.decide(request, context);
        assert_eq!(d.outcome, DecisionOutcome::Block, "{d:#?}");
        d.input_error.and_then(|e| e.field).unwrap_or_default()
    };
    let context = Context::at(now());
    let mut many = base();
    for i in 0..300 {
        many.usage.as_map_mut().insert(format!("c{i}"), 1);
    }
    assert_eq!(field(&many, &context), "usage");
    let mut long_key = base();
    long_key.usage.as_map_mut().insert("k".repeat(70_000), 1);
    assert!(field(&long_key, &context).starts_with("usage.kkk"));
    let mut nul = base();
    nul.license = serde_json::from_str(r#"{"tier":"pro","org":"a\u0000b"}"#).unwrap();
    assert_eq!(field(&nul, &context), "license.org");
    // The caller's own window start cannot lie in the future either.
    let mut later = Context::at(now());
    later.requested_at = Some("2036-06-01T12:00:00Z".parse().unwrap());
    assert_eq!(field(&base(), &later), "context.requested_at");
    // A verified license given to a policy without tiers says so.
    let mut licensed = Context::at(now());
    licensed.license = Some(LicenseVerdict::Valid {
        tier: "pro".into(),
        org: "acme".into(),
        expires_at: "2027-01-01T00:00:00Z".parse().unwrap(),
    });
    let d = policy.decide(&base(), &licensed);
    assert!(
        d.summary
            .contains("the license is tier `pro`, but this policy has no license tiers"),
        "{}",
        d.summary
    );
    // Text from the context stays on one line.
    let mut halted = Context::at(now());
    halted.halt = Some(HaltState {
        by: "ops\nAPPROVED: all clear".into(),
        at: now(),
        reason: "maintenance".into(),
    });
    let d = policy.decide(&base(), &halted);
    assert!(!d.summary.contains('\n'), "{}", d.summary);
    assert!(
        d.summary.contains("halted by ops\\nAPPROVED"),
        "{}",
        d.summary
    );
    let mut invalid = Context::at(now());
    invalid.license = Some(LicenseVerdict::Invalid {
        reason: "expired\nAPPROVED".into(),
    });
    let d = policy.decide(&base(), &invalid);
    assert!(!d.summary.contains('\n'), "{}", d.summary);
    assert!(
        d.reasons.iter().all(|r| !r.contains('\n')),
        "{:?}",
        d.reasons
    );
}

/// Found by QA: an ignored override's line was among the `reasons` of a decision that
/// proceeds, which for `notify` are the notifications to send. It is listed with the
/// ignored credentials instead; the notification is the only reason.
#[test]
fn an_ignored_override_is_no_notification() {
    let policy = Policy::from_str(
        "policy \"p\"\nroles admin\napprover \"alice\" roles admin key \"ed25519:WxS2wFwZ/2OmFMeaJ+E250HCqshlnWuT+E0PltapeAA=\"\noverride by admin\ndefault notify \"chan\"\n",
    )
    .unwrap();
    for (by, reason, kind) in [
        ("mallory", "outage", "override_not_allowed"),
        ("alice", " \u{200b}", "override_without_reason"),
    ] {
        let mut context = Context::at(now());
        context.override_ = Some(Override {
            reason: reason.into(),
            ..override_by(by, "admin").unwrap()
        });
        let request =
            Request::from_json(br#"{"action":"deploy","actor":{"id":"a","kind":"agent"}}"#)
                .unwrap();
        let decision = policy.decide(&request, &context);
        assert_eq!(
            decision.outcome,
            DecisionOutcome::Notify,
            "{by}: {}",
            decision.summary
        );
        assert_eq!(decision.reasons, ["chan"], "{by}");
        assert_eq!(decision.ignored_approvals.len(), 1, "{by}");
        assert_eq!(decision.ignored_approvals[0].kind, kind);
        assert!(
            decision.ignored_approvals[0]
                .reason
                .starts_with(&format!("override by {by} ignored: ")),
            "{:?}",
            decision.ignored_approvals
        );
    }
}
