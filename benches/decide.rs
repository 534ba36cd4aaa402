//! `cargo bench --bench decide`: deciding requests of 1, 5, 40 and 1,000 files against the
//! `autopack` example policy, evidence included. The request is parsed once outside the
//! measured loop, as a service would.
//!
//! - `decide/autopack/N`: `Policy::decide` on a plain `Request` — prepares it (its digest,
//!   SHA-256 of its canonical JSON, and its normalized files) and decides.
//! - `prepare/N`: `PreparedRequest::new` alone (the request is cloned outside the timing).
//! - `decide_prepared/autopack/N`: `Policy::decide_prepared`, the decision on a request
//!   prepared once.
//! - `request_digest/N`: the digest alone, the largest part of preparing.
//! - `decide_prepared/floor/*`: the 5-file request against a policy of one default, and of
//!   one gate rule: what any decision costs before the policy's own work.
//! - `decide_prepared/autopack_varied/5`: 1,024 different 5-file requests decided in turn,
//!   per decision. The other benches decide one request again and again, so the CPU's
//!   branch predictor learns its paths and outcomes; a service sees a different request
//!   every time, and this is closer to what it pays.

#![allow(missing_docs, clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use gavel::eval::request_digest;
use gavel::{Context, Policy, PreparedRequest, Request};

/// A request of `n` files spread over allowed, protected and other paths, with the
/// attributes `autopack` declares.
fn request(n: usize) -> Request {
    with_files(
        n,
        serde_json::json!({
            "environment": "dev",
            "attributes": {
                "run_id": "bench",
                "parallelism_isolation.allowed": true,
                "requested_workers": 1,
                "max_concurrent_runs": 4
            }
        }),
    )
}

/// The same files without environment and attributes, for policies that declare none.
fn plain_request(n: usize) -> Request {
    with_files(n, serde_json::json!({}))
}

/// A request of `n` files, with the members of `extra` added.
fn with_files(n: usize, extra: serde_json::Value) -> Request {
    let paths = [
        "docs/guide.md",
        "tests/test_engine.py",
        "src/autopack/research/gatherer.py",
        "examples/demo.py",
        "scripts/tool.sh",
        "README.md",
    ];
    let files: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let base = paths[i % paths.len()];
            let path = if i < paths.len() {
                base.to_string()
            } else {
                format!("{base}.{i}")
            };
            serde_json::json!({"path": path, "added": 3 + i % 7, "removed": i % 3})
        })
        .collect();
    let mut json = serde_json::json!({
        "action": "apply_patch",
        "actor": {"id": "autopack-agent", "kind": "agent"},
        "files": files,
    });
    if let (Some(json), Some(extra)) = (json.as_object_mut(), extra.as_object()) {
        json.extend(extra.clone());
    }
    Request::from_json(json.to_string().as_bytes()).unwrap_or_else(|e| panic!("{e}"))
}

/// The `i`th of the varied 5-file requests: paths drawn from allowed, protected, database
/// and other directories, sizes and line counts differing, so that decisions differ too
/// (auto-approved, notified, waiting for approval).
fn varied_request(i: usize) -> Request {
    const DIRS: [&str; 8] = [
        "docs",
        "tests/unit",
        "src/autopack/research",
        "examples",
        "scripts",
        "docs/guides/setup",
        "config",
        "tests",
    ];
    const NAMES: [&str; 6] = [
        "guide.md",
        "test_engine.py",
        "run.sh",
        "data.db",
        "a.py",
        "notes",
    ];
    // A small deterministic mix (an LCG), the same on every run.
    let mut state = (i as u64)
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = |n: usize| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as usize % n
    };
    let files: Vec<serde_json::Value> = (0..5)
        .map(|k| {
            let path = format!(
                "{}/{}{}_{}",
                DIRS[next(DIRS.len())],
                k,
                i,
                NAMES[next(NAMES.len())]
            );
            serde_json::json!({"path": path, "added": next(25), "removed": next(8)})
        })
        .collect();
    let json = serde_json::json!({
        "action": "apply_patch",
        "actor": {"id": "autopack-agent", "kind": "agent"},
        "environment": "dev",
        "files": files,
        "attributes": {
            "run_id": format!("run-{i}"),
            "parallelism_isolation.allowed": true,
            "requested_workers": 1 + next(3),
            "max_concurrent_runs": 4
        }
    });
    Request::from_json(json.to_string().as_bytes()).unwrap_or_else(|e| panic!("{e}"))
}

fn bench(c: &mut Criterion) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/policies/autopack");
    let policy = Policy::load(dir).unwrap_or_else(|e| panic!("{e}"));
    let context = Context::at("2026-03-01T12:00:00Z".parse().unwrap_or_default());
    let mut group = c.benchmark_group("decide/autopack");
    for n in [1usize, 5, 40, 1000] {
        let r = request(n);
        let decision = policy.decide(&r, &context);
        assert!(decision.input_error.is_none(), "{:?}", decision.input_error);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &r, |b, r| {
            b.iter(|| policy.decide(r, &context))
        });
    }
    group.finish();
    let mut group = c.benchmark_group("decide_prepared/autopack");
    for n in [1usize, 5, 40, 1000] {
        let r = PreparedRequest::new(request(n));
        assert_eq!(
            policy.decide_prepared(&r, &context),
            policy.decide(r.request(), &context)
        );
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &r, |b, r| {
            b.iter(|| policy.decide_prepared(r, &context))
        });
    }
    group.finish();
    let mut group = c.benchmark_group("decide_prepared/autopack_varied");
    let varied: Vec<PreparedRequest> = (0..1024)
        .map(|i| PreparedRequest::new(varied_request(i)))
        .collect();
    for r in &varied {
        let decision = policy.decide_prepared(r, &context);
        assert!(decision.input_error.is_none(), "{:?}", decision.input_error);
    }
    let mut outcomes: Vec<String> = varied
        .iter()
        .map(|r| format!("{:?}", policy.decide_prepared(r, &context).outcome))
        .collect();
    outcomes.sort();
    outcomes.dedup();
    assert!(
        outcomes.len() >= 3,
        "the varied requests decide alike: {outcomes:?}"
    );
    group.bench_function("5", |b| {
        let mut next = varied.iter().cycle();
        b.iter(|| next.next().map(|r| policy.decide_prepared(r, &context)))
    });
    group.finish();
    let floor = [
        ("default_only", "policy \"p\"\ndefault auto_approve\n"),
        (
            "one_gate",
            "policy \"p\"\nroles admin\n\
             approver \"x@y\" roles admin key \"ed25519:WxS2wFwZ/2OmFMeaJ+E250HCqshlnWuT+E0PltapeAA=\"\n\
             paths docs [\"docs/**\"]\ndefault auto_approve\n\
             rule r \"docs\" {\n  when any file in docs\n  then require 1 approval from admin within 1h\n}\n",
        ),
    ];
    let mut group = c.benchmark_group("decide_prepared/floor");
    let five = PreparedRequest::new(plain_request(5));
    for (name, source) in floor {
        let policy = Policy::from_str(source).unwrap_or_else(|e| panic!("{e}"));
        let decision = policy.decide_prepared(&five, &context);
        assert!(decision.input_error.is_none(), "{:?}", decision.input_error);
        group.bench_function(name, |b| b.iter(|| policy.decide_prepared(&five, &context)));
    }
    group.finish();
    let mut group = c.benchmark_group("prepare");
    for n in [5usize, 1000] {
        let r = request(n);
        group.bench_with_input(BenchmarkId::from_parameter(n), &r, |b, r| {
            b.iter_batched(|| r.clone(), PreparedRequest::new, BatchSize::SmallInput)
        });
    }
    group.finish();
    let mut group = c.benchmark_group("request_digest");
    for n in [5usize, 1000] {
        let r = request(n);
        group.bench_with_input(BenchmarkId::from_parameter(n), &r, |b, r| {
            b.iter(|| request_digest(r))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
