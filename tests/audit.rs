//! The audit log: tamper suite, crashes, concurrency, key rotation, halt/resume/override,
//! bad input, reading commands and the embedding API.

mod approval_cli;
mod bad_input;
mod concurrency;
mod crash;
mod forged_state;
mod halt_cli;
mod library;
mod reading;
mod rotation;
mod tamper;

use std::path::{Path, PathBuf};

use gavel::audit::{AuditKey, AuditLog, Entry, KeyRing, VerifyOptions, VerifyReport, verify_path};
use gavel::canonical::to_canonical_string;
use gavel::keys::PrivateKey;
use gavel::sign::Signer;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// A strong key as hex (the bytes of a fixed pseudo-random sequence).
pub fn key_hex(seed: u8) -> String {
    let mut state = u64::from(seed).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let bytes: Vec<u8> = (0..32)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect();
    hex::encode(bytes)
}

pub fn key(seed: u8) -> AuditKey {
    AuditKey::from_hex(&key_hex(seed), "test key").unwrap()
}

pub fn ring(seed: u8) -> KeyRing {
    KeyRing::new(key(seed))
}

pub fn signer() -> Signer {
    Signer::new(PrivateKey::from_seed(&[42u8; 32]))
}

/// A log of a genesis record and `notes` signed notes (seq 1..=notes).
pub fn signed_log(dir: &Path, notes: usize) -> PathBuf {
    let path = dir.join("audit.jsonl");
    let log = AuditLog::open(&path, ring(1))
        .unwrap()
        .with_signer(signer());
    for i in 1..=notes {
        log.append(Entry::note(format!("note {i}"), Some("ops".into())).unwrap())
            .unwrap();
    }
    path
}

pub fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

pub fn write_lines(path: &Path, lines: &[String]) {
    let mut text = lines.join("\n");
    text.push('\n');
    std::fs::write(path, text).unwrap();
}

pub fn verify(path: &Path, ring: &KeyRing) -> VerifyReport {
    verify_path(
        path,
        ring,
        VerifyOptions {
            signatures: true,
            ..VerifyOptions::default()
        },
    )
    .unwrap()
}

/// Recomputes `prev` and `mac` of lines `from..` with `key_hex`, as an attacker holding
/// that key would (signatures are left as they are).
pub fn remac(lines: &mut [String], from: usize, key_hex: &str) {
    let key = hex::decode(key_hex).unwrap();
    let mut prev = if from == 0 {
        "0".repeat(64)
    } else {
        let v: serde_json::Value = serde_json::from_str(&lines[from - 1]).unwrap();
        v["mac"].as_str().unwrap().to_string()
    };
    for line in lines.iter_mut().skip(from) {
        let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
        v["prev"] = prev.clone().into();
        let mac = mac_of(&v, &key);
        v["mac"] = mac.clone().into();
        *line = to_canonical_string(&v).unwrap();
        prev = mac;
    }
}

/// HMAC-SHA256 (hex) of a record's MAC bytes under `key`.
pub fn mac_of(record: &serde_json::Value, key: &[u8]) -> String {
    let mut content = record.clone();
    let object = content.as_object_mut().unwrap();
    for field in ["mac", "mac_old", "signature"] {
        object.remove(field);
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(to_canonical_string(&content).unwrap().as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Edits the JSON of one line.
pub fn edit(line: &str, f: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
    f(&mut v);
    to_canonical_string(&v).unwrap()
}

/// A workspace directory holding `.gavel/audit.key` (key seed 1).
pub fn keyed_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".gavel")).unwrap();
    std::fs::write(dir.path().join(".gavel/audit.key"), key_hex(1)).unwrap();
    dir
}

/// Runs the real `gavel` in `dir` without GAVEL_AUDIT_KEY.
pub fn gavel(dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_gavel"))
        .current_dir(dir)
        .args(args)
        .env_remove("GAVEL_AUDIT_KEY")
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
