//! The bodies of the record kinds gavel writes itself, and a lenient view of decisions.
//!
//! Each is documented field by field in `docs/audit-format.md`.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::eval::{DecisionOutcome, Override, Verdict};

/// `genesis`: what the log is and which keys protect it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisBody {
    /// Always `gavel-audit/1`.
    pub format: String,
    /// 32 random hex digits naming this log.
    pub log_id: String,
    /// When the log was created.
    pub created_at: Timestamp,
    /// Fingerprint of the HMAC key the log starts with (see [`super::AuditKey::fingerprint`]).
    pub key: String,
    /// Public keys (`ed25519:…`) of the signing key configured when the log was created;
    /// signatures by them are trusted by `verify`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signing_keys: Vec<String>,
}

/// `key_rotation`: the HMAC key changes from `old_key` to `new_key` (fingerprints). The
/// record carries `mac` under the new key and `mac_old` under the old key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyRotationBody {
    /// Fingerprint of the key in effect before this record.
    pub old_key: String,
    /// Fingerprint of the key in effect from this record on.
    pub new_key: String,
    /// Why, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The policy an action was checked against.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyStamp {
    /// Policy name.
    pub name: String,
    /// Spec hash, hex.
    pub spec_hash: String,
}

/// `halt`: an emergency stop.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HaltBody {
    /// Approver id of who halted.
    pub by: String,
    /// The role they acted in.
    pub role: String,
    /// Why.
    pub reason: String,
    /// Their public key (`ed25519:…`); the record is signed with it.
    pub key: String,
    /// The policy that allowed it.
    pub policy: PolicyStamp,
}

/// `resume`: the end of the halt recorded at `halt_seq`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResumeBody {
    /// Approver id of who resumed.
    pub by: String,
    /// The role they acted in.
    pub role: String,
    /// Why it is safe to resume.
    pub reason: String,
    /// Their public key; the record is signed with it.
    pub key: String,
    /// The `seq` of the halt this lifts.
    pub halt_seq: u64,
    /// The resume approvals that counted, as given (signed credentials).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub approvals: Vec<serde_json::Value>,
    /// The policy that allowed it.
    pub policy: PolicyStamp,
}

/// `override`: a break-glass override of one request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverrideBody {
    /// The request's digest (`gavel::request::request_digest`).
    pub request_digest: String,
    /// Approver id of who broke the glass.
    pub by: String,
    /// The role they acted in.
    pub role: String,
    /// Why (mandatory).
    pub reason: String,
    /// Their public key; the record is signed with it.
    pub key: String,
    /// After this time the override no longer applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Timestamp>,
    /// What the request asked, for people reading the log.
    pub request: OverriddenRequest,
    /// The policy that allowed it.
    pub policy: PolicyStamp,
}

/// The gist of an overridden request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverriddenRequest {
    /// Action.
    pub action: String,
    /// Target environment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// Who asked.
    pub actor: String,
}

/// `repair`: what `gavel audit repair` removed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepairBody {
    /// Byte offset where the removed fragment started.
    pub offset: u64,
    /// How many bytes were removed.
    pub removed_bytes: u64,
    /// SHA-256 of the removed bytes, hex.
    pub removed_sha256: String,
    /// What was removed, in words.
    pub note: String,
}

/// `note`: free text by an operator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoteBody {
    /// The text.
    pub text: String,
    /// Who wrote it, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
}

impl OverrideBody {
    /// The override as decisions carry it.
    pub fn to_override(&self, at: Timestamp) -> Override {
        Override {
            by: self.by.clone(),
            role: self.role.clone(),
            reason: self.reason.clone(),
            at,
        }
    }
}

/// A lenient view of a decision body: only what the log's readers need, unknown fields
/// ignored (a body may be a signed decision with a `signature` member).
#[derive(Clone, Debug, Deserialize)]
pub struct DecisionView {
    /// Decision id.
    #[serde(default)]
    pub id: String,
    /// Outcome.
    pub outcome: DecisionOutcome,
    /// Whether it authorizes the request.
    #[serde(default)]
    pub authorizes: bool,
    /// Dry run.
    #[serde(default)]
    pub dry_run: bool,
    /// The request.
    pub request: RequestView,
    /// Gates.
    #[serde(default)]
    pub gates: Vec<GateView>,
    /// Fired rules.
    #[serde(default)]
    pub fired: Vec<FiredView>,
    /// Counted approvals and rejections.
    #[serde(default)]
    pub approvals: Vec<ApprovalView>,
    /// A break-glass override.
    #[serde(default, rename = "override")]
    pub override_: Option<Override>,
    /// A halt in force.
    #[serde(default)]
    pub halt: Option<serde::de::IgnoredAny>,
    /// Promotion check.
    #[serde(default)]
    pub promotion: Option<PromotionView>,
    /// Evaluation time.
    pub evaluated_at: Option<Timestamp>,
}

/// The request part of [`DecisionView`].
#[derive(Clone, Debug, Deserialize)]
pub struct RequestView {
    /// Request digest.
    #[serde(default)]
    pub digest: String,
    /// Action.
    #[serde(default)]
    pub action: String,
    /// Target environment.
    #[serde(default)]
    pub environment: Option<String>,
    /// Source environment.
    #[serde(default)]
    pub from_environment: Option<String>,
    /// Actor id.
    #[serde(default)]
    pub actor: String,
}

/// A gate in [`DecisionView`].
#[derive(Clone, Debug, Deserialize)]
pub struct GateView {
    /// Rule.
    #[serde(default)]
    pub rule: String,
    /// Approvals needed.
    #[serde(default)]
    pub count: u32,
    /// Roles.
    #[serde(default)]
    pub roles: Vec<String>,
    /// Deadline.
    #[serde(default)]
    pub deadline: Option<Timestamp>,
    /// Missing approvals.
    #[serde(default)]
    pub missing: u32,
    /// Met.
    #[serde(default)]
    pub met: bool,
}

/// A fired rule in [`DecisionView`].
#[derive(Clone, Debug, Deserialize)]
pub struct FiredView {
    /// Rule name.
    pub rule: String,
}

/// An approval in [`DecisionView`].
#[derive(Clone, Debug, Deserialize)]
pub struct ApprovalView {
    /// Approver.
    pub approver: String,
    /// Role.
    #[serde(default)]
    pub role: String,
    /// Verdict.
    pub verdict: Verdict,
    /// Credential id.
    #[serde(default)]
    pub credential: Option<String>,
}

/// A promotion in [`DecisionView`].
#[derive(Clone, Debug, Deserialize)]
pub struct PromotionView {
    /// From.
    pub from: String,
    /// To.
    pub to: String,
    /// Allowed.
    #[serde(default)]
    pub allowed: bool,
}
