//! `gavel audit report`: what the log shows over a time window, and exactly what that
//! covers.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use jiff::Timestamp;
use serde::Serialize;

use super::bodies::{DecisionView, HaltBody, OverrideBody, RepairBody, ResumeBody};
use super::error::AuditError;
use super::key::KeyRing;
use super::pending::human_age;
use super::reader::Records;
use super::record::{Record, RecordKind, format_at};
use super::verify::{VerifyOptions, verify_path};
use crate::eval::{DecisionOutcome, Verdict};

/// The window a report covers (record times; `since` inclusive, `until` exclusive).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReportWindow {
    /// Start.
    pub since: Option<Timestamp>,
    /// End.
    pub until: Option<Timestamp>,
}

impl ReportWindow {
    /// Refuses a window that can hold no record: `since` at or after `until`. Such a window
    /// is a mistake (the two swapped, a typo in a date); reporting "0 records" for it would
    /// read as "nothing happened".
    pub fn check(&self) -> Result<(), AuditError> {
        match (self.since, self.until) {
            (Some(since), Some(until)) if since >= until => Err(AuditError::Malformed(format!(
                "the report window is empty: --since {} is not before --until {}",
                format_at(since),
                format_at(until)
            ))),
            _ => Ok(()),
        }
    }

    fn contains(&self, at: Timestamp) -> bool {
        self.since.is_none_or(|s| at >= s) && self.until.is_none_or(|u| at < u)
    }
}

/// Report times are written like a record's `at` (`docs/audit-format.md`): RFC 3339 UTC
/// with exactly six fraction digits, so that every time in a report has one shape and
/// sorts as text. (jiff's own format drops trailing zeros.)
mod six_digits {
    use jiff::Timestamp;
    use serde::Serializer;

    use super::format_at;

    pub fn serialize<S: Serializer>(at: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_at(*at))
    }

    pub mod option {
        use jiff::Timestamp;
        use serde::Serializer;

        use super::format_at;

        pub fn serialize<S: Serializer>(at: &Option<Timestamp>, s: S) -> Result<S::Ok, S::Error> {
            match at {
                Some(at) => s.serialize_str(&format_at(*at)),
                None => s.serialize_none(),
            }
        }
    }
}

/// What a report is based on. Nothing in the report claims more than this.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Coverage {
    /// The log file.
    pub log: String,
    /// Its id.
    pub log_id: Option<String>,
    /// Whether every record's MAC and link verified.
    pub chain_verified: bool,
    /// `intact`, or the first problem found.
    pub verification: String,
    /// Records of the log that verified (the report reads no record after a problem).
    pub verified_records: u64,
    /// Requested window start.
    #[serde(with = "six_digits::option")]
    pub since: Option<Timestamp>,
    /// Requested window end.
    #[serde(with = "six_digits::option")]
    pub until: Option<Timestamp>,
    /// Records inside the window.
    pub records: u64,
    /// First record inside the window.
    pub first_seq: Option<u64>,
    /// Last record inside the window.
    pub last_seq: Option<u64>,
    /// Its time.
    #[serde(with = "six_digits::option")]
    pub first_at: Option<Timestamp>,
    /// Its time.
    #[serde(with = "six_digits::option")]
    pub last_at: Option<Timestamp>,
    /// The above, in words, with what the report does not show.
    pub statement: String,
}

/// Decision counts.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Counts {
    /// Decisions (dry runs excluded).
    pub total: u64,
    /// Dry-run decisions (authorize nothing; not counted below).
    pub dry_runs: u64,
    /// By outcome.
    pub by_outcome: BTreeMap<String, u64>,
    /// By target environment (`(none)` when the request named none).
    pub by_environment: BTreeMap<String, u64>,
    /// By action.
    pub by_action: BTreeMap<String, u64>,
}

/// How approvals went.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ApprovalStats {
    /// Distinct requests that got a `require_approval` decision in the window.
    pub requests_needing_approval: u64,
    /// Of those, how many were then approved / rejected / expired / are still waiting
    /// (their latest decision in the window).
    pub approved: u64,
    /// See `approved`.
    pub rejected: u64,
    /// See `approved`.
    pub expired: u64,
    /// See `approved`.
    pub still_pending: u64,
    /// approved / (approved + rejected + expired).
    pub approval_rate: Option<String>,
    /// Median time from the first `require_approval` to the first `approved` decision, over
    /// the requests counted in `approved`; `None` when that is 0.
    pub median_time_to_approval: Option<String>,
    /// The same, in seconds.
    pub median_seconds_to_approval: Option<i64>,
    /// Approvals and rejections per approver (counted ones, each request once).
    pub per_approver: BTreeMap<String, ApproverCount>,
}

/// One approver's verdicts.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ApproverCount {
    /// Approvals.
    pub approvals: u64,
    /// Rejections.
    pub rejections: u64,
}

/// A decision event (rejection, expiration, promotion).
#[derive(Clone, Debug, Serialize)]
pub struct DecisionEvent {
    /// Record seq.
    pub seq: u64,
    /// Record time.
    #[serde(with = "six_digits")]
    pub at: Timestamp,
    /// Outcome.
    pub outcome: String,
    /// Request digest.
    pub request_digest: String,
    /// Action.
    pub action: String,
    /// Environment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// Requester.
    pub actor: String,
    /// Approvers who rejected (rejections only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rejected_by: Vec<String>,
}

/// A break-glass override.
#[derive(Clone, Debug, Serialize)]
pub struct OverrideEvent {
    /// Record seq.
    pub seq: u64,
    /// Record time.
    #[serde(with = "six_digits")]
    pub at: Timestamp,
    /// Who broke the glass.
    pub by: String,
    /// Role.
    pub role: String,
    /// Why.
    pub reason: String,
    /// Request digest.
    pub request_digest: String,
    /// Action.
    pub action: String,
    /// Environment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// The decision that used it, if any.
    pub used_by_seq: Option<u64>,
}

/// A halt and its resume.
#[derive(Clone, Debug, Serialize)]
pub struct HaltEvent {
    /// Record seq.
    pub seq: u64,
    /// Record time.
    #[serde(with = "six_digits")]
    pub at: Timestamp,
    /// Who halted.
    pub by: String,
    /// Role.
    pub role: String,
    /// Why.
    pub reason: String,
    /// The resume recorded for it, if any (as written: whether it counts is decided against
    /// the policy when deciding).
    pub resumed: Option<ResumeEvent>,
}

/// A resume.
#[derive(Clone, Debug, Serialize)]
pub struct ResumeEvent {
    /// Record seq.
    pub seq: u64,
    /// Record time.
    #[serde(with = "six_digits")]
    pub at: Timestamp,
    /// Who resumed.
    pub by: String,
    /// Role.
    pub role: String,
    /// Why.
    pub reason: String,
    /// Who approved the resume.
    pub approved_by: Vec<String>,
}

/// A rule and how often it fired.
#[derive(Clone, Debug, Serialize)]
pub struct RuleCount {
    /// Rule name.
    pub rule: String,
    /// Decisions it fired in.
    pub fired: u64,
}

/// Promotions between two environments.
#[derive(Clone, Debug, Default, Serialize)]
pub struct PromotionPair {
    /// Source.
    pub from: String,
    /// Target.
    pub to: String,
    /// Promote decisions.
    pub decisions: u64,
    /// Of those, authorizing ones.
    pub authorized: u64,
    /// Every promote decision, in log order.
    pub history: Vec<DecisionEvent>,
}

/// A repair.
#[derive(Clone, Debug, Serialize)]
pub struct RepairEvent {
    /// Record seq.
    pub seq: u64,
    /// Record time.
    #[serde(with = "six_digits")]
    pub at: Timestamp,
    /// Bytes removed.
    pub removed_bytes: u64,
}

/// The report.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    /// What it covers.
    pub coverage: Coverage,
    /// Decision counts.
    pub decisions: Counts,
    /// Approvals.
    pub approvals: ApprovalStats,
    /// Rejected decisions.
    pub rejections: Vec<DecisionEvent>,
    /// Expired decisions.
    pub expirations: Vec<DecisionEvent>,
    /// Break-glass overrides (all of them, always shown).
    pub overrides: Vec<OverrideEvent>,
    /// Halts.
    pub halts: Vec<HaltEvent>,
    /// Rules that fired most (up to 10).
    pub top_rules: Vec<RuleCount>,
    /// Promotion history per environment pair.
    pub promotions: Vec<PromotionPair>,
    /// Key rotations.
    pub key_rotations: u64,
    /// Repairs of torn tails.
    pub repairs: Vec<RepairEvent>,
}

/// Builds the report for `window` from the log at `path`: verifies the chain (MACs and
/// links), then reads the records that verified.
pub fn build_report(
    path: &Path,
    ring: &KeyRing,
    window: ReportWindow,
) -> Result<Report, AuditError> {
    window.check()?;
    let verified = verify_path(path, ring, VerifyOptions::default())?;
    let mut builder = Builder::new(window);
    let limit = verified.records;
    for record in Records::open(path, Some(ring.clone()))?.take(limit as usize) {
        builder.add(record?);
    }
    let mut report = builder.finish();
    let c = &mut report.coverage;
    c.log = path.display().to_string();
    c.log_id = verified.log_id.clone();
    c.chain_verified = verified.finding.is_none();
    c.verified_records = verified.records;
    c.verification = match &verified.finding {
        None => "intact".into(),
        Some(f) => f.to_string(),
    };
    c.since = window.since;
    c.until = window.until;
    c.statement = statement(c, verified.head_seq);
    Ok(report)
}

fn statement(c: &Coverage, head: Option<u64>) -> String {
    let range = match (c.first_seq, c.last_seq) {
        (Some(a), Some(b)) => format!("records {a}..{b} ({} records", c.records),
        _ => "no records (0 records".into(),
    };
    let times = match (c.first_at, c.last_at) {
        (Some(a), Some(b)) => format!(", {} to {})", format_at(a), format_at(b)),
        _ => ")".into(),
    };
    let window = match (c.since, c.until) {
        (None, None) => "the whole log".to_string(),
        (Some(s), None) => format!("records at or after {}", format_at(s)),
        (None, Some(u)) => format!("records before {}", format_at(u)),
        (Some(s), Some(u)) => format!("records from {} until {}", format_at(s), format_at(u)),
    };
    let chain = if c.chain_verified {
        format!(
            "The MACs and links of all {} records of the log (seq 0..{}) verified.",
            c.verified_records,
            head.unwrap_or(0)
        )
    } else {
        format!(
            "CHAIN VERIFICATION FAILED ({}); this report reads only the {} records before that point and says nothing about the rest.",
            c.verification, c.verified_records
        )
    };
    format!(
        "This report covers {window}: {range}{times}. {chain} Signatures were not checked and no checkpoint was compared, so records cut from the end of the log would not show (run `gavel audit verify --checkpoint`). It counts only what was recorded in this log."
    )
}

struct Builder {
    window: ReportWindow,
    report: Report,
    needing: HashMap<String, Timestamp>,
    latest: HashMap<String, DecisionOutcome>,
    /// Seconds from a request's first `require_approval` to its first `approved`.
    approved_after: HashMap<String, i64>,
    verdicts: HashSet<(String, String, bool)>,
    rules: HashMap<String, u64>,
    promotions: BTreeMap<(String, String), PromotionPair>,
    halts: Vec<HaltEvent>,
    overrides: Vec<OverrideEvent>,
}

impl Builder {
    fn new(window: ReportWindow) -> Builder {
        Builder {
            window,
            report: Report::default(),
            needing: HashMap::new(),
            latest: HashMap::new(),
            approved_after: HashMap::new(),
            verdicts: HashSet::new(),
            rules: HashMap::new(),
            promotions: BTreeMap::new(),
            halts: Vec::new(),
            overrides: Vec::new(),
        }
    }

    fn add(&mut self, record: Record) {
        let in_window = self.window.contains(record.at);
        if in_window {
            let c = &mut self.report.coverage;
            c.records += 1;
            c.first_seq.get_or_insert(record.seq);
            c.first_at.get_or_insert(record.at);
            c.last_seq = Some(record.seq);
            c.last_at = Some(record.at);
        }
        match record.kind {
            RecordKind::Decision if in_window => self.decision(&record),
            RecordKind::Approval if in_window => self.approval_record(&record),
            RecordKind::Override if in_window => {
                if let Ok(o) = serde_json::from_value::<OverrideBody>(record.body.clone()) {
                    self.overrides.push(OverrideEvent {
                        seq: record.seq,
                        at: record.at,
                        by: o.by,
                        role: o.role,
                        reason: o.reason,
                        request_digest: o.request_digest,
                        action: o.request.action,
                        environment: o.request.environment,
                        used_by_seq: None,
                    });
                }
            }
            RecordKind::Halt if in_window => {
                if let Ok(h) = serde_json::from_value::<HaltBody>(record.body.clone()) {
                    self.halts.push(HaltEvent {
                        seq: record.seq,
                        at: record.at,
                        by: h.by,
                        role: h.role,
                        reason: h.reason,
                        resumed: None,
                    });
                }
            }
            RecordKind::Resume => {
                if let Ok(r) = serde_json::from_value::<ResumeBody>(record.body.clone())
                    && let Some(halt) = self.halts.iter_mut().find(|h| h.seq == r.halt_seq)
                {
                    halt.resumed = Some(ResumeEvent {
                        seq: record.seq,
                        at: record.at,
                        by: r.by,
                        role: r.role,
                        reason: r.reason,
                        approved_by: r
                            .approvals
                            .iter()
                            .filter_map(|a| a.get("approver").and_then(|v| v.as_str()))
                            .map(str::to_string)
                            .collect(),
                    });
                }
            }
            RecordKind::KeyRotation if in_window => self.report.key_rotations += 1,
            RecordKind::Repair if in_window => {
                if let Ok(r) = serde_json::from_value::<RepairBody>(record.body.clone()) {
                    self.report.repairs.push(RepairEvent {
                        seq: record.seq,
                        at: record.at,
                        removed_bytes: r.removed_bytes,
                    });
                }
            }
            _ => {}
        }
    }

    fn decision(&mut self, record: &Record) {
        let Ok(d) = serde_json::from_value::<DecisionView>(record.body.clone()) else {
            return;
        };
        let counts = &mut self.report.decisions;
        if d.dry_run {
            counts.dry_runs += 1;
            return;
        }
        counts.total += 1;
        *counts
            .by_outcome
            .entry(d.outcome.as_str().to_string())
            .or_default() += 1;
        *counts
            .by_environment
            .entry(
                d.request
                    .environment
                    .clone()
                    .unwrap_or_else(|| "(none)".into()),
            )
            .or_default() += 1;
        *counts
            .by_action
            .entry(d.request.action.clone())
            .or_default() += 1;
        for fired in &d.fired {
            *self.rules.entry(fired.rule.clone()).or_default() += 1;
        }
        let digest = d.request.digest.clone();
        let event = DecisionEvent {
            seq: record.seq,
            at: record.at,
            outcome: d.outcome.as_str().to_string(),
            request_digest: digest.clone(),
            action: d.request.action.clone(),
            environment: d.request.environment.clone(),
            actor: d.request.actor.clone(),
            rejected_by: Vec::new(),
        };
        match d.outcome {
            DecisionOutcome::RequireApproval => {
                self.needing.entry(digest.clone()).or_insert(record.at);
            }
            DecisionOutcome::Approved => {
                if let Some(start) = self.needing.get(&digest) {
                    let seconds = record.at.duration_since(*start).as_secs();
                    self.approved_after.entry(digest.clone()).or_insert(seconds);
                }
            }
            DecisionOutcome::Rejected => {
                let rejected_by = d
                    .approvals
                    .iter()
                    .filter(|a| a.verdict == Verdict::Reject)
                    .map(|a| a.approver.clone())
                    .collect();
                self.report.rejections.push(DecisionEvent {
                    rejected_by,
                    ..event.clone()
                });
            }
            DecisionOutcome::Expired => self.report.expirations.push(event.clone()),
            _ => {}
        }
        if self.needing.contains_key(&digest) {
            self.latest.insert(digest.clone(), d.outcome);
        }
        for a in &d.approvals {
            let approve = a.verdict == Verdict::Approve;
            if self
                .verdicts
                .insert((digest.clone(), a.approver.clone(), approve))
            {
                let count = self
                    .report
                    .approvals
                    .per_approver
                    .entry(a.approver.clone())
                    .or_default();
                if approve {
                    count.approvals += 1;
                } else {
                    count.rejections += 1;
                }
            }
        }
        // The override a decision uses is the latest recorded for its request (found by QA:
        // the first unused one was credited, an expired one before the one actually used).
        if d.override_.is_some()
            && d.authorizes
            && let Some(o) = self
                .overrides
                .iter_mut()
                .rev()
                .find(|o| o.request_digest == digest)
            && o.used_by_seq.is_none()
        {
            o.used_by_seq = Some(record.seq);
        }
        if let Some(p) = &d.promotion {
            let pair = self
                .promotions
                .entry((p.from.clone(), p.to.clone()))
                .or_insert_with(|| PromotionPair {
                    from: p.from.clone(),
                    to: p.to.clone(),
                    ..PromotionPair::default()
                });
            pair.decisions += 1;
            if d.authorizes {
                pair.authorized += 1;
            }
            pair.history.push(event);
        }
    }

    fn approval_record(&mut self, record: &Record) {
        let body = &record.body;
        let Some(approver) = body.get("approver").and_then(|v| v.as_str()) else {
            return;
        };
        let digest = body
            .get("request_digest")
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string();
        let approve = body.get("verdict").and_then(|v| v.as_str()) != Some("reject");
        if self
            .verdicts
            .insert((digest, approver.to_string(), approve))
        {
            let count = self
                .report
                .approvals
                .per_approver
                .entry(approver.to_string())
                .or_default();
            if approve {
                count.approvals += 1;
            } else {
                count.rejections += 1;
            }
        }
    }

    fn finish(mut self) -> Report {
        let a = &mut self.report.approvals;
        a.requests_needing_approval = self.needing.len() as u64;
        for outcome in self.latest.values() {
            match outcome {
                DecisionOutcome::Approved => a.approved += 1,
                DecisionOutcome::Rejected => a.rejected += 1,
                DecisionOutcome::Expired => a.expired += 1,
                DecisionOutcome::RequireApproval => a.still_pending += 1,
                _ => {}
            }
        }
        let decided = a.approved + a.rejected + a.expired;
        if decided > 0 {
            a.approval_rate = Some(format!(
                "{:.1}%",
                a.approved as f64 * 100.0 / decided as f64
            ));
        }
        // The median is over exactly the requests counted as `approved` (latest decision
        // approved), so that it is `None` — "n/a" — whenever that count is 0: a request that
        // was approved and then decided again as pending or rejected is not an approval.
        let mut times: Vec<i64> = self
            .latest
            .iter()
            .filter(|(_, outcome)| **outcome == DecisionOutcome::Approved)
            .filter_map(|(digest, _)| self.approved_after.get(digest).copied())
            .collect();
        times.sort_unstable();
        let n = times.len();
        let median = if n == 0 {
            None
        } else if n % 2 == 1 {
            times.get(n / 2).copied()
        } else {
            times
                .get(n / 2 - 1)
                .zip(times.get(n / 2))
                .map(|(lo, hi)| (lo + hi) / 2)
        };
        if let Some(median) = median {
            a.median_seconds_to_approval = Some(median);
            a.median_time_to_approval = Some(human_age(median));
        }
        let mut rules: Vec<RuleCount> = self
            .rules
            .into_iter()
            .map(|(rule, fired)| RuleCount { rule, fired })
            .collect();
        rules.sort_by(|x, y| y.fired.cmp(&x.fired).then_with(|| x.rule.cmp(&y.rule)));
        rules.truncate(10);
        self.report.top_rules = rules;
        self.report.promotions = self.promotions.into_values().collect();
        self.report.halts = self.halts;
        self.report.overrides = self.overrides;
        self.report
    }
}

impl Report {
    /// The report as Markdown.
    pub fn to_markdown(&self) -> String {
        use std::fmt::Write as _;
        // Text from the log (names, reasons, actors) on one line, escaped: a record cannot
        // add lines to the report or send escape sequences to whoever views it.
        let t = |text: &str| crate::quote::one_line(text).into_owned();
        let mut out = String::new();
        let c = &self.coverage;
        let _ = writeln!(out, "# Audit report: {}\n", t(&c.log));
        let _ = writeln!(out, "## Coverage\n\n{}\n", t(&c.statement));
        if !c.chain_verified {
            let _ = writeln!(
                out,
                "**Chain verification failed:** {}\n",
                t(&c.verification)
            );
        }
        let d = &self.decisions;
        let _ = writeln!(
            out,
            "## Decisions\n\n{} decisions ({} dry runs not counted).\n",
            d.total, d.dry_runs
        );
        for (title, map) in [
            ("outcome", &d.by_outcome),
            ("environment", &d.by_environment),
            ("action", &d.by_action),
        ] {
            if map.is_empty() {
                continue;
            }
            let _ = writeln!(out, "| {title} | decisions |\n|---|---|");
            for (k, v) in map {
                let _ = writeln!(out, "| {} | {v} |", t(k));
            }
            out.push('\n');
        }
        let a = &self.approvals;
        let _ = writeln!(
            out,
            "## Approvals\n\n{} requests needed approval: {} approved, {} rejected, {} expired, {} still pending.",
            a.requests_needing_approval, a.approved, a.rejected, a.expired, a.still_pending
        );
        let _ = writeln!(
            out,
            "Approval rate (approved of approved, rejected and expired): {}. Median time to approval: {}.\n",
            a.approval_rate.as_deref().unwrap_or("n/a"),
            a.median_time_to_approval.as_deref().unwrap_or("n/a")
        );
        if !a.per_approver.is_empty() {
            let _ = writeln!(out, "| approver | approvals | rejections |\n|---|---|---|");
            for (who, n) in &a.per_approver {
                let _ = writeln!(out, "| {} | {} | {} |", t(who), n.approvals, n.rejections);
            }
            out.push('\n');
        }
        let events = |out: &mut String, title: &str, list: &[DecisionEvent]| {
            let _ = writeln!(out, "## {title} ({})\n", list.len());
            for e in list {
                let env = t(e.environment.as_deref().unwrap_or("-"));
                let by = if e.rejected_by.is_empty() {
                    String::new()
                } else {
                    format!(", rejected by {}", t(&e.rejected_by.join(", ")))
                };
                let _ = writeln!(
                    out,
                    "- seq {} at {}: {} in {env} by {}{by}",
                    e.seq,
                    format_at(e.at),
                    t(&e.action),
                    t(&e.actor)
                );
            }
            out.push('\n');
        };
        events(&mut out, "Rejections", &self.rejections);
        events(&mut out, "Expirations", &self.expirations);
        let _ = writeln!(out, "## Break-glass overrides ({})\n", self.overrides.len());
        for o in &self.overrides {
            let used = o
                .used_by_seq
                .map(|s| format!("used by seq {s}"))
                .unwrap_or_else(|| "not used".into());
            let _ = writeln!(
                out,
                "- **OVERRIDE** seq {} at {} by {} ({}): {} — {} in {} ({used})",
                o.seq,
                format_at(o.at),
                t(&o.by),
                t(&o.role),
                t(&o.reason),
                t(&o.action),
                t(o.environment.as_deref().unwrap_or("-"))
            );
        }
        out.push('\n');
        let _ = writeln!(out, "## Halts ({})\n", self.halts.len());
        for h in &self.halts {
            let resumed = match &h.resumed {
                // The report reads records as written; whether a resume counts (its
                // signature, `resume by`, `resume require`) is decided against the policy
                // when deciding (found by QA: "resumed" was shown for a resume every
                // decision refused).
                Some(r) => format!(
                    "resume recorded at seq {} at {} by {} ({}): {} (whether it counts is checked against the policy when deciding)",
                    r.seq,
                    format_at(r.at),
                    t(&r.by),
                    t(&r.role),
                    t(&r.reason)
                ),
                None => "NOT RESUMED".into(),
            };
            let _ = writeln!(
                out,
                "- **HALT** seq {} at {} by {} ({}): {} — {resumed}",
                h.seq,
                format_at(h.at),
                t(&h.by),
                t(&h.role),
                t(&h.reason)
            );
        }
        out.push('\n');
        let _ = writeln!(out, "## Rules that fired most\n");
        for r in &self.top_rules {
            let _ = writeln!(out, "- `{}`: {}", t(&r.rule), r.fired);
        }
        out.push('\n');
        let _ = writeln!(out, "## Promotions\n");
        for p in &self.promotions {
            let _ = writeln!(
                out,
                "- {} -> {}: {} decisions, {} authorized",
                t(&p.from),
                t(&p.to),
                p.decisions,
                p.authorized
            );
            for e in p.history.iter().rev().take(10).rev() {
                let _ = writeln!(
                    out,
                    "  - seq {} at {}: {} by {}",
                    e.seq,
                    format_at(e.at),
                    e.outcome,
                    t(&e.actor)
                );
            }
        }
        out.push('\n');
        let _ = writeln!(
            out,
            "Key rotations: {}. Repairs of torn tails: {}.",
            self.key_rotations,
            self.repairs.len()
        );
        out
    }
}
