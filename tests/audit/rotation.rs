//! Key rotation: records before and after verify; a forged rotation is caught.

use gavel::audit::{AuditError, AuditLog, Entry, KeyRing, TamperKind};

use super::{edit, gavel, key, key_hex, keyed_dir, lines, remac, ring, text, verify, write_lines};

fn rotated_log(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("audit.jsonl");
    let log = AuditLog::open(&path, ring(1)).unwrap();
    for i in 0..3 {
        log.append(Entry::note(format!("before {i}"), None).unwrap())
            .unwrap();
    }
    let receipt = log.rotate_key(key(2), Some("scheduled".into())).unwrap();
    assert_eq!(receipt.seq, 4);
    for i in 0..3 {
        log.append(Entry::note(format!("after {i}"), None).unwrap())
            .unwrap();
    }
    path
}

#[test]
fn records_before_and_after_a_rotation_verify() {
    let dir = tempfile::tempdir().unwrap();
    let path = rotated_log(dir.path());
    let both = KeyRing::new(key(2)).with(key(1));
    let report = verify(&path, &both);
    assert!(report.intact(), "{:?}", report.finding);
    assert_eq!(report.records, 8);
    assert_eq!(report.rotations, 1);
    // A process holding the new key (and the retired one) keeps appending.
    let log = AuditLog::open(&path, both.clone()).unwrap();
    log.append(Entry::note("later", None).unwrap()).unwrap();
    assert!(verify(&path, &both).intact());
}

#[test]
fn verifying_past_a_rotation_needs_the_new_key_and_before_it_the_old_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = rotated_log(dir.path());
    let only_old = gavel::audit::verify_path(&path, &ring(1), Default::default()).unwrap_err();
    assert_eq!(only_old.kind(), "wrong_key");
    assert!(
        only_old.to_string().contains("rotated to at seq 4"),
        "{only_old}"
    );
    let only_new = gavel::audit::verify_path(&path, &ring(2), Default::default()).unwrap_err();
    assert_eq!(only_new.kind(), "wrong_key");
}

#[test]
fn a_rotation_forged_without_the_old_key_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let log = AuditLog::open(&path, ring(1)).unwrap();
    for i in 0..3 {
        log.append(Entry::note(format!("n{i}"), None).unwrap())
            .unwrap();
    }
    drop(log);
    // The attacker holds key 3 only: they take over the chain with a "rotation" to it.
    let log_id = {
        let l = lines(&path);
        let v: serde_json::Value = serde_json::from_str(&l[0]).unwrap();
        v["body"]["log_id"].as_str().unwrap().to_string()
    };
    let mut l = lines(&path);
    let rotation = edit(&l[3], |v| {
        v["seq"] = 4.into();
        v["kind"] = "key_rotation".into();
        v["body"] = serde_json::json!({
            "old_key": key(1).fingerprint(&log_id),
            "new_key": key(3).fingerprint(&log_id),
        });
        v["mac_old"] = "ab".repeat(32).into();
    });
    l.push(rotation);
    remac(&mut l, 4, &key_hex(3));
    write_lines(&path, &l);
    let ring = KeyRing::new(key(1)).with(key(3));
    let report = verify(&path, &ring);
    let f = report.finding.unwrap();
    assert_eq!((f.kind, f.seq), (TamperKind::ForgedRotation, 4));
    assert!(
        f.detail.contains("not MACed under the key in effect"),
        "{}",
        f.detail
    );
    // Nothing is appended after it.
    let err = AuditLog::open(&path, ring).unwrap_err();
    assert!(matches!(err, AuditError::Tampered(_)), "{err}");
}

#[test]
fn a_rotation_naming_the_wrong_old_key_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let path = rotated_log(dir.path());
    let mut l = lines(&path);
    // An insider with both keys rewrites the rotation to name another old key, with valid
    // MACs under both keys.
    l[4] = edit(&l[4], |v| v["body"]["old_key"] = "0000000000000000".into());
    remac(&mut l, 4, &key_hex(2));
    l[4] = edit(&l[4], |v| {
        let old = super::mac_of(v, &hex::decode(key_hex(1)).unwrap());
        v["mac_old"] = old.into();
    });
    write_lines(&path, &l);
    let both = KeyRing::new(key(2)).with(key(1));
    let f = verify(&path, &both).finding.unwrap();
    assert_eq!((f.kind, f.seq), (TamperKind::ForgedRotation, 4));
    assert!(
        f.detail.contains("names old key 0000000000000000"),
        "{}",
        f.detail
    );
}

#[test]
fn cli_rotation_keeps_the_old_key_and_the_log_verifies() {
    let dir = keyed_dir();
    let note = gavel(dir.path(), &["audit", "note", "before"]);
    assert!(note.status.success(), "{}", text(&note.stderr));
    let rotate = gavel(dir.path(), &["audit", "rotate-key", "--reason", "yearly"]);
    assert_eq!(rotate.status.code(), Some(0), "{}", text(&rotate.stderr));
    let out = text(&rotate.stdout);
    assert!(
        out.contains("rotated the audit key of .gavel/audit.jsonl at seq 2"),
        "{out}"
    );
    assert!(
        out.contains(".gavel/audit.key now holds the new key"),
        "{out}"
    );
    let new_key = std::fs::read_to_string(dir.path().join(".gavel/audit.key")).unwrap();
    assert_ne!(new_key.trim(), key_hex(1));
    let note = gavel(dir.path(), &["audit", "note", "after"]);
    assert!(note.status.success(), "{}", text(&note.stderr));
    let verify = gavel(dir.path(), &["audit", "verify"]);
    assert_eq!(verify.status.code(), Some(0), "{}", text(&verify.stdout));
    assert!(text(&verify.stdout).contains("1 key rotation(s) verified"));
    let tail = gavel(dir.path(), &["audit", "tail", "-n", "2"]);
    assert!(
        text(&tail.stdout).contains("audit key rotated"),
        "{}",
        text(&tail.stdout)
    );
}

/// Found by QA: rotating to the key already in effect was refused, but only after a copy
/// of it was written into `.gavel/audit-keys/`. Nothing is written now.
#[test]
fn cli_rotation_to_the_same_key_is_refused_writing_nothing() {
    let dir = keyed_dir();
    let note = gavel(dir.path(), &["audit", "note", "before"]);
    assert!(note.status.success(), "{}", text(&note.stderr));
    std::fs::copy(
        dir.path().join(".gavel/audit.key"),
        dir.path().join("same.key"),
    )
    .unwrap();
    let retired = dir.path().join(".gavel/audit-keys");
    let before: Vec<_> = std::fs::read_dir(&retired)
        .map(|d| d.map(|e| e.unwrap().file_name()).collect())
        .unwrap_or_default();
    let rotate = gavel(
        dir.path(),
        &[
            "audit",
            "rotate-key",
            "--new-key",
            "same.key",
            "--reason",
            "oops",
        ],
    );
    assert_eq!(rotate.status.code(), Some(1));
    assert!(
        text(&rotate.stderr).contains("the new audit key is the key already in effect"),
        "{}",
        text(&rotate.stderr)
    );
    let after: Vec<_> = std::fs::read_dir(&retired)
        .map(|d| d.map(|e| e.unwrap().file_name()).collect())
        .unwrap_or_default();
    assert_eq!(before, after);
}
