//! Outcomes and approval requirements, always on one line.

use std::fmt::Write as _;

use super::expr::write_string;
use crate::ast::{Ident, OutcomeKind, Requirement};

/// `auto_approve`, `notify "..."`, `require ...`, `block "..."`.
pub(crate) fn outcome_text(outcome: &OutcomeKind) -> String {
    let mut out = String::new();
    match outcome {
        OutcomeKind::AutoApprove => out.push_str("auto_approve"),
        OutcomeKind::Notify(message) => {
            out.push_str("notify ");
            write_string(&mut out, &message.raw);
        }
        OutcomeKind::Block(message) => {
            out.push_str("block ");
            write_string(&mut out, &message.raw);
        }
        OutcomeKind::Require(requirement) => out.push_str(&requirement_text(requirement)),
    }
    out
}

/// `require N approval(s) from ROLES [within D] [humans_only] [scope CAPS]`: the noun agrees
/// with the count, and the options come in one fixed order whatever order they were written.
pub(crate) fn requirement_text(requirement: &Requirement) -> String {
    let count = requirement.count.value;
    let noun = if count == 1 { "approval" } else { "approvals" };
    let mut out = format!("require {count} {noun} from {}", names(&requirement.roles));
    if let Some(within) = &requirement.within {
        let _ = write!(out, " within {}", within.value);
    }
    if requirement.humans_only.is_some() {
        out.push_str(" humans_only");
    }
    if !requirement.scope.is_empty() {
        let _ = write!(out, " scope {}", names(&requirement.scope));
    }
    out
}

/// Where a requirement's text ends in the source (its last spanned part).
pub(crate) fn requirement_end(requirement: &Requirement) -> usize {
    let mut end = requirement.count.span.end;
    let spans = requirement
        .roles
        .iter()
        .chain(&requirement.scope)
        .map(|id| id.span)
        .chain(requirement.within.as_ref().map(|w| w.span))
        .chain(requirement.humans_only);
    for span in spans {
        end = end.max(span.end);
    }
    end as usize
}

/// `a, b, c`.
pub(crate) fn names(ids: &[Ident]) -> String {
    let mut out = String::new();
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&id.value);
    }
    out
}
