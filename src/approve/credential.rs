//! Approval credentials: an approver's signed approval (or rejection) of one request.
//!
//! The human-in-the-loop flow needs no server: `gavel approve DECISION` writes a credential
//! bound to the request digest, the decision id, the policy's spec hash, the environment,
//! the scope, the approver and role, and its issue and expiry times, signed with the
//! approver's key. Whoever decides the request again verifies the credential against the
//! policy and the request, and the gate logic counts it.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::rejection::{Rejection, RejectionKind};
use crate::compile::Policy;
use crate::eval::{Decision, IgnoredApproval, Verdict, VerifiedApproval};
use crate::keys::PublicKey;
use crate::sign::{Signature, Signer, Verifier, VerifyError};

/// The `type` of approval credentials.
pub const APPROVAL_TYPE: &str = "gavel.approval.v1";

/// A signed approval or rejection.
///
/// ```
/// use gavel::approve::Approval;
/// use gavel::eval::Verdict;
/// use gavel::keys::PrivateKey;
/// use gavel::sign::Signer;
/// use gavel::{Context, Policy, Request};
///
/// let alice = PrivateKey::generate().unwrap();
/// let policy = Policy::from_str(&format!(r#"
///     policy "p"
///     roles lead
///     approver "alice@example.com" roles lead key "{}"
///     default require 1 approval from lead within 1h
/// "#, alice.public_key())).unwrap();
/// let request = Request::from_json(br#"{"action":"deploy","actor":{"id":"bob","kind":"human"}}"#).unwrap();
/// let t0: jiff::Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
/// let pending = policy.decide(&request, &Context::at(t0));
///
/// // Alice reviews the pending decision and signs an approval.
/// let t1: jiff::Timestamp = "2026-01-01T00:10:00Z".parse().unwrap();
/// let t2: jiff::Timestamp = "2026-01-02T00:00:00Z".parse().unwrap();
/// let approval = Approval::for_decision(&pending, Verdict::Approve, "alice@example.com", "lead",
///     vec![], Some("lgtm".into()), t1, t2).unwrap().sign(&Signer::new(alice)).unwrap();
///
/// // Deciding again with the verified credential.
/// let mut context = Context::at(t1);
/// gavel::approve::apply_credentials(&policy, &request, &[approval], &mut context);
/// assert_eq!(policy.decide(&request, &context).outcome.as_str(), "approved");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    /// Always `gavel.approval.v1`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Approve or reject.
    pub verdict: Verdict,
    /// The decision the approver reviewed.
    pub decision_id: String,
    /// The request (SHA-256 of its canonical JSON) the credential is for.
    pub request_digest: String,
    /// The policy (spec hash) it was given under.
    pub spec_hash: String,
    /// The environment it is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// Capabilities it covers.
    #[serde(default)]
    pub scope: Vec<String>,
    /// The approver (as declared in the policy).
    pub approver: String,
    /// The role the approver acts in.
    pub role: String,
    /// When the approval window of the request started (from the reviewed decision).
    #[serde(deserialize_with = "crate::timestamp_text::required")]
    pub requested_at: Timestamp,
    /// When it was issued.
    #[serde(deserialize_with = "crate::timestamp_text::required")]
    pub issued_at: Timestamp,
    /// When it stops being valid.
    #[serde(deserialize_with = "crate::timestamp_text::required")]
    pub expires_at: Timestamp,
    /// The approver's note, or the reason for a rejection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The approver's signature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<Signature>,
    /// The members as read ([`crate::canonical::AsRead`]): what the signature and the
    /// credential id are computed over.
    #[serde(skip)]
    pub(crate) received: crate::canonical::AsRead,
}

/// Why a credential could not be created.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApprovalError {
    /// Dry-run decisions authorize nothing, so they cannot be approved.
    #[error("decision `{0}` is a dry run; dry runs authorize nothing and cannot be approved")]
    DryRun(String),
    /// Nothing to approve.
    #[error("decision `{0}` needs no approval (its outcome is `{1}`)")]
    NothingToApprove(String, String),
    /// A rejection needs a reason.
    #[error("a rejection needs a reason")]
    NoReason,
    /// Expiry before issue.
    #[error("the credential would expire before it is issued")]
    BadExpiry,
    /// Signing failed.
    #[error("cannot sign: {0}")]
    Signing(String),
}

impl Approval {
    /// An unsigned credential approving (or rejecting) the request of `decision`.
    #[allow(clippy::too_many_arguments)]
    pub fn for_decision(
        decision: &Decision,
        verdict: Verdict,
        approver: &str,
        role: &str,
        scope: Vec<String>,
        note: Option<String>,
        issued_at: Timestamp,
        expires_at: Timestamp,
    ) -> Result<Approval, ApprovalError> {
        if decision.dry_run {
            return Err(ApprovalError::DryRun(decision.id.to_string()));
        }
        if decision.gates.is_empty() {
            return Err(ApprovalError::NothingToApprove(
                decision.id.to_string(),
                decision.outcome.as_str().to_string(),
            ));
        }
        if verdict == Verdict::Reject && note.as_deref().is_none_or(crate::quote::says_nothing) {
            return Err(ApprovalError::NoReason);
        }
        if expires_at <= issued_at {
            return Err(ApprovalError::BadExpiry);
        }
        Ok(Approval {
            kind: APPROVAL_TYPE.to_string(),
            verdict,
            decision_id: decision.id.to_string(),
            request_digest: decision.request.digest.clone(),
            spec_hash: decision.policy.spec_hash.clone(),
            environment: decision.request.environment.clone(),
            scope,
            approver: approver.to_string(),
            role: role.to_string(),
            requested_at: decision.requested_at.unwrap_or(decision.evaluated_at),
            issued_at,
            expires_at,
            note,
            signature: None,
            received: crate::canonical::AsRead::default(),
        })
    }

    /// Signs the credential.
    pub fn sign(mut self, signer: &Signer) -> Result<Approval, ApprovalError> {
        self.signature = None;
        // Signed now, over its members as they are.
        self.received = crate::canonical::AsRead::default();
        let signature = signer
            .sign(&self)
            .map_err(|e| ApprovalError::Signing(e.to_string()))?;
        self.signature = Some(signature);
        Ok(self)
    }

    /// A short identifier: the first 16 hex digits of the SHA-256 of the credential's
    /// canonical content (without its signature).
    pub fn id(&self) -> String {
        id_of(&self.signed_bytes().unwrap_or_default())
    }

    /// The canonical bytes the signature covers: the members as read, or as issued.
    fn signed_bytes(&self) -> Result<Vec<u8>, crate::canonical::CanonicalError> {
        let mut content = self.clone();
        content.signature = None;
        self.received.signed_bytes(&content)
    }

    /// Reads a credential from JSON.
    pub fn from_json(bytes: &[u8]) -> Result<Approval, Rejection> {
        if bytes.len() > crate::limits::MAX_CREDENTIAL_BYTES {
            return Err(Rejection::new(
                RejectionKind::Malformed,
                format!(
                    "{} bytes, more than the limit of {}",
                    bytes.len(),
                    crate::limits::MAX_CREDENTIAL_BYTES
                ),
            ));
        }
        crate::canonical::expect_object(bytes)
            .map_err(|why| Rejection::new(RejectionKind::Malformed, why))?;
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let mut approval: Approval = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            Rejection::new(
                RejectionKind::Malformed,
                crate::quote::at_path(e.path(), e.inner()),
            )
        })?;
        de.end()
            .map_err(|e| Rejection::new(RejectionKind::Malformed, format!("trailing data: {e}")))?;
        let members: serde_json::Value = serde_json::from_slice(bytes)
            .map_err(|e| Rejection::new(RejectionKind::Malformed, e.to_string()))?;
        approval.received = crate::canonical::AsRead::of(&members);
        if approval.kind != APPROVAL_TYPE {
            return Err(Rejection::new(
                RejectionKind::Malformed,
                format!("`type` is `{}`, expected `{APPROVAL_TYPE}`", approval.kind),
            ));
        }
        Ok(approval)
    }

    /// Verifies the credential for deciding the request with digest `request_digest` in
    /// `environment` under `policy` at `now`. Checks, in order: the approver is declared,
    /// the signature is by the approver's declared key and matches, the spec hash, the
    /// request, the environment, the expiry. Role, window, scope, self-approval, duplicates
    /// and agents are the gate logic's checks, made when the decision is assembled.
    pub fn verify(
        &self,
        policy: &Policy,
        request_digest: &str,
        environment: Option<&str>,
        now: Timestamp,
    ) -> Result<VerifiedApproval, Rejection> {
        let declared = policy
            .checked()
            .approvers
            .iter()
            .find(|a| a.id == self.approver)
            .ok_or_else(|| {
                Rejection::new(
                    RejectionKind::UnknownApprover,
                    format!(
                        "`{}` is not a declared approver of policy `{}`",
                        self.approver,
                        policy.name()
                    ),
                )
            })?;
        let key = declared
            .key
            .as_deref()
            .and_then(|k| PublicKey::parse(k).ok())
            .ok_or_else(|| {
                Rejection::new(
                    RejectionKind::UnknownKey,
                    format!("approver `{}` has no key in the policy", self.approver),
                )
            })?;
        let signature = self.signature.clone().ok_or_else(|| {
            Rejection::new(
                RejectionKind::InvalidSignature,
                "the credential is not signed",
            )
        })?;
        let content = self
            .signed_bytes()
            .map_err(|e| Rejection::new(RejectionKind::Malformed, e.to_string()))?;
        Verifier::new([key])
            .verify_bytes(&content, &signature)
            .map_err(|e| match e {
                VerifyError::UnknownKey(id) => Rejection::new(
                    RejectionKind::UnknownKey,
                    format!(
                        "signed by key `{id}`, but `{}`'s declared key is `{}`",
                        self.approver,
                        key.key_id()
                    ),
                ),
                other => Rejection::new(RejectionKind::InvalidSignature, other.to_string()),
            })?;
        if self.spec_hash != policy.spec_hash() {
            return Err(Rejection::new(
                RejectionKind::SpecHashMismatch,
                format!(
                    "given under policy spec {}, but the policy is now {}: it changed since the approval",
                    short(&self.spec_hash),
                    short(policy.spec_hash())
                ),
            ));
        }
        if self.request_digest != request_digest {
            return Err(Rejection::new(
                RejectionKind::RequestMismatch,
                format!(
                    "for request {}, not this request {}",
                    short(&self.request_digest),
                    short(request_digest)
                ),
            ));
        }
        if self.environment.as_deref() != environment {
            return Err(Rejection::new(
                RejectionKind::WrongEnvironment,
                format!(
                    "for environment `{}`, not `{}`",
                    self.environment.as_deref().unwrap_or("(none)"),
                    environment.unwrap_or("(none)")
                ),
            ));
        }
        // Expired from `expires_at` on, like licenses and overrides (the instant itself is
        // past the credential's life, as for a JWT's `exp`). A rejection does not expire: a
        // veto that lapsed with time would turn the same inputs into an approval by waiting
        // (fail open); it stands until the request itself changes.
        if self.verdict == Verdict::Approve && self.expires_at <= now {
            return Err(Rejection::new(
                RejectionKind::Expired,
                format!("expired at {}", self.expires_at),
            ));
        }
        Ok(VerifiedApproval {
            approver: self.approver.clone(),
            role: self.role.clone(),
            verdict: self.verdict,
            issued_at: self.issued_at,
            expires_at: Some(self.expires_at),
            scope: self.scope.clone(),
            note: self.note.clone(),
            credential: Some(id_of(&content)),
        })
    }

    /// The record of a credential that did not verify, for the decision.
    pub fn ignored(&self, rejection: &Rejection) -> IgnoredApproval {
        IgnoredApproval {
            approver: self.approver.clone(),
            credential: Some(self.id()),
            kind: rejection.kind.as_str().to_string(),
            reason: rejection.message.clone(),
        }
    }
}

fn id_of(content: &[u8]) -> String {
    crate::canonical::hex_lower(Sha256::digest(content).get(..8).unwrap_or(&[]))
}

fn short(hash: &str) -> &str {
    hash.get(..16).unwrap_or(hash)
}
