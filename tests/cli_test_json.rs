//! `gavel test --format json` and `--format junit`: the run as one document for machines,
//! saying what the lines say.

use crate::support::Cli;

const POLICY: &str = r#"policy "docs"
roles admin
paths docs ["docs/**"]
default require 1 approval from admin
rule docs {
  when all files in docs and lines.changed <= 100
  then auto_approve
}
"#;

/// A policy that does not compile (`nope` is no name), at line 3.
const NOT_COMPILING: &str = "policy \"two\"\nrule r {\n  when nope\n  then block \"x\"\n}\n";

fn case(name: &str, path: &str, outcome: &str) -> String {
    format!(
        "  - name: {name}\n    request: {{action: apply_patch, actor: {{id: a, kind: agent}}, files: [{{path: {path}, added: 1}}]}}\n    expect: {{outcome: {outcome}}}\n"
    )
}

#[test]
fn every_policy_file_and_case_is_reported_with_its_failures() {
    let cases = format!(
        "cases:\n{}{}",
        case("docs pass", "docs/a.md", "auto_approve"),
        case("wrong on purpose", "src/a.rs", "auto_approve"),
    );
    let out = Cli::new()
        .file("policies/one/main.gavel", POLICY)
        .file("policies/one/tests/cases.yaml", cases)
        .file("policies/one/tests/broken.yaml", "cases: 5\n")
        .file("policies/two/main.gavel", NOT_COMPILING)
        .args(["test", "--format", "json"])
        .output();
    out.code(1);
    let report = out.json();
    assert_eq!(report["ok"], false);
    assert_eq!(report["passed"], 1);
    // The wrong case, the file that cannot run, the policy that does not compile.
    assert_eq!(report["failed"], 3);
    assert!(report.get("coverage_gaps").is_none(), "{report}");
    let policies = report["policies"].as_array().unwrap();
    assert_eq!(policies.len(), 2);

    let one = &policies[0];
    assert!(one["policy"].as_str().unwrap().ends_with("one"), "{one}");
    assert!(one.get("error").is_none(), "{one}");
    let files = one["files"].as_array().unwrap();
    assert!(files[0]["file"].as_str().unwrap().ends_with("broken.yaml"));
    assert!(
        files[0]["error"]
            .as_str()
            .unwrap()
            .contains("`cases`: invalid type: integer `5`, expected a sequence"),
        "{}",
        files[0]
    );
    assert_eq!(files[0]["cases"], serde_json::json!([]));
    assert!(files[1].get("error").is_none());
    let cases = files[1]["cases"].as_array().unwrap();
    assert_eq!(
        cases[0],
        serde_json::json!({"name": "docs pass", "passed": true})
    );
    assert_eq!(cases[1]["name"], "wrong on purpose");
    assert_eq!(cases[1]["passed"], false);
    assert_eq!(
        cases[1]["failures"],
        serde_json::json!(["outcome: expected auto_approve, got require_approval"])
    );
    assert!(
        cases[1]["decision"]
            .as_str()
            .unwrap()
            .starts_with("needs 1 more approval from admin"),
        "{}",
        cases[1]
    );

    // A policy that does not compile: its diagnostics, placed as `gavel check` places them.
    let two = &policies[1];
    assert_eq!(two["error"], "the policy does not compile");
    let diagnostic = &two["diagnostics"][0];
    assert_eq!(diagnostic["severity"], "error", "{two}");
    assert!(
        diagnostic["file"].as_str().unwrap().ends_with("main.gavel"),
        "{two}"
    );
    assert_eq!(diagnostic["line"], 3, "{two}");
    assert_eq!(two["files"], serde_json::json!([]));
    // JSON on stdout, nothing else.
    assert!(out.stdout.trim_start().starts_with('{'), "{}", out.stdout);
}

#[test]
fn coverage_and_a_run_that_tests_nothing_are_reported() {
    let cases = format!("cases:\n{}", case("docs pass", "docs/a.md", "auto_approve"));
    let out = Cli::new()
        .file("policies/main.gavel", POLICY)
        .file("policies/tests/cases.yaml", &cases)
        .args(["test", "--format", "json", "--coverage"])
        .output();
    out.code(1);
    let report = out.json();
    assert_eq!(report["ok"], false);
    assert_eq!(report["passed"], 1);
    assert_eq!(report["failed"], 0);
    let coverage = &report["policies"][0]["coverage"];
    let gaps = coverage["gaps"].as_array().unwrap();
    assert_eq!(report["coverage_gaps"], gaps.len());
    assert!(
        gaps.iter()
            .any(|g| g == "rule `docs` fired in every case, never stayed quiet"),
        "{coverage}"
    );
    assert!(
        coverage["summary"]
            .as_str()
            .unwrap()
            .starts_with("0 of 1 rules"),
        "{coverage}"
    );

    // The same cases without --coverage pass.
    let out = Cli::new()
        .file("policies/main.gavel", POLICY)
        .file("policies/tests/cases.yaml", &cases)
        .args(["test", "--format", "json"])
        .output();
    out.code(0);
    assert_eq!(out.json()["ok"], true);

    // A filter that selects nothing: not ok, saying why, on stdout and stderr.
    let out = Cli::new()
        .file("policies/main.gavel", POLICY)
        .file("policies/tests/cases.yaml", &cases)
        .args(["test", "--format", "json", "--filter", "dcos"])
        .output();
    out.code(1)
        .stderr_has("error: no test case ran: no case name contains `dcos`");
    let report = out.json();
    assert_eq!(report["ok"], false);
    assert_eq!(
        report["error"],
        "no test case ran: no case name contains `dcos`"
    );
    assert_eq!(report["policies"][0]["files"], serde_json::json!([]));

    // No policy at all: still one JSON document.
    let out = Cli::new()
        .args(["test", "--format", "json", "--policies", "missing"])
        .output();
    out.code(1);
    let report = out.json();
    assert_eq!(report["ok"], false);
    assert!(
        report["error"].as_str().unwrap().contains("missing"),
        "{report}"
    );
}

/// The lines for people read the same report: a policy that does not compile shows its
/// diagnostics with a caret, and one without tests says so.
#[test]
fn people_see_the_same_policies_in_lines() {
    let cases = format!("cases:\n{}", case("docs pass", "docs/a.md", "auto_approve"));
    let out = Cli::new()
        .file("policies/one/main.gavel", POLICY)
        .file("policies/one/tests/cases.yaml", cases)
        .file(
            "policies/three/main.gavel",
            POLICY.replace("\"docs\"\n", "\"three\"\n"),
        )
        .file("policies/two/main.gavel", NOT_COMPILING)
        .args(["test"])
        .output();
    out.code(1)
        .stdout_has("  ✓ docs pass\n")
        .stdout_has("- policies/three: no tests in policies/three/tests/\n")
        .stdout_has("policies/two/main.gavel:3:")
        .stdout_has("^")
        .stdout_has("✗ policies/two: the policy does not compile\n")
        .stdout_has("\n1 passed, 1 failed\n");
}

/// JUnit XML: a suite per policy, a case per test case (a failure with its differences), a
/// file that cannot run and a policy that does not compile as errors, coverage gaps as a
/// failure; names escaped, counts agreeing with the closing line.
#[test]
fn junit_reports_cases_failures_errors_and_coverage() {
    let cases = format!(
        "cases:\n{}{}",
        case("\"<docs> & \\e[31m\"", "docs/a.md", "auto_approve"),
        case("wrong on purpose", "src/a.rs", "auto_approve"),
    );
    let out = Cli::new()
        .file("policies/one/main.gavel", POLICY)
        .file("policies/one/tests/cases.yaml", cases)
        .file("policies/one/tests/broken.yaml", "cases: 5\n")
        .file("policies/two/main.gavel", NOT_COMPILING)
        .args(["test", "--format", "junit", "--coverage"])
        .output();
    out.code(1)
        .stdout_has("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .stdout_has("<testsuites name=\"gavel test\" tests=\"5\" failures=\"2\" errors=\"2\">")
        .stdout_has("<testsuite name=\"policies/one\" tests=\"4\" failures=\"2\" errors=\"1\">")
        .stdout_has(
            "<testcase name=\"&lt;docs&gt; &amp; \\u{1b}[31m\" classname=\"policies/one/tests/cases.yaml\"/>",
        )
        .stdout_has("<testcase name=\"wrong on purpose\" classname=\"policies/one/tests/cases.yaml\">\n      <failure message=\"outcome: expected auto_approve, got require_approval\">outcome: expected auto_approve, got require_approval\ndecision: needs 1 more approval from admin")
        .stdout_has("<testcase name=\"(file)\" classname=\"policies/one/tests/broken.yaml\">\n      <error message=\"cannot run this file: `cases`: invalid type: integer `5`, expected a sequence\">")
        .stdout_has("<testcase name=\"coverage\" classname=\"policies/one\">\n      <failure message=\"2 coverage gaps\">")
        .stdout_has("<testsuite name=\"policies/two\" tests=\"1\" failures=\"0\" errors=\"1\">")
        .stdout_has("<error message=\"the policy does not compile\">error[E0024]: unknown name `nope`")
        .stdout_has("</testsuites>\n");
    assert!(!out.stdout.contains('\u{1b}'), "{}", out.stdout);

    // A run in which no case ran is an error of its own.
    let passing = format!("cases:\n{}", case("docs pass", "docs/a.md", "auto_approve"));
    let out = Cli::new()
        .file("policies/main.gavel", POLICY)
        .file("policies/tests/cases.yaml", passing)
        .args(["test", "--format", "junit", "--filter", "dcos"])
        .output();
    out.code(1)
        .stdout_has("<testsuites name=\"gavel test\" tests=\"1\" failures=\"0\" errors=\"1\">")
        .stdout_has("<testcase name=\"(run)\" classname=\"gavel test\">\n      <error message=\"no test case ran: no case name contains `dcos`\">")
        .stderr_has("error: no test case ran");
}
