//! Assembling a decision: validation, risk, rules, promotion, license, gates, halt.
//!
//! Every failure on the way is a `block` that names the failure. Nothing here is skipped on
//! error: a rule whose evaluation fails blocks the decision, because an engine that skips
//! an erroring restriction fails open.

use std::sync::{Arc, LazyLock};

use jiff::Timestamp;
use sha2::{Digest, Sha256};
use smallvec::SmallVec;

use super::context::{Context, HaltState};
use super::decision::{
    Decision, DecisionOutcome, EvaluationError, FiredRule, InputError, NotFired, PolicyRef,
    RequestSummary, RiskContribution, RiskReport, RuleOutcome,
};
use super::decision_id::{DecisionId, IdPrefix};
use super::engine::{Evaluator, Purpose, RiskValue};
use super::evidence;
use super::gates;
use super::pending_summary::pending_summary;
use super::policy_checks::{license_check, promotion_check};
use super::validate::validate;
use super::value::EvalError;
use crate::checked::{CheckedPolicy, GateSpec, Message, MessagePart, Outcome, RISK_MAX, RISK_MIN};
use crate::compile::Compiled;
use crate::limits::MAX_STRING_BYTES;
use crate::number::Decimal;
use crate::request::{Mode, Request, RequestError, RequestFacts};
use crate::shared_str::SharedStr;

/// Which evaluator decides.
pub(crate) enum Engine<'c> {
    /// The compiled evaluator.
    Compiled(&'c Compiled),
    /// The reference interpreter.
    Reference,
}

pub use crate::request::request_digest;

/// A `block` with nothing decided yet: the starting point every decision fills in.
pub(super) fn empty_decision(
    policy: Arc<PolicyRef>,
    request: Arc<RequestSummary>,
    now: Timestamp,
    dry_run: bool,
) -> Decision {
    Decision {
        // Replaced by `finish`, which every decision goes through.
        id: DecisionId::PLACEHOLDER,
        outcome: DecisionOutcome::Block,
        authorizes: false,
        dry_run,
        summary: String::new(),
        reasons: Vec::new(),
        gates: Vec::new(),
        fired: Vec::new(),
        default_applied: false,
        risk: None,
        errors: Vec::new(),
        input_error: None,
        halt: None,
        promotion: None,
        license: None,
        approvals: Vec::new(),
        ignored_approvals: Vec::new(),
        override_: None,
        explanation: None,
        policy,
        request,
        evaluated_at: now,
        requested_at: None,
        signature: None,
    }
}

/// The summary of a request that could not be read: only its bytes identify it, by their
/// SHA-256 (`digest`).
fn unread_request(digest: &[u8; 32]) -> Arc<RequestSummary> {
    Arc::new(RequestSummary {
        digest: hex::encode(digest),
        action: String::new(),
        environment: None,
        from_environment: None,
        actor: String::new(),
        actor_kind: String::new(),
        files: 0,
        lines_added: 0,
        lines_removed: 0,
        reference: None,
        reason: None,
    })
}

/// A decision for a request that could not even be read: block, naming the error.
pub fn input_error_decision(
    policy: &CheckedPolicy,
    spec_hash: &str,
    raw: &[u8],
    error: &RequestError,
    now: Timestamp,
) -> Decision {
    unread_block(&policy.name, spec_hash, raw, now, |decision| {
        block_on_input_error(decision, error);
    })
}

/// A decision for a request that was read but is refused before it is decided (`gavel
/// eval`: `--git` or a flag could not be applied to it, a credential file could not be read):
/// block, naming the error. Its `request` — digest and summary — is `request`'s, as a
/// decision on it would give.
pub(crate) fn request_input_error_decision(
    policy: &CheckedPolicy,
    spec_hash: &str,
    request: &Request,
    error: &RequestError,
    now: Timestamp,
) -> Decision {
    let id_prefix = IdPrefix::new(&policy.name, spec_hash);
    let facts = RequestFacts::of(request);
    let mut decision = empty_decision(
        id_prefix.policy().clone(),
        facts.summary.clone(),
        now,
        request.mode == Mode::DryRun,
    );
    block_on_input_error(&mut decision, error);
    finish(&mut decision, &facts.digest_bytes, &[], &id_prefix);
    decision
}

/// A decision when there is no usable policy at all (it does not load or compile): block,
/// naming why. `request_bytes` identifies the request when one was read.
pub fn policy_error_decision(
    policy_name: &str,
    error: &str,
    request_bytes: &[u8],
    now: Timestamp,
) -> Decision {
    unread_block(policy_name, "", request_bytes, now, |decision| {
        decision.force_block("policy", error);
    })
}

/// A block for a request known only by its bytes (`raw`), which `block` fills in with why.
fn unread_block(
    policy_name: &str,
    spec_hash: &str,
    raw: &[u8],
    now: Timestamp,
    block: impl FnOnce(&mut Decision),
) -> Decision {
    let id_prefix = IdPrefix::new(policy_name, spec_hash);
    let digest = Sha256::digest(raw).into();
    let mut decision = empty_decision(
        id_prefix.policy().clone(),
        unread_request(&digest),
        now,
        false,
    );
    block(&mut decision);
    finish(&mut decision, &digest, &[], &id_prefix);
    decision
}

fn block_on_input_error(decision: &mut Decision, error: &RequestError) {
    bound_summary(&mut decision.request);
    decision.input_error = Some(Box::new(InputError {
        field: error.field.clone(),
        message: error.message.clone(),
    }));
    decision.summary = format!("blocked: {error}");
    decision.reasons = vec![error.to_string()];
}

/// Cuts the strings of a refused request's summary to an excerpt when they are over
/// [`MAX_STRING_BYTES`]. Validation is what refuses an oversized actor, reason or action, so
/// until it passes they may be as large as the request itself (32 MiB); the decision echoes
/// them, and an input-error decision must still fit in an audit record (4 MiB) — a refusal
/// that cannot be recorded would go unaudited.
fn bound_summary(shared: &mut Arc<RequestSummary>) {
    let over = |s: &String| s.len() > MAX_STRING_BYTES;
    let optional = [
        &shared.environment,
        &shared.from_environment,
        &shared.reference,
        &shared.reason,
    ];
    if !over(&shared.action) && !over(&shared.actor) && !optional.into_iter().flatten().any(over) {
        return;
    }
    let summary = Arc::make_mut(shared);
    let optional = [
        &mut summary.environment,
        &mut summary.from_environment,
        &mut summary.reference,
        &mut summary.reason,
    ];
    let strings = [&mut summary.action, &mut summary.actor]
        .into_iter()
        .chain(optional.into_iter().flatten());
    for value in strings {
        if value.len() > MAX_STRING_BYTES {
            *value = format!("{} ({} bytes)", crate::quote::excerpt(value), value.len());
        }
    }
}

/// Decides `request` with the chosen evaluator.
pub(crate) fn assemble(
    policy: &CheckedPolicy,
    id_prefix: &IdPrefix,
    request: &Request,
    prepared: &RequestFacts<'_>,
    context: &Context,
    explain: bool,
    engine: Engine<'_>,
) -> Decision {
    let dry_run = request.mode == Mode::DryRun;
    let mut decision = empty_decision(
        id_prefix.policy().clone(),
        prepared.summary.clone(),
        context.now,
        dry_run,
    );
    let validated = match validate(policy, request, prepared, context) {
        Ok(v) => v,
        Err(error) => {
            block_on_input_error(&mut decision, &error);
            if let Some(halt) = &context.halt {
                name_halt(&mut decision, halt);
            }
            finish(
                &mut decision,
                &prepared.digest_bytes,
                &context.approvals,
                id_prefix,
            );
            return decision;
        }
    };
    let facts = validated.facts(request, context);
    match engine {
        Engine::Compiled(compiled) => match super::fast::FastEvaluator::new(compiled, facts) {
            // One stack check for the whole evaluation (see `FastEvaluator::depth`).
            Ok(mut ev) => crate::stack::guarded(|| {
                run(&mut ev, policy, request, context, explain, &mut decision);
            }),
            Err(error) => {
                decision.errors.push(EvaluationError {
                    location: "request facts".into(),
                    error: error.to_string(),
                });
                decision.summary = format!("blocked: evaluation failed: {error}");
                decision.reasons = vec![decision.summary.clone()];
            }
        },
        Engine::Reference => run(
            &mut super::reference::Reference::new(policy, facts),
            policy,
            request,
            context,
            explain,
            &mut decision,
        ),
    }
    finish(
        &mut decision,
        &prepared.digest_bytes,
        &context.approvals,
        id_prefix,
    );
    decision
}

/// What became of collecting a rule's evidence (or explanation): `Ok(None)` when whole,
/// `Ok(Some(why))` when it stops short at its own work limit — evidence shows again what the
/// decision already decided, so running out only leaves it incomplete — and `Err` for any
/// other failure, which means the evaluators disagree about a condition they evaluated
/// before: an evaluation error at `location`, which blocks.
fn shown_short(
    collected: Result<(), EvalError>,
    location: impl FnOnce() -> String,
) -> Result<Option<String>, EvaluationError> {
    match collected {
        Ok(()) => Ok(None),
        Err(error) if super::fast::is_over_the_limit(&error) => Ok(Some(error.to_string())),
        Err(error) => Err(EvaluationError {
            location: location(),
            error: error.to_string(),
        }),
    }
}

/// Evaluates risk and rules and combines outcomes, gates and forced blocks.
fn run<'a, E: Evaluator<'a>>(
    ev: &mut E,
    policy: &'a CheckedPolicy,
    request: &'a Request,
    context: &'a Context,
    explain: bool,
    decision: &mut Decision,
) {
    risk(ev, policy, decision);
    // Whether every rule's condition was evaluated on a complete risk score: only then is
    // "no rule fired" known, and the default may decide.
    let mut rules_known = decision.errors.is_empty();

    // Rules fire independently; order never matters.
    let mut strictest: Option<u8> = None;
    // Few rules that require approval fire at once: their specs stay on the stack.
    let mut gate_specs: GateSpecs<'a> = SmallVec::new();
    let mut block_reasons = Vec::new();
    let mut notes = Vec::new();
    let mut not_fired = Vec::new();
    for (index, rule) in policy.rules.iter().enumerate() {
        let fired = match ev.rule_condition(index, &rule.condition) {
            Ok(fired) => fired,
            Err(error) => {
                decision.errors.push(EvaluationError {
                    location: format!("rule `{}`", rule.name),
                    error: error.to_string(),
                });
                rules_known = false;
                continue;
            }
        };
        if !fired {
            if explain {
                let mut evidence = Vec::new();
                let explained = ev.apart(Purpose::Explanation, |ev| {
                    evidence::collect(ev, policy, &rule.condition, false, &mut evidence)
                });
                let evidence_error =
                    shown_short(explained, || format!("explanation of rule `{}`", rule.name));
                not_fired.push(NotFired {
                    rule: rule.name.clone(),
                    evidence,
                    evidence_error: evidence_error.unwrap_or_else(|e| {
                        decision.errors.push(e);
                        None
                    }),
                });
            }
            continue;
        }
        // Evidence shows again what the condition decided: a failure to collect it (the
        // evidence's work limit, spent by rules that share a costly helper the decision
        // memoized) leaves the evidence incomplete, not the decision in doubt.
        let mut evidence = Vec::new();
        let collected = ev.apart(Purpose::Evidence, |ev| {
            evidence::collect(ev, policy, &rule.condition, true, &mut evidence)
        });
        let evidence_error = shown_short(collected, || format!("evidence of rule `{}`", rule.name))
            .unwrap_or_else(|e| {
                decision.errors.push(e);
                None
            });
        let message = match outcome_message(ev, &rule.outcome) {
            Ok(m) => m,
            Err(error) => {
                let unshown = unshown_message(&error);
                decision.errors.push(EvaluationError {
                    location: format!("message of rule `{}`", rule.name),
                    error: error.to_string(),
                });
                Some(unshown)
            }
        };
        record_outcome(
            &rule.name,
            &rule.outcome,
            message.as_deref(),
            &mut strictest,
            &mut gate_specs,
            &mut block_reasons,
            &mut notes,
        );
        super::push_first_four(
            &mut decision.fired,
            FiredRule {
                rule: rule.name.clone(),
                title: rule.title.clone(),
                outcome: rule_outcome(&rule.outcome),
                message,
                evidence,
                evidence_error,
            },
        );
    }
    // Empty lists are omitted: when every rule fired, there is nothing to explain.
    if explain && !not_fired.is_empty() {
        decision.explanation = Some(not_fired);
    }

    // When a rule (or a risk factor rules may read) failed, whether any would have fired is
    // not known: the default does not decide, and the errors block.
    if decision.fired.is_empty() && rules_known {
        decision.default_applied = true;
        match &policy.default {
            Some(default) => {
                let message = outcome_message(ev, default).unwrap_or_else(|error| {
                    let unshown = unshown_message(&error);
                    decision.errors.push(EvaluationError {
                        location: "message of the default".into(),
                        error: error.to_string(),
                    });
                    Some(unshown)
                });
                record_outcome(
                    default_rule_name(),
                    default,
                    message.as_deref(),
                    &mut strictest,
                    &mut gate_specs,
                    &mut block_reasons,
                    &mut notes,
                );
            }
            None => {
                strictest = Some(3);
                block_reasons.push(
                    "no rule allows this request and the policy has no default (default deny)"
                        .to_string(),
                );
            }
        }
    }

    let mut outcome = match strictest {
        Some(3) | None => DecisionOutcome::Block,
        Some(2) => DecisionOutcome::RequireApproval,
        Some(1) => DecisionOutcome::Notify,
        Some(_) => DecisionOutcome::AutoApprove,
    };
    let mut reasons: Vec<String> = Vec::new();
    let mut summary;
    if outcome == DecisionOutcome::Block {
        reasons.extend(block_reasons);
        summary = format!("blocked: {}", reasons.first().cloned().unwrap_or_default());
    } else {
        summary = match outcome {
            DecisionOutcome::AutoApprove => format!("auto-approved by {}", deciders(decision)),
            DecisionOutcome::Notify => {
                reasons.extend(notes);
                format!("proceed and notify: {}", reasons.join("; "))
            }
            _ => String::new(),
        };
    }

    // Gates: every `require` that fired is a gate, whatever won, so the decision says what
    // approval the request also needs. Only a pending requirement (nothing stricter fired)
    // turns into `approved`, `rejected` or `expired`.
    let mut rejection = None;
    if gate_specs.is_empty() {
        decision.ignored_approvals = context.rejected_credentials.clone();
    } else {
        let window_start = context
            .requested_at
            .or(request.requested_at)
            .unwrap_or(context.now);
        let result = gates::evaluate(policy, &gate_specs, request, context, window_start);
        decision.approvals = result.counted;
        decision.ignored_approvals = result.ignored;
        decision.gates = result.gates;
        // A window whose end cannot be represented (it starts within its length of the
        // largest time there is) would have no deadline and so never expire: fail closed.
        for gate in &decision.gates {
            if let (Some(window), None) = (gate.window, gate.deadline) {
                decision.errors.push(EvaluationError {
                    location: format!("the approval window of rule `{}`", gate.rule),
                    error: format!(
                        "{window} from {window_start} ends after the latest time gavel can represent ({})",
                        Timestamp::MAX
                    ),
                });
            }
        }
        decision.requested_at = (!decision.gates.is_empty()).then_some(window_start);
        rejection = result.rejection;
    }
    if outcome == DecisionOutcome::RequireApproval {
        if let Some((approver, reason)) = rejection {
            outcome = DecisionOutcome::Rejected;
            summary = format!(
                "rejected by {approver}: {}",
                crate::quote::one_line(&reason)
            );
            reasons.push(summary.clone());
        } else if !decision.gates.is_empty() && decision.gates.iter().all(|g| g.met) {
            outcome = DecisionOutcome::Approved;
            let mut approvers: Vec<&str> = decision
                .gates
                .iter()
                .flat_map(|g| g.approved_by.iter().map(String::as_str))
                .collect();
            approvers.sort_unstable();
            approvers.dedup();
            summary = format!("approved by {}", approvers.join(", "));
        } else if decision.gates.iter().any(|g| g.expired) {
            outcome = DecisionOutcome::Expired;
            // Every expired gate is a reason; the summary names the first.
            reasons.extend(decision.gates.iter().filter(|g| g.expired).map(|gate| {
                format!(
                    "expired: the approval window of `{}` closed at {} with {} of {} approvals",
                    gate.rule,
                    gate.deadline.map(|d| d.to_string()).unwrap_or_default(),
                    gate.count - gate.missing,
                    gate.count
                )
            }));
            let expired = reasons.len();
            summary = format!(
                "{}{}",
                reasons.first().map(String::as_str).unwrap_or_default(),
                and_more(expired - 1, "expired gate")
            );
        } else {
            summary = pending_summary(&decision.gates);
        }
    }

    // Checks that block whatever the rules say. A break-glass override may lift the
    // promotion order, which is the policy's own governance like its rules; it never lifts
    // what `lasting` names: a halt (resume first), a license that does not allow the request
    // (vendor licensing, not the policy's governance) or an evaluation error (what the
    // policy would have said is not known).
    let mut forced: Vec<String> = Vec::new();
    let mut lasting: Option<&str> = None;
    if let Some(promotion) = promotion_check(policy, request) {
        if !promotion.allowed {
            forced.push(match &promotion.next {
                Some(next) => format!(
                    "cannot skip environments: promote `{}` -> `{next}` first (the order is {})",
                    promotion.from,
                    policy.environments.join(" -> ")
                ),
                None => format!(
                    "`{}` -> `{}` is not a promotion",
                    promotion.from, promotion.to
                ),
            });
        }
        decision.promotion = Some(Box::new(promotion));
    }
    // A license given to a policy without tiers is checked too: it cannot verify (the
    // policy trusts no license authority and has no tier for it), and passing one there is
    // a mistake — the wrong policy, or a license meant for another — that must not go by
    // unnoticed.
    if !policy.licenses.is_empty() || context.license.is_some() {
        let report = license_check(policy, ev.facts(), context);
        if let Some(denial) = &report.denial {
            forced.push(denial.clone());
            lasting = Some("a license that does not allow the request");
        }
        decision.license = Some(Box::new(report));
    }
    // Every evaluation error is a reason, last of the forced ones; the summary names the
    // first.
    let errors = decision.errors.len();
    if errors > 0 {
        forced.extend(
            decision
                .errors
                .iter()
                .map(|e| format!("evaluation error: {} failed: {}", e.location, e.error)),
        );
        lasting = lasting.or(Some("an evaluation error"));
    }
    if let Some(halt) = &context.halt {
        forced.insert(0, halt_reason(halt));
        decision.halt = Some(Box::new(halt.clone()));
        lasting = Some("a halt (resume first)");
    }
    if !forced.is_empty() {
        // Notification messages are not reasons to block: they stay with their rules in
        // `fired`. Block messages, a rejection or an expiry still say why.
        if outcome == DecisionOutcome::Notify {
            reasons.clear();
        }
        outcome = DecisionOutcome::Block;
        let named = forced.len() - errors.saturating_sub(1);
        summary = format!(
            "blocked: {}{}",
            forced.get(..named).unwrap_or_default().join("; "),
            and_more(errors.saturating_sub(1), "evaluation error")
        );
        let mut all = forced;
        all.extend(reasons);
        reasons = all;
    }

    // Break glass: a verified override by an allowed role authorizes this one request,
    // except through what `lasting` names, and never for a dry run (`finish`). The decision
    // keeps what the policy said: its gates as counted, and every reason, after the
    // override's own.
    if let Some(ov) = &context.override_ {
        decision.override_ = Some(Box::new(ov.clone()));
        // An ignored override is an ignored credential. It is a reason too only where
        // reasons explain a refusal: those of a `notify` are the notifications to send
        // (found by QA: "override by mallory ignored" was among them).
        let mut ignore = |kind: &str, reason: String| {
            if !outcome.may_proceed() {
                reasons.push(reason.clone());
            }
            decision
                .ignored_approvals
                .push(super::context::IgnoredApproval {
                    approver: ov.by.clone(),
                    credential: None,
                    kind: kind.into(),
                    reason,
                });
        };
        // Checked against the policy here, whoever filled the context, like approvals.
        if let Err(why) = policy.approver_in_role(&ov.by, &ov.role, &policy.override_by, "override")
        {
            // `why` repeats the id and role as given: the whole line is escaped.
            ignore(
                "override_not_allowed",
                crate::quote::one_line(&format!("override by {} ignored: {why}", ov.by))
                    .into_owned(),
            );
        } else if crate::quote::says_nothing(&ov.reason) {
            // The reason is what the audit log records the glass was broken for: without
            // one, no override (`gavel override` refuses to write one; a caller filling the
            // context in code is held to the same).
            ignore(
                "override_without_reason",
                format!(
                    "override by {} ignored: it gives no reason, and an override's reason is \
                     mandatory",
                    ov.by
                ),
            );
        } else if outcome.may_proceed() {
            // Nothing to lift.
        } else if let Some(what) = lasting {
            reasons.push(format!(
                "override by {} not applied: an override does not lift {what}",
                ov.by
            ));
        } else {
            outcome = DecisionOutcome::Approved;
            let reason = crate::quote::one_line(&ov.reason);
            summary = format!(
                "OVERRIDDEN by {} ({}): {reason} — the policy said: {summary}",
                ov.by, ov.role,
            );
            reasons.insert(
                0,
                format!("overridden by {} ({}): {reason}", ov.by, ov.role),
            );
        }
    }

    decision.outcome = outcome;
    decision.summary = summary;
    decision.reasons = reasons;
}

/// Names `halt` first in a request's refusal (a `block` that says why in its summary and
/// reasons). A halt blocks every decision and every decision names it, a refused request's
/// too: whoever reads only the refusal must still learn that everything is stopped.
pub(crate) fn name_halt(decision: &mut Decision, halt: &HaltState) {
    let halted = halt_reason(halt);
    let why = decision
        .summary
        .strip_prefix("blocked: ")
        .unwrap_or(&decision.summary);
    decision.summary = format!("blocked: {halted}; {why}");
    decision.reasons.insert(0, halted);
    decision.halt = Some(Box::new(halt.clone()));
}

/// `halted by WHO at WHEN: WHY`, one line.
fn halt_reason(halt: &HaltState) -> String {
    format!(
        "halted by {} at {}: {}",
        crate::quote::one_line(&halt.by),
        halt.at,
        crate::quote::one_line(&halt.reason)
    )
}

/// ` (and N more WHATs)` for a summary that names the first of N + 1, or nothing.
fn and_more(more: usize, what: &str) -> String {
    match more {
        0 => String::new(),
        1 => format!(" (and 1 more {what})"),
        n => format!(" (and {n} more {what}s)"),
    }
}

/// Rules that decided an auto-approval, for the summary.
fn deciders(decision: &Decision) -> String {
    if decision.default_applied {
        return "the policy default (no rule fired)".into();
    }
    let names: Vec<String> = decision
        .fired
        .iter()
        .map(|f| format!("`{}`", f.rule))
        .collect();
    format!("rule {}", names.join(", "))
}

fn rule_outcome(outcome: &Outcome) -> RuleOutcome {
    match outcome {
        Outcome::AutoApprove => RuleOutcome::AutoApprove,
        Outcome::Notify(_) => RuleOutcome::Notify,
        Outcome::Require(_) => RuleOutcome::RequireApproval,
        Outcome::Block(_) => RuleOutcome::Block,
    }
}

/// The gates required by the rules that fired (and the default): each rule's name and spec.
type GateSpecs<'p> = SmallVec<[(&'p SharedStr, &'p GateSpec); 4]>;

/// The name gates and block reasons give the policy default, shared like rule names.
fn default_rule_name() -> &'static SharedStr {
    static NAME: LazyLock<SharedStr> = LazyLock::new(|| SharedStr::from("default"));
    &NAME
}

fn record_outcome<'p>(
    name: &'p SharedStr,
    outcome: &'p Outcome,
    message: Option<&str>,
    strictest: &mut Option<u8>,
    gates: &mut GateSpecs<'p>,
    blocks: &mut Vec<String>,
    notes: &mut Vec<String>,
) {
    let rank = outcome.rank();
    *strictest = Some(strictest.map_or(rank, |s| s.max(rank)));
    match outcome {
        Outcome::Require(spec) => gates.push((name, spec)),
        Outcome::Block(_) => blocks.push(format!("{} (rule `{name}`)", message.unwrap_or(""))),
        Outcome::Notify(_) => notes.push(message.unwrap_or("").to_string()),
        Outcome::AutoApprove => {}
    }
}

/// What a reason says in place of a `block` or `notify` message that failed to evaluate: a
/// reason left empty read as ` (rule \`a\`)`, saying nothing of why.
fn unshown_message(error: &EvalError) -> String {
    crate::quote::one_line(&format!("(the message could not be shown: {error})")).into_owned()
}

fn outcome_message<'a, E: Evaluator<'a>>(
    ev: &mut E,
    outcome: &'a Outcome,
) -> Result<Option<String>, EvalError> {
    match outcome {
        Outcome::Notify(m) | Outcome::Block(m) => render_message(ev, m).map(Some),
        _ => Ok(None),
    }
}

/// Interpolates a message.
pub(crate) fn render_message<'a, E: Evaluator<'a>>(
    ev: &mut E,
    message: &'a Message,
) -> Result<String, EvalError> {
    let mut out = String::new();
    for part in &message.parts {
        match part {
            MessagePart::Text(t) => out.push_str(t),
            // Request values are escaped: the message becomes the one-line summary.
            MessagePart::Expr(e) => {
                let shown = ev.eval(e, None)?.display();
                if shown.len() > crate::limits::MAX_SHOWN_VALUE_BYTES {
                    out.push_str(&format!(
                        "{} ({} bytes)",
                        crate::quote::excerpt(&shown),
                        shown.len()
                    ));
                } else {
                    out.push_str(&crate::quote::one_line(&shown));
                }
            }
        }
    }
    Ok(out)
}

/// Computes the risk score into `decision` and tells `ev` (conditions may read it).
pub(super) fn risk<'a, E: Evaluator<'a>>(
    ev: &mut E,
    policy: &'a CheckedPolicy,
    decision: &mut Decision,
) {
    let Some(risk) = &policy.risk else {
        return;
    };
    // Summed exactly, then clamped: the total of weights that each fit cannot overflow
    // an `i128`, so the score never depends on the order the factors are written in (an
    // intermediate sum past the range, brought back by a negative weight, is no error).
    let mut total = i128::from(RISK_MIN.raw());
    let mut factors = Vec::new();
    let mut failed = false;
    for (index, factor) in risk.factors.iter().enumerate() {
        let result = ev
            .factor_condition(index, &factor.condition)
            .and_then(|holds| {
                if holds {
                    ev.factor_weight(index, &factor.weight).map(Some)
                } else {
                    Ok(None)
                }
            });
        match result {
            Ok(Some(weight)) => {
                total += i128::from(weight.raw());
                super::push_first_four(
                    &mut factors,
                    RiskContribution {
                        factor: factor.label.clone(),
                        weight,
                    },
                );
            }
            Ok(None) => {}
            Err(error) => {
                failed = true;
                decision.errors.push(EvaluationError {
                    location: format!("risk factor `{}`", factor.label),
                    error: error.to_string(),
                });
            }
        }
    }
    // A failed factor leaves the score unknown: no score is reported, and rules reading it
    // fail in turn (`EvalError::risk_unknown`) rather than reading a partial sum.
    if failed {
        return;
    }
    let clamped = total.clamp(i128::from(RISK_MIN.raw()), i128::from(RISK_MAX.raw()));
    let score = i64::try_from(clamped).map_or(RISK_MAX, Decimal::from_raw);
    let level = risk
        .levels
        .iter()
        .find(|l| l.threshold.is_none_or(|t| score >= t))
        .map(|l| &l.name);
    ev.set_risk(RiskValue {
        score,
        level: level.map(|l| l.as_str()),
    });
    decision.risk = Some(RiskReport {
        score,
        level: level.cloned(),
        factors,
    });
}

/// Fills in the id and dry-run rules. `digest` is the bytes of `decision.request.digest`.
fn finish(
    decision: &mut Decision,
    digest: &[u8; 32],
    approvals: &[super::context::VerifiedApproval],
    id_prefix: &IdPrefix,
) {
    if decision.dry_run {
        decision.authorizes = false;
        decision.summary = format!("dry run: {}", decision.summary);
    } else {
        decision.authorizes = decision.outcome.may_proceed();
    }
    decision.id = id_prefix.id(digest, decision.evaluated_at, approvals);
}
