//! Checking comparisons and string/membership operators.

use crate::ast::{CompareOp, Expr, ExprKind, Ident, Span, StrOp};
use crate::checked::{CExpr, CExprKind, Fact, ScalarType, StrTest, Type, Value};
use crate::diagnostic::{Code, Diagnostic};

use super::expr::ExprChecker;

impl ExprChecker<'_> {
    /// Checks both operands, letting the one with a known type resolve a bare name in the
    /// other (`environment == prod` and `prod == environment` both work).
    fn operands(
        &mut self,
        lhs: &Expr,
        rhs: &Expr,
        rhs_expected: impl Fn(Type) -> Option<Type>,
        lhs_expected: impl Fn(Type) -> Option<Type>,
    ) -> Option<(CExpr, CExpr)> {
        if self.needs_context(lhs) && !self.needs_context(rhs) {
            let r = self.check(rhs, None)?;
            let l = self.check(lhs, lhs_expected(r.ty))?;
            Some((l, r))
        } else {
            let l = self.check(lhs, None);
            // A bare name on the right means what the left side's type makes it (`prod` a
            // value of `environment`): when the left failed, it is not reported too (found by
            // QA: E0025 "declares no environments" came with E0024 "unknown name `prod`").
            if l.is_none() && self.needs_context(rhs) {
                return None;
            }
            let r = self.check(rhs, l.as_ref().and_then(|l| rhs_expected(l.ty)));
            Some((l?, r?))
        }
    }

    pub(crate) fn compare(
        &mut self,
        op: CompareOp,
        lhs: &Expr,
        rhs: &Expr,
        span: Span,
    ) -> Option<CExpr> {
        let (l, r) = self.operands(lhs, rhs, Some, Some)?;
        if l.ty != r.ty {
            let mut d = Diagnostic::new(
                Code::TypeMismatch,
                span,
                format!("cannot compare {} with {}", l.ty, r.ty),
            )
            .with_label(format!("{} {} {}", l.ty, op.symbol(), r.ty));
            d = d.with_help(mismatch_help(&l, &r));
            self.diagnostics.push(d);
            return None;
        }
        if let Type::List(_) = l.ty {
            self.diagnostics.push(
                Diagnostic::new(Code::TypeMismatch, span, "lists cannot be compared")
                    .with_label("list comparison")
                    .with_help("test membership with `x in LIST` or `LIST contains x`"),
            );
            return None;
        }
        if op.is_ordering() {
            let orderable = match l.ty {
                Type::Number => true,
                Type::Symbol(d) => d.is_ordered(),
                _ => false,
            };
            if !orderable {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::TypeMismatch,
                        span,
                        format!("`{}` needs numbers or ordered values, not {}", op.symbol(), l.ty),
                    )
                    .with_label("not orderable")
                    .with_help("only numbers, environments, versions, risk levels and license tiers have an order"),
                );
                return None;
            }
        }
        Some(CExpr {
            kind: CExprKind::Compare(op, Box::new(l), Box::new(r)),
            ty: Type::Bool,
            span,
        })
    }

    pub(crate) fn string_op(
        &mut self,
        op: StrOp,
        any: bool,
        lhs: &Expr,
        rhs: &Expr,
        span: Span,
    ) -> Option<CExpr> {
        match op {
            StrOp::In => self.membership(any, lhs, rhs, span),
            StrOp::Matches => self.matches(any, lhs, rhs, span),
            StrOp::Contains | StrOp::StartsWith | StrOp::EndsWith => {
                let test = match op {
                    StrOp::Contains => StrTest::Contains,
                    StrOp::StartsWith => StrTest::StartsWith,
                    _ => StrTest::EndsWith,
                };
                self.string_test(test, any, lhs, rhs, span)
            }
        }
    }

    fn membership(&mut self, any: bool, lhs: &Expr, rhs: &Expr, span: Span) -> Option<CExpr> {
        if any {
            return self.no_any(span, "in");
        }
        // `x in SET`: a bare name that is a path set.
        if let ExprKind::Ref(parts) = &rhs.kind
            && let [only] = parts.as_slice()
            && self.names.sets.contains_key(&only.value)
            && !self.names.helpers.contains_key(&only.value)
        {
            let value = self.check(lhs, Some(Type::String));
            let set = self.set_id(only);
            let value = value?;
            if value.ty != Type::String {
                return self.report_type(
                    lhs.span,
                    format!(
                        "only strings can be tested against path set `{}`",
                        only.value
                    ),
                    &value.ty,
                );
            }
            return Some(CExpr {
                kind: CExprKind::InSet {
                    value: Box::new(value),
                    set: set?,
                },
                ty: Type::Bool,
                span,
            });
        }
        let element_to_list = |t: Type| scalar_of(t).map(Type::List);
        let list_to_element = |t: Type| match t {
            Type::List(s) => Some(s.as_type()),
            _ => None,
        };
        let (value, list) = self.operands(lhs, rhs, element_to_list, list_to_element)?;
        self.in_list(value, list, span)
    }

    fn in_list(&mut self, value: CExpr, list: CExpr, span: Span) -> Option<CExpr> {
        // `actor.roles contains "R"` tests a role as `actor has role R` does, and is held to
        // the same rule: R must be declared (found by QA: `contains "admn"` compiled, and a
        // request claiming `admin` never matched).
        // Only a string that could be a declared role's name (the grammar's `name`):
        // requests may carry roles no policy can declare (`release-manager`), which a string
        // may still look for (found by QA).
        if let (CExprKind::Lit(Value::String(role)), CExprKind::Fact(Fact::ActorRoles)) =
            (&value.kind, &list.kind)
            && crate::syntax::is_name(role)
            && !self.names.use_role(role)
        {
            return self.unknown_role(&Ident {
                value: role.clone(),
                span: value.span,
            });
        }
        match list.ty {
            Type::List(s) if s.as_type() == value.ty => Some(CExpr {
                kind: CExprKind::InList {
                    value: Box::new(value),
                    list: Box::new(list),
                },
                ty: Type::Bool,
                span,
            }),
            Type::List(s) => self.report_type(
                span,
                format!(
                    "cannot look for a {} in a list of {}",
                    value.ty,
                    s.as_type()
                ),
                &list.ty,
            ),
            _ => self.report_type(
                list.span,
                format!(
                    "`in` needs a list or a path set on the right, not a {}",
                    list.ty
                ),
                &list.ty,
            ),
        }
    }

    fn string_test(
        &mut self,
        test: StrTest,
        any: bool,
        lhs: &Expr,
        rhs: &Expr,
        span: Span,
    ) -> Option<CExpr> {
        let value = self.check(lhs, None)?;
        // `LIST contains x` is membership.
        if test == StrTest::Contains
            && let Type::List(s) = value.ty
        {
            if any {
                return self.no_any(span, "contains");
            }
            let element = self.check(rhs, Some(s.as_type()))?;
            return self.in_list(element, value, span);
        }
        if value.ty != Type::String {
            return self.report_type(
                lhs.span,
                format!("`{}` works on strings, not {}", test.keyword(), value.ty),
                &value.ty,
            );
        }
        let expected = if any {
            Type::List(ScalarType::String)
        } else {
            Type::String
        };
        let needle = self.check(rhs, Some(expected))?;
        if needle.ty != expected {
            let help = if any {
                format!("`{} any` takes a list of strings", test.keyword())
            } else if matches!(needle.ty, Type::List(_)) {
                format!("to test against a list write `{} any`", test.keyword())
            } else {
                format!("`{}` takes a string", test.keyword())
            };
            return self.report_type(rhs.span, help, &needle.ty);
        }
        Some(CExpr {
            kind: CExprKind::StrTest {
                op: test,
                any,
                value: Box::new(value),
                needle: Box::new(needle),
            },
            ty: Type::Bool,
            span,
        })
    }

    fn matches(&mut self, any: bool, lhs: &Expr, rhs: &Expr, span: Span) -> Option<CExpr> {
        let value = self.check(lhs, Some(Type::String));
        let rhs = strip_parens(rhs);
        let matcher = match (&rhs.kind, any) {
            (ExprKind::String(glob), false) => self.inline_set(std::slice::from_ref(glob)).map(Ok),
            (ExprKind::Regex(regex), false) => self.regex_id(regex).map(|id| Err(vec![id])),
            (ExprKind::List(items), true) => self.pattern_list(items, rhs.span),
            (ExprKind::List(_), false) => {
                self.diagnostics.push(
                    Diagnostic::new(Code::TypeMismatch, rhs.span, "`matches` takes one pattern")
                        .with_label("a list")
                        .with_help("to match any of several patterns write `matches any [...]`"),
                );
                None
            }
            _ => {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::TypeMismatch,
                        rhs.span,
                        "`matches` needs a glob string or a `/regex/` written in the policy",
                    )
                    .with_label("not a literal pattern")
                    .with_help(
                        "patterns are validated and compiled once, so they must be literals; \
                         for a per-request list of directories use `starts_with any attr.NAME`",
                    ),
                );
                None
            }
        };
        let value = value?;
        if value.ty != Type::String {
            return self.report_type(
                lhs.span,
                format!("`matches` works on strings, not {}", value.ty),
                &value.ty,
            );
        }
        let kind = match matcher? {
            Ok(set) => CExprKind::GlobMatch {
                value: Box::new(value),
                set,
            },
            Err(regexes) => CExprKind::RegexMatch {
                value: Box::new(value),
                regexes,
            },
        };
        Some(CExpr {
            kind,
            ty: Type::Bool,
            span,
        })
    }

    /// `matches any [...]`: all globs (one inline set) or all regexes.
    fn pattern_list(&mut self, items: &[Expr], span: Span) -> Option<Result<usize, Vec<usize>>> {
        let items: Vec<&Expr> = items.iter().map(strip_parens).collect();
        if items.is_empty() {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::TypeMismatch,
                    span,
                    "`matches any` needs at least one pattern",
                )
                .with_label("empty list"),
            );
            return None;
        }
        if items.iter().all(|i| matches!(i.kind, ExprKind::String(_))) {
            let globs: Vec<_> = items
                .iter()
                .filter_map(|i| match &i.kind {
                    ExprKind::String(s) => Some(s.clone()),
                    _ => None,
                })
                .collect();
            return self.inline_set(&globs).map(Ok);
        }
        if items.iter().all(|i| matches!(i.kind, ExprKind::Regex(_))) {
            let mut ids = Vec::new();
            let mut ok = true;
            for item in items {
                if let ExprKind::Regex(r) = &item.kind {
                    match self.regex_id(r) {
                        Some(id) => ids.push(id),
                        None => ok = false,
                    }
                }
            }
            return ok.then_some(Err(ids));
        }
        self.diagnostics.push(
            Diagnostic::new(
                Code::TypeMismatch,
                span,
                "`matches any` needs a list of glob strings or a list of regexes",
            )
            .with_label("mixed or non-literal patterns")
            .with_help("write globs as \"...\" and regexes as /.../, all of one kind"),
        );
        None
    }

    fn no_any(&mut self, span: Span, op: &str) -> Option<CExpr> {
        self.diagnostics.push(
            Diagnostic::new(
                Code::TypeMismatch,
                span,
                format!("`{op}` does not take `any`"),
            )
            .with_label("remove `any`")
            .with_help(format!("`x {op} LIST` already tests every element")),
        );
        None
    }

    fn report_type(&mut self, span: Span, message: String, ty: &Type) -> Option<CExpr> {
        self.diagnostics.push(
            Diagnostic::new(Code::TypeMismatch, span, message).with_label(format!("has type {ty}")),
        );
        None
    }
}

fn strip_parens(expr: &Expr) -> &Expr {
    match &expr.kind {
        ExprKind::Paren(inner) => strip_parens(inner),
        _ => expr,
    }
}

fn scalar_of(ty: Type) -> Option<ScalarType> {
    match ty {
        Type::Bool => Some(ScalarType::Bool),
        Type::Number => Some(ScalarType::Number),
        Type::String => Some(ScalarType::String),
        Type::Symbol(d) => Some(ScalarType::Symbol(d)),
        Type::List(_) => None,
    }
}

/// Advice for a comparison of two different types.
fn mismatch_help(l: &CExpr, r: &CExpr) -> String {
    let attr_note = |e: &CExpr| match e.kind {
        CExprKind::Attr(_) => Some(format!("the attribute is declared as {}", e.ty)),
        _ => None,
    };
    if let Some(note) = attr_note(l).or_else(|| attr_note(r)) {
        return format!("{note}; compare it with a value of that type");
    }
    match (l.ty, r.ty) {
        (Type::String, Type::Number) | (Type::Number, Type::String) => {
            "numbers are written without quotes; strings with them".into()
        }
        (Type::Symbol(d), Type::String) | (Type::String, Type::Symbol(d)) => {
            format!(
                "{} values are written as bare names, e.g. `environment == prod`",
                d.describe()
            )
        }
        _ => "both sides of a comparison must have the same type".into(),
    }
}
