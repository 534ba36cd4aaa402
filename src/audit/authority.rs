//! Who may halt, resume, break glass or approve a resume: checked against the policy's
//! declared approvers, their roles and their keys.

use crate::checked::{Approver, CheckedPolicy};
use crate::compile::Policy;
use crate::keys::{PrivateKey, PublicKey};
use crate::sign::Signer;

use super::bodies::PolicyStamp;
use super::error::AuditError;

/// A power the policy grants to roles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Power {
    /// `halt { by ... }`.
    Halt,
    /// `halt { resume by ... }` (the `by` roles when `resume by` is absent).
    Resume,
    /// `override by ...`.
    Override,
    /// `halt { resume require N approval(s) from ROLES }`.
    ApproveResume,
}

impl Power {
    fn verb(self) -> &'static str {
        match self {
            Power::Halt => "halt",
            Power::Resume => "resume",
            Power::Override => "break glass (override)",
            Power::ApproveResume => "approve a resume",
        }
    }

    /// The roles the policy grants this power to.
    pub fn roles(self, policy: &CheckedPolicy) -> Vec<String> {
        match self {
            Power::Halt => policy.halt.by.clone(),
            Power::Resume if policy.halt.resume_by.is_empty() => policy.halt.by.clone(),
            Power::Resume => policy.halt.resume_by.clone(),
            Power::Override => policy.override_by.clone(),
            Power::ApproveResume => policy
                .halt
                .resume_require
                .as_ref()
                .map(|g| g.roles.iter().map(|r| r.to_string()).collect())
                .unwrap_or_default(),
        }
    }

    /// Whether the policy grants this power to people only (`humans_only`), never to an
    /// approver declared `agent`. `resume by` absent, whoever may halt resumes, on the same
    /// terms.
    pub fn humans_only(self, policy: &CheckedPolicy) -> bool {
        match self {
            Power::Halt => policy.halt.by_humans_only,
            Power::Resume if policy.halt.resume_by.is_empty() => policy.halt.by_humans_only,
            Power::Resume => policy.halt.resume_by_humans_only,
            // An override has no `humans_only`; an agent's resume approval is written and
            // then not counted toward a `humans_only` gate, as approvals are.
            Power::Override | Power::ApproveResume => false,
        }
    }
}

/// Why the approver `id`, declared `agent`, may not use `power`, when the policy grants it
/// to people only.
pub(crate) fn agent_refusal(id: &str, power: Power) -> String {
    format!(
        "`{id}` is declared `agent`, and the policy lets only people {} (`humans_only`)",
        power.verb()
    )
}

/// An approver the policy allows to use a power, holding their private key.
#[derive(Clone, Debug)]
pub struct Authorized {
    /// Approver id.
    pub id: String,
    /// The role they act in.
    pub role: String,
    /// Whether the approver is an agent.
    pub agent: bool,
    /// Their public key.
    pub key: PublicKey,
    /// Signs their records.
    pub signer: Signer,
    /// The policy that allowed it.
    pub policy: PolicyStamp,
    /// The power.
    pub power: Power,
}

/// Checks that approver `id` may use `power` under `policy`, in `role` (or the first of
/// their roles that may), and that `key` is the key the policy declares for them.
pub fn authorize(
    policy: &Policy,
    power: Power,
    id: &str,
    role: Option<&str>,
    key: &PrivateKey,
) -> Result<Authorized, AuditError> {
    let checked = policy.checked();
    let allowed = power.roles(checked);
    let no = |why: String| AuditError::NotAllowed(why);
    if allowed.is_empty() {
        let clause = match power {
            Power::Halt | Power::Resume => "`halt { by ... }`",
            Power::Override => "`override by ...`",
            Power::ApproveResume => "`halt { resume require ... }`",
        };
        return Err(no(format!(
            "the policy `{}` does not let anyone {}: it has no {clause}",
            checked.name,
            power.verb()
        )));
    }
    let approver: &Approver = checked
        .approvers
        .iter()
        .find(|a| a.id == id)
        .ok_or_else(|| {
            no(format!(
                "`{id}` is not a declared approver in the policy `{}`",
                checked.name
            ))
        })?;
    if approver.agent && power.humans_only(checked) {
        return Err(no(agent_refusal(id, power)));
    }
    let role = match role {
        Some(role) => {
            checked
                .approver_in_role(id, role, &allowed, power.verb())
                .map_err(no)?;
            role.to_string()
        }
        None => approver
            .roles
            .iter()
            .find(|r| allowed.contains(r))
            .cloned()
            .ok_or_else(|| {
                no(format!(
                    "`{id}` (roles {}) may not {}: the policy allows {}",
                    approver.roles.join(", "),
                    power.verb(),
                    allowed.join(", ")
                ))
            })?,
    };
    let declared = approver.key.as_deref().ok_or_else(|| {
        no(format!(
            "`{id}` has no key in the policy, so nothing they sign can be verified"
        ))
    })?;
    let declared = PublicKey::parse(declared)
        .map_err(|e| no(format!("`{id}`'s key in the policy is malformed: {e}")))?;
    let public = key.public_key();
    if public != declared {
        return Err(no(format!(
            "the signing key ({}) is not `{id}`'s key: the policy declares {}",
            public.key_id(),
            declared.key_id()
        )));
    }
    Ok(Authorized {
        id: id.to_string(),
        role,
        agent: approver.agent,
        key: public,
        signer: Signer::new(key.clone()),
        policy: PolicyStamp {
            name: policy.name().to_string(),
            spec_hash: policy.spec_hash().to_string(),
        },
        power,
    })
}
