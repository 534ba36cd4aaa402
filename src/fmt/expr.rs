//! Expressions on one line, with exactly the parentheses the tree needs.
//!
//! Parsed trees keep the author's parentheses as [`ExprKind::Paren`], and printing them back
//! as written re-parses to the same tree. A tree built in code may lack parentheses its
//! text needs (`And` directly under `Not`), so the printer adds them, but only where the
//! text would otherwise parse differently: an added parenthesis is an extra `Paren` node on
//! re-parsing, so adding one to a parsed tree would break `parse(fmt(x)) == parse(x)`.
//!
//! Two things can make a sub-expression's text parse differently:
//!
//! - **Precedence.** A looser operator below a tighter one (`(a + b) * c`). Each slot has a
//!   minimum [`Prec`].
//! - **Absorption.** Some constructs end in an open-ended expression that greedily takes the
//!   operator after them: the `else` branch of `if` takes everything, `any file where COND`
//!   and `not COND` take any comparison or arithmetic that follows. Each slot knows which
//!   binary operator follows it (its *follower*), and [`absorbs`] decides, by walking the
//!   text's right edge the way the grammar would, whether that operator would be swallowed.

use std::fmt::Write as _;

use crate::ast::{ArithOp, Expr, ExprKind, FileFilter};

/// Binding strength, loosest first; mirrors the grammar's `or_expr` .. `primary` ladder.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Prec {
    /// `a or b`
    Or,
    /// `a and b`
    And,
    /// `not a`
    Not,
    /// `a == b`, `a contains b` (non-associative)
    Compare,
    /// `a + b`, `a - b`
    Sum,
    /// `a * b`
    Product,
    /// `-a`
    Unary,
    /// Everything closed: literals, calls, `(..)`, `if`, quantifiers, ...
    Primary,
}

impl Prec {
    /// The next tighter level.
    fn tighter(self) -> Prec {
        match self {
            Prec::Or => Prec::And,
            Prec::And => Prec::Not,
            Prec::Not => Prec::Compare,
            Prec::Compare => Prec::Sum,
            Prec::Sum => Prec::Product,
            Prec::Product => Prec::Unary,
            Prec::Unary | Prec::Primary => Prec::Primary,
        }
    }

    /// Whether the grammar has a repetition at this level that a following operator of the
    /// same level extends (`or`, `and`, a comparison's single tail, `+`/`-`, `*`).
    fn is_operator_level(self) -> bool {
        matches!(
            self,
            Prec::Or | Prec::And | Prec::Compare | Prec::Sum | Prec::Product
        )
    }
}

/// Where a sub-expression is printed.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Slot {
    /// The loosest expression the slot takes without parentheses.
    min: Prec,
    /// The operator level that follows the slot's text, if any (`None`: a closing token).
    follower: Option<Prec>,
    /// Set for the left operand of `+`/`-` or `*`: an operand of that same level continues
    /// the parent's chain (`a - b + c`) and needs no parentheses for that follower.
    chain: Option<Prec>,
}

impl Slot {
    /// A slot closed on both sides (a whole condition, a call argument, inside `( )`).
    pub(crate) const CLOSED: Slot = Slot {
        min: Prec::Or,
        follower: None,
        chain: None,
    };

    fn new(min: Prec, follower: Option<Prec>) -> Slot {
        Slot {
            min,
            follower,
            chain: None,
        }
    }
}

/// The expression in a closed slot (a whole condition or value), on one line.
pub(crate) fn expr_text(expr: &Expr) -> String {
    let mut out = String::new();
    write_expr(&mut out, expr, Slot::CLOSED);
    out
}

/// For a top-level `and`/`or` chain: the keyword and the operands, each with its text as
/// it prints on its own line of a broken condition. `None` for any other expression.
pub(crate) fn chain_operands(expr: &Expr) -> Option<(&'static str, Vec<(&Expr, String)>)> {
    let (keyword, operands, prec) = match &expr.kind {
        ExprKind::And(ops) if ops.len() >= 2 => ("and", ops, Prec::And),
        ExprKind::Or(ops) if ops.len() >= 2 => ("or", ops, Prec::Or),
        _ => return None,
    };
    let texts = operands
        .iter()
        .enumerate()
        .map(|(i, op)| {
            let mut out = String::new();
            write_expr(
                &mut out,
                op,
                chain_slot(prec, i + 1 == operands.len(), None),
            );
            (op, out)
        })
        .collect();
    Some((keyword, texts))
}

/// The slot of an operand of an `and`/`or` chain at level `prec`.
fn chain_slot(prec: Prec, last: bool, outer_follower: Option<Prec>) -> Slot {
    Slot::new(
        prec.tighter(),
        if last { outer_follower } else { Some(prec) },
    )
}

/// How tightly the expression's text binds.
pub(crate) fn prec(expr: &Expr) -> Prec {
    match &expr.kind {
        ExprKind::Or(_) => Prec::Or,
        ExprKind::And(_) => Prec::And,
        ExprKind::Not(_) => Prec::Not,
        ExprKind::Compare { .. } | ExprKind::StrOp { .. } => Prec::Compare,
        ExprKind::Arith { op, .. } => arith_prec(*op),
        ExprKind::Neg(_) => Prec::Unary,
        ExprKind::Number(n) if n.raw() < 0 => Prec::Unary,
        _ => Prec::Primary,
    }
}

fn arith_prec(op: ArithOp) -> Prec {
    match op {
        ArithOp::Add | ArithOp::Sub => Prec::Sum,
        ArithOp::Mul => Prec::Product,
    }
}

/// Whether `expr` needs parentheses in `slot`.
fn needs_parens(expr: &Expr, slot: Slot) -> bool {
    let own = prec(expr);
    if own < slot.min {
        return true;
    }
    let Some(follower) = slot.follower else {
        return false;
    };
    if slot.chain == Some(own) {
        // `a - b` continuing `a - b + c`: only `b`'s right edge could misbehave.
        return match &expr.kind {
            ExprKind::Arith { rhs, .. } => child_absorbs(rhs, own.tighter(), follower),
            _ => false,
        };
    }
    // The left operand of `a + b` is parsed as a product: only levels tighter than the sum
    // are its own.
    let context = slot.chain.map_or(slot.min, Prec::tighter);
    absorbs(expr, context, follower)
}

/// Whether the text of `expr`, parsed at grammar level `context`, would take a following
/// operator of level `follower` into itself.
fn absorbs(expr: &Expr, context: Prec, follower: Prec) -> bool {
    // Levels between the context and the expression are single-element repetitions still
    // open for their own operator: a reference parsed as a `not_expr` is a comparison
    // without a tail, and takes a following `==`.
    spine_absorbs(context, prec(expr), follower) || right_edge_absorbs(expr, follower)
}

/// Whether a grammar level from `context` down to (not including) `own` takes `follower`.
fn spine_absorbs(context: Prec, own: Prec, follower: Prec) -> bool {
    follower.is_operator_level() && context <= follower && follower < own
}

/// Whether the construct itself (not the levels above it) is open on the right for
/// `follower`.
fn right_edge_absorbs(expr: &Expr, follower: Prec) -> bool {
    match &expr.kind {
        ExprKind::Or(ops) => {
            follower == Prec::Or
                || ops
                    .last()
                    .is_some_and(|l| child_absorbs(l, Prec::And, follower))
        }
        ExprKind::And(ops) => {
            follower == Prec::And
                || ops
                    .last()
                    .is_some_and(|l| child_absorbs(l, Prec::Not, follower))
        }
        ExprKind::Not(x) => child_absorbs(x, Prec::Not, follower),
        ExprKind::Compare { rhs, .. } | ExprKind::StrOp { rhs, .. } => {
            child_absorbs(rhs, Prec::Sum, follower)
        }
        ExprKind::Arith { op, rhs, .. } => {
            let own = arith_prec(*op);
            follower == own || child_absorbs(rhs, own.tighter(), follower)
        }
        ExprKind::Neg(x) => child_absorbs(x, Prec::Unary, follower),
        // The `else` branch is a whole expression: it takes any operator.
        ExprKind::If { .. } => true,
        ExprKind::Quantifier {
            filter: FileFilter::Where(cond),
            ..
        }
        | ExprKind::CountFiles(FileFilter::Where(cond)) => child_absorbs(cond, Prec::Not, follower),
        _ => false,
    }
}

/// Whether the expression's text starts with the word `any` (a parsed tree never has such an
/// operand right after a string operator without `any`: it would not parse).
fn starts_with_any(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Quantifier {
            quantifier: crate::ast::Quantifier::Any,
            ..
        } => true,
        ExprKind::Ref(parts) => parts.first().is_some_and(|p| p.value == "any"),
        ExprKind::Arith { lhs, .. } => prec(lhs) >= Prec::Sum && starts_with_any(lhs),
        _ => false,
    }
}

/// Whether the last child, printed in a slot of minimum `min`, absorbs `follower`. A child
/// that gets parentheses for precedence is itself closed, but the levels above it are not:
/// in `any file where (a and b) == c` the `where` clause's comparison takes the `== c`.
fn child_absorbs(child: &Expr, min: Prec, follower: Prec) -> bool {
    if prec(child) < min {
        spine_absorbs(min, Prec::Primary, follower)
    } else {
        absorbs(child, min, follower)
    }
}

/// Appends `expr` as it prints in `slot`.
pub(crate) fn write_expr(out: &mut String, expr: &Expr, slot: Slot) {
    crate::stack::guarded(|| write_expr_inner(out, expr, slot))
}

fn write_expr_inner(out: &mut String, expr: &Expr, slot: Slot) {
    if needs_parens(expr, slot) {
        out.push('(');
        write_expr(out, expr, Slot::CLOSED);
        out.push(')');
        return;
    }
    let follower = slot.follower;
    match &expr.kind {
        ExprKind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        ExprKind::Number(n) => {
            let _ = write!(out, "{n}");
        }
        ExprKind::String(s) => write_string(out, &s.raw),
        ExprKind::Regex(r) => write_regex(out, &r.pattern, &r.flags),
        ExprKind::List(items) => {
            out.push('[');
            write_list(out, items);
            out.push(']');
        }
        ExprKind::Ref(parts) => write_path(out, parts),
        ExprKind::Call { func, args } => {
            out.push_str(&func.value);
            out.push('(');
            write_list(out, args);
            out.push(')');
        }
        ExprKind::Neg(x) => {
            // The parser folds `-` into a number literal; a built tree may not have, and
            // printing `-0` or `--5` would not be canonical.
            if let Some(folded) = folded_number(expr) {
                let _ = write!(out, "{folded}");
                return;
            }
            out.push('-');
            write_expr(out, x, Slot::new(Prec::Unary, follower));
        }
        ExprKind::Arith { op, lhs, rhs } => {
            let own = arith_prec(*op);
            let left = Slot {
                min: own,
                follower: Some(own),
                chain: Some(own),
            };
            write_expr(out, lhs, left);
            out.push(' ');
            out.push_str(op.symbol());
            out.push(' ');
            write_expr(out, rhs, Slot::new(own.tighter(), follower));
        }
        ExprKind::Compare { op, lhs, rhs } => {
            write_expr(out, lhs, Slot::new(Prec::Sum, Some(Prec::Compare)));
            out.push(' ');
            out.push_str(op.symbol());
            out.push(' ');
            write_expr(out, rhs, Slot::new(Prec::Sum, follower));
        }
        ExprKind::StrOp { op, any, lhs, rhs } => {
            write_expr(out, lhs, Slot::new(Prec::Sum, Some(Prec::Compare)));
            out.push(' ');
            out.push_str(op.keyword());
            out.push_str(if *any { " any " } else { " " });
            if !*any && starts_with_any(rhs) {
                // `x in any file in p` reads `any` as the `in any` modifier.
                out.push('(');
                write_expr(out, rhs, Slot::CLOSED);
                out.push(')');
            } else {
                write_expr(out, rhs, Slot::new(Prec::Sum, follower));
            }
        }
        ExprKind::Not(x) => {
            out.push_str("not ");
            write_expr(out, x, Slot::new(Prec::Not, follower));
        }
        ExprKind::And(ops) => write_chain(out, ops, Prec::And, "and", follower),
        ExprKind::Or(ops) => write_chain(out, ops, Prec::Or, "or", follower),
        ExprKind::If {
            cond,
            then,
            otherwise,
        } => {
            out.push_str("if ");
            write_expr(out, cond, Slot::CLOSED);
            out.push_str(" then ");
            write_expr(out, then, Slot::CLOSED);
            out.push_str(" else ");
            write_expr(out, otherwise, Slot::CLOSED);
        }
        ExprKind::Quantifier { quantifier, filter } => {
            out.push_str(quantifier.keyword());
            out.push_str(match quantifier {
                crate::ast::Quantifier::All => " files ",
                crate::ast::Quantifier::Any | crate::ast::Quantifier::No => " file ",
            });
            write_filter(out, filter, follower);
        }
        ExprKind::CountFiles(filter) => {
            out.push_str("count files ");
            write_filter(out, filter, follower);
        }
        ExprKind::ActorIs(kind) => {
            out.push_str("actor is ");
            out.push_str(&kind.value);
        }
        ExprKind::ActorHasRole(role) => {
            out.push_str("actor has role ");
            out.push_str(&role.value);
        }
        ExprKind::Paren(inner) => {
            out.push('(');
            write_expr(out, inner, Slot::CLOSED);
            out.push(')');
        }
    }
}

/// The literal a chain of `-` over a number literal reads as (`--5` is `5`).
fn folded_number(expr: &Expr) -> Option<crate::number::Decimal> {
    match &expr.kind {
        ExprKind::Number(n) => Some(*n),
        ExprKind::Neg(x) => folded_number(x)?.checked_neg().ok(),
        _ => None,
    }
}

/// `a and b and c`. An empty chain (only possible in a tree built in code) prints as its
/// identity, `true` for `and` and `false` for `or`, so the text still means the same.
fn write_chain(out: &mut String, ops: &[Expr], prec: Prec, keyword: &str, follower: Option<Prec>) {
    if ops.is_empty() {
        out.push_str(if prec == Prec::And { "true" } else { "false" });
        return;
    }
    for (i, op) in ops.iter().enumerate() {
        if i > 0 {
            out.push(' ');
            out.push_str(keyword);
            out.push(' ');
        }
        write_expr(out, op, chain_slot(prec, i + 1 == ops.len(), follower));
    }
}

fn write_list(out: &mut String, items: &[Expr]) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_expr(out, item, Slot::CLOSED);
    }
}

fn write_filter(out: &mut String, filter: &FileFilter, follower: Option<Prec>) {
    match filter {
        FileFilter::InSet(set) => {
            out.push_str("in ");
            out.push_str(&set.value);
        }
        FileFilter::MatchesGlob(glob) => {
            out.push_str("matches ");
            write_string(out, &glob.raw);
        }
        FileFilter::MatchesRegex(regex) => {
            out.push_str("matches ");
            write_regex(out, &regex.pattern, &regex.flags);
        }
        FileFilter::Where(cond) => {
            out.push_str("where ");
            write_expr(out, cond, Slot::new(Prec::Not, follower));
        }
    }
}

/// A string literal from its source text: escapes and `{..}` interpolations stay as written.
pub(crate) fn write_string(out: &mut String, raw: &str) {
    out.push('"');
    out.push_str(raw);
    out.push('"');
}

/// `/pattern/flags`. The pattern holds `/` unescaped; the literal needs `\/`.
fn write_regex(out: &mut String, pattern: &str, flags: &str) {
    out.push('/');
    out.push_str(&pattern.replace('/', "\\/"));
    out.push('/');
    out.push_str(flags);
}

/// `lines.changed`, `attr.isolation.allowed`.
pub(crate) fn write_path(out: &mut String, parts: &[crate::ast::Ident]) {
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        out.push_str(&part.value);
    }
}
