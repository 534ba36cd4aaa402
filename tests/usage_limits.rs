//! `limit COUNTER MAX for ACTION, ...`: a license limit that holds for some actions only.
//! A request of such an action must supply the counter (found by a policy audit: a new
//! project that left the month's count out was never held to the starter tier's limit), and
//! requests of other actions are not held to it even when they supply it (a deploy of an
//! existing project is no new project).

use gavel::eval::LicenseVerdict;
use gavel::{Context, DecisionOutcome, Policy, Request};

const NOW: &str = "2026-04-01T09:00:00Z";

fn policy(limit: &str) -> Policy {
    Policy::from_str(&format!(
        "policy \"p\"\nenvironments dev -> prod\nactions create_project\n\
         license starter {{\n  {limit}\n}}\nlicense pro {{\n}}\ndefault auto_approve\n"
    ))
    .unwrap()
}

fn context(tier: &str) -> Context {
    let mut context = Context::at(NOW.parse().unwrap());
    context.license = Some(LicenseVerdict::Valid {
        tier: tier.into(),
        org: "acme".into(),
        expires_at: "2027-01-31T00:00:00Z".parse().unwrap(),
    });
    context
}

fn request(action: &str, usage: Option<u64>) -> Request {
    let usage = usage.map_or(String::new(), |n| {
        format!(r#","usage":{{"projects_per_month":{n}}}"#)
    });
    Request::from_json(
        format!(
            r#"{{"action":"{action}","environment":"dev","actor":{{"id":"dev","kind":"human"}}{usage}}}"#
        )
        .as_bytes(),
    )
    .unwrap()
}

#[test]
fn a_limit_for_an_action_needs_its_counter_and_holds_that_action_only() {
    let policy = policy("limit projects_per_month 2 for create_project");
    let starter = context("starter");

    let missing = policy.decide(&request("create_project", None), &starter);
    assert_eq!(missing.outcome, DecisionOutcome::Block);
    let error = missing.input_error.expect("the counter is required");
    assert_eq!(error.field.as_deref(), Some("usage.projects_per_month"));
    assert!(
        error.message.contains(
            "the `starter` license tier limits `projects_per_month` for `create_project` requests"
        ),
        "{}",
        error.message
    );

    let under = policy.decide(&request("create_project", Some(1)), &starter);
    assert_eq!(under.outcome, DecisionOutcome::AutoApprove);
    let at = policy.decide(&request("create_project", Some(2)), &starter);
    assert_eq!(at.outcome, DecisionOutcome::Block);
    assert!(
        at.reasons[0]
            .contains("usage `projects_per_month` is 2, at the `starter` tier's limit of 2"),
        "{:?}",
        at.reasons
    );

    // Another action: not held to the limit, supplied or not.
    for usage in [None, Some(2), Some(50)] {
        let deploy = policy.decide(&request("deploy", usage), &starter);
        assert_eq!(deploy.outcome, DecisionOutcome::AutoApprove, "{usage:?}");
    }

    // A count the caller supplies (from the audit log) counts as supplied.
    let mut counted = context("starter");
    counted.usage.insert("projects_per_month".into(), 2);
    let logged = policy.decide(&request("create_project", None), &counted);
    assert_eq!(logged.outcome, DecisionOutcome::Block);
    assert!(logged.input_error.is_none(), "{:?}", logged.input_error);

    // A tier without the limit does not need the counter.
    let pro = policy.decide(&request("create_project", None), &context("pro"));
    assert_eq!(pro.outcome, DecisionOutcome::AutoApprove);
}

#[test]
fn a_limit_without_actions_holds_every_request_that_supplies_the_counter() {
    let policy = policy("limit projects_per_month 2");
    let starter = context("starter");
    let deploy = policy.decide(&request("deploy", Some(2)), &starter);
    assert_eq!(deploy.outcome, DecisionOutcome::Block);
    let unsupplied = policy.decide(&request("create_project", None), &starter);
    assert_eq!(unsupplied.outcome, DecisionOutcome::AutoApprove);
}

#[test]
fn a_limit_for_an_unknown_action_is_an_error_with_a_suggestion() {
    let error = Policy::from_str(
        "policy \"p\"\nactions create_project\n\
         license starter {\n  limit projects_per_month 2 for create_projet\n}\n",
    )
    .unwrap_err();
    let text = error.to_string();
    assert!(text.contains("unknown action `create_projet`"), "{text}");
    assert!(text.contains("did you mean `create_project`?"), "{text}");
}

#[test]
fn fmt_keeps_the_actions_of_a_limit() {
    let source = "policy \"p\"\nactions create_project\n\
                  license starter {\n  limit projects_per_month 2   for  create_project,deploy\n}\n";
    let formatted = gavel::fmt::format_source("main.gavel", source).unwrap();
    assert!(
        formatted.contains("  limit projects_per_month 2 for create_project, deploy\n"),
        "{formatted}"
    );
    let a = Policy::from_str(source).unwrap();
    let b = Policy::from_str(&formatted).unwrap();
    assert_eq!(a.spec_hash(), b.spec_hash());
}
