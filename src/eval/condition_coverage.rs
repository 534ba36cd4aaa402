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

/// Every atom of `policy`'s conditions, each once, in the order the rules, risk factors
/// and helpers are written.
pub fn condition_atoms(policy: &CheckedPolicy) -> Vec<ConditionAtom> {
    let mut atoms: Vec<ConditionAtom> = Vec::new();
    let mut helpers_seen = vec![false; policy.helpers.len()];
    let mut add = |expr: &CExpr, owner: &str| {
        if !atoms.iter().any(|a| a.span == expr.span) {
            let (line, column) = policy
                .sources
                .line_col(expr.span.file, expr.span.start as usize);
            let file = policy
                .sources
                .get(expr.span.file)
                .map_or("?", |f| f.name.as_str());
            atoms.push(ConditionAtom {
                span: expr.span,
                text: super::evidence::condition_text(policy, expr),
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

/// Calls `atom` with each atom of `expr` (of any type), descending into the request-level
/// helpers it uses the first time each is met (`helpers_seen`), whose atoms then belong to
/// the helper.
fn walk<'p>(
    policy: &'p CheckedPolicy,
    expr: &'p CExpr,
    owner: &str,
    helpers_seen: &mut [bool],
    atom: &mut dyn FnMut(&'p CExpr, &str),
) {
    crate::stack::guarded(|| match &expr.kind {
        CExprKind::And(items)
        | CExprKind::Or(items)
        | CExprKind::Min(items)
        | CExprKind::Max(items) => {
            for item in items {
                walk(policy, item, owner, helpers_seen, atom);
            }
        }
        CExprKind::Not(inner) | CExprKind::Neg(inner) => {
            walk(policy, inner, owner, helpers_seen, atom)
        }
        CExprKind::If(c, t, o) => {
            for e in [c, t, o] {
                walk(policy, e, owner, helpers_seen, atom);
            }
        }
        CExprKind::Arith(_, a, b) => {
            walk(policy, a, owner, helpers_seen, atom);
            walk(policy, b, owner, helpers_seen, atom);
        }
        CExprKind::Helper(id) => match policy.helpers.get(*id) {
            Some(helper) if helper.scope == Scope::Request => {
                if let Some(seen) = helpers_seen.get_mut(*id)
                    && !*seen
                {
                    *seen = true;
                    let owner = format!("helper `{}`", helper.name);
                    walk(policy, &helper.value, &owner, helpers_seen, atom);
                }
            }
            _ if expr.ty == Type::Bool => atom(expr, owner),
            _ => {}
        },
        // A constant goes one way only.
        CExprKind::Lit(Value::Bool(_)) => {}
        _ if expr.ty == Type::Bool => {
            // The numeric operands of a comparison may hold conditions of their own (a
            // helper's `if`).
            if let CExprKind::Compare(_, a, b) = &expr.kind {
                walk(policy, a, owner, helpers_seen, atom);
                walk(policy, b, owner, helpers_seen, atom);
            }
            atom(expr, owner);
        }
        _ => {}
    });
}
