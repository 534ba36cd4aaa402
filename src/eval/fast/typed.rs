//! Typed walks of the compiled evaluator: conditions as booleans, weights and operands as
//! numbers.
//!
//! Most of what a policy evaluates is boolean logic over numeric comparisons: `risk < 50`,
//! `lines.changed > 100 and lines.removed <= 50`, `any file in protected`. The generic walk
//! ([`crate::eval::engine::Evaluator::eval`]) returns every intermediate result as a [`crate::eval::value::Val`], a tagged value that
//! may own a string, so each node pays for building, moving, matching and dropping one. The
//! checker has already typed every expression, so a node of type `bool` can be walked by a
//! function that returns a plain `bool`, and a `number` by one that returns a [`Decimal`].
//! Anything else (strings, lists, per-file conditions over strings) goes through the generic
//! walk, which these call for the nodes they do not handle themselves; the generic walk in
//! turn hands them the kinds of node that are always numeric or boolean, so each of those
//! is evaluated by one piece of code.
//!
//! Both walks evaluate exactly what the generic walk evaluates, in the same order and with
//! the same short-circuits, and fail with the same errors: the reference interpreter, which
//! has no typed walk, is held equal to them by the differential tests.

use super::program::Program;
use super::{FastEvaluator, Total};
use crate::ast::{ArithOp, CompareOp};
use crate::checked::{CExpr, CExprKind, Fact, FileFilter, Scope, Type, Value};
use crate::eval::scratch::Memo;
use crate::eval::value::{EvalError, as_bool, as_num, count};
use crate::number::Decimal;

impl<'a> FastEvaluator<'a> {
    /// Evaluates a boolean expression (guarding the stack as [`crate::eval::engine::Evaluator::eval`] does).
    pub(crate) fn eval_bool_expr(
        &mut self,
        expr: &'a CExpr,
        file: Option<usize>,
    ) -> Result<bool, EvalError> {
        self.step(|ev| ev.bool_node(expr, file))
    }

    /// Evaluates a numeric expression (guarding the stack as [`crate::eval::engine::Evaluator::eval`] does).
    pub(crate) fn eval_num_expr(
        &mut self,
        expr: &'a CExpr,
        file: Option<usize>,
    ) -> Result<Decimal, EvalError> {
        self.step(|ev| ev.num_node(expr, file))
    }

    /// Helper `id` of a scalar type (boolean or number) as `walk` evaluates it: a per-file
    /// helper on every use, a request-level one once per decision (memoized as `wrap` makes
    /// it, read back with `unwrap`), by its compiled program when it has one (`run`).
    fn scalar_helper<T: Copy>(
        &mut self,
        id: usize,
        file: Option<usize>,
        walk: fn(&mut Self, &'a CExpr, Option<usize>) -> Result<T, EvalError>,
        run: fn(&mut Self, &'a Program) -> Result<T, EvalError>,
        wrap: fn(T) -> Memo,
        unwrap: fn(Memo) -> Option<T>,
    ) -> Result<T, EvalError> {
        let helper = self.helper(id)?;
        if helper.scope == Scope::File {
            return walk(self, &helper.value, file);
        }
        match self.scratch.memo(id) {
            Some(memo) => unwrap(memo).ok_or_else(|| EvalError::internal("helper memo")),
            None => {
                let value = match self.compiled.programs.helpers.get(id) {
                    Some(Some(program)) => run(self, program)?,
                    _ => walk(self, &helper.value, None)?,
                };
                self.scratch.set_memo(id, wrap(value));
                Ok(value)
            }
        }
    }

    /// Numeric helper `id`, evaluated or read from the memo.
    fn num_helper_value(&mut self, id: usize, file: Option<usize>) -> Result<Decimal, EvalError> {
        self.scalar_helper(
            id,
            file,
            Self::eval_num_expr,
            Self::run,
            Memo::Num,
            |memo| match memo {
                Memo::Num(n) => Some(n),
                _ => None,
            },
        )
    }

    /// Boolean helper `id`, evaluated or read from the memo.
    fn bool_helper_value(&mut self, id: usize, file: Option<usize>) -> Result<bool, EvalError> {
        self.scalar_helper(
            id,
            file,
            Self::eval_bool_expr,
            Self::run_bool,
            Memo::Bool,
            |memo| match memo {
                Memo::Bool(b) => Some(b),
                _ => None,
            },
        )
    }

    /// Numeric helper `id`, one level deeper (as a walk step reaching it would be).
    pub(super) fn num_helper(
        &mut self,
        id: usize,
        file: Option<usize>,
    ) -> Result<Decimal, EvalError> {
        self.step(|ev| ev.num_helper_value(id, file))
    }

    /// Boolean helper `id`, one level deeper (as a walk step reaching it would be).
    pub(super) fn bool_helper(
        &mut self,
        id: usize,
        file: Option<usize>,
    ) -> Result<bool, EvalError> {
        self.step(|ev| ev.bool_helper_value(id, file))
    }

    /// An operand of a numeric node: literals, request totals, attributes and request-level
    /// helpers already evaluated are read here, without the call and dispatch of a walk step.
    #[inline(always)]
    pub(super) fn num_operand(
        &mut self,
        expr: &'a CExpr,
        file: Option<usize>,
    ) -> Result<Decimal, EvalError> {
        match &expr.kind {
            CExprKind::Lit(Value::Number(n)) => Ok(*n),
            CExprKind::Fact(f) => match Total::of(f).and_then(|t| self.total(t)) {
                Some(n) => Ok(n),
                None => self.eval_num_expr(expr, file),
            },
            CExprKind::Attr(id) => self.number_attribute(*id),
            CExprKind::Helper(id) => match self.scratch.memo(*id) {
                Some(Memo::Num(n)) => Ok(n),
                _ => self.eval_num_expr(expr, file),
            },
            _ => self.eval_num_expr(expr, file),
        }
    }

    /// An operand of a boolean node: the commonest conditions — a numeric comparison, a
    /// quantifier over a path set, a request-level helper already evaluated — are evaluated
    /// here, without the call and dispatch of a walk step (most conditions are `and`s and
    /// `or`s of them).
    #[inline(always)]
    pub(super) fn bool_operand(
        &mut self,
        expr: &'a CExpr,
        file: Option<usize>,
    ) -> Result<bool, EvalError> {
        match &expr.kind {
            CExprKind::Compare(op, a, b) if a.ty == Type::Number && b.ty == Type::Number => {
                self.num_compare(*op, a, b, file)
            }
            CExprKind::Quantifier(q, filter @ FileFilter::Set(_)) => self.quantify(*q, filter),
            CExprKind::Helper(id) => match self.scratch.memo(*id) {
                Some(Memo::Bool(b)) => Ok(b),
                _ => self.eval_bool_expr(expr, file),
            },
            _ => self.eval_bool_expr(expr, file),
        }
    }

    /// Attribute `id`, which the checker typed as a number.
    #[inline(always)]
    pub(super) fn number_attribute(&self, id: usize) -> Result<Decimal, EvalError> {
        self.facts
            .attributes
            .get(id)
            .and_then(|a| a.number())
            .ok_or_else(|| EvalError::internal("attribute id"))
    }

    /// Attribute `id`, which the checker typed as a boolean.
    #[inline(always)]
    pub(super) fn bool_attribute(&self, id: usize) -> Result<bool, EvalError> {
        self.facts
            .attributes
            .get(id)
            .and_then(|a| a.boolean())
            .ok_or_else(|| EvalError::internal("attribute id"))
    }

    /// A comparison of two numbers.
    #[inline(always)]
    fn num_compare(
        &mut self,
        op: CompareOp,
        a: &'a CExpr,
        b: &'a CExpr,
        file: Option<usize>,
    ) -> Result<bool, EvalError> {
        let x = self.num_operand(a, file)?;
        let y = self.num_operand(b, file)?;
        Ok(holds(op, x.cmp(&y)))
    }

    pub(super) fn bool_node(
        &mut self,
        expr: &'a CExpr,
        file: Option<usize>,
    ) -> Result<bool, EvalError> {
        match &expr.kind {
            CExprKind::Lit(Value::Bool(b)) => Ok(*b),
            CExprKind::Attr(id) => self.bool_attribute(*id),
            CExprKind::Helper(id) => self.bool_helper_value(*id, file),
            CExprKind::Not(e) => Ok(!self.bool_operand(e, file)?),
            CExprKind::And(items) => {
                for item in items {
                    if !self.bool_operand(item, file)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            CExprKind::Or(items) => {
                for item in items {
                    if self.bool_operand(item, file)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            CExprKind::If(c, t, o) => {
                if self.eval_bool_expr(c, file)? {
                    self.eval_bool_expr(t, file)
                } else {
                    self.eval_bool_expr(o, file)
                }
            }
            CExprKind::Compare(op, a, b) if a.ty == Type::Number && b.ty == Type::Number => {
                self.num_compare(*op, a, b, file)
            }
            CExprKind::Compare(op, a, b) if a.ty == Type::Bool && b.ty == Type::Bool => {
                let x = self.eval_bool_expr(a, file)?;
                let y = self.eval_bool_expr(b, file)?;
                Ok(holds(*op, x.cmp(&y)))
            }
            // `environment == prod`, `action != "deploy"`: a request's string compared for
            // equality with a literal, read in place rather than through two generic steps
            // that build values.
            CExprKind::Compare(op @ (CompareOp::Eq | CompareOp::Ne), a, b)
                if plain_string(a) && plain_string(b) =>
            {
                let x = self.plain_str(a)?;
                let y = self.plain_str(b)?;
                Ok((x == y) == (*op == CompareOp::Eq))
            }
            CExprKind::Compare(op, a, b) => self.compare(*op, a, b, file),
            CExprKind::Quantifier(q, filter) => self.quantify(*q, filter),
            CExprKind::GlobMatch { value, set } | CExprKind::InSet { value, set } => {
                self.set_membership(value, *set, file)
            }
            CExprKind::ActorIs(kind) => Ok(self.facts.request.actor.kind.as_str() == kind),
            CExprKind::ActorHasRole(role) => {
                let roles = &self.facts.request.actor.roles;
                self.work.charge(1 + roles.len())?;
                Ok(roles.iter().any(|r| r == role))
            }
            _ => as_bool(self.eval_node(expr, file)?),
        }
    }

    pub(super) fn num_node(
        &mut self,
        expr: &'a CExpr,
        file: Option<usize>,
    ) -> Result<Decimal, EvalError> {
        match &expr.kind {
            CExprKind::Lit(Value::Number(n)) => Ok(*n),
            CExprKind::Fact(f) => as_num(self.fact(f)?),
            CExprKind::FileFact(f) => as_num(self.file_fact(*f, file)?),
            CExprKind::Attr(id) => self.number_attribute(*id),
            CExprKind::Helper(id) => self.num_helper_value(*id, file),
            CExprKind::Neg(e) => Ok(self.eval_num_expr(e, file)?.checked_neg()?),
            CExprKind::Arith(op, a, b) => {
                let x = self.num_operand(a, file)?;
                let y = self.num_operand(b, file)?;
                Ok(match op {
                    ArithOp::Add => x.checked_add(y)?,
                    ArithOp::Sub => x.checked_sub(y)?,
                    ArithOp::Mul => x.checked_mul(y)?,
                })
            }
            CExprKind::Min(items) | CExprKind::Max(items) => {
                let is_min = matches!(expr.kind, CExprKind::Min(_));
                let mut best: Option<Decimal> = None;
                for item in items {
                    let v = self.num_operand(item, file)?;
                    best = Some(match best {
                        None => v,
                        Some(b) if is_min => b.min(v),
                        Some(b) => b.max(v),
                    });
                }
                best.ok_or_else(|| EvalError::internal("min/max of nothing"))
            }
            CExprKind::If(c, t, o) => {
                if self.bool_operand(c, file)? {
                    self.num_operand(t, file)
                } else {
                    self.num_operand(o, file)
                }
            }
            CExprKind::Count(filter) => count(self.passing_count(filter)?),
            _ => as_num(self.eval_node(expr, file)?),
        }
    }
}

/// Whether `plain_str` reads `expr`: a string literal or symbol, or the action or an
/// environment of the request.
fn plain_string(expr: &CExpr) -> bool {
    matches!(
        expr.kind,
        CExprKind::Lit(Value::String(_) | Value::Symbol(_))
            | CExprKind::Fact(Fact::Action | Fact::Environment | Fact::FromEnvironment)
    )
}

impl<'a> FastEvaluator<'a> {
    /// The string `expr` is, for the expressions [`plain_string`] accepts, as the generic walk
    /// reads them (the same error for an environment the request does not give).
    fn plain_str(&self, expr: &'a CExpr) -> Result<&'a str, EvalError> {
        let r = self.facts.request;
        match &expr.kind {
            CExprKind::Lit(Value::String(s) | Value::Symbol(s)) => Ok(s),
            CExprKind::Fact(Fact::Action) => Ok(&r.action),
            CExprKind::Fact(f @ Fact::Environment) => r
                .environment
                .as_deref()
                .ok_or_else(|| EvalError::missing_fact(f)),
            CExprKind::Fact(f @ Fact::FromEnvironment) => r
                .from_environment
                .as_deref()
                .ok_or_else(|| EvalError::missing_fact(f)),
            _ => Err(EvalError::internal("expected a plain string")),
        }
    }
}

/// Whether `ordering` satisfies `op`.
pub(super) fn holds(op: CompareOp, ordering: std::cmp::Ordering) -> bool {
    match op {
        CompareOp::Eq => ordering.is_eq(),
        CompareOp::Ne => ordering.is_ne(),
        CompareOp::Lt => ordering.is_lt(),
        CompareOp::Le => ordering.is_le(),
        CompareOp::Gt => ordering.is_gt(),
        CompareOp::Ge => ordering.is_ge(),
    }
}
