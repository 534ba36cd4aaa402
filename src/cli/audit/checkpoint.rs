//! `gavel audit checkpoint`.

use std::path::PathBuf;

use clap::Args;

use super::{LogArgs, fail};
use crate::audit::{Checkpoint, VerifyOptions, verify_path};
use crate::keys::PrivateKey;
use crate::sign::Signer;

/// Arguments of `gavel audit checkpoint`.
#[derive(Debug, Args)]
pub struct CheckpointArgs {
    #[command(flatten)]
    log: LogArgs,
    /// The private key that signs the checkpoint.
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
    /// Where to write it (default: stdout).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// Verifies the log, then writes a signed checkpoint of its head. Exit 1 when the log does
/// not verify or anything fails.
pub fn run(args: &CheckpointArgs) -> u8 {
    if let Err(e) = args.log.existing() {
        return fail(e);
    }
    let ring = match args.log.keys() {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    let key = match PrivateKey::load(&args.key) {
        Ok(k) => k,
        Err(e) => return fail(e),
    };
    let report = match verify_path(&args.log.log, &ring, VerifyOptions::default()) {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    if let Some(finding) = &report.finding {
        return fail(format!(
            "the log does not verify ({finding}); refusing to checkpoint a broken chain"
        ));
    }
    let (Some(log_id), Some(seq), Some(mac)) = (report.log_id, report.head_seq, report.head_mac)
    else {
        return fail("the log is empty: nothing to checkpoint");
    };
    let checkpoint = match Checkpoint::new(
        &log_id,
        seq,
        &mac,
        jiff::Timestamp::now(),
        &Signer::new(key),
    ) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let text = format!(
        "{}\n",
        serde_json::to_string_pretty(&checkpoint).unwrap_or_default()
    );
    match &args.out {
        Some(path) => {
            if let Err(e) = std::fs::write(path, text) {
                return fail(format!("{}: {e}", crate::cli::shown_path(path)));
            }
            errln!(
                "checkpoint of log {log_id} at seq {seq} written to {}; keep it outside the log (a git commit, a CI artifact)",
                crate::cli::shown_path(path)
            );
        }
        None => out!("{text}"),
    }
    0
}
