//! Everything a decision depends on besides the policy and the request.
//!
//! The evaluator does no I/O and reads no clock: the time, the halt state, verified
//! approvals, usage counters and the license verdict all arrive here. The same request,
//! policy and context always give byte-identical decisions.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Inputs to a decision beyond the request: the time, and what the embedding service has
/// verified or counted itself. `decide` reads no clock and no file; everything it may depend
/// on besides the request is here.
///
/// ```
/// use gavel::eval::{Verdict, VerifiedApproval};
/// use gavel::{Context, DecisionOutcome, Policy, Request};
///
/// let policy = Policy::from_str(
///     "policy \"p\"\nroles lead\n\
///      approver \"ann@example.com\" roles lead key \"ed25519:WxS2wFwZ/2OmFMeaJ+E250HCqshlnWuT+E0PltapeAA=\"\n\
///      default require 1 approval from lead within 1h\n",
/// )
/// .unwrap();
/// let request = Request::from_json(
///     br#"{"action": "deploy", "actor": {"id": "ci-bot", "kind": "service"},
///          "requested_at": "2026-03-01T12:00:00Z"}"#,
/// )
/// .unwrap();
/// let mut context = Context::at("2026-03-01T12:30:00Z".parse().unwrap());
/// // An approval whose signed credential the service verified (see `gavel::approve`).
/// context.approvals.push(VerifiedApproval {
///     approver: "ann@example.com".into(),
///     role: "lead".into(),
///     verdict: Verdict::Approve,
///     issued_at: "2026-03-01T12:10:00Z".parse().unwrap(),
///     expires_at: None,
///     scope: Vec::new(),
///     note: None,
///     credential: None,
/// });
/// let decision = policy.decide(&request, &context);
/// assert_eq!(decision.outcome, DecisionOutcome::Approved);
///
/// // Past the window, without the approval: expired.
/// let late = Context::at("2026-03-01T13:30:00Z".parse().unwrap());
/// assert_eq!(policy.decide(&request, &late).outcome, DecisionOutcome::Expired);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Context {
    /// The time of the decision.
    pub now: Timestamp,
    /// When approval windows start. Defaults to the request's `requested_at`, else `now`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_at: Option<Timestamp>,
    /// An emergency stop in force.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub halt: Option<HaltState>,
    /// Approvals and rejections whose credentials were already verified.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub approvals: Vec<VerifiedApproval>,
    /// Credentials that failed verification, reported in the decision.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rejected_credentials: Vec<IgnoredApproval>,
    /// Usage counters the caller counted (e.g. from the audit log). Each is a floor: a rule
    /// or license limit reads the larger of it and the counter the request supplies, so a
    /// request is never held to less usage than it states.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub usage: BTreeMap<String, u64>,
    /// The outcome of verifying the request's license credential, when there was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<LicenseVerdict>,
    /// A verified break-glass override for this request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub override_: Option<Override>,
}

impl Context {
    /// A context at `now` with nothing else.
    pub fn at(now: Timestamp) -> Self {
        Context {
            now,
            requested_at: None,
            halt: None,
            approvals: Vec::new(),
            rejected_credentials: Vec::new(),
            usage: BTreeMap::new(),
            license: None,
            override_: None,
        }
    }
}

/// An emergency stop.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HaltState {
    /// Who halted.
    pub by: String,
    /// When.
    #[serde(deserialize_with = "crate::timestamp_text::required")]
    pub at: Timestamp,
    /// Why.
    pub reason: String,
}

/// An approval or rejection by an approver, already cryptographically verified.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifiedApproval {
    /// Approver id, as declared in the policy.
    pub approver: String,
    /// The role the approver acts in.
    pub role: String,
    /// Approve or reject.
    pub verdict: Verdict,
    /// When it was issued.
    #[serde(deserialize_with = "crate::timestamp_text::required")]
    pub issued_at: Timestamp,
    /// When it stops being valid.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::timestamp_text::optional"
    )]
    pub expires_at: Option<Timestamp>,
    /// Capabilities it covers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scope: Vec<String>,
    /// The approver's note or rejection reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Identifier of the credential (its digest), for the record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
}

/// Approve or reject.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Counts toward gates.
    Approve,
    /// Rejects the request.
    Reject,
}

/// An approval that did not count, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IgnoredApproval {
    /// Approver id as the credential states it.
    pub approver: String,
    /// Credential identifier, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
    /// Machine-readable reason kind (`self_approval`, `expired`, ...).
    pub kind: String,
    /// Why it did not count.
    pub reason: String,
}

/// Result of verifying a license credential.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status", deny_unknown_fields)]
pub enum LicenseVerdict {
    /// The license verified.
    Valid {
        /// Its tier.
        tier: String,
        /// Licensed organization.
        org: String,
        /// Expiry.
        #[serde(deserialize_with = "crate::timestamp_text::required")]
        expires_at: Timestamp,
    },
    /// The license failed verification; the decision blocks.
    Invalid {
        /// Why.
        reason: String,
    },
}

impl LicenseVerdict {
    /// A request's stated license taken as verified, for callers that are themselves the
    /// trusted side: a `gavel test` case, or `gavel override` checking a request's shape
    /// before `gavel eval` verifies the real license. Never for a request's own say-so.
    pub fn assumed(claim: &crate::request::LicenseClaim) -> LicenseVerdict {
        LicenseVerdict::Valid {
            tier: claim.tier.clone(),
            org: claim.org.clone().unwrap_or_default(),
            expires_at: Timestamp::MAX,
        }
    }
}

/// A verified break-glass override of one request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// Who broke the glass.
    pub by: String,
    /// In which role.
    pub role: String,
    /// Why (mandatory).
    pub reason: String,
    /// When.
    #[serde(deserialize_with = "crate::timestamp_text::required")]
    pub at: Timestamp,
}
