//! The compiled evaluator.
//!
//! Before any rule runs, each file path is matched once against the glob index of the
//! policy, giving the sets it belongs to; per-set counts and line totals are summed once. A
//! quantifier over a set is then a comparison of two integers, whatever the number of rules
//! and globs. Request-level helpers are evaluated at most once. The per-set, per-file and
//! per-helper memory is the thread's [`Scratch`], reused from decision to decision.
//!
//! Conditions and numbers are evaluated by typed walks over the checked expressions
//! (`typed`), and those a walk would take several steps over — rule conditions, risk
//! conditions and weights, request-level helpers — by programs compiled with the policy
//! (`program`).

use std::borrow::Cow;

use super::engine::{Evaluator, Purpose, RiskValue};
use super::scratch::{Memo, Scratch};
use super::validate::Facts;
use super::value::{EvalError, ListRef, Val, as_bool, count};
use crate::ast::{CompareOp, Quantifier};
use crate::checked::{CExpr, CExprKind, Domain, Fact, FileFact, FileFilter, Helper, Scope, Type};
use crate::compile::Compiled;
use crate::number::Decimal;
use crate::request::{FileFacts, normalize_path};
use crate::shared_str::SharedStr;

mod program;
mod typed;
mod work_limit;

pub(crate) use program::Programs;
pub use work_limit::MAX_EVALUATION_WORK;
use work_limit::WorkMeter;
pub(crate) use work_limit::is_over_the_limit;

/// The numeric request facts read in place, without a step of the walk: the totals summed
/// once per request, the directory count, the risk score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Total {
    Files,
    Added,
    Removed,
    Changed,
    Net,
    Directories,
    Risk,
}

impl Total {
    /// The total `fact` is, if it is one.
    #[inline(always)]
    pub(super) fn of(fact: &Fact) -> Option<Total> {
        Some(match fact {
            Fact::FilesCount => Total::Files,
            Fact::LinesAdded => Total::Added,
            Fact::LinesRemoved => Total::Removed,
            Fact::LinesChanged => Total::Changed,
            Fact::LinesNet => Total::Net,
            Fact::DirectoriesCount => Total::Directories,
            Fact::Risk => Total::Risk,
            _ => return None,
        })
    }

    /// The fact it is.
    pub(super) fn fact(self) -> Fact {
        match self {
            Total::Files => Fact::FilesCount,
            Total::Added => Fact::LinesAdded,
            Total::Removed => Fact::LinesRemoved,
            Total::Changed => Fact::LinesChanged,
            Total::Net => Fact::LinesNet,
            Total::Directories => Fact::DirectoriesCount,
            Total::Risk => Fact::Risk,
        }
    }
}

/// Per-request facts computed once.
struct Totals {
    files: Decimal,
    added: Decimal,
    removed: Decimal,
    changed: Decimal,
    net: Decimal,
}

pub(crate) struct FastEvaluator<'a> {
    compiled: &'a Compiled,
    facts: Facts<'a>,
    /// `facts.files` as a plain slice: read for every file in the hot loops, one
    /// indirection less than through [`crate::request::CheckedFiles`].
    files: &'a [FileFacts<'a>],
    totals: Totals,
    /// Set counts, helper memo and each file's sets (see [`Scratch`]).
    scratch: Scratch,
    /// Memoized helper values that borrow from the policy or the request (strings, lists);
    /// the scratch memo holds their index here.
    borrowed_memo: Vec<Val<'a>>,
    risk: Option<RiskValue<'a>>,
    /// How deep [`Evaluator::eval`] is nested, for the stack checks. It starts at 1: level 0
    /// is the one stack check around the whole decision ([`super::decide`] runs the
    /// evaluator inside it), so the top-level condition of every rule and risk factor does
    /// not check again.
    depth: u32,
    /// What is left of the work limit being spent (see [`work_limit`]): the decision's,
    /// or during [`Evaluator::apart`] that of its purpose.
    work: WorkMeter,
    /// The work limits of evidence and of explanations while the decision's is in `work`.
    evidence_work: WorkMeter,
    explanation_work: WorkMeter,
}

impl Drop for FastEvaluator<'_> {
    fn drop(&mut self) {
        std::mem::take(&mut self.scratch).give_back();
    }
}

impl<'a> FastEvaluator<'a> {
    /// Puts the work limit of `purpose` in place of the one being spent, or back.
    fn swap_work(&mut self, purpose: Purpose) {
        let apart = match purpose {
            Purpose::Evidence => &mut self.evidence_work,
            Purpose::Explanation => &mut self.explanation_work,
        };
        std::mem::swap(&mut self.work, apart);
    }

    pub(crate) fn new(compiled: &'a Compiled, facts: Facts<'a>) -> Result<Self, EvalError> {
        let mut scratch =
            Scratch::take(compiled.checked.sets.len(), compiled.checked.helpers.len());
        let mut added: u64 = 0;
        let mut removed: u64 = 0;
        let mut hits = std::mem::take(&mut scratch.hits);
        // A policy without globs (no path sets) matches no path: only the lines are summed.
        let no_globs = compiled.index.is_empty();
        for file in facts.files.iter() {
            added = added.saturating_add(file.added);
            removed = removed.saturating_add(file.removed);
            if no_globs {
                scratch.file_starts.push(scratch.file_sets.len() as u32);
                continue;
            }
            compiled.index.matches_into(file.path.as_ref(), &mut hits);
            let start = scratch.file_sets.len();
            scratch.file_starts.push(start as u32);
            for &glob in &hits {
                let Some(&(set, position)) = compiled.glob_owner.get(glob) else {
                    continue;
                };
                let (set, position) = (set as u32, position as u32);
                // A file may match several globs of one set; it counts once, and evidence
                // names the first of them.
                let listed = scratch.file_sets.get_mut(start..).unwrap_or_default();
                match listed.iter_mut().find(|(s, _)| *s == set) {
                    Some((_, first)) => *first = position.min(*first),
                    None => {
                        scratch.file_sets.push((set, position));
                        scratch.count_in_set(set as usize);
                    }
                }
            }
        }
        scratch.file_starts.push(scratch.file_sets.len() as u32);
        scratch.hits = hits;
        let totals = Totals {
            files: count(facts.files.len() as u64)?,
            added: count(added)?,
            removed: count(removed)?,
            changed: count(added.saturating_add(removed))?,
            net: count(added)?.checked_sub(count(removed)?)?,
        };
        Ok(FastEvaluator {
            compiled,
            files: &facts.files[..],
            facts,
            totals,
            scratch,
            borrowed_memo: Vec::new(),
            risk: None,
            depth: 1,
            work: WorkMeter::default(),
            evidence_work: WorkMeter::default(),
            explanation_work: WorkMeter::default(),
        })
    }

    /// Runs `walk`, one level deeper into an expression, checking the stack at every
    /// [`crate::stack::CHECK_EVERY`]th level. The generic and the typed walks all step
    /// through here, so they share one depth count.
    #[inline(always)]
    fn step<T>(&mut self, walk: impl FnOnce(&mut Self) -> T) -> T {
        let depth = self.depth;
        self.depth += 1;
        let result = crate::stack::guarded_at(depth, || walk(self));
        self.depth = depth;
        result
    }

    /// The position in `set` of the first glob of `set` that file `file` matches, if any.
    fn first_in_set(&self, file: usize, set: usize) -> Option<usize> {
        let starts = &self.scratch.file_starts;
        let (&from, &to) = (starts.get(file)?, starts.get(file + 1)?);
        let sets = self.scratch.file_sets.get(from as usize..to as usize)?;
        sets.iter()
            .find(|(s, _)| *s as usize == set)
            .map(|&(_, first)| first as usize)
    }

    /// Helper `id` of the policy.
    fn helper(&self, id: usize) -> Result<&'a Helper, EvalError> {
        self.compiled
            .checked
            .helpers
            .get(id)
            .ok_or_else(|| EvalError::internal("helper id"))
    }

    fn in_set(&self, file: usize, set: usize) -> bool {
        self.first_in_set(file, set).is_some()
    }

    /// Whether an arbitrary string matches a glob of `set` (strings other than file paths).
    fn string_in_set(&self, s: &str, set: usize) -> Result<bool, EvalError> {
        if matches!(normalize_path(s), Ok(Cow::Borrowed(_))) {
            let mut hits = Vec::new();
            self.compiled.index.matches_into(s, &mut hits);
            return Ok(hits.into_iter().any(|g| {
                self.compiled
                    .glob_owner
                    .get(g)
                    .is_some_and(|(owner, _)| *owner == set)
            }));
        }
        let path_set = self
            .compiled
            .checked
            .sets
            .get(set)
            .ok_or_else(|| EvalError::internal("set id"))?;
        self.compiled
            .strings
            .is_match(set, path_set, s)
            .map_err(EvalError::new)
    }

    fn set_membership(
        &mut self,
        value: &'a CExpr,
        set: usize,
        file: Option<usize>,
    ) -> Result<bool, EvalError> {
        if let (CExprKind::FileFact(FileFact::Path), Some(f)) = (&value.kind, file) {
            return Ok(self.in_set(f, set));
        }
        let s = self.string(value, file)?;
        self.work.charge(1 + s.len())?;
        self.string_in_set(&s, set)
    }

    fn string(&mut self, expr: &'a CExpr, file: Option<usize>) -> Result<Cow<'a, str>, EvalError> {
        match self.eval(expr, file)? {
            Val::Str(s) => Ok(s),
            _ => Err(EvalError::internal("expected a string")),
        }
    }

    /// A request total, when it is known: `None` for `risk` before it is computed and for a
    /// count out of range ([`FastEvaluator::fact`] then gives the error).
    #[inline(always)]
    fn total(&self, total: Total) -> Option<Decimal> {
        match total {
            Total::Files => Some(self.totals.files),
            Total::Added => Some(self.totals.added),
            Total::Removed => Some(self.totals.removed),
            Total::Changed => Some(self.totals.changed),
            Total::Net => Some(self.totals.net),
            Total::Directories => count(self.facts.files.directories()).ok(),
            Total::Risk => self.risk.as_ref().map(|r| r.score),
        }
    }

    fn fact(&self, fact: &Fact) -> Result<Val<'a>, EvalError> {
        let r = self.facts.request;
        let missing = || EvalError::missing_fact(fact);
        Ok(match fact {
            Fact::Action => Val::Str(Cow::Borrowed(&r.action)),
            Fact::Environment => {
                Val::Str(Cow::Borrowed(r.environment.as_deref().ok_or_else(missing)?))
            }
            Fact::FromEnvironment => Val::Str(Cow::Borrowed(
                r.from_environment.as_deref().ok_or_else(missing)?,
            )),
            Fact::Mode => Val::Str(Cow::Borrowed(r.mode.as_str())),
            Fact::ActorId => Val::Str(Cow::Borrowed(&r.actor.id)),
            Fact::ActorKind => Val::Str(Cow::Borrowed(r.actor.kind.as_str())),
            Fact::ActorRoles => Val::List(ListRef::Strings(&r.actor.roles)),
            Fact::FilesCount => Val::Num(self.totals.files),
            Fact::LinesAdded => Val::Num(self.totals.added),
            Fact::LinesRemoved => Val::Num(self.totals.removed),
            Fact::LinesChanged => Val::Num(self.totals.changed),
            Fact::LinesNet => Val::Num(self.totals.net),
            Fact::DirectoriesCount => Val::Num(count(self.facts.files.directories())?),
            Fact::ChangeKind => Val::Str(Cow::Borrowed(
                r.change
                    .as_ref()
                    .and_then(|c| c.kind.as_deref())
                    .ok_or_else(missing)?,
            )),
            Fact::ChangeVersion => Val::Str(Cow::Borrowed(
                r.change
                    .as_ref()
                    .and_then(|c| c.version.as_deref())
                    .ok_or_else(missing)?,
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
            Fact::Usage(name) => Val::Num(count(self.facts.usage(name).ok_or_else(missing)?)?),
            Fact::LicenseTier => {
                Val::Str(Cow::Borrowed(self.facts.license_tier.ok_or_else(missing)?))
            }
        })
    }

    fn file_fact(&self, fact: FileFact, file: Option<usize>) -> Result<Val<'a>, EvalError> {
        let f = file
            .and_then(|i| self.files.get(i))
            .ok_or_else(|| EvalError::internal("per-file fact outside `where`"))?;
        Ok(match fact {
            FileFact::Path => Val::Str(f.path.clone()),
            FileFact::Added => Val::Num(count(f.added)?),
            FileFact::Removed => Val::Num(count(f.removed)?),
            FileFact::Changed => Val::Num(count(f.added.saturating_add(f.removed))?),
            FileFact::Status => Val::Str(Cow::Borrowed(f.status.as_str())),
        })
    }

    /// Whether file `i` passes `filter`.
    fn file_passes(&mut self, filter: &'a FileFilter, i: usize) -> Result<bool, EvalError> {
        match filter {
            FileFilter::Set(s) => Ok(self.in_set(i, *s)),
            FileFilter::Regex(r) => {
                let regex = self
                    .compiled
                    .regexes
                    .get(*r)
                    .ok_or_else(|| EvalError::internal("regex id"))?;
                Ok(self.files.get(i).is_some_and(|f| regex.is_match(&f.path)))
            }
            FileFilter::Where(cond) => self.eval_bool_expr(cond, Some(i)),
        }
    }

    fn passing_count(&mut self, filter: &'a FileFilter) -> Result<u64, EvalError> {
        if let FileFilter::Set(s) = filter {
            return Ok(u64::from(self.scratch.set_count(*s)));
        }
        let mut n = 0;
        for i in 0..self.files.len() {
            if self.file_passes(filter, i)? {
                n += 1;
            }
        }
        Ok(n)
    }

    fn quantify(&mut self, q: Quantifier, filter: &'a FileFilter) -> Result<bool, EvalError> {
        let total = self.files.len() as u64;
        // No short-circuit over files: a per-file condition is evaluated on every file even
        // once the answer is known, so that an error on any file (an overflow in `added *
        // 10000`) blocks whatever the order of the request's files. Stopping at the first
        // deciding file let a request that lists a harmless file first skip the error.
        let n = self.passing_count(filter)?;
        Ok(quantified(q, n, total))
    }

    /// `any/all/no file in SET`: the set's count, kept since the files were matched.
    #[inline(always)]
    fn quantify_set(&self, q: Quantifier, set: usize) -> bool {
        let n = u64::from(self.scratch.set_count(set));
        quantified(q, n, self.files.len() as u64)
    }

    fn compare(
        &mut self,
        op: CompareOp,
        a: &'a CExpr,
        b: &'a CExpr,
        file: Option<usize>,
    ) -> Result<bool, EvalError> {
        let left = self.eval(a, file)?;
        let right = self.eval(b, file)?;
        let ordering = match (&left, &right) {
            (Val::Num(x), Val::Num(y)) => x.cmp(y),
            (Val::Bool(x), Val::Bool(y)) => x.cmp(y),
            (Val::Str(x), Val::Str(y)) => match a.ty {
                Type::Symbol(domain) if op.is_ordering() => {
                    let rank = |s: &str| self.symbol_rank(domain, s);
                    rank(x).cmp(&rank(y))
                }
                _ if op.is_ordering() => x.cmp(y),
                // `==` and `!=` need no order: string equality compares the lengths first,
                // which settles most unequal pairs (`dev` and `prod`) without a `memcmp`.
                _ if x == y => std::cmp::Ordering::Equal,
                _ => std::cmp::Ordering::Less,
            },
            _ => return Err(EvalError::internal("comparison of different types")),
        };
        Ok(typed::holds(op, ordering))
    }

    fn symbol_rank(&self, domain: Domain, name: &str) -> Option<usize> {
        self.compiled.symbol_rank(domain, name)
    }
}

/// Whether `q` holds when `n` of `total` files qualify.
#[inline(always)]
fn quantified(q: Quantifier, n: u64, total: u64) -> bool {
    match q {
        Quantifier::Any => n > 0,
        Quantifier::All => n == total,
        Quantifier::No => n == 0,
    }
}

impl<'a> Evaluator<'a> for FastEvaluator<'a> {
    fn eval(&mut self, expr: &'a CExpr, file: Option<usize>) -> Result<Val<'a>, EvalError> {
        self.step(|ev| ev.eval_node(expr, file))
    }

    fn eval_bool(&mut self, expr: &'a CExpr, file: Option<usize>) -> Result<bool, EvalError> {
        self.bool_operand(expr, file)
    }

    fn eval_num(&mut self, expr: &'a CExpr, file: Option<usize>) -> Result<Decimal, EvalError> {
        self.num_operand(expr, file)
    }

    fn rule_condition(&mut self, index: usize, condition: &'a CExpr) -> Result<bool, EvalError> {
        match self.compiled.programs.rules.get(index) {
            Some(Some(program)) => self.run_bool(program),
            _ => self.bool_operand(condition, None),
        }
    }

    fn factor_condition(&mut self, index: usize, condition: &'a CExpr) -> Result<bool, EvalError> {
        match self.compiled.programs.factor_conditions.get(index) {
            Some(Some(program)) => self.run_bool(program),
            _ => self.bool_operand(condition, None),
        }
    }

    fn factor_weight(&mut self, index: usize, weight: &'a CExpr) -> Result<Decimal, EvalError> {
        match self.compiled.programs.factor_weights.get(index) {
            Some(Some(program)) => self.run(program),
            _ => self.num_operand(weight, None),
        }
    }

    fn passes_filter(&mut self, filter: &'a FileFilter, i: usize) -> Result<bool, EvalError> {
        self.file_passes(filter, i)
    }

    fn set_pattern(&self, set: usize, i: usize) -> Option<SharedStr> {
        let first = self.first_in_set(i, set)?;
        let patterns = &self.compiled.checked.sets.get(set)?.patterns;
        patterns.get(first).map(|p| p.glob.clone())
    }

    // The files of a set are counted already.
    fn known_selection(&self, filter: &FileFilter) -> Option<usize> {
        match filter {
            FileFilter::Set(s) => Some(self.scratch.set_count(*s) as usize),
            _ => None,
        }
    }

    fn checked(&self) -> &'a crate::checked::CheckedPolicy {
        &self.compiled.checked
    }

    fn apart<R>(&mut self, purpose: Purpose, f: impl FnOnce(&mut Self) -> R) -> R {
        self.swap_work(purpose);
        let result = f(self);
        self.swap_work(purpose);
        result
    }

    fn set_risk(&mut self, risk: RiskValue<'a>) {
        self.risk = Some(risk);
    }

    fn facts(&self) -> &Facts<'a> {
        &self.facts
    }
}

impl<'a> FastEvaluator<'a> {
    /// One step of [`Evaluator::eval`] (which guards the stack around it).
    fn eval_node(&mut self, expr: &'a CExpr, file: Option<usize>) -> Result<Val<'a>, EvalError> {
        Ok(match &expr.kind {
            CExprKind::Lit(v) => Val::from_value(v),
            CExprKind::Fact(f) => self.fact(f)?,
            CExprKind::FileFact(f) => self.file_fact(*f, file)?,
            CExprKind::Attr(id) => self
                .facts
                .attributes
                .get(*id)
                .ok_or_else(|| EvalError::internal("attribute id"))?
                .val(),
            CExprKind::Helper(id) => {
                let helper = self.helper(*id)?;
                if helper.scope == Scope::File {
                    return self.eval(&helper.value, file);
                }
                if let Some(memo) = self.scratch.memo(*id) {
                    return match memo {
                        Memo::Bool(b) => Ok(Val::Bool(b)),
                        Memo::Num(n) => Ok(Val::Num(n)),
                        Memo::Other(i) => self
                            .borrowed_memo
                            .get(i)
                            .cloned()
                            .ok_or_else(|| EvalError::internal("helper memo")),
                    };
                }
                let v = self.eval(&helper.value, None)?;
                let memo = match &v {
                    Val::Bool(b) => Memo::Bool(*b),
                    Val::Num(n) => Memo::Num(*n),
                    other => {
                        self.borrowed_memo.push(other.clone());
                        Memo::Other(self.borrowed_memo.len() - 1)
                    }
                };
                self.scratch.set_memo(*id, memo);
                v
            }
            // Numbers and booleans have their own walks (`typed.rs`); these kinds are only
            // ever numeric or boolean, so the generic walk hands them over.
            CExprKind::Neg(_)
            | CExprKind::Arith(..)
            | CExprKind::Min(_)
            | CExprKind::Max(_)
            | CExprKind::Count(_) => Val::Num(self.num_node(expr, file)?),
            CExprKind::Not(_)
            | CExprKind::And(_)
            | CExprKind::Or(_)
            | CExprKind::Compare(..)
            | CExprKind::Quantifier(..)
            | CExprKind::GlobMatch { .. }
            | CExprKind::InSet { .. }
            | CExprKind::ActorIs(_)
            | CExprKind::ActorHasRole(_) => Val::Bool(self.bool_node(expr, file)?),
            CExprKind::Lower(e) => {
                let s = self.string(e, file)?;
                self.work.charge(1 + s.len())?;
                Val::Str(Cow::Owned(s.to_lowercase()))
            }
            CExprKind::StrTest {
                op,
                any,
                value,
                needle,
            } => {
                let haystack = self.string(value, file)?;
                let result = if *any {
                    let Val::List(list) = self.eval(needle, file)? else {
                        return Err(EvalError::internal("expected a list"));
                    };
                    let mut found = false;
                    for n in list.strings() {
                        self.work.charge(op.cost(&haystack, n))?;
                        if op.test(&haystack, n) {
                            found = true;
                            break;
                        }
                    }
                    found
                } else {
                    let n = self.string(needle, file)?;
                    self.work.charge(op.cost(&haystack, &n))?;
                    op.test(&haystack, &n)
                };
                Val::Bool(result)
            }
            CExprKind::RegexMatch { value, regexes } => {
                let s = self.string(value, file)?;
                self.work
                    .charge(regexes.len().max(1).saturating_mul(1 + s.len()))?;
                let compiled = &self.compiled.regexes;
                Val::Bool(
                    regexes
                        .iter()
                        .any(|r| compiled.get(*r).is_some_and(|re| re.is_match(&s))),
                )
            }
            CExprKind::InList { value, list } => {
                let v = self.eval(value, file)?;
                match self.eval(list, file)? {
                    Val::List(l) => {
                        let mut cost = 0;
                        let found = l.contains_costed(&v, &mut cost);
                        self.work.charge(cost)?;
                        Val::Bool(found)
                    }
                    _ => return Err(EvalError::internal("expected a list")),
                }
            }
            CExprKind::If(c, t, o) => {
                if as_bool(self.eval(c, file)?)? {
                    self.eval(t, file)?
                } else {
                    self.eval(o, file)?
                }
            }
        })
    }
}
