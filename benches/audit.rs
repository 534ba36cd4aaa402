//! `cargo bench --bench audit`:
//!
//! * `gatekeeper/*`: signed, audited decisions per second in one process — each is
//!   `Policy::decide` on the `autopack` policy (5-file request), canonical JSON, HMAC,
//!   Ed25519 signature and an fsynced append, with N threads sharing fsyncs (group commit).
//! * `verify/*`: `verify_path` over a log of realistic decision records, MACs only and with
//!   every signature checked.

#![allow(missing_docs, clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use gavel::audit::{AuditKey, AuditLog, Entry, Gatekeeper, KeyRing, VerifyOptions, verify_path};
use gavel::keys::PrivateKey;
use gavel::sign::Signer;
use gavel::{Context, Policy, Request};

fn policy() -> Policy {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/policies/autopack");
    Policy::load(dir).unwrap_or_else(|e| panic!("{e}"))
}

fn request() -> Request {
    let json = serde_json::json!({
        "action": "apply_patch",
        "environment": "dev",
        "actor": {"id": "autopack-agent", "kind": "agent"},
        "files": [
            {"path": "docs/guide.md", "added": 12, "removed": 1},
            {"path": "tests/test_engine.py", "added": 40},
            {"path": "src/autopack/research/gatherer.py", "added": 7, "removed": 3},
            {"path": "examples/demo.py", "added": 5},
            {"path": "scripts/tool.sh", "added": 2}
        ],
        "attributes": {
            "run_id": "bench",
            "parallelism_isolation.allowed": true,
            "requested_workers": 1,
            "max_concurrent_runs": 4
        }
    });
    Request::from_json(json.to_string().as_bytes()).unwrap_or_else(|e| panic!("{e}"))
}

fn keys() -> KeyRing {
    use sha2::Digest as _;
    let key = hex::encode(sha2::Sha256::digest(b"gavel bench key"));
    KeyRing::new(AuditKey::from_hex(&key, "bench").unwrap())
}

fn signer() -> Signer {
    Signer::new(PrivateKey::from_seed(&[7u8; 32]))
}

fn gatekeeper(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let log = AuditLog::open(dir.path().join("audit.jsonl"), keys()).unwrap();
    let gk = Arc::new(Gatekeeper::new(policy(), signer(), log));
    let request = Arc::new(request());
    let now = "2026-03-01T12:00:00Z".parse().unwrap();
    let probe = gk.decide_with(&request, Context::at(now));
    assert!(probe.receipt.is_some(), "{:?}", probe.error);
    let mut group = c.benchmark_group("gatekeeper");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(6));
    group.throughput(Throughput::Elements(1));
    for threads in [1u64, 8, 32, 128] {
        group.bench_with_input(
            BenchmarkId::new("decide_sign_append_threads", threads),
            &threads,
            |b, &threads| {
                b.iter_custom(|iters| {
                    let per = iters.div_ceil(threads);
                    let start = Instant::now();
                    std::thread::scope(|s| {
                        for _ in 0..threads {
                            let gk = gk.clone();
                            let request = request.clone();
                            s.spawn(move || {
                                for _ in 0..per {
                                    let gated = gk.decide_with(&request, Context::at(now));
                                    assert!(gated.receipt.is_some());
                                }
                            });
                        }
                    });
                    let elapsed = start.elapsed();
                    elapsed.mul_f64(iters as f64 / (per * threads) as f64)
                })
            },
        );
    }
    group.finish();

    // The same, measured once more with the CPU time it took: on a machine shared with other
    // work, wall-clock throughput varies with the load; CPU time per decision does not.
    for threads in [32u64, 128] {
        let per = 20_000 / threads;
        let (cpu0, wall0) = (cpu_seconds(), Instant::now());
        std::thread::scope(|s| {
            for _ in 0..threads {
                let gk = gk.clone();
                let request = request.clone();
                s.spawn(move || {
                    for _ in 0..per {
                        assert!(gk.decide_with(&request, Context::at(now)).receipt.is_some());
                    }
                });
            }
        });
        let (cpu, wall) = (cpu_seconds() - cpu0, wall0.elapsed().as_secs_f64());
        let n = (per * threads) as f64;
        eprintln!(
            "gatekeeper, {threads} threads: {n} decisions in {wall:.2} s = {:.0}/s wall clock; {:.1} µs of CPU per decision ({:.2} cores busy) => {:.0}/s if 2 cores were free",
            n / wall,
            cpu * 1e6 / n,
            cpu / wall,
            2.0 * n / cpu
        );
    }

    // What one record costs on one core, piece by piece (no locking, no fsync).
    let mut group = c.benchmark_group("per_record");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(3));
    let policy = policy();
    let context = Context::at(now);
    let decision = policy.decide(&request, &context);
    let entry = Entry::decision(&decision).unwrap();
    let signer = signer();
    let key = keys().primary().clone();
    let bytes = entry.body().as_bytes().to_vec();
    group.bench_function("decide", |b| b.iter(|| policy.decide(&request, &context)));
    group.bench_function("canonical_body", |b| {
        b.iter(|| Entry::decision(&decision).unwrap())
    });
    group.bench_function("ed25519_sign", |b| b.iter(|| signer.sign_bytes(&bytes)));
    group.bench_function("hmac_sha256", |b| b.iter(|| key.mac(&bytes)));
    group.finish();
}

/// User + system CPU time of this process, from `/proc/self/stat` (Linux; 100 ticks/s).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // After the command name: state is field 0, utime field 11, stime field 12.
    (ticks(11) + ticks(12)) / 100.0
}

const RECORDS: u64 = 50_000;

fn verify(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let log = AuditLog::open(&path, keys()).unwrap().with_signer(signer());
    let policy = policy();
    let decision = policy.decide(
        &request(),
        &Context::at("2026-03-01T12:00:00Z".parse().unwrap()),
    );
    let entry = Entry::decision(&decision).unwrap();
    let mut written = 0;
    while written < RECORDS {
        let batch: Vec<Entry> = (0..1000).map(|_| entry.clone()).collect();
        for result in log.append_all(batch) {
            result.unwrap();
        }
        written += 1000;
    }
    let bytes = std::fs::metadata(&path).unwrap().len();
    eprintln!(
        "verify bench log: {} records, {} bytes ({} bytes per record)",
        RECORDS + 1,
        bytes,
        bytes / (RECORDS + 1)
    );
    let ring = keys();
    let mut group = c.benchmark_group("verify");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(8));
    group.throughput(Throughput::Elements(RECORDS + 1));
    for (name, signatures) in [("macs_only", false), ("with_signatures", true)] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let report = verify_path(
                    &path,
                    &ring,
                    VerifyOptions {
                        signatures,
                        ..VerifyOptions::default()
                    },
                )
                .unwrap();
                assert!(report.intact());
                report
            })
        });
    }
    group.finish();
}

criterion_group!(benches, gatekeeper, verify);
criterion_main!(benches);
