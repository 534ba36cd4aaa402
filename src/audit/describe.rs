//! One line per record, for people (`gavel audit tail`, `show`).

use super::bodies::{
    DecisionView, GenesisBody, HaltBody, KeyRotationBody, NoteBody, OverrideBody, RepairBody,
    ResumeBody,
};
use super::record::{Record, RecordKind};

fn short(text: &str) -> &str {
    text.get(..12).unwrap_or(text)
}

/// `#SEQ  TIME  KIND  what happened`, loud for halts and overrides.
///
/// ```
/// use gavel::audit::{Record, RecordKind, describe};
///
/// let record = Record {
///     seq: 3,
///     at: "2026-03-01T12:00:00Z".parse().unwrap(),
///     kind: RecordKind::Note,
///     body: serde_json::json!({"text": "freeze starts", "by": "ops"}),
///     prev: String::new(),
///     mac: String::new(),
///     mac_old: None,
///     signed_by: None,
///     signature: None,
/// };
/// assert_eq!(describe(&record), "#3  2026-03-01T12:00:00Z  note      by ops: freeze starts");
/// ```
///
/// Whatever the record holds, the line is one line: text from the record (a note, a reason,
/// a request's actor) is shown with control, bidirectional and invisible characters
/// escaped ([`crate::quote::one_line`]), so a record cannot forge another line of the
/// listing or send escape sequences to the terminal.
pub fn describe(record: &Record) -> String {
    let what = summary(record).unwrap_or_else(|| format!("{}", record.body));
    let what = crate::quote::one_line(&what);
    let signed = record
        .signed_by
        .as_deref()
        .map(|k| format!("  [signed {}]", crate::quote::one_line(k)))
        .unwrap_or_default();
    format!(
        "#{}  {}  {:<8}  {what}{signed}",
        record.seq,
        record.at,
        record.kind.as_str()
    )
}

fn summary(record: &Record) -> Option<String> {
    let body = record.body.clone();
    Some(match record.kind {
        RecordKind::Genesis => {
            let g: GenesisBody = serde_json::from_value(body).ok()?;
            format!(
                "log {} created ({}), audit key {}",
                g.log_id, g.format, g.key
            )
        }
        RecordKind::Decision => {
            let d: DecisionView = serde_json::from_value(body).ok()?;
            let env = d
                .request
                .environment
                .as_deref()
                .map(|e| match &d.request.from_environment {
                    Some(from) => format!(" {from} -> {e}"),
                    None => format!(" in {e}"),
                })
                .unwrap_or_default();
            let dry = if d.dry_run { " (dry run)" } else { "" };
            let loud = if d.override_.is_some() {
                " !!! BREAK-GLASS OVERRIDE"
            } else {
                ""
            };
            format!(
                "{}{dry}{loud}: {}{env} by {} (request {})",
                d.outcome.as_str(),
                d.request.action,
                d.request.actor,
                short(&d.request.digest)
            )
        }
        RecordKind::Approval => {
            // The body is a credential as `gavel approve`/`reject` wrote it; only `approver`
            // is required, so that a hand-appended approval still reads as one.
            let text = |name: &str| body.get(name).and_then(|v| v.as_str());
            let approver = text("approver")?;
            let verdict = text("verdict").unwrap_or("approve");
            let role = text("role").map(|r| format!(" ({r})")).unwrap_or_default();
            let request = text("request_digest")
                .map(|d| format!(" of request {}", short(d)))
                .unwrap_or_default();
            let env = text("environment")
                .map(|e| format!(" in {e}"))
                .unwrap_or_default();
            let note = text("note").map(|n| format!(": {n}")).unwrap_or_default();
            format!("{verdict} by {approver}{role}{request}{env}{note}")
        }
        RecordKind::Halt => {
            let h: HaltBody = serde_json::from_value(body).ok()?;
            format!(
                "!!! HALT by {} ({}): {} — every decision blocks until resumed",
                h.by, h.role, h.reason
            )
        }
        RecordKind::Resume => {
            let r: ResumeBody = serde_json::from_value(body).ok()?;
            let approvers: Vec<&str> = r
                .approvals
                .iter()
                .filter_map(|a| a.get("approver").and_then(|v| v.as_str()))
                .collect();
            let approved = if approvers.is_empty() {
                String::new()
            } else {
                format!(" (approved by {})", approvers.join(", "))
            };
            format!(
                "resume of the halt at seq {} by {} ({}): {}{approved}",
                r.halt_seq, r.by, r.role, r.reason
            )
        }
        RecordKind::Override => {
            let o: OverrideBody = serde_json::from_value(body).ok()?;
            let env = o
                .request
                .environment
                .as_deref()
                .map(|e| format!(" in {e}"))
                .unwrap_or_default();
            format!(
                "!!! BREAK-GLASS OVERRIDE by {} ({}) of {}{env} by {} (request {}): {}",
                o.by,
                o.role,
                o.request.action,
                o.request.actor,
                short(&o.request_digest),
                o.reason
            )
        }
        RecordKind::KeyRotation => {
            let k: KeyRotationBody = serde_json::from_value(body).ok()?;
            let reason = k.reason.map(|r| format!(": {r}")).unwrap_or_default();
            format!("audit key rotated {} -> {}{reason}", k.old_key, k.new_key)
        }
        RecordKind::Repair => {
            let r: RepairBody = serde_json::from_value(body).ok()?;
            format!(
                "repair: removed an incomplete line of {} bytes at offset {} (sha256 {})",
                r.removed_bytes,
                r.offset,
                short(&r.removed_sha256)
            )
        }
        RecordKind::Note => {
            let n: NoteBody = serde_json::from_value(body).ok()?;
            match n.by {
                Some(by) => format!("by {by}: {}", n.text),
                None => n.text,
            }
        }
    })
}
