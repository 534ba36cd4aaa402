//! A checked policy: every name resolved, every type known, every pattern validated.

use super::expr::CExpr;
use super::types::{Type, Value};
use crate::ast::Span;
use std::sync::Arc;

use crate::number::{Decimal, Duration};
use crate::shared_str::SharedStr;
use crate::source::SourceSet;

/// A policy that passed checking. Compiling it (`crate::compile`) only adds speed.
#[derive(Clone, Debug)]
pub struct CheckedPolicy {
    /// The policy's name.
    pub name: String,
    /// Declared environments in promotion order.
    pub environments: Vec<String>,
    /// Declared roles.
    pub roles: Vec<String>,
    /// Built-in and declared actions.
    pub actions: Vec<String>,
    /// Built-in and declared change kinds.
    pub kinds: Vec<String>,
    /// Who may approve.
    pub approvers: Vec<Approver>,
    /// Keys trusted to sign decisions.
    pub signers: Vec<NamedKey>,
    /// Keys trusted to sign licenses.
    pub license_authorities: Vec<String>,
    /// Path sets: the named ones first (in declaration order), then inline ones.
    pub sets: Vec<PathSet>,
    /// Regexes, each compiled once.
    pub regexes: Vec<RegexDef>,
    /// Declared request attributes.
    pub attributes: Vec<Attribute>,
    /// Positions in `attributes`, ordered by attribute name (byte order, as a request's
    /// attributes are kept): every decision matches the request's attributes against the
    /// declared ones in one merged pass over both, rather than one search per attribute.
    pub attributes_by_name: Vec<usize>,
    /// `let` helpers, ordered so every helper comes after the helpers it uses.
    pub helpers: Vec<Helper>,
    /// The risk score definition.
    pub risk: Option<Risk>,
    /// License tiers, in declaration order (lowest first).
    pub licenses: Vec<LicenseTier>,
    /// The default outcome (`None`: block, default deny).
    pub default: Option<Outcome>,
    /// Rules, by name (order never changes a decision; by name, every list in a decision is
    /// independent of where rules were written).
    pub rules: Vec<Rule>,
    /// Emergency-stop settings.
    pub halt: HaltSettings,
    /// Roles that may break glass with a single-request override.
    pub override_by: Vec<String>,
    /// Optional request facts the policy reads, which requests must therefore supply.
    pub required_facts: Vec<crate::checked::Fact>,
    /// The source files, for explanations.
    pub sources: SourceSet,
    /// SHA-256 of the canonical, comment-free text of all files in name order.
    pub spec_hash: [u8; 32],
    /// How decisions quote the parts of conditions they show, by span: as `gavel fmt`
    /// prints them, on one line (see [`CheckedPolicy::quoted`]).
    pub(crate) quoted: crate::compile::SpanMap<SharedStr>,
}

impl CheckedPolicy {
    /// The expression at `span` (a condition, or a part of one) as `gavel fmt` prints it, on
    /// one line: how decisions quote conditions, so that what they say follows the policy's
    /// meaning (its spec hash), not its layout or comments. Printed from the syntax tree as
    /// the policy is checked, for the parts evidence can show; any other span is parsed
    /// again from the source.
    pub fn quoted(&self, span: crate::ast::Span) -> SharedStr {
        match self.quoted.get(&span) {
            Some(text) => text.clone(),
            None => crate::fmt::canonical_expr(self.sources.snippet(span)).into(),
        }
    }

    /// The declared approver `id`, when they hold `role` and `role` is one of `allowed`
    /// (`verb` names the power in the refusal). The one rule for who may halt, resume or
    /// break glass: checked when such a record is written (`gavel::audit::authorize`) and
    /// again when a decision counts an override, whoever supplied it.
    pub fn approver_in_role<S: std::borrow::Borrow<str>>(
        &self,
        id: &str,
        role: &str,
        allowed: &[S],
        verb: &str,
    ) -> Result<&Approver, String> {
        let approver = self.approvers.iter().find(|a| a.id == id).ok_or_else(|| {
            format!(
                "`{id}` is not a declared approver in the policy `{}`",
                self.name
            )
        })?;
        if !approver.roles.iter().any(|r| r == role) {
            return Err(format!(
                "`{id}` does not hold role `{role}` (holds {})",
                approver.roles.join(", ")
            ));
        }
        if !allowed.iter().any(|r| r.borrow() == role) {
            return Err(format!(
                "role `{role}` may not {verb} (the policy allows {})",
                if allowed.is_empty() {
                    "no one".to_string()
                } else {
                    allowed.join(", ")
                }
            ));
        }
        Ok(approver)
    }
}

/// A declared approver.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Approver {
    /// Approver id.
    pub id: String,
    /// Roles held.
    pub roles: Vec<String>,
    /// An AI agent or bot: ignored by `humans_only` gates.
    pub agent: bool,
    /// Public key text as written (`ed25519:...` or `ssh-ed25519 AAAA...`).
    pub key: Option<String>,
}

/// A labelled public key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedKey {
    /// Label.
    pub name: String,
    /// Public key text.
    pub key: String,
}

/// A set of globs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathSet {
    /// The set's name; inline sets are named after their pattern(s), e.g. `"**/*.sql"`.
    pub name: SharedStr,
    /// Whether the set was written inline (`matches "..."`) rather than declared.
    pub inline: bool,
    /// The globs.
    pub patterns: Vec<Pattern>,
}

/// One glob of a set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    /// The glob text, as written.
    pub glob: SharedStr,
    /// The equivalent text handed to the glob engine (validated once, at check time).
    pub engine: String,
    /// Where it was written.
    pub span: Span,
}

/// A regex literal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegexDef {
    /// The pattern.
    pub pattern: String,
    /// Flags (`i`, `m`, `s`, `x`).
    pub flags: String,
    /// Where it was written.
    pub span: Span,
}

impl RegexDef {
    /// The source as the `regex` crate reads it: flags as an inline group.
    pub fn source(&self) -> String {
        if self.flags.is_empty() {
            self.pattern.clone()
        } else {
            format!("(?{}){}", self.flags, self.pattern)
        }
    }

    /// The literal as written, `/pattern/flags`.
    pub fn display(&self) -> String {
        format!("/{}/{}", self.pattern.replace('/', "\\/"), self.flags)
    }
}

/// A declared attribute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribute {
    /// Dotted name without `attr.`.
    pub name: String,
    /// Its type.
    pub ty: Type,
    /// Value when a request leaves it out (`None`: required).
    pub default: Option<Value>,
}

/// Where an expression may be evaluated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Anywhere.
    Request,
    /// Only inside a per-file `where` (it reads `path`, `added`, ...).
    File,
}

/// A named helper expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Helper {
    /// Its name.
    pub name: String,
    /// Its value.
    pub value: CExpr,
    /// Whether it reads per-file facts.
    pub scope: Scope,
}

/// The risk score.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Risk {
    /// Factors, summed (clamped to 0..100).
    pub factors: Vec<RiskFactor>,
    /// Levels from highest threshold to the catch-all.
    pub levels: Vec<RiskLevel>,
}

/// One weighted condition of the risk score.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RiskFactor {
    /// How decisions name it.
    pub label: SharedStr,
    /// Contribution when the condition holds.
    pub weight: CExpr,
    /// When it contributes.
    pub condition: CExpr,
}

/// A risk level.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RiskLevel {
    /// Name.
    pub name: SharedStr,
    /// Lowest score of the level; `None` for the final catch-all.
    pub threshold: Option<Decimal>,
}

/// The lowest and highest risk score (scores are clamped into this range).
pub const RISK_MIN: Decimal = Decimal::ZERO;
/// See [`RISK_MIN`].
pub const RISK_MAX: Decimal = Decimal::from_raw(100 * crate::number::SCALE);

/// A license tier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LicenseTier {
    /// Tier name.
    pub name: String,
    /// Environments the tier may target (`None`: all).
    pub environments: Option<Vec<String>>,
    /// Features the tier includes.
    pub features: Vec<String>,
    /// Usage limits.
    pub limits: Vec<UsageLimit>,
}

/// `limit COUNTER MAX [for ACTION, ...]` of a license tier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsageLimit {
    /// The usage counter.
    pub counter: String,
    /// A request is blocked when its count is at or over this.
    pub max: u64,
    /// The actions it holds for, each of which must then supply the counter; empty: every
    /// request that supplies the counter, whatever its action.
    pub actions: Vec<String>,
}

impl UsageLimit {
    /// Whether a request of `action` is held to this limit.
    pub fn applies_to(&self, action: &str) -> bool {
        self.actions.is_empty() || self.actions.iter().any(|a| a == action)
    }
}

/// What a rule decides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Proceed.
    AutoApprove,
    /// Proceed and notify.
    Notify(Message),
    /// Wait for approvals.
    Require(GateSpec),
    /// Stop.
    Block(Message),
}

impl Outcome {
    /// Strictness rank: `auto_approve < notify < require < block`.
    pub fn rank(&self) -> u8 {
        match self {
            Outcome::AutoApprove => 0,
            Outcome::Notify(_) => 1,
            Outcome::Require(_) => 2,
            Outcome::Block(_) => 3,
        }
    }
}

/// A message with `{fact}` interpolations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// Literal text and interpolated expressions, in order.
    pub parts: Vec<MessagePart>,
}

/// A piece of a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MessagePart {
    /// Literal text.
    Text(String),
    /// An interpolated expression.
    Expr(CExpr),
}

/// An approval requirement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GateSpec {
    /// Distinct approvers needed.
    pub count: u32,
    /// Roles an approver must hold one of.
    pub roles: Arc<[SharedStr]>,
    /// Window from the request, if any.
    pub within: Option<Duration>,
    /// Whether agent approvers are ignored.
    pub humans_only: bool,
    /// Capabilities every approval must cover.
    pub scope: Vec<String>,
}

/// A rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// Name.
    pub name: SharedStr,
    /// Title, if given.
    pub title: Option<SharedStr>,
    /// When it fires.
    pub condition: CExpr,
    /// What it decides.
    pub outcome: Outcome,
    /// The whole rule.
    pub span: Span,
}

/// Emergency-stop settings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HaltSettings {
    /// Roles that may halt.
    pub by: Vec<String>,
    /// Only approvers not declared `agent` may halt (`by ... humans_only`).
    pub by_humans_only: bool,
    /// Roles that may resume.
    pub resume_by: Vec<String>,
    /// Only approvers not declared `agent` may resume (`resume by ... humans_only`).
    pub resume_by_humans_only: bool,
    /// Approvals a resume needs, if any.
    pub resume_require: Option<GateSpec>,
}
