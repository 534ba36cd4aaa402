//! `gavel audit pending`.

use crate::quote::one_line as shown;
use clap::Args;

use super::{LogArgs, fail_reading};
use crate::audit::{Records, human_age, pending};
use crate::cli::Format;

/// Arguments of `gavel audit pending`.
#[derive(Debug, Args)]
pub struct PendingArgs {
    #[command(flatten)]
    log: LogArgs,
    /// Judge ages and deadlines as of this time (RFC 3339) instead of now.
    #[arg(long, value_parser = crate::cli::time_arg::timestamp)]
    now: Option<jiff::Timestamp>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
}

/// Lists requests whose latest decision is `require_approval`. Reads only records whose
/// MACs verify; exit 1 when the log does not verify.
pub fn run(args: &PendingArgs) -> u8 {
    if let Err(e) = args.log.existing() {
        return fail_reading(e);
    }
    let ring = match args.log.keys() {
        Ok(r) => r,
        Err(e) => return fail_reading(e),
    };
    let records = match Records::open(&args.log.log, Some(ring)) {
        Ok(r) => r,
        Err(e) => return fail_reading(e),
    };
    let now = args.now.unwrap_or_else(jiff::Timestamp::now);
    let list = match pending(records, now) {
        Ok(list) => list,
        Err(e) => return fail_reading(e),
    };
    if args.format == Format::Json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&list).unwrap_or_default()
        );
        return 0;
    }
    if list.is_empty() {
        outln!("no requests are waiting for approval");
        return 0;
    }
    outln!("{} request(s) waiting for approval:", list.len());
    for p in &list {
        let env = p
            .environment
            .as_deref()
            .map(|e| format!(" in {}", shown(e)))
            .unwrap_or_default();
        let deadline = match p.deadline {
            Some(d) if p.overdue => format!(", deadline {d} PASSED"),
            Some(d) => format!(
                ", deadline {d} (in {})",
                human_age(d.duration_since(now).as_secs())
            ),
            None => ", no deadline".into(),
        };
        outln!(
            "  request {} {}{env} by {}: waiting {} (since seq {}, latest decision seq {}){deadline}",
            shown(p.request_digest.get(..16).unwrap_or(&p.request_digest)),
            shown(&p.action),
            shown(&p.actor),
            human_age(p.age_seconds),
            p.first_seq,
            p.latest_seq
        );
        for m in &p.missing {
            outln!("      needs {}", shown(m));
        }
    }
    0
}
