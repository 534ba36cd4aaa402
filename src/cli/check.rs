//! `gavel check`: compile policies and report every problem.

use std::path::PathBuf;

use clap::Args;

use super::Format;
use crate::check::{check, stale_glob_warnings, tracked_files};
use crate::diagnostic::{Code, Severity, render_human, to_json};
use crate::load::{discover_policies, load_policy_dir};

/// Arguments of `gavel check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Policy directory (or a directory of policy directories).
    #[arg(long, default_value = "policies")]
    policies: PathBuf,
    /// Warn about globs that match no file tracked in this git repository.
    #[arg(long)]
    repo: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
}

/// Exit code 0 when clean (warnings allowed), 1 on errors.
pub fn run(args: &CheckArgs) -> u8 {
    let dirs = match discover_policies(&args.policies) {
        Ok(dirs) => dirs,
        Err(message) => {
            // `--format json` says it too, as the diagnostic E0012 (found by QA: it printed
            // nothing on stdout).
            if args.format == Format::Json {
                let d = crate::diagnostic::Diagnostic::for_file(
                    Code::NoFiles,
                    crate::cli::shown_path(&args.policies),
                    &message,
                );
                let sources = crate::source::SourceSet::new();
                let out = serde_json::json!({
                    "ok": false,
                    "errors": 1,
                    "warnings": 0,
                    "diagnostics": to_json(&sources, std::slice::from_ref(&d)),
                });
                outln!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
            }
            crate::cli::output::print_error(&message);
            return 1;
        }
    };
    let tracked = match &args.repo {
        Some(repo) => match tracked_files(repo) {
            Ok(files) => Some(files),
            Err(message) => {
                crate::cli::output::print_error(&message);
                return 1;
            }
        },
        None => None,
    };
    let mut failed = false;
    let mut json = Vec::new();
    let (mut errors, mut warnings) = (0, 0);
    for dir in &dirs {
        let (sources, mut diagnostics) = load_policy_dir(dir);
        let result = check(&sources);
        // Files that could not be read are their own errors: that none was read is not also
        // a policy without files (E0012).
        let unread = sources.is_empty() && diagnostics.iter().any(|d| d.is_error());
        diagnostics.extend(
            result
                .diagnostics
                .into_iter()
                .filter(|d| !(unread && d.code == Code::NoFiles)),
        );
        if let (Some(policy), Some(files)) = (&result.policy, &tracked) {
            diagnostics.extend(stale_glob_warnings(policy, files));
        }
        for d in &diagnostics {
            match d.severity() {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
            }
        }
        let dir_failed = diagnostics.iter().any(|d| d.is_error());
        failed |= dir_failed;
        match args.format {
            Format::Human => {
                err!("{}", render_human(&sources, &diagnostics));
                // The files that were read may form a policy, but one with a file that could
                // not be read is not ok.
                if let Some(policy) = result.policy.as_ref().filter(|_| !dir_failed) {
                    errln!(
                        "{}: policy `{}` ok ({} rules, spec {})",
                        crate::cli::shown_path(dir),
                        policy.name,
                        policy.rules.len(),
                        hex::encode(policy.spec_hash).get(..16).unwrap_or("")
                    );
                }
            }
            Format::Json => json.extend(to_json(&sources, &diagnostics)),
        }
    }
    match args.format {
        Format::Human => {
            if errors + warnings > 0 {
                errln!("{errors} error(s), {warnings} warning(s)");
            }
            // The report is stderr: one that did not arrive is a failure, though nothing
            // is left to say why.
            if super::output::stderr_failed() {
                return 1;
            }
        }
        Format::Json => {
            let out = serde_json::json!({
                "ok": !failed,
                "errors": errors,
                "warnings": warnings,
                "diagnostics": json,
            });
            outln!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        }
    }
    u8::from(failed)
}
