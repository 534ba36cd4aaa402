//! `gavel audit init-key` and `gavel audit rotate-key`.

use std::path::{Path, PathBuf};

use clap::Args;

use super::{LogArgs, fail};
use crate::audit::{AuditError, AuditKey, DEFAULT_KEY_FILE, KEY_ENV};

/// Arguments of `gavel audit init-key`.
#[derive(Debug, Args)]
pub struct InitKeyArgs {
    /// Where to write the key.
    #[arg(long, value_name = "FILE", default_value = DEFAULT_KEY_FILE)]
    out: PathBuf,
    /// The audit log the key is for (an existing log keeps the key it was created with).
    #[arg(long, value_name = "FILE", default_value = crate::audit::DEFAULT_LOG)]
    log: PathBuf,
}

/// Writes a fresh random 32-byte key as hex (mode 0600); refuses to overwrite.
pub fn run_init(args: &InitKeyArgs) -> u8 {
    let key = match AuditKey::generate() {
        Ok(k) => k,
        Err(e) => return fail(e),
    };
    if let Err(e) = key.write_new(&args.out) {
        return fail(e);
    }
    outln!(
        "created {} (audit HMAC key, mode 0600): never commit it, and back it up — without it the log cannot be verified",
        crate::cli::shown_path(&args.out)
    );
    if args.log.exists() {
        outln!(
            "note: {} already exists and stays MACed with the key it was created with; to change an existing log's key, use `gavel audit rotate-key`",
            crate::cli::shown_path(&args.log)
        );
    }
    0
}

/// Arguments of `gavel audit rotate-key`.
#[derive(Debug, Args)]
pub struct RotateKeyArgs {
    #[command(flatten)]
    log: LogArgs,
    /// The new key (a hex key file); default: a fresh random key.
    #[arg(long, value_name = "FILE")]
    new_key: Option<PathBuf>,
    /// Why the key changes.
    #[arg(long)]
    reason: Option<String>,
}

fn retired_path(dir: &Path, fingerprint: &str) -> PathBuf {
    dir.join(format!("{fingerprint}.key"))
}

/// Saves `key` under the retired-keys directory unless a file for it is already there.
fn keep(key: &AuditKey, dir: &Path, fingerprint: &str) -> Result<PathBuf, AuditError> {
    let path = retired_path(dir, fingerprint);
    if !path.exists() {
        key.write_new(&path)?;
    }
    Ok(path)
}

/// Appends a `key_rotation` record MACed under the old and the new key. The old key is
/// kept in `.gavel/audit-keys/` (older records need it to verify); the new one replaces
/// `.gavel/audit.key`, unless the key came from `GAVEL_AUDIT_KEY`, in which case the new key
/// is left in `.gavel/audit-keys/` for you to put into the variable.
pub fn run_rotate(args: &RotateKeyArgs) -> u8 {
    match rotate(args) {
        Ok(lines) => {
            for line in lines {
                outln!("{line}");
            }
            0
        }
        Err(e) => fail(e),
    }
}

fn rotate(args: &RotateKeyArgs) -> Result<Vec<String>, AuditError> {
    args.log.existing()?;
    let sources = args.log.sources();
    let log = args.log.open()?;
    let head = log.head()?.ok_or_else(|| {
        AuditError::Malformed("the log is empty: there is no key to rotate".into())
    })?;
    let old = log
        .current_key()
        .ok_or_else(|| AuditError::Malformed("the log's key is unknown".into()))?;
    let new = match &args.new_key {
        Some(path) => AuditKey::load(path)?,
        None => AuditKey::generate()?,
    };
    let retired = sources.retired_dir();
    let old_fp = old.fingerprint(&head.log_id);
    let new_fp = new.fingerprint(&head.log_id);
    // Refused before any key file is written (found by QA: the refused rotation left a
    // copy of the key in effect behind).
    if old_fp == new_fp {
        return Err(AuditError::WeakKey(
            "the new audit key is the key already in effect".into(),
        ));
    }
    let old_path = keep(&old, &retired, &old_fp)?;
    let new_path = keep(&new, &retired, &new_fp)?;
    let receipt = log.rotate_key(new.clone(), args.reason.clone())?;
    let mut lines = vec![
        format!(
            "rotated the audit key of {} at seq {}: {old_fp} -> {new_fp}",
            crate::cli::shown_path(&args.log.log),
            receipt.seq
        ),
        format!(
            "the old key is kept in {} (records before seq {} need it to verify)",
            crate::cli::shown_path(&old_path),
            receipt.seq
        ),
    ];
    let from_env = std::env::var(KEY_ENV).is_ok_and(|v| !v.trim().is_empty());
    if from_env {
        lines.push(format!(
            "{KEY_ENV} still holds the old key: set it to the new key, which is in {}",
            crate::cli::shown_path(&new_path)
        ));
    } else {
        let target = sources.default_file.clone();
        let tmp = target.with_extension("key.new");
        let _ = std::fs::remove_file(&tmp);
        new.write_new(&tmp)?;
        std::fs::rename(&tmp, &target).map_err(|e| AuditError::io(&target, &e))?;
        lines.push(format!(
            "{} now holds the new key",
            crate::cli::shown_path(&target)
        ));
    }
    Ok(lines)
}
