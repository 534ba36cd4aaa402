//! An AI coding agent's patch gate: before applying a patch, ask gavel.
//!
//! Run it with `cargo run --example agent_gate`. It loads the `autopack` example policy and
//! decides three patches: a small docs change (applied), a change to a protected module
//! (parked until a human approves) and a secrets change in production (refused).

use gavel::{Context, DecisionId, DecisionOutcome, Policy, Request};

/// What the agent does with a patch, given gavel's decision.
#[derive(Debug, PartialEq)]
enum Action {
    Apply,
    WaitForApproval {
        decision_id: DecisionId,
        summary: String,
    },
    Refuse {
        reason: String,
    },
}

fn gate(policy: &Policy, patch: &Request, now: jiff::Timestamp) -> Action {
    let decision = policy.decide(patch, &Context::at(now));
    // `authorizes` is the one bit to act on: it is false for blocks, pending gates and dry runs.
    if decision.authorizes {
        return Action::Apply;
    }
    match decision.outcome {
        DecisionOutcome::RequireApproval => Action::WaitForApproval {
            decision_id: decision.id,
            summary: decision.summary,
        },
        _ => Action::Refuse {
            reason: decision.summary,
        },
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/policies/autopack");
    // Load once at start-up; `Policy` is immutable, `Send + Sync` and cheap to clone.
    let policy = Policy::load(dir)?;
    let now: jiff::Timestamp = "2026-03-01T12:00:00Z".parse()?;
    for file in [
        "docs-change.json",
        "protected-change.json",
        "agent-touches-secrets.json",
    ] {
        let path = format!("{}/examples/requests/{file}", env!("CARGO_MANIFEST_DIR"));
        let patch = Request::from_bytes(&std::fs::read(path)?)?;
        println!("{file}: {:?}", gate(&policy, &patch, now));
    }
    Ok(())
}
