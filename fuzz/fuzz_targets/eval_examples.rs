//! Arbitrary bytes as a request (JSON or YAML) against every example policy: never a panic,
//! and a request that cannot be read, or does not fit, is a block.
#![no_main]

use std::sync::OnceLock;

use gavel::{Context, Policy, Request};
use libfuzzer_sys::fuzz_target;

fn policies() -> &'static [Policy] {
    static POLICIES: OnceLock<Vec<Policy>> = OnceLock::new();
    POLICIES.get_or_init(|| {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../policies");
        gavel::load::discover_policies(std::path::Path::new(root))
            .expect("example policies")
            .iter()
            .map(|dir| Policy::load(dir).expect("example policy compiles"))
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let now: jiff::Timestamp = "2026-01-01T00:00:00Z".parse().expect("time");
    let context = Context::at(now);
    for policy in policies() {
        let decision = match Request::from_bytes(data) {
            Ok(request) => policy.decide(&request, &context),
            Err(e) => gavel::eval::input_error_decision(policy.checked(), policy.spec_hash(), data, &e, now),
        };
        if decision.input_error.is_some() || !decision.errors.is_empty() {
            assert_eq!(decision.outcome.as_str(), "block");
        }
        assert!(!(decision.dry_run && decision.authorizes));
        let json = serde_json::to_string(&decision).expect("decisions serialize");
        let back: gavel::Decision = serde_json::from_str(&json).expect("decisions read back");
        assert_eq!(serde_json::to_string(&back).expect("serialize"), json);
    }
});
