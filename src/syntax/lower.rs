//! From pest pairs to the AST: items and outcomes. Expressions are in `lower_expr.rs`.
//!
//! The grammar guarantees the shape of every pair, so a shape mismatch here is a bug in gavel,
//! not in the policy. It is still reported as a diagnostic rather than a panic: a policy
//! engine must never crash on input.

use pest::iterators::{Pair, Pairs};

use super::parser::Rule;
use super::string::{regex_pattern, unescape};
use crate::ast::{
    ApproverDecl, AttributeDecl, FileId, HaltClause, HaltDecl, Ident, Item, ItemKind, LetDecl,
    LicenseClause, LicenseDecl, Outcome, OutcomeKind, PathSetDecl, RegexLit, Requirement, RiskDecl,
    RiskFactor, RiskLevel, RuleDecl, SignerDecl, Span, Spanned, StrLit, TypeName,
};
use crate::diagnostic::{Code, Diagnostic};
use crate::number::{Decimal, Duration};

/// Lowering state: the file, the offset of the parsed chunk, and diagnostics found so far.
pub(crate) struct Lowerer {
    pub(crate) file: FileId,
    pub(crate) offset: usize,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

/// A lowering step that already reported why it failed.
pub(crate) struct Reported;

pub(crate) type Lowered<T> = Result<T, Reported>;

impl Lowerer {
    /// The pair's span, without trailing whitespace and comments (pest includes the
    /// whitespace skipped before a failed repetition in the span of the rule).
    pub(crate) fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        let end = s.start() + trimmed_len(pair.as_str());
        Span::new(self.file, self.offset + s.start()..self.offset + end)
    }

    /// Reports a grammar/lowering mismatch (a gavel bug) as a diagnostic.
    pub(crate) fn presume_failed(&mut self, span: Span, what: &str) -> Reported {
        self.diagnostics.push(
            Diagnostic::new(
                Code::Syntax,
                span,
                format!("internal parser error: expected {what}"),
            )
            .with_help("this is a bug in gavel; please report it with this policy"),
        );
        Reported
    }

    /// The next pair of `pairs`, which the grammar guarantees exists.
    pub(crate) fn presume_next<'i>(
        &mut self,
        pairs: &mut Pairs<'i, Rule>,
        parent: Span,
        what: &str,
    ) -> Lowered<Pair<'i, Rule>> {
        match pairs.next() {
            Some(p) => Ok(p),
            None => Err(self.presume_failed(parent, what)),
        }
    }

    pub(crate) fn items(&mut self, file_pair: Pair<'_, Rule>) -> Vec<Item> {
        let mut items = Vec::new();
        for pair in file_pair.into_inner() {
            if pair.as_rule() == Rule::EOI {
                continue;
            }
            if let Ok(item) = self.item(pair) {
                items.push(item);
            }
        }
        items
    }

    fn item(&mut self, pair: Pair<'_, Rule>) -> Lowered<Item> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut inner = pair.into_inner();
        // Every item starts with its keyword(s); skip them.
        let kind = match rule {
            Rule::policy_decl => {
                self.skip_keywords(&mut inner);
                let name = self.presume_next(&mut inner, span, "policy name")?;
                ItemKind::Policy(self.string(name)?)
            }
            Rule::environments_decl => ItemKind::Environments(self.names_after_keywords(inner)),
            Rule::roles_decl => ItemKind::Roles(self.name_list_after_keywords(inner, span)?),
            Rule::actions_decl => ItemKind::Actions(self.name_list_after_keywords(inner, span)?),
            Rule::kinds_decl => ItemKind::Kinds(self.name_list_after_keywords(inner, span)?),
            Rule::approver_decl => ItemKind::Approver(self.approver(inner, span)?),
            Rule::signer_decl => {
                let strings = self.strings(inner)?;
                match <[StrLit; 2]>::try_from(strings) {
                    Ok([name, key]) => ItemKind::Signer(SignerDecl { name, key }),
                    Err(_) => return Err(self.presume_failed(span, "signer name and key")),
                }
            }
            Rule::paths_decl => {
                self.skip_keywords(&mut inner);
                let name_pair = self.presume_next(&mut inner, span, "set name")?;
                let name = self.ident(&name_pair);
                let mut patterns = Vec::new();
                for p in inner {
                    if let Ok(s) = self.string(p) {
                        patterns.push(s);
                    }
                }
                ItemKind::Paths(PathSetDecl { name, patterns })
            }
            Rule::attribute_decl => ItemKind::Attribute(self.attribute(inner, span)?),
            Rule::let_decl => {
                self.skip_keywords(&mut inner);
                let name_pair = self.presume_next(&mut inner, span, "helper name")?;
                let name = self.ident(&name_pair);
                let value_pair = self.presume_next(&mut inner, span, "helper value")?;
                let value = self.expr(value_pair)?;
                ItemKind::Let(LetDecl { name, value })
            }
            Rule::risk_decl => ItemKind::Risk(self.risk(inner, span)?),
            Rule::license_authority_decl => {
                let strings = self.strings(inner)?;
                match <[StrLit; 1]>::try_from(strings) {
                    Ok([key]) => ItemKind::LicenseAuthority(key),
                    Err(_) => return Err(self.presume_failed(span, "license authority key")),
                }
            }
            Rule::license_decl => ItemKind::License(self.license(inner, span)?),
            Rule::default_decl => {
                self.skip_keywords(&mut inner);
                let outcome = self.presume_next(&mut inner, span, "default outcome")?;
                ItemKind::Default(self.outcome(outcome)?)
            }
            Rule::rule_decl => ItemKind::Rule(self.rule(inner, span)?),
            Rule::halt_decl => ItemKind::Halt(self.halt(inner, span)?),
            Rule::override_decl => ItemKind::Override(self.name_list_after_keywords(inner, span)?),
            _ => return Err(self.presume_failed(span, "a declaration")),
        };
        Ok(Item { kind, span })
    }

    /// Advances past leading keyword tokens.
    pub(crate) fn skip_keywords(&mut self, pairs: &mut Pairs<'_, Rule>) {
        while pairs.peek().is_some_and(|p| is_keyword(p.as_rule())) {
            pairs.next();
        }
    }

    pub(crate) fn ident(&self, pair: &Pair<'_, Rule>) -> Ident {
        Spanned::new(pair.as_str().to_string(), self.span(pair))
    }

    fn names_after_keywords(&mut self, pairs: Pairs<'_, Rule>) -> Vec<Ident> {
        pairs
            .filter(|p| p.as_rule() == Rule::name)
            .map(|p| self.ident(&p))
            .collect()
    }

    fn name_list_after_keywords(
        &mut self,
        mut pairs: Pairs<'_, Rule>,
        span: Span,
    ) -> Lowered<Vec<Ident>> {
        self.skip_keywords(&mut pairs);
        let list = self.presume_next(&mut pairs, span, "a list of names")?;
        Ok(self.name_list(list))
    }

    pub(crate) fn name_list(&mut self, pair: Pair<'_, Rule>) -> Vec<Ident> {
        pair.into_inner()
            .filter(|p| p.as_rule() == Rule::name)
            .map(|p| self.ident(&p))
            .collect()
    }

    fn strings(&mut self, pairs: Pairs<'_, Rule>) -> Lowered<Vec<StrLit>> {
        pairs
            .filter(|p| p.as_rule() == Rule::string)
            .map(|p| self.string(p))
            .collect()
    }

    /// A string literal: resolves escapes, reporting unknown ones at their position.
    pub(crate) fn string(&mut self, pair: Pair<'_, Rule>) -> Lowered<StrLit> {
        let span = self.span(&pair);
        if pair.as_rule() != Rule::string {
            return Err(self.presume_failed(span, "a string"));
        }
        let raw = pair
            .into_inner()
            .next()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default();
        match unescape(&raw) {
            Ok(value) => Ok(StrLit { value, raw, span }),
            Err((offset, escape)) => {
                let at = span.slice(offset + 1..offset + 1 + escape.len());
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::BadEscape,
                        at,
                        format!("unknown escape `{escape}` in string"),
                    )
                    .with_label("not a valid escape")
                    .with_help(
                        "strings know `\\\"`, `\\\\`, `\\n`, `\\t`, `\\{` and `\\}`; \
                         write `\\\\` for a literal backslash",
                    ),
                );
                Err(Reported)
            }
        }
    }

    pub(crate) fn regex(&mut self, pair: Pair<'_, Rule>) -> Lowered<RegexLit> {
        let span = self.span(&pair);
        let mut body = String::new();
        let mut flags = String::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::regex_body => body = regex_pattern(p.as_str()),
                Rule::regex_flags => flags = p.as_str().to_string(),
                _ => {}
            }
        }
        Ok(RegexLit {
            pattern: body,
            flags,
            span,
        })
    }

    pub(crate) fn integer<T: TryFrom<u64>>(
        &mut self,
        pair: &Pair<'_, Rule>,
    ) -> Lowered<Spanned<T>> {
        let span = self.span(pair);
        let parsed = pair
            .as_str()
            .parse::<u64>()
            .ok()
            .and_then(|v| T::try_from(v).ok());
        match parsed {
            Some(v) => Ok(Spanned::new(v, span)),
            None => {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::BadNumber,
                        span,
                        format!("`{}` is too large", pair.as_str()),
                    )
                    .with_label("out of range"),
                );
                Err(Reported)
            }
        }
    }

    pub(crate) fn decimal(&mut self, pair: &Pair<'_, Rule>) -> Lowered<Decimal> {
        let span = self.span(pair);
        match pair.as_str().parse::<Decimal>() {
            Ok(d) => Ok(d),
            Err(e) => {
                self.diagnostics.push(
                    Diagnostic::new(Code::BadNumber, span, e.to_string())
                        .with_label("invalid number")
                        .with_help(
                            "numbers are exact decimals with at most 6 fractional digits, \
                             between about -9.2e12 and 9.2e12",
                        ),
                );
                Err(Reported)
            }
        }
    }

    fn duration(&mut self, pair: &Pair<'_, Rule>) -> Lowered<Spanned<Duration>> {
        let span = self.span(pair);
        match pair.as_str().parse::<Duration>() {
            Ok(d) => Ok(Spanned::new(d, span)),
            Err(e) => {
                self.diagnostics.push(
                    Diagnostic::new(Code::BadDuration, span, e.to_string())
                        .with_label("invalid duration"),
                );
                Err(Reported)
            }
        }
    }

    fn approver(&mut self, mut pairs: Pairs<'_, Rule>, span: Span) -> Lowered<ApproverDecl> {
        self.skip_keywords(&mut pairs);
        let id_pair = self.presume_next(&mut pairs, span, "approver id")?;
        let id = self.string(id_pair)?;
        let mut roles = Vec::new();
        let mut agent = None;
        let mut key = None;
        for p in pairs {
            match p.as_rule() {
                Rule::name_list => roles = self.name_list(p),
                Rule::agent_flag => agent = Some(self.span(&p)),
                Rule::string => key = Some(self.string(p)?),
                _ => {}
            }
        }
        Ok(ApproverDecl {
            id,
            roles,
            agent,
            key,
        })
    }

    fn attribute(&mut self, mut pairs: Pairs<'_, Rule>, span: Span) -> Lowered<AttributeDecl> {
        self.skip_keywords(&mut pairs);
        let name_pair = self.presume_next(&mut pairs, span, "attribute name")?;
        let name = name_pair
            .into_inner()
            .filter(|p| matches!(p.as_rule(), Rule::name | Rule::name_raw))
            .map(|p| self.ident(&p))
            .collect();
        let ty_pair = self.presume_next(&mut pairs, span, "attribute type")?;
        let ty_span = self.span(&ty_pair);
        // The scalar is the last `kw_string|kw_number|kw_bool` token; `list` wraps it.
        let is_list = ty_pair
            .clone()
            .into_inner()
            .any(|p| p.as_rule() == Rule::list_type);
        let scalar = ty_pair
            .into_inner()
            .flatten()
            .filter(|p| {
                matches!(
                    p.as_rule(),
                    Rule::kw_string | Rule::kw_number | Rule::kw_bool
                )
            })
            .last()
            .map(|p| p.as_rule());
        let ty = match (is_list, scalar) {
            (false, Some(Rule::kw_string)) => TypeName::String,
            (false, Some(Rule::kw_number)) => TypeName::Number,
            (false, Some(Rule::kw_bool)) => TypeName::Bool,
            (true, Some(Rule::kw_string)) => TypeName::ListString,
            (true, Some(Rule::kw_number)) => TypeName::ListNumber,
            (true, Some(Rule::kw_bool)) => TypeName::ListBool,
            _ => return Err(self.presume_failed(ty_span, "a type")),
        };
        let default = match pairs.next() {
            Some(p) => Some(self.expr(p)?),
            None => None,
        };
        Ok(AttributeDecl {
            name,
            ty: Spanned::new(ty, ty_span),
            default,
        })
    }

    fn risk(&mut self, mut pairs: Pairs<'_, Rule>, span: Span) -> Lowered<RiskDecl> {
        self.skip_keywords(&mut pairs);
        let mut factors = Vec::new();
        let mut levels = Vec::new();
        for p in pairs {
            match p.as_rule() {
                Rule::risk_factor => {
                    let factor_span = self.span(&p);
                    let mut inner = p.into_inner();
                    let weight_pair = self.presume_next(&mut inner, factor_span, "a weight")?;
                    let weight = self.expr(weight_pair)?;
                    self.skip_keywords(&mut inner);
                    let cond_pair = self.presume_next(&mut inner, factor_span, "a condition")?;
                    let condition = self.expr(cond_pair)?;
                    self.skip_keywords(&mut inner);
                    let label = match inner.next() {
                        Some(l) => Some(self.string(l)?),
                        None => None,
                    };
                    factors.push(RiskFactor {
                        weight,
                        condition,
                        label,
                        span: factor_span,
                    });
                }
                Rule::levels_block => {
                    for level in p.into_inner().filter(|l| l.as_rule() == Rule::level) {
                        let level_span = self.span(&level);
                        let mut inner = level.into_inner();
                        let name_pair = self.presume_next(&mut inner, level_span, "level name")?;
                        let name = self.ident(&name_pair);
                        let threshold = match inner.next() {
                            Some(t) => {
                                let t_span = self.span(&t);
                                let number = t
                                    .into_inner()
                                    .find(|x| x.as_rule() == Rule::number)
                                    .ok_or(Reported);
                                let number = match number {
                                    Ok(n) => n,
                                    Err(_) => {
                                        return Err(self.presume_failed(t_span, "a threshold"));
                                    }
                                };
                                Some(Spanned::new(self.decimal(&number)?, t_span))
                            }
                            None => None,
                        };
                        levels.push(RiskLevel { name, threshold });
                    }
                }
                _ => return Err(self.presume_failed(span, "a risk factor or levels")),
            }
        }
        Ok(RiskDecl { factors, levels })
    }

    fn license(&mut self, mut pairs: Pairs<'_, Rule>, span: Span) -> Lowered<LicenseDecl> {
        self.skip_keywords(&mut pairs);
        let name_pair = self.presume_next(&mut pairs, span, "tier name")?;
        let name = self.ident(&name_pair);
        let mut clauses = Vec::new();
        for p in pairs {
            let clause_span = self.span(&p);
            let rule = p.as_rule();
            let mut inner = p.into_inner();
            self.skip_keywords(&mut inner);
            let clause = match rule {
                Rule::license_envs => {
                    let list = self.presume_next(&mut inner, clause_span, "environments")?;
                    LicenseClause::Environments(self.name_list(list))
                }
                Rule::license_features => {
                    let list = self.presume_next(&mut inner, clause_span, "features")?;
                    LicenseClause::Features(self.name_list(list))
                }
                Rule::license_limit => {
                    let counter_pair = self.presume_next(&mut inner, clause_span, "counter")?;
                    let counter = self.ident(&counter_pair);
                    let max_pair = self.presume_next(&mut inner, clause_span, "limit")?;
                    let max = self.integer::<u64>(&max_pair)?;
                    let actions = inner
                        .find(|p| p.as_rule() == Rule::name_list)
                        .map(|list| self.name_list(list))
                        .unwrap_or_default();
                    LicenseClause::Limit {
                        counter,
                        max,
                        actions,
                    }
                }
                _ => return Err(self.presume_failed(clause_span, "a license clause")),
            };
            clauses.push(clause);
        }
        Ok(LicenseDecl { name, clauses })
    }

    fn rule(&mut self, mut pairs: Pairs<'_, Rule>, span: Span) -> Lowered<RuleDecl> {
        self.skip_keywords(&mut pairs);
        let name_pair = self.presume_next(&mut pairs, span, "rule name")?;
        let name = self.ident(&name_pair);
        let title = match pairs.peek() {
            Some(p) if p.as_rule() == Rule::string => {
                let p = self.presume_next(&mut pairs, span, "rule title")?;
                Some(self.string(p)?)
            }
            _ => None,
        };
        self.skip_keywords(&mut pairs);
        let cond_pair = self.presume_next(&mut pairs, span, "rule condition")?;
        let condition = self.expr(cond_pair);
        self.skip_keywords(&mut pairs);
        let outcome_pair = self.presume_next(&mut pairs, span, "rule outcome")?;
        let outcome = self.outcome(outcome_pair);
        Ok(RuleDecl {
            name,
            title,
            condition: condition?,
            outcome: outcome?,
        })
    }

    fn halt(&mut self, mut pairs: Pairs<'_, Rule>, _span: Span) -> Lowered<HaltDecl> {
        self.skip_keywords(&mut pairs);
        let mut clauses = Vec::new();
        for p in pairs {
            let clause_span = self.span(&p);
            let rule = p.as_rule();
            let mut inner = p.into_inner();
            self.skip_keywords(&mut inner);
            let body = self.presume_next(&mut inner, clause_span, "halt clause")?;
            let humans_only = inner.any(|p| p.as_rule() == Rule::humans_only);
            let clause = match rule {
                Rule::halt_by => HaltClause::By {
                    roles: self.name_list(body),
                    humans_only,
                },
                Rule::halt_resume_by => HaltClause::ResumeBy {
                    roles: self.name_list(body),
                    humans_only,
                },
                Rule::halt_resume_require => HaltClause::ResumeRequire(self.requirement(body)?),
                _ => return Err(self.presume_failed(clause_span, "a halt clause")),
            };
            clauses.push(clause);
        }
        Ok(HaltDecl { clauses })
    }

    pub(crate) fn outcome(&mut self, pair: Pair<'_, Rule>) -> Lowered<Outcome> {
        let span = self.span(&pair);
        let inner_pair = match pair.into_inner().next() {
            Some(p) => p,
            None => return Err(self.presume_failed(span, "an outcome")),
        };
        let kind = match inner_pair.as_rule() {
            Rule::auto_approve => OutcomeKind::AutoApprove,
            Rule::notify | Rule::block => {
                let is_notify = inner_pair.as_rule() == Rule::notify;
                let mut inner = inner_pair.into_inner();
                self.skip_keywords(&mut inner);
                let message_pair = self.presume_next(&mut inner, span, "a message")?;
                let message = self.string(message_pair)?;
                if is_notify {
                    OutcomeKind::Notify(message)
                } else {
                    OutcomeKind::Block(message)
                }
            }
            Rule::require => OutcomeKind::Require(self.requirement(inner_pair)?),
            _ => return Err(self.presume_failed(span, "an outcome")),
        };
        Ok(Outcome { kind, span })
    }

    fn requirement(&mut self, pair: Pair<'_, Rule>) -> Lowered<Requirement> {
        let span = self.span(&pair);
        let mut count = None;
        let mut roles = Vec::new();
        let mut within = None;
        let mut humans_only = None;
        let mut scope = Vec::new();
        // Each option once (found by QA: `within 1h ... within 7d` kept the last, and `gavel
        // fmt` dropped the stricter first without a word).
        let mut given: Vec<(Rule, Span)> = Vec::new();
        for p in pair.into_inner() {
            if matches!(p.as_rule(), Rule::within | Rule::humans_only | Rule::scope) {
                let here = self.span(&p);
                if let Some(&(_, first)) = given.iter().find(|(rule, _)| *rule == p.as_rule()) {
                    let option = p.as_str().split_whitespace().next().unwrap_or("option");
                    self.diagnostics.push(
                        Diagnostic::new(
                            Code::Duplicate,
                            here,
                            format!("`{option}` is given twice in one approval requirement"),
                        )
                        .with_label("given again here")
                        .with_secondary(first, "first given here")
                        .with_help(match p.as_rule() {
                            Rule::scope => {
                                "list every capability in one `scope`: `scope deploy, audit.read`"
                            }
                            _ => "keep the one you mean and remove the other",
                        }),
                    );
                    return Err(Reported);
                }
                given.push((p.as_rule(), here));
            }
            match p.as_rule() {
                Rule::integer => count = Some(self.integer::<u32>(&p)?),
                Rule::name_list => roles = self.name_list(p),
                Rule::within => {
                    let within_span = self.span(&p);
                    let d = p
                        .into_inner()
                        .find(|x| x.as_rule() == Rule::duration)
                        .ok_or(Reported);
                    match d {
                        Ok(d) => within = Some(self.duration(&d)?),
                        Err(_) => return Err(self.presume_failed(within_span, "a duration")),
                    }
                }
                Rule::humans_only => humans_only = Some(self.span(&p)),
                Rule::scope => {
                    scope = p
                        .into_inner()
                        .filter(|x| x.as_rule() == Rule::capability)
                        .map(|x| self.ident(&x))
                        .collect();
                }
                _ => {}
            }
        }
        let Some(count) = count else {
            return Err(self.presume_failed(span, "an approval count"));
        };
        Ok(Requirement {
            count,
            roles,
            within,
            humans_only,
            scope,
        })
    }
}

/// Whether a rule is a keyword token (`kw_*`).
pub(crate) fn is_keyword(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::kw_policy
            | Rule::kw_environments
            | Rule::kw_roles
            | Rule::kw_role
            | Rule::kw_actions
            | Rule::kw_kinds
            | Rule::kw_approver
            | Rule::kw_agent
            | Rule::kw_key
            | Rule::kw_signer
            | Rule::kw_paths
            | Rule::kw_attribute
            | Rule::kw_list
            | Rule::kw_string
            | Rule::kw_number
            | Rule::kw_bool
            | Rule::kw_let
            | Rule::kw_risk
            | Rule::kw_levels
            | Rule::kw_license
            | Rule::kw_authority
            | Rule::kw_features
            | Rule::kw_limit
            | Rule::kw_for
            | Rule::kw_default
            | Rule::kw_rule
            | Rule::kw_when
            | Rule::kw_then
            | Rule::kw_else
            | Rule::kw_if
            | Rule::kw_halt
            | Rule::kw_resume
            | Rule::kw_by
            | Rule::kw_override
            | Rule::kw_auto_approve
            | Rule::kw_notify
            | Rule::kw_block
            | Rule::kw_require
            | Rule::kw_approvals
            | Rule::kw_approval
            | Rule::kw_from
            | Rule::kw_within
            | Rule::kw_humans_only
            | Rule::kw_scope
            | Rule::kw_or
            | Rule::kw_and
            | Rule::kw_not
            | Rule::kw_any
            | Rule::kw_all
            | Rule::kw_no
            | Rule::kw_in
            | Rule::kw_where
            | Rule::kw_matches
            | Rule::kw_contains
            | Rule::kw_starts_with
            | Rule::kw_ends_with
            | Rule::kw_file
            | Rule::kw_files
            | Rule::kw_count
            | Rule::kw_actor
            | Rule::kw_is
            | Rule::kw_has
            | Rule::kw_true
            | Rule::kw_false
            | Rule::kw_as
    )
}

/// Length of `text` without trailing whitespace and trailing `#` comments. Strings and
/// regexes never span lines, so a line can be scanned for a comment from its start.
fn trimmed_len(text: &str) -> usize {
    let mut end = text.len();
    loop {
        let trimmed = text.get(..end).unwrap_or("").trim_end();
        end = trimmed.len();
        let line_start = trimmed.rfind('\n').map_or(0, |i| i + 1);
        let line = trimmed.get(line_start..).unwrap_or("");
        match comment_start(line) {
            Some(pos) => end = line_start + pos,
            None => return end,
        }
    }
}

/// Where a `#` comment starts in one line, outside strings and regexes.
fn comment_start(line: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '#' => return Some(i),
            '"' | '/' => quote = Some(c),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::trimmed_len;

    #[test]
    fn trailing_whitespace_and_comments_are_not_part_of_a_span() {
        assert_eq!(trimmed_len("roles a, b  \n\n"), 10);
        assert_eq!(trimmed_len("roles a # first\n  # second\n"), 7);
        assert_eq!(trimmed_len("notify \"#ops\" # why"), 13);
        assert_eq!(trimmed_len("x matches /a#b/"), 15);
    }
}
