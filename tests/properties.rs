//! Governance properties of every example policy, checked over the requests of its own test
//! cases plus random variations:
//!
//! - adding a file never makes an outcome less strict (an agent must not escape a rule by
//!   adding a harmless file);
//! - adding a rule whose outcome is at least as strict as the default never makes any outcome
//!   less strict;
//! - decisions do not depend on the order of files in the request, of rules in the policy, or
//!   of policy files;
//! - a dry-run decision never authorizes anything.

use std::path::{Path, PathBuf};

use gavel::load::{discover_policies, gavel_files};
use gavel::request::{FileChange, FileStatus, Mode};
use gavel::{Context, Decision, DecisionOutcome, Policy, Request};
use proptest::prelude::*;

/// Strictness of an outcome without approvals: auto_approve < notify < require < block.
fn rank(outcome: DecisionOutcome) -> u8 {
    match outcome {
        DecisionOutcome::AutoApprove => 0,
        DecisionOutcome::Notify => 1,
        DecisionOutcome::Approved => 1,
        DecisionOutcome::RequireApproval => 2,
        DecisionOutcome::Rejected | DecisionOutcome::Expired | DecisionOutcome::Block => 3,
    }
}

struct Example {
    dir: PathBuf,
    sources: Vec<(String, String)>,
    policy: Policy,
    requests: Vec<Request>,
    paths: Vec<String>,
}

fn examples() -> &'static [Example] {
    static EXAMPLES: std::sync::OnceLock<Vec<Example>> = std::sync::OnceLock::new();
    EXAMPLES.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
        discover_policies(&root)
            .unwrap()
            .into_iter()
            .map(|dir| {
                let sources: Vec<(String, String)> = gavel_files(&dir)
                    .unwrap()
                    .into_iter()
                    .map(|p| {
                        (
                            p.file_name().unwrap().to_string_lossy().into_owned(),
                            std::fs::read_to_string(&p).unwrap(),
                        )
                    })
                    .collect();
                let policy = Policy::from_sources(sources.clone()).unwrap();
                let mut requests = Vec::new();
                for file in gavel::testing::test_files(&dir).unwrap() {
                    let text = std::fs::read_to_string(&file).unwrap();
                    let cases = gavel::request::yaml_value(&text).unwrap();
                    for case in cases["cases"].as_array().unwrap() {
                        if let Ok(r) = serde_json::from_value::<Request>(case["request"].clone()) {
                            let d = outcome_of(&policy, &r);
                            if d.input_error.is_none() {
                                requests.push(r);
                            }
                        }
                    }
                }
                // Paths that exercise the policy: every literal prefix of its globs, plus
                // the files of its own test cases.
                let mut paths: Vec<String> = requests
                    .iter()
                    .flat_map(|r| r.files.iter().map(|f| f.path.clone()))
                    .collect();
                for set in &policy.checked().sets {
                    for pattern in &set.patterns {
                        let literal: String = pattern
                            .glob
                            .chars()
                            .take_while(|c| !"*?[{\\".contains(*c))
                            .collect();
                        let literal = literal.trim_end_matches('/');
                        if !literal.is_empty() {
                            paths.push(literal.to_string());
                            paths.push(format!("{literal}/extra_file.py"));
                        }
                    }
                }
                paths.extend(
                    [
                        "README.md",
                        "src/new_module.py",
                        "docs/notes.md",
                        "a/b/c.txt",
                    ]
                    .map(String::from),
                );
                paths.sort();
                paths.dedup();
                assert!(!requests.is_empty(), "{}: no valid requests", dir.display());
                Example {
                    dir,
                    sources,
                    policy,
                    requests,
                    paths,
                }
            })
            .collect()
    })
}

/// The context `gavel test` gives a case: its request's license stands for a verified one.
fn context(request: &Request) -> Context {
    gavel::testing::stand_in_license(
        Context::at(gavel::testing::DEFAULT_NOW.parse().unwrap()),
        request,
    )
}

/// An example, one of its requests, and a path to add.
fn pick() -> impl Strategy<Value = (usize, usize, usize, u64, u64)> {
    (0..examples().len()).prop_flat_map(|e| {
        let ex = &examples()[e];
        (
            Just(e),
            0..ex.requests.len(),
            0..ex.paths.len(),
            0u64..400,
            0u64..400,
        )
    })
}

fn outcome_of(policy: &Policy, request: &Request) -> Decision {
    policy.decide(request, &context(request))
}

proptest! {
    #![proptest_config(ProptestConfig { max_global_rejects: 1_000_000, ..ProptestConfig::with_cases(256) })]

    #[test]
    fn adding_a_file_never_makes_a_decision_less_strict((e, r, p, added, removed) in pick(), first in any::<prop::sample::Index>()) {
        let ex = &examples()[e];
        let mut request = ex.requests[r].clone();
        let path = &ex.paths[p];
        // From a request with files: a policy may deliberately treat the degenerate empty
        // request more strictly (autopack refuses to auto-approve a patch of no files), and
        // adding the first file escapes nothing. An empty request gets a first file here.
        if request.files.is_empty() {
            let first = ex.paths[first.index(ex.paths.len())].clone();
            request.files.push(FileChange { path: first, added: 1, removed: 0, status: FileStatus::Modified, from: None });
        }
        let request = &request;
        prop_assume!(!request.files.iter().any(|f| f.path == *path || f.from.as_deref() == Some(path.as_str())));
        let before = outcome_of(&ex.policy, request);
        let mut bigger = request.clone();
        bigger.files.push(FileChange { path: path.clone(), added, removed, status: FileStatus::Modified, from: None });
        let after = outcome_of(&ex.policy, &bigger);
        prop_assert!(
            rank(after.outcome) >= rank(before.outcome),
            "{}: adding {path} (+{added} -{removed}) turned {} into {} ({})",
            ex.dir.display(), before.outcome.as_str(), after.outcome.as_str(), after.summary
        );
    }

    #[test]
    fn adding_a_rule_at_least_as_strict_as_the_default_never_loosens(
        (e, r, _, n, _) in pick(),
        condition in prop::sample::select(vec![
            "lines.changed > {N}", "files.count >= 2", "actor is agent", "any file matches \"**/*.py\"",
            "lines.removed > {N} or files.count > 3", "not (lines.added > {N})", "all files matches \"**\"",
        ]),
        outcome in prop::sample::select(vec!["notify \"extra\"", "require 1 approval from {ROLE}", "block \"extra\""]),
    ) {
        let ex = &examples()[e];
        let default_rank = match &ex.policy.checked().default {
            None => 3,
            Some(o) => o.rank(),
        };
        let rule_rank = if outcome.starts_with("notify") { 1 } else if outcome.starts_with("require") { 2 } else { 3 };
        prop_assume!(rule_rank >= default_rank);
        let role = ex.policy.checked().roles.first().cloned().unwrap_or_else(|| "nobody".into());
        prop_assume!(!outcome.contains("{ROLE}") || !ex.policy.checked().roles.is_empty());
        let rule = format!(
            "rule extra_property_rule {{\n  when {}\n  then {}\n}}\n",
            condition.replace("{N}", &n.to_string()),
            outcome.replace("{ROLE}", &role)
        );
        let mut sources = ex.sources.clone();
        sources.push(("zz_extra.gavel".into(), rule));
        let Ok(extended) = Policy::from_sources(sources.clone()) else {
            // Only the warning-free check matters; a rule the policy cannot express (no
            // roles) was filtered above.
            return Err(TestCaseError::fail(format!("{}: extended policy does not compile", ex.dir.display())));
        };
        let request = &ex.requests[r];
        let before = outcome_of(&ex.policy, request);
        let after = outcome_of(&extended, request);
        prop_assert!(rank(after.outcome) >= rank(before.outcome),
            "{}: the extra rule turned {} into {}", ex.dir.display(), before.outcome.as_str(), after.outcome.as_str());
    }

    #[test]
    fn file_order_does_not_matter((e, r, p, added, removed) in pick(), seed in any::<u64>()) {
        let ex = &examples()[e];
        let mut request = ex.requests[r].clone();
        let path = &ex.paths[p];
        if !request.files.iter().any(|f| f.path == *path || f.from.as_deref() == Some(path.as_str())) {
            request.files.push(FileChange { path: path.clone(), added, removed, status: FileStatus::Added, from: None });
        }
        let request = &request;
        let mut shuffled = request.clone();
        let n = shuffled.files.len();
        for i in 0..n {
            let j = ((seed.rotate_left(i as u32) ^ (i as u64 * 0x9E37_79B9)) % n as u64) as usize;
            shuffled.files.swap(i, j);
        }
        prop_assert_eq!(essence(&outcome_of(&ex.policy, request)), essence(&outcome_of(&ex.policy, &shuffled)));
    }

    #[test]
    fn dry_runs_never_authorize((e, r, _, _, _) in pick()) {
        let ex = &examples()[e];
        let mut dry = ex.requests[r].clone();
        dry.mode = Mode::DryRun;
        let decision = outcome_of(&ex.policy, &dry);
        prop_assert!(!decision.authorizes);
        prop_assert!(decision.dry_run);
    }
}

/// What a decision means, independent of orderings: outcome, fired rules, gates, risk,
/// reasons and how many files decided each piece of evidence.
fn essence(d: &Decision) -> String {
    let mut fired: Vec<String> = d
        .fired
        .iter()
        .map(|f| {
            // Which (at most 10) files evidence lists follows the request's order; how many
            // files decided each condition does not.
            let counts: Vec<u64> = f
                .evidence
                .iter()
                .map(|e| e.file_count.unwrap_or(e.files.len() as u64))
                .collect();
            format!("{}:{}:{counts:?}", f.rule, f.outcome)
        })
        .collect();
    fired.sort();
    let mut reasons = d.reasons.clone();
    reasons.sort();
    format!(
        "{} {fired:?} {:?} {:?} {reasons:?} {}",
        d.outcome.as_str(),
        d.gates
            .iter()
            .map(|g| (&g.rule, g.count, &g.roles))
            .collect::<Vec<_>>(),
        d.risk.as_ref().map(|r| (r.score, r.level.clone())),
        d.default_applied
    )
}

#[test]
fn rule_and_file_order_do_not_matter() {
    for ex in examples() {
        // Reverse the order of rules inside each file and the order of the files themselves.
        let reversed: Vec<(String, String)> = ex
            .sources
            .iter()
            .enumerate()
            .map(|(i, (_, text))| {
                let mut items: Vec<String> = Vec::new();
                for chunk in text.split("\nrule ") {
                    items.push(chunk.to_string());
                }
                let head = items.remove(0);
                items.reverse();
                let body = items
                    .iter()
                    .map(|r| format!("\nrule {}", r.trim_end()))
                    .collect::<String>();
                (
                    format!("{:02}_{}", ex.sources.len() - i, "part.gavel"),
                    format!("{}{body}\n", head.trim_end()),
                )
            })
            .collect();
        let other =
            Policy::from_sources(reversed).unwrap_or_else(|e| panic!("{}: {e}", ex.dir.display()));
        assert_eq!(other.checked().rules.len(), ex.policy.checked().rules.len());
        for request in &ex.requests {
            let a = outcome_of(&ex.policy, request);
            let b = outcome_of(&other, request);
            assert_eq!(
                essence(&a),
                essence(&b),
                "{}: {:?}",
                ex.dir.display(),
                request.reference
            );
        }
    }
}

/// Found by `adding_a_file_never_makes_a_decision_less_strict`: in `autopack`, a 51-line
/// deletion fell to default deny (approval), but adding another file that deleted 50 more
/// lines made it Tier 2 (notify) — an agent could escape approval by deleting more.
#[test]
fn regression_autopack_bigger_deletion_no_longer_escapes_approval() {
    let ex = examples()
        .iter()
        .find(|e| e.dir.ends_with("autopack"))
        .unwrap();
    let one = Request::from_json(
        br#"{"action":"apply_patch","environment":"dev","actor":{"id":"a","kind":"agent"},"attributes":{"run_id":"r"},
            "files":[{"path":"docs/old.md","removed":51}]}"#,
    )
    .unwrap();
    let mut two = one.clone();
    two.files.push(FileChange {
        path: "tests/area1/test_1.py".into(),
        added: 0,
        removed: 50,
        status: FileStatus::Modified,
        from: None,
    });
    let (a, b) = (outcome_of(&ex.policy, &one), outcome_of(&ex.policy, &two));
    assert!(
        rank(b.outcome) >= rank(a.outcome),
        "{} then {}",
        a.outcome.as_str(),
        b.outcome.as_str()
    );
}
