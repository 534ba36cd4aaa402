//! Which way each condition of a policy went for one request, for `gavel test --coverage`.
//!
//! A rule can fire in one test case and stay quiet in another while one of its thresholds
//! is never crossed: `lines.changed <= 100` true in every case leaves `101` untested. So
//! coverage also looks inside conditions, at their atoms — the comparisons, quantifiers,
//! tests and attributes that `and`, `or`, `not` and `if` combine — in rule conditions, risk
//! factors (conditions and weights) and the request-level helpers they use, and records
//! whether each held. Every atom is evaluated, short-circuit or not: coverage asks which
//! side of each a request falls on, not which ones the decision needed. Conditions inside a
//! per-file `where` are covered through the quantifier they filter.
//!
//! The decision itself is made elsewhere; this evaluates with the reference interpreter,
//! which keeps test tooling off the hot path.

use std::collections::HashSet;
use std::sync::Arc;

use super::context::Context;
use super::decision::PolicyRef;
use super::engine::Evaluator;
use super::reference::Reference;
use super::validate::validate;
use crate::ast::Span;
use crate::checked::{CExpr, CExprKind, CheckedPolicy, Scope, Type, Value};
use crate::request::{Request, RequestFacts};

/// An atom of a condition: where it is written and where it belongs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionAtom {
    /// Where it is written (an atom reached from several rules through a helper is one).
    pub span: Span,
    /// Its text, as evidence shows it.
    pub text: String,
    /// `FILE:LINE:COLUMN` of the policy source it is written in.
    pub location: String,
    /// What it belongs to: ``rule `x` ``, ``risk factor `y` ``, ``helper `z` ``.
    pub owner: String,
}

/// Every atom of `policy`'s conditions, each once: the risk factors' in the order written,
/// then the rules' by rule name (the policy's order), a helper's where it is first used.
pub fn condition_atoms(policy: &CheckedPolicy) -> Vec<ConditionAtom> {
    let mut atoms: Vec<ConditionAtom> = Vec::new();
    let mut listed: HashSet<Span> = HashSet::new();
    let mut helpers_seen = vec![false; policy.helpers.len()];
    let mut add = |expr: &CExpr, owner: &str| {
        if listed.insert(expr.span) {
            let (line, column) = policy
                .sources
                .line_col(expr.span.file, expr.span.start as usize);
            let file = policy
                .sources
                .get(expr.span.file)
                .map_or("?", |f| f.name.as_str());
            atoms.push(ConditionAtom {
                span: expr.span,
                text: super::evidence::condition_text(policy, expr).to_string(),
                location: format!("{file}:{line}:{column}"),
                owner: owner.to_string(),
            });
        }
    };
    for factor in policy.risk.iter().flat_map(|r| &r.factors) {
        let owner = format!("risk factor {}", crate::quote::quote(&factor.label));
        for expr in [&factor.condition, &factor.weight] {
            walk(policy, expr, &owner, &mut helpers_seen, &mut add);
        }
    }
    for rule in &policy.rules {
        let owner = format!("rule `{}`", rule.name);
        walk(policy, &rule.condition, &owner, &mut helpers_seen, &mut add);
    }
    atoms
}

/// For each atom of `policy` (as [`condition_atoms`] lists them, by span), whether it held
/// for `request`; `None` when the request does not fit the policy (an input error). An atom
/// whose evaluation fails is left out.
pub(crate) fn condition_outcomes(
    policy: &CheckedPolicy,
    request: &Request,
    prepared: &RequestFacts<'_>,
    context: &Context,
) -> Option<Vec<(Span, bool)>> {
    let validated = validate(policy, request, prepared, context).ok()?;
    let facts = validated.facts(request, context);
    let mut ev = Reference::new(policy, facts);
    // Conditions may read `risk`: it is computed first, as a decision computes it.
    let policy_ref = Arc::new(PolicyRef {
        name: policy.name.clone(),
        spec_hash: String::new(),
    });
    let mut scratch =
        super::decide::empty_decision(policy_ref, prepared.summary.clone(), context.now, false);
    super::decide::risk(&mut ev, policy, &mut scratch);
    let mut outcomes = Vec::new();
    let mut helpers_seen = vec![false; policy.helpers.len()];
    let roots = policy
        .risk
        .iter()
        .flat_map(|r| &r.factors)
        .flat_map(|f| [&f.condition, &f.weight])
        .chain(policy.rules.iter().map(|r| &r.condition));
    for root in roots {
        let mut atoms = Vec::new();
        walk(
            policy,
            root,
            "",
            &mut helpers_seen,
            &mut |atom: &CExpr, _: &str| {
                atoms.push(atom);
            },
        );
        for atom in atoms {
            if let Ok(holds) = ev.eval_bool(atom, None) {
                outcomes.push((atom.span, holds));
            }
        }
    }
    Some(outcomes)
}

/// Where an expression stands: where `and`, `or`, `not` and `if` combine conditions, a
/// boolean that is not one of them is an atom; inside an atom (the operands of `==`,
/// `starts_with`, `in`...) values are read, and only an `if` among them (or in a helper they
/// use) holds conditions of its own.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Position {
    Condition,
    Value,
}

/// Calls `atom` with each atom of `expr`, descending into the request-level helpers it uses
/// the first time each is met (`helpers_seen`), whose atoms then belong to the helper.
fn walk<'p>(
    policy: &'p CheckedPolicy,
    expr: &'p CExpr,
    owner: &str,
    helpers_seen: &mut [bool],
    atom: &mut dyn FnMut(&'p CExpr, &str),
) {
    walk_at(policy, expr, Position::Condition, owner, helpers_seen, atom);
}

fn walk_at<'p>(
    policy: &'p CheckedPolicy,
    expr: &'p CExpr,
    position: Position,
    owner: &str,
    helpers_seen: &mut [bool],
    atom: &mut dyn FnMut(&'p CExpr, &str),
) {
    // A boolean in a condition's place is a condition; anything else is a value.
    let here = |e: &CExpr| match (position, e.ty) {
        (Position::Condition, Type::Bool) => Position::Condition,
        _ => Position::Value,
    };
    crate::stack::guarded(|| match &expr.kind {
        CExprKind::And(items) | CExprKind::Or(items) if position == Position::Condition => {
            for item in items {
                walk_at(policy, item, Position::Condition, owner, helpers_seen, atom);
            }
        }
        CExprKind::Not(inner) if position == Position::Condition => {
            walk_at(
                policy,
                inner,
                Position::Condition,
                owner,
                helpers_seen,
                atom,
            );
        }
        CExprKind::If(c, t, o) => {
            walk_at(policy, c, Position::Condition, owner, helpers_seen, atom);
            for branch in [t, o] {
                walk_at(policy, branch, here(branch), owner, helpers_seen, atom);
            }
        }
        CExprKind::Helper(id) => match policy.helpers.get(*id) {
            Some(helper) if helper.scope == Scope::Request => {
                if let Some(seen) = helpers_seen.get_mut(*id)
                    && !*seen
                {
                    *seen = true;
                    let owner = format!("helper `{}`", helper.name);
                    let at = match helper.value.ty {
                        Type::Bool => Position::Condition,
                        _ => Position::Value,
                    };
                    walk_at(policy, &helper.value, at, &owner, helpers_seen, atom);
                }
            }
            // A per-file helper outside `where` cannot be; inside one, its quantifier is
            // the atom.
            _ if here(expr) == Position::Condition => atom(expr, owner),
            _ => {}
        },
        // A constant goes one way only.
        CExprKind::Lit(Value::Bool(_)) => {}
        _ => {
            // Conditions of the operands' own (an `if` in a helper they read) come first,
            // then the atom itself.
            for operand in operands(expr) {
                walk_at(policy, operand, Position::Value, owner, helpers_seen, atom);
            }
            if here(expr) == Position::Condition {
                atom(expr, owner);
            }
        }
    });
}

/// The operands `expr` reads as values, for finding conditions inside them. The body of a
/// per-file `where` is left out: it is covered through its quantifier.
fn operands(expr: &CExpr) -> Vec<&CExpr> {
    match &expr.kind {
        CExprKind::Quantifier(..) | CExprKind::Count(_) => Vec::new(),
        _ => expr.children(),
    }
}
