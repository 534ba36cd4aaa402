//! Approval gates: which verified approvals count toward which gate.
//!
//! An approval counts toward a gate only if its approver is declared and holds the role the
//! approval is given in, the approver holds one of the gate's roles, is not the actor who
//! asked, no earlier approval by the same approver already counted toward that gate (each
//! approver counts once per gate, with the earliest of their credentials that meets it;
//! a valid rejection voids its approver's approvals), the approver is human
//! when the gate is `humans_only`, it was issued within the gate's window (a gate with
//! `within` only; its start less the clock-skew tolerance up to its deadline), it has not
//! expired, and its scope covers the gate's. One approval may count toward several gates.

use std::collections::HashSet;

use jiff::{SignedDuration, Timestamp};

use super::context::{Context, IgnoredApproval, Verdict, VerifiedApproval};
use super::decision::{CountedApproval, Gate};
use crate::approve::RejectionKind;
use crate::checked::{Approver, CheckedPolicy, GateSpec};
use crate::request::Request;
use crate::shared_str::SharedStr;

/// How far in the future an approval's issue time, or a request's `requested_at`, may be
/// (clock skew between machines).
pub(crate) const FUTURE_TOLERANCE: SignedDuration = SignedDuration::from_secs(300);

/// Gates with their approvals, and the approvals that did not count.
pub(crate) struct GateResult {
    pub gates: Vec<Gate>,
    pub counted: Vec<CountedApproval>,
    pub ignored: Vec<IgnoredApproval>,
    /// The first valid rejection by an eligible approver: approver and reason.
    pub rejection: Option<(String, String)>,
}

/// A credential after the checks that concern it alone.
enum Step<'a> {
    /// It counts toward no gate, for this reason.
    Ignored(IgnoredApproval),
    /// It could count toward these gates (indexes into the specs).
    Eligible(&'a VerifiedApproval, Vec<usize>),
}

fn ignored_entry(approval: &VerifiedApproval, kind: &str, reason: String) -> IgnoredApproval {
    IgnoredApproval {
        approver: approval.approver.clone(),
        credential: approval.credential.clone(),
        kind: kind.to_string(),
        reason,
    }
}

/// Why an approval does not count toward one particular gate.
fn gate_refusal(
    approval: &VerifiedApproval,
    approver: &Approver,
    gate: &GateSpec,
    window: Option<(Timestamp, Timestamp)>,
) -> Option<(&'static str, String)> {
    // LANGUAGE.md: one approval may count toward several gates when its approver holds a
    // role of each. The role named in the credential only has to be held (checked earlier).
    if !gate
        .roles
        .iter()
        .any(|r| approver.roles.iter().any(|a| a == r))
    {
        return Some((
            RejectionKind::RoleNotInGate.as_str(),
            format!(
                "`{}` holds none of the gate's roles ({})",
                approval.approver,
                gate.roles.join(", ")
            ),
        ));
    }
    if gate.humans_only && approver.agent {
        return Some((
            RejectionKind::AgentOnHumansOnly.as_str(),
            format!(
                "`{}` is an agent and the gate is humans_only",
                approval.approver
            ),
        ));
    }
    if let Some((opens, deadline)) = window {
        if approval.issued_at > deadline {
            return Some((
                RejectionKind::AfterWindow.as_str(),
                format!(
                    "issued at {}, after the gate's window closed at {deadline}",
                    approval.issued_at
                ),
            ));
        }
        // The issue time comes from the approver's clock and the window's start from the
        // pipeline's: the same skew `issued_in_future` allows is allowed here.
        let earliest = opens.checked_sub(FUTURE_TOLERANCE).unwrap_or(opens);
        if approval.issued_at < earliest {
            return Some((
                RejectionKind::BeforeWindow.as_str(),
                format!(
                    "issued at {}, before the gate's window opened at {opens}",
                    approval.issued_at
                ),
            ));
        }
    }
    // Scope limits what an approval authorizes; a rejection authorizes nothing, so an
    // eligible approver's veto counts whatever its scope.
    if approval.verdict == Verdict::Reject {
        return None;
    }
    let missing: Vec<&str> = gate
        .scope
        .iter()
        .filter(|cap| !approval.scope.contains(cap))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Some((
            RejectionKind::ScopeInsufficient.as_str(),
            format!("the approval's scope lacks {}", missing.join(", ")),
        ));
    }
    None
}

/// The deadline of a gate whose window starts at `start`.
pub(crate) fn deadline(start: Timestamp, gate: &GateSpec) -> Option<Timestamp> {
    let within = gate.within?;
    let seconds = i64::try_from(within.seconds()).ok()?;
    start.checked_add(SignedDuration::from_secs(seconds)).ok()
}

pub(crate) fn evaluate(
    policy: &CheckedPolicy,
    specs: &[(&SharedStr, &GateSpec)],
    request: &Request,
    context: &Context,
    window_start: Timestamp,
) -> GateResult {
    // Approvals are added to each gate below; whether it is met is settled at the end.
    let mut gates: Vec<Gate> = specs
        .iter()
        .map(|(rule, spec)| Gate {
            rule: (*rule).clone(),
            count: spec.count,
            roles: spec.roles.clone(),
            window: spec.within,
            deadline: deadline(window_start, spec),
            humans_only: spec.humans_only,
            scope: spec.scope.clone(),
            approved_by: Vec::new(),
            missing: spec.count,
            met: false,
            expired: false,
        })
        .collect();
    let mut counted = Vec::new();
    let mut ignored = context.rejected_credentials.clone();
    let mut rejection = None;
    // Most decisions are made before anyone approved: nothing to sort, check or count.
    if context.approvals.is_empty() {
        settle(&mut gates, context.now);
        return GateResult {
            gates,
            counted,
            ignored,
            rejection,
        };
    }
    // (gate, approver) pairs already counted.
    let mut counted_at: HashSet<(usize, &str)> = HashSet::new();

    // A fixed order makes the result independent of the order credentials were given in.
    // Ties on the usual keys are broken by the whole approval (as the decision id encodes
    // it): found by QA, two approvals built in code differing only in their note were
    // counted in the caller's order, so one decision id named two different decisions.
    let mut approvals: Vec<&VerifiedApproval> = context.approvals.iter().collect();
    approvals.sort_by(|a, b| {
        (a.issued_at, &a.approver, &a.role, &a.credential)
            .cmp(&(b.issued_at, &b.approver, &b.role, &b.credential))
            .then_with(|| {
                super::decision_id::approval_bytes(a).cmp(&super::decision_id::approval_bytes(b))
            })
    });

    // First each credential on its own: the checks that do not depend on the others, and
    // the gates it could count toward.
    let mut steps: Vec<Step<'_>> = Vec::with_capacity(approvals.len());
    for approval in approvals {
        let ignore =
            |kind: &str, reason: String| Step::Ignored(ignored_entry(approval, kind, reason));
        let Some(approver) = policy.approvers.iter().find(|a| a.id == approval.approver) else {
            steps.push(ignore(
                RejectionKind::UnknownApprover.as_str(),
                format!("`{}` is not a declared approver", approval.approver),
            ));
            continue;
        };
        // Ids are compared as one person's (`crate::person`): `Alice@Example.com` asking
        // and `alice@example.com` approving is the same person approving themself.
        if crate::person::same_person(&approval.approver, &request.actor.id) {
            steps.push(ignore(
                RejectionKind::SelfApproval.as_str(),
                format!(
                    "`{}` asked for this change and cannot approve it",
                    approval.approver
                ),
            ));
            continue;
        }
        if !approver.roles.contains(&approval.role) {
            steps.push(ignore(
                RejectionKind::RoleNotHeld.as_str(),
                format!(
                    "`{}` does not hold role `{}` (holds {})",
                    approval.approver,
                    approval.role,
                    approver.roles.join(", ")
                ),
            ));
            continue;
        }
        let latest = context
            .now
            .checked_add(FUTURE_TOLERANCE)
            .unwrap_or(context.now);
        if approval.issued_at > latest {
            steps.push(ignore(
                RejectionKind::IssuedInFuture.as_str(),
                format!(
                    "issued at {}, later than the decision time {}",
                    approval.issued_at, context.now
                ),
            ));
            continue;
        }
        // Expired from `expires_at` on, as a credential is (`Approval::verify`); a
        // rejection never expires (a veto does not lapse by waiting).
        if approval.verdict == Verdict::Approve
            && let Some(expires) = approval.expires_at
            && expires <= context.now
        {
            steps.push(ignore(
                RejectionKind::Expired.as_str(),
                format!("the approval expired at {expires}"),
            ));
            continue;
        }
        if specs.is_empty() {
            steps.push(ignore(
                RejectionKind::NoGate.as_str(),
                "no gate of this decision needs an approval".into(),
            ));
            continue;
        }
        let mut eligible = Vec::new();
        let mut refusals = Vec::new();
        for (i, ((_, spec), gate)) in specs.iter().zip(&gates).enumerate() {
            let window = gate.deadline.map(|deadline| (window_start, deadline));
            match gate_refusal(approval, approver, spec, window) {
                None => eligible.push(i),
                Some(refusal) => refusals.push(refusal),
            }
        }
        if eligible.is_empty() {
            // The informative refusal comes from a gate whose roles matched.
            let pick = refusals
                .iter()
                .position(|(kind, _)| *kind != RejectionKind::RoleNotInGate.as_str())
                .unwrap_or(0);
            let (kind, reason) = refusals.into_iter().nth(pick).unwrap_or((
                RejectionKind::NoGate.as_str(),
                "counts toward no gate".into(),
            ));
            steps.push(ignore(kind, reason));
            continue;
        }
        steps.push(Step::Eligible(approval, eligible));
    }

    // A valid rejection by an eligible approver stands whatever else that approver signed,
    // before or after it (fail closed): it is never dropped as a duplicate, and it voids
    // their approvals.
    let rejecters: HashSet<&str> = steps
        .iter()
        .filter_map(|step| match step {
            Step::Eligible(approval, _) if approval.verdict == Verdict::Reject => {
                Some(approval.approver.as_str())
            }
            _ => None,
        })
        .collect();

    for step in steps {
        let (approval, mut eligible) = match step {
            Step::Ignored(entry) => {
                ignored.push(entry);
                continue;
            }
            Step::Eligible(approval, eligible) => (approval, eligible),
        };
        match approval.verdict {
            Verdict::Reject => {
                // Every valid rejection is listed; the earliest is the one the decision names.
                if rejection.is_none() {
                    let reason = approval
                        .note
                        .clone()
                        .unwrap_or_else(|| "no reason given".into());
                    rejection = Some((approval.approver.clone(), reason));
                }
            }
            Verdict::Approve => {
                if rejecters.contains(approval.approver.as_str()) {
                    ignored.push(ignored_entry(
                        approval,
                        RejectionKind::DuplicateApprover.as_str(),
                        format!(
                            "`{}` also rejected this request; their rejection stands and their \
                             approval does not count",
                            approval.approver
                        ),
                    ));
                    continue;
                }
                // Each approver counts once per gate: this credential counts toward the
                // gates it meets where its approver has not counted yet (credentials are in
                // issue order, so the earliest that meets a gate is the one that counts).
                let before = eligible.len();
                eligible.retain(|i| counted_at.insert((*i, approval.approver.as_str())));
                if eligible.is_empty() {
                    ignored.push(ignored_entry(
                        approval,
                        RejectionKind::DuplicateApprover.as_str(),
                        format!(
                            "`{}` already counted toward {} this approval could count \
                             toward; each approver counts once per gate",
                            approval.approver,
                            if before == 1 {
                                "the gate"
                            } else {
                                "every gate"
                            }
                        ),
                    ));
                    continue;
                }
                for i in &eligible {
                    if let Some(gate) = gates.get_mut(*i) {
                        gate.approved_by.push(approval.approver.clone());
                    }
                }
            }
        }
        let gate_names: Vec<String> = eligible
            .iter()
            .filter_map(|i| specs.get(*i).map(|(name, _)| name.to_string()))
            .collect();
        counted.push(CountedApproval {
            approver: approval.approver.clone(),
            role: approval.role.clone(),
            verdict: approval.verdict,
            issued_at: approval.issued_at,
            gates: gate_names,
            note: approval.note.clone(),
            credential: approval.credential.clone(),
        });
    }

    settle(&mut gates, context.now);
    GateResult {
        gates,
        counted,
        ignored,
        rejection,
    }
}

/// Settles whether each gate is met, how many approvals it misses, and whether its window
/// closed at `now` before it was met.
fn settle(gates: &mut [Gate], now: Timestamp) {
    for gate in gates {
        let have = u32::try_from(gate.approved_by.len()).unwrap_or(u32::MAX);
        gate.met = have >= gate.count;
        gate.missing = gate.count.saturating_sub(have);
        gate.expired = !gate.met && gate.deadline.is_some_and(|d| now > d);
    }
}
