//! Which approvals and rejections count toward which gate (found by QA of the gate logic):
//! a rejection is never dropped as a duplicate of its approver's approval, approvals issued
//! before a gate's window opened do not count, each approver counts once per gate (not once
//! per decision), and what is still needed names the scope it must cover.

use gavel::eval::{Verdict, VerifiedApproval};
use gavel::{Context, Decision, DecisionOutcome, Policy, Request};

use crate::support::{Cli, Workspace};

const KEY: &str = "ed25519:WxS2wFwZ/2OmFMeaJ+E250HCqshlnWuT+E0PltapeAA=";

/// Two gates on every prod request: `deploy` needs an admin whose approval covers
/// `deploy`, `review` any admin or lead.
fn policy() -> Policy {
    Policy::from_str(&format!(
        r#"policy "gates"
environments dev -> prod
roles admin, lead
approver "alice@example.com" roles admin, lead key "{KEY}"
approver "bob@example.com" roles lead key "ed25519:IGRuq8g82PW3zmamD7pTVJfNSAeESEamr98mxNc2gT0="
default auto_approve
rule deploy "Deploys need an admin who may deploy" {{
  when environment == prod
  then require 1 approval from admin within 1h scope deploy
}}
rule review "Prod changes are reviewed" {{
  when environment == prod
  then require 1 approval from admin, lead within 1h
}}
"#
    ))
    .unwrap()
}

fn at(t: &str) -> jiff::Timestamp {
    t.parse().unwrap()
}

fn request(requested_at: Option<&str>) -> Request {
    let at = requested_at
        .map(|t| format!(r#","requested_at":"{t}""#))
        .unwrap_or_default();
    Request::from_json(
        format!(
            r#"{{"action":"deploy","environment":"prod","actor":{{"id":"carol@example.com","kind":"human"}}{at}}}"#
        )
        .as_bytes(),
    )
    .unwrap()
}

fn credential(
    who: &str,
    role: &str,
    issued: &str,
    verdict: Verdict,
    scope: &[&str],
) -> VerifiedApproval {
    VerifiedApproval {
        approver: who.into(),
        role: role.into(),
        verdict,
        issued_at: at(issued),
        expires_at: None,
        scope: scope.iter().map(|s| s.to_string()).collect(),
        note: (verdict == Verdict::Reject).then(|| format!("no ({issued})")),
        credential: Some(format!("{who}@{issued}")),
    }
}

/// Decides a prod request made at 12:00 at 12:15 with `approvals`.
fn decide(approvals: Vec<VerifiedApproval>) -> Decision {
    let mut ctx = Context::at(at("2026-03-01T12:15:00Z"));
    ctx.approvals = approvals;
    policy().decide(&request(Some("2026-03-01T12:00:00Z")), &ctx)
}

fn ignored(d: &Decision) -> Vec<(String, String)> {
    d.ignored_approvals
        .iter()
        .map(|i| (i.credential.clone().unwrap_or_default(), i.kind.clone()))
        .collect()
}

fn counted(d: &Decision) -> Vec<(String, Verdict, Vec<String>)> {
    d.approvals
        .iter()
        .map(|a| {
            (
                a.credential.clone().unwrap_or_default(),
                a.verdict,
                a.gates.clone(),
            )
        })
        .collect()
}

const ALICE: &str = "alice@example.com";
const BOB: &str = "bob@example.com";

#[test]
fn a_later_rejection_by_an_approver_who_approved_rejects() {
    let d = decide(vec![
        credential(
            ALICE,
            "admin",
            "2026-03-01T12:05:00Z",
            Verdict::Approve,
            &["deploy"],
        ),
        credential(ALICE, "admin", "2026-03-01T12:10:00Z", Verdict::Reject, &[]),
    ]);
    assert_eq!(d.outcome, DecisionOutcome::Rejected, "{}", d.summary);
    assert!(!d.authorizes);
    assert_eq!(
        d.summary,
        "rejected by alice@example.com: no (2026-03-01T12:10:00Z)"
    );
    // The rejection counts; the approval it overrules is listed as a duplicate.
    assert_eq!(
        counted(&d),
        [(
            "alice@example.com@2026-03-01T12:10:00Z".to_string(),
            Verdict::Reject,
            vec!["deploy".to_string(), "review".to_string()]
        )]
    );
    assert_eq!(
        ignored(&d),
        [(
            "alice@example.com@2026-03-01T12:05:00Z".to_string(),
            "duplicate_approver".to_string()
        )]
    );
    assert!(d.gates.iter().all(|g| g.approved_by.is_empty()));
}

#[test]
fn a_rejection_stands_over_a_later_approval_by_the_same_approver() {
    let d = decide(vec![
        credential(ALICE, "admin", "2026-03-01T12:05:00Z", Verdict::Reject, &[]),
        credential(
            ALICE,
            "admin",
            "2026-03-01T12:10:00Z",
            Verdict::Approve,
            &["deploy"],
        ),
        credential(BOB, "lead", "2026-03-01T12:06:00Z", Verdict::Approve, &[]),
    ]);
    assert_eq!(d.outcome, DecisionOutcome::Rejected, "{}", d.summary);
    assert_eq!(
        ignored(&d),
        [(
            "alice@example.com@2026-03-01T12:10:00Z".to_string(),
            "duplicate_approver".to_string()
        )]
    );
    assert!(
        d.ignored_approvals[0].reason.contains("rejected"),
        "{}",
        d.ignored_approvals[0].reason
    );
}

#[test]
fn every_valid_rejection_is_listed_and_the_earliest_is_named() {
    // The order the credentials are given in does not matter.
    let d = decide(vec![
        credential(ALICE, "admin", "2026-03-01T12:10:00Z", Verdict::Reject, &[]),
        credential(ALICE, "lead", "2026-03-01T12:05:00Z", Verdict::Reject, &[]),
    ]);
    assert_eq!(d.outcome, DecisionOutcome::Rejected);
    assert_eq!(
        d.summary,
        "rejected by alice@example.com: no (2026-03-01T12:05:00Z)"
    );
    assert_eq!(d.approvals.len(), 2);
    assert!(d.approvals.iter().all(|a| a.verdict == Verdict::Reject));
    assert!(d.ignored_approvals.is_empty());
}

#[test]
fn approvals_issued_before_the_window_opened_do_not_count() {
    // The window opens at 12:00; five minutes of clock skew are allowed, as for issue times
    // after the decision time.
    let d = decide(vec![
        credential(
            ALICE,
            "admin",
            "2026-03-01T11:54:59Z",
            Verdict::Approve,
            &["deploy"],
        ),
        credential(BOB, "lead", "2026-03-01T11:55:00Z", Verdict::Approve, &[]),
    ]);
    assert_eq!(d.outcome, DecisionOutcome::RequireApproval, "{}", d.summary);
    assert_eq!(
        ignored(&d),
        [(
            "alice@example.com@2026-03-01T11:54:59Z".to_string(),
            "before_window".to_string()
        )]
    );
    assert_eq!(
        d.ignored_approvals[0].reason,
        "issued at 2026-03-01T11:54:59Z, before the gate's window opened at 2026-03-01T12:00:00Z"
    );
    let review = d.gates.iter().find(|g| g.rule == "review").unwrap();
    assert_eq!(review.approved_by, [BOB]);

    // A rejection is held to the window too.
    let d = decide(vec![credential(
        ALICE,
        "admin",
        "2026-03-01T11:00:00Z",
        Verdict::Reject,
        &[],
    )]);
    assert_eq!(d.outcome, DecisionOutcome::RequireApproval);
    assert_eq!(d.ignored_approvals[0].kind, "before_window");
}

#[test]
fn without_requested_at_the_window_opens_at_the_decision_time() {
    // Nothing says when the request was made: the window is counted from the decision time,
    // both its deadline and its start.
    let mut ctx = Context::at(at("2026-03-01T12:15:00Z"));
    ctx.approvals = vec![
        credential(
            ALICE,
            "admin",
            "2026-03-01T12:05:00Z",
            Verdict::Approve,
            &["deploy"],
        ),
        credential(BOB, "lead", "2026-03-01T12:11:00Z", Verdict::Approve, &[]),
    ];
    let d = policy().decide(&request(None), &ctx);
    assert_eq!(d.requested_at, Some(at("2026-03-01T12:15:00Z")));
    assert_eq!(
        d.gates[0].deadline,
        Some(at("2026-03-01T13:15:00Z")),
        "{:?}",
        d.gates
    );
    assert_eq!(
        ignored(&d),
        [(
            "alice@example.com@2026-03-01T12:05:00Z".to_string(),
            "before_window".to_string()
        )]
    );
    // A gate without `within` has no window: any time counts.
    let open = Policy::from_str(&format!(
        r#"policy "open"
environments dev -> prod
roles admin
approver "alice@example.com" roles admin key "{KEY}"
default require 1 approval from admin
"#
    ))
    .unwrap();
    ctx.approvals = vec![credential(
        ALICE,
        "admin",
        "2026-03-01T09:00:00Z",
        Verdict::Approve,
        &[],
    )];
    let d = open.decide(&request(Some("2026-03-01T12:00:00Z")), &ctx);
    assert_eq!(d.outcome, DecisionOutcome::Approved, "{}", d.summary);
}

#[test]
fn each_approver_counts_once_per_gate_with_any_credential_that_meets_it() {
    // Alice's unscoped approval meets `review` only; her later scoped one still meets
    // `deploy`, where she has not counted yet.
    let unscoped = credential(
        ALICE,
        "admin",
        "2026-03-01T12:02:00Z",
        Verdict::Approve,
        &[],
    );
    let scoped = credential(
        ALICE,
        "admin",
        "2026-03-01T12:05:00Z",
        Verdict::Approve,
        &["deploy"],
    );
    let again = credential(
        ALICE,
        "lead",
        "2026-03-01T12:07:00Z",
        Verdict::Approve,
        &["deploy"],
    );
    let d = decide(vec![again.clone(), scoped.clone(), unscoped.clone()]);
    assert_eq!(d.outcome, DecisionOutcome::Approved, "{}", d.summary);
    for gate in &d.gates {
        assert_eq!(gate.approved_by, [ALICE], "{}", gate.rule);
    }
    assert_eq!(
        counted(&d),
        [
            (
                "alice@example.com@2026-03-01T12:02:00Z".to_string(),
                Verdict::Approve,
                vec!["review".to_string()]
            ),
            (
                "alice@example.com@2026-03-01T12:05:00Z".to_string(),
                Verdict::Approve,
                vec!["deploy".to_string()]
            ),
        ]
    );
    // A credential that would meet only gates its approver already counted toward is a
    // duplicate.
    assert_eq!(
        ignored(&d),
        [(
            "alice@example.com@2026-03-01T12:07:00Z".to_string(),
            "duplicate_approver".to_string()
        )]
    );

    // The scoped credential alone meets both.
    let d = decide(vec![scoped]);
    assert_eq!(d.outcome, DecisionOutcome::Approved);
    assert_eq!(
        counted(&d)[0].2,
        vec!["deploy".to_string(), "review".to_string()]
    );

    // One approver still never meets a gate that needs two.
    let two = Policy::from_str(&format!(
        r#"policy "two"
environments dev -> prod
roles admin, lead
approver "alice@example.com" roles admin, lead key "{KEY}"
approver "bob@example.com" roles lead key "ed25519:IGRuq8g82PW3zmamD7pTVJfNSAeESEamr98mxNc2gT0="
default require 2 approvals from admin, lead
"#
    ))
    .unwrap();
    let mut ctx = Context::at(at("2026-03-01T12:15:00Z"));
    ctx.approvals = vec![unscoped, again];
    let d = two.decide(&request(Some("2026-03-01T12:00:00Z")), &ctx);
    assert_eq!(d.outcome, DecisionOutcome::RequireApproval);
    assert_eq!(d.gates[0].approved_by, [ALICE]);
    assert_eq!(d.ignored_approvals[0].kind, "duplicate_approver");
}

#[test]
fn what_is_still_needed_names_the_scope() {
    let d = decide(vec![credential(
        BOB,
        "lead",
        "2026-03-01T12:05:00Z",
        Verdict::Approve,
        &[],
    )]);
    assert_eq!(d.outcome, DecisionOutcome::RequireApproval);
    assert_eq!(
        d.summary,
        "needs 1 more approval from admin with scope deploy by 2026-03-01 13:00 UTC (`deploy`)"
    );
}

// ---------------------------------------------------------------------------------------
// The same through the CLI, with real credentials.

/// A workspace with keys for alice and bob and the two-gate policy with their keys, and a
/// pending decision (`decision.json`) for carol's prod deploy requested at 12:00.
fn workspace() -> Workspace {
    let (out, ws) = Cli::new()
        .args(["keys", "new", "alice", "--dir", "keys"])
        .run();
    out.code(0);
    ws.run(["keys", "new", "bob", "--dir", "keys"]).code(0);
    let key = |name: &str| ws.read(&format!("keys/{name}.pub")).trim().to_string();
    ws.write(
        "policies/main.gavel",
        format!(
            r#"policy "gates"
environments dev -> prod
roles admin, lead
approver "alice@example.com" roles admin, lead key "{alice}"
approver "bob@example.com" roles lead key "{bob}"
default auto_approve
rule deploy "Deploys need an admin who may deploy" {{
  when environment == prod
  then require 1 approval from admin within 1h scope deploy
}}
rule review "Prod changes are reviewed" {{
  when environment == prod
  then require 1 approval from admin, lead within 1h
}}
"#,
            alice = key("alice"),
            bob = key("bob"),
        ),
    );
    ws.write(
        "req.json",
        r#"{"action":"deploy","environment":"prod","actor":{"id":"carol@example.com","kind":"human"},"requested_at":"2026-03-01T12:00:00Z"}"#,
    );
    let out = eval(&ws, &[], "2026-03-01T12:00:00Z");
    out.code(2);
    ws.write("decision.json", &out.stdout);
    ws
}

fn eval(ws: &Workspace, credentials: &[&str], now: &str) -> crate::support::Output {
    let mut args = vec![
        "eval",
        "--request",
        "req.json",
        "--now",
        now,
        "--format",
        "json",
    ];
    for c in credentials {
        args.extend(["--approval", c]);
    }
    ws.run(args)
}

/// `gavel approve` (or `reject` when `reason` is given) as `who` at `now`.
fn sign(
    ws: &Workspace,
    who: &str,
    role: &str,
    now: &str,
    out: &str,
    scope: Option<&str>,
    reason: Option<&str>,
) -> crate::support::Output {
    let mut args = vec![
        if reason.is_some() {
            "reject"
        } else {
            "approve"
        },
        "decision.json",
        "--key",
        if who == ALICE {
            "keys/alice.key"
        } else {
            "keys/bob.key"
        },
        "--as",
        who,
        "--role",
        role,
        "--out",
        out,
        "--now",
        now,
        "--no-audit",
    ];
    if let Some(scope) = scope {
        args.extend(["--scope", scope]);
    }
    if let Some(reason) = reason {
        args.extend(["--reason", reason]);
    }
    ws.run(args)
}

#[test]
fn cli_approve_then_reject_by_the_same_approver_is_rejected() {
    let ws = workspace();
    sign(
        &ws,
        ALICE,
        "admin",
        "2026-03-01T12:05:00Z",
        "ok.json",
        Some("deploy"),
        None,
    )
    .code(0);
    sign(
        &ws,
        ALICE,
        "admin",
        "2026-03-01T12:10:00Z",
        "no.json",
        None,
        Some("found a bug"),
    )
    .code(0);
    let out = eval(&ws, &["ok.json", "no.json"], "2026-03-01T12:15:00Z");
    out.code(3);
    let json = out.json();
    assert_eq!(json["outcome"], "rejected");
    assert_eq!(
        json["summary"],
        "rejected by alice@example.com: found a bug"
    );
    assert_eq!(json["ignored_approvals"][0]["kind"], "duplicate_approver");
}

#[test]
fn cli_approve_refuses_to_sign_before_the_request_was_made() {
    let ws = workspace();
    sign(
        &ws,
        ALICE,
        "admin",
        "2026-03-01T11:54:59Z",
        "early.json",
        Some("deploy"),
        None,
    )
    .code(1)
    .stderr_has("refusing to issue an approval at 2026-03-01T11:54:59Z")
    .stderr_has("requested at 2026-03-01T12:00:00Z");
    assert!(!ws.path().join("early.json").exists());
    sign(
        &ws,
        BOB,
        "lead",
        "2026-03-01T11:00:00Z",
        "early.json",
        None,
        Some("no"),
    )
    .code(1)
    .stderr_has("refusing to issue a rejection");
    // Within the clock-skew tolerance it is issued, and counts.
    sign(
        &ws,
        ALICE,
        "admin",
        "2026-03-01T11:55:00Z",
        "skew.json",
        Some("deploy"),
        None,
    )
    .code(0);
    eval(&ws, &["skew.json"], "2026-03-01T12:15:00Z").code(0);
}

#[test]
fn cli_an_unscoped_approval_does_not_hide_a_later_scoped_one() {
    let ws = workspace();
    sign(
        &ws,
        ALICE,
        "admin",
        "2026-03-01T12:02:00Z",
        "plain.json",
        None,
        None,
    )
    .code(0);
    sign(
        &ws,
        ALICE,
        "admin",
        "2026-03-01T12:05:00Z",
        "scoped.json",
        Some("deploy"),
        None,
    )
    .code(0);
    let out = eval(&ws, &["plain.json", "scoped.json"], "2026-03-01T12:15:00Z");
    out.code(0);
    assert_eq!(out.json()["outcome"], "approved");
}

#[test]
fn cli_what_is_needed_names_the_scope_and_approve_warns_without_it() {
    let ws = workspace();
    let pending = ws.read("decision.json");
    let json: serde_json::Value = serde_json::from_str(&pending).unwrap();
    assert_eq!(
        json["summary"],
        "needs 1 more approval from admin with scope deploy by 2026-03-01 13:00 UTC (`deploy`); \
         and 1 more approval from admin or lead by 2026-03-01 13:00 UTC (`review`)"
    );
    ws.run([
        "eval",
        "--request",
        "req.json",
        "--now",
        "2026-03-01T12:00:00Z",
    ])
    .code(2)
    .stdout_has("to proceed: needs 1 more approval from admin with scope deploy by 2026-03-01 13:00 UTC (`deploy`)");

    // Without --scope the approval cannot meet `deploy`: it is written, with a warning.
    sign(
        &ws,
        ALICE,
        "admin",
        "2026-03-01T12:05:00Z",
        "plain.json",
        None,
        None,
    )
    .code(0)
    .stderr_has(
        "warning: gate `deploy` needs an approval with scope deploy; without --scope deploy \
             this approval will not count toward it (scope_insufficient)",
    );
    // With it, no warning; a rejection needs no scope.
    let out = sign(
        &ws,
        ALICE,
        "admin",
        "2026-03-01T12:06:00Z",
        "scoped.json",
        Some("deploy"),
        None,
    );
    out.code(0);
    assert!(
        !out.stderr_has("wrote").stderr.contains("warning: gate"),
        "{}",
        out.stderr
    );
    let out = sign(
        &ws,
        BOB,
        "lead",
        "2026-03-01T12:07:00Z",
        "no.json",
        None,
        Some("no"),
    );
    out.code(0);
    assert!(!out.stderr.contains("warning: gate"), "{}", out.stderr);
    // Nor for a gate the approver holds none of the roles of (bob is no admin).
    let out = sign(
        &ws,
        BOB,
        "lead",
        "2026-03-01T12:08:00Z",
        "bob.json",
        None,
        None,
    );
    out.code(0);
    assert!(!out.stderr.contains("warning: gate"), "{}", out.stderr);
}

/// Found by QA: an approval handed over in `Context` (an embedder's own verification, or a
/// `gavel test` case) still counted at its `expires_at` instant, while a credential expires
/// then. It expires at that instant here too.
#[test]
fn an_approval_in_the_context_expires_at_its_expires_at_instant() {
    let with_expiry = |expires: &str| {
        let mut approval = credential(
            ALICE,
            "admin",
            "2026-03-01T12:05:00Z",
            Verdict::Approve,
            &["deploy"],
        );
        approval.expires_at = Some(at(expires));
        decide(vec![approval])
    };
    // The decision is at 12:15.
    let valid = with_expiry("2026-03-01T12:15:01Z");
    assert_eq!(
        valid.outcome,
        DecisionOutcome::Approved,
        "{}",
        valid.summary
    );
    for expires in ["2026-03-01T12:15:00Z", "2026-03-01T12:14:59Z"] {
        let d = with_expiry(expires);
        assert_eq!(
            d.outcome,
            DecisionOutcome::RequireApproval,
            "{expires}: {}",
            d.summary
        );
        assert!(
            ignored(&d).contains(&(format!("{ALICE}@2026-03-01T12:05:00Z"), "expired".into())),
            "{expires}: {:?}",
            ignored(&d)
        );
    }
}

/// A window that would end after the latest time there is has no deadline, so it could
/// never expire: the decision blocks naming it (found by QA: it used to wait forever).
#[test]
fn a_window_ending_past_the_last_representable_time_blocks() {
    let policy = policy();
    let last = jiff::Timestamp::MAX;
    let late = last
        .checked_sub(jiff::SignedDuration::from_mins(30))
        .unwrap();
    let decision = policy.decide(&request(None), &Context::at(late));
    assert_eq!(decision.outcome, DecisionOutcome::Block);
    assert!(!decision.authorizes);
    assert_eq!(decision.errors.len(), 2, "{:?}", decision.errors);
    assert!(
        decision.errors[0]
            .location
            .contains("the approval window of rule `deploy`"),
        "{:?}",
        decision.errors
    );
    assert!(
        decision.errors[0].error.contains("1h from"),
        "{:?}",
        decision.errors
    );
    // Two hours before the end, the same gates have deadlines and the request waits.
    let earlier = last
        .checked_sub(jiff::SignedDuration::from_hours(2))
        .unwrap();
    let decision = policy.decide(&request(None), &Context::at(earlier));
    assert_eq!(decision.outcome, DecisionOutcome::RequireApproval);
    assert!(decision.gates.iter().all(|g| g.deadline.is_some()));
}

/// Found by a fail-open hunt: an actor id with an invisible character (`alice@example.com`
/// and a zero-width space) is not alice's id, so alice's approval of her own change counted.
/// Such an id is refused, as such paths are.
#[test]
fn an_actor_id_that_does_not_read_as_what_it_is_is_refused() {
    for (id, named) in [
        (
            "alice@example.com\u{200B}",
            "U+200B, an invisible character",
        ),
        (
            "alice@example.com\u{202E}",
            "U+202E, a bidirectional control",
        ),
        ("alice\u{7}@example.com", "U+0007, a control character"),
        // Invisible, and unassigned or variation selectors: nothing on screen either.
        (
            "alice@example.com\u{FE0F}",
            "U+FE0F, an invisible character",
        ),
        (
            "alice@example.com\u{2065}",
            "U+2065, an invisible character",
        ),
        (
            "alice@example.com\u{E0100}",
            "U+E0100, an invisible character",
        ),
    ] {
        let decision = decided_by_alice_for(id, "2026-03-01T12:30:00Z");
        assert_eq!(decision.outcome, DecisionOutcome::Block, "{id:?}");
        let error = decision.input_error.unwrap();
        assert_eq!(error.field.as_deref(), Some("actor.id"));
        assert!(
            error.message.contains(named) && error.message.contains("would not read as what it is"),
            "{}",
            error.message
        );
    }
    // A plain id, and one in another script, are ids like any other.
    for id in ["carol@example.com", "zoë@example.com", "山田"] {
        let request = Request::from_json(
            serde_json::json!({"action": "deploy", "environment": "dev", "actor": {"id": id, "kind": "human"}})
                .to_string()
                .as_bytes(),
        )
        .unwrap();
        let decision = policy().decide(&request, &Context::at(at("2026-03-01T12:30:00Z")));
        assert_eq!(decision.outcome, DecisionOutcome::AutoApprove, "{id}");
    }
}

/// Found by a fail-open hunt: a rejection whose credential had expired stopped counting, so
/// the same two credentials — a veto and an approval — gave `rejected` one minute and
/// `approved` the next. A rejection does not expire; an approval does.
#[test]
fn a_rejection_does_not_expire() {
    let mut veto = credential(
        "bob@example.com",
        "lead",
        "2026-03-01T12:05:00Z",
        Verdict::Reject,
        &[],
    );
    veto.expires_at = Some(at("2026-03-01T12:10:00Z"));
    let yes = credential(
        "alice@example.com",
        "admin",
        "2026-03-01T12:06:00Z",
        Verdict::Approve,
        &["deploy"],
    );
    let decision = decide(vec![veto.clone(), yes.clone()]);
    assert_eq!(
        decision.outcome,
        DecisionOutcome::Rejected,
        "{}",
        decision.summary
    );
    assert!(!decision.authorizes);
    // An approval whose credential expired does not count.
    let mut late = yes;
    late.expires_at = Some(at("2026-03-01T12:10:00Z"));
    let decision = decide(vec![late]);
    assert_eq!(decision.outcome, DecisionOutcome::RequireApproval);
    assert_eq!(
        ignored(&decision),
        [(
            "alice@example.com@2026-03-01T12:06:00Z".to_string(),
            "expired".to_string()
        )]
    );
}

/// Found by a fail-open hunt of the library: the requester's id spelled with an invisible
/// variation selector, decomposed accents or non-ASCII capitals read as someone else's, so
/// the requester's own approval counted. Ids are compared as one person's.
#[test]
fn self_approval_is_caught_however_the_requester_spells_the_id() {
    for actor in [
        "ALICE@EXAMPLE.COM",
        "\u{FF41}lice@example.com",
        " Alice@Example.com ",
    ] {
        let decision = decided_by_alice_for(actor, "2026-03-01T12:15:00Z");
        assert_eq!(
            decision.outcome,
            DecisionOutcome::RequireApproval,
            "{actor:?}"
        );
        assert_eq!(
            ignored(&decision),
            [(
                "alice@example.com@2026-03-01T12:10:00Z".to_string(),
                "self_approval".to_string()
            )],
            "{actor:?}"
        );
    }
}

/// A prod request by `actor` made at 12:00, decided at `now` with alice's approval (12:10).
fn decided_by_alice_for(actor: &str, now: &str) -> Decision {
    let request = Request::from_json(
        serde_json::json!({
            "action": "deploy", "environment": "prod",
            "actor": {"id": actor, "kind": "human"},
            "requested_at": "2026-03-01T12:00:00Z",
        })
        .to_string()
        .as_bytes(),
    )
    .unwrap();
    let mut context = Context::at(at(now));
    context.approvals = vec![credential(
        "alice@example.com",
        "admin",
        "2026-03-01T12:10:00Z",
        Verdict::Approve,
        &["deploy"],
    )];
    policy().decide(&request, &context)
}

/// Found by QA: two approvals built in code that differ only in fields the sort did not
/// compare (here the note; the credential id is absent) were counted in the order given,
/// so the same decision id named two different decisions. Every order now gives the same
/// JSON.
#[test]
fn approvals_equal_but_for_their_note_give_one_decision_in_any_order() {
    let approval = |note: &str| VerifiedApproval {
        note: Some(note.into()),
        credential: None,
        ..credential(
            ALICE,
            "admin",
            "2026-03-01T12:05:00Z",
            Verdict::Approve,
            &["deploy"],
        )
    };
    let bob = credential(BOB, "lead", "2026-03-01T12:06:00Z", Verdict::Approve, &[]);
    let json =
        |approvals: Vec<VerifiedApproval>| serde_json::to_string(&decide(approvals)).unwrap();
    let first = json(vec![approval("first"), approval("second"), bob.clone()]);
    for order in [
        vec![approval("second"), approval("first"), bob.clone()],
        vec![bob.clone(), approval("second"), approval("first")],
    ] {
        assert_eq!(json(order), first);
    }
    assert!(first.contains("\"approved\""), "{first}");
}
