//! What a condition evaluator provides to the code that assembles decisions.
//!
//! There are two evaluators: the compiled one ([`super::fast`]) that the product uses, and
//! the reference interpreter ([`super::reference`]), deliberately simple, used as a
//! differential oracle. Everything above this trait (outcomes, gates, evidence walking) is
//! shared, so a disagreement between the two is a disagreement about conditions.

use super::decision::FileMatch;
use super::validate::Facts;
use super::value::{EvalError, Val, as_bool, as_num};
use crate::checked::{CExpr, CheckedPolicy, FileFilter};
use crate::number::Decimal;
use crate::shared_str::SharedStr;

/// The risk score as computed for one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RiskValue<'a> {
    pub score: Decimal,
    /// Level name, when levels are defined.
    pub level: Option<&'a str>,
}

/// Files a filter selected or rejected, for evidence.
pub(crate) struct FileSelection {
    /// At most the requested number, in request order.
    pub files: Vec<FileMatch>,
    /// How many in all.
    pub total: u64,
}

/// What a second look at a decided condition is for. Each has a work limit of its own
/// (`fast/work_limit.rs`), apart from the decision's: evidence and explanations evaluate
/// again the parts of conditions they show, and on the decision's limit that could turn a
/// decision into a block — and `--explain` could change an outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// The evidence of the rules that fired.
    Evidence,
    /// The explanation of the rules that did not (`--explain`).
    Explanation,
}

/// A condition evaluator bound to one validated request.
pub(crate) trait Evaluator<'a> {
    /// Evaluates `expr`; `file` is the current file inside a per-file `where`.
    fn eval(&mut self, expr: &'a CExpr, file: Option<usize>) -> Result<Val<'a>, EvalError>;

    /// Evaluates a boolean `expr`. The same as [`Evaluator::eval`] followed by
    /// [`as_bool`]; the compiled evaluator walks it without building values.
    fn eval_bool(&mut self, expr: &'a CExpr, file: Option<usize>) -> Result<bool, EvalError> {
        self.eval(expr, file).and_then(as_bool)
    }

    /// Evaluates a numeric `expr`. The same as [`Evaluator::eval`] followed by
    /// [`as_num`]; the compiled evaluator walks it without building values.
    fn eval_num(&mut self, expr: &'a CExpr, file: Option<usize>) -> Result<Decimal, EvalError> {
        self.eval(expr, file).and_then(as_num)
    }

    /// Whether rule number `index` of the policy fires; `condition` is its condition. The
    /// compiled evaluator runs the condition's program (`fast/program.rs`), where it has one.
    fn rule_condition(&mut self, index: usize, condition: &'a CExpr) -> Result<bool, EvalError> {
        let _ = index;
        self.eval_bool(condition, None)
    }

    /// Whether risk factor number `index` holds; `condition` is its condition.
    fn factor_condition(&mut self, index: usize, condition: &'a CExpr) -> Result<bool, EvalError> {
        let _ = index;
        self.eval_bool(condition, None)
    }

    /// The weight of risk factor number `index`; `weight` is its expression.
    fn factor_weight(&mut self, index: usize, weight: &'a CExpr) -> Result<Decimal, EvalError> {
        let _ = index;
        self.eval_num(weight, None)
    }

    /// Whether file number `i` of the request passes `filter`.
    fn passes_filter(&mut self, filter: &'a FileFilter, i: usize) -> Result<bool, EvalError>;

    /// The first glob of path set `set`, as written, that file number `i`'s path matches.
    fn set_pattern(&self, set: usize, i: usize) -> Option<SharedStr>;

    /// How many files `filter` selects, when that is known without a pass over the files
    /// (it sizes the list [`Evaluator::filter_files`] returns).
    fn known_selection(&self, filter: &FileFilter) -> Option<usize> {
        let _ = filter;
        None
    }

    /// The policy being evaluated.
    fn checked(&self) -> &'a CheckedPolicy;

    /// The files `filter` selects (`selected`) or does not select, at most `limit` listed;
    /// a selected file with the pattern (and its named set) that matched: the filter's own
    /// for a set or regex filter, and for a `where` the first path-set test of the condition
    /// the file matched ([`super::evidence::where_pattern`]).
    fn filter_files(
        &mut self,
        filter: &'a FileFilter,
        selected: bool,
        limit: usize,
    ) -> Result<FileSelection, EvalError> {
        let listed = match self.known_selection(filter) {
            Some(n) if selected => n.min(limit),
            _ => 0,
        };
        let mut files = Vec::with_capacity(listed);
        let mut total = 0;
        for i in 0..self.facts().files.len() {
            if self.passes_filter(filter, i)? != selected {
                continue;
            }
            total += 1;
            if files.len() >= limit {
                continue;
            }
            let policy = self.checked();
            let (pattern, set) = match filter {
                _ if !selected => (None, None),
                FileFilter::Set(s) => (self.set_pattern(*s, i), set_name(policy, *s)),
                FileFilter::Regex(r) => (policy.regexes.get(*r).map(|x| x.display().into()), None),
                FileFilter::Where(condition) => {
                    super::evidence::where_pattern(self, policy, condition, i)
                        .map_or((None, None), |(pattern, set)| (Some(pattern), set))
                }
            };
            let file = self
                .facts()
                .files
                .get(i)
                .map(|f| f.path.to_string())
                .unwrap_or_default();
            files.push(FileMatch { file, pattern, set });
        }
        Ok(FileSelection { files, total })
    }

    /// Runs `f` with the work limit of `purpose` in place of the decision's. The reference
    /// interpreter has no work limit, and runs `f` as it is.
    fn apart<R>(&mut self, purpose: Purpose, f: impl FnOnce(&mut Self) -> R) -> R
    where
        Self: Sized,
    {
        let _ = purpose;
        f(self)
    }

    /// Records the risk score so that conditions reading `risk` see it.
    fn set_risk(&mut self, risk: RiskValue<'a>);

    /// The validated request.
    fn facts(&self) -> &Facts<'a>;

    /// The text evidence shows for `expr`, a condition of `policy`.
    fn condition_text(&self, policy: &CheckedPolicy, expr: &CExpr) -> SharedStr {
        super::evidence::condition_text(policy, expr)
    }
}

/// The name of path set `set`, unless it is an inline one (`matches "glob"`), which has none.
pub(crate) fn set_name(policy: &CheckedPolicy, set: usize) -> Option<SharedStr> {
    policy
        .sets
        .get(set)
        .filter(|x| !x.inline)
        .map(|x| x.name.clone())
}
