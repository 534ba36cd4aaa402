//! A generator of requests and contexts that fit a generated policy: mostly valid, so that
//! rules are really evaluated, sometimes not, so that input errors are exercised too.

use gavel::Context;
use gavel::eval::{HaltState, IgnoredApproval, Override, Verdict, VerifiedApproval};
use jiff::Timestamp;
use serde_json::{Value, json};

use super::choices::Choices;
use super::expr_gen::{AttrTy, BUILTIN_ACTIONS, BUILTIN_KINDS, ENVIRONMENTS, VERSIONS};
use super::policy_gen::{CAPS, PolicyModel, ROLES};

/// The decision time of every generated context.
pub const NOW: i64 = 1_772_366_400; // 2026-03-01T12:00:00Z

/// Path segments: the literal segments of the glob alphabet and near misses.
const SEGMENTS: &[&str] = &[
    "a",
    "b",
    "src",
    "docs",
    ".env",
    "x.py",
    "ab",
    ".env.local",
    "y.PY",
    "aa",
    "x.?y",
    "é",
    "É",
];
/// Paths that normalization rewrites or refuses.
const ODD_PATHS: &[&str] = &[
    "./a/b", "a\\b", "a/./x.py", "a/../b", "/a", "a//b", "", "a/", ".", "C:\\x",
];
/// Strings requests supply (actor ids, attributes): path-like, odd, empty.
const STRINGS: &[&str] = &[
    "",
    "a",
    "src",
    "src/a",
    "docs/x.py",
    "SRC",
    "a/",
    "/a",
    "a//b",
    "./a",
    ".env",
    "x.py",
    "docs",
    "Src/A",
    "DOCS/É",
    // A backslash is an ordinary byte in a string (only request paths are normalized).
    "a\\b",
];
const ACTOR_IDS: &[&str] = &["dev@example.com", "agent-7", "src/x.py", "docs", "A"];
const OTHER_APPROVER: &str = "mallory@example.com";

fn at(offset_seconds: i64) -> Timestamp {
    Timestamp::from_second(NOW + offset_seconds).expect("timestamp in range")
}

fn line_count(c: &mut Choices) -> u64 {
    match c.weighted(&[150, 80, 30, 15, 15, 1]) {
        0 => c.between(0, 10),
        1 => c.between(0, 1000),
        2 => c.between(0, 1_000_000),
        // The largest accepted count: sums and products of these overflow.
        3 => 1_000_000_000,
        4 => c.pick(&[999_999_999, 500_000_000, 123_456_789]),
        // Over the limit: an input error.
        _ => c.pick(&[1_000_000_001, 1_000_000_000_000]),
    }
}

fn path(c: &mut Choices) -> String {
    let n = 1 + c.below(3);
    let segments: Vec<&str> = (0..n).map(|_| c.pick(SEGMENTS)).collect();
    segments.join("/")
}

/// A path not in `seen` (then added to it), mostly; now and then a duplicate, which is an
/// input error. `None` when no fresh path came up.
fn fresh_path(c: &mut Choices, seen: &mut Vec<String>) -> Option<String> {
    let mut p = path(c);
    if seen.contains(&p) && !c.chance(2) {
        p = format!("{p}/{}", c.pick(SEGMENTS));
        if seen.contains(&p) {
            return None;
        }
    }
    seen.push(p.clone());
    Some(p)
}

fn files(c: &mut Choices) -> Vec<Value> {
    let n = c.below(13);
    let mut out = Vec::new();
    let mut seen = Vec::new();
    // One request in thirty has a path that normalization rewrites or refuses.
    let odd = c.chance(3).then(|| (c.below(n.max(1)), c.pick(ODD_PATHS)));
    for _ in 0..n {
        let Some(mut p) = fresh_path(c, &mut seen) else {
            continue;
        };
        if let Some((at, odd)) = odd
            && at == out.len()
        {
            p = odd.to_string();
        }
        let mut file = serde_json::Map::new();
        file.insert("path".into(), json!(p));
        if !c.chance(15) {
            file.insert("added".into(), json!(line_count(c)));
        }
        if c.chance(70) {
            file.insert("removed".into(), json!(line_count(c)));
        }
        match c.weighted(&[5, 2, 2, 2]) {
            0 => {
                if c.chance(30) {
                    file.insert("status".into(), json!("modified"));
                }
            }
            1 => {
                file.insert("status".into(), json!("added"));
            }
            2 => {
                file.insert("status".into(), json!("deleted"));
            }
            _ => {
                file.insert("status".into(), json!("renamed"));
                // A rename needs `from`; leaving it out is an input error.
                if !c.chance(1) {
                    let from = fresh_path(c, &mut seen).unwrap_or_else(|| format!("{p}.orig"));
                    file.insert("from".into(), json!(from));
                }
            }
        }
        out.push(Value::Object(file));
    }
    out
}

fn attribute_value(c: &mut Choices, ty: AttrTy) -> Value {
    // A value of the wrong type now and then: an input error.
    let ty = if c.chance(1) {
        c.pick(&[AttrTy::Str, AttrTy::Num, AttrTy::Bool, AttrTy::ListStr])
    } else {
        ty
    };
    match ty {
        AttrTy::Str => json!(c.pick(STRINGS)),
        AttrTy::Num => match c.weighted(&[20, 6, 3, 1]) {
            0 => json!(c.between(0, 20)),
            1 => json!(c.pick(&[0.5, 1.25, -3.0, 0.000001])),
            2 => json!(c.pick(&[9_000_000_000_000_i64, -9_000_000_000_000])),
            // Out of range or too precise: an input error.
            _ => json!(c.pick(&[10_000_000_000_000_f64, 0.123_456_789])),
        },
        AttrTy::Bool => json!(c.chance(50)),
        AttrTy::ListStr => {
            let n = c.below(4);
            let items: Vec<&str> = (0..n).map(|_| c.pick(STRINGS)).collect();
            json!(items)
        }
    }
}

/// A request for `model`, as JSON.
pub fn request(c: &mut Choices, model: &PolicyModel) -> Value {
    let names = &model.names;
    let mut actions: Vec<&str> = BUILTIN_ACTIONS.to_vec();
    actions.extend(names.custom_action);
    let action = if c.chance(1) {
        "hack"
    } else {
        c.pick(&actions)
    };
    let mut request = serde_json::Map::new();
    request.insert("action".into(), json!(action));
    // Without declared environments, any environment is an input error.
    let weights = if names.no_environments {
        [1, 60, 1]
    } else {
        [60, 1, 1]
    };
    match c.weighted(&weights) {
        0 => {
            request.insert("environment".into(), json!(c.pick(ENVIRONMENTS)));
        }
        1 => {}
        _ => {
            request.insert("environment".into(), json!("qa"));
        }
    }
    let needs_from = action == "promote" || names.from_environment;
    let include_from = if names.no_environments {
        c.chance(1)
    } else if needs_from {
        !c.chance(2)
    } else {
        c.chance(15)
    };
    if include_from {
        request.insert("from_environment".into(), json!(c.pick(ENVIRONMENTS)));
    }

    let mut ids: Vec<&str> = ACTOR_IDS.to_vec();
    ids.extend(model.approvers.iter().map(|a| a.id));
    let id = if c.chance(1) { " " } else { c.pick(&ids) };
    let mut roles = c.subset(ROLES, 30);
    if c.chance(10) {
        roles.push("ghost");
    }
    request.insert(
        "actor".into(),
        json!({
            "id": id,
            "kind": c.pick(&["human", "agent", "service"]),
            "roles": roles,
        }),
    );
    request.insert("files".into(), Value::Array(files(c)));

    if !c.chance(1) {
        let mut kinds: Vec<&str> = BUILTIN_KINDS.to_vec();
        kinds.extend(names.custom_kind);
        let mut change = serde_json::Map::new();
        if !c.chance(1) {
            let kind = if c.chance(1) { "weird" } else { c.pick(&kinds) };
            change.insert("kind".into(), json!(kind));
        }
        if !c.chance(1) {
            let version = if c.chance(1) {
                "huge"
            } else {
                c.pick(VERSIONS)
            };
            change.insert("version".into(), json!(version));
        }
        request.insert("change".into(), Value::Object(change));
    }
    if c.chance(20) {
        request.insert("mode".into(), json!("dry_run"));
    }

    let mut attributes = serde_json::Map::new();
    for attr in &names.attrs {
        // Left out: fine with a default, an input error without.
        let leave_out = if attr.default.is_some() {
            c.chance(50)
        } else {
            c.chance(1)
        };
        if !leave_out {
            attributes.insert(attr.name.to_string(), attribute_value(c, attr.ty));
        }
    }
    if c.chance(1) {
        attributes.insert("bogus".into(), json!(1));
    }
    if !attributes.is_empty() {
        request.insert("attributes".into(), Value::Object(attributes));
    }
    if c.chance(20) {
        request.insert(
            "requested_at".into(),
            json!(at(-(c.between(0, 72 * 3600) as i64)).to_string()),
        );
    }
    Value::Object(request)
}

/// A context for `request`: verified approvals and rejections, sometimes a halt or an override.
pub fn context(c: &mut Choices, model: &PolicyModel, request: &Value) -> Context {
    let mut context = Context::at(at(0));
    if c.chance(20) {
        context.requested_at = Some(at(-(c.between(0, 72 * 3600) as i64)));
    }
    let actor = request["actor"]["id"].as_str().unwrap_or("").to_string();
    let count = c.weighted(&[3, 3, 3, 3, 2, 1, 1]);
    let mut previous: Option<String> = None;
    for i in 0..count {
        let approver = match c.weighted(&[14, 2, 2, 2]) {
            0 => model.approvers[c.below(model.approvers.len())]
                .id
                .to_string(),
            1 => actor.clone(),
            2 => OTHER_APPROVER.to_string(),
            _ => previous
                .clone()
                .unwrap_or_else(|| model.approvers[0].id.to_string()),
        };
        let held: Vec<&str> = model
            .approvers
            .iter()
            .find(|a| a.id == approver)
            .map(|a| a.roles.clone())
            .unwrap_or_default();
        let useful: Vec<&str> = held
            .iter()
            .copied()
            .filter(|r| model.gate_roles.contains(r))
            .collect();
        let role = if !useful.is_empty() && !c.chance(20) {
            c.pick(&useful).to_string()
        } else if !held.is_empty() && !c.chance(20) {
            c.pick(&held).to_string()
        } else if !c.chance(20) {
            c.pick(ROLES).to_string()
        } else {
            "ghost".to_string()
        };
        let issued_at = match c.weighted(&[6, 3, 1]) {
            0 => at(-(c.between(0, 3 * 3600) as i64)),
            1 => at(-(c.between(0, 72 * 3600) as i64)),
            // In the future: within the clock-skew tolerance or beyond it.
            _ => at(c.between(1, 20 * 60) as i64),
        };
        let expires_at = c
            .chance(30)
            .then(|| at(c.between(0, 4 * 3600) as i64 - 2 * 3600));
        let verdict = if c.chance(12) {
            Verdict::Reject
        } else {
            Verdict::Approve
        };
        context.approvals.push(VerifiedApproval {
            approver: approver.clone(),
            role,
            verdict,
            issued_at,
            expires_at,
            scope: c.subset(CAPS, 50).iter().map(|s| s.to_string()).collect(),
            note: c.chance(30).then(|| format!("note {i}")),
            credential: c.chance(70).then(|| format!("cred-{}", c.below(4))),
        });
        previous = Some(approver);
    }
    if c.chance(8) {
        context.rejected_credentials.push(IgnoredApproval {
            approver: "eve@example.com".into(),
            credential: Some("cred-bad".into()),
            kind: "bad_signature".into(),
            reason: "the signature does not verify".into(),
        });
    }
    if c.chance(8) {
        context.halt = Some(HaltState {
            by: "alice@example.com".into(),
            at: at(-600),
            reason: "incident".into(),
        });
    }
    if c.chance(6) {
        let role = if !model.override_roles.is_empty() && c.chance(70) {
            c.pick(&model.override_roles)
        } else {
            c.pick(ROLES)
        };
        context.override_ = Some(Override {
            by: "bob@example.com".into(),
            role: role.to_string(),
            reason: "break glass".into(),
            at: at(-60),
        });
    }
    context
}
