//! Top-level declarations.

use super::expr::Expr;
use super::literal::StrLit;
use super::outcome::{Outcome, Requirement};
use super::span::{FileId, Ident, Span, Spanned};
use crate::number::Decimal;

/// One parsed `.gavel` file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyFile {
    /// Which file.
    pub file: FileId,
    /// Its items in source order.
    pub items: Vec<Item>,
}

/// A top-level item and where it was written.
#[derive(Clone, Debug)]
pub struct Item {
    /// The item.
    pub kind: ItemKind,
    /// Where it was written.
    pub span: Span,
}

impl PartialEq for Item {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
    }
}

impl Eq for Item {}

/// Every kind of top-level item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ItemKind {
    /// `policy "name"`
    Policy(StrLit),
    /// `environments dev -> staging -> prod`
    Environments(Vec<Ident>),
    /// `roles admin, tech_lead`
    Roles(Vec<Ident>),
    /// `actions deploy_db, rotate_keys` (custom actions beside the built-in ones)
    Actions(Vec<Ident>),
    /// `kinds ai_rule, billing` (custom change kinds beside the built-in ones)
    Kinds(Vec<Ident>),
    /// `approver "id" roles a, b [agent] [key "..."]`
    Approver(ApproverDecl),
    /// `signer "name" key "..."`: a key trusted to sign decisions under this policy.
    Signer(SignerDecl),
    /// `paths NAME [ "glob", ... ]`
    Paths(PathSetDecl),
    /// `attribute NAME: TYPE [= default]`
    Attribute(AttributeDecl),
    /// `let NAME = expr`
    Let(LetDecl),
    /// `risk { WEIGHT when COND [as "label"] ... levels { ... } }`
    Risk(RiskDecl),
    /// `license authority key "..."`
    LicenseAuthority(StrLit),
    /// `license TIER { environments .. features .. limit NAME N }`
    License(LicenseDecl),
    /// `default OUTCOME`
    Default(Outcome),
    /// `rule NAME ["title"] { when COND then OUTCOME }`
    Rule(RuleDecl),
    /// `halt { by ROLES  resume by ROLES  resume require ... }`
    Halt(HaltDecl),
    /// `override by ROLES`: who may break glass.
    Override(Vec<Ident>),
}

/// A person or bot who may approve.
#[derive(Clone, Debug)]
pub struct ApproverDecl {
    /// Approver id (an email, a bot name).
    pub id: StrLit,
    /// Roles they hold.
    pub roles: Vec<Ident>,
    /// Set when the approver is an AI agent or bot (`agent`).
    pub agent: Option<Span>,
    /// Their public key, `ed25519:BASE64` or `ssh-ed25519 AAAA...`.
    pub key: Option<StrLit>,
}

/// Compares without spans, like every node: `agent` is an `Option<Span>`, whose derived
/// equality would compare where the flag was written.
impl PartialEq for ApproverDecl {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
            && self.roles == other.roles
            && self.agent.is_some() == other.agent.is_some()
            && self.key == other.key
    }
}

impl Eq for ApproverDecl {}

/// A key trusted to sign decisions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignerDecl {
    /// A label for the key.
    pub name: StrLit,
    /// The public key.
    pub key: StrLit,
}

/// A named set of globs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathSetDecl {
    /// Set name.
    pub name: Ident,
    /// Globs, in source order.
    pub patterns: Vec<StrLit>,
}

/// A custom request attribute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttributeDecl {
    /// Dotted name (`isolation.allowed`), referenced as `attr.isolation.allowed`.
    pub name: Vec<Ident>,
    /// Declared type.
    pub ty: Spanned<TypeName>,
    /// Value used when a request leaves the attribute out.
    pub default: Option<Expr>,
}

/// Types an attribute can have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TypeName {
    /// `string`
    String,
    /// `number`
    Number,
    /// `bool`
    Bool,
    /// `list<string>`
    ListString,
    /// `list<number>`
    ListNumber,
    /// `list<bool>`
    ListBool,
}

impl TypeName {
    /// The type as written.
    pub fn as_str(self) -> &'static str {
        match self {
            TypeName::String => "string",
            TypeName::Number => "number",
            TypeName::Bool => "bool",
            TypeName::ListString => "list<string>",
            TypeName::ListNumber => "list<number>",
            TypeName::ListBool => "list<bool>",
        }
    }
}

/// A named helper expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LetDecl {
    /// Helper name.
    pub name: Ident,
    /// Its value.
    pub value: Expr,
}

/// The risk score definition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RiskDecl {
    /// Weighted conditions, summed into the score.
    pub factors: Vec<RiskFactor>,
    /// Named levels, highest threshold first; the last has no threshold.
    pub levels: Vec<RiskLevel>,
}

/// `WEIGHT when COND [as "label"]`.
#[derive(Clone, Debug)]
pub struct RiskFactor {
    /// Added to the score when `condition` holds.
    pub weight: Expr,
    /// When the weight applies.
    pub condition: Expr,
    /// How decisions name this factor.
    pub label: Option<StrLit>,
    /// The whole factor.
    pub span: Span,
}

/// Compares without the span, like every node.
impl PartialEq for RiskFactor {
    fn eq(&self, other: &Self) -> bool {
        self.weight == other.weight
            && self.condition == other.condition
            && self.label == other.label
    }
}

impl Eq for RiskFactor {}

/// `NAME >= THRESHOLD` or the final `NAME`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RiskLevel {
    /// Level name.
    pub name: Ident,
    /// Lowest score at this level (none for the last, catch-all level).
    pub threshold: Option<Spanned<Decimal>>,
}

/// A license tier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LicenseDecl {
    /// Tier name.
    pub name: Ident,
    /// Clauses in source order.
    pub clauses: Vec<LicenseClause>,
}

/// What a tier grants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LicenseClause {
    /// `environments a, b`
    Environments(Vec<Ident>),
    /// `features a, b`
    Features(Vec<Ident>),
    /// `limit counter N` or `limit counter N for action, action`
    Limit {
        /// Usage counter name.
        counter: Ident,
        /// The limit.
        max: Spanned<u64>,
        /// The actions the limit holds for (`for ...`); empty: every request supplying the
        /// counter.
        actions: Vec<Ident>,
    },
}

/// A rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleDecl {
    /// Rule name (unique in the policy).
    pub name: Ident,
    /// Optional human title.
    pub title: Option<StrLit>,
    /// When it fires.
    pub condition: Expr,
    /// What it decides.
    pub outcome: Outcome,
}

/// Emergency-stop settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HaltDecl {
    /// Clauses in source order.
    pub clauses: Vec<HaltClause>,
}

/// One clause of a `halt` block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HaltClause {
    /// `by ROLES [humans_only]`: who may halt.
    By {
        /// The roles.
        roles: Vec<Ident>,
        /// Only approvers not declared `agent` may.
        humans_only: bool,
    },
    /// `resume by ROLES [humans_only]`: who may resume.
    ResumeBy {
        /// The roles.
        roles: Vec<Ident>,
        /// Only approvers not declared `agent` may.
        humans_only: bool,
    },
    /// `resume require N approvals from ROLES ...`: approvals a resume needs.
    ResumeRequire(Requirement),
}
