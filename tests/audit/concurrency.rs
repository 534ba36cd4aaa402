//! Many writers at once: processes (file lock) and threads (group commit).

use std::collections::BTreeSet;
use std::io::Write as _;
use std::process::{Command, Stdio};
use std::sync::Arc;

use gavel::audit::{AuditLog, Entry, RecordKind, Records};

use super::{keyed_dir, ring, verify};

#[test]
fn processes_appending_at_once_keep_one_valid_chain() {
    const PROCESSES: usize = 4;
    const NOTES: usize = 40;
    let dir = keyed_dir();
    let children: Vec<_> = (0..PROCESSES)
        .map(|p| {
            let mut child = Command::new(env!("CARGO_BIN_EXE_gavel"))
                .current_dir(dir.path())
                .args(["audit", "note", "--stdin"])
                .env_remove("GAVEL_AUDIT_KEY")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            let mut stdin = child.stdin.take().unwrap();
            let input: String = (0..NOTES)
                .map(|i| format!("process {p} note {i}\n"))
                .collect();
            stdin.write_all(input.as_bytes()).unwrap();
            drop(stdin);
            child
        })
        .collect();
    let mut reported = BTreeSet::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let seq: u64 = line.strip_prefix("stored seq ").unwrap().parse().unwrap();
            assert!(reported.insert(seq), "seq {seq} given twice");
        }
    }
    let expected: BTreeSet<u64> = (1..=(PROCESSES * NOTES) as u64).collect();
    assert_eq!(reported, expected);
    let log = dir.path().join(".gavel/audit.jsonl");
    let report = verify(&log, &ring(1));
    assert!(report.intact(), "{:?}", report.finding);
    assert_eq!(report.records, (PROCESSES * NOTES) as u64 + 1);
    let mut texts = BTreeSet::new();
    for record in Records::open(&log, Some(ring(1))).unwrap() {
        let record = record.unwrap();
        if record.kind == RecordKind::Note {
            texts.insert(record.body["text"].as_str().unwrap().to_string());
        }
    }
    assert_eq!(texts.len(), PROCESSES * NOTES);
}

#[test]
fn threads_share_fsyncs_and_each_gets_its_own_durable_receipt() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let log = Arc::new(AuditLog::open(&path, ring(1)).unwrap());
    // A second handle on the same file in the same process: the file lock keeps them apart.
    let other = Arc::new(AuditLog::open(&path, ring(1)).unwrap());
    let handles: Vec<_> = (0..8)
        .map(|t| {
            let log = if t % 2 == 0 {
                log.clone()
            } else {
                other.clone()
            };
            std::thread::spawn(move || {
                (0..50)
                    .map(|i| {
                        let entry = Entry::note(format!("thread {t} note {i}"), None).unwrap();
                        log.append(entry).unwrap().seq
                    })
                    .collect::<Vec<u64>>()
            })
        })
        .collect();
    let mut seqs = BTreeSet::new();
    for h in handles {
        for seq in h.join().unwrap() {
            assert!(seqs.insert(seq));
        }
    }
    assert_eq!(seqs, (1..=400).collect::<BTreeSet<u64>>());
    let report = verify(&path, &ring(1));
    assert!(report.intact(), "{:?}", report.finding);
    assert_eq!(report.records, 401);
}
