//! The syntax tree of a policy, as written, with spans.
//!
//! The parser (`crate::syntax`) builds it; the checker (`crate::check`) resolves it; the
//! formatter (`crate::fmt`) prints it back. Names here are not yet resolved: a `Ref` to
//! `protcted` is a perfectly good AST node until the checker says otherwise.

mod expr;
mod item;
mod literal;
mod outcome;
mod span;

pub use expr::{ArithOp, CompareOp, Expr, ExprKind, FileFilter, Quantifier, StrOp};
pub use item::{
    ApproverDecl, AttributeDecl, HaltClause, HaltDecl, Item, ItemKind, LetDecl, LicenseClause,
    LicenseDecl, PathSetDecl, PolicyFile, RiskDecl, RiskFactor, RiskLevel, RuleDecl, SignerDecl,
    TypeName,
};
pub use literal::{RegexLit, StrLit};
pub use outcome::{Outcome, OutcomeKind, Requirement};
pub use span::{FileId, Ident, Span, Spanned};
