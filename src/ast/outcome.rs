//! What a rule (or the default) decides.

use super::literal::StrLit;
use super::span::{Ident, Span, Spanned};
use crate::number::Duration;

/// An outcome and where it was written.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The outcome.
    pub kind: OutcomeKind,
    /// Where it was written.
    pub span: Span,
}

impl PartialEq for Outcome {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
    }
}

impl Eq for Outcome {}

/// The four outcomes, from least to most strict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OutcomeKind {
    /// `auto_approve`
    AutoApprove,
    /// `notify "channel or message"`
    Notify(StrLit),
    /// `require N approvals from ROLES ...`
    Require(Requirement),
    /// `block "reason"`
    Block(StrLit),
}

/// `require N approval(s) from ROLES [within DURATION] [humans_only] [scope CAPS]`.
#[derive(Clone, Debug)]
pub struct Requirement {
    /// How many distinct approvers.
    pub count: Spanned<u32>,
    /// Roles, any of which an approver must hold.
    pub roles: Vec<Ident>,
    /// How long approvers have, from when the request was made.
    pub within: Option<Spanned<Duration>>,
    /// Whether agent approvers are ignored.
    pub humans_only: Option<Span>,
    /// Capabilities each approval must cover.
    pub scope: Vec<Ident>,
}

/// Compares without spans, like every node: `humans_only` is an `Option<Span>`, whose
/// derived equality would compare where the flag was written.
impl PartialEq for Requirement {
    fn eq(&self, other: &Self) -> bool {
        self.count == other.count
            && self.roles == other.roles
            && self.within == other.within
            && self.humans_only.is_some() == other.humans_only.is_some()
            && self.scope == other.scope
    }
}

impl Eq for Requirement {}
