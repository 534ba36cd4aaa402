//! `gavel test`: run the YAML cases beside each policy.

// Case names, expectations and decisions come from test files and policies: shown
// escaped, one line each.
use crate::quote::one_line as shown;
use std::path::PathBuf;

use clap::Args;

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
}

/// Exit code 0 when every case passes (and, with `--coverage`, nothing is uncovered), 1
/// otherwise.
pub fn run(args: &TestArgs) -> u8 {
    let dirs = match discover_policies(&args.policies) {
        Ok(d) => d,
        Err(e) => {
            crate::cli::output::print_error(&e);
            return 1;
        }
    };
    let (mut passed, mut failed, mut gaps) = (0usize, 0usize, 0usize);
    for dir in dirs {
        let policy = match Policy::load(&dir) {
            Ok(p) => p,
            Err(e) => {
                outln!("{e}");
                outln!(
                    "✗ {}: the policy does not compile",
                    crate::cli::shown_path(&dir)
                );
                failed += 1;
                continue;
            }
        };
        let files = match test_files(&dir) {
            Ok(files) => files,
            Err(error) => {
                outln!("✗ {}: {}", crate::cli::shown_path(&dir), shown(&error));
                failed += 1;
                continue;
            }
        };
        if files.is_empty() {
            outln!(
                "- {}: no tests in {}/tests/",
                crate::cli::shown_path(&dir),
                crate::cli::shown_path(&dir)
            );
        }
        let mut observed = Vec::new();
        for path in files {
            let result = run_file(&policy, &path);
            let selected: Vec<_> = result
                .cases
                .iter()
                .filter(|case| {
                    args.filter
                        .as_ref()
                        .is_none_or(|f| case.name.contains(f.as_str()))
                })
                .collect();
            // With --filter, a file none of whose cases is selected is not listed (a file
            // that cannot run always is).
            if selected.is_empty() && result.error.is_none() && args.filter.is_some() {
                continue;
            }
            outln!("{}", crate::cli::shown_path(&path));
            if let Some(error) = &result.error {
                outln!("  ✗ cannot run this file: {}", shown(&error.to_string()));
                failed += 1;
            }
            for case in selected {
                observed.push(case.observed.clone());
                if case.failures.is_empty() {
                    passed += 1;
                    outln!("  ✓ {}", shown(&case.name));
                } else {
                    failed += 1;
                    outln!("  ✗ {}", shown(&case.name));
                    for failure in &case.failures {
                        outln!("      {}", shown(&failure.to_string()));
                    }
                    outln!("      decision: {}", shown(&case.summary));
                }
            }
        }
        // With --filter, a policy none of whose cases was selected is not reported on.
        if args.coverage && !(observed.is_empty() && args.filter.is_some()) {
            let coverage = Coverage::of(policy.checked(), observed.iter().map(Option::as_ref));
            outln!(
                "coverage of {}: {}",
                crate::cli::shown_path(&dir),
                coverage.summary()
            );
            for gap in coverage.gaps() {
                gaps += 1;
                outln!("  ✗ {}", shown(&gap));
            }
        }
    }
    if args.coverage {
        outln!("\n{passed} passed, {failed} failed, {gaps} coverage gaps");
    } else {
        outln!("\n{passed} passed, {failed} failed");
    }
    // A run that tested nothing must not pass: a mistyped `--filter` in CI, or policies
    // whose tests are not where `gavel test` looks.
    if passed + failed == 0 {
        match &args.filter {
            Some(filter) => errln!(
                "error: no test case ran: no case name contains {}",
                crate::quote::quote(filter)
            ),
            None => errln!("error: no test case ran: no policy has test files in its tests/"),
        }
        return 1;
    }
    u8::from(failed > 0 || gaps > 0)
}
