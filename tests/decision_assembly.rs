//! How a decision is assembled from what the rules, the checks and the context say (found
//! by QA): what a break-glass override may lift, `reasons` holding every reason, `gates`
//! whenever a `require` fired, empty lists omitted, and what `default_applied` claims.

use gavel::eval::{HaltState, LicenseVerdict, Override};
use gavel::{Context, Decision, DecisionOutcome, Policy, Request};

const POLICY: &str = r#"policy "p"
environments dev -> staging -> prod
roles admin, lead
approver "alice" roles admin, lead key "ed25519:WxS2wFwZ/2OmFMeaJ+E250HCqshlnWuT+E0PltapeAA="
override by admin
license starter {
  environments dev, staging
}
license pro {
  environments dev, staging, prod
}
default require 1 approval from lead within 1h
rule agents "Agents never deploy to prod" {
  when actor.kind == agent and environment == prod
  then block "agents do not deploy to prod"
}
rule big {
  when lines.added * 100000000000 > 5
  then block "too big"
}
"#;

fn now() -> jiff::Timestamp {
    "2026-06-01T12:00:00Z".parse().unwrap()
}

fn request(json: &str) -> Request {
    Request::from_json(json.as_bytes()).unwrap()
}

fn deploy(kind: &str, env: &str) -> Request {
    request(&format!(
        r#"{{"action":"deploy","environment":"{env}","actor":{{"id":"x","kind":"{kind}"}}}}"#
    ))
}

fn tier(name: &str) -> Option<LicenseVerdict> {
    Some(LicenseVerdict::Valid {
        tier: name.into(),
        org: "acme".into(),
        expires_at: "2027-01-01T00:00:00Z".parse().unwrap(),
    })
}

fn overridden(license: Option<LicenseVerdict>) -> Context {
    let mut context = Context::at(now());
    context.license = license;
    context.override_ = Some(Override {
        by: "alice".into(),
        role: "admin".into(),
        reason: "outage".into(),
        at: now(),
    });
    context
}

fn assert_blocked(decision: &Decision, needle: &str) {
    assert_eq!(decision.outcome, DecisionOutcome::Block, "{decision:#?}");
    assert!(!decision.authorizes);
    assert!(
        decision.summary.contains(needle),
        "summary lacks {needle:?}: {}",
        decision.summary
    );
    assert!(
        decision.reasons.iter().any(|r| r.contains(needle)),
        "reasons lack {needle:?}: {:?}",
        decision.reasons
    );
    assert!(
        decision
            .reasons
            .iter()
            .any(|r| r.starts_with("override by alice not applied: ")),
        "reasons do not say the override was not applied: {:?}",
        decision.reasons
    );
}

#[test]
fn an_override_does_not_lift_license_gating() {
    let policy = Policy::from_str(POLICY).unwrap();
    // No license at all.
    let d = policy.decide(&deploy("agent", "prod"), &overridden(None));
    assert_blocked(&d, "no verified license was given");
    // A license that fails verification.
    let invalid = Some(LicenseVerdict::Invalid {
        reason: "bad signature".into(),
    });
    let d = policy.decide(&deploy("human", "dev"), &overridden(invalid));
    assert_blocked(&d, "the license failed verification: bad signature");
    // A tier that does not include the environment.
    let d = policy.decide(&deploy("human", "prod"), &overridden(tier("starter")));
    assert_blocked(
        &d,
        "the `starter` license tier does not include environment `prod`",
    );
    // An expired license.
    let expired = Some(LicenseVerdict::Valid {
        tier: "pro".into(),
        org: "acme".into(),
        expires_at: "2026-01-01T00:00:00Z".parse().unwrap(),
    });
    let d = policy.decide(&deploy("human", "dev"), &overridden(expired));
    assert_blocked(&d, "the license expired");
    // With a license that allows it, the same override lifts the rule's block.
    let d = policy.decide(&deploy("agent", "prod"), &overridden(tier("pro")));
    assert_eq!(d.outcome, DecisionOutcome::Approved, "{d:#?}");
    assert!(d.authorizes);
}

#[test]
fn an_override_does_not_lift_evaluation_errors_input_errors_or_a_halt() {
    let policy = Policy::from_str(POLICY).unwrap();
    let huge = request(
        r#"{"action":"deploy","environment":"dev","actor":{"id":"x","kind":"human"},
            "files":[{"path":"a","added":999999999}]}"#,
    );
    let d = policy.decide(&huge, &overridden(tier("pro")));
    assert_blocked(&d, "evaluation error: rule `big` failed");
    // An undeclared environment is an input error; no override is consulted.
    let d = policy.decide(&deploy("human", "qa"), &overridden(tier("pro")));
    assert_eq!(d.outcome, DecisionOutcome::Block);
    assert!(!d.authorizes);
    assert!(d.input_error.is_some());
    let mut context = overridden(tier("pro"));
    context.halt = Some(HaltState {
        by: "ops".into(),
        at: now(),
        reason: "incident".into(),
    });
    let d = policy.decide(&deploy("agent", "prod"), &context);
    assert_blocked(&d, "halted by ops");
}

#[test]
fn an_override_lifts_a_skipped_promotion_and_says_what_it_lifted() {
    let policy = Policy::from_str(POLICY).unwrap();
    let skip = request(
        r#"{"action":"promote","from_environment":"dev","environment":"prod",
            "actor":{"id":"x","kind":"agent"}}"#,
    );
    let d = policy.decide(
        &skip,
        &Context {
            override_: None,
            ..overridden(tier("pro"))
        },
    );
    assert_eq!(d.outcome, DecisionOutcome::Block);
    let d = policy.decide(&skip, &overridden(tier("pro")));
    assert_eq!(d.outcome, DecisionOutcome::Approved, "{d:#?}");
    assert!(d.authorizes);
    assert!(d.summary.starts_with("OVERRIDDEN by alice (admin): outage"));
    // `reasons` says the override came first, then everything it lifted.
    assert_eq!(
        d.reasons,
        [
            "overridden by alice (admin): outage",
            "cannot skip environments: promote `dev` -> `staging` first (the order is dev -> staging -> prod)",
            "agents do not deploy to prod (rule `agents`)",
        ],
    );
    // A dry run is never authorized, override or not; it shows the decision the real run
    // would get, overridden.
    let dry = request(
        r#"{"action":"deploy","environment":"prod","mode":"dry_run",
            "actor":{"id":"x","kind":"agent"}}"#,
    );
    let d = policy.decide(&dry, &overridden(tier("pro")));
    assert!(!d.authorizes);
    assert!(d.dry_run);
    assert_eq!(d.outcome, DecisionOutcome::Approved, "{d:#?}");
    assert!(
        d.summary
            .starts_with("dry run: OVERRIDDEN by alice (admin): outage"),
        "{}",
        d.summary
    );
}

#[test]
fn reasons_hold_every_evaluation_error_and_every_expired_gate() {
    let policy = Policy::from_str(
        "policy \"p\"\ndefault auto_approve\n\
         rule big { when lines.added * 100000000000 > 5 then block \"too big\" }\n\
         rule bigger { when lines.removed * 100000000000 > 5 then block \"too big\" }\n",
    )
    .unwrap();
    let huge = request(
        r#"{"action":"deploy","actor":{"id":"x","kind":"human"},
            "files":[{"path":"a","added":999999999,"removed":999999999}]}"#,
    );
    let d = policy.decide(&huge, &Context::at(now()));
    assert_eq!(d.errors.len(), 2);
    assert_eq!(d.reasons.len(), 2, "{:?}", d.reasons);
    assert!(d.reasons[0].starts_with("evaluation error: rule `big` failed: "));
    assert!(d.reasons[1].starts_with("evaluation error: rule `bigger` failed: "));
    // The summary names the first and counts the rest.
    assert!(
        d.summary
            .starts_with("blocked: evaluation error: rule `big` failed: ")
    );
    assert!(
        d.summary.ends_with(" (and 1 more evaluation error)"),
        "{}",
        d.summary
    );

    let policy = Policy::from_str(
        "policy \"p\"\nroles lead, admin\n\
         rule one { when files.count >= 0 then require 1 approval from lead within 1h }\n\
         rule two { when files.count >= 0 then require 1 approval from admin within 2h }\n",
    )
    .unwrap();
    let mut context = Context::at(now());
    context.requested_at = Some("2026-06-01T09:00:00Z".parse().unwrap());
    let plain = request(r#"{"action":"deploy","actor":{"id":"x","kind":"human"}}"#);
    let d = policy.decide(&plain, &context);
    assert_eq!(d.outcome, DecisionOutcome::Expired, "{d:#?}");
    assert_eq!(
        d.reasons,
        [
            "expired: the approval window of `one` closed at 2026-06-01T10:00:00Z with 0 of 1 approvals",
            "expired: the approval window of `two` closed at 2026-06-01T11:00:00Z with 0 of 1 approvals",
        ]
    );
    assert_eq!(
        d.summary,
        format!("{} (and 1 more expired gate)", d.reasons[0])
    );
}

#[test]
fn gates_are_present_whenever_a_require_fired_whatever_won() {
    let policy = Policy::from_str(
        "policy \"p\"\nroles lead\n\
         rule stop { when files.count >= 0 then block \"no\" }\n\
         rule ask { when files.count >= 0 then require 1 approval from lead within 1h }\n\
         rule note { when files.count >= 0 then notify \"n\" }\n",
    )
    .unwrap();
    let plain = request(r#"{"action":"deploy","actor":{"id":"x","kind":"human"}}"#);
    let d = policy.decide(&plain, &Context::at(now()));
    assert_eq!(d.outcome, DecisionOutcome::Block);
    assert_eq!(d.gates.len(), 1, "{d:#?}");
    assert_eq!(d.gates[0].rule, "ask");
    assert!(!d.gates[0].met);
    assert_eq!(d.requested_at, Some(now()));
    assert_eq!(d.reasons, ["no (rule `stop`)"]);
    // Without a `require`, neither gates nor `requested_at`.
    let policy =
        Policy::from_str("policy \"p\"\nrule stop { when files.count >= 0 then block \"no\" }\n")
            .unwrap();
    let d = policy.decide(&plain, &Context::at(now()));
    assert!(d.gates.is_empty());
    assert_eq!(d.requested_at, None);
}

/// The decision's JSON, checked to read back as a decision with the same JSON.
fn json_of(d: &Decision) -> serde_json::Value {
    let text = serde_json::to_string(d).unwrap();
    let back: Decision = serde_json::from_str(&text).unwrap();
    assert_eq!(serde_json::to_string(&back).unwrap(), text);
    serde_json::from_str(&text).unwrap()
}

/// The paths of every empty list in `value`, but `gates[].approved_by`.
fn empty_lists(value: &serde_json::Value, path: &str, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Array(items) => {
            if items.is_empty() && !path.ends_with(".approved_by") {
                out.push(path.to_string());
            }
            for (i, item) in items.iter().enumerate() {
                empty_lists(item, &format!("{path}[{i}]"), out);
            }
        }
        serde_json::Value::Object(members) => {
            for (key, member) in members {
                empty_lists(member, &format!("{path}.{key}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn empty_lists_are_omitted() {
    let policy = Policy::from_str(
        "policy \"p\"\nroles lead\n\
         risk { 10 when files.count > 5 }\n\
         rule ask { when files.count >= 0 then require 1 approval from lead }\n\
         rule note { when risk >= 0 then notify \"n\" }\n",
    )
    .unwrap();
    let plain = request(r#"{"action":"deploy","actor":{"id":"x","kind":"human"}}"#);
    for d in [
        policy.decide(&plain, &Context::at(now())),
        policy.decide_explained(&plain, &Context::at(now())),
    ] {
        let json = json_of(&d);
        let mut empty = Vec::new();
        empty_lists(&json, "", &mut empty);
        assert!(empty.is_empty(), "empty lists at {empty:?} in {json:#}");
        assert!(json["risk"].get("factors").is_none());
        // Every rule fired: nothing to explain.
        assert!(json.get("explanation").is_none());
        assert_eq!(d.explanation, None);
    }
}

#[test]
fn the_default_is_not_said_to_apply_when_a_rule_failed() {
    for policy in [
        // A rule that fails.
        "policy \"p\"\ndefault auto_approve\n\
         rule big { when lines.added * 100000000000 > 5 then block \"too big\" }\n",
        // A risk factor that fails, which a rule reads.
        "policy \"p\"\ndefault auto_approve\n\
         risk { lines.added * 100000000000 when files.count > 0 }\n\
         rule risky { when risk >= 50 then block \"risky\" }\n",
    ] {
        let policy = Policy::from_str(policy).unwrap();
        let huge = request(
            r#"{"action":"deploy","actor":{"id":"x","kind":"human"},
                "files":[{"path":"a","added":999999999}]}"#,
        );
        let d = policy.decide(&huge, &Context::at(now()));
        assert_eq!(d.outcome, DecisionOutcome::Block);
        assert!(d.fired.is_empty());
        assert!(!d.default_applied, "{d:#?}");
        assert!(
            d.summary.starts_with("blocked: evaluation error: "),
            "{}",
            d.summary
        );
    }
    // Without the error, the default decides.
    let policy = Policy::from_str(
        "policy \"p\"\ndefault auto_approve\n\
         rule big { when lines.added * 100000000000 > 5 then block \"too big\" }\n",
    )
    .unwrap();
    let d = policy.decide(
        &request(r#"{"action":"deploy","actor":{"id":"x","kind":"human"}}"#),
        &Context::at(now()),
    );
    assert!(d.default_applied);
    assert_eq!(d.outcome, DecisionOutcome::AutoApprove);
}

/// The QA report end to end: `gavel override`, then `gavel eval` without `--license`.
#[test]
fn cli_an_override_does_not_stand_in_for_a_license() {
    const NOW: &str = "2026-07-01T10:00:00Z";
    let (out, ws) = crate::support::Cli::new()
        .args(["init", "--as", "alice@example.com"])
        .run();
    out.code(0);
    ws.run(["keys", "new", "ops", "--dir", "keys"]).code(0);
    let ops = ws.read("keys/ops.pub").trim().to_string();
    let policy = ws.read("policies/main.gavel")
        + &format!(
            "approver \"ops@example.com\" roles admin key \"{ops}\"\noverride by admin\n\
             license authority key \"{ops}\"\nlicense starter {{\n  limit projects_per_month 2\n}}\n"
        );
    ws.write("policies/main.gavel", policy);
    ws.write(
        "prod.json",
        r#"{"action":"deploy","environment":"prod","actor":{"id":"bot","kind":"agent"}}"#,
    );
    ws.run([
        "override",
        "--request",
        "prod.json",
        "--reason",
        "outage",
        "--key",
        "keys/ops.key",
        "--as",
        "ops@example.com",
    ])
    .code(0);
    let out = ws.run([
        "eval",
        "--request",
        "prod.json",
        "--now",
        NOW,
        "--format",
        "json",
    ]);
    out.code(3);
    let json = out.json();
    assert_eq!(json["outcome"], "block");
    assert_eq!(json["override"]["reason"], "outage");
    let reasons = json["reasons"].to_string();
    assert!(
        reasons.contains("no verified license was given"),
        "{reasons}"
    );
    assert!(
        reasons.contains("override by ops@example.com not applied"),
        "{reasons}"
    );
}

/// A path rule's evidence names the files and the patterns they matched, whichever way the
/// condition reaches the files (found by QA: `count files in S >= 1` showed only `1 >= 1`,
/// and `any file where (path in S and ...)` the file without its pattern).
#[test]
fn evidence_names_files_and_patterns_for_counts_and_where_conditions() {
    let policy = Policy::from_str(
        "policy \"p\"\npaths prot [\"src/**\", \".env*\"]\nlet big = count files in prot\n\
         let protected_and_added = path in prot and added > 0\ndefault auto_approve\n\
         rule c { when count files in prot >= 1 then block \"c\" }\n\
         rule h { when big >= 1 then block \"h\" }\n\
         rule w { when any file where (added > 0 and path in prot) then block \"w\" }\n\
         rule fh { when any file where protected_and_added then block \"fh\" }\n\
         rule inline { when any file where (status == added or path matches \"docs/*\") then notify \"i\" }\n\
         rule negated { when any file where not path in prot then notify \"n\" }\n\
         rule many { when count files where added > 0 > 1 then notify \"m\" }\n",
    )
    .unwrap();
    let decision = policy.decide(
        &request(
            r#"{"action":"apply_patch","actor":{"id":"a","kind":"agent"},"files":[
                {"path":"docs/a","added":1,"status":"modified"},{"path":".env.local","added":3}]}"#,
        ),
        &Context::at(now()),
    );
    let files = |rule: &str| -> Vec<(String, Option<String>, Option<String>)> {
        let fired = decision.fired.iter().find(|f| f.rule == rule);
        let evidence = &fired
            .unwrap_or_else(|| panic!("{rule} did not fire"))
            .evidence;
        assert_eq!(evidence.len(), 1, "{evidence:?}");
        evidence[0]
            .files
            .iter()
            .map(|f| {
                (
                    f.file.clone(),
                    f.pattern.as_ref().map(ToString::to_string),
                    f.set.as_ref().map(ToString::to_string),
                )
            })
            .collect()
    };
    let env = || {
        (
            ".env.local".to_string(),
            Some(".env*".to_string()),
            Some("prot".to_string()),
        )
    };
    assert_eq!(files("c"), [env()]);
    assert_eq!(files("h"), [env()]);
    assert_eq!(files("w"), [env()]);
    assert_eq!(files("fh"), [env()]);
    // An inline glob has no set name; a file outside a negated set shows no pattern; a count
    // of a condition without set tests lists the files alone.
    assert_eq!(
        files("inline"),
        [("docs/a".to_string(), Some("docs/*".to_string()), None)]
    );
    assert_eq!(files("negated"), [("docs/a".to_string(), None, None)]);
    assert_eq!(
        files("many"),
        [
            ("docs/a".to_string(), None, None),
            (".env.local".to_string(), None, None)
        ]
    );
}

/// `not X` of a single condition is shown as written, holding as the `not` does, with X's
/// values; `not` of a compound condition is explained by its parts (found by QA: a failing
/// `not attr.allowed` was listed as `attr.allowed` holding, which read as a reason to pass).
#[test]
fn evidence_shows_a_negated_condition_as_written() {
    let policy = Policy::from_str(
        "policy \"p\"\nenvironments dev -> prod\nattribute allowed: bool = false\n\
         paths docs [\"docs/**\"]\ndefault auto_approve\n\
         rule flag { when not attr.allowed then block \"not allowed\" }\n\
         rule no_docs { when not any file in docs then notify \"no docs\" }\n\
         rule compound { when not (environment == dev or actor is human) then block \"no\" }\n",
    )
    .unwrap();
    let shown =
        |decision: &Decision, rule: &str| -> Vec<(String, bool, Option<String>, Vec<String>)> {
            let fired = decision
                .fired
                .iter()
                .find(|f| f.rule == rule)
                .map(|f| &f.evidence);
            let not_fired = decision
                .explanation
                .iter()
                .flatten()
                .find(|n| n.rule == rule)
                .map(|n| &n.evidence);
            fired
                .or(not_fired)
                .unwrap_or_else(|| panic!("no evidence for {rule}"))
                .iter()
                .map(|e| {
                    (
                        e.condition.to_string(),
                        e.holds,
                        e.left.as_ref().map(|v| serde_json::to_string(v).unwrap()),
                        e.files.iter().map(|f| f.file.clone()).collect(),
                    )
                })
                .collect()
        };
    let decide = |json: &str| policy.decide_explained(&request(json), &Context::at(now()));
    let fired = decide(
        r#"{"action":"apply_patch","environment":"dev","actor":{"id":"a","kind":"agent"},
            "files":[{"path":"src/a.rs","added":1}]}"#,
    );
    assert_eq!(
        shown(&fired, "flag"),
        [(
            "not attr.allowed".into(),
            true,
            Some("false".into()),
            vec![]
        )]
    );
    // `not any file in docs` holds: no file is listed, as none matched.
    assert_eq!(
        shown(&fired, "no_docs"),
        [("not any file in docs".into(), true, None, vec![])]
    );
    // A compound under `not` is explained by its parts: `environment == dev` held, so the
    // `not (...)` failed.
    assert_eq!(
        shown(&fired, "compound"),
        [(
            "environment == dev".into(),
            true,
            Some("\"dev\"".into()),
            vec![]
        )]
    );
    let failed = decide(
        r#"{"action":"apply_patch","environment":"dev","actor":{"id":"a","kind":"agent"},
            "attributes":{"allowed":true},"files":[{"path":"docs/a.md","added":1}]}"#,
    );
    assert_eq!(
        shown(&failed, "flag"),
        [(
            "not attr.allowed".into(),
            false,
            Some("true".into()),
            vec![]
        )]
    );
    // `not any file in docs` fails: the file that matched is listed.
    assert_eq!(
        shown(&failed, "no_docs"),
        [(
            "not any file in docs".into(),
            false,
            None,
            vec!["docs/a.md".into()]
        )]
    );
}

/// An override without a reason is ignored, whoever filled the context: its reason is what
/// the audit log says the glass was broken for (found by QA: a test case's context could
/// override with `reason: ""`). A reason of characters that show nothing (zero-width
/// spaces, blank Braille, an ideographic space) is no reason either (found by QA: those
/// overrides were used).
#[test]
fn an_override_without_a_reason_is_ignored() {
    let policy = Policy::from_str(POLICY).unwrap();
    for reason in [
        "",
        "  \n",
        "\u{200b}\u{200b}",
        "\u{2800}",
        "\u{3000}\u{feff}",
    ] {
        let mut context = overridden(tier("pro"));
        if let Some(ov) = context.override_.as_mut() {
            ov.reason = reason.into();
        }
        let d = policy.decide(&deploy("agent", "prod"), &context);
        assert_eq!(d.outcome, DecisionOutcome::Block, "{d:#?}");
        assert!(!d.authorizes);
        assert!(
            d.summary.contains("agents do not deploy to prod"),
            "{}",
            d.summary
        );
        assert!(
            d.reasons.iter().any(|r| r
                == "override by alice ignored: it gives no reason, and an override's reason is \
                    mandatory"),
            "{:?}",
            d.reasons
        );
    }
    // An override from an id or role that is not declared is ignored on one line, however
    // the id and role are written.
    for (by, role) in [
        ("mallory\nFORGED LINE", "admin"),
        ("alice", "lead\nROLE LINE"),
    ] {
        let mut context = overridden(tier("pro"));
        if let Some(ov) = context.override_.as_mut() {
            ov.by = by.into();
            ov.role = role.into();
        }
        let d = policy.decide(&deploy("agent", "prod"), &context);
        assert_eq!(d.outcome, DecisionOutcome::Block, "{d:#?}");
        assert!(
            d.reasons.iter().all(|r| !r.contains('\n')),
            "{:?}",
            d.reasons
        );
        assert!(
            d.reasons.iter().any(|r| r.contains(" ignored: ")),
            "{:?}",
            d.reasons
        );
    }
    // A license verdict with a member it does not have is refused, not read around it.
    let json = r#"{"status":"invalid","reason":"revoked","tier":"enterprise"}"#;
    let error = serde_json::from_str::<LicenseVerdict>(json).unwrap_err();
    assert!(
        error.to_string().contains("unknown field `tier`"),
        "{error}"
    );
}

/// Found by an audit: the score summed factor by factor in written order overflowed when a
/// large weight came before a positive one and a negative one brought it back, so writing
/// the same factors in another order changed the decision (a block against a notify).
#[test]
fn the_risk_score_does_not_depend_on_the_order_of_its_factors() {
    let policy = |factors: [&str; 3]| {
        Policy::from_str(&format!(
            "policy \"p\"\nattribute a: number = 0\nattribute b: number = 0\n\
             attribute c: number = 0\nrisk {{\n  {}\n  {}\n  {}\n  levels {{ high >= 50, low }}\n}}\n\
             rule hi {{ when risk.level == high then notify \"high {{risk}}\" }}\n",
            factors[0], factors[1], factors[2]
        ))
        .unwrap()
    };
    let (a, b, c) = (
        "attr.a when true as \"A\"",
        "attr.b when true as \"B\"",
        "attr.c when true as \"C\"",
    );
    let huge = request(
        r#"{"action":"apply_patch","actor":{"id":"x","kind":"human"},
            "attributes":{"a":9223372036854,"b":1,"c":-1}}"#,
    );
    for order in [[a, b, c], [a, c, b], [b, a, c], [c, b, a]] {
        let d = policy(order).decide(&huge, &Context::at(now()));
        assert!(d.errors.is_empty(), "{order:?}: {:?}", d.errors);
        assert_eq!(d.outcome, DecisionOutcome::Notify, "{order:?}");
        let risk = d.risk.unwrap();
        assert_eq!(risk.score.to_string(), "100", "{order:?}");
        assert_eq!(risk.factors.len(), 3);
    }
}

/// A failed risk factor leaves the score unknown: no score is reported (the factors that
/// did evaluate are not the policy's score), rules reading `risk` or `risk.level` fail
/// saying so instead of reading a partial sum, and rules that do not read it decide as
/// usual — the errors block.
#[test]
fn a_failed_risk_factor_leaves_the_score_unknown() {
    let policy = Policy::from_str(
        "policy \"p\"\nattribute a: number = 0\n\
         risk {\n  attr.a * attr.a when true as \"A\"\n  60 when true as \"B\"\n  \
         levels { high >= 50, low }\n}\n\
         rule hi { when risk.level == high then notify \"high\" }\n\
         rule lo { when risk < 50 then auto_approve }\n\
         rule humans { when actor is human then notify \"a person\" }\n",
    )
    .unwrap();
    let d = policy.decide(
        &request(
            r#"{"action":"apply_patch","actor":{"id":"x","kind":"human"},
                "attributes":{"a":9999999999}}"#,
        ),
        &Context::at(now()),
    );
    assert_eq!(d.outcome, DecisionOutcome::Block);
    assert_eq!(d.risk, None);
    let errors: Vec<(&str, &str)> = d
        .errors
        .iter()
        .map(|e| (e.location.as_str(), e.error.as_str()))
        .collect();
    let unknown = "the risk score is not known: a risk factor failed to evaluate";
    assert_eq!(
        errors,
        [
            (
                "risk factor `A`",
                "arithmetic overflow in `9999999999 * 9999999999`"
            ),
            ("rule `hi`", unknown),
            ("rule `lo`", unknown),
        ]
    );
    let fired: Vec<&str> = d.fired.iter().map(|f| f.rule.as_str()).collect();
    assert_eq!(fired, ["humans"]);
    // The reference interpreter agrees, word for word.
    let reference = gavel::eval::reference::decide(
        policy.checked(),
        &request(
            r#"{"action":"apply_patch","actor":{"id":"x","kind":"human"},
                "attributes":{"a":9999999999}}"#,
        ),
        &Context::at(now()),
        false,
    );
    assert_eq!(reference, d);
}

/// Found by an audit: during a halt, a request refused as input (a `..` path, an
/// undeclared environment) was blocked naming only the refusal; every decision names the
/// halt — who, when, why — first.
#[test]
fn a_refused_request_during_a_halt_names_the_halt_first() {
    let policy = Policy::from_str(POLICY).unwrap();
    let mut context = Context::at(now());
    context.halt = Some(HaltState {
        by: "carol@example.com".into(),
        at: now(),
        reason: "db on\nfire".into(),
    });
    for (request, refusal) in [
        (deploy("human", "qa"), "environment `qa` is not declared"),
        (
            request(
                r#"{"action":"apply_patch","environment":"dev","actor":{"id":"d","kind":"human"},
                    "files":[{"path":"docs/../src/x","added":1}]}"#,
            ),
            "`..` segment",
        ),
    ] {
        let d = policy.decide(&request, &context);
        assert_eq!(d.outcome, DecisionOutcome::Block);
        assert!(d.input_error.is_some(), "{d:#?}");
        let halted = "halted by carol@example.com at 2026-06-01T12:00:00Z: db on\\nfire";
        assert!(
            d.summary.starts_with(&format!("blocked: {halted}; ")),
            "{}",
            d.summary
        );
        assert!(d.summary.contains(refusal), "{}", d.summary);
        assert_eq!(d.reasons.first().map(String::as_str), Some(halted));
        assert_eq!(d.reasons.len(), 2, "{:?}", d.reasons);
        assert_eq!(d.halt.as_deref(), context.halt.as_ref());
    }
}

/// Compared with `status`, `added` is the file status, not the per-file line count (language.md
/// §5.3, rule 4 before rule 2; the error table used to say otherwise).
#[test]
fn status_compared_with_added_means_the_status() {
    let policy = Policy::from_str(
        "policy \"p\"\ndefault auto_approve\n\
         rule new_file { when any file where status == added then notify \"new\" }\n\
         rule new_lines { when any file where added > 0 then notify \"lines\" }\n",
    )
    .unwrap();
    let fired = |files: &str| -> Vec<String> {
        let d = policy.decide(
            &request(&format!(
                r#"{{"action":"apply_patch","actor":{{"id":"a","kind":"agent"}},"files":{files}}}"#
            )),
            &Context::at(now()),
        );
        d.fired.iter().map(|f| f.rule.to_string()).collect()
    };
    assert_eq!(
        fired(r#"[{"path":"a","added":0,"status":"added"}]"#),
        ["new_file"]
    );
    assert_eq!(
        fired(r#"[{"path":"b","added":3,"status":"modified"}]"#),
        ["new_lines"]
    );
}
