//! Why an approval credential did not count. Every reason is its own kind, so tools can
//! match on it and people can read it.

use std::fmt;

/// Every reason an approval (or rejection) credential is not counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RejectionKind {
    /// Not a credential gavel can read.
    Malformed,
    /// The approver is not declared in the policy.
    UnknownApprover,
    /// The signing key is not the approver's declared key.
    UnknownKey,
    /// The signature does not match the content.
    InvalidSignature,
    /// The credential was given under a different policy (spec hash).
    SpecHashMismatch,
    /// The credential is for a different request (digest).
    RequestMismatch,
    /// The credential is for a different environment.
    WrongEnvironment,
    /// The credential has expired.
    Expired,
    /// Issued later than the decision time (beyond clock-skew tolerance).
    IssuedInFuture,
    /// Issued after the gate's window closed.
    AfterWindow,
    /// Issued before the gate's window opened (beyond clock-skew tolerance).
    BeforeWindow,
    /// The credential's scope lacks a capability the gate requires.
    ScopeInsufficient,
    /// The approver does not hold the role the credential names.
    RoleNotHeld,
    /// The approver holds none of the gate's roles.
    RoleNotInGate,
    /// The approver is the actor who asked.
    SelfApproval,
    /// The approver already counted.
    DuplicateApprover,
    /// An agent approver on a `humans_only` gate.
    AgentOnHumansOnly,
    /// The decision has no gate to count toward.
    NoGate,
}

impl RejectionKind {
    /// The stable machine-readable name.
    pub fn as_str(self) -> &'static str {
        match self {
            RejectionKind::Malformed => "malformed",
            RejectionKind::UnknownApprover => "unknown_approver",
            RejectionKind::UnknownKey => "unknown_key",
            RejectionKind::InvalidSignature => "invalid_signature",
            RejectionKind::SpecHashMismatch => "spec_hash_mismatch",
            RejectionKind::RequestMismatch => "request_mismatch",
            RejectionKind::WrongEnvironment => "wrong_environment",
            RejectionKind::Expired => "expired",
            RejectionKind::IssuedInFuture => "issued_in_future",
            RejectionKind::AfterWindow => "after_window",
            RejectionKind::BeforeWindow => "before_window",
            RejectionKind::ScopeInsufficient => "scope_insufficient",
            RejectionKind::RoleNotHeld => "role_not_held",
            RejectionKind::RoleNotInGate => "role_not_in_gate",
            RejectionKind::SelfApproval => "self_approval",
            RejectionKind::DuplicateApprover => "duplicate_approver",
            RejectionKind::AgentOnHumansOnly => "agent_on_humans_only",
            RejectionKind::NoGate => "no_gate",
        }
    }

    /// Every kind, for documentation and tests.
    pub const ALL: &'static [RejectionKind] = &[
        RejectionKind::Malformed,
        RejectionKind::UnknownApprover,
        RejectionKind::UnknownKey,
        RejectionKind::InvalidSignature,
        RejectionKind::SpecHashMismatch,
        RejectionKind::RequestMismatch,
        RejectionKind::WrongEnvironment,
        RejectionKind::Expired,
        RejectionKind::IssuedInFuture,
        RejectionKind::AfterWindow,
        RejectionKind::BeforeWindow,
        RejectionKind::ScopeInsufficient,
        RejectionKind::RoleNotHeld,
        RejectionKind::RoleNotInGate,
        RejectionKind::SelfApproval,
        RejectionKind::DuplicateApprover,
        RejectionKind::AgentOnHumansOnly,
        RejectionKind::NoGate,
    ];
}

impl fmt::Display for RejectionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A credential that did not verify: the kind and a message naming the specifics.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}: {message}")]
pub struct Rejection {
    /// Which check failed.
    pub kind: RejectionKind,
    /// What exactly.
    pub message: String,
}

impl Rejection {
    /// A rejection of `kind`.
    pub fn new(kind: RejectionKind, message: impl Into<String>) -> Self {
        Rejection {
            kind,
            message: message.into(),
        }
    }
}
