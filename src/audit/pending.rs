//! Requests waiting for approval: their latest decision is `require_approval`.

use std::collections::HashMap;

use jiff::Timestamp;
use serde::Serialize;

use super::bodies::DecisionView;
use super::error::AuditError;
use super::record::{Record, RecordKind};
use crate::eval::DecisionOutcome;

/// A request whose latest (non-dry-run) decision asks for approvals.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PendingRequest {
    /// Request digest.
    pub request_digest: String,
    /// Action.
    pub action: String,
    /// Target environment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// Who asked.
    pub actor: String,
    /// The first `require_approval` decision for it.
    pub first_seq: u64,
    /// When that was recorded.
    pub waiting_since: Timestamp,
    /// Seconds since then, at the time asked.
    pub age_seconds: i64,
    /// The latest decision's `seq`.
    pub latest_seq: u64,
    /// The latest decision's id.
    pub decision_id: String,
    /// The earliest deadline among the unmet gates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<Timestamp>,
    /// The deadline has passed (the next decision will be `expired`).
    pub overdue: bool,
    /// What is missing, one entry per unmet gate.
    pub missing: Vec<String>,
}

/// The pending requests among `records`, oldest first, as of `now`. A request stops being
/// pending when a later decision for the same request digest is anything but
/// `require_approval` (approved, rejected, expired, blocked...). Dry runs are ignored.
pub fn pending(
    records: impl IntoIterator<Item = Result<Record, AuditError>>,
    now: Timestamp,
) -> Result<Vec<PendingRequest>, AuditError> {
    let mut open: HashMap<String, PendingRequest> = HashMap::new();
    for record in records {
        let record = record?;
        if record.kind != RecordKind::Decision {
            continue;
        }
        let Ok(d) = serde_json::from_value::<DecisionView>(record.body.clone()) else {
            continue;
        };
        if d.dry_run {
            continue;
        }
        let digest = d.request.digest.clone();
        if d.outcome != DecisionOutcome::RequireApproval {
            open.remove(&digest);
            continue;
        }
        let unmet: Vec<_> = d.gates.iter().filter(|g| !g.met).collect();
        let deadline = unmet.iter().filter_map(|g| g.deadline).min();
        let missing = unmet
            .iter()
            .map(|g| {
                format!(
                    "{} more from {} (rule `{}`)",
                    g.missing,
                    g.roles.join(" or "),
                    g.rule
                )
            })
            .collect();
        let entry = open
            .entry(digest.clone())
            .or_insert_with(|| PendingRequest {
                request_digest: digest,
                action: d.request.action.clone(),
                environment: d.request.environment.clone(),
                actor: d.request.actor.clone(),
                first_seq: record.seq,
                waiting_since: record.at,
                age_seconds: 0,
                latest_seq: record.seq,
                decision_id: String::new(),
                deadline: None,
                overdue: false,
                missing: Vec::new(),
            });
        entry.latest_seq = record.seq;
        entry.decision_id = d.id.to_string();
        entry.deadline = deadline;
        entry.missing = missing;
    }
    let mut out: Vec<PendingRequest> = open
        .into_values()
        .map(|mut p| {
            p.age_seconds = now.duration_since(p.waiting_since).as_secs();
            p.overdue = p.deadline.is_some_and(|d| d < now);
            p
        })
        .collect();
    out.sort_by_key(|p| p.first_seq);
    Ok(out)
}

/// `3d 4h`, `2h 5m`, `40s`.
pub fn human_age(seconds: i64) -> String {
    let s = seconds.max(0);
    let (d, h, m) = (s / 86_400, (s % 86_400) / 3600, (s % 3600) / 60);
    if d > 0 {
        format!("{d}d {h}h")
    } else if h > 0 {
        format!("{h}h {m}m")
    } else if m > 0 {
        format!("{m}m")
    } else {
        format!("{s}s")
    }
}
