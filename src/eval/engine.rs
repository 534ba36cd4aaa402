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

    /// The files `filter` selects (`selected`) or does not select, at most `limit` listed,
    /// with the pattern and set that matched for set filters.
    fn filter_files(
        &mut self,
        filter: &'a FileFilter,
        selected: bool,
        limit: usize,
    ) -> Result<FileSelection, EvalError>;

    /// Records the risk score so that conditions reading `risk` see it.
    fn set_risk(&mut self, risk: RiskValue<'a>);

    /// The validated request.
    fn facts(&self) -> &Facts<'a>;

    /// The text evidence shows for `expr`, a condition of `policy`.
    fn condition_text(&self, policy: &CheckedPolicy, expr: &CExpr) -> SharedStr {
        super::evidence::condition_text(policy, expr).into()
    }
}
