//! A writer killed with SIGKILL at random moments: every append it reported as stored is in
//! the log, and after `repair` the chain verifies.

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader, Write as _};
use std::process::{Command, Stdio};
use std::time::Duration;

use gavel::audit::{RecordKind, Records};

use super::{gavel, keyed_dir, ring, text};

/// A small deterministic generator, so a failure can be replayed.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }
}

const ROUNDS: usize = 8;

#[test]
fn sigkilled_writers_lose_nothing_they_reported_stored() {
    let dir = keyed_dir();
    let log = dir.path().join(".gavel/audit.jsonl");
    let mut rng = Lcg(0x5eed);
    let mut reported: BTreeMap<u64, usize> = BTreeMap::new();
    for round in 0..ROUNDS {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gavel"))
            .current_dir(dir.path())
            .args(["audit", "note", "--stdin", "--as", "crash-test"])
            .env_remove("GAVEL_AUDIT_KEY")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let feeder = std::thread::spawn(move || {
            for i in 0..100_000 {
                if writeln!(stdin, "round {round} note {i}").is_err() {
                    break;
                }
            }
        });
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .filter_map(|l| {
                    l.strip_prefix("stored seq ")
                        .and_then(|s| s.parse::<u64>().ok())
                })
                .collect::<Vec<u64>>()
        });
        std::thread::sleep(Duration::from_millis(30 + rng.next(120)));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        feeder.join().unwrap();
        for seq in reader.join().unwrap() {
            assert!(
                reported.insert(seq, round).is_none(),
                "seq {seq} reported twice"
            );
        }
        if round % 3 == 2 {
            // A writer that died in the middle of its `write`: half a line at the end.
            let mut file = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
            file.write_all(br#"{"at":"2026-03-01T00:00:00.000000Z","body":{"te"#)
                .unwrap();
        }
        let repair = gavel(dir.path(), &["audit", "repair"]);
        assert_eq!(repair.status.code(), Some(0), "{}", text(&repair.stderr));
        if round % 3 == 2 {
            assert!(
                text(&repair.stdout).starts_with("repaired"),
                "{}",
                text(&repair.stdout)
            );
        }
        let verify = gavel(dir.path(), &["audit", "verify"]);
        assert_eq!(verify.status.code(), Some(0), "{}", text(&verify.stdout));
    }
    assert!(
        reported.len() > ROUNDS,
        "the writers stored too little to test anything"
    );
    let mut stored: BTreeMap<u64, String> = BTreeMap::new();
    let mut repairs = 0;
    for record in Records::open(&log, Some(ring(1))).unwrap() {
        let record = record.unwrap();
        match record.kind {
            RecordKind::Note => {
                stored.insert(
                    record.seq,
                    record.body["text"].as_str().unwrap().to_string(),
                );
            }
            RecordKind::Repair => repairs += 1,
            _ => {}
        }
    }
    for (seq, round) in &reported {
        let text = stored
            .get(seq)
            .unwrap_or_else(|| panic!("seq {seq} was reported stored but is missing"));
        assert!(
            text.starts_with(&format!("round {round} note ")),
            "seq {seq}: {text}"
        );
    }
    assert!(repairs >= ROUNDS / 3, "{repairs} repair records");
}
