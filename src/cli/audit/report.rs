//! `gavel audit report`.

use clap::{Args, ValueEnum};

use super::{LogArgs, fail_reading};
use crate::audit::{ReportWindow, build_report};

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Markdown.
    Md,
    /// JSON.
    Json,
}

/// Arguments of `gavel audit report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    log: LogArgs,
    /// Only records at or after this time (RFC 3339, or a date `YYYY-MM-DD` meaning its
    /// start in UTC).
    #[arg(long, value_parser = |text: &str| crate::cli::time_arg::time_or_date(text, false))]
    since: Option<jiff::Timestamp>,
    /// Only records before this time (same forms); must be later than `--since`.
    #[arg(long, value_parser = |text: &str| crate::cli::time_arg::time_or_date(text, false))]
    until: Option<jiff::Timestamp>,
    /// Output format.
    #[arg(long, value_enum, default_value = "md")]
    format: ReportFormat,
}

/// Prints the report. Exit 1 when the log cannot be read; a log that does not verify is
/// reported (up to the first bad record) and exits 1 too.
pub fn run(args: &ReportArgs) -> u8 {
    let window = ReportWindow {
        since: args.since,
        until: args.until,
    };
    // A window that can hold nothing is a usage error, found before the log is read.
    if let Err(e) = window.check() {
        return fail_reading(e);
    }
    if let Err(e) = args.log.existing() {
        return fail_reading(e);
    }
    let ring = match args.log.keys() {
        Ok(r) => r,
        Err(e) => return fail_reading(e),
    };
    let report = match build_report(&args.log.log, &ring, window) {
        Ok(r) => r,
        Err(e) => return fail_reading(e),
    };
    match args.format {
        ReportFormat::Md => out!("{}", report.to_markdown()),
        ReportFormat::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        ),
    }
    if report.coverage.chain_verified {
        0
    } else {
        errln!(
            "error: the log does not verify: {}",
            report.coverage.verification
        );
        1
    }
}
