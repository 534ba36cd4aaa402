//! The checked form of a policy: what the checker produces and both evaluators consume.

mod expr;
mod facts;
mod policy;
mod types;
pub mod visit;

pub use expr::{AttrId, CExpr, CExprKind, FileFilter, HelperId, RegexId, SetId, StrTest};
pub use facts::{Fact, FileFact};
pub use policy::{
    Approver, Attribute, CheckedPolicy, GateSpec, HaltSettings, Helper, LicenseTier, Message,
    MessagePart, NamedKey, Outcome, PathSet, Pattern, RISK_MAX, RISK_MIN, RegexDef, Risk,
    RiskFactor, RiskLevel, Rule, Scope, UsageLimit,
};
pub use types::{
    ACTOR_KINDS, BUILTIN_ACTIONS, BUILTIN_KINDS, Domain, MODES, STATUSES, ScalarType, Type,
    VERSIONS, Value,
};
