//! `let` helpers: dependency order and cycle detection.
//!
//! Helpers are named expressions, never functions: no parameters, no recursion. Checking
//! them in dependency order means every helper's type is known before anything uses it.

use std::collections::HashMap;

use crate::ast::{Expr, ExprKind, FileFilter, LetDecl};
use crate::diagnostic::{Code, Diagnostic};

/// Calls `visit` on every bare single-segment name in `expr`.
pub(crate) fn for_each_bare_name<'e>(
    expr: &'e Expr,
    visit: &mut impl FnMut(&'e crate::ast::Ident),
) {
    crate::stack::guarded(|| for_each_bare_name_node(expr, visit))
}

fn for_each_bare_name_node<'e>(expr: &'e Expr, visit: &mut impl FnMut(&'e crate::ast::Ident)) {
    match &expr.kind {
        ExprKind::Ref(parts) => {
            if let [only] = parts.as_slice() {
                visit(only);
            }
        }
        ExprKind::Bool(_) | ExprKind::Number(_) | ExprKind::String(_) | ExprKind::Regex(_) => {}
        ExprKind::ActorIs(_) | ExprKind::ActorHasRole(_) => {}
        ExprKind::List(items) | ExprKind::And(items) | ExprKind::Or(items) => {
            items.iter().for_each(|i| for_each_bare_name(i, visit))
        }
        ExprKind::Call { args, .. } => args.iter().for_each(|a| for_each_bare_name(a, visit)),
        ExprKind::Neg(e) | ExprKind::Not(e) | ExprKind::Paren(e) => for_each_bare_name(e, visit),
        ExprKind::Arith { lhs, rhs, .. }
        | ExprKind::Compare { lhs, rhs, .. }
        | ExprKind::StrOp { lhs, rhs, .. } => {
            for_each_bare_name(lhs, visit);
            for_each_bare_name(rhs, visit);
        }
        ExprKind::If {
            cond,
            then,
            otherwise,
        } => {
            for_each_bare_name(cond, visit);
            for_each_bare_name(then, visit);
            for_each_bare_name(otherwise, visit);
        }
        ExprKind::Quantifier { filter, .. } | ExprKind::CountFiles(filter) => {
            if let FileFilter::Where(e) = filter {
                for_each_bare_name(e, visit);
            }
        }
    }
}

/// Orders helpers so each comes after those it uses. Helpers in a cycle are reported and
/// left out of the order (their uses then report nothing further).
pub(crate) fn order(lets: &[&LetDecl], diagnostics: &mut Vec<Diagnostic>) -> Vec<usize> {
    let index: HashMap<&str, usize> = lets
        .iter()
        .enumerate()
        .map(|(i, l)| (l.name.value.as_str(), i))
        .collect();
    let deps: Vec<Vec<usize>> = lets
        .iter()
        .map(|l| {
            let mut d = Vec::new();
            for_each_bare_name(&l.value, &mut |name| {
                if let Some(&i) = index.get(name.value.as_str())
                    && !d.contains(&i)
                {
                    d.push(i);
                }
            });
            d
        })
        .collect();

    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Active,
        Done,
        Cyclic,
    }
    let mut marks = vec![Mark::New; lets.len()];
    let mut order = Vec::new();
    // Iterative DFS: helper chains are user input, so no recursion on their length.
    for root in 0..lets.len() {
        if marks.get(root) != Some(&Mark::New) {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        if let Some(m) = marks.get_mut(root) {
            *m = Mark::Active;
        }
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            let node_deps = deps.get(node).map(Vec::as_slice).unwrap_or(&[]);
            if let Some(&dep) = node_deps.get(*next) {
                *next += 1;
                match marks.get(dep).copied() {
                    Some(Mark::New) => {
                        if let Some(m) = marks.get_mut(dep) {
                            *m = Mark::Active;
                        }
                        stack.push((dep, 0));
                    }
                    Some(Mark::Active) => {
                        let cycle_start = stack.iter().position(|(n, _)| *n == dep).unwrap_or(0);
                        let cycle: Vec<usize> = stack
                            .get(cycle_start..)
                            .unwrap_or(&[])
                            .iter()
                            .map(|(n, _)| *n)
                            .collect();
                        report_cycle(lets, &cycle, diagnostics);
                        for n in cycle {
                            if let Some(m) = marks.get_mut(n) {
                                *m = Mark::Cyclic;
                            }
                        }
                    }
                    Some(Mark::Cyclic) => {
                        if let Some(m) = marks.get_mut(node)
                            && *m == Mark::Active
                        {
                            *m = Mark::Cyclic;
                        }
                    }
                    _ => {}
                }
            } else {
                stack.pop();
                if let Some(m) = marks.get_mut(node)
                    && *m == Mark::Active
                {
                    *m = Mark::Done;
                    order.push(node);
                }
            }
        }
    }
    order
}

fn report_cycle(lets: &[&LetDecl], cycle: &[usize], diagnostics: &mut Vec<Diagnostic>) {
    let names: Vec<&str> = cycle
        .iter()
        .filter_map(|i| lets.get(*i).map(|l| l.name.value.as_str()))
        .collect();
    let Some(first) = cycle.first().and_then(|i| lets.get(*i)) else {
        return;
    };
    let chain = names
        .iter()
        .chain(names.first())
        .copied()
        .collect::<Vec<_>>()
        .join(" -> ");
    let mut d = Diagnostic::new(
        Code::RecursiveLet,
        first.name.span,
        format!("helper `{}` refers to itself: {chain}", first.name.value),
    )
    .with_label("defined in terms of itself")
    .with_help("helpers are named expressions, not functions: they cannot recurse");
    for i in cycle.iter().skip(1) {
        if let Some(l) = lets.get(*i) {
            d = d.with_secondary(l.name.span, "part of the cycle");
        }
    }
    diagnostics.push(d);
}
