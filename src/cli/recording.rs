//! Whether and where a command records in the audit log. `gavel eval`, `gavel approve` and
//! `gavel reject` decide it by the same rule, so it lives here once: a log is set up when
//! `--audit-log` or `--audit-key` is given, `--require-audit` asks for one, or the default
//! log, `.gavel/audit.key` or `GAVEL_AUDIT_KEY` exists.

use std::path::{Path, PathBuf};

use clap::Args;

use crate::audit::{AuditLog, DEFAULT_KEY_FILE, DEFAULT_LOG, KEY_ENV, KeyRing, KeySources};

/// The audit-log flags shared by `eval`, `approve` and `reject`.
#[derive(Debug, Args, Clone)]
pub struct AuditFlags {
    /// Record in this audit log (default `.gavel/audit.jsonl`). Auditing is on when this is
    /// given, or when the default log or an audit key exists.
    #[arg(long)]
    pub audit_log: Option<PathBuf>,
    /// An audit HMAC key file (repeatable; besides `GAVEL_AUDIT_KEY` and `.gavel/audit.key`).
    #[arg(long = "audit-key")]
    pub audit_keys: Vec<PathBuf>,
    /// Do not record anything. (`eval` still reads a halt in an existing log: skipping the
    /// record must not skip the emergency stop; an override is not used, since its single
    /// use is the recorded decision.)
    #[arg(long, conflicts_with = "require_audit")]
    pub no_audit: bool,
    /// Fail when auditing is not set up instead of going on unrecorded (`eval`: the decision
    /// is a block).
    #[arg(long)]
    pub require_audit: bool,
}

/// Whether and where a command records.
pub enum Audit {
    /// Not set up (or `--no-audit`).
    Off,
    /// Set up but unusable (a bad key, a tampered or unreadable log): fail closed.
    Unavailable(String),
    /// Recording.
    On(Box<AuditLog>),
    /// `--no-audit` with a log present: it is read (halt, overrides), nothing is recorded.
    ReadOnly(Box<AuditLog>),
}

impl AuditFlags {
    /// Opens the log when one is set up (read-only with `--no-audit`, when it exists). The
    /// log has no signer; a caller that signs its records adds one with
    /// [`AuditLog::with_signer`].
    pub fn open(&self) -> Audit {
        let path = self
            .audit_log
            .clone()
            .unwrap_or_else(|| PathBuf::from(DEFAULT_LOG));
        if self.no_audit && !path.exists() {
            return Audit::Off;
        }
        let set_up = self.audit_log.is_some()
            || self.require_audit
            || !self.audit_keys.is_empty()
            || path.exists()
            || Path::new(DEFAULT_KEY_FILE).exists()
            || std::env::var_os(KEY_ENV).is_some();
        if !set_up {
            return Audit::Off;
        }
        let sources = KeySources {
            files: self.audit_keys.clone(),
            ..KeySources::default()
        };
        let ring = match KeyRing::load(&sources) {
            Ok(r) => r,
            Err(e) => return Audit::Unavailable(e.to_string()),
        };
        match AuditLog::open(&path, ring) {
            // A torn last line may be the halt that was being written: `--no-audit` reads
            // the log for its halt, so it refuses such a log as an append would, rather than
            // deciding without that line (`gavel audit repair` first).
            Ok(log) if self.no_audit => match log.torn_tail() {
                Some(bytes) => Audit::Unavailable(
                    crate::audit::AuditError::TornTail {
                        path: path.display().to_string(),
                        bytes,
                    }
                    .to_string(),
                ),
                None => Audit::ReadOnly(Box::new(log)),
            },
            Ok(log) => Audit::On(Box::new(log)),
            Err(e) => Audit::Unavailable(e.to_string()),
        }
    }
}

/// The default signing key (`.gavel/keys/signing.key`) as a signer, when it exists.
pub(crate) fn default_signer() -> Result<Option<crate::sign::Signer>, String> {
    let path = std::path::Path::new(super::eval::DEFAULT_SIGNING_KEY);
    if !path.exists() {
        return Ok(None);
    }
    crate::keys::PrivateKey::load(path)
        .map(|key| Some(crate::sign::Signer::new(key)))
        .map_err(|e| format!("the default signing key cannot be used: {e}"))
}
