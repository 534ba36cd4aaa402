//! Resume approvals: how a policy's `halt { resume require N approval(s) from ROLES }` is met.
//!
//! Each approver signs a small credential bound to one halt (the log id, the halt record's
//! `seq` and MAC) with the key the policy declares for them (`gavel approve-resume`). The
//! person resuming passes the files (`gavel resume --approval FILE`); the credentials that
//! count are copied into the `resume` record, so the log itself shows who approved.

use std::collections::HashSet;
use std::path::Path;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::authority::{Authorized, Power};
use super::error::AuditError;
use super::log::HaltInForce;
use crate::compile::Policy;
use crate::keys::PublicKey;
use crate::limits::MAX_CREDENTIAL_BYTES;
use crate::sign::{Signature, Verifier};

/// The `type` of every resume approval.
pub const RESUME_APPROVAL_TYPE: &str = "gavel-resume-approval";

/// A signed approval to lift one halt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResumeApproval {
    /// Always `gavel-resume-approval`.
    #[serde(rename = "type")]
    pub type_: String,
    /// The log the halt is in.
    pub log_id: String,
    /// The halt record's `seq`.
    pub halt_seq: u64,
    /// The halt record's MAC.
    pub halt_mac: String,
    /// Approver id.
    pub approver: String,
    /// The role they approve in.
    pub role: String,
    /// When it was signed.
    #[serde(deserialize_with = "crate::timestamp_text::required")]
    pub issued_at: Timestamp,
    /// A note (the post-incident review, the root cause...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Ed25519 by the approver's declared key over the other members.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<Signature>,
    /// The members as read ([`crate::canonical::AsRead`]): what the signature is checked
    /// over, and what a resume record copies.
    #[serde(skip)]
    pub(crate) received: crate::canonical::AsRead,
}

impl ResumeApproval {
    /// Signs an approval to lift `halt`.
    pub fn issue(
        who: &Authorized,
        halt: &HaltInForce,
        now: Timestamp,
        note: Option<String>,
    ) -> Result<ResumeApproval, AuditError> {
        if who.power != Power::ApproveResume {
            return Err(AuditError::NotAllowed(
                "not authorized to approve a resume".into(),
            ));
        }
        let mut approval = ResumeApproval {
            type_: RESUME_APPROVAL_TYPE.to_string(),
            log_id: halt.log_id.clone(),
            halt_seq: halt.seq,
            halt_mac: halt.mac.clone(),
            approver: who.id.clone(),
            role: who.role.clone(),
            issued_at: now,
            note,
            signature: None,
            received: crate::canonical::AsRead::default(),
        };
        let signature = who
            .signer
            .sign(&approval)
            .map_err(|e| AuditError::Canonical(e.to_string()))?;
        approval.signature = Some(signature);
        Ok(approval)
    }

    /// Reads an approval file.
    pub fn load(path: &Path) -> Result<ResumeApproval, AuditError> {
        let name = path.display().to_string();
        let metadata = std::fs::metadata(path).map_err(|e| AuditError::io(path, &e))?;
        if metadata.len() > MAX_CREDENTIAL_BYTES as u64 {
            return Err(AuditError::Malformed(format!(
                "{name}: too large to be a resume approval"
            )));
        }
        // Bounded: a device or pipe reports no size, and `/dev/zero` was read without end.
        let bytes = crate::bounded_read::read_file_bounded(path, MAX_CREDENTIAL_BYTES)
            .map_err(|e| AuditError::io(path, &e))?
            .map_err(|_| {
                AuditError::Malformed(format!("{name}: too large to be a resume approval"))
            })?;
        crate::canonical::expect_object(&bytes).map_err(|why| {
            AuditError::Malformed(format!("{name}: not a resume approval: {why}"))
        })?;
        // Read as the struct, which refuses a member given twice (a generic value keeps the
        // last: found by QA), then as written, as approvals and licenses are.
        let malformed = |e: serde_json::Error| {
            AuditError::Malformed(format!("{name}: not a resume approval: {e}"))
        };
        let mut approval: ResumeApproval = serde_json::from_slice(&bytes).map_err(malformed)?;
        let members: serde_json::Value = serde_json::from_slice(&bytes).map_err(malformed)?;
        approval.received = crate::canonical::AsRead::of(&members);
        if approval.type_ != RESUME_APPROVAL_TYPE {
            return Err(AuditError::Malformed(format!(
                "{name}: not a resume approval (type `{}`)",
                approval.type_
            )));
        }
        Ok(approval)
    }

    /// An approval read from JSON, keeping the object as written: its signature is checked
    /// over those members ([`crate::canonical::AsRead`]).
    pub fn from_value(value: serde_json::Value) -> Result<ResumeApproval, serde_json::Error> {
        let mut approval: ResumeApproval = serde_json::from_value(value.clone())?;
        approval.received = crate::canonical::AsRead::of(&value);
        Ok(approval)
    }

    /// The object as a resume record holds it: as it was read, or as issued.
    pub(crate) fn as_written(&self) -> Result<serde_json::Value, serde_json::Error> {
        match self
            .signature
            .as_ref()
            .and_then(|signature| self.received.with_signature(signature))
        {
            Some(value) => Ok(value),
            None => serde_json::to_value(self),
        }
    }

    /// Why this approval does not count toward lifting `halt`, or `None` when it does.
    fn problem(
        &self,
        policy: &Policy,
        halt: &HaltInForce,
        resumer: &str,
        now: Timestamp,
    ) -> Option<String> {
        let checked = policy.checked();
        let gate = checked.halt.resume_require.as_ref()?;
        if self.log_id != halt.log_id || self.halt_seq != halt.seq || self.halt_mac != halt.mac {
            return Some(format!(
                "it approves lifting the halt at seq {} of log {}, not the halt in force (seq {})",
                self.halt_seq, self.log_id, halt.seq
            ));
        }
        let Some(approver) = checked.approvers.iter().find(|a| a.id == self.approver) else {
            return Some("not an approver in the policy".into());
        };
        let Some(key) = approver
            .key
            .as_deref()
            .and_then(|k| PublicKey::parse(k).ok())
        else {
            return Some("the approver has no valid key in the policy".into());
        };
        let Some(signature) = self.signature.clone() else {
            return Some("not signed".into());
        };
        // Over the members as written when it was read; as issued otherwise.
        let mut content = self.clone();
        content.signature = None;
        let verified = self
            .received
            .signed_bytes(&content)
            .map_err(|e| e.to_string())
            .and_then(|bytes| {
                Verifier::new([key])
                    .verify_bytes(&bytes, &signature)
                    .map_err(|e| e.to_string())
            });
        if let Err(e) = verified {
            return Some(e);
        }
        if !approver.roles.contains(&self.role) {
            return Some(format!(
                "the approver does not hold the role `{}`",
                self.role
            ));
        }
        if !gate.roles.iter().any(|r| *r == self.role) {
            return Some(format!(
                "the role `{}` cannot approve a resume (the policy requires {})",
                self.role,
                gate.roles.join(" or ")
            ));
        }
        if gate.humans_only && approver.agent {
            return Some("an agent may not approve a resume that requires humans".into());
        }
        if self.approver == resumer {
            return Some("the person resuming cannot approve their own resume".into());
        }
        if self.issued_at < halt.state.at {
            return Some("issued before the halt".into());
        }
        if self.issued_at > now {
            return Some("issued in the future".into());
        }
        if let Some(within) = gate.within {
            let age = now.duration_since(self.issued_at).as_secs();
            if age > 0 && age as u64 > within.seconds() {
                return Some(format!("expired (older than {within})"));
            }
        }
        None
    }
}

/// The approvals that count toward lifting `halt`, or an error naming what is missing and
/// why each given approval did not count. With no `resume require` in the policy, no
/// approvals are needed.
pub fn count_resume_approvals(
    policy: &Policy,
    halt: &HaltInForce,
    resumer: &str,
    approvals: &[ResumeApproval],
    now: Timestamp,
) -> Result<Vec<ResumeApproval>, AuditError> {
    let Some(gate) = policy.checked().halt.resume_require.as_ref() else {
        return Ok(Vec::new());
    };
    let mut counted = Vec::new();
    let mut seen = HashSet::new();
    let mut ignored = Vec::new();
    for approval in approvals {
        match approval.problem(policy, halt, resumer, now) {
            Some(why) => ignored.push(format!("{}: {why}", approval.approver)),
            None if !seen.insert(approval.approver.clone()) => {
                ignored.push(format!(
                    "{}: approved twice; counted once",
                    approval.approver
                ));
            }
            None => counted.push(approval.clone()),
        }
    }
    if counted.len() < gate.count as usize {
        let humans = if gate.humans_only {
            ", humans only"
        } else {
            ""
        };
        let plural = if gate.count == 1 { "" } else { "s" };
        let ignored = if ignored.is_empty() {
            String::new()
        } else {
            format!(" (not counted: {})", ignored.join("; "))
        };
        return Err(AuditError::NotAllowed(format!(
            "resuming needs {} approval{plural} from {}{humans}; {} counted{ignored}. Approvers sign one with `gavel approve-resume`",
            gate.count,
            gate.roles.join(" or "),
            counted.len()
        )));
    }
    Ok(counted)
}
