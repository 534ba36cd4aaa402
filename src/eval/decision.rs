//! The decision: what gavel decided and why. Documented field by field in
//! `docs/decision-format.md`; the format is stable.

use std::sync::Arc;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::context::{HaltState, IgnoredApproval, Override, Verdict};
use super::decision_id::DecisionId;
use crate::checked::Value;
use crate::number::{Decimal, Duration};
use crate::shared_str::SharedStr;

/// A decision about one request.
///
/// The parts most decisions leave unset — an input error, a halt, a promotion check, a
/// license report, an override — are boxed: a decision is 440 bytes instead of 760, and
/// every move of one (returned from `decide`, passed on to be signed and recorded) copies
/// that much less. Their JSON is the same.
///
/// ```
/// use gavel::{Context, Policy, Request};
///
/// let policy = Policy::from_str(
///     "policy \"p\"\npaths secrets [\"**/.env*\"]\ndefault auto_approve\n\
///      rule secrets { when any file in secrets then block \"no secrets\" }\n",
/// )
/// .unwrap();
/// let request = Request::from_json(
///     br#"{"action": "apply_patch", "actor": {"id": "agent-7", "kind": "agent"},
///          "files": [{"path": "app/.env", "added": 1}]}"#,
/// )
/// .unwrap();
/// let context = Context::at("2026-03-01T12:00:00Z".parse().unwrap());
/// let decision = policy.decide(&request, &context);
/// assert_eq!(decision.outcome.as_str(), "block");
/// assert_eq!(decision.exit_code(), 3);
/// // Why, with evidence: the file, the pattern it matched and its set.
/// let evidence = &decision.fired[0].evidence[0];
/// assert_eq!(evidence.condition, "any file in secrets");
/// assert_eq!(evidence.files[0].file, "app/.env");
/// assert_eq!(evidence.files[0].pattern.as_deref(), Some("**/.env*"));
/// // The same policy, request and context give the same bytes (docs/decision-format.md).
/// let json = serde_json::to_string(&decision).unwrap();
/// assert_eq!(json, serde_json::to_string(&policy.decide(&request, &context)).unwrap());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// Stable identifier, derived from the policy, the request and the context.
    pub id: DecisionId,
    /// What was decided.
    pub outcome: DecisionOutcome,
    /// Whether the request may proceed on the strength of this decision (never for dry runs).
    pub authorizes: bool,
    /// The request was a dry run: this decision shows what would happen, nothing more.
    pub dry_run: bool,
    /// One line saying why.
    pub summary: String,
    /// Block reasons, or notification messages, in rule order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
    /// Approval gates, all of which must be met.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gates: Vec<Gate>,
    /// Rules that fired, in policy order, with the facts that made them fire.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fired: Vec<FiredRule>,
    /// Every rule was evaluated and none fired, so the policy's default (or default deny)
    /// decided what the rules say. False when a rule or a risk factor failed evaluation
    /// (whether a rule would have fired is not known) and for input errors; halts, licenses,
    /// promotions and overrides, which act after the rules, leave it as it is.
    pub default_applied: bool,
    /// The risk score, when the policy defines one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk: Option<RiskReport>,
    /// Rules or risk factors whose evaluation failed (each forces a block).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<EvaluationError>,
    /// The request was malformed or did not fit the policy (forces a block).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_error: Option<Box<InputError>>,
    /// The emergency stop in force (forces a block).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub halt: Option<Box<HaltState>>,
    /// Promotion check, for `promote` requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promotion: Option<Box<Promotion>>,
    /// License check, when the policy has license tiers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<Box<LicenseReport>>,
    /// Approvals that counted toward at least one gate, and rejections.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub approvals: Vec<CountedApproval>,
    /// Approvals that did not count, with the reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignored_approvals: Vec<IgnoredApproval>,
    /// A break-glass override, recorded loudly.
    #[serde(default, rename = "override", skip_serializing_if = "Option::is_none")]
    pub override_: Option<Box<Override>>,
    /// Rules that did not fire and what made them false (only with `--explain`, and absent
    /// when every rule fired).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explanation: Option<Vec<NotFired>>,
    /// The policy that decided. Shared by every decision of one compiled policy.
    pub policy: Arc<PolicyRef>,
    /// What was asked. Shared by every decision on one [`crate::PreparedRequest`].
    pub request: Arc<RequestSummary>,
    /// When.
    pub evaluated_at: Timestamp,
    /// When the approval windows of `gates` started (present when there are gates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_at: Option<Timestamp>,
    /// Ed25519 signature over the canonical decision without this member (absent: unsigned).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<crate::sign::Signature>,
}

impl Decision {
    /// Turns the decision into a `block` because a step after evaluation failed (signing,
    /// recording): fail closed, naming the failure.
    pub fn force_block(&mut self, location: &str, error: &str) {
        self.errors.push(EvaluationError {
            location: location.to_string(),
            error: error.to_string(),
        });
        let reason = format!("{location} failed: {error}");
        self.reasons.insert(0, reason.clone());
        self.summary = format!("blocked: {reason}");
        self.outcome = DecisionOutcome::Block;
        self.authorizes = false;
        self.signature = None;
    }

    /// Signs the decision (replacing any previous signature).
    pub fn sign(
        &mut self,
        signer: &crate::sign::Signer,
    ) -> Result<(), crate::canonical::CanonicalError> {
        self.signature = None;
        self.signature = Some(signer.sign(self)?);
        Ok(())
    }

    /// Verifies the decision's signature with `verifier`; returns the signing key.
    pub fn verify(
        &self,
        verifier: &crate::sign::Verifier,
    ) -> Result<crate::keys::PublicKey, crate::sign::VerifyError> {
        let signature = self
            .signature
            .as_ref()
            .ok_or(crate::sign::VerifyError::Unsigned)?;
        let bytes = self.unsigned_canonical_bytes(signature)?;
        verifier.verify_bytes(&bytes, signature)
    }

    /// The canonical bytes the signature covers: the decision without its `signature`.
    /// Rather than cloning the decision to drop the member, the canonical text of the whole
    /// decision is taken and the member's exact canonical text cut out: `signature` is a
    /// top-level member whose value (64 random signature bytes) occurs nowhere else, and the
    /// members around it stay in canonical order.
    fn unsigned_canonical_bytes(
        &self,
        signature: &crate::sign::Signature,
    ) -> Result<Vec<u8>, crate::sign::VerifyError> {
        use crate::canonical::to_canonical_string;
        let canonical = |e: crate::canonical::CanonicalError| {
            crate::sign::VerifyError::Canonical(e.to_string())
        };
        let full = to_canonical_string(self).map_err(canonical)?;
        let member = format!(
            "\"signature\":{}",
            to_canonical_string(signature).map_err(canonical)?
        );
        let cut = full
            .find(&format!(",{member}"))
            .or_else(|| full.find(&format!("{member},")))
            .ok_or_else(|| {
                crate::sign::VerifyError::Canonical("signature member not found".into())
            })?;
        let mut bytes = full.into_bytes();
        bytes.drain(cut..cut + member.len() + 1);
        Ok(bytes)
    }

    /// The `gavel eval` exit code: 0 only when the decision authorizes; 4 for a dry run
    /// whose outcome would proceed (it authorizes nothing); else 2 approval required, 3
    /// blocked, rejected or expired. A decision that says neither (an outcome that would
    /// proceed, not authorizing, not a dry run) is 3, and a dry run is never 0: fail closed.
    pub fn exit_code(&self) -> u8 {
        match (self.authorizes, self.outcome.may_proceed(), self.dry_run) {
            (true, true, false) => 0,
            (_, true, true) => 4,
            (_, true, false) => 3,
            (_, false, _) => self.outcome.exit_code(),
        }
    }
}

/// The possible outcomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionOutcome {
    /// Proceed.
    AutoApprove,
    /// Proceed and notify.
    Notify,
    /// Every gate is met.
    Approved,
    /// Waiting for approvals.
    RequireApproval,
    /// An eligible approver rejected it.
    Rejected,
    /// A gate's window passed before it was met.
    Expired,
    /// Not allowed.
    Block,
}

impl DecisionOutcome {
    /// The outcome as written in decisions.
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionOutcome::AutoApprove => "auto_approve",
            DecisionOutcome::Notify => "notify",
            DecisionOutcome::Approved => "approved",
            DecisionOutcome::RequireApproval => "require_approval",
            DecisionOutcome::Rejected => "rejected",
            DecisionOutcome::Expired => "expired",
            DecisionOutcome::Block => "block",
        }
    }

    /// Whether the outcome lets the request proceed.
    pub fn may_proceed(self) -> bool {
        matches!(
            self,
            DecisionOutcome::AutoApprove | DecisionOutcome::Notify | DecisionOutcome::Approved
        )
    }

    /// The CLI exit code: 0 may proceed, 2 approval required, 3 blocked/rejected/expired.
    pub fn exit_code(self) -> u8 {
        match self {
            DecisionOutcome::AutoApprove | DecisionOutcome::Notify | DecisionOutcome::Approved => 0,
            DecisionOutcome::RequireApproval => 2,
            DecisionOutcome::Rejected | DecisionOutcome::Expired | DecisionOutcome::Block => 3,
        }
    }
}

/// What one rule decided (the outcome it names, before gates and forced blocks).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleOutcome {
    /// `auto_approve`
    AutoApprove,
    /// `notify`
    Notify,
    /// `require_approval`
    RequireApproval,
    /// `block`
    Block,
}

impl RuleOutcome {
    /// The outcome as written in decisions.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleOutcome::AutoApprove => "auto_approve",
            RuleOutcome::Notify => "notify",
            RuleOutcome::RequireApproval => "require_approval",
            RuleOutcome::Block => "block",
        }
    }
}

impl std::fmt::Display for RuleOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for RuleOutcome {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// An approval gate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gate {
    /// The rule that requires it (`default` for the policy default).
    pub rule: SharedStr,
    /// Distinct approvers needed.
    pub count: u32,
    /// Roles an approver must hold one of (shared with the policy).
    pub roles: Arc<[SharedStr]>,
    /// The approval window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<Duration>,
    /// When the window closes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<Timestamp>,
    /// Agent approvers do not count.
    pub humans_only: bool,
    /// Capabilities every approval must cover.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scope: Vec<String>,
    /// Approvers whose approval counts toward this gate so far.
    #[serde(default)]
    pub approved_by: Vec<String>,
    /// Approvals still missing.
    pub missing: u32,
    /// Whether the gate is met.
    pub met: bool,
    /// Whether the window passed before the gate was met.
    pub expired: bool,
}

/// A rule that fired.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FiredRule {
    /// Rule name.
    pub rule: SharedStr,
    /// Its title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<SharedStr>,
    /// What it decided.
    pub outcome: RuleOutcome,
    /// Its message, interpolated (`notify`/`block`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The facts that made it fire (omitted when none could be collected).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
    /// Why the evidence is incomplete, when collecting it failed (over the evidence's own
    /// work limit, say). The rule fired all the same: evidence shows a decided condition
    /// again and never changes the outcome.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence_error: Option<String>,
}

/// Why a condition (or part of one) held or did not.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    /// The condition as written in the policy.
    pub condition: SharedStr,
    /// Whether it held.
    pub holds: bool,
    /// Left operand's value (comparisons).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub left: Option<Value>,
    /// Right operand's value (comparisons).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub right: Option<Value>,
    /// The files that decided a path condition (at most 10), with the pattern and set.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<FileMatch>,
    /// How many files were relevant, when more than listed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_count: Option<u64>,
}

/// A file and what it matched.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileMatch {
    /// The file's normalized path.
    pub file: String,
    /// The glob (or regex) it matched, if the condition was a pattern test.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<SharedStr>,
    /// The path set the pattern belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set: Option<SharedStr>,
}

/// A rule that did not fire, for `--explain`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotFired {
    /// Rule name.
    pub rule: SharedStr,
    /// The parts of its condition that were false, with their values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
    /// Why the explanation is incomplete, when collecting it failed (over the explanation's
    /// own work limit, say). `--explain` never changes the outcome.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence_error: Option<String>,
}

/// The risk score.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskReport {
    /// Score, clamped to 0..100.
    pub score: Decimal,
    /// Level, when levels are defined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<SharedStr>,
    /// Each factor that applied and its contribution (omitted when none applied).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub factors: Vec<RiskContribution>,
}

/// One factor's contribution to the risk score.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskContribution {
    /// Factor label.
    pub factor: SharedStr,
    /// What it added.
    pub weight: Decimal,
}

/// A rule or risk factor whose evaluation failed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvaluationError {
    /// `rule NAME`, `risk factor LABEL`, or `message of rule NAME`.
    pub location: String,
    /// What failed.
    pub error: String,
}

/// A malformed or ill-fitting request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputError {
    /// The field at fault, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl InputError {
    /// `` `FIELD`: MESSAGE `` (or the message alone for the whole document), on one line, as
    /// the CLI and `gavel test` show the error.
    pub fn located(&self) -> String {
        let message = crate::quote::one_line(&self.message);
        match &self.field {
            Some(field) => format!("`{}`: {message}", crate::quote::field(field)),
            None => message.into_owned(),
        }
    }
}

/// The promotion check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Promotion {
    /// Source environment.
    pub from: String,
    /// Target environment.
    pub to: String,
    /// Whether the step follows the declared order (or goes backwards, a rollback).
    pub allowed: bool,
    /// The environment that must come next, when the request skips one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// The license check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LicenseReport {
    /// The tier the request ran under, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    /// Whether the license allowed the request.
    pub allowed: bool,
    /// What it denied and which tier would allow it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub denial: Option<String>,
    /// The lowest tier that would allow the request, when another tier would.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_tier: Option<String>,
}

/// An approval that counted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountedApproval {
    /// Approver id.
    pub approver: String,
    /// Role acted in.
    pub role: String,
    /// Approve or reject.
    pub verdict: Verdict,
    /// When issued.
    pub issued_at: Timestamp,
    /// Rules of the gates it counted toward.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gates: Vec<String>,
    /// The approver's note or rejection reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Credential identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
}

/// Which policy decided.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyRef {
    /// Policy name.
    pub name: String,
    /// Spec hash (hex SHA-256 of the canonical policy text).
    pub spec_hash: String,
}

/// What was asked, for the record (who, what, where).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestSummary {
    /// SHA-256 of the request's canonical JSON (RFC 8785), hex.
    pub digest: String,
    /// Action.
    pub action: String,
    /// Target environment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// Source environment (promotions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_environment: Option<String>,
    /// Actor id.
    pub actor: String,
    /// Actor kind.
    pub actor_kind: String,
    /// Number of files.
    pub files: u64,
    /// Lines added.
    pub lines_added: u64,
    /// Lines removed.
    pub lines_removed: u64,
    /// The caller's reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// The stated reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl RequestSummary {
    /// The summary of `request`, whose digest is `digest`.
    pub(crate) fn of(request: &crate::request::Request, digest: String) -> RequestSummary {
        RequestSummary {
            digest,
            action: request.action.clone(),
            environment: request.environment.clone(),
            from_environment: request.from_environment.clone(),
            actor: request.actor.id.clone(),
            actor_kind: request.actor.kind.as_str().to_string(),
            files: request.files.len() as u64,
            lines_added: request
                .files
                .iter()
                .map(|f| f.added)
                .fold(0, u64::saturating_add),
            lines_removed: request
                .files
                .iter()
                .map(|f| f.removed)
                .fold(0, u64::saturating_add),
            reference: request.reference.clone(),
            reason: request.reason.clone(),
        }
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn signature_cut_equals_the_canonical_form_without_the_member() {
        let policy = crate::Policy::from_str(
            "policy \"p\"\nrule r { when files.count >= 0 then notify \"sig\\\"nature\" }",
        )
        .unwrap();
        let request = crate::Request::from_json(br#"{"action":"deploy","actor":{"id":"signature","kind":"human"},"reason":"\"signature\":{}"}"#).unwrap();
        let mut decision =
            policy.decide(&request, &crate::Context::at(jiff::Timestamp::UNIX_EPOCH));
        let unsigned = crate::canonical::to_canonical_bytes(&decision).unwrap();
        let signer = crate::sign::Signer::new(crate::keys::PrivateKey::from_seed(&[3; 32]));
        decision.sign(&signer).unwrap();
        let signature = decision.signature.clone().unwrap();
        assert_eq!(
            decision.unsigned_canonical_bytes(&signature).unwrap(),
            unsigned
        );
    }
}
