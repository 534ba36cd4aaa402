//! Usage counters counted from the log, and filling a decision's [`Context`] from it.

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::error::AuditError;
use super::log::AuditLog;
use crate::eval::{Context, Decision, DecisionOutcome, IgnoredApproval};
use crate::request::{Request, request_digest};

/// The period a usage counter counts over (UTC calendar).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    /// Since the start of the current day.
    Day,
    /// Since the start of the current month.
    Month,
    /// Since the log began.
    All,
}

impl Period {
    /// When the period containing `now` started.
    pub fn start(self, now: Timestamp) -> Timestamp {
        let date = now.to_zoned(TimeZone::UTC).date();
        let start = match self {
            Period::Day => date,
            Period::Month => date.first_of_month(),
            Period::All => return Timestamp::MIN,
        };
        start
            .to_zoned(TimeZone::UTC)
            .map(|z| z.timestamp())
            .unwrap_or(Timestamp::MIN)
    }
}

/// A usage counter a policy's license limits read (`usage.NAME`), counted from the log:
/// the number of distinct requests of `action` (any action when `None`) with an
/// authorizing, non-dry-run decision in the current `period`.
///
/// ```
/// use gavel::audit::{Period, UsageCounter};
///
/// let projects = UsageCounter::new("projects_per_month", Some("create_project"), Period::Month);
/// let start = Period::Month.start("2026-03-17T09:30:00Z".parse().unwrap());
/// assert_eq!(start.to_string(), "2026-03-01T00:00:00Z");
/// assert_eq!(projects.name, "projects_per_month");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsageCounter {
    /// The counter's name in the policy (`projects_per_month`).
    pub name: String,
    /// The action counted.
    pub action: Option<String>,
    /// The period.
    pub period: Period,
}

impl UsageCounter {
    /// A counter.
    pub fn new(name: &str, action: Option<&str>, period: Period) -> UsageCounter {
        UsageCounter {
            name: name.to_string(),
            action: action.map(str::to_string),
            period,
        }
    }

    /// Why this counter cannot fill the policy's counter of its name, if it cannot: a
    /// license limit written `for` some actions (`limit projects_per_month 5 for
    /// create_project`) counts those actions, and a counter of another action, or of only one
    /// of several, would hold the limit to the wrong count — too low, and requests over the
    /// limit pass (found in review). One counter counts one action: a limit for several is
    /// met by the requests' own counts (`usage`) or the caller's (`Context::usage`).
    /// Every tier's limit of the counter is checked: tiers may limit one counter for
    /// different actions.
    pub fn mismatch(&self, policy: &crate::checked::CheckedPolicy) -> Option<String> {
        let counts = self.action.as_deref();
        let (tier, limit) = policy
            .licenses
            .iter()
            .flat_map(|tier| tier.limits.iter().map(move |limit| (tier, limit)))
            .filter(|(_, limit)| limit.counter == self.name && !limit.actions.is_empty())
            .find(|(_, limit)| {
                !(limit.actions.len() == 1 && counts == limit.actions.first().map(String::as_str))
            })?;
        Some(format!(
            "the `{}` license tier limits `{}` for {}, and this counter counts {}: {}",
            tier.name,
            self.name,
            limit
                .actions
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", "),
            counts.map_or("every action".to_string(), |a| format!("`{a}`")),
            match limit.actions.as_slice() {
                [only] => format!("count `{only}`"),
                _ => "one counter counts one action, so supply the count in the requests \
                      (`usage`) instead"
                    .to_string(),
            }
        ))
    }
}

use super::state::{UNCHECKED, UsageSeen};

impl AuditLog {
    /// Fills what the log knows into `context` for deciding `request` at `context.now`:
    /// the halt in force (a halt already in `context` is kept when the log has none), an
    /// unused override for this request (the log's only: an override is what the log says),
    /// and each usage counter.
    /// Catches up with other processes first; fails when the log does not verify.
    pub fn fill_context(
        &self,
        context: &mut Context,
        request: &Request,
        counters: &[UsageCounter],
    ) -> Result<(), AuditError> {
        self.refresh()?;
        self.fill_cached(context, &request_digest(request), counters);
        Ok(())
    }

    /// Like [`AuditLog::fill_context`] from the state as of the last catch-up, without
    /// touching the file, for the request with digest `request_digest` (which a prepared
    /// request already carries). Returns the usage counts read, for the decision's record.
    /// Safe for deciding: an append that the state changed under (a halt, a used override,
    /// a usage count grown past the one returned, when the record carries it) is refused at
    /// append time.
    pub(crate) fn fill_cached(
        &self,
        context: &mut Context,
        request_digest: &str,
        counters: &[UsageCounter],
    ) -> Vec<UsageSeen> {
        self.with_state(|state| {
            // The log's halt wins; a halt the caller already put in the context stays; a
            // halt lifted by a resume that does not count is still in force
            // (`LogState::uncounted_resume`).
            if let Some(halt) = &state.halt {
                context.halt = Some(halt.state.clone());
            } else if let Some((resumed, why)) = state.uncounted_resume() {
                let mut halt = resumed.halt.state.clone();
                halt.reason = format!(
                    "{} (still in force: the resume at seq {} does not count: {why})",
                    halt.reason, resumed.seq
                );
                context.halt = Some(halt);
            }
            let slot = match state.overrides.is_empty() {
                false => state.usable_override(request_digest, context.now),
                true => None,
            };
            context.override_ = None;
            if let Some(slot) = slot {
                let refusal = match &state.signers {
                    Some(signers) => signers.refusal(&slot.override_.by, slot.proof.as_deref()),
                    None => Some(UNCHECKED.to_string()),
                };
                match refusal {
                    None => context.override_ = Some(slot.override_.clone()),
                    Some(why) => context.rejected_credentials.push(IgnoredApproval {
                        approver: slot.override_.by.clone(),
                        credential: Some(format!("override record #{}", slot.seq)),
                        kind: "override_not_signed".into(),
                        reason: format!("the override does not count: {why}"),
                    }),
                }
            }
            let mut seen = Vec::with_capacity(counters.len());
            for counter in counters {
                let since = counter.period.start(context.now);
                // A retry of a request already counted is not new usage.
                let count = state.usage.count_excluding(
                    counter.action.as_deref(),
                    since,
                    Some(request_digest),
                );
                // A floor under the caller's own count, never lower than it (as the
                // request's own is: `Facts::usage`).
                let known = context.usage.entry(counter.name.clone()).or_insert(0);
                *known = (*known).max(count);
                seen.push(UsageSeen {
                    action: counter.action.clone(),
                    since,
                    count,
                });
            }
            seen
        })
    }
}

/// `decision` turned into a `block` because it could not be recorded: whatever the policy
/// said, a decision that is not in the audit log authorizes nothing (fail closed).
///
/// ```
/// # use gavel::{Context, Policy, Request};
/// # use gavel::audit::{AuditError, fail_closed};
/// # let policy = Policy::from_str("policy \"p\"\ndefault auto_approve\n").unwrap();
/// # let request = Request::from_json(br#"{"action":"apply_patch","actor":{"id":"a","kind":"agent"}}"#).unwrap();
/// # let decision = policy.decide(&request, &Context::at("2026-01-01T00:00:00Z".parse().unwrap()));
/// let error = AuditError::Refused("disk full".into());
/// let blocked = fail_closed(decision, &error);
/// assert_eq!(blocked.outcome.as_str(), "block");
/// assert!(!blocked.authorizes);
/// assert!(blocked.summary.contains("could not be recorded in the audit log: disk full"));
/// ```
pub fn fail_closed(mut decision: Decision, error: &AuditError) -> Decision {
    let reason = format!("the decision could not be recorded in the audit log: {error}");
    decision.outcome = DecisionOutcome::Block;
    decision.authorizes = false;
    decision.summary = format!("blocked: {reason}");
    decision.reasons.insert(0, reason);
    decision
}
