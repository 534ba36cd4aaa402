//! From pest pairs to AST expressions.
//!
//! Each lowering returns the depth of the tree it built. Operator chains (`1 + 1 + ... + 1`)
//! are iterative in the grammar but nest in the tree, so depth is checked here as the tree is
//! built: no later pass ever recurses deeper than [`MAX_NESTING_DEPTH`].

use pest::iterators::Pair;

use super::lower::{Lowered, Lowerer, Reported, is_keyword};
use super::parser::Rule;
use crate::ast::{ArithOp, CompareOp, Expr, ExprKind, FileFilter, Quantifier, StrOp};
use crate::diagnostic::{Code, Diagnostic};
use crate::limits::MAX_NESTING_DEPTH;

impl Lowerer {
    /// Lowers any expression-level pair.
    pub(crate) fn expr(&mut self, pair: Pair<'_, Rule>) -> Lowered<Expr> {
        self.expr_depth(pair).map(|(e, _)| e)
    }

    fn too_deep(&mut self, expr: &Expr) -> Reported {
        self.diagnostics.push(
            Diagnostic::new(
                Code::TooDeep,
                expr.span,
                format!("expression is nested more than {MAX_NESTING_DEPTH} levels deep"),
            )
            .with_label("too deeply nested")
            .with_help("split it into `let` helpers"),
        );
        Reported
    }

    fn checked(&mut self, expr: Expr, depth: usize) -> Lowered<(Expr, usize)> {
        if depth > MAX_NESTING_DEPTH {
            return Err(self.too_deep(&expr));
        }
        Ok((expr, depth))
    }

    fn expr_depth(&mut self, pair: Pair<'_, Rule>) -> Lowered<(Expr, usize)> {
        crate::stack::guarded(|| self.expr_depth_inner(pair))
    }

    fn expr_depth_inner(&mut self, pair: Pair<'_, Rule>) -> Lowered<(Expr, usize)> {
        let span = self.span(&pair);
        match pair.as_rule() {
            // Wrapper rules with exactly one meaningful child.
            Rule::expr | Rule::interpolation => {
                let mut inner = pair.into_inner().filter(|p| p.as_rule() != Rule::EOI);
                match inner.next() {
                    Some(p) => self.expr_depth(p),
                    None => Err(self.presume_failed(span, "an expression")),
                }
            }
            Rule::or_expr | Rule::and_expr => {
                let is_or = pair.as_rule() == Rule::or_expr;
                let mut operands = Vec::new();
                let mut depth = 0;
                let mut failed = false;
                for p in pair.into_inner().filter(|p| !is_keyword(p.as_rule())) {
                    match self.expr_depth(p) {
                        Ok((e, d)) => {
                            depth = depth.max(d);
                            operands.push(e);
                        }
                        Err(_) => failed = true,
                    }
                }
                if failed {
                    return Err(Reported);
                }
                if operands.len() == 1 {
                    return match operands.pop() {
                        Some(e) => Ok((e, depth)),
                        None => Err(self.presume_failed(span, "an operand")),
                    };
                }
                let kind = if is_or {
                    ExprKind::Or(operands)
                } else {
                    ExprKind::And(operands)
                };
                self.checked(Expr::new(kind, span), depth + 1)
            }
            Rule::not_expr => match pair.into_inner().next() {
                Some(p) => self.expr_depth(p),
                None => Err(self.presume_failed(span, "a condition")),
            },
            Rule::negation => {
                let operand = pair.into_inner().find(|p| !is_keyword(p.as_rule()));
                let Some(operand) = operand else {
                    return Err(self.presume_failed(span, "a negated condition"));
                };
                let (e, d) = self.expr_depth(operand)?;
                self.checked(Expr::new(ExprKind::Not(Box::new(e)), span), d + 1)
            }
            Rule::comparison => self.comparison(pair),
            Rule::sum | Rule::product => self.arith_chain(pair),
            Rule::unary => {
                let mut negations = Vec::new();
                let mut operand = None;
                for p in pair.into_inner() {
                    if p.as_rule() == Rule::negate {
                        negations.push(self.span(&p));
                    } else {
                        operand = Some(p);
                    }
                }
                let Some(operand) = operand else {
                    return Err(self.presume_failed(span, "an operand"));
                };
                let (mut e, mut d) = self.expr_depth(operand)?;
                for neg_span in negations.into_iter().rev() {
                    // A negated literal is a literal: `-5` is the number minus five.
                    e = match e.kind {
                        ExprKind::Number(n) => match n.checked_neg() {
                            Ok(v) => Expr::new(ExprKind::Number(v), neg_span.to(e.span)),
                            Err(_) => {
                                let whole = neg_span.to(e.span);
                                Expr::new(
                                    ExprKind::Neg(Box::new(Expr::new(ExprKind::Number(n), e.span))),
                                    whole,
                                )
                            }
                        },
                        _ => {
                            d += 1;
                            let whole = neg_span.to(e.span);
                            Expr::new(ExprKind::Neg(Box::new(e)), whole)
                        }
                    };
                    if d > MAX_NESTING_DEPTH {
                        return Err(self.too_deep(&e));
                    }
                }
                Ok((e, d))
            }
            Rule::paren => {
                let Some(inner) = pair.into_inner().next() else {
                    return Err(self.presume_failed(span, "a parenthesized expression"));
                };
                let (e, d) = self.expr_depth(inner)?;
                self.checked(Expr::new(ExprKind::Paren(Box::new(e)), span), d + 1)
            }
            Rule::conditional => {
                let parts: Vec<_> = pair
                    .into_inner()
                    .filter(|p| !is_keyword(p.as_rule()))
                    .collect();
                let [c, t, o] = <[Pair<'_, Rule>; 3]>::try_from(parts)
                    .map_err(|_| self.presume_failed(span, "if/then/else"))?;
                let (c, dc) = self.expr_depth(c)?;
                let (t, dt) = self.expr_depth(t)?;
                let (o, d_o) = self.expr_depth(o)?;
                let kind = ExprKind::If {
                    cond: Box::new(c),
                    then: Box::new(t),
                    otherwise: Box::new(o),
                };
                self.checked(Expr::new(kind, span), dc.max(dt).max(d_o) + 1)
            }
            Rule::quantifier => {
                let mut quantifier = None;
                let mut filter = None;
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::quantifier_kw => {
                            quantifier = match p.as_str() {
                                "any" => Some(Quantifier::Any),
                                "all" => Some(Quantifier::All),
                                "no" => Some(Quantifier::No),
                                _ => None,
                            }
                        }
                        Rule::in_set | Rule::matches_pattern | Rule::where_clause => {
                            filter = Some(self.file_filter(p)?)
                        }
                        _ => {}
                    }
                }
                let (Some(quantifier), Some((filter, d))) = (quantifier, filter) else {
                    return Err(self.presume_failed(span, "a quantifier"));
                };
                self.checked(
                    Expr::new(ExprKind::Quantifier { quantifier, filter }, span),
                    d + 1,
                )
            }
            Rule::count_files => {
                let filter = pair
                    .into_inner()
                    .find(|p| {
                        matches!(
                            p.as_rule(),
                            Rule::in_set | Rule::matches_pattern | Rule::where_clause
                        )
                    })
                    .map(|p| self.file_filter(p));
                let Some(filter) = filter else {
                    return Err(self.presume_failed(span, "a file filter"));
                };
                let (filter, d) = filter?;
                self.checked(Expr::new(ExprKind::CountFiles(filter), span), d + 1)
            }
            Rule::actor_is | Rule::actor_has_role => {
                let is_role = pair.as_rule() == Rule::actor_has_role;
                let name = pair.into_inner().find(|p| p.as_rule() == Rule::name);
                let Some(name) = name else {
                    return Err(self.presume_failed(span, "a name"));
                };
                let ident = self.ident(&name);
                let kind = if is_role {
                    ExprKind::ActorHasRole(ident)
                } else {
                    ExprKind::ActorIs(ident)
                };
                Ok((Expr::new(kind, span), 1))
            }
            Rule::call => {
                let mut inner = pair.into_inner();
                let name = self.presume_next(&mut inner, span, "a function name")?;
                let func = self.ident(&name);
                let mut args = Vec::new();
                let mut depth = 0;
                for p in inner {
                    let (e, d) = self.expr_depth(p)?;
                    depth = depth.max(d);
                    args.push(e);
                }
                self.checked(Expr::new(ExprKind::Call { func, args }, span), depth + 1)
            }
            Rule::boolean => Ok((
                Expr::new(ExprKind::Bool(pair.as_str().starts_with('t')), span),
                1,
            )),
            Rule::number => {
                let n = self.decimal(&pair)?;
                Ok((Expr::new(ExprKind::Number(n), span), 1))
            }
            Rule::string => {
                let s = self.string(pair)?;
                Ok((Expr::new(ExprKind::String(s), span), 1))
            }
            Rule::regex => {
                let r = self.regex(pair)?;
                Ok((Expr::new(ExprKind::Regex(r), span), 1))
            }
            Rule::list => {
                let mut items = Vec::new();
                let mut depth = 0;
                for p in pair.into_inner() {
                    let (e, d) = self.expr_depth(p)?;
                    depth = depth.max(d);
                    items.push(e);
                }
                self.checked(Expr::new(ExprKind::List(items), span), depth + 1)
            }
            Rule::reference => {
                let parts = pair
                    .into_inner()
                    .filter(|p| matches!(p.as_rule(), Rule::name | Rule::name_raw))
                    .map(|p| self.ident(&p))
                    .collect();
                Ok((Expr::new(ExprKind::Ref(parts), span), 1))
            }
            _ => Err(self.presume_failed(span, "an expression")),
        }
    }

    fn comparison(&mut self, pair: Pair<'_, Rule>) -> Lowered<(Expr, usize)> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let lhs_pair = self.presume_next(&mut inner, span, "an operand")?;
        let Some(op_pair) = inner.next() else {
            return self.expr_depth(lhs_pair);
        };
        let (lhs, dl) = self.expr_depth(lhs_pair)?;
        let mut any = false;
        let mut rhs_pair = None;
        for p in inner {
            match p.as_rule() {
                Rule::any_modifier => any = true,
                _ => rhs_pair = Some(p),
            }
        }
        let Some(rhs_pair) = rhs_pair else {
            return Err(self.presume_failed(span, "a right operand"));
        };
        let (rhs, dr) = self.expr_depth(rhs_pair)?;
        let kind = match op_pair.as_rule() {
            Rule::compare_op => {
                let op = match op_pair.as_str() {
                    "==" => CompareOp::Eq,
                    "!=" => CompareOp::Ne,
                    "<" => CompareOp::Lt,
                    "<=" => CompareOp::Le,
                    ">" => CompareOp::Gt,
                    ">=" => CompareOp::Ge,
                    _ => return Err(self.presume_failed(span, "a comparison operator")),
                };
                ExprKind::Compare {
                    op,
                    lhs: Box::new(lhs),
                    rhs: Box::new(rhs),
                }
            }
            Rule::string_op => {
                let op = match op_pair.as_str() {
                    "contains" => StrOp::Contains,
                    "starts_with" => StrOp::StartsWith,
                    "ends_with" => StrOp::EndsWith,
                    "matches" => StrOp::Matches,
                    "in" => StrOp::In,
                    _ => return Err(self.presume_failed(span, "a string operator")),
                };
                ExprKind::StrOp {
                    op,
                    any,
                    lhs: Box::new(lhs),
                    rhs: Box::new(rhs),
                }
            }
            _ => return Err(self.presume_failed(span, "an operator")),
        };
        self.checked(Expr::new(kind, span), dl.max(dr) + 1)
    }

    fn arith_chain(&mut self, pair: Pair<'_, Rule>) -> Lowered<(Expr, usize)> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let first = self.presume_next(&mut inner, span, "an operand")?;
        let (mut acc, mut depth) = self.expr_depth(first)?;
        while let Some(op_pair) = inner.next() {
            let op = match op_pair.as_str() {
                "+" => ArithOp::Add,
                "-" => ArithOp::Sub,
                "*" => ArithOp::Mul,
                _ => return Err(self.presume_failed(span, "an arithmetic operator")),
            };
            let rhs_pair = self.presume_next(&mut inner, span, "an operand")?;
            let (rhs, dr) = self.expr_depth(rhs_pair)?;
            let whole = acc.span.to(rhs.span);
            depth = depth.max(dr) + 1;
            acc = Expr::new(
                ExprKind::Arith {
                    op,
                    lhs: Box::new(acc),
                    rhs: Box::new(rhs),
                },
                whole,
            );
            if depth > MAX_NESTING_DEPTH {
                return Err(self.too_deep(&acc));
            }
        }
        Ok((acc, depth))
    }

    fn file_filter(&mut self, pair: Pair<'_, Rule>) -> Lowered<(FileFilter, usize)> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let operand = pair.into_inner().find(|p| !is_keyword(p.as_rule()));
        let Some(operand) = operand else {
            return Err(self.presume_failed(span, "a file filter"));
        };
        match rule {
            Rule::in_set => Ok((FileFilter::InSet(self.ident(&operand)), 1)),
            Rule::matches_pattern => match operand.as_rule() {
                Rule::string => Ok((FileFilter::MatchesGlob(self.string(operand)?), 1)),
                Rule::regex => Ok((FileFilter::MatchesRegex(self.regex(operand)?), 1)),
                _ => Err(self.presume_failed(span, "a glob or regex")),
            },
            Rule::where_clause => {
                let (e, d) = self.expr_depth(operand)?;
                Ok((FileFilter::Where(Box::new(e)), d + 1))
            }
            _ => Err(self.presume_failed(span, "a file filter")),
        }
    }
}
