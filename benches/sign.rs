//! `cargo bench --bench sign`: signing and verifying a typical decision compared with bare
//! ed25519-dalek on the same canonical bytes, and the cost of verifying 3 approvals.

#![allow(missing_docs, clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, criterion_group, criterion_main};
use ed25519_dalek::Signer as _;
use gavel::approve::Approval;
use gavel::eval::Verdict;
use gavel::keys::PrivateKey;
use gavel::sign::{Signer, Verifier};
use gavel::{Context, Policy, Request};

fn bench(c: &mut Criterion) {
    let keys: Vec<PrivateKey> = (0..3u8)
        .map(|i| PrivateKey::from_seed(&[i + 1; 32]))
        .collect();
    let approvers: String = keys
        .iter()
        .enumerate()
        .map(|(i, k)| {
            format!(
                "approver \"a{i}@example.com\" roles lead key \"{}\"\n",
                k.public_key()
            )
        })
        .collect();
    let policy = Policy::from_str(&format!(
        "policy \"p\"\nroles lead\n{approvers}paths core [\"src/core/**\"]\ndefault auto_approve\n\
         rule core {{ when any file in core then require 3 approvals from lead within 1d }}\n"
    ))
    .unwrap();
    let request = Request::from_json(
        br#"{"action":"apply_patch","actor":{"id":"agent","kind":"agent"},"requested_at":"2026-01-01T00:00:00Z",
            "files":[{"path":"src/core/a.rs","added":10},{"path":"src/core/b.rs","added":3,"removed":2},
                     {"path":"docs/x.md","added":1},{"path":"tests/t.rs","added":40},{"path":"README.md","added":2}]}"#,
    )
    .unwrap();
    let now: jiff::Timestamp = "2026-01-01T00:10:00Z".parse().unwrap();
    let decision = policy.decide(&request, &Context::at(now));
    let signing = PrivateKey::from_seed(&[9; 32]);
    let signer = Signer::new(signing.clone());
    let verifier = Verifier::new([signing.public_key()]);
    let bytes = gavel::canonical::to_canonical_bytes(&decision).unwrap();

    let mut group = c.benchmark_group("sign decision");
    group.bench_function("bare ed25519-dalek on canonical bytes", |b| {
        b.iter(|| signing.signing_key().sign(&bytes))
    });
    group.bench_function("gavel: canonicalize + sign", |b| {
        b.iter(|| signer.sign(&decision).unwrap())
    });
    group.finish();

    let mut signed = decision.clone();
    signed.sign(&signer).unwrap();
    let raw_sig = signing.signing_key().sign(&bytes);
    let mut group = c.benchmark_group("verify decision");
    group.bench_function("bare ed25519-dalek on canonical bytes", |b| {
        b.iter(|| {
            signing
                .public_key()
                .verifying_key()
                .verify_strict(&bytes, &raw_sig)
                .is_ok()
        })
    });
    group.bench_function("gavel: canonicalize + verify", |b| {
        b.iter(|| signed.verify(&verifier).is_ok())
    });
    group.finish();

    let issued: jiff::Timestamp = "2026-01-01T00:05:00Z".parse().unwrap();
    let expires: jiff::Timestamp = "2026-01-02T00:00:00Z".parse().unwrap();
    let approvals: Vec<Approval> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| {
            Approval::for_decision(
                &decision,
                Verdict::Approve,
                &format!("a{i}@example.com"),
                "lead",
                vec![],
                None,
                issued,
                expires,
            )
            .unwrap()
            .sign(&Signer::new(k.clone()))
            .unwrap()
        })
        .collect();
    let mut group = c.benchmark_group("approvals");
    group.bench_function("decide without approvals", |b| {
        b.iter(|| policy.decide(&request, &Context::at(now)))
    });
    group.bench_function("verify 3 approvals + decide", |b| {
        b.iter(|| {
            let mut context = Context::at(now);
            gavel::approve::apply_credentials(&policy, &request, &approvals, &mut context);
            let d = policy.decide(&request, &context);
            assert_eq!(d.outcome.as_str(), "approved");
            d
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
