//! The format of policy test files (`policies/<name>/tests/*.yaml`).

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, de};

use crate::eval::{HaltState, LicenseVerdict, Override, VerifiedApproval};

/// One test file.
#[derive(Debug, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a test file: a mapping with `cases`, a list of cases"
)]
pub struct TestFile {
    /// The cases, run in order.
    pub cases: Vec<TestCase>,
}

/// A request and what the policy must decide for it.
#[derive(Debug, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a test case: a mapping with `name`, `request` and `expect`"
)]
pub struct TestCase {
    /// Unique name within the file.
    pub name: String,
    /// The request, exactly as `gavel eval --request` reads it.
    pub request: serde_json::Value,
    /// What must be decided.
    pub expect: Expectation,
    /// Time, approvals, halt state...
    #[serde(default)]
    pub context: Option<TestContext>,
}

/// Expected parts of the decision; only the given ones are checked.
#[derive(Debug, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "`expect`: a mapping with `outcome` and optional expectations"
)]
pub struct Expectation {
    /// Required: the outcome.
    pub outcome: String,
    /// The exact set of rules that fired.
    #[serde(default, deserialize_with = "given")]
    pub fired: Option<Vec<String>>,
    /// Whether the default applied.
    #[serde(default, deserialize_with = "given")]
    pub default_applied: Option<bool>,
    /// Risk score (decimal string) and level.
    #[serde(default, deserialize_with = "given")]
    pub risk: Option<RiskExpectation>,
    /// The exact list of gates (by rule; count and roles when given).
    #[serde(default, deserialize_with = "given")]
    pub gates: Option<Vec<GateExpectation>>,
    /// A substring of the summary, a reason or the input error.
    #[serde(default, deserialize_with = "given")]
    pub reason_contains: Option<String>,
    /// Whether the decision authorizes the request.
    #[serde(default, deserialize_with = "given")]
    pub authorizes: Option<bool>,
}

/// Expected risk.
#[derive(Debug, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "`risk`: a mapping with `score` and/or `level`"
)]
pub struct RiskExpectation {
    /// Score as a decimal string.
    #[serde(default, deserialize_with = "given")]
    pub score: Option<String>,
    /// Level name.
    #[serde(default, deserialize_with = "given")]
    pub level: Option<String>,
}

/// An expected gate.
#[derive(Debug, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a gate: a mapping with `rule` and optional `count`, `roles`, `met`"
)]
pub struct GateExpectation {
    /// The rule requiring it (`default` for the default).
    pub rule: String,
    /// Approvals required.
    #[serde(default, deserialize_with = "given")]
    pub count: Option<u32>,
    /// Roles, in policy order.
    #[serde(default, deserialize_with = "given")]
    pub roles: Option<Vec<String>>,
    /// Whether it is met.
    #[serde(default, deserialize_with = "given")]
    pub met: Option<bool>,
}

/// The context of a test case.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "`context`: a mapping")]
pub struct TestContext {
    /// Decision time (default `2026-01-01T00:00:00Z`).
    #[serde(default, deserialize_with = "crate::timestamp_text::optional")]
    pub now: Option<jiff::Timestamp>,
    /// Approval window start.
    #[serde(default, deserialize_with = "crate::timestamp_text::optional")]
    pub requested_at: Option<jiff::Timestamp>,
    /// Verified approvals.
    #[serde(default)]
    pub approvals: Vec<VerifiedApproval>,
    /// Emergency stop.
    #[serde(default)]
    pub halt: Option<HaltState>,
    /// The caller's usage counters (`Context::usage`), read as a request's are (`3.0` is 3).
    #[serde(default, deserialize_with = "crate::request::count::usage_count_map")]
    pub usage: BTreeMap<String, u64>,
    /// License verification result.
    #[serde(default)]
    pub license: Option<LicenseVerdict>,
    /// Break-glass override.
    #[serde(default, rename = "override")]
    pub override_: Option<Override>,
}

/// An optional expectation that, when its key is there, must say something: `gates:` left
/// empty (null) would otherwise read as "not checked" and pass whatever was decided, where
/// its author likely meant "no gates" (`gates: []`).
fn given<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    match Option::<T>::deserialize(d)? {
        Some(value) => Ok(Some(value)),
        None => Err(de::Error::custom(
            "is empty (null), which checks nothing: give a value (`[]` for none), or leave the \
             key out",
        )),
    }
}
