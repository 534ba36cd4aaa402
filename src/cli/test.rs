//! `gavel test`: run the YAML cases beside each policy.

use std::path::{Path, PathBuf};

use clap::Args;

use super::test_report::{CaseReport, CoverageReport, FileReport, PolicyReport, TestReport};
use crate::compile::Policy;
use crate::load::discover_policies;
use crate::testing::{Coverage, run_file, test_files};

/// Arguments of `gavel test`.
#[derive(Debug, Args)]
pub struct TestArgs {
    /// Policy directory (or a directory of policy directories).
    #[arg(long, default_value = "policies")]
    policies: PathBuf,
    /// Only run cases whose name contains this text.
    #[arg(long)]
    filter: Option<String>,
    /// Also report, per policy, which rules, risk factors and conditions the cases never
    /// saw go both ways, and whether the default and a request without files were tried;
    /// each gap fails the run.
    #[arg(long)]
    coverage: bool,
    /// Output format: lines for people, one JSON document of every policy, file and case,
    /// or JUnit XML for CI test reports (docs/testing.md).
    #[arg(long, value_enum, default_value = "human")]
    format: TestFormat,
}

/// Output formats of `gavel test`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TestFormat {
    /// For people.
    Human,
    /// For machines: one JSON document.
    Json,
    /// JUnit XML, for CI systems' test reports.
    Junit,
}

/// Exit code 0 when every case passes (and, with `--coverage`, nothing is uncovered), 1
/// otherwise.
pub fn run(args: &TestArgs) -> u8 {
    let dirs = match discover_policies(&args.policies) {
        Ok(d) => d,
        Err(e) => {
            print_machine(
                args.format,
                &TestReport {
                    ok: false,
                    passed: 0,
                    failed: 0,
                    coverage_gaps: args.coverage.then_some(0),
                    error: Some(e.clone()),
                    policies: Vec::new(),
                },
            );
            crate::cli::output::print_error(&e);
            return 1;
        }
    };
    let mut report = TestReport {
        ok: false,
        passed: 0,
        failed: 0,
        coverage_gaps: args.coverage.then_some(0),
        error: None,
        policies: Vec::new(),
    };
    for dir in dirs {
        let policy = test_policy(&dir, args);
        report.failed += usize::from(policy.error.is_some());
        for file in &policy.files {
            report.failed += usize::from(file.error.is_some());
            for case in &file.cases {
                if case.passed {
                    report.passed += 1;
                } else {
                    report.failed += 1;
                }
            }
        }
        if let (Some(gaps), Some(coverage)) = (&mut report.coverage_gaps, &policy.coverage) {
            *gaps += coverage.gaps.len();
        }
        match args.format {
            // Printed as each policy finishes, so a long run shows its progress.
            TestFormat::Human => policy.print_human(),
            TestFormat::Json | TestFormat::Junit => report.policies.push(policy),
        }
    }
    // A run that tested nothing must not pass: a mistyped `--filter` in CI, or policies
    // whose tests are not where `gavel test` looks.
    if report.passed + report.failed == 0 {
        report.error = Some(match &args.filter {
            Some(filter) => format!(
                "no test case ran: no case name contains {}",
                crate::quote::quote(filter)
            ),
            None => "no test case ran: no policy has test files in its tests/".to_string(),
        });
    }
    report.ok =
        report.error.is_none() && report.failed == 0 && report.coverage_gaps.unwrap_or(0) == 0;
    match args.format {
        TestFormat::Human => report.print_human_summary(),
        format => print_machine(format, &report),
    }
    if let Some(error) = &report.error {
        errln!("error: {error}");
    }
    u8::from(!report.ok)
}

/// Runs the cases of the policy in `dir` that `args` selects.
fn test_policy(dir: &Path, args: &TestArgs) -> PolicyReport {
    let mut report = PolicyReport {
        policy: crate::cli::shown_path(dir),
        error: None,
        diagnostics: None,
        diagnostics_text: None,
        no_tests: false,
        files: Vec::new(),
        coverage: None,
    };
    let policy = match Policy::load(dir) {
        Ok(p) => p,
        Err(e) => {
            report.error = Some("the policy does not compile".into());
            match args.format {
                TestFormat::Json => report.diagnostics = Some(e.to_json()),
                TestFormat::Human | TestFormat::Junit => {
                    report.diagnostics_text = Some(e.to_string());
                }
            }
            return report;
        }
    };
    let files = match test_files(dir) {
        Ok(files) => files,
        Err(error) => {
            report.error = Some(error);
            return report;
        }
    };
    report.no_tests = files.is_empty();
    let selects = |name: &str| {
        args.filter
            .as_ref()
            .is_none_or(|f| name.contains(f.as_str()))
    };
    let mut observed = Vec::new();
    for path in files {
        let result = run_file(&policy, &path);
        let selected: Vec<_> = result.cases.iter().filter(|c| selects(&c.name)).collect();
        // With --filter, a file none of whose cases is selected is not listed (a file that
        // cannot run always is).
        if selected.is_empty() && result.error.is_none() && args.filter.is_some() {
            continue;
        }
        let mut cases = Vec::new();
        for case in selected {
            observed.push(case.observed.clone());
            let passed = case.failures.is_empty();
            cases.push(CaseReport {
                name: case.name.clone(),
                passed,
                failures: case.failures.clone(),
                decision: (!passed).then(|| case.summary.clone()),
            });
        }
        report.files.push(FileReport {
            file: crate::cli::shown_path(&path),
            error: result.error.as_ref().map(ToString::to_string),
            cases,
        });
    }
    // With --filter, a policy none of whose cases was selected is not reported on.
    if args.coverage && !(observed.is_empty() && args.filter.is_some()) {
        let coverage = Coverage::of(policy.checked(), observed.iter().map(Option::as_ref));
        report.coverage = Some(CoverageReport {
            summary: coverage.summary(),
            gaps: coverage.gaps(),
        });
    }
    report
}

/// Prints the whole report as JSON or JUnit XML (nothing for `human`, which prints as it
/// goes).
fn print_machine(format: TestFormat, report: &TestReport) {
    match format {
        TestFormat::Human => {}
        TestFormat::Json => match serde_json::to_string_pretty(report) {
            Ok(json) => outln!("{json}"),
            Err(e) => crate::cli::output::print_error(&format!("cannot write the report: {e}")),
        },
        TestFormat::Junit => out!("{}", super::test_junit::render(report)),
    }
}
