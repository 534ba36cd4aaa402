//! Human-readable rendering of decisions: outcome first, then why, then what would unblock.

use crate::eval::{Decision, DecisionOutcome, Evidence};
use crate::number::Decimal;
use crate::quote::one_line as shown;

/// The first line: the outcome in capitals, then the summary. The summary is written to
/// stand alone (in JSON, in the audit log), so it usually starts with the outcome's own word
/// (`blocked: ...`, `approved by ...`) and, for a dry run, with `dry run: `; the label says
/// both already, so they are not repeated: `BLOCKED: invalid request: ...`, not
/// `BLOCKED: blocked: invalid request: ...`. The summary is escaped like everything
/// [`decision_text`] prints.
pub fn headline(decision: &Decision) -> String {
    let label = match decision.outcome {
        DecisionOutcome::AutoApprove => "AUTO-APPROVED",
        DecisionOutcome::Notify => "NOTIFY",
        DecisionOutcome::Approved => "APPROVED",
        DecisionOutcome::RequireApproval => "APPROVAL REQUIRED",
        DecisionOutcome::Rejected => "REJECTED",
        DecisionOutcome::Expired => "EXPIRED",
        DecisionOutcome::Block => "BLOCKED",
    };
    let summary = shown(&decision.summary);
    let mut summary = summary.as_ref();
    let dry = if decision.dry_run {
        summary = summary.strip_prefix("dry run: ").unwrap_or(summary);
        " (dry run: authorizes nothing)"
    } else {
        ""
    };
    let word = label.to_lowercase();
    match summary.strip_prefix(word.as_str()) {
        // `blocked: X` → `BLOCKED: X`; `approved by X` → `APPROVED by X`.
        Some(rest) if rest.starts_with(": ") || rest.starts_with(' ') => {
            format!("{label}{dry}{rest}")
        }
        _ => format!("{label}{dry}: {summary}"),
    }
}

/// The decision as a person reads it in a terminal or CI log.
///
/// Every string in it that did not come from this function's own words passes through
/// [`shown`] ([`crate::quote::one_line`]): request values (evidence values, file paths,
/// reasons that quote them), credential and log contents (approver ids, why an approval did
/// not count, override reasons) and, for good measure, the policy's own names. A newline or a terminal escape in
/// any of them is printed escaped, so it cannot forge a line of output or rewrite the
/// terminal.
pub fn decision_text(decision: &Decision) -> String {
    let mut out = headline(decision);
    out.push('\n');
    if let Some(error) = &decision.input_error {
        // The field is named, as the headline and stderr name it.
        out.push_str(&format!("\ninput error: {}\n", error.located()));
    }
    if let Some(ov) = &decision.override_ {
        out.push_str(&format!(
            "\n!!! BREAK-GLASS OVERRIDE by {} ({}) at {}: {}\n",
            shown(&ov.by),
            shown(&ov.role),
            ov.at,
            shown(&ov.reason)
        ));
    }
    if !decision.reasons.is_empty() && decision.outcome != DecisionOutcome::Notify {
        out.push_str("\nreasons:\n");
        for reason in &decision.reasons {
            out.push_str(&format!("  - {}\n", shown(reason)));
        }
    }
    if !decision.fired.is_empty() {
        out.push_str("\nwhy:\n");
        for rule in &decision.fired {
            let title = rule
                .title
                .as_deref()
                .map(|t| format!(" \"{}\"", shown(t)))
                .unwrap_or_default();
            let message = rule
                .message
                .as_deref()
                .map(|m| format!(": {}", shown(m)))
                .unwrap_or_default();
            out.push_str(&format!(
                "  rule `{}`{title} → {}{message}\n",
                shown(&rule.rule),
                rule.outcome
            ));
            for e in &rule.evidence {
                out.push_str(&evidence_line(e));
            }
            out.push_str(&incomplete_line(rule.evidence_error.as_deref()));
        }
    } else if decision.default_applied {
        out.push_str("\nwhy:\n  no rule fired; the policy default decided\n");
    }
    // No heading over nothing: every rule fired (a decision read back may say `[]`).
    if let Some(explanation) = &decision.explanation
        && !explanation.is_empty()
    {
        out.push_str("\nrules that did not fire:\n");
        for rule in explanation {
            out.push_str(&format!("  rule `{}`\n", shown(&rule.rule)));
            for e in &rule.evidence {
                out.push_str(&evidence_line(e));
            }
            out.push_str(&incomplete_line(rule.evidence_error.as_deref()));
        }
    }
    if let Some(risk) = &decision.risk {
        let level = risk
            .level
            .as_deref()
            .map(|l| format!(" ({})", shown(l)))
            .unwrap_or_default();
        let factors: Vec<String> = risk
            .factors
            .iter()
            // A negative weight carries its own sign: `C -1`, not `C +-1`.
            .map(|f| {
                let sign = if f.weight < Decimal::ZERO { "" } else { "+" };
                format!("{} {sign}{}", shown(&f.factor), f.weight)
            })
            .collect();
        let factors = if factors.is_empty() {
            String::new()
        } else {
            format!(": {}", factors.join(", "))
        };
        out.push_str(&format!("\nrisk: {}{level}{factors}\n", risk.score));
    }
    if !decision.gates.is_empty() {
        out.push_str("\ngates:\n");
        for g in &decision.gates {
            let state = if g.met {
                "met".to_string()
            } else if g.expired {
                "EXPIRED".to_string()
            } else {
                format!("needs {} more", g.missing)
            };
            let by = g
                .deadline
                .map(|d| format!(", by {}", d.strftime("%Y-%m-%d %H:%M UTC")))
                .unwrap_or_default();
            let humans = if g.humans_only { ", humans only" } else { "" };
            let scope = if g.scope.is_empty() {
                String::new()
            } else {
                format!(", scope {}", shown(&g.scope.join(", ")))
            };
            let approved = if g.approved_by.is_empty() {
                String::new()
            } else {
                format!(" — approved by {}", shown(&g.approved_by.join(", ")))
            };
            out.push_str(&format!(
                "  `{}`: {} of {} from {}{humans}{scope}{by}: {state}{approved}\n",
                shown(&g.rule),
                g.count - g.missing,
                g.count,
                shown(&g.roles.join(" or "))
            ));
        }
    }
    if !decision.ignored_approvals.is_empty() {
        out.push_str("\napprovals that did not count:\n");
        for a in &decision.ignored_approvals {
            out.push_str(&format!(
                "  - {} ({}): {}\n",
                shown(&a.approver),
                shown(&a.kind),
                shown(&a.reason)
            ));
        }
    }
    if let Some(license) = &decision.license
        && let Some(denial) = &license.denial
    {
        out.push_str(&format!("\nlicense: {}\n", shown(denial)));
    }
    if !decision.errors.is_empty() {
        out.push_str("\nevaluation errors (each forces a block):\n");
        for e in &decision.errors {
            out.push_str(&format!(
                "  - {}: {}\n",
                shown(&e.location),
                shown(&e.error)
            ));
        }
    }
    if decision.outcome == DecisionOutcome::RequireApproval {
        out.push_str(&format!("\nto proceed: {}\n", shown(&decision.summary)));
    }
    // A decision made without a policy (it did not load) has no name or spec hash to show.
    let policy = if decision.policy.spec_hash.is_empty() {
        "policy not loaded".to_string()
    } else {
        format!(
            "policy {} (spec {})",
            shown(&decision.policy.name),
            decision.policy.spec_hash.get(..16).unwrap_or("")
        )
    };
    out.push_str(&format!(
        "\n{policy} · request {} · {} · {}\n",
        decision.request.digest.get(..16).unwrap_or(""),
        decision.id,
        decision.evaluated_at
    ));
    out
}

/// The line saying why a rule's evidence stops short, if it does.
fn incomplete_line(error: Option<&str>) -> String {
    error
        .map(|e| format!("      (evidence incomplete: {})\n", shown(e)))
        .unwrap_or_default()
}

/// One condition of a rule, with its values and the files that decided it, each escaped
/// by [`shown`] (see [`decision_text`]).
fn evidence_line(e: &Evidence) -> String {
    let mut line = format!(
        "      {} {}",
        if e.holds { "✓" } else { "✗" },
        shown(&e.condition)
    );
    match (&e.left, &e.right) {
        (Some(l), Some(r)) => line.push_str(&format!(
            "  [{} vs {}]",
            shown(&l.to_string()),
            shown(&r.to_string())
        )),
        (Some(l), None) => line.push_str(&format!("  [{}]", shown(&l.to_string()))),
        _ => {}
    }
    line.push('\n');
    for f in &e.files {
        let what = match (&f.pattern, &f.set) {
            (Some(p), Some(s)) => format!(" matched \"{}\" in `{}`", shown(p), shown(s)),
            (Some(p), None) => format!(" matched {}", shown(p)),
            _ => String::new(),
        };
        line.push_str(&format!("          {}{what}\n", shown(&f.file)));
    }
    if let Some(n) = e.file_count {
        line.push_str(&format!("          ... {n} files in all\n"));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::decision_text;

    #[test]
    fn no_heading_over_an_empty_explanation() {
        let policy = crate::Policy::from_str(
            "policy \"p\"\nrule r { when files.count >= 0 then auto_approve }",
        )
        .unwrap();
        let request =
            crate::Request::from_json(br#"{"action":"deploy","actor":{"id":"a","kind":"human"}}"#)
                .unwrap();
        let context = crate::Context::at(jiff::Timestamp::UNIX_EPOCH);
        let mut decision = policy.decide_explained(&request, &context);
        assert_eq!(decision.explanation, None, "every rule fired");
        assert!(!decision_text(&decision).contains("did not fire"));
        decision.explanation = Some(Vec::new());
        assert!(!decision_text(&decision).contains("did not fire"));
    }

    #[test]
    fn the_default_is_not_said_to_decide_when_a_rule_failed() {
        let policy = crate::Policy::from_str(
            "policy \"p\"\ndefault auto_approve\n\
             rule big { when lines.added * 100000000000 > 5 then block \"too big\" }",
        )
        .unwrap();
        let request = crate::Request::from_json(
            br#"{"action":"deploy","actor":{"id":"a","kind":"human"},"files":[{"path":"a","added":999999999}]}"#,
        )
        .unwrap();
        let context = crate::Context::at(jiff::Timestamp::UNIX_EPOCH);
        let text = decision_text(&policy.decide(&request, &context));
        assert!(
            text.starts_with("BLOCKED: evaluation error: rule `big` failed"),
            "{text}"
        );
        assert!(!text.contains("default decided"), "{text}");
    }

    #[test]
    fn a_negative_risk_weight_is_shown_with_its_own_sign() {
        let policy = crate::Policy::from_str(
            "policy \"p\"\ndefault auto_approve\n\
             risk { 30 when true as \"base\"; -10 when actor is human as \"a person\" }",
        )
        .unwrap();
        let request =
            crate::Request::from_json(br#"{"action":"deploy","actor":{"id":"a","kind":"human"}}"#)
                .unwrap();
        let context = crate::Context::at(jiff::Timestamp::UNIX_EPOCH);
        let text = decision_text(&policy.decide(&request, &context));
        assert!(
            text.contains("risk: 20: base +30, a person -10\n"),
            "{text}"
        );
    }
}
