//! `gavel test --coverage`: which rules, risk factors and conditions the cases saw both
//! ways, end to end and through the library.

use crate::support::Cli;
use gavel::Policy;
use gavel::testing::{Coverage, run_file};

const POLICY: &str = r#"policy "p"
paths docs ["docs/**"]
let big = lines.changed > 100
let size = if files.count <= 2 then 0 else 10
risk {
  size when files.count > 0 as "size"
  20 when any file in docs as "docs"
}
rule small_docs "small docs change" {
  when all files in docs and not big and (risk < 30 or actor is human)
  then auto_approve
}
rule large "large change" {
  when big
  then block "too big"
}
"#;

/// A docs file and a source file, both small, both sent by an agent.
const TWO_CASES: &str = r#"
cases:
  - name: small docs
    request: {action: apply_patch, actor: {id: a, kind: agent}, files: [{path: docs/a.md, added: 3}]}
    expect: {outcome: auto_approve}
  - name: small source
    request: {action: apply_patch, actor: {id: a, kind: agent}, files: [{path: src/a.rs, added: 3}]}
    expect: {outcome: block}
"#;

/// What the two cases leave out: a large change, three files, a human, no files at all.
const MORE_CASES: &str = r#"
cases:
  - name: large docs change
    request: {action: apply_patch, actor: {id: a, kind: agent}, files: [{path: docs/a.md, added: 300}]}
    expect: {outcome: block, fired: [large]}
  - name: three docs files by a human
    request:
      action: apply_patch
      actor: {id: h, kind: human}
      files: [{path: docs/a.md, added: 1}, {path: docs/b.md, added: 1}, {path: docs/c.md, added: 1}]
    expect: {outcome: auto_approve, risk: {score: "30"}}
  - name: no files
    request: {action: apply_patch, actor: {id: a, kind: agent}}
    expect: {outcome: auto_approve}
  - name: refused, and not counted
    request: {action: apply_patch, actor: {id: a, kind: robot}}
    expect: {outcome: block, reason_contains: robot}
"#;

fn cli() -> Cli {
    Cli::new().file("policies/main.gavel", POLICY)
}

#[test]
fn every_gap_is_named_with_where_it_is_written_and_fails_the_run() {
    let out = cli()
        .file("policies/tests/cases.yaml", TWO_CASES)
        .args(["test", "--coverage"])
        .output();
    out.code(1)
        .stdout_has("✓ small docs")
        .stdout_has("✓ small source")
        .stdout_has(
            "coverage of policies: 1 of 2 rules, 1 of 2 risk factors, 2 of 7 conditions seen \
             both ways; the default deny applied in 1 case; 0 cases without files (2 cases \
             counted)",
        )
        .stdout_has("✗ rule `large` never fired")
        .stdout_has("✗ risk factor `size` contributed in every case, never left out")
        .stdout_has(
            "✗ condition `files.count <= 2` (helper `size`, policies/main.gavel:4:15) held in every \
             case, never failed",
        )
        .stdout_has("✗ condition `lines.changed > 100` (helper `big`, policies/main.gavel:3:11) never held")
        .stdout_has(
            "✗ condition `risk < 30` (rule `small_docs`, policies/main.gavel:10:43) held in every case, \
             never failed",
        )
        .stdout_has("✗ condition `actor is human` (rule `small_docs`, policies/main.gavel:10:56) never held")
        .stdout_has("✗ no case sends a request without files")
        .stdout_has("2 passed, 0 failed, 8 coverage gaps");
    // The covered ones are not listed as gaps.
    assert!(
        !out.stdout.contains("✗ rule `small_docs`"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("risk factor `docs`"), "{}", out.stdout);
    assert!(!out.stdout.contains("any file in docs"), "{}", out.stdout);
}

#[test]
fn without_the_flag_gaps_are_not_reported_and_do_not_fail() {
    let out = cli()
        .file("policies/tests/cases.yaml", TWO_CASES)
        .args(["test"])
        .output();
    out.code(0).stdout_has("2 passed, 0 failed");
    assert!(!out.stdout.contains("coverage"), "{}", out.stdout);
}

#[test]
fn cases_that_cross_every_threshold_cover_the_policy() {
    let out = cli()
        .file("policies/tests/cases.yaml", TWO_CASES)
        .file("policies/tests/more.yaml", MORE_CASES)
        .args(["test", "--coverage"])
        .output();
    out.code(0)
        .stdout_has(
            "coverage of policies: 2 of 2 rules, 2 of 2 risk factors, 7 of 7 conditions seen \
             both ways; the default deny applied in 1 case; 1 case without files (5 cases \
             counted, 1 refused or failed and not counted)",
        )
        .stdout_has("6 passed, 0 failed, 0 coverage gaps");
}

/// Conditions count both ways even where the decision never looked: `actor is human` is
/// evaluated for coverage although `risk < 30` already decided the `or`.
#[test]
fn a_condition_is_covered_whether_or_not_the_decision_needed_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.gavel"), POLICY).unwrap();
    std::fs::create_dir(dir.path().join("tests")).unwrap();
    let cases = dir.path().join("tests/cases.yaml");
    std::fs::write(&cases, MORE_CASES).unwrap();
    let policy = Policy::load(dir.path()).unwrap();
    let result = run_file(&policy, &cases);
    let coverage = Coverage::of(
        policy.checked(),
        result.cases.iter().map(|c| c.observed.as_ref()),
    );
    let human = coverage
        .conditions
        .iter()
        .find(|(atom, _)| atom.text == "actor is human")
        .map(|(_, seen)| *seen)
        .unwrap();
    // Held for the human's case; failed for the agent's three (the refused one not counted).
    assert_eq!((human.yes, human.no), (1, 2));
    assert_eq!((coverage.cases, coverage.uncounted), (3, 1));
}

/// The example policies' own tests see every rule, risk factor and condition both ways, the
/// default (or the default deny) apply, and a request without files — what the examples
/// promise, checked rather than claimed.
#[test]
fn the_example_policies_are_fully_covered_by_their_tests() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let dirs = gavel::load::discover_policies(&root).unwrap();
    assert!(dirs.len() >= 5, "{dirs:?}");
    for dir in dirs {
        let policy = Policy::load(&dir).unwrap();
        let results: Vec<_> = gavel::testing::test_files(&dir)
            .unwrap()
            .iter()
            .map(|file| run_file(&policy, file))
            .collect();
        let coverage = Coverage::of(
            policy.checked(),
            results
                .iter()
                .flat_map(|r| &r.cases)
                .map(|c| c.observed.as_ref()),
        );
        assert!(
            coverage.conditions.len() >= policy.checked().rules.len(),
            "{}: {coverage:?}",
            dir.display()
        );
        assert_eq!(
            coverage.gaps(),
            Vec::<String>::new(),
            "{}: {}",
            dir.display(),
            coverage.summary()
        );
    }
}

/// A condition the decisions never needed (a false `and` before it) but which fails
/// whenever it is evaluated is named, not passed over as neither held nor failed.
#[test]
fn a_condition_that_fails_to_evaluate_in_every_case_is_a_gap() {
    let policy = r#"policy "q"
attribute guard: bool
attribute n: number
default auto_approve
rule guarded {
  when attr.guard and attr.n * attr.n > 1
  then block "large"
}
"#;
    let cases = r#"
cases:
  - name: unguarded, huge
    request: {action: apply_patch, actor: {id: a, kind: agent}, attributes: {guard: false, n: 99999999999}}
    expect: {outcome: auto_approve, default_applied: true}
"#;
    let out = coverage_of(policy, cases);
    out.code(1)
        .stdout_has("✓ unguarded, huge")
        .stdout_has(
            "✗ condition `attr.n * attr.n > 1` (rule `guarded`, policies/main.gavel:6:23) \
             failed to evaluate in every case",
        )
        .stdout_has("✗ condition `attr.guard` (rule `guarded`, policies/main.gavel:6:8) never held")
        .stdout_has("✗ rule `guarded` never fired");
}

/// Found by QA: only a comparison's operands were searched for conditions of their own,
/// so an `if` read by `starts_with`, `lower` or `in` went unlisted; and a boolean operand
/// of `==` was listed as a condition besides the comparison.
#[test]
fn conditions_inside_any_operand_are_listed_and_operands_are_not_conditions() {
    let policy = r#"policy "p"
attribute ok: bool = false
let who = if actor is human then actor.id else "bot"
rule s1 { when who starts_with "al" then notify "a" }
rule s2 { when lower(if attr.ok then "A" else "B") == "a" then notify "b" }
rule s3 { when attr.ok == true then notify "c" }
"#;
    let cases = r#"
cases:
  - name: alice
    request: {action: apply_patch, actor: {id: alice, kind: human}, attributes: {ok: true}}
    expect: {outcome: notify}
  - name: bob
    request: {action: apply_patch, actor: {id: bob, kind: human}}
    expect: {outcome: block}
"#;
    let out = coverage_of(policy, cases);
    out.code(1)
        .stdout_has("✓ alice")
        .stdout_has("✓ bob")
        // who starts_with "al"; actor is human; lower(...) == "a"; attr.ok (in the `if`);
        // attr.ok == true — and not `attr.ok` a second time as the operand of `==`.
        .stdout_has("3 of 3 rules, 4 of 5 conditions seen both ways")
        .stdout_has(
            "✗ condition `actor is human` (helper `who`, policies/main.gavel:3:14) held in \
             every case, never failed",
        );
    assert_eq!(
        out.stdout.matches("✗ condition").count(),
        1,
        "{}",
        out.stdout
    );
}

/// Found by QA: a failing message (the rule fired; only its text failed) made the case not
/// count, though which rules fired is known; with `--filter`, a policy none of whose cases
/// was selected was reported as covering nothing; a policy without test cases says so.
#[test]
fn what_counts_and_what_is_reported_under_a_filter() {
    let policy = r#"policy "p"
attribute n: number = 1
default auto_approve
rule s5 { when files.count > 0 then notify "{attr.n * attr.n}" }
"#;
    let cases = r#"
cases:
  - name: message overflow
    request: {action: apply_patch, actor: {id: a, kind: human}, files: [{path: x, added: 1}], attributes: {n: 1000000000000}}
    expect: {outcome: block}
  - name: no files
    request: {action: apply_patch, actor: {id: a, kind: human}}
    expect: {outcome: auto_approve}
"#;
    let other = "policy \"q\"\ndefault auto_approve\n";
    let other_case = "cases:\n  - name: beta\n    request: {action: apply_patch, actor: {id: a, kind: human}}\n    expect: {outcome: auto_approve}\n";
    let cli = || {
        Cli::new()
            .file("policies/p/main.gavel", policy)
            .file("policies/p/tests/cases.yaml", cases)
            .file("policies/q/main.gavel", other)
            .file("policies/q/tests/cases.yaml", other_case)
            .file("policies/untested/main.gavel", other)
    };
    let out = cli().args(["test", "--coverage"]).output();
    out.code(1)
        .stdout_has(
            "coverage of policies/p: 1 of 1 rules, 1 of 1 conditions seen both ways; the \
             default applied in 1 case; 1 case without files (2 cases counted)",
        )
        .stdout_has("coverage of policies/untested: 0 of 0 rules")
        .stdout_has("  ✗ no test case: nothing is covered");
    let out = cli()
        .args(["test", "--coverage", "--filter", "beta"])
        .output();
    out.stdout_has("coverage of policies/q: ");
    assert!(
        !out.stdout.contains("coverage of policies/p"),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains("coverage of policies/untested"),
        "{}",
        out.stdout
    );
}

/// `gavel test --coverage` on one policy with one test file.
fn coverage_of(policy: &str, cases: &str) -> crate::support::Output {
    Cli::new()
        .file("policies/main.gavel", policy)
        .file("policies/tests/cases.yaml", cases)
        .args(["test", "--coverage"])
        .output()
}
