//! Evidence: which parts of a condition made it hold (for fired rules) or fail (for
//! `--explain`), with the values compared and the files and patterns that matched.
//!
//! The walk follows the logic: a true `and` is explained by all its operands, a true `or`
//! by the first that holds, a false `and` by the first that fails, a false `or` by all.

use super::decision::Evidence;
use super::engine::Evaluator;
use super::value::{EvalError, Val};
use crate::ast::Quantifier;
use crate::checked::{CExpr, CExprKind, CheckedPolicy, FileFact, FileFilter, Scope, Value};
use crate::shared_str::SharedStr;

/// At most this many files are listed per condition; `file_count` tells the total.
pub(crate) const MAX_LISTED_FILES: usize = 10;

/// Evidence for `expr`, known to evaluate to `holds`.
pub(crate) fn collect<'a, E: Evaluator<'a>>(
    ev: &mut E,
    policy: &'a CheckedPolicy,
    expr: &'a CExpr,
    holds: bool,
    out: &mut Vec<Evidence>,
) -> Result<(), EvalError> {
    crate::stack::guarded(|| collect_node(ev, policy, expr, holds, out))
}

fn collect_node<'a, E: Evaluator<'a>>(
    ev: &mut E,
    policy: &'a CheckedPolicy,
    expr: &'a CExpr,
    holds: bool,
    out: &mut Vec<Evidence>,
) -> Result<(), EvalError> {
    match &expr.kind {
        CExprKind::And(items) | CExprKind::Or(items) => {
            let is_and = matches!(expr.kind, CExprKind::And(_));
            // `and` true / `or` false: every operand explains it.
            if is_and == holds {
                for item in items {
                    collect(ev, policy, item, holds, out)?;
                }
                return Ok(());
            }
            // `and` false / `or` true: the first operand with that value explains it.
            for item in items {
                if ev.eval_bool(item, None)? == holds {
                    return collect(ev, policy, item, holds, out);
                }
            }
            Ok(())
        }
        // `not X` of a single condition is shown as written, holding as the `not` does,
        // with X's values: "not attr.allowed [true]" says why it failed, where X alone,
        // holding, would read as a reason to pass. A compound X is explained by its parts.
        CExprKind::Not(inner) if is_atom(policy, inner) => {
            atom(ev, policy, expr, inner, holds, !holds, out)
        }
        CExprKind::Not(inner) => collect(ev, policy, inner, !holds, out),
        CExprKind::If(c, t, o) => {
            let c_holds = ev.eval_bool(c, None)?;
            collect(ev, policy, c, c_holds, out)?;
            collect(ev, policy, if c_holds { t } else { o }, holds, out)
        }
        CExprKind::Helper(id) => match policy.helpers.get(*id) {
            Some(h) if h.scope == Scope::Request => collect(ev, policy, &h.value, holds, out),
            _ => atom(ev, policy, expr, expr, holds, holds, out),
        },
        _ => atom(ev, policy, expr, expr, holds, holds, out),
    }
}

/// Whether [`collect`] explains `expr` as one piece of evidence rather than by its parts.
fn is_atom(policy: &CheckedPolicy, expr: &CExpr) -> bool {
    match &expr.kind {
        CExprKind::And(_) | CExprKind::Or(_) | CExprKind::Not(_) | CExprKind::If(..) => false,
        CExprKind::Helper(id) => policy
            .helpers
            .get(*id)
            .is_none_or(|h| h.scope != Scope::Request),
        _ => true,
    }
}

/// The evidence of `expr`, which holds as `expr_holds` says, shown as the condition `shown`
/// (`expr` itself, or `not expr`), which holds as `holds` says.
fn atom<'a, E: Evaluator<'a>>(
    ev: &mut E,
    policy: &'a CheckedPolicy,
    shown: &'a CExpr,
    expr: &'a CExpr,
    holds: bool,
    expr_holds: bool,
    out: &mut Vec<Evidence>,
) -> Result<(), EvalError> {
    let mut evidence = Evidence {
        condition: ev.condition_text(policy, shown),
        holds,
        left: None,
        right: None,
        files: Vec::new(),
        file_count: None,
    };
    match &expr.kind {
        CExprKind::Compare(_, a, b) | CExprKind::Arith(_, a, b) => {
            evidence.left = Some(bounded(ev.eval(a, None)?.to_value()));
            evidence.right = Some(bounded(ev.eval(b, None)?.to_value()));
            // `count files in S >= 1`: the values alone do not say which files; the files
            // counted (by the first operand that counts files) do.
            if let Some(filter) = counted(policy, a).or_else(|| counted(policy, b)) {
                let selection = ev.filter_files(filter, true, MAX_LISTED_FILES)?;
                if selection.total as usize > selection.files.len() {
                    evidence.file_count = Some(selection.total);
                }
                evidence.files = selection.files;
            }
        }
        CExprKind::StrTest { value, needle, .. } => {
            evidence.left = Some(bounded(ev.eval(value, None)?.to_value()));
            evidence.right = Some(bounded(ev.eval(needle, None)?.to_value()));
        }
        CExprKind::InList { value, list } => {
            // `x in LIST` and `LIST contains x` are one node; the operands are reported in
            // the order the condition writes them, as its text shows them.
            let (first, second) = if list.span.start < value.span.start {
                (list, value)
            } else {
                (value, list)
            };
            evidence.left = Some(bounded(ev.eval(first, None)?.to_value()));
            evidence.right = Some(bounded(ev.eval(second, None)?.to_value()));
        }
        CExprKind::GlobMatch { value, .. }
        | CExprKind::InSet { value, .. }
        | CExprKind::RegexMatch { value, .. } => {
            evidence.left = Some(bounded(ev.eval(value, None)?.to_value()));
        }
        CExprKind::Quantifier(q, filter) => {
            // List the files that decided it: the matches for `any`/`no` and a holding
            // `all`; the files outside the filter for a failing `all`.
            let selected = !matches!(q, Quantifier::All) || expr_holds;
            let selection = ev.filter_files(filter, selected, MAX_LISTED_FILES)?;
            if selection.total as usize > selection.files.len() {
                evidence.file_count = Some(selection.total);
            }
            evidence.files = selection.files;
        }
        CExprKind::ActorIs(_) => {
            evidence.left = Some(crate::checked::Value::String(
                ev.facts().request.actor.kind.as_str().to_string(),
            ));
        }
        CExprKind::ActorHasRole(_) => {
            evidence.left = Some(bounded(
                crate::eval::value::ListRef::Strings(&ev.facts().request.actor.roles).to_value(),
            ));
        }
        _ => {
            let value = ev.eval(expr, None)?;
            if !matches!(value, Val::Bool(_)) || !matches!(expr.kind, CExprKind::Lit(_)) {
                evidence.left = Some(bounded(value.to_value()));
            }
        }
    }
    super::push_first_four(out, evidence);
    Ok(())
}

/// The filter of `expr` when it is `count files FILTER`, directly or as a request helper.
fn counted<'a>(policy: &'a CheckedPolicy, expr: &'a CExpr) -> Option<&'a FileFilter> {
    match &expr.kind {
        CExprKind::Count(filter) => Some(filter),
        CExprKind::Helper(id) => policy
            .helpers
            .get(*id)
            .filter(|h| h.scope == Scope::Request)
            .and_then(|h| counted(policy, &h.value)),
        _ => None,
    }
}

/// The pattern to show for file number `i`, which passes the per-file condition `condition`:
/// the first path-set test of the condition (`path in S`, `path matches "glob"`), left to
/// right through `and`, `or` and per-file helpers, whose set the file's path is in, with
/// the set's name when it has one. Tests under `not` or `if` are passed over (a file
/// outside a set is not shown with its patterns), and so are regex tests.
pub(crate) fn where_pattern<'a, E: Evaluator<'a> + ?Sized>(
    ev: &E,
    policy: &'a CheckedPolicy,
    condition: &'a CExpr,
    i: usize,
) -> Option<(SharedStr, Option<SharedStr>)> {
    match &condition.kind {
        CExprKind::And(items) | CExprKind::Or(items) => items
            .iter()
            .find_map(|item| where_pattern(ev, policy, item, i)),
        CExprKind::Helper(id) => policy
            .helpers
            .get(*id)
            .and_then(|h| where_pattern(ev, policy, &h.value, i)),
        CExprKind::InSet { value, set } | CExprKind::GlobMatch { value, set }
            if matches!(value.kind, CExprKind::FileFact(FileFact::Path)) =>
        {
            let pattern = ev.set_pattern(*set, i)?;
            Some((pattern, super::engine::set_name(policy, *set)))
        }
        _ => None,
    }
}

/// `value` as evidence shows it: whole, or, when it takes more than
/// [`crate::limits::MAX_SHOWN_VALUE_BYTES`] to show (a long string, a list of many), as a
/// string holding an excerpt and its size — evidence names what was compared, and a decision
/// must stay small enough to be recorded.
fn bounded(value: Value) -> Value {
    fn size(value: &Value) -> usize {
        match value {
            Value::String(s) | Value::Symbol(s) => s.len(),
            Value::List(items) => items.iter().map(|i| size(i).saturating_add(2)).sum(),
            Value::Bool(_) | Value::Number(_) => 8,
        }
    }
    if size(&value) <= crate::limits::MAX_SHOWN_VALUE_BYTES {
        return value;
    }
    let text = value.to_string();
    Value::String(format!(
        "{} ({} bytes)",
        crate::quote::excerpt(&text),
        text.len()
    ))
}

/// The condition as `gavel fmt` prints it, on one line: what evidence shows depends on the
/// policy's meaning, not on its layout or comments — the same spec hash gives the same
/// decisions (found by QA: a decision quoted `lines.changed>100` before formatting and
/// `lines.changed > 100` after, under one spec hash).
pub(crate) fn condition_text(policy: &CheckedPolicy, expr: &CExpr) -> SharedStr {
    policy.quoted(expr.span)
}
