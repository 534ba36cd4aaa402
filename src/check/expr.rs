//! Resolving and type-checking expressions.
//!
//! Checking is bidirectional in one small way: a bare name like `prod` means nothing alone,
//! so when the other side of a comparison (or the list's expected element type) says "this
//! is an environment", the name is resolved in that domain. Everything else is inferred
//! bottom-up. Every error is reported where it occurs and the node becomes `None`, so
//! parents do not report cascades.

use std::collections::BTreeSet;

use crate::ast::{Expr, ExprKind, FileFilter as AstFilter, Ident, Span, StrLit};
use crate::checked::{
    ACTOR_KINDS, CExpr, CExprKind, Domain, Fact, FileFact, FileFilter, PathSet, Pattern, RegexDef,
    ScalarType, Type, Value,
};
use crate::diagnostic::{Code, Diagnostic, did_you_mean};

use super::names::Names;

/// Where the expression being checked sits.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Context {
    /// Inside a per-file `where`: `path`, `added`... are available.
    pub in_where: bool,
    /// Inside a helper body: per-file facts make the helper per-file.
    pub in_helper: bool,
    /// Inside a risk factor: `risk` itself may not be read.
    pub in_risk: bool,
}

/// Checks expressions against the policy's names, collecting inline patterns and regexes.
pub(crate) struct ExprChecker<'a> {
    pub names: &'a Names,
    pub diagnostics: &'a mut Vec<Diagnostic>,
    pub sets: &'a mut Vec<PathSet>,
    pub regexes: &'a mut Vec<RegexDef>,
    pub required: &'a mut BTreeSet<Fact>,
    pub attribute_types: &'a [Type],
    pub has_risk: bool,
    pub context: Context,
    /// Set when the checked expression read a per-file fact (directly or via a helper).
    pub used_file_facts: bool,
    /// Set when it read `risk` or `risk.level`.
    pub read_risk: bool,
    /// Set when it contains a quantifier or `count files`.
    pub has_quantifier: bool,
}

impl ExprChecker<'_> {
    fn report(&mut self, diagnostic: Diagnostic) -> Option<CExpr> {
        self.diagnostics.push(diagnostic);
        None
    }

    /// Checks `expr`, which must be a boolean condition (`what` names it in the error).
    pub fn condition(&mut self, expr: &Expr, what: &str) -> Option<CExpr> {
        let checked = self.check(expr, Some(Type::Bool))?;
        if checked.ty != Type::Bool {
            return self.report(
                Diagnostic::new(
                    Code::NotBoolean,
                    expr.span,
                    format!("{what} must be a condition, but this is a {}", checked.ty),
                )
                .with_label(format!("has type {}", checked.ty))
                .with_help("compare it with something, e.g. `... > 0`"),
            );
        }
        Some(checked)
    }

    /// Checks `expr`, which must be a number.
    pub fn number(&mut self, expr: &Expr, what: &str) -> Option<CExpr> {
        let checked = self.check(expr, Some(Type::Number))?;
        if checked.ty != Type::Number {
            return self.report(
                Diagnostic::new(
                    Code::TypeMismatch,
                    expr.span,
                    format!("{what} must be a number, but this is a {}", checked.ty),
                )
                .with_label(format!("has type {}", checked.ty)),
            );
        }
        Some(checked)
    }

    /// Checks any expression; `expected` guides the resolution of bare symbols.
    pub fn check(&mut self, expr: &Expr, expected: Option<Type>) -> Option<CExpr> {
        crate::stack::guarded(|| self.check_inner(expr, expected))
    }

    fn check_inner(&mut self, expr: &Expr, expected: Option<Type>) -> Option<CExpr> {
        let span = expr.span;
        let node = |kind, ty| Some(CExpr { kind, ty, span });
        // `if c then a else x == y == z` parses as `(if c then a else x == y) == z`: the
        // `else` branch takes the first comparison and the second applies to the whole `if`,
        // which no reader expects (found by QA; `gavel fmt` could not print it back either).
        if let ExprKind::Arith { lhs, .. }
        | ExprKind::Compare { lhs, .. }
        | ExprKind::StrOp { lhs, .. } = &expr.kind
            && matches!(lhs.kind, ExprKind::If { .. })
        {
            return self.report(
                Diagnostic::new(
                    Code::Syntax,
                    lhs.span,
                    "an `if` as the left operand of an operator must be in parentheses",
                )
                .with_label("the operator after this `if` applies to all of it")
                .with_help(
                    "write `(if ... else ...) == x` to compare the `if`, or put the comparison \
                     in the `else` branch in parentheses: `else (a == b)`",
                ),
            );
        }
        match &expr.kind {
            ExprKind::Bool(b) => node(CExprKind::Lit(Value::Bool(*b)), Type::Bool),
            ExprKind::Number(n) => node(CExprKind::Lit(Value::Number(*n)), Type::Number),
            ExprKind::String(s) => self.string_literal(s, expected),
            ExprKind::Regex(r) => self.report(
                Diagnostic::new(
                    Code::TypeMismatch,
                    r.span,
                    "a regex literal can only follow `matches`",
                )
                .with_label("regex here")
                .with_help("write `VALUE matches /regex/`"),
            ),
            ExprKind::List(items) => self.list_literal(items, expected, span),
            ExprKind::Ref(parts) => self.reference(parts, expected, span),
            ExprKind::Call { func, args } => self.call(func, args, span),
            ExprKind::Neg(inner) => {
                let inner = self.number(inner, "a negated value")?;
                node(CExprKind::Neg(Box::new(inner)), Type::Number)
            }
            ExprKind::Arith { op, lhs, rhs } => {
                let what = format!("an operand of `{}`", op.symbol());
                let l = self.number(lhs, &what);
                let r = self.number(rhs, &what);
                node(
                    CExprKind::Arith(*op, Box::new(l?), Box::new(r?)),
                    Type::Number,
                )
            }
            ExprKind::Compare { op, lhs, rhs } => self.compare(*op, lhs, rhs, span),
            ExprKind::StrOp { op, any, lhs, rhs } => self.string_op(*op, *any, lhs, rhs, span),
            ExprKind::Not(inner) => {
                let inner = self.condition(inner, "the operand of `not`")?;
                node(CExprKind::Not(Box::new(inner)), Type::Bool)
            }
            ExprKind::And(items) | ExprKind::Or(items) => {
                let is_and = matches!(expr.kind, ExprKind::And(_));
                let what = if is_and {
                    "an operand of `and`"
                } else {
                    "an operand of `or`"
                };
                let checked: Vec<Option<CExpr>> =
                    items.iter().map(|i| self.condition(i, what)).collect();
                let checked: Option<Vec<CExpr>> = checked.into_iter().collect();
                let checked = checked?;
                let kind = if is_and {
                    CExprKind::And(checked)
                } else {
                    CExprKind::Or(checked)
                };
                node(kind, Type::Bool)
            }
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => {
                let c = self.condition(cond, "the condition of `if`");
                let t = self.check(then, expected);
                let o = self.check(otherwise, t.as_ref().map(|t| t.ty).or(expected));
                let (c, t, o) = (c?, t?, o?);
                if t.ty != o.ty {
                    return self.report(
                        Diagnostic::new(
                            Code::TypeMismatch,
                            otherwise.span,
                            format!("`if` branches have different types: {} and {}", t.ty, o.ty),
                        )
                        .with_label(format!("has type {}", o.ty))
                        .with_secondary(then.span, format!("has type {}", t.ty)),
                    );
                }
                let ty = t.ty;
                node(CExprKind::If(Box::new(c), Box::new(t), Box::new(o)), ty)
            }
            ExprKind::Quantifier { quantifier, filter } => {
                self.no_nested_quantifier(span)?;
                let filter = self.file_filter(filter)?;
                node(CExprKind::Quantifier(*quantifier, filter), Type::Bool)
            }
            ExprKind::CountFiles(filter) => {
                self.no_nested_quantifier(span)?;
                let filter = self.file_filter(filter)?;
                node(CExprKind::Count(filter), Type::Number)
            }
            ExprKind::ActorIs(kind) => {
                // A role written as a kind (found by QA: no hint at `actor has role`).
                if !ACTOR_KINDS.contains(&kind.value.as_str())
                    && self.names.roles.contains_key(&kind.value)
                {
                    return self.report(
                        Diagnostic::new(
                            Code::UnknownSymbol,
                            kind.span,
                            format!("unknown actor kind `{}`", kind.value),
                        )
                        .with_label("a role, not a kind of actor")
                        .with_help(format!(
                            "`{0}` is a role: write `actor has role {0}`; actor kinds are human, \
                             agent, service",
                            kind.value
                        )),
                    );
                }
                if !ACTOR_KINDS.contains(&kind.value.as_str()) {
                    return self.unknown_symbol(Domain::ActorKind, kind);
                }
                node(CExprKind::ActorIs(kind.value.clone()), Type::Bool)
            }
            ExprKind::ActorHasRole(role) => {
                if !self.names.use_role(&role.value) {
                    return self.unknown_role(role);
                }
                node(CExprKind::ActorHasRole(role.value.clone()), Type::Bool)
            }
            ExprKind::Paren(inner) => self.check(inner, expected),
        }
    }

    fn no_nested_quantifier(&mut self, span: Span) -> Option<()> {
        self.has_quantifier = true;
        if self.context.in_where {
            self.report(
                Diagnostic::new(
                    Code::NestedQuantifier,
                    span,
                    "quantifiers and counts cannot be nested inside `where`",
                )
                .with_label("nested here")
                .with_help(
                    "a `where` condition is about one file; move this test outside it \
                     (this keeps every decision linear in the number of files)",
                ),
            );
            return None;
        }
        Some(())
    }

    pub(crate) fn unknown_role(&mut self, role: &Ident) -> Option<CExpr> {
        let suggestion = did_you_mean(
            &role.value,
            self.names.role_order.iter().map(String::as_str),
        );
        let mut d = Diagnostic::new(
            Code::UnknownRole,
            role.span,
            format!("unknown role `{}`", role.value),
        )
        .with_label("not a declared role");
        d = match suggestion {
            Some(s) => d.with_help(format!("did you mean `{s}`?")),
            None => d.with_help("declare it with `roles ...`"),
        };
        self.report(d)
    }

    pub(crate) fn unknown_symbol(&mut self, domain: Domain, name: &Ident) -> Option<CExpr> {
        let members = self.names.domain_members(domain);
        let suggestion = did_you_mean(&name.value, members.iter().copied());
        let code = match domain {
            Domain::Environment => Code::UnknownEnvironment,
            Domain::Level => Code::UnknownLevel,
            _ => Code::UnknownSymbol,
        };
        let what = domain.describe();
        let mut d = Diagnostic::new(code, name.span, format!("unknown {what} `{}`", name.value))
            .with_label(format!("not a known {what}"));
        d = match suggestion {
            Some(s) => d.with_help(format!("did you mean `{s}`?")),
            None if members.is_empty() => d.with_help(format!("this policy declares no {what}s")),
            None => d.with_help(format!("known {what}s: {}", members.join(", "))),
        };
        self.report(d)
    }

    fn string_literal(&mut self, s: &StrLit, expected: Option<Type>) -> Option<CExpr> {
        if let Some(Type::Symbol(domain)) = expected {
            if self.names.is_member(domain, &s.value) {
                return Some(CExpr {
                    kind: CExprKind::Lit(Value::Symbol(s.value.clone())),
                    ty: Type::Symbol(domain),
                    span: s.span,
                });
            }
            let ident = Ident::new(s.value.clone(), s.span);
            return self.unknown_symbol(domain, &ident);
        }
        Some(CExpr {
            kind: CExprKind::Lit(Value::String(s.value.clone())),
            ty: Type::String,
            span: s.span,
        })
    }

    fn list_literal(
        &mut self,
        items: &[Expr],
        expected: Option<Type>,
        span: Span,
    ) -> Option<CExpr> {
        let element_expected = match expected {
            Some(Type::List(s)) => Some(s.as_type()),
            _ => None,
        };
        let mut values = Vec::new();
        let mut element_ty: Option<(Type, Span)> = None;
        let mut failed = false;
        for item in items {
            let expected_here = element_ty.map(|(t, _)| t).or(element_expected);
            let Some(checked) = self.check(item, expected_here) else {
                failed = true;
                continue;
            };
            let CExprKind::Lit(value) = checked.kind else {
                self.report(
                    Diagnostic::new(
                        Code::NotConstant,
                        item.span,
                        "list elements must be literal values",
                    )
                    .with_label("not a literal")
                    .with_help("lists are written out in the policy; use an `attr` of list type for per-request lists"),
                );
                failed = true;
                continue;
            };
            if matches!(checked.ty, Type::List(_)) {
                self.report(
                    Diagnostic::new(Code::TypeMismatch, item.span, "lists cannot be nested")
                        .with_label("a list inside a list"),
                );
                failed = true;
                continue;
            }
            match element_ty {
                Some((ty, first_span)) if ty != checked.ty => {
                    self.report(
                        Diagnostic::new(
                            Code::TypeMismatch,
                            item.span,
                            format!(
                                "list elements have different types: {ty} and {}",
                                checked.ty
                            ),
                        )
                        .with_label(format!("has type {}", checked.ty))
                        .with_secondary(first_span, format!("has type {ty}")),
                    );
                    failed = true;
                }
                Some(_) => values.push(value),
                None => {
                    element_ty = Some((checked.ty, item.span));
                    values.push(value);
                }
            }
        }
        if failed {
            return None;
        }
        let scalar = match element_ty.map(|(t, _)| t).or(element_expected) {
            Some(Type::Bool) => ScalarType::Bool,
            Some(Type::Number) => ScalarType::Number,
            Some(Type::Symbol(d)) => ScalarType::Symbol(d),
            _ => ScalarType::String,
        };
        Some(CExpr {
            kind: CExprKind::Lit(Value::List(values)),
            ty: Type::List(scalar),
            span,
        })
    }

    /// Whether a bare name needs the other operand's type to mean anything.
    pub(crate) fn needs_context(&self, expr: &Expr) -> bool {
        match &expr.kind {
            ExprKind::Ref(parts) => match parts.as_slice() {
                [only] => {
                    let n = only.value.as_str();
                    !self.names.helpers.contains_key(n)
                        && FileFact::from_name(n).is_none()
                        && Fact::from_path(&[n]).is_none()
                }
                _ => false,
            },
            ExprKind::String(_) => true,
            ExprKind::List(items) => items.first().is_none_or(|i| self.needs_context(i)),
            ExprKind::Paren(inner) => self.needs_context(inner),
            _ => false,
        }
    }

    fn reference(&mut self, parts: &[Ident], expected: Option<Type>, span: Span) -> Option<CExpr> {
        let node = |kind, ty| Some(CExpr { kind, ty, span });
        let path: Vec<&str> = parts.iter().map(|p| p.value.as_str()).collect();
        if path.first() == Some(&"attr") {
            return self.attribute(parts, span);
        }
        if let [only] = parts {
            let name = only.value.as_str();
            if let Some((id, declared)) = self.names.helpers.get(name) {
                declared.used.set(true);
                let id = *id;
                let info = self.names.helper_info.get(id).copied().flatten()?;
                if info.file_scope {
                    self.used_file_facts = true;
                    if !self.context.in_where && !self.context.in_helper {
                        return self.report(
                            Diagnostic::new(
                                Code::FileFactOutsideWhere,
                                span,
                                format!("helper `{name}` reads per-file facts, so it only works inside `where`"),
                            )
                            .with_label("used outside `where`")
                            .with_help(format!("write e.g. `any file where {name}`")),
                        );
                    }
                }
                if info.reads_risk {
                    self.read_risk = true;
                    if self.context.in_risk {
                        return self.report(
                            Diagnostic::new(
                                Code::RecursiveLet,
                                span,
                                format!(
                                    "helper `{name}` reads `risk`, so a risk factor cannot use it"
                                ),
                            )
                            .with_label("the risk score would depend on itself"),
                        );
                    }
                }
                return node(CExprKind::Helper(id), info.ty);
            }
            // Compared with a fact of a closed domain, a member of that domain wins over a
            // same-named per-file fact: `status == added` means the status, not the count.
            if let Some(Type::Symbol(domain)) = expected
                && self.names.is_member(domain, name)
            {
                return node(
                    CExprKind::Lit(Value::Symbol(name.to_string())),
                    Type::Symbol(domain),
                );
            }
            if let Some(fact) = FileFact::from_name(name) {
                if self.context.in_where || self.context.in_helper {
                    self.used_file_facts = true;
                    return node(CExprKind::FileFact(fact), fact.ty());
                }
                return self.report(
                    Diagnostic::new(
                        Code::FileFactOutsideWhere,
                        span,
                        format!("`{name}` is a fact about one file, only available inside `where`"),
                    )
                    .with_label("used outside `where`")
                    .with_help(format!(
                        "write e.g. `any file where ({name} ...)`; for totals use `lines.{}` or `files.count`",
                        if name == "path" { "changed" } else { name }
                    )),
                );
            }
        }
        if let Some(fact) = Fact::from_path(&path) {
            return self.fact(fact, span);
        }
        if let ([only], Some(Type::Symbol(domain))) = (parts, expected) {
            if self.names.is_member(domain, &only.value) {
                return node(
                    CExprKind::Lit(Value::Symbol(only.value.clone())),
                    Type::Symbol(domain),
                );
            }
            return self.unknown_symbol(domain, only);
        }
        if let [only] = parts {
            let mut candidates: Vec<&str> = self.names.helpers.keys().map(String::as_str).collect();
            candidates.extend(["action", "environment", "from_environment", "mode", "risk"]);
            if self.context.in_where {
                candidates.extend(["path", "added", "removed", "changed", "status"]);
            }
            let suggestion = did_you_mean(&only.value, candidates);
            let mut d = Diagnostic::new(
                Code::UnknownName,
                span,
                format!("unknown name `{}`", only.value),
            )
            .with_label("not a helper, fact or value here");
            // An attribute read without `attr.` (found by QA: `{run_id}` in a message).
            let attribute = self.names.attributes.contains_key(&only.value);
            d = match suggestion {
                _ if attribute => d.with_help(format!(
                    "did you mean `attr.{}`? attributes are read as `attr.NAME`",
                    only.value
                )),
                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                None => d.with_help(
                    "a bare name is a `let` helper, a fact (`environment`, `action`...) or, \
                     compared with a fact, one of its values (`environment == prod`)",
                ),
            };
            return self.report(d);
        }
        let joined = path.join(".");
        let suggestion = did_you_mean(&joined, Fact::NAMES.iter().copied());
        let mut d = Diagnostic::new(Code::UnknownFact, span, format!("unknown fact `{joined}`"))
            .with_label("not a fact the request provides");
        d = match suggestion {
            Some(s) => d.with_help(format!("did you mean `{s}`?")),
            None => d.with_help(format!("facts: {}", Fact::NAMES.join(", "))),
        };
        self.report(d)
    }

    fn fact(&mut self, fact: Fact, span: Span) -> Option<CExpr> {
        match fact {
            Fact::Environment | Fact::FromEnvironment if self.names.environments.is_empty() => {
                return self.report(
                    Diagnostic::new(
                        Code::UnknownFact,
                        span,
                        "this policy declares no environments",
                    )
                    .with_label("no request could provide this")
                    .with_help(
                        "declare them in promotion order: `environments dev -> staging -> prod`",
                    ),
                );
            }
            Fact::Risk | Fact::RiskLevel => {
                self.read_risk = true;
                if self.context.in_risk {
                    return self.report(
                        Diagnostic::new(
                            Code::RecursiveLet,
                            span,
                            "a risk factor cannot read the risk score",
                        )
                        .with_label("the score would depend on itself"),
                    );
                }
                if !self.has_risk {
                    return self.report(
                        Diagnostic::new(Code::UnknownFact, span, "this policy has no risk score")
                            .with_label("`risk` is not defined")
                            .with_help("define it with `risk { WEIGHT when CONDITION ... }`"),
                    );
                }
                if fact == Fact::RiskLevel && self.names.levels.is_empty() {
                    return self.report(
                        Diagnostic::new(Code::UnknownLevel, span, "the risk score has no levels")
                            .with_label("`risk.level` is not defined")
                            .with_help(
                                "add `levels { high >= 60, medium >= 30, low }` to the risk block",
                            ),
                    );
                }
            }
            Fact::LicenseTier if self.names.tiers.is_empty() => {
                return self.report(
                    Diagnostic::new(
                        Code::UnknownFact,
                        span,
                        "this policy declares no license tiers",
                    )
                    .with_label("`license.tier` is not defined"),
                );
            }
            _ => {}
        }
        if fact.is_optional() {
            self.required.insert(fact.clone());
        }
        let ty = fact.ty();
        Some(CExpr {
            kind: CExprKind::Fact(fact),
            ty,
            span,
        })
    }

    fn attribute(&mut self, parts: &[Ident], span: Span) -> Option<CExpr> {
        let name = parts
            .iter()
            .skip(1)
            .map(|p| p.value.as_str())
            .collect::<Vec<_>>()
            .join(".");
        if let Some((id, declared)) = self.names.attributes.get(&name) {
            declared.used.set(true);
            let ty = self.attribute_types.get(*id).copied()?;
            return Some(CExpr {
                kind: CExprKind::Attr(*id),
                ty,
                span,
            });
        }
        let suggestion = did_you_mean(&name, self.names.attributes.keys().map(String::as_str));
        let mut d = Diagnostic::new(
            Code::UnknownAttribute,
            span,
            format!("unknown attribute `attr.{name}`"),
        )
        .with_label("not declared");
        d = match suggestion {
            Some(s) => d.with_help(format!("did you mean `attr.{s}`?")),
            None => d.with_help(format!(
                "declare it: `attribute {name}: string` (or number, bool, list<...>)"
            )),
        };
        self.report(d)
    }

    fn call(&mut self, func: &Ident, args: &[Expr], span: Span) -> Option<CExpr> {
        let name = func.value.as_str();
        match name {
            "min" | "max" => {
                if args.is_empty() {
                    return self.report(
                        Diagnostic::new(
                            Code::WrongArity,
                            span,
                            format!("`{name}` needs at least one argument"),
                        )
                        .with_label("no arguments"),
                    );
                }
                let checked: Vec<Option<CExpr>> = args
                    .iter()
                    .map(|a| self.number(a, &format!("an argument of `{name}`")))
                    .collect();
                let checked: Vec<CExpr> = checked.into_iter().collect::<Option<_>>()?;
                let kind = if name == "min" {
                    CExprKind::Min(checked)
                } else {
                    CExprKind::Max(checked)
                };
                Some(CExpr {
                    kind,
                    ty: Type::Number,
                    span,
                })
            }
            "lower" => {
                let [arg] = args else {
                    return self.report(
                        Diagnostic::new(
                            Code::WrongArity,
                            span,
                            format!("`lower` takes one argument, not {}", args.len()),
                        )
                        .with_label("wrong number of arguments"),
                    );
                };
                let checked = self.check(arg, Some(Type::String))?;
                if checked.ty != Type::String {
                    return self.report(
                        Diagnostic::new(
                            Code::TypeMismatch,
                            arg.span,
                            format!("`lower` takes a string, not a {}", checked.ty),
                        )
                        .with_label(format!("has type {}", checked.ty)),
                    );
                }
                Some(CExpr {
                    kind: CExprKind::Lower(Box::new(checked)),
                    ty: Type::String,
                    span,
                })
            }
            _ => {
                let suggestion = did_you_mean(name, ["min", "max", "lower"]);
                let mut d = Diagnostic::new(
                    Code::UnknownFunction,
                    func.span,
                    format!("unknown function `{name}`"),
                )
                .with_label("not a function");
                d = match suggestion {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None => d.with_help("the functions are `min`, `max` and `lower`"),
                };
                self.report(d)
            }
        }
    }

    fn file_filter(&mut self, filter: &AstFilter) -> Option<FileFilter> {
        match filter {
            AstFilter::InSet(name) => self.set_id(name).map(FileFilter::Set),
            AstFilter::MatchesGlob(glob) => self
                .inline_set(std::slice::from_ref(glob))
                .map(FileFilter::Set),
            AstFilter::MatchesRegex(regex) => self.regex_id(regex).map(FileFilter::Regex),
            AstFilter::Where(cond) => {
                let outer = self.context;
                // Per-file facts inside a quantifier's own `where` are about its files, not
                // about an enclosing file: they do not make a helper per-file.
                let outer_file_facts = self.used_file_facts;
                self.context.in_where = true;
                let checked = self.condition(cond, "a `where` condition");
                self.context = outer;
                self.used_file_facts = outer_file_facts;
                checked.map(|c| FileFilter::Where(Box::new(c)))
            }
        }
    }

    /// Resolves a path set name, marking it used.
    pub(crate) fn set_id(&mut self, name: &Ident) -> Option<usize> {
        if let Some((id, declared)) = self.names.sets.get(&name.value) {
            declared.used.set(true);
            return Some(*id);
        }
        let suggestion = did_you_mean(&name.value, self.names.sets.keys().map(String::as_str));
        let mut d = Diagnostic::new(
            Code::UnknownSet,
            name.span,
            format!("unknown path set `{}`", name.value),
        )
        .with_label("not a declared path set");
        d = match suggestion {
            Some(s) => d.with_help(format!("did you mean `{s}`?")),
            None => d.with_help(format!(
                "declare it: `paths {} [\"glob\", ...]`",
                name.value
            )),
        };
        self.report(d);
        None
    }

    /// Adds an inline set of globs written in an expression, validating each.
    pub(crate) fn inline_set(&mut self, globs: &[StrLit]) -> Option<usize> {
        let mut patterns = Vec::new();
        let mut ok = true;
        for glob in globs {
            if let Some(engine) = super::patterns::validate_glob(glob, self.diagnostics) {
                patterns.push(Pattern {
                    glob: glob.value.as_str().into(),
                    engine,
                    span: glob.span,
                });
            } else {
                ok = false;
            }
        }
        if !ok {
            return None;
        }
        let name = globs
            .iter()
            .map(|g| format!("\"{}\"", g.value))
            .collect::<Vec<_>>()
            .join(", ");
        self.sets.push(PathSet {
            name: name.into(),
            inline: true,
            patterns,
        });
        Some(self.sets.len() - 1)
    }

    /// Adds a regex literal, validating it.
    pub(crate) fn regex_id(&mut self, regex: &crate::ast::RegexLit) -> Option<usize> {
        if !super::patterns::validate_regex(regex, self.diagnostics) {
            return None;
        }
        self.regexes.push(RegexDef {
            pattern: regex.pattern.clone(),
            flags: regex.flags.clone(),
            span: regex.span,
        });
        Some(self.regexes.len() - 1)
    }
}
