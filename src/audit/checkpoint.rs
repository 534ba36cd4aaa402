//! Checkpoints: a signed statement of a log's head, kept outside the log.
//!
//! A hash chain cannot show that records were cut from its end: what is left is still a
//! valid chain. A checkpoint, stored elsewhere (a git commit, a CI artifact), pins the head;
//! verifying against it detects truncation and rollback.

use std::path::Path;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::error::AuditError;
use crate::keys::PublicKey;
use crate::limits::MAX_CREDENTIAL_BYTES;
use crate::sign::{Signature, Signer, Verifier};

/// The `type` of every checkpoint.
pub const CHECKPOINT_TYPE: &str = "gavel-audit-checkpoint";

/// `{type, log_id, head_seq, head_mac, at, key, signature}`; the signature is Ed25519 over
/// the canonical JSON of the other members.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checkpoint {
    /// Always `gavel-audit-checkpoint`.
    #[serde(rename = "type")]
    pub type_: String,
    /// The log's id (from its genesis record).
    pub log_id: String,
    /// The `seq` of the last record when the checkpoint was made.
    pub head_seq: u64,
    /// That record's MAC.
    pub head_mac: String,
    /// When the checkpoint was made.
    pub at: Timestamp,
    /// The signer's public key (`ed25519:…`).
    pub key: String,
    /// The signature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<Signature>,
}

impl Checkpoint {
    /// A signed checkpoint of the head `(head_seq, head_mac)` of log `log_id`.
    pub fn new(
        log_id: &str,
        head_seq: u64,
        head_mac: &str,
        at: Timestamp,
        signer: &Signer,
    ) -> Result<Checkpoint, AuditError> {
        let mut checkpoint = Checkpoint {
            type_: CHECKPOINT_TYPE.to_string(),
            log_id: log_id.to_string(),
            head_seq,
            head_mac: head_mac.to_string(),
            at,
            key: signer.public_key().to_gavel_string(),
            signature: None,
        };
        let signature = signer
            .sign(&checkpoint)
            .map_err(|e| AuditError::Canonical(e.to_string()))?;
        checkpoint.signature = Some(signature);
        Ok(checkpoint)
    }

    /// Reads a checkpoint file.
    pub fn load(path: &Path) -> Result<Checkpoint, AuditError> {
        let name = path.display().to_string();
        let metadata = std::fs::metadata(path).map_err(|e| AuditError::io(path, &e))?;
        if metadata.len() > MAX_CREDENTIAL_BYTES as u64 {
            return Err(AuditError::Malformed(format!(
                "{name}: too large to be a checkpoint"
            )));
        }
        // Bounded: a device or pipe reports no size, and `/dev/zero` was read without end.
        let bytes = crate::bounded_read::read_file_bounded(path, MAX_CREDENTIAL_BYTES)
            .map_err(|e| AuditError::io(path, &e))?
            .map_err(|_| AuditError::Malformed(format!("{name}: too large to be a checkpoint")))?;
        let checkpoint: Checkpoint = serde_json::from_slice(&bytes)
            .map_err(|e| AuditError::Malformed(format!("{name}: not a checkpoint: {e}")))?;
        if checkpoint.type_ != CHECKPOINT_TYPE {
            return Err(AuditError::Malformed(format!(
                "{name}: not a checkpoint (type `{}`)",
                checkpoint.type_
            )));
        }
        Ok(checkpoint)
    }

    /// Checks the signature against the key the checkpoint names; when `trusted` is not
    /// empty, that key must also be one of them. Returns the signing key.
    pub fn verify_signature(&self, trusted: &[PublicKey]) -> Result<PublicKey, AuditError> {
        let bad = |why: String| AuditError::Malformed(format!("checkpoint: {why}"));
        let key = PublicKey::parse(&self.key).map_err(|e| bad(format!("`key`: {e}")))?;
        if !trusted.is_empty() && !trusted.contains(&key) {
            return Err(bad(format!(
                "signed by {}, which is not among the trusted keys",
                key.key_id()
            )));
        }
        let signature = self
            .signature
            .clone()
            .ok_or_else(|| bad("not signed".into()))?;
        let mut content = self.clone();
        content.signature = None;
        Verifier::new([key])
            .verify(&content, &signature)
            .map_err(|e| bad(e.to_string()))?;
        Ok(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::PrivateKey;

    #[test]
    fn checkpoints_sign_and_detect_edits() {
        let key = PrivateKey::from_seed(&[9u8; 32]);
        let signer = Signer::new(key.clone());
        let at = "2026-03-01T00:00:00Z".parse().unwrap();
        let cp = Checkpoint::new("log", 5, &"ab".repeat(32), at, &signer).unwrap();
        assert!(cp.verify_signature(&[]).is_ok());
        assert!(cp.verify_signature(&[key.public_key()]).is_ok());
        let other = PrivateKey::from_seed(&[8u8; 32]).public_key();
        assert!(cp.verify_signature(&[other]).is_err());
        let mut edited = cp.clone();
        edited.head_seq = 4;
        let err = edited.verify_signature(&[]).unwrap_err().to_string();
        assert!(err.starts_with("checkpoint: invalid signature"), "{err}");
    }
}
