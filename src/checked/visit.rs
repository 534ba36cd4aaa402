//! Walking checked expressions: what a policy uses.

use super::expr::{CExpr, CExprKind, FileFilter};
use super::facts::Fact;
use super::policy::{CheckedPolicy, Message, MessagePart, Outcome};
use super::types::Value;

/// Something an expression refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Use<'a> {
    /// A path set (named or inline).
    Set(usize),
    /// A regex.
    Regex(usize),
    /// An attribute.
    Attr(usize),
    /// A helper.
    Helper(usize),
    /// A role (`actor has role R`, or `actor.roles contains "R"`).
    Role(&'a str),
    /// A request fact.
    Fact(&'a Fact),
}

/// Calls `f` for everything `expr` refers to (not following helpers).
pub fn expr_uses<'a>(expr: &'a CExpr, f: &mut impl FnMut(Use<'a>)) {
    crate::stack::guarded(|| expr_uses_node(expr, f))
}

fn expr_uses_node<'a>(expr: &'a CExpr, f: &mut impl FnMut(Use<'a>)) {
    match &expr.kind {
        CExprKind::Lit(_) | CExprKind::FileFact(_) | CExprKind::ActorIs(_) => {}
        CExprKind::Fact(fact) => f(Use::Fact(fact)),
        CExprKind::Attr(i) => f(Use::Attr(*i)),
        CExprKind::Helper(i) => f(Use::Helper(*i)),
        CExprKind::ActorHasRole(r) => f(Use::Role(r)),
        CExprKind::Neg(e) | CExprKind::Lower(e) | CExprKind::Not(e) => expr_uses(e, f),
        CExprKind::Arith(_, a, b) | CExprKind::Compare(_, a, b) => {
            expr_uses(a, f);
            expr_uses(b, f);
        }
        CExprKind::Min(items)
        | CExprKind::Max(items)
        | CExprKind::And(items)
        | CExprKind::Or(items) => items.iter().for_each(|i| expr_uses(i, f)),
        CExprKind::StrTest { value, needle, .. } => {
            expr_uses(value, f);
            expr_uses(needle, f);
        }
        CExprKind::GlobMatch { value, set } | CExprKind::InSet { value, set } => {
            expr_uses(value, f);
            f(Use::Set(*set));
        }
        CExprKind::RegexMatch { value, regexes } => {
            expr_uses(value, f);
            regexes.iter().for_each(|r| f(Use::Regex(*r)));
        }
        CExprKind::InList { value, list } => {
            // `actor.roles contains "R"` (and `"R" in actor.roles`) tests a role as
            // `actor has role R` does (found by QA: W0002 called such a role unused).
            if let (
                CExprKind::Lit(Value::String(role) | Value::Symbol(role)),
                CExprKind::Fact(Fact::ActorRoles),
            ) = (&value.kind, &list.kind)
            {
                f(Use::Role(role));
            }
            expr_uses(value, f);
            expr_uses(list, f);
        }
        CExprKind::If(c, t, o) => {
            expr_uses(c, f);
            expr_uses(t, f);
            expr_uses(o, f);
        }
        CExprKind::Quantifier(_, filter) | CExprKind::Count(filter) => match filter {
            FileFilter::Set(s) => f(Use::Set(*s)),
            FileFilter::Regex(r) => f(Use::Regex(*r)),
            FileFilter::Where(e) => expr_uses(e, f),
        },
    }
}

fn message_uses<'a>(message: &'a Message, f: &mut impl FnMut(Use<'a>)) {
    for part in &message.parts {
        if let MessagePart::Expr(e) = part {
            expr_uses(e, f);
        }
    }
}

fn outcome_uses<'a>(outcome: &'a Outcome, f: &mut impl FnMut(Use<'a>)) {
    match outcome {
        Outcome::Notify(m) | Outcome::Block(m) => message_uses(m, f),
        Outcome::AutoApprove | Outcome::Require(_) => {}
    }
}

/// Calls `f` for everything the policy's rules, default, risk and helpers refer to.
pub fn policy_uses<'a>(policy: &'a CheckedPolicy, f: &mut impl FnMut(Use<'a>)) {
    for helper in &policy.helpers {
        expr_uses(&helper.value, f);
    }
    if let Some(risk) = &policy.risk {
        for factor in &risk.factors {
            expr_uses(&factor.weight, f);
            expr_uses(&factor.condition, f);
        }
    }
    for rule in &policy.rules {
        expr_uses(&rule.condition, f);
        outcome_uses(&rule.outcome, f);
    }
    if let Some(default) = &policy.default {
        outcome_uses(default, f);
    }
}
