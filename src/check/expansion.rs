//! Bounding what helpers expand to.
//!
//! A helper is a named expression, so an expression's real size is its size with every
//! helper reference replaced by the helper's own expanded size. `let a2 = a1 + a1`,
//! `let a3 = a2 + a2`, ... doubles at each step; a policy could otherwise ask for more work
//! than the age of the universe while staying a few lines long. Every helper, rule, risk
//! factor and message is checked against [`MAX_EXPANDED_NODES`] and [`MAX_EXPANDED_DEPTH`].

use crate::ast::Span;
use crate::checked::{CExpr, CExprKind};
use crate::diagnostic::{Code, Diagnostic};
use crate::limits::{MAX_EXPANDED_DEPTH, MAX_EXPANDED_NODES};

/// Expanded size and depth of an expression.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Expansion {
    pub nodes: u64,
    pub depth: u32,
}

/// The expansion of `expr`, given the expansions of the helpers it may reference.
pub(crate) fn expansion(expr: &CExpr, helpers: &[Expansion]) -> Expansion {
    crate::stack::guarded(|| expansion_node(expr, helpers))
}

fn expansion_node(expr: &CExpr, helpers: &[Expansion]) -> Expansion {
    if let CExprKind::Helper(id) = &expr.kind {
        let h = helpers.get(*id).copied().unwrap_or_default();
        return Expansion {
            nodes: h.nodes.saturating_add(1),
            depth: h.depth.saturating_add(1),
        };
    }
    let children = expr.children();
    let mut total = Expansion { nodes: 1, depth: 1 };
    for child in children {
        let c = expansion(child, helpers);
        total.nodes = total.nodes.saturating_add(c.nodes);
        total.depth = total.depth.max(c.depth.saturating_add(1));
    }
    total
}

/// A diagnostic when `e` exceeds the bounds.
pub(crate) fn check(e: Expansion, what: &str, span: Span) -> Option<Diagnostic> {
    if e.nodes <= MAX_EXPANDED_NODES && e.depth <= MAX_EXPANDED_DEPTH {
        return None;
    }
    Some(
        Diagnostic::new(
            Code::TooLarge,
            span,
            format!(
                "{what} expands through its helpers to {} nodes, {} levels deep (limits: {MAX_EXPANDED_NODES} nodes, {MAX_EXPANDED_DEPTH} levels)",
                e.nodes, e.depth
            ),
        )
        .with_label("too large once helpers are expanded")
        .with_help("helpers are inlined where they are used; a helper used twice in the next helper doubles its size"),
    )
}
