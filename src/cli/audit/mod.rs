//! `gavel audit ...`: verify, checkpoint, repair and read the audit log; manage its key.

mod checkpoint;
mod keys;
mod note;
mod pending;
mod repair;
mod report;
mod show;
mod tail;
mod verify;

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::audit::{AuditError, AuditLog, DEFAULT_KEY_FILE, DEFAULT_LOG, KeyRing, KeySources};

/// Arguments of `gavel audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    #[command(subcommand)]
    command: AuditCommand,
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Walk the chain and name the first bad record (exit 0 intact, 1 tampered, 2 cannot read).
    Verify(verify::VerifyArgs),
    /// Write a signed statement of the log's head, to keep elsewhere.
    Checkpoint(checkpoint::CheckpointArgs),
    /// Repair an incomplete trailing line left by a crashed writer: end it when it is a whole
    /// record lacking only its newline (the record is kept), else remove it and record that.
    Repair(repair::RepairArgs),
    /// Print the last records (not authenticated; `verify` does that).
    Tail(tail::TailArgs),
    /// Print one record.
    Show(show::ShowArgs),
    /// List requests waiting for approval, with age and deadline.
    Pending(pending::PendingArgs),
    /// Summarize the log over a time window.
    Report(report::ReportArgs),
    /// Create a new audit (HMAC) key file (mode 0600; refuses to overwrite).
    InitKey(keys::InitKeyArgs),
    /// Rotate the audit key: a record MACed under the old and the new key.
    RotateKey(keys::RotateKeyArgs),
    /// Append a note (text, or one note per line of stdin).
    Note(note::NoteArgs),
}

/// Where the log is and which audit keys to use.
#[derive(Debug, Args, Clone)]
pub(crate) struct LogArgs {
    /// The audit log.
    #[arg(long, value_name = "FILE", default_value = DEFAULT_LOG)]
    pub log: PathBuf,
    /// An audit (HMAC) key file, hex; repeatable (give retired keys to verify rotated logs).
    /// Default: GAVEL_AUDIT_KEY, else `.gavel/audit.key`; retired keys in
    /// `.gavel/audit-keys/` are always tried.
    #[arg(long = "audit-key", value_name = "FILE")]
    pub audit_keys: Vec<PathBuf>,
}

impl LogArgs {
    pub(crate) fn sources(&self) -> KeySources {
        KeySources {
            env: true,
            files: self.audit_keys.clone(),
            default_file: PathBuf::from(DEFAULT_KEY_FILE),
        }
    }

    pub(crate) fn keys(&self) -> Result<KeyRing, AuditError> {
        KeyRing::load(&self.sources())
    }

    /// Opens the log for appending (created when missing; verified when present), signing
    /// what it writes with the default signing key (`.gavel/keys/signing.key`) when that
    /// exists, as `gavel eval` does: its genesis record when it creates the log, notes,
    /// repairs and key rotations. Records that name their own signer (a halt, a resume, an
    /// override: the approver's key) keep it. Without this, such a log could never pass
    /// `gavel audit verify --require-signed`.
    pub(crate) fn open(&self) -> Result<AuditLog, AuditError> {
        let log = AuditLog::open(&self.log, self.keys()?)?;
        match crate::cli::recording::default_signer() {
            Ok(Some(signer)) => Ok(log.with_signer(signer)),
            Ok(None) => Ok(log),
            Err(message) => Err(AuditError::Io {
                path: crate::cli::eval::DEFAULT_SIGNING_KEY.into(),
                message,
            }),
        }
    }

    /// The log must exist (for reading commands).
    /// The log exists and holds something: commands that read a log refuse a missing or
    /// empty file (a log always starts with its genesis record).
    pub(crate) fn existing(&self) -> Result<(), AuditError> {
        let message = match std::fs::metadata(&self.log) {
            // A FIFO or device reports no size: it is no log (as `AuditLog::open` says).
            Ok(m) if !m.is_file() => "not a regular file, so not an audit log",
            Ok(m) if m.len() > 0 => return Ok(()),
            Ok(_) => "empty: the log has no records, not even its genesis record",
            Err(_) => "no such audit log (it is created by the first decision, halt or note)",
        };
        Err(AuditError::Io {
            path: self.log.display().to_string(),
            message: message.into(),
        })
    }
}

/// Runs `gavel audit`.
pub fn run(args: &AuditArgs) -> u8 {
    match &args.command {
        AuditCommand::Verify(a) => verify::run(a),
        AuditCommand::Checkpoint(a) => checkpoint::run(a),
        AuditCommand::Repair(a) => repair::run(a),
        AuditCommand::Tail(a) => tail::run(a),
        AuditCommand::Show(a) => show::run(a),
        AuditCommand::Pending(a) => pending::run(a),
        AuditCommand::Report(a) => report::run(a),
        AuditCommand::InitKey(a) => keys::run_init(a),
        AuditCommand::RotateKey(a) => keys::run_rotate(a),
        AuditCommand::Note(a) => note::run(a),
    }
}

/// Prints `error: …` and returns exit code 1.
/// Prints `error` on one line, escaped: it may quote a log's bytes (a malformed line's
/// member name), which must not forge output lines or reach the terminal as escapes.
pub(crate) fn fail(error: impl std::fmt::Display) -> u8 {
    crate::cli::output::print_error(&error);
    1
}

/// [`fail`] for a command that only reads the log: the errors a broken log gives end in
/// "(nothing was written)", which is for commands that append, and would leave the reader
/// wondering what `show` meant to write.
pub(crate) fn fail_reading(error: impl std::fmt::Display) -> u8 {
    let message = error.to_string();
    fail(
        message
            .strip_suffix(" (nothing was written)")
            .unwrap_or(&message),
    )
}
