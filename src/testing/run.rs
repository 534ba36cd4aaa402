//! Running policy test files: decide each case and compare with what it expects.

use std::path::{Path, PathBuf};

use super::case::{Expectation, TestCase, TestContext, TestFile};
use super::coverage::Observed;
use crate::checked::{Outcome, RISK_MAX, RISK_MIN};
use crate::compile::Policy;
use crate::eval::{Context, Decision, LicenseVerdict, condition_outcomes, input_error_decision};
use crate::request::{Request, RequestFacts};

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
    /// What the decision showed about the policy, for coverage (`None`: the case was not
    /// decided, or its decision says nothing about the rules; see [`Observed::of`]).
    pub observed: Option<Observed>,
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

/// The test files of a policy directory: `DIR/tests/*.yaml` (and `.yml`), sorted; none
/// when there is no `tests/`. A `tests/` that exists but cannot be read is an error, not "no
/// tests": its cases would go unrun while the run passed.
pub fn test_files(policy_dir: &Path) -> Result<Vec<PathBuf>, String> {
    let dir = policy_dir.join("tests");
    let cannot = |e: std::io::Error| {
        format!(
            "cannot read {}: {e}",
            crate::quote::one_line(&dir.display().to_string())
        )
    };
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(cannot(e)),
    };
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.map_err(cannot)?.path();
        // In any letter case: `a.YAML` left out would drop its cases in silence (found by QA).
        if path
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("yaml") || x.eq_ignore_ascii_case("yml"))
        {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
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
    if file.cases.is_empty() {
        result.error = Some("the file has no cases (`cases: []`)".to_string());
        return result;
    }
    if let Some(at) = file.cases.iter().position(|c| c.name.trim().is_empty()) {
        result.error = Some(format!("case {} has no name", at + 1));
        return result;
    }
    let mut names = std::collections::HashSet::new();
    if let Some(dup) = file.cases.iter().find(|c| !names.insert(c.name.as_str())) {
        result.error = Some(format!(
            "two cases are named {}",
            crate::quote::quote(&dup.name)
        ));
        return result;
    }
    if let Some(problem) = file
        .cases
        .iter()
        .find_map(|case| loose_expectation(policy, case))
    {
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
fn loose_expectation(policy: &Policy, case: &TestCase) -> Option<String> {
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
    if !OUTCOMES.contains(&expect.outcome.as_str()) {
        return Some(format!(
            "case {name}: `outcome` is {}, which no decision has; outcomes are {}",
            crate::quote::quote(&expect.outcome),
            OUTCOMES.join(", ")
        ));
    }
    let rules = &policy.checked().rules;
    let unknown = |rule: &str| !rules.iter().any(|r| r.name.as_str() == rule);
    if let Some(rule) = expect.fired.iter().flatten().find(|r| unknown(r)) {
        return Some(format!(
            "case {name}: `fired` lists {}, which is no rule of the policy",
            crate::quote::quote(rule)
        ));
    }
    if let Some(gate) = expect
        .gates
        .iter()
        .flatten()
        .find(|g| g.rule != "default" && unknown(&g.rule))
    {
        return Some(format!(
            "case {name}: `gates` lists {}, which is no rule of the policy (`default` is the \
             default's gate)",
            crate::quote::quote(&gate.rule)
        ));
    }
    // A gate comes only from a `require` (found by QA: `gates: [{rule: r}]` for an
    // `auto_approve` rule ran, and could only fail).
    let checked = policy.checked();
    let requires = |rule: &str| {
        let outcome = if rule == "default" {
            checked.default.as_ref()
        } else {
            rules
                .iter()
                .find(|r| r.name.as_str() == rule)
                .map(|r| &r.outcome)
        };
        matches!(outcome, Some(Outcome::Require(_)))
    };
    if let Some(gate) = expect.gates.iter().flatten().find(|g| !requires(&g.rule)) {
        return Some(if gate.rule == "default" {
            format!(
                "case {name}: `gates` lists `default`, but the policy's default is not a \
                 `require`, so it never has a gate"
            )
        } else {
            format!(
                "case {name}: `gates` lists {}, a rule that does not `require` approvals, so \
                 it never has a gate",
                crate::quote::quote(&gate.rule)
            )
        });
    }
    if let Some(risk) = &expect.risk {
        if risk.score.is_none() && risk.level.is_none() {
            return Some(format!(
                "case {name}: `risk` names neither `score` nor `level`, so it checks nothing"
            ));
        }
        if let Some(score) = &risk.score {
            match score.parse::<crate::number::Decimal>() {
                Err(_) => {
                    return Some(format!(
                        "case {name}: `risk.score` {} is not a number",
                        crate::quote::quote(score)
                    ));
                }
                Ok(n) if !(RISK_MIN..=RISK_MAX).contains(&n) => {
                    return Some(format!(
                        "case {name}: `risk.score` {} is outside {RISK_MIN} to {RISK_MAX}, \
                         where every score lies",
                        crate::quote::quote(score)
                    ));
                }
                Ok(_) => {}
            }
        }
        let Some(declared) = &checked.risk else {
            return Some(format!(
                "case {name}: `risk` is expected, but the policy has no `risk` block, so no \
                 decision has a risk score"
            ));
        };
        if let Some(level) = &risk.level
            && !declared.levels.iter().any(|l| l.name.as_str() == level)
        {
            let levels: Vec<&str> = declared.levels.iter().map(|l| l.name.as_str()).collect();
            return Some(format!(
                "case {name}: `risk.level` {} is no level of the policy; its levels are {}",
                crate::quote::quote(level),
                levels.join(", ")
            ));
        }
    }
    // Blank too (found by QA: `" "` is in almost every reason).
    if expect
        .reason_contains
        .as_deref()
        .is_some_and(crate::quote::says_nothing)
    {
        return Some(format!(
            "case {name}: `reason_contains` is empty, so every decision contains it"
        ));
    }
    None
}

/// The outcomes a decision can have, as `expect.outcome` names them.
const OUTCOMES: [&str; 7] = [
    "auto_approve",
    "notify",
    "approved",
    "require_approval",
    "rejected",
    "expired",
    "block",
];

/// The most a test file may hold: a request's limit (`MAX_REQUEST_BYTES`), so that a file
/// that is no test file (`/dev/zero` behind a symlink, a 200 MB log) is refused before it
/// is read whole.
const MAX_TEST_FILE_BYTES: usize = crate::limits::MAX_REQUEST_BYTES;

fn read_test_file(path: &Path) -> Result<TestFile, String> {
    // A FIFO or a device would block or never end: looked at before opening, as opening a
    // FIFO already blocks, and again on what was opened.
    let regular = |metadata: std::io::Result<std::fs::Metadata>| match metadata {
        Ok(m) if m.is_file() => Ok(m),
        Ok(_) => Err("not a regular file".to_string()),
        Err(e) => Err(format!("cannot read: {e}")),
    };
    regular(std::fs::metadata(path))?;
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let metadata = regular(file.metadata())?;
    let bytes =
        crate::bounded_read::read_bounded(file, Some(metadata.len()), MAX_TEST_FILE_BYTES, None)
            .map_err(|e| format!("cannot read: {e}"))??;
    let text = std::str::from_utf8(&bytes).map_err(|_| "not UTF-8".to_string())?;
    let value = crate::request::yaml_value(text).map_err(|e| match e.field {
        Some(field) => format!("`{field}`: {}", e.message),
        None => e.message,
    })?;
    mappings_written_as_mappings(&value)?;
    serde_path_to_error::deserialize(value).map_err(|e| crate::quote::at_path(e.path(), e.inner()))
}

/// Refuses a list where the format has a mapping (the file, a case, `expect`, `risk`, a
/// gate, `context`, an approval, `halt`, `override`, `license`). Read into a struct, a list
/// is taken field by field in declaration order, so `[auto_approve, [r]]` would pass as an
/// `expect` whose keys nobody wrote; the format says what each value is by its key.
fn mappings_written_as_mappings(file: &serde_json::Value) -> Result<(), String> {
    use serde_json::Value;
    fn mapping<'v>(
        value: &'v Value,
        at: &str,
    ) -> Result<Option<&'v serde_json::Map<String, Value>>, String> {
        match value {
            Value::Object(map) => Ok(Some(map)),
            Value::Array(_) => Err(format!(
                "`{at}`: a list where a mapping belongs; write each value under its key"
            )),
            // Anything else is refused, naming what was expected, when the file is read.
            _ => Ok(None),
        }
    }
    fn each_mapping(list: Option<&Value>, at: &str) -> Result<(), String> {
        if let Some(Value::Array(items)) = list {
            for (i, item) in items.iter().enumerate() {
                mapping(item, &format!("{at}[{i}]"))?;
            }
        }
        Ok(())
    }
    let Some(file) = mapping(file, ".")? else {
        return Ok(());
    };
    let Some(Value::Array(cases)) = file.get("cases") else {
        return Ok(());
    };
    for (i, case) in cases.iter().enumerate() {
        let at = format!("cases[{i}]");
        let Some(case) = mapping(case, &at)? else {
            continue;
        };
        if let Some(expect) = case.get("expect") {
            let at = format!("{at}.expect");
            if let Some(expect) = mapping(expect, &at)? {
                if let Some(risk) = expect.get("risk") {
                    mapping(risk, &format!("{at}.risk"))?;
                }
                each_mapping(expect.get("gates"), &format!("{at}.gates"))?;
            }
        }
        if let Some(context) = case.get("context") {
            let at = format!("{at}.context");
            if let Some(context) = mapping(context, &at)? {
                for key in ["halt", "override", "license", "usage"] {
                    if let Some(value) = context.get(key) {
                        mapping(value, &format!("{at}.{key}"))?;
                    }
                }
                each_mapping(context.get("approvals"), &format!("{at}.approvals"))?;
            }
        }
    }
    Ok(())
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
                observed: None,
            };
        }
    };
    // Read by the reader `gavel eval --request` uses for YAML, so that a request a case
    // holds is refused (or not) with the same words as the same request in a file.
    let raw = serde_json::to_vec(&case.request).unwrap_or_default();
    let (decision, conditions) = match Request::from_value(case.request) {
        Ok(request) => {
            let context = stand_in_license(context, &request);
            let facts = RequestFacts::of(&request);
            let decision = policy.decide_with_facts(&request, &facts, &context, false);
            let conditions = condition_outcomes(policy.checked(), &request, &facts, &context)
                .unwrap_or_default();
            (decision, conditions)
        }
        Err(error) => {
            let decision = input_error_decision(
                policy.checked(),
                policy.spec_hash(),
                &raw,
                &error,
                context.now,
            );
            (decision, Vec::new())
        }
    };
    CaseResult {
        name: case.name,
        failures: compare(&case.expect, &decision),
        summary: decision.summary.clone(),
        observed: Observed::of(&decision, conditions),
    }
}

/// Every difference between the expectation and the decision.
pub fn compare(expect: &Expectation, decision: &Decision) -> Vec<String> {
    let mut failures = Vec::new();
    // A refused request decides `block` whatever its mistake: a case expecting `block` would
    // pass on a request with a typo in it (found by QA: `file:` for `files:`, or no request
    // at all). A case that tests a refusal says which one.
    if let Some(error) = &decision.input_error
        && expect.reason_contains.is_none()
    {
        failures.push(format!(
            "the request was refused ({}); a case that tests a refusal names it with \
             `reason_contains`",
            error.located()
        ));
    }
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
        // Each text on its own: a needle spanning two of them is in none.
        let found = std::iter::once(decision.summary.as_str())
            .chain(decision.reasons.iter().map(String::as_str))
            .chain(decision.input_error.iter().map(|e| e.message.as_str()))
            .any(|text| text.contains(needle.as_str()));
        if !found {
            failures.push(format!(
                "reason: expected to contain {needle:?}, got {:?}",
                decision.summary
            ));
        }
    }
    failures
}
