//! Integration tests: all in one binary (like `just`'s `tests/lib.rs`) so they build once.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod support;

mod api;
mod approval_gates;
mod audit;
mod bad_input;

mod cli_check;
mod cli_eval;
mod cli_eval_audit;
mod cli_fmt;
mod cli_init;
mod cli_test_json;
mod cli_trust;
mod decision_assembly;
mod diagnostics;
mod differential;
mod embedder_context;
mod examples;
mod fail_closed;
mod fmt_roundtrip;
mod fmt_snapshots;
mod git_input;
mod glob_semantics;
mod license_claims;
mod limits;
mod properties;
mod request_input;
mod test_coverage;
mod trust;
mod usage_limits;
