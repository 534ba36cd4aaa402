//! Who really wrote a state record that loosens what decisions allow.
//!
//! A resume lifts a halt and an override lets a blocked request through. Their MACs only say
//! the record was written by someone holding the audit key — which the deciding service
//! holds. So each such record keeps the bytes its Ed25519 signature covers, and before it
//! counts in a decision its signature is checked against the key the *policy* declares for
//! the approver the record names ([`StateSigners`]). A record that fails is ignored: the
//! halt stays in force, the override does not apply (fail closed).

use std::collections::HashMap;

use super::log::HaltInForce;
use super::resume_approval::{ResumeApproval, count_resume_approvals};
use super::state::Resumed;
use crate::compile::Policy;
use crate::keys::PublicKey;
use crate::sign::{Signature, Verifier};

/// The signature of one record and the bytes it covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RecordProof {
    /// The record's MAC bytes (what its signature covers).
    pub bytes: Vec<u8>,
    /// The record's signature, if it has one.
    pub signature: Option<Signature>,
}

/// The approvers' keys as the policy declares them: who may sign resumes and overrides;
/// and the policy, whose `halt { resume by ... resume require ... }` a resume must meet.
#[derive(Clone, Debug)]
pub(crate) struct StateSigners {
    keys: HashMap<String, PublicKey>,
    policy: Policy,
}

impl StateSigners {
    /// The policy the log was given ([`super::AuditLog::with_policy`]).
    pub(crate) fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The declared keys of `policy`'s approvers (approvers without a key sign nothing).
    pub(crate) fn of(policy: &Policy) -> StateSigners {
        let keys = policy
            .checked()
            .approvers
            .iter()
            .filter_map(|a| {
                let key = PublicKey::parse(a.key.as_deref()?).ok()?;
                Some((a.id.clone(), key))
            })
            .collect();
        StateSigners {
            keys,
            policy: policy.clone(),
        }
    }

    /// Why the resume `resumed` does not lift its halt, or `None` when it does: it must be
    /// signed by the key the policy declares for who resumed (see [`Self::refusal`]), they
    /// must hold a role the policy's `resume by` names, and the approvals the record
    /// carries must meet the policy's `resume require` gate. `gavel resume` checks all of
    /// this before writing the record; it is checked again here because whoever holds the
    /// audit key can write a resume record without `gavel resume`.
    pub(crate) fn resume_refusal(&self, resumed: &Resumed, log_id: &str) -> Option<String> {
        if let Some(why) = self.refusal(&resumed.by, resumed.proof.as_deref()) {
            return Some(why);
        }
        let checked = self.policy.checked();
        // Who may resume, as `gavel resume` reads it: `resume by`, else whoever may halt.
        let resume_roles = super::authority::Power::Resume.roles(checked);
        if let Err(why) =
            checked.approver_in_role(&resumed.by, &resumed.role, &resume_roles, "resume")
        {
            return Some(why);
        }
        let power = super::authority::Power::Resume;
        if power.humans_only(checked)
            && checked
                .approvers
                .iter()
                .any(|a| a.id == resumed.by && a.agent)
        {
            return Some(super::authority::agent_refusal(&resumed.by, power));
        }
        checked.halt.resume_require.as_ref()?;
        let mut approvals = Vec::new();
        for value in resumed.approvals.iter() {
            match ResumeApproval::from_value(value.clone()) {
                Ok(approval) => approvals.push(approval),
                Err(e) => return Some(format!("a resume approval it carries is malformed: {e}")),
            }
        }
        let halt = HaltInForce {
            log_id: log_id.to_string(),
            seq: resumed.halt.seq,
            mac: resumed.halt.mac.clone(),
            state: resumed.halt.state.clone(),
        };
        count_resume_approvals(&self.policy, &halt, &resumed.by, &approvals, resumed.at)
            .err()
            .map(|e| e.to_string())
    }

    /// Why the record naming `by` does not count, or `None` when its signature verifies with
    /// the key the policy declares for `by`.
    pub(crate) fn refusal(&self, by: &str, proof: Option<&RecordProof>) -> Option<String> {
        let Some(key) = self.keys.get(by) else {
            return Some(format!(
                "`{by}` is not an approver with a key in the policy"
            ));
        };
        let Some(signature) = proof.and_then(|p| p.signature.as_ref()) else {
            return Some("the record is not signed".into());
        };
        let bytes = proof.map(|p| p.bytes.as_slice()).unwrap_or_default();
        match Verifier::new([*key]).verify_bytes(bytes, signature) {
            Ok(_) => None,
            Err(e) => Some(format!(
                "the record is not signed by the key the policy declares for `{by}` ({e})"
            )),
        }
    }
}
