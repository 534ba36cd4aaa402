//! `cargo bench --bench compile`: check + compile of every example policy, and of a
//! generated policy with 1,000 rules and 5,000 globs.

#![allow(missing_docs, clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, criterion_group, criterion_main};
use gavel::Policy;
use gavel::load::{discover_policies, load_policy_dir};

/// A policy of `rules` rules over `rules` path sets of 5 globs each.
pub fn generated_policy(rules: usize) -> String {
    let mut text = String::from("policy \"generated\"\nroles admin\n");
    text.push_str("approver \"a@example.com\" roles admin key \"ed25519:WxS2wFwZ/2OmFMeaJ+E250HCqshlnWuT+E0PltapeAA=\"\n");
    for i in 0..rules {
        text.push_str(&format!(
            "paths set{i} [\"svc{i}/**\", \"lib/mod{i}/*.rs\", \"config/app{i}.yaml\", \"**/gen{i}_*.py\", \"docs/s{i}/{{a,b}}/*.md\"]\n"
        ));
    }
    for i in 0..rules {
        let outcome = match i % 4 {
            0 => "auto_approve".to_string(),
            1 => format!("notify \"#team{i}\""),
            2 => "require 1 approval from admin within 1h".to_string(),
            _ => format!("block \"rule {i}\""),
        };
        text.push_str(&format!(
            "rule r{i} {{\n  when any file in set{i} and lines.changed > {} or count files in set{i} >= 3\n  then {outcome}\n}}\n",
            i % 500
        ));
    }
    text
}

fn bench(c: &mut Criterion) {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/policies");
    for dir in discover_policies(std::path::Path::new(root)).unwrap_or_default() {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (sources, _) = load_policy_dir(&dir);
        c.bench_function(&format!("check+compile/{name}"), |b| {
            b.iter(|| {
                Policy::from_source_set(sources.clone())
                    .map(|p| p.name().len())
                    .unwrap_or(0)
            })
        });
    }
    let big = generated_policy(1000);
    let mut group = c.benchmark_group("check+compile/generated");
    group.sample_size(20);
    group.bench_function("1000 rules, 5000 globs", |b| {
        b.iter(|| {
            Policy::from_str(&big)
                .map(|p| p.checked().rules.len())
                .unwrap_or(0)
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
