//! "No allocation proportional to the policy size per decision": a decision allocates the
//! same number of blocks, and the same number of bytes, whether the policy is `autopack` or
//! `autopack` with 400 more rules over 400 more path sets (2,000 more globs of every shape)
//! that the request does not touch.
//!
//! Its own test binary, because it counts every allocation of the process through dhat's
//! global allocator (which would slow down the other tests), with a single `#[test]`: dhat
//! allows one profiler at a time.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use gavel::{Context, Policy, PreparedRequest, Request};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

/// `autopack`'s sources, plus `extra_rules` rules over sets of five globs each.
fn autopack_with(extra_rules: usize) -> Policy {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/policies/autopack");
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "gavel"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    let mut extra = String::new();
    for i in 0..extra_rules {
        extra.push_str(&format!(
            "paths extra{i} [\"vendor{i}/**\", \"**/*.ext{i}\", \"gen/file{i}.rs\", \
             \"lib{i}/*.c\", \"pre{i}*/x?{i}\"]\n\
             rule extra{i} \"untouched set {i}\" {{\n  when any file in extra{i} or lines.added > {}\n  then block \"extra {i}\"\n}}\n",
            1_000_000 + i
        ));
    }
    files.push(("extra.gavel".into(), extra));
    Policy::from_sources(files).unwrap_or_else(|e| panic!("{e}"))
}

fn request() -> PreparedRequest {
    let json = br#"{"action": "apply_patch", "environment": "dev",
        "actor": {"id": "autopack-agent", "kind": "agent"},
        "files": [
          {"path": "docs/guide.md", "added": 3},
          {"path": "tests/test_engine.py", "added": 4, "removed": 1},
          {"path": "src/autopack/research/gatherer.py", "added": 5, "removed": 2},
          {"path": "examples/demo.py", "added": 6},
          {"path": "scripts/tool.sh", "added": 7, "removed": 1}],
        "attributes": {"run_id": "r1", "parallelism_isolation.allowed": true,
                       "requested_workers": 1, "max_concurrent_runs": 4}}"#;
    PreparedRequest::new(Request::from_json(json).unwrap())
}

/// Blocks and bytes allocated by deciding `request` with `policy` (the decision dropped
/// included).
fn allocated(policy: &Policy, request: &PreparedRequest, context: &Context) -> (u64, u64) {
    let before = dhat::HeapStats::get();
    let decision = policy.decide_prepared(request, context);
    assert!(decision.input_error.is_none(), "{:?}", decision.input_error);
    drop(decision);
    let after = dhat::HeapStats::get();
    (
        after.total_blocks - before.total_blocks,
        after.total_bytes - before.total_bytes,
    )
}

#[test]
fn a_decision_allocates_the_same_whatever_the_size_of_the_policy() {
    let small = autopack_with(0);
    let large = autopack_with(400);
    assert_eq!(
        large.checked().rules.len(),
        small.checked().rules.len() + 400
    );
    let request = request();
    let context = Context::at("2026-03-01T12:00:00Z".parse().unwrap());
    let _profiler = dhat::Profiler::builder().testing().build();
    // The first decisions on this thread size its reused scratch memory.
    for policy in [&small, &large] {
        allocated(policy, &request, &context);
    }
    let (small_blocks, small_bytes) = allocated(&small, &request, &context);
    let (large_blocks, large_bytes) = allocated(&large, &request, &context);
    assert!(
        small_blocks > 0,
        "nothing was counted: is dhat the allocator?"
    );
    // The budget README states: the decision's own vectors, its summary and the evidence's
    // file names — and no more (the id, the policy's text and the request summary are
    // inline or shared).
    assert!(
        small_blocks <= 8,
        "{small_blocks} allocations for a 5-file decision, more than the 8 README states"
    );
    assert_eq!(
        (large_blocks, large_bytes),
        (small_blocks, small_bytes),
        "blocks and bytes allocated per decision: 400 untouched rules more must not change them"
    );
    // The same decision with the same outcome: the extra rules really did not fire.
    assert_eq!(
        large.decide_prepared(&request, &context).outcome,
        small.decide_prepared(&request, &context).outcome
    );
}
