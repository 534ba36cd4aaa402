//! Walking the chain record by record: MACs, links, key rotations.
//!
//! Both the verifier and the writer (catching up on records other processes appended) feed
//! lines to a [`Chain`]; it accepts a line only when the line continues the chain.

use super::bodies::{GenesisBody, KeyRotationBody};
use super::error::AuditError;
use super::key::{AuditKey, KeyRing};
use super::record::{Line, RecordKind};

/// Why a line does not continue the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Anomaly {
    /// The MAC does not verify under the key in effect.
    Mac,
    /// The MAC verifies but `seq`/`prev` do not continue the chain.
    Link,
    /// A `key_rotation` record fails its checks.
    ForgedRotation(String),
    /// The line is not a valid record (or not where it may be).
    Malformed(String),
}

/// A line that stops the walk.
#[derive(Debug)]
pub(crate) enum Fault {
    /// The log is broken here.
    Anomaly(Anomaly),
    /// The log cannot be checked (no matching key).
    Fatal(AuditError),
}

/// The state of a walk: which key is in effect and where the chain's head is.
#[derive(Debug, Clone)]
pub(crate) struct Chain {
    ring: KeyRing,
    key: Option<AuditKey>,
    /// The log id, once the genesis record was read.
    pub log_id: Option<String>,
    /// Fingerprint of the key in effect.
    pub key_fp: Option<String>,
    /// The `seq` the next record must have.
    pub next_seq: u64,
    /// The MAC of the last accepted record (zeros before the genesis record).
    pub head_mac: [u8; 32],
    /// Signing keys the genesis record names.
    pub signing_keys: Vec<String>,
    /// Rotations accepted so far.
    pub rotations: u64,
    buf: Vec<u8>,
}

impl Chain {
    /// A walk from the start of a log.
    pub(crate) fn new(ring: KeyRing) -> Chain {
        Chain {
            ring,
            key: None,
            log_id: None,
            key_fp: None,
            next_seq: 0,
            head_mac: [0; 32],
            signing_keys: Vec::new(),
            rotations: 0,
            buf: Vec::with_capacity(4096),
        }
    }

    /// The key in effect.
    pub(crate) fn key(&self) -> Option<&AuditKey> {
        self.key.as_ref()
    }

    /// The key ring.
    pub(crate) fn ring(&self) -> &KeyRing {
        &self.ring
    }

    /// Sets up a new log: the state right after writing its genesis record.
    pub(crate) fn start_new(&mut self, log_id: &str, key: AuditKey, genesis_mac: [u8; 32]) {
        self.key_fp = Some(key.fingerprint(log_id));
        self.key = Some(key);
        self.log_id = Some(log_id.to_string());
        self.next_seq = 1;
        self.head_mac = genesis_mac;
    }

    /// Continues with `key` (fingerprint `fingerprint`) after a rotation this process wrote.
    pub(crate) fn rotate_to(&mut self, key: AuditKey, fingerprint: String) {
        self.ring = self.ring.clone().with(key.clone());
        self.key = Some(key);
        self.key_fp = Some(fingerprint);
        self.rotations += 1;
    }

    /// Accepts the next line if it continues the chain.
    pub(crate) fn accept(&mut self, line: &Line<'_>) -> Result<(), Fault> {
        // The few bytes outside the MAC must at least be well formed.
        if line.mac_old.is_some() && line.kind != RecordKind::KeyRotation {
            return Err(Fault::Anomaly(Anomaly::Malformed(
                "`mac_old` on a record that is not a key rotation".into(),
            )));
        }
        if let (Some(signature), Some(id)) = (&line.signature, line.signed_by)
            && (signature.key_id != id || signature.alg != crate::sign::ALG)
        {
            return Err(Fault::Anomaly(Anomaly::Malformed(format!(
                "the signature block (key `{}`, alg `{}`) does not match `signed_by` `{id}`",
                signature.key_id, signature.alg
            ))));
        }
        line.mac_bytes(&mut self.buf);
        if self.key.is_none() {
            self.first_line(line)?;
        }
        let key = self.key.as_ref().ok_or(Fault::Anomaly(Anomaly::Mac))?;
        let mut rotated_to: Option<(AuditKey, String)> = None;
        if line.kind == RecordKind::KeyRotation {
            rotated_to = Some(self.check_rotation(line, key)?);
        } else if !key.verify(&self.buf, &line.mac) {
            return Err(Fault::Anomaly(Anomaly::Mac));
        }
        if line.seq != self.next_seq || line.prev != self.head_mac {
            return Err(Fault::Anomaly(Anomaly::Link));
        }
        if line.kind == RecordKind::Genesis && line.seq != 0 {
            return Err(Fault::Anomaly(Anomaly::Malformed(
                "a genesis record in the middle of the log".into(),
            )));
        }
        if let Some((key, fingerprint)) = rotated_to {
            self.key = Some(key);
            self.key_fp = Some(fingerprint);
            self.rotations += 1;
        }
        self.next_seq += 1;
        self.head_mac = line.mac;
        Ok(())
    }

    /// Finds the key for the first line: by the genesis fingerprint, or (when the genesis
    /// record is gone) by trying every key on the line's MAC.
    fn first_line(&mut self, line: &Line<'_>) -> Result<(), Fault> {
        if line.kind == RecordKind::Genesis {
            let body: GenesisBody = serde_json::from_str(line.body)
                .map_err(|e| Fault::Anomaly(Anomaly::Malformed(format!("genesis body: {e}"))))?;
            let key = self
                .ring
                .find(&body.log_id, &body.key)
                .cloned()
                .ok_or_else(|| {
                    Fault::Fatal(AuditError::WrongKey {
                        expected: body.key.clone(),
                        given: self.ring.fingerprints(&body.log_id),
                    })
                })?;
            self.key = Some(key);
            self.key_fp = Some(body.key);
            self.log_id = Some(body.log_id);
            self.signing_keys = body.signing_keys;
            return Ok(());
        }
        let key = self
            .ring
            .keys()
            .find(|k| k.verify(&self.buf, &line.mac))
            .cloned()
            .ok_or_else(|| {
                Fault::Fatal(AuditError::Malformed(
                    "the log does not start with a genesis record, and none of the keys given verifies its first record".into(),
                ))
            })?;
        self.key = Some(key);
        Ok(())
    }

    fn check_rotation(&self, line: &Line<'_>, key: &AuditKey) -> Result<(AuditKey, String), Fault> {
        let forged = |why: String| Fault::Anomaly(Anomaly::ForgedRotation(why));
        let old_ok = line
            .mac_old
            .as_ref()
            .is_some_and(|old| key.verify(&self.buf, old));
        if !old_ok {
            return Err(forged(format!(
                "the key rotation is not MACed under the key in effect ({}): only the holder of the old key may rotate",
                self.key_fp.as_deref().unwrap_or("unknown")
            )));
        }
        let body: KeyRotationBody = serde_json::from_str(line.body)
            .map_err(|e| forged(format!("key rotation body: {e}")))?;
        if let Some(current) = &self.key_fp
            && *current != body.old_key
        {
            return Err(forged(format!(
                "the rotation names old key {}, but the key in effect is {current}",
                body.old_key
            )));
        }
        let log_id = self.log_id.as_deref().unwrap_or("");
        let new_key = self
            .ring
            .find(log_id, &body.new_key)
            .cloned()
            .ok_or_else(|| {
                Fault::Fatal(AuditError::WrongKey {
                    expected: format!("{} (rotated to at seq {})", body.new_key, line.seq),
                    given: self.ring.fingerprints(log_id),
                })
            })?;
        if !new_key.verify(&self.buf, &line.mac) {
            return Err(forged(
                "the key rotation's MAC under the new key does not verify".into(),
            ));
        }
        Ok((new_key, body.new_key))
    }
}
