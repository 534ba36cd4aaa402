//! `gavel audit repair`.

use std::path::PathBuf;

use clap::Args;

use super::{LogArgs, fail};
use crate::audit::Repaired;
use crate::keys::PrivateKey;
use crate::sign::Signer;

/// Arguments of `gavel audit repair`.
#[derive(Debug, Args)]
pub struct RepairArgs {
    #[command(flatten)]
    log: LogArgs,
    /// Sign the `repair` record with this private key.
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,
}

/// Repairs an incomplete trailing line: ends it when it is a whole record lacking only its
/// newline, else removes it (never a complete record) and appends a `repair` record. Exit 0
/// when repaired or nothing needed repair, 1 otherwise.
pub fn run(args: &RepairArgs) -> u8 {
    if let Err(e) = args.log.existing() {
        return fail(e);
    }
    let mut log = match args.log.open() {
        Ok(log) => log,
        Err(e) => return fail(format!("{e}; nothing was repaired")),
    };
    if let Some(path) = &args.key {
        match PrivateKey::load(path) {
            Ok(key) => log = log.with_signer(Signer::new(key)),
            Err(e) => return fail(e),
        }
    }
    match log.repair() {
        Ok(Some(Repaired::Completed { seq, offset })) => {
            outln!(
                "repaired {}: the record at offset {offset} (seq {seq}) was whole but for its line's end; the line was ended and the record kept",
                crate::cli::shown_path(&args.log.log),
            );
            0
        }
        Ok(Some(Repaired::Removed { body, receipt })) => {
            outln!(
                "repaired {}: removed an incomplete trailing line of {} bytes at offset {} (sha256 {}); recorded as seq {}",
                crate::cli::shown_path(&args.log.log),
                body.removed_bytes,
                body.offset,
                body.removed_sha256,
                receipt.seq
            );
            0
        }
        Ok(None) => {
            outln!(
                "nothing to repair: {} ends with a complete record",
                crate::cli::shown_path(&args.log.log)
            );
            0
        }
        Err(e) => fail(e),
    }
}
