//! Deciding: the evaluator, the decision and its explanation.
//!
//! [`crate::Policy::decide`] is pure: everything besides the policy and the request comes in
//! through [`Context`]. The compiled evaluator (`fast`) is what runs; the reference
//! interpreter (`reference`) is a deliberately simple second implementation that property
//! tests hold it to.

mod condition_coverage;
mod context;
mod decide;
mod decision;
mod decision_id;
mod engine;
mod evidence;
mod fast;
mod gates;
mod pending_summary;
mod policy_checks;
pub mod reference;
mod scratch;
mod validate;
mod value;

pub(crate) use condition_coverage::condition_outcomes;
pub use condition_coverage::{ConditionAtom, condition_atoms};
pub use context::{
    Context, HaltState, IgnoredApproval, LicenseVerdict, Override, Verdict, VerifiedApproval,
};
pub use decide::{input_error_decision, policy_error_decision, request_digest};
pub(crate) use decide::{name_halt, request_input_error_decision};
pub use decision::{
    CountedApproval, Decision, DecisionOutcome, EvaluationError, Evidence, FileMatch, FiredRule,
    Gate, InputError, LicenseReport, NotFired, PolicyRef, Promotion, RequestSummary,
    RiskContribution, RiskReport, RuleOutcome,
};
pub use fast::MAX_EVALUATION_WORK;
pub(crate) use fast::Programs;
pub(crate) use gates::FUTURE_TOLERANCE;
pub(crate) use validate::check_string_lazy;

pub(crate) use decision_id::IdPrefix;
pub use decision_id::{DecisionId, DecisionIdError};

use crate::compile::Compiled;
use crate::request::{Request, RequestFacts};

/// Pushes `item` onto `list`, allocating room for four items on the first push: what
/// `Vec::push` allocates first for items of these sizes, but through the inlined allocation
/// of `Vec::with_capacity` rather than the out-of-line growth path, which costs some 60
/// instructions more per vector. For the decision's vectors that most decisions fill with
/// one or a few items (risk factors, fired rules, evidence).
#[inline(always)]
pub(crate) fn push_first_four<T>(list: &mut Vec<T>, item: T) {
    if list.capacity() == 0 {
        *list = Vec::with_capacity(4);
    }
    list.push(item);
}

/// Decides with the compiled evaluator; `prepared` is what [`RequestFacts::of`] gives for
/// `request`.
pub(crate) fn decide_compiled(
    compiled: &Compiled,
    request: &Request,
    prepared: &RequestFacts<'_>,
    context: &Context,
    explain: bool,
) -> Decision {
    decide::assemble(
        &compiled.checked,
        &compiled.id_prefix,
        request,
        prepared,
        context,
        explain,
        decide::Engine::Compiled(compiled),
    )
}
