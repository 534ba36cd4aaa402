//! The reference interpreter: a second evaluator, deliberately simple.
//!
//! It walks the checked policy directly: no glob set, no membership bitmasks, no
//! precomputed totals, no memoized helpers, regexes compiled on every use. Each glob is
//! matched with the glob module's own reference matcher. It is slow on purpose and exists
//! only to be compared with the compiled evaluator: property tests generate random policies
//! and requests and require both to return identical decisions.

use std::borrow::Cow;

use super::Context;
use super::decision::Decision;
use super::engine::{Evaluator, RiskValue};
use super::validate::Facts;
use super::value::{EvalError, ListRef, Val, as_bool, as_num, count};
use crate::ast::{ArithOp, CompareOp, Quantifier};
use crate::checked::{CExpr, CExprKind, CheckedPolicy, Fact, FileFact, FileFilter, Type};
use crate::compile::symbol_rank;
use crate::number::Decimal;
use crate::request::Request;
use crate::shared_str::SharedStr;

/// Decides with the reference interpreter.
pub fn decide(
    policy: &CheckedPolicy,
    request: &Request,
    context: &Context,
    explain: bool,
) -> Decision {
    let spec_hash = hex::encode(policy.spec_hash);
    super::decide::assemble(
        policy,
        &super::decision_id::IdPrefix::new(&policy.name, &spec_hash),
        request,
        &crate::request::RequestFacts::of(request),
        context,
        explain,
        super::decide::Engine::Reference,
    )
}

pub(crate) struct Reference<'a> {
    policy: &'a CheckedPolicy,
    facts: Facts<'a>,
    risk: Option<RiskValue<'a>>,
}

impl<'a> Reference<'a> {
    pub(crate) fn new(policy: &'a CheckedPolicy, facts: Facts<'a>) -> Self {
        Reference {
            policy,
            facts,
            risk: None,
        }
    }

    fn string(&mut self, e: &'a CExpr, file: Option<usize>) -> Result<Cow<'a, str>, EvalError> {
        match self.eval(e, file)? {
            Val::Str(s) => Ok(s),
            _ => Err(EvalError::internal("expected a string")),
        }
    }

    fn total(
        &self,
        f: impl Fn(&crate::request::FileFacts<'_>) -> u64,
    ) -> Result<Decimal, EvalError> {
        count(self.facts.files.iter().map(f).fold(0, u64::saturating_add))
    }

    /// The first pattern (in set order) of `set` that `s` matches.
    fn matching_pattern(&self, set: usize, s: &str) -> Option<&'a str> {
        self.policy
            .sets
            .get(set)?
            .patterns
            .iter()
            .find(|p| crate::glob::reference_match(&p.glob, s))
            .map(|p| p.glob.as_str())
    }

    fn regex_matches(&self, id: usize, s: &str) -> Result<bool, EvalError> {
        let def = self
            .policy
            .regexes
            .get(id)
            .ok_or_else(|| EvalError::internal("regex id"))?;
        let regex = crate::check::build_regex(&def.pattern, &def.flags)
            .map_err(|e| EvalError::new(format!("regex {}: {e}", def.display())))?;
        Ok(regex.is_match(s))
    }

    fn passes(&mut self, filter: &'a FileFilter, i: usize) -> Result<bool, EvalError> {
        let path = self
            .facts
            .files
            .get(i)
            .map(|f| f.path.to_string())
            .unwrap_or_default();
        match filter {
            FileFilter::Set(s) => Ok(self.matching_pattern(*s, &path).is_some()),
            FileFilter::Regex(r) => self.regex_matches(*r, &path),
            FileFilter::Where(cond) => as_bool(self.eval(cond, Some(i))?),
        }
    }
}

impl<'a> Evaluator<'a> for Reference<'a> {
    fn eval(&mut self, expr: &'a CExpr, file: Option<usize>) -> Result<Val<'a>, EvalError> {
        crate::stack::guarded(|| self.eval_node(expr, file))
    }

    fn passes_filter(&mut self, filter: &'a FileFilter, i: usize) -> Result<bool, EvalError> {
        self.passes(filter, i)
    }

    fn set_pattern(&self, set: usize, i: usize) -> Option<SharedStr> {
        let path = &self.facts.files.get(i)?.path;
        self.matching_pattern(set, path).map(SharedStr::from)
    }

    fn checked(&self) -> &'a CheckedPolicy {
        self.policy
    }

    fn set_risk(&mut self, risk: RiskValue<'a>) {
        self.risk = Some(risk);
    }

    fn facts(&self) -> &Facts<'a> {
        &self.facts
    }
}

impl<'a> Reference<'a> {
    /// One step of [`Evaluator::eval`] (which guards the stack around it).
    fn eval_node(&mut self, expr: &'a CExpr, file: Option<usize>) -> Result<Val<'a>, EvalError> {
        let request = self.facts.request;
        let missing = || EvalError::internal("missing fact");
        Ok(match &expr.kind {
            CExprKind::Lit(v) => Val::from_value(v),
            CExprKind::Fact(fact) => match fact {
                Fact::Action => Val::Str(Cow::Borrowed(&request.action)),
                Fact::Environment => Val::Str(Cow::Borrowed(
                    request
                        .environment
                        .as_deref()
                        .ok_or_else(|| EvalError::missing_fact(fact))?,
                )),
                Fact::FromEnvironment => Val::Str(Cow::Borrowed(
                    request
                        .from_environment
                        .as_deref()
                        .ok_or_else(|| EvalError::missing_fact(fact))?,
                )),
                Fact::Mode => Val::Str(Cow::Borrowed(request.mode.as_str())),
                Fact::ActorId => Val::Str(Cow::Borrowed(&request.actor.id)),
                Fact::ActorKind => Val::Str(Cow::Borrowed(request.actor.kind.as_str())),
                Fact::ActorRoles => Val::List(ListRef::Strings(&request.actor.roles)),
                Fact::FilesCount => Val::Num(count(self.facts.files.len() as u64)?),
                Fact::LinesAdded => Val::Num(self.total(|f| f.added)?),
                Fact::LinesRemoved => Val::Num(self.total(|f| f.removed)?),
                Fact::LinesChanged => Val::Num(self.total(|f| f.added.saturating_add(f.removed))?),
                Fact::LinesNet => Val::Num(
                    self.total(|f| f.added)?
                        .checked_sub(self.total(|f| f.removed)?)?,
                ),
                Fact::DirectoriesCount => {
                    let mut dirs: Vec<&str> = Vec::new();
                    for f in self.facts.files.iter() {
                        if let Some((dir, _)) = f.path.rsplit_once('/')
                            && !dirs.contains(&dir)
                        {
                            dirs.push(dir);
                        }
                    }
                    Val::Num(count(dirs.len() as u64)?)
                }
                Fact::ChangeKind => Val::Str(Cow::Borrowed(
                    request
                        .change
                        .as_ref()
                        .and_then(|c| c.kind.as_deref())
                        .ok_or_else(|| EvalError::missing_fact(fact))?,
                )),
                Fact::ChangeVersion => Val::Str(Cow::Borrowed(
                    request
                        .change
                        .as_ref()
                        .and_then(|c| c.version.as_deref())
                        .ok_or_else(|| EvalError::missing_fact(fact))?,
                )),
                Fact::Risk => Val::Num(
                    self.risk
                        .as_ref()
                        .ok_or_else(EvalError::risk_unknown)?
                        .score,
                ),
                Fact::RiskLevel => Val::Str(Cow::Borrowed(
                    self.risk
                        .as_ref()
                        .ok_or_else(EvalError::risk_unknown)?
                        .level
                        .ok_or_else(missing)?,
                )),
                Fact::Usage(name) => Val::Num(count(
                    self.facts
                        .usage(name)
                        .ok_or_else(|| EvalError::missing_fact(fact))?,
                )?),
                Fact::LicenseTier => Val::Str(Cow::Borrowed(
                    self.facts
                        .license_tier
                        .ok_or_else(|| EvalError::missing_fact(fact))?,
                )),
            },
            CExprKind::FileFact(fact) => {
                let f = file
                    .and_then(|i| self.facts.files.get(i))
                    .ok_or_else(missing)?;
                match fact {
                    FileFact::Path => Val::Str(f.path.clone()),
                    FileFact::Added => Val::Num(count(f.added)?),
                    FileFact::Removed => Val::Num(count(f.removed)?),
                    FileFact::Changed => Val::Num(count(f.added.saturating_add(f.removed))?),
                    FileFact::Status => Val::Str(Cow::Borrowed(f.status.as_str())),
                }
            }
            CExprKind::Attr(id) => self.facts.attributes.get(*id).ok_or_else(missing)?.val(),
            CExprKind::Helper(id) => {
                let helper = self.policy.helpers.get(*id).ok_or_else(missing)?;
                self.eval(&helper.value, file)?
            }
            CExprKind::Neg(e) => Val::Num(as_num(self.eval(e, file)?)?.checked_neg()?),
            CExprKind::Arith(op, a, b) => {
                let x = as_num(self.eval(a, file)?)?;
                let y = as_num(self.eval(b, file)?)?;
                Val::Num(match op {
                    ArithOp::Add => x.checked_add(y)?,
                    ArithOp::Sub => x.checked_sub(y)?,
                    ArithOp::Mul => x.checked_mul(y)?,
                })
            }
            CExprKind::Min(items) => {
                let mut values = Vec::new();
                for item in items {
                    values.push(as_num(self.eval(item, file)?)?);
                }
                Val::Num(values.into_iter().min().ok_or_else(missing)?)
            }
            CExprKind::Max(items) => {
                let mut values = Vec::new();
                for item in items {
                    values.push(as_num(self.eval(item, file)?)?);
                }
                Val::Num(values.into_iter().max().ok_or_else(missing)?)
            }
            CExprKind::Lower(e) => Val::Str(Cow::Owned(self.string(e, file)?.to_lowercase())),
            CExprKind::Compare(op, a, b) => {
                let x = self.eval(a, file)?;
                let y = self.eval(b, file)?;
                let ordering = match (&x, &y) {
                    (Val::Num(p), Val::Num(q)) => p.cmp(q),
                    (Val::Bool(p), Val::Bool(q)) => p.cmp(q),
                    (Val::Str(p), Val::Str(q)) => match a.ty {
                        Type::Symbol(d) if op.is_ordering() => {
                            symbol_rank(self.policy, d, p).cmp(&symbol_rank(self.policy, d, q))
                        }
                        _ => p.cmp(q),
                    },
                    _ => return Err(EvalError::internal("comparison of different types")),
                };
                Val::Bool(match op {
                    CompareOp::Eq => ordering.is_eq(),
                    CompareOp::Ne => ordering.is_ne(),
                    CompareOp::Lt => ordering.is_lt(),
                    CompareOp::Le => ordering.is_le(),
                    CompareOp::Gt => ordering.is_gt(),
                    CompareOp::Ge => ordering.is_ge(),
                })
            }
            CExprKind::StrTest {
                op,
                any,
                value,
                needle,
            } => {
                let s = self.string(value, file)?;
                if *any {
                    match self.eval(needle, file)? {
                        Val::List(list) => Val::Bool(list.strings().any(|n| op.test(&s, n))),
                        _ => return Err(missing()),
                    }
                } else {
                    let n = self.string(needle, file)?;
                    Val::Bool(op.test(&s, &n))
                }
            }
            CExprKind::GlobMatch { value, set } | CExprKind::InSet { value, set } => {
                let s = self.string(value, file)?;
                Val::Bool(self.matching_pattern(*set, &s).is_some())
            }
            CExprKind::RegexMatch { value, regexes } => {
                let s = self.string(value, file)?;
                let mut any = false;
                for r in regexes {
                    any |= self.regex_matches(*r, &s)?;
                }
                Val::Bool(any)
            }
            CExprKind::InList { value, list } => {
                let v = self.eval(value, file)?;
                match self.eval(list, file)? {
                    Val::List(l) => Val::Bool(l.contains(&v)),
                    _ => return Err(missing()),
                }
            }
            CExprKind::Not(e) => Val::Bool(!as_bool(self.eval(e, file)?)?),
            CExprKind::And(items) => {
                let mut all = true;
                for item in items {
                    if !as_bool(self.eval(item, file)?)? {
                        all = false;
                        break;
                    }
                }
                Val::Bool(all)
            }
            CExprKind::Or(items) => {
                let mut any = false;
                for item in items {
                    if as_bool(self.eval(item, file)?)? {
                        any = true;
                        break;
                    }
                }
                Val::Bool(any)
            }
            CExprKind::If(c, t, o) => {
                if as_bool(self.eval(c, file)?)? {
                    self.eval(t, file)?
                } else {
                    self.eval(o, file)?
                }
            }
            CExprKind::Quantifier(q, filter) => {
                let mut passing = 0usize;
                for i in 0..self.facts.files.len() {
                    if self.passes(filter, i)? {
                        passing += 1;
                    }
                }
                let total = self.facts.files.len();
                Val::Bool(match q {
                    Quantifier::Any => passing > 0,
                    Quantifier::All => passing == total,
                    Quantifier::No => passing == 0,
                })
            }
            CExprKind::Count(filter) => {
                let mut passing = 0u64;
                for i in 0..self.facts.files.len() {
                    if self.passes(filter, i)? {
                        passing += 1;
                    }
                }
                Val::Num(count(passing)?)
            }
            CExprKind::ActorIs(kind) => Val::Bool(request.actor.kind.as_str() == kind),
            CExprKind::ActorHasRole(role) => Val::Bool(request.actor.roles.contains(role)),
        })
    }
}
