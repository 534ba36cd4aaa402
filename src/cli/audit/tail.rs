//! `gavel audit tail`.

use std::io::{Read as _, Seek as _, SeekFrom, Write as _};
use std::time::Duration;

use clap::Args;

use super::{LogArgs, fail_reading};
use crate::audit::{Record, describe, last_records, parse_record};
use crate::cli::Format;

/// Arguments of `gavel audit tail`.
#[derive(Debug, Args)]
pub struct TailArgs {
    #[command(flatten)]
    log: LogArgs,
    /// How many records.
    #[arg(short = 'n', long = "lines", default_value_t = 10)]
    n: usize,
    /// Keep printing records as they are appended (until interrupted).
    #[arg(short, long)]
    follow: bool,
    /// Output format (`json`: the records' lines as stored).
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
}

fn print(record: &Record, format: Format) {
    match format {
        Format::Human => outln!("{}", describe(record)),
        Format::Json => outln!("{}", serde_json::to_string(record).unwrap_or_default()),
    }
}

/// Prints the last records; with `--follow`, new ones as they arrive. Records are shown as
/// stored, not authenticated (`gavel audit verify` does that).
pub fn run(args: &TailArgs) -> u8 {
    if let Err(e) = args.log.existing() {
        return fail_reading(e);
    }
    let (records, mut offset) = match last_records(&args.log.log, args.n) {
        Ok(r) => r,
        Err(e) => return fail_reading(e),
    };
    let len = std::fs::metadata(&args.log.log).map_or(offset, |m| m.len());
    let torn = len.saturating_sub(offset);
    if records.is_empty() && torn > 0 && !args.follow {
        // A log always holds its genesis record: nothing complete means this is not one.
        return fail_reading(crate::audit::AuditError::Malformed(format!(
            "{}: not an audit log: {torn} bytes without one complete record",
            crate::cli::shown_path(&args.log.log)
        )));
    }
    for record in &records {
        print(record, args.format);
    }
    if torn > 0 {
        errln!(
            "warning: {} ends in an incomplete line of {torn} bytes (a writer crashed mid-append); `gavel audit repair` removes it",
            crate::cli::shown_path(&args.log.log)
        );
    }
    if !args.follow {
        return 0;
    }
    let mut pending: Vec<u8> = Vec::new();
    // Where `pending` starts in the file, to say where a bad line is.
    let mut pending_at = offset;
    loop {
        let _ = std::io::stdout().flush();
        std::thread::sleep(Duration::from_millis(200));
        let mut file = match std::fs::File::open(&args.log.log) {
            Ok(f) => f,
            Err(e) => {
                return fail_reading(format!("{}: {e}", crate::cli::shown_path(&args.log.log)));
            }
        };
        let len = file.metadata().map(|m| m.len()).unwrap_or(offset);
        if len < offset {
            return fail_reading(format!(
                "{}: the log shrank while it was followed",
                crate::cli::shown_path(&args.log.log)
            ));
        }
        if len == offset {
            continue;
        }
        let mut buf = Vec::new();
        if file
            .seek(SeekFrom::Start(offset))
            .and_then(|_| file.take(len - offset).read_to_end(&mut buf))
            .is_err()
        {
            continue;
        }
        offset = len;
        pending.extend_from_slice(&buf);
        while let Some(pos) = pending.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = pending.drain(..=pos).collect();
            let at = pending_at;
            pending_at += line.len() as u64;
            let bytes = line.strip_suffix(b"\n").unwrap_or(&line);
            match parse_record(bytes) {
                Ok(record) => print(&record, args.format),
                Err(why) => errln!(
                    "warning: {}: the line at byte {at} is not a valid record: {}",
                    crate::cli::shown_path(&args.log.log),
                    crate::quote::one_line(&why)
                ),
            }
        }
    }
}
