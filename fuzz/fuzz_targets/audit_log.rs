//! Arbitrary bytes as an audit log, and a genuine log with bytes changed: verifying,
//! reading, opening, reporting and listing pending requests never panic, and whatever
//! verifies as intact is exactly a prefix of the genuine chain (nobody without the key can
//! make the verifier accept a record that was not written under it).
//!
//! Input: the first byte picks the mode. Even: the rest is the whole log. Odd: the rest is a
//! list of edits `(offset: u16, byte)` applied to the genuine log (so the fuzzer starts from
//! well-formed records and can reach the deeper checks: links, signatures, rotation).
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use gavel::audit::{
    AuditKey, AuditLog, Entry, KeyRing, Record, Records, ReportWindow, VerifyOptions,
    build_report, last_records, pending, verify_path,
};
use gavel::canonical::canonicalize;
use gavel::keys::PrivateKey;
use gavel::sign::Signer;
use gavel::{Context, Policy, Request};
use libfuzzer_sys::fuzz_target;

struct Fixture {
    ring: KeyRing,
    genuine: Vec<u8>,
    records: Vec<Record>,
    /// Where each fuzz input is written (one file per fuzzing process).
    scratch: PathBuf,
    signer_key: gavel::keys::PublicKey,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("gavel-fuzz-audit-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        let path = dir.join("genuine.jsonl");
        // A fixed key that passes the entropy checks (the bytes of a public key).
        let bytes = PrivateKey::from_seed(&[3; 32]).public_key().to_bytes();
        let key = AuditKey::from_bytes(&bytes, "fixture").expect("audit key");
        let ring = KeyRing::new(key);
        let private = PrivateKey::from_seed(&[9; 32]);
        let log = AuditLog::open(&path, ring.clone())
            .expect("open")
            .with_signer(Signer::new(private.clone()));
        let policy = Policy::from_str(
            "policy \"p\"\nroles lead\npaths docs [\"docs/**\"]\ndefault require 1 approval from lead within 1h\nrule docs { when all files in docs then auto_approve }\n",
        )
        .expect("policy");
        let now: jiff::Timestamp = "2026-03-01T12:00:00Z".parse().expect("time");
        for body in [
            br#"{"action":"apply_patch","actor":{"id":"a","kind":"agent"},"files":[{"path":"docs/x.md","added":1}]}"#.as_slice(),
            br#"{"action":"deploy","environment":"prod","actor":{"id":"b","kind":"human"}}"#.as_slice(),
        ] {
            let request = Request::from_json(body).expect("request");
            log.append_decision(&policy.decide(&request, &Context::at(now))).expect("append");
        }
        log.append(Entry::note("fuzz fixture", Some("ops".into())).expect("note").unsigned())
            .expect("note");
        drop(log);
        let genuine = std::fs::read(&path).expect("read");
        let records = Records::open(&path, Some(ring.clone()))
            .expect("records")
            .collect::<Result<Vec<_>, _>>()
            .expect("genuine log verifies");
        Fixture { ring, genuine, records, scratch: dir.join("input.jsonl"), signer_key: private.public_key() }
    })
}

fn same(a: &Record, b: &Record) -> bool {
    a.seq == b.seq
        && a.at == b.at
        && a.kind == b.kind
        && a.mac == b.mac
        && a.prev == b.prev
        && canonicalize(&a.body) == canonicalize(&b.body)
}

fuzz_target!(|data: &[u8]| {
    let f = fixture();
    let Some((&mode, rest)) = data.split_first() else { return };
    let log = if mode % 2 == 0 {
        rest.to_vec()
    } else {
        let mut log = f.genuine.clone();
        for edit in rest.chunks_exact(3) {
            let at = usize::from(u16::from_le_bytes([edit[0], edit[1]]));
            if at < log.len() {
                log[at] = edit[2];
            } else {
                log.push(edit[2]);
            }
        }
        log
    };
    if std::fs::write(&f.scratch, &log).is_err() {
        return;
    }

    let options = VerifyOptions { signatures: true, trusted: vec![f.signer_key.clone()], ..VerifyOptions::default() };
    let report = verify_path(&f.scratch, &f.ring, options);
    if let Ok(report) = &report {
        if report.intact() {
            // Everything that verified is the genuine chain, record for record.
            let read: Vec<Record> = Records::open(&f.scratch, Some(f.ring.clone()))
                .expect("a log that verified opens")
                .collect::<Result<_, _>>()
                .expect("a log that verified reads");
            assert_eq!(read.len() as u64, report.records);
            assert!(read.len() <= f.records.len(), "more records verified than were written");
            for (got, genuine) in read.iter().zip(&f.records) {
                assert!(same(got, genuine), "record {} verified but differs from the genuine one", got.seq);
            }
        }
    }

    // Reading paths: none may panic, whatever the bytes.
    let _ = last_records(&f.scratch, 3);
    if let Ok(records) = Records::open(&f.scratch, None) {
        let _ = pending(records.take(64), jiff::Timestamp::UNIX_EPOCH);
    }
    let _ = build_report(&f.scratch, &f.ring, ReportWindow { since: None, until: None });
    let was_empty = log.is_empty();
    if let Ok(opened) = AuditLog::open(&f.scratch, f.ring.clone()) {
        // A log opens for appending only when its MAC chain holds (a torn last line aside,
        // which blocks appends until repaired): nothing is ever appended to a broken chain.
        if !was_empty {
            let chain = verify_path(&f.scratch, &f.ring, VerifyOptions::default())
                .expect("a log that opened can be verified");
            assert!(
                chain.finding.as_ref().is_none_or(|finding| finding.kind == gavel::audit::TamperKind::TornTail),
                "a broken log opened: {:?}",
                chain.finding
            );
        }
        let _ = opened.halt_state();
        let _ = opened.count(None, jiff::Timestamp::UNIX_EPOCH);
    }
});
