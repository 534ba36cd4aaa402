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

#![allow(missing_docs, clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use gavel::eval::request_digest;
use gavel::{Context, Policy, PreparedRequest, Request};

/// A request of `n` files spread over allowed, protected and other paths.
fn request(n: usize) -> Request {
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
    let json = serde_json::json!({
        "action": "apply_patch",
        "environment": "dev",
        "actor": {"id": "autopack-agent", "kind": "agent"},
        "files": files,
        "attributes": {
            "run_id": "bench",
            "parallelism_isolation.allowed": true,
            "requested_workers": 1,
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
