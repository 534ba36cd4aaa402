//! Halt, resume and break-glass override: records signed by the approver who acts, after
//! checking the policy allows them.

use jiff::Timestamp;

use super::authority::{Authorized, Power};
use super::bodies::{HaltBody, OverriddenRequest, OverrideBody, ResumeBody};
use super::entry::Entry;
use super::error::AuditError;
use super::log::AuditLog;
use super::record::RecordKind;
use super::resume_approval::{ResumeApproval, count_resume_approvals};
use super::writer::Receipt;
use crate::compile::Policy;
use crate::request::{Request, request_digest};

fn require(who: &Authorized, power: Power) -> Result<(), AuditError> {
    if who.power == power {
        Ok(())
    } else {
        Err(AuditError::NotAllowed(format!(
            "`{}` was authorized for {:?}, not {power:?}",
            who.id, who.power
        )))
    }
}

fn reason_given(reason: &str) -> Result<(), AuditError> {
    if crate::quote::says_nothing(reason) {
        Err(AuditError::NotAllowed("a reason is required".into()))
    } else {
        Ok(())
    }
}

impl AuditLog {
    /// Halts: from this record on, every decision is `block` until a resume. `who` comes
    /// from [`super::authorize`] with [`Power::Halt`]; the record is signed with their key.
    pub fn halt(&self, who: &Authorized, reason: &str) -> Result<Receipt, AuditError> {
        require(who, Power::Halt)?;
        reason_given(reason)?;
        let body = HaltBody {
            by: who.id.clone(),
            role: who.role.clone(),
            reason: reason.to_string(),
            key: who.key.to_gavel_string(),
            policy: who.policy.clone(),
        };
        self.append(Entry::any(RecordKind::Halt, &body)?.signed_by(who.signer.clone()))
    }

    /// Lifts the halt in force. `who` comes from [`super::authorize`] with
    /// [`Power::Resume`]; when the policy says `resume require ...`, `approvals` must meet
    /// that gate (see [`count_resume_approvals`]).
    pub fn resume(
        &self,
        policy: &Policy,
        who: &Authorized,
        reason: &str,
        approvals: &[ResumeApproval],
        now: Timestamp,
    ) -> Result<Receipt, AuditError> {
        require(who, Power::Resume)?;
        reason_given(reason)?;
        let halt = self.halt_in_force()?.ok_or_else(|| {
            AuditError::NotAllowed("not halted: there is nothing to resume".into())
        })?;
        let counted = count_resume_approvals(policy, &halt, &who.id, approvals, now)?;
        // Copied as written: their signatures are over those bytes.
        let approvals = counted
            .iter()
            .map(|approval| approval.as_written())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| AuditError::Canonical(e.to_string()))?;
        let body = ResumeBody {
            by: who.id.clone(),
            role: who.role.clone(),
            reason: reason.to_string(),
            key: who.key.to_gavel_string(),
            halt_seq: halt.seq,
            approvals,
            policy: who.policy.clone(),
        };
        self.append(Entry::any(RecordKind::Resume, &body)?.signed_by(who.signer.clone()))
    }

    /// Records a break-glass override of `request`: the next decision for this exact
    /// request (same digest) that carries it may proceed, once. `who` comes from
    /// [`super::authorize`] with [`Power::Override`].
    pub fn record_override(
        &self,
        who: &Authorized,
        request: &Request,
        reason: &str,
        expires_at: Option<Timestamp>,
    ) -> Result<Receipt, AuditError> {
        require(who, Power::Override)?;
        reason_given(reason)?;
        let body = OverrideBody {
            request_digest: request_digest(request),
            by: who.id.clone(),
            role: who.role.clone(),
            reason: reason.to_string(),
            key: who.key.to_gavel_string(),
            expires_at,
            request: OverriddenRequest {
                action: request.action.clone(),
                environment: request.environment.clone(),
                actor: request.actor.id.clone(),
            },
            policy: who.policy.clone(),
        };
        self.append(Entry::any(RecordKind::Override, &body)?.signed_by(who.signer.clone()))
    }
}
