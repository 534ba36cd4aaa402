//! What `gavel test` found, as one value: printed line by line for people, or as one JSON
//! document (`--format json`) for CI systems that collect test results, as `opa test
//! --format json` gives them.
//!
//! Both renderings read the same report, so the JSON never says something the lines do not.

use serde::Serialize;

// Case names, expectations and decisions come from test files and policies: shown
// escaped, one line each, to people. JSON escapes them itself.
use crate::quote::one_line as shown;

/// The whole run.
#[derive(Debug, Serialize)]
pub(super) struct TestReport {
    /// Whether the run passed: every case passed, at least one ran, and (with
    /// `--coverage`) no gap was found. The exit code says the same.
    pub ok: bool,
    pub passed: usize,
    pub failed: usize,
    /// With `--coverage` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coverage_gaps: Option<usize>,
    /// Why the run failed though nothing failed: no case ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub policies: Vec<PolicyReport>,
}

/// One policy directory.
#[derive(Debug, Serialize)]
pub(super) struct PolicyReport {
    pub policy: String,
    /// Why none of its test files ran: the policy does not compile, or its `tests/`
    /// directory cannot be listed. Counts as one failure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The policy's diagnostics when it does not compile, as `gavel check --format json`
    /// gives them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diagnostics: Option<Vec<crate::diagnostic::JsonDiagnostic>>,
    /// Rendered for people in place of `diagnostics`.
    #[serde(skip)]
    pub diagnostics_text: Option<String>,
    /// The policy has no test file at all (`files` is then empty too).
    #[serde(skip)]
    pub no_tests: bool,
    /// Its test files, in the order they ran. Empty when it has none; with `--filter`,
    /// only files with a selected case or that could not run.
    pub files: Vec<FileReport>,
    /// With `--coverage`, when some case of the policy was selected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coverage: Option<CoverageReport>,
}

/// One test file.
#[derive(Debug, Serialize)]
pub(super) struct FileReport {
    pub file: String,
    /// Why none of its cases ran. Counts as one failure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub cases: Vec<CaseReport>,
}

/// One case.
#[derive(Debug, Serialize)]
pub(super) struct CaseReport {
    pub name: String,
    pub passed: bool,
    /// One line per difference between what the case expected and the decision.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<String>,
    /// The decision's summary, for a failed case.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
}

/// What the cases of one policy saw.
#[derive(Debug, Serialize)]
pub(super) struct CoverageReport {
    pub summary: String,
    /// Each gap fails the run.
    pub gaps: Vec<String>,
}

impl PolicyReport {
    /// Prints the policy's part of the run for people.
    pub(super) fn print_human(&self) {
        let dir = &self.policy;
        if let Some(text) = &self.diagnostics_text {
            outln!("{text}");
        }
        if let Some(error) = &self.error {
            outln!("✗ {dir}: {}", shown(error));
        } else if self.no_tests {
            outln!("- {dir}: no tests in {dir}/tests/");
        }
        for file in &self.files {
            outln!("{}", file.file);
            if let Some(error) = &file.error {
                outln!("  ✗ cannot run this file: {}", shown(error));
            }
            for case in &file.cases {
                if case.passed {
                    outln!("  ✓ {}", shown(&case.name));
                    continue;
                }
                outln!("  ✗ {}", shown(&case.name));
                for failure in &case.failures {
                    outln!("      {}", shown(failure));
                }
                if let Some(decision) = &case.decision {
                    outln!("      decision: {}", shown(decision));
                }
            }
        }
        if let Some(coverage) = &self.coverage {
            outln!("coverage of {dir}: {}", coverage.summary);
            for gap in &coverage.gaps {
                outln!("  ✗ {}", shown(gap));
            }
        }
    }
}

impl TestReport {
    /// Prints the closing summary line for people (the policies were printed as they ran).
    pub(super) fn print_human_summary(&self) {
        match self.coverage_gaps {
            Some(gaps) => outln!(
                "\n{} passed, {} failed, {gaps} coverage gaps",
                self.passed,
                self.failed
            ),
            None => outln!("\n{} passed, {} failed", self.passed, self.failed),
        }
    }
}
