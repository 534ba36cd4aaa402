//! Named regression tests: each case the differential test found, pinned down.

use gavel::Context;

use super::Case;
use super::request_gen::NOW;

/// Decides `policy` on `request` at the generators' `NOW` with both evaluators, failing on any
/// disagreement; returns the compiled evaluator's decision (without explanations).
fn agree(policy: &str, request: &str, context: Context) -> gavel::Decision {
    let case = Case {
        policy: policy.to_string(),
        request: request.to_string(),
        context,
    };
    match case.check() {
        Ok([decision, _]) => decision,
        Err(problem) => panic!("{problem}\n\n{}", case.describe()),
    }
}

fn now() -> Context {
    Context::at(jiff::Timestamp::from_second(NOW).unwrap())
}

#[test]
fn hand_written_policy_agrees() {
    let decision = agree(
        r#"policy "p"
environments dev -> staging -> prod
roles admin
paths docs ["docs/**"]
rule r { when all files in docs and lines.changed < 10 then auto_approve }
"#,
        r#"{"action": "apply_patch", "environment": "dev", "actor": {"id": "x", "kind": "human"},
            "files": [{"path": "docs/a.md", "added": 3}]}"#,
        now(),
    );
    assert_eq!(decision.outcome.as_str(), "auto_approve");
}

/// `all files where C` is false as soon as one file fails `C`; the compiled evaluator used to
/// stop there, so an overflow in `C` on a later file went unreported and the rule quietly did
/// not fire, while the reference interpreter evaluates `C` on every file and blocks on the
/// error. An error on any file must block whatever the order of the request's files.
#[test]
fn quantifier_error_on_a_later_file_blocks() {
    let policy = r#"policy "p"
environments dev -> staging -> prod
roles admin
default auto_approve
rule small { when all files where (added * 10000 < 50) then notify "small" }
rule big { when any file where (added * 10000 > 50) then notify "big" }
rule none { when no files where (added * 10000 > 50) then notify "none" }
"#;
    // The first file decides each quantifier; the second overflows `added * 10000`.
    let request = r#"{"action": "apply_patch", "environment": "dev",
        "actor": {"id": "x", "kind": "human"},
        "files": [{"path": "a", "added": 1}, {"path": "b", "added": 1000000000}]}"#;
    let decision = agree(policy, request, now());
    assert_eq!(decision.outcome.as_str(), "block");
    let failed: Vec<&str> = decision
        .errors
        .iter()
        .map(|e| e.location.as_str())
        .collect();
    // Rules are evaluated (and listed) by name.
    assert_eq!(failed, ["rule `big`", "rule `none`", "rule `small`"]);
}

/// A policy that declares no environments used to be able to read `environment`, which no
/// request could then provide; both evaluators had to report the missing fact alike. The
/// checker now refuses such a policy outright.
#[test]
fn reading_environment_without_environments_is_a_compile_error() {
    let err = gavel::Policy::from_str(
        "policy \"p\"\nrule r { when environment == environment then auto_approve }\n",
    )
    .unwrap_err();
    assert_eq!(err.diagnostics[0].code.as_str(), "E0025");
    assert!(
        err.to_string()
            .contains("this policy declares no environments")
    );
}
