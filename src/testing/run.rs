//! Running policy test files: decide each case and compare with what it expects.

use std::path::{Path, PathBuf};

use super::case::{Expectation, TestCase, TestContext, TestFile};
use crate::compile::Policy;
use crate::eval::{Context, Decision, LicenseVerdict, input_error_decision};
use crate::request::{Request, RequestError};

/// The default decision time of test cases, so results never depend on the clock.
pub const DEFAULT_NOW: &str = "2026-01-01T00:00:00Z";

/// The result of one case.
#[derive(Debug)]
pub struct CaseResult {
    /// Case name.
    pub name: String,
    /// Differences between expected and actual; empty when the case passed.
    pub failures: Vec<String>,
    /// The decision's summary, for context in failure reports.
    pub summary: String,
}

/// The results of one test file.
#[derive(Debug)]
pub struct FileResult {
    /// The file.
    pub path: PathBuf,
    /// A file-level error (unreadable, malformed, two cases with one name): counts as one
    /// failure, and then no case of the file ran (`cases` is empty).
    pub error: Option<String>,
    /// Case results.
    pub cases: Vec<CaseResult>,
}

/// The test files of a policy directory: `DIR/tests/*.yaml` (and `.yml`), sorted.
pub fn test_files(policy_dir: &Path) -> Vec<PathBuf> {
    let dir = policy_dir.join("tests");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    files.sort();
    files
}

/// Runs one test file against `policy`.
pub fn run_file(policy: &Policy, path: &Path) -> FileResult {
    let mut result = FileResult {
        path: path.to_path_buf(),
        error: None,
        cases: Vec::new(),
    };
    let file = match read_test_file(path) {
        Ok(f) => f,
        Err(e) => {
            result.error = Some(e);
            return result;
        }
    };
    // Checked before any case runs: a file that cannot be run runs none of its cases.
    let mut names = std::collections::HashSet::new();
    if let Some(dup) = file.cases.iter().find(|c| !names.insert(c.name.as_str())) {
        result.error = Some(format!(
            "two cases are named {}",
            crate::quote::quote(&dup.name)
        ));
        return result;
    }
    if let Some(problem) = file.cases.iter().find_map(loose_expectation) {
        result.error = Some(problem);
        return result;
    }
    result.cases = file
        .cases
        .into_iter()
        .map(|case| run_case(policy, case))
        .collect();
    result
}

/// The first item of `items` that came before.
fn twice<'a>(items: impl Iterator<Item = &'a String>) -> Option<&'a String> {
    let mut seen = std::collections::HashSet::new();
    items.into_iter().find(|item| !seen.insert(item.as_str()))
}

/// Why `case` expects something that cannot fail, or cannot be met, as written: such an
/// expectation would pass (or fail) whatever the policy decides, so the file is refused
/// rather than run.
fn loose_expectation(case: &TestCase) -> Option<String> {
    let name = crate::quote::quote(&case.name);
    let expect = &case.expect;
    if let Some(rule) = expect.fired.as_ref().and_then(|f| twice(f.iter())) {
        return Some(format!(
            "case {name}: `fired` lists `{rule}` twice; it is the set of rules that fired"
        ));
    }
    if let Some(rule) = expect
        .gates
        .as_ref()
        .and_then(|g| twice(g.iter().map(|g| &g.rule)))
    {
        return Some(format!(
            "case {name}: `gates` lists `{rule}` twice; a rule's gate is listed once"
        ));
    }
    if let Some(risk) = &expect.risk {
        if risk.score.is_none() && risk.level.is_none() {
            return Some(format!(
                "case {name}: `risk` names neither `score` nor `level`, so it checks nothing"
            ));
        }
        if let Some(score) = &risk.score
            && score.parse::<crate::number::Decimal>().is_err()
        {
            return Some(format!(
                "case {name}: `risk.score` {} is not a number",
                crate::quote::quote(score)
            ));
        }
    }
    if expect.reason_contains.as_deref() == Some("") {
        return Some(format!(
            "case {name}: `reason_contains` is empty, so every decision contains it"
        ));
    }
    None
}

fn read_test_file(path: &Path) -> Result<TestFile, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    let text = std::str::from_utf8(&bytes).map_err(|_| "not UTF-8".to_string())?;
    let value = crate::request::yaml_value(text).map_err(|e| match e.field {
        Some(field) => format!("`{field}`: {}", e.message),
        None => e.message,
    })?;
    serde_path_to_error::deserialize(value).map_err(|e| format!("`{}`: {}", e.path(), e.inner()))
}

fn context(ctx: Option<TestContext>) -> Result<Context, String> {
    let ctx = ctx.unwrap_or_default();
    let now = match ctx.now {
        Some(n) => n,
        None => DEFAULT_NOW.parse().map_err(|e| format!("{e}"))?,
    };
    Ok(Context {
        now,
        requested_at: ctx.requested_at,
        halt: ctx.halt,
        approvals: ctx.approvals,
        rejected_credentials: Vec::new(),
        usage: ctx.usage,
        license: ctx.license,
        override_: ctx.override_,
    })
}

/// In a test case the request's own `license` stands for a license that verified, unless
/// the case's context gives a license verdict: the test file plays the trusted caller that
/// `gavel eval --license` plays for real requests, which never trusts a request's claim.
pub fn stand_in_license(mut context: Context, request: &Request) -> Context {
    if context.license.is_none()
        && let Some(claim) = &request.license
    {
        context.license = Some(LicenseVerdict::assumed(claim));
    }
    context
}

/// Decides one case and compares.
pub fn run_case(policy: &Policy, case: TestCase) -> CaseResult {
    let context = match context(case.context) {
        Ok(c) => c,
        Err(e) => {
            return CaseResult {
                name: case.name,
                failures: vec![format!("bad context: {e}")],
                summary: String::new(),
            };
        }
    };
    let decision = match serde_path_to_error::deserialize::<_, Request>(&case.request) {
        Ok(request) => policy.decide(&request, &stand_in_license(context, &request)),
        Err(e) => {
            let raw = serde_json::to_vec(&case.request).unwrap_or_default();
            let error = RequestError::field(e.path().to_string(), e.inner().to_string());
            input_error_decision(
                policy.checked(),
                policy.spec_hash(),
                &raw,
                &error,
                context.now,
            )
        }
    };
    CaseResult {
        name: case.name,
        failures: compare(&case.expect, &decision),
        summary: decision.summary.clone(),
    }
}

/// Every difference between the expectation and the decision.
pub fn compare(expect: &Expectation, decision: &Decision) -> Vec<String> {
    let mut failures = Vec::new();
    if expect.outcome != decision.outcome.as_str() {
        failures.push(format!(
            "outcome: expected {}, got {}",
            expect.outcome,
            decision.outcome.as_str()
        ));
    }
    if let Some(expected) = &expect.fired {
        let actual: Vec<&str> = decision.fired.iter().map(|f| f.rule.as_str()).collect();
        let missing: Vec<&str> = expected
            .iter()
            .map(String::as_str)
            .filter(|r| !actual.contains(r))
            .collect();
        let extra: Vec<&str> = actual
            .iter()
            .copied()
            .filter(|r| !expected.iter().any(|e| e == r))
            .collect();
        if !missing.is_empty() || !extra.is_empty() {
            let mut line = "fired:".to_string();
            if !missing.is_empty() {
                line.push_str(&format!(
                    " expected but did not fire [{}]",
                    missing.join(", ")
                ));
            }
            if !extra.is_empty() {
                if !missing.is_empty() {
                    line.push(';');
                }
                line.push_str(&format!(" fired unexpectedly [{}]", extra.join(", ")));
            }
            failures.push(line);
        }
    }
    if let Some(expected) = expect.default_applied
        && expected != decision.default_applied
    {
        failures.push(format!(
            "default_applied: expected {expected}, got {}",
            decision.default_applied
        ));
    }
    if let Some(expected) = expect.authorizes
        && expected != decision.authorizes
    {
        failures.push(format!(
            "authorizes: expected {expected}, got {}",
            decision.authorizes
        ));
    }
    if let Some(risk) = &expect.risk {
        let actual = decision.risk.as_ref();
        if let Some(score) = &risk.score {
            let got = actual.map(|r| r.score.to_string());
            // A score that is no number is refused before the case runs.
            let want = score
                .parse::<crate::number::Decimal>()
                .map(|d| d.to_string())
                .unwrap_or_else(|_| score.clone());
            if got.as_deref() != Some(want.as_str()) {
                failures.push(format!(
                    "risk.score: expected {want}, got {}",
                    got.unwrap_or_else(|| "none".into())
                ));
            }
        }
        if let Some(level) = &risk.level {
            let got = actual.and_then(|r| r.level.clone());
            if got.as_deref() != Some(level.as_str()) {
                failures.push(format!(
                    "risk.level: expected {level}, got {}",
                    got.unwrap_or_else(|| "none".into())
                ));
            }
        }
    }
    if let Some(expected) = &expect.gates {
        // Gates are listed by rule name in decisions; expectations may list them in any order.
        let mut wanted: Vec<&super::case::GateExpectation> = expected.iter().collect();
        wanted.sort_by(|a, b| a.rule.cmp(&b.rule));
        let mut actual: Vec<&crate::eval::Gate> = decision.gates.iter().collect();
        actual.sort_by(|a, b| a.rule.cmp(&b.rule));
        let names = |v: Vec<&str>| v.join(", ");
        let wanted_names: Vec<&str> = wanted.iter().map(|g| g.rule.as_str()).collect();
        let actual_names: Vec<&str> = actual.iter().map(|g| g.rule.as_str()).collect();
        if wanted_names != actual_names {
            failures.push(format!(
                "gates: expected [{}], got [{}]",
                names(wanted_names),
                names(actual_names)
            ));
        } else {
            for (want, got) in wanted.iter().zip(&actual) {
                if want.count.is_some_and(|c| c != got.count) {
                    failures.push(format!(
                        "gate `{}`: expected count {}, got {}",
                        got.rule,
                        want.count.unwrap_or(0),
                        got.count
                    ));
                }
                if let Some(roles) = &want.roles
                    && !roles.iter().eq(got.roles.iter())
                {
                    failures.push(format!(
                        "gate `{}`: expected roles [{}], got [{}]",
                        got.rule,
                        roles.join(", "),
                        got.roles.join(", ")
                    ));
                }
                if want.met.is_some_and(|m| m != got.met) {
                    failures.push(format!(
                        "gate `{}`: expected met = {}, got {}",
                        got.rule,
                        want.met.unwrap_or(false),
                        got.met
                    ));
                }
            }
        }
    }
    if let Some(needle) = &expect.reason_contains {
        let haystack = std::iter::once(decision.summary.as_str())
            .chain(decision.reasons.iter().map(String::as_str))
            .chain(decision.input_error.iter().map(|e| e.message.as_str()))
            .collect::<Vec<_>>()
            .join("\n");
        if !haystack.contains(needle.as_str()) {
            failures.push(format!(
                "reason: expected to contain {needle:?}, got {:?}",
                decision.summary
            ));
        }
    }
    failures
}
