//! Why an audit operation failed.

use super::tamper::Finding;

/// Why an audit operation failed. Every message is one line; none contains key material.
///
/// The type is `Clone` so that one failed group commit can be reported to every caller
/// whose record was in the batch.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuditError {
    /// No audit key was configured.
    #[error(
        "no audit key: set GAVEL_AUDIT_KEY (hex) or create a key file with `gavel audit init-key` (default `.gavel/audit.key`)"
    )]
    MissingKey,
    /// The key is unusable: too short, too little entropy, not hex, unreadable.
    #[error("{0}")]
    WeakKey(String),
    /// None of the configured keys is the key the log is MACed with.
    #[error(
        "wrong audit key: the log is MACed with key {expected}, the key(s) given are {given} (check GAVEL_AUDIT_KEY or --audit-key)"
    )]
    WrongKey {
        /// Fingerprint the log names.
        expected: String,
        /// Fingerprints of the keys given.
        given: String,
    },
    /// A file operation failed.
    #[error("{path}: {message}")]
    Io {
        /// The file.
        path: String,
        /// What failed.
        message: String,
    },
    /// The log ends in an incomplete line: a writer died mid-append.
    #[error(
        "{path}: the log ends in an incomplete record ({bytes} bytes after the last complete line): a writer crashed mid-append; run `gavel audit repair` (nothing was written)"
    )]
    TornTail {
        /// The log.
        path: String,
        /// Length of the incomplete line.
        bytes: u64,
    },
    /// The log does not verify; nothing is appended to a broken chain.
    #[error("the audit log does not verify: {0}; run `gavel audit verify` (nothing was written)")]
    Tampered(Box<Finding>),
    /// A record would exceed the size limit.
    #[error("the record is {bytes} bytes, over the limit of {limit} bytes (nothing was written)")]
    RecordTooLarge {
        /// Its size.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// The append was refused because the log's state changed since the decision was made
    /// (a halt, or a single-use override already used).
    #[error("{0}")]
    Refused(String),
    /// Not allowed by the policy (halt, resume, override).
    #[error("{0}")]
    NotAllowed(String),
    /// Something in a file gavel reads is malformed.
    #[error("{0}")]
    Malformed(String),
    /// A value could not be serialized canonically.
    #[error("cannot serialize the record canonically: {0}")]
    Canonical(String),
}

impl AuditError {
    /// A short machine-readable name of the error kind.
    pub fn kind(&self) -> &'static str {
        match self {
            AuditError::MissingKey => "missing_key",
            AuditError::WeakKey(_) => "weak_key",
            AuditError::WrongKey { .. } => "wrong_key",
            AuditError::Io { .. } => "io",
            AuditError::TornTail { .. } => "torn_tail",
            AuditError::Tampered(_) => "tampered",
            AuditError::RecordTooLarge { .. } => "record_too_large",
            AuditError::Refused(_) => "refused",
            AuditError::NotAllowed(_) => "not_allowed",
            AuditError::Malformed(_) => "malformed",
            AuditError::Canonical(_) => "canonical",
        }
    }

    pub(crate) fn io(path: &std::path::Path, error: &std::io::Error) -> AuditError {
        AuditError::Io {
            path: path.display().to_string(),
            message: error.to_string(),
        }
    }
}
