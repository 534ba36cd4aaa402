//! One differential case: a generated policy, request and context, decided by the compiled
//! evaluator and by the reference interpreter, which must agree. Shared by the proptest in
//! `tests/differential.rs` and the `differential` cargo-fuzz target.

use gavel::eval::reference;
use gavel::{Context, Decision, DecisionOutcome, Policy, PreparedRequest, Request};

use super::choices::Choices;
use super::{policy_gen, request_gen};

/// One generated case.
pub struct Case {
    pub policy: String,
    /// Request JSON.
    pub request: String,
    pub context: Context,
}

impl Case {
    /// Generates a case from bytes.
    pub fn generate(bytes: Vec<u8>) -> Case {
        let mut c = Choices::new(bytes);
        let model = policy_gen::policy(&mut c);
        let request = request_gen::request(&mut c, &model);
        let context = request_gen::context(&mut c, &model, &request);
        Case {
            policy: model.text,
            request: serde_json::to_string_pretty(&request).unwrap(),
            context,
        }
    }

    /// The case, readably, for failure messages.
    pub fn describe(&self) -> String {
        format!(
            "--- policy ---\n{}\n--- request ---\n{}\n--- context ---\n{}\n",
            self.policy,
            self.request,
            serde_json::to_string_pretty(&self.context).unwrap()
        )
    }

    /// Decides the case with both evaluators, with and without explanations. Returns the
    /// compiled evaluator's decisions (without, then with explanations), or what went wrong.
    pub fn check(&self) -> Result<[Decision; 2], String> {
        let policy = Policy::from_str(&self.policy)
            .map_err(|e| format!("generator bug: the policy does not compile:\n{e}"))?;
        let request = Request::from_json(self.request.as_bytes())
            .map_err(|e| format!("generator bug: the request does not parse: {e}"))?;
        // Prepared once, decided twice (with and without explanations), as services do.
        let prepared = PreparedRequest::new(request.clone());
        let decide = |explain: bool| {
            let (compiled, from_prepared) = if explain {
                (
                    policy.decide_explained(&request, &self.context),
                    policy.decide_prepared_explained(&prepared, &self.context),
                )
            } else {
                (
                    policy.decide(&request, &self.context),
                    policy.decide_prepared(&prepared, &self.context),
                )
            };
            if from_prepared != compiled {
                return Err(format!(
                    "explain = {explain}: the prepared request decides differently:\n{}",
                    compare(&compiled, &from_prepared).err().unwrap_or_default()
                ));
            }
            let reference = reference::decide(policy.checked(), &request, &self.context, explain);
            compare(&compiled, &reference)
                .and_then(|()| invariants(&compiled))
                .map_err(|problem| format!("explain = {explain}: {problem}"))?;
            Ok::<_, String>(compiled)
        };
        Ok([decide(false)?, decide(true)?])
    }
}

/// Field-by-field comparison of the two decisions, as JSON so that a difference reads well.
pub fn compare(compiled: &Decision, reference: &Decision) -> Result<(), String> {
    let a = serde_json::to_value(compiled).unwrap();
    let b = serde_json::to_value(reference).unwrap();
    let (Some(a), Some(b)) = (a.as_object(), b.as_object()) else {
        return Err("a decision does not serialize to an object".into());
    };
    let mut problems = Vec::new();
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        let (x, y) = (a.get(key), b.get(key));
        if x != y {
            let pretty = |v: Option<&serde_json::Value>| {
                v.map_or("(absent)".to_string(), |v| {
                    serde_json::to_string_pretty(v).unwrap()
                }) + "\n"
            };
            let (x, y) = (pretty(x), pretty(y));
            let diff = similar::TextDiff::from_lines(&x, &y)
                .unified_diff()
                .context_radius(4)
                .header("compiled", "reference")
                .to_string();
            problems.push(format!("field `{key}` differs:\n{diff}"));
        }
    }
    if problems.is_empty() && compiled != reference {
        problems.push("the decisions differ, but not in their JSON".into());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the compiled evaluator and the reference interpreter disagree\n{}",
            problems.join("\n")
        ))
    }
}

/// What every decision keeps, whichever evaluator made it.
pub fn invariants(d: &Decision) -> Result<(), String> {
    let mut broken = Vec::new();
    if d.dry_run && d.authorizes {
        broken.push("a dry run authorizes");
    }
    if d.outcome == DecisionOutcome::Block && d.authorizes {
        broken.push("a block authorizes");
    }
    if d.authorizes != (!d.dry_run && d.outcome.may_proceed()) {
        broken.push("`authorizes` is not `outcome may proceed and not a dry run`");
    }
    // A break-glass override lifts neither an evaluation error nor a license denial.
    if !d.errors.is_empty() && d.outcome != DecisionOutcome::Block {
        broken.push("an evaluation error does not block");
    }
    if d.license.as_ref().is_some_and(|l| !l.allowed) && d.outcome != DecisionOutcome::Block {
        broken.push("a license that does not allow the request does not block");
    }
    if d.input_error.is_some() && d.outcome != DecisionOutcome::Block {
        broken.push("an input error does not block");
    }
    if d.halt.is_some() && d.outcome != DecisionOutcome::Block {
        broken.push("a halt does not block");
    }
    if broken.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "invariants broken: {}\n{}",
            broken.join("; "),
            serde_json::to_string_pretty(d).unwrap()
        ))
    }
}
