//! `gavel audit show`.

use clap::Args;

use super::{LogArgs, fail_reading};
use crate::audit::{Records, describe};
use crate::cli::Format;

/// Arguments of `gavel audit show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The record's `seq`.
    seq: u64,
    #[command(flatten)]
    log: LogArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
}

/// Prints the record with `seq` (as stored; `gavel audit verify` authenticates). Exit 1
/// when there is none.
pub fn run(args: &ShowArgs) -> u8 {
    if let Err(e) = args.log.existing() {
        return fail_reading(e);
    }
    let records = match Records::open(&args.log.log, None) {
        Ok(r) => r,
        Err(e) => return fail_reading(e),
    };
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => return fail_reading(e),
        };
        if record.seq != args.seq {
            continue;
        }
        match args.format {
            Format::Json => outln!(
                "{}",
                serde_json::to_string_pretty(&record).unwrap_or_default()
            ),
            Format::Human => {
                outln!("{}", describe(&record));
                // JSON leaves bidirectional controls and separators raw; for people they
                // are escaped like every other text from the log (each line stays one).
                let body = serde_json::to_string_pretty(&record.body).unwrap_or_default();
                for line in body.lines() {
                    outln!("{}", crate::quote::one_line(line));
                }
                outln!("prev {}\nmac  {}", record.prev, record.mac);
            }
        }
        return 0;
    }
    fail_reading(format!(
        "{}: no record with seq {}",
        crate::cli::shown_path(&args.log.log),
        args.seq
    ))
}
