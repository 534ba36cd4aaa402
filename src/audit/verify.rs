//! Verifying a whole log: every MAC, every link, every signature whose key is known, and
//! optionally the head against a checkpoint.
//!
//! The walk is one streaming pass. When it hits the first broken link it reads the log a
//! second time, summarizing every line, and judges from the records around the break what
//! happened (see [`TamperKind`]).

use std::collections::HashMap;
use std::fs::File;
use std::path::Path;

use jiff::Timestamp;
use serde::Serialize;

use super::chain::{Anomaly, Chain, Fault};
use super::checkpoint::Checkpoint;
use super::error::AuditError;
use super::key::KeyRing;
use super::lines::LineReader;
use super::record::{Line, RecordKind, signature_bytes};
use super::tamper::{Finding, TamperKind};
use crate::keys::PublicKey;

/// What to check besides MACs and links.
#[derive(Default)]
pub struct VerifyOptions<'a> {
    /// Check Ed25519 signatures (off: MACs and links only).
    pub signatures: bool,
    /// Public keys trusted to sign records (e.g. the policy's approvers and signers).
    pub trusted: Vec<PublicKey>,
    /// A checkpoint the log must still contain.
    pub checkpoint: Option<Checkpoint>,
    /// Every record must carry a signature that verifies with a trusted key (`trusted`):
    /// an unsigned record, or one signed by a key only the log names (its genesis
    /// `signing_keys`, a halt's, resume's or override's own `key`) or by an unknown key, is
    /// a `bad_signature` finding instead of a count. Without it, someone holding the audit
    /// key can strip a signed record's signature, change it and MAC it again, and the log
    /// still verifies (with one more unsigned record). Implies `signatures`.
    pub require_signed: bool,
    /// Called now and then with (bytes read, file size).
    pub progress: Option<&'a mut dyn FnMut(u64, u64)>,
}

/// What verification found.
#[derive(Clone, Debug, Default, Serialize)]
pub struct VerifyReport {
    /// The log id (absent when the genesis record is missing).
    pub log_id: Option<String>,
    /// Records that verified, from the start up to the first problem.
    pub records: u64,
    /// The `seq` of the last record that verified.
    pub head_seq: Option<u64>,
    /// Its MAC.
    pub head_mac: Option<String>,
    /// Time of the first record that verified.
    pub first_at: Option<Timestamp>,
    /// Time of the last record that verified.
    pub last_at: Option<Timestamp>,
    /// Key rotations passed.
    pub rotations: u64,
    /// Signatures verified with a trusted key (`--trust`, the policy's keys).
    pub signatures_trusted: u64,
    /// Signatures verified with a key the log itself names (genesis signing keys, the
    /// actor key in halt, resume and override records): they show the record is intact,
    /// not who made it.
    pub signatures_log_keys: u64,
    /// Signed records whose key is unknown here (not checked).
    pub signatures_unknown_key: u64,
    /// Records without a signature.
    pub unsigned: u64,
    /// Whether signatures were checked at all.
    pub signatures_checked: bool,
    /// The checkpoint's head seq, when a checkpoint was given and matched.
    pub checkpoint_seq: Option<u64>,
    /// Bytes read.
    pub bytes: u64,
    /// The first problem, or `None` when the log is intact.
    pub finding: Option<Finding>,
}

impl VerifyReport {
    /// Whether the log is intact.
    pub fn intact(&self) -> bool {
        self.finding.is_none()
    }
}

/// Verifies the log at `path`. `Err` means the log could not be checked at all (missing
/// file, no matching key, unreadable checkpoint): that is not a verdict of tampering.
pub fn verify_path(
    path: &Path,
    ring: &KeyRing,
    mut options: VerifyOptions<'_>,
) -> Result<VerifyReport, AuditError> {
    let file = File::open(path).map_err(|e| AuditError::io(path, &e))?;
    let total = file.metadata().map(|m| m.len()).unwrap_or(0);
    if total == 0 {
        // Not a verdict of tampering (a log opened but never written is empty), but not a
        // log that verifies either: there is nothing to vouch for.
        return Err(AuditError::Malformed(format!(
            "{}: empty: the log has no records, not even its genesis record",
            path.display()
        )));
    }
    if let Some(cp) = &options.checkpoint {
        cp.verify_signature(&options.trusted)?;
    }
    // Requiring signatures is checking them.
    let signatures = options.signatures || options.require_signed;
    let mut reader = LineReader::new(file, 0);
    let mut chain = Chain::new(ring.clone());
    let mut report = VerifyReport {
        signatures_checked: signatures,
        ..VerifyReport::default()
    };
    let checkpoint_seq = options.checkpoint.as_ref().map(|c| c.head_seq);
    let mut at_checkpoint: Option<CheckpointRecord> = None;
    let mut since_progress = 0u64;
    let mut head_mac = [0u8; 32];
    let mut last_at = String::new();
    loop {
        let raw = match reader.next_line() {
            Ok(Some(raw)) => raw,
            Ok(None) => break,
            Err(e) => return Err(AuditError::io(path, &e)),
        };
        since_progress += raw.len;
        if since_progress > 8 << 20 {
            since_progress = 0;
            if let Some(progress) = options.progress.as_mut() {
                progress(raw.offset, total);
            }
        }
        let number = raw.number;
        let expected = chain.next_seq;
        if !raw.complete && expected == 0 {
            // Nothing verified before it: the file is not a log at all, not a torn one.
            report.finding = Some(malformed(
                0,
                number,
                format!(
                    "not an audit log: {} bytes without one complete record (a log starts with its genesis record)",
                    raw.len
                ),
            ));
            break;
        }
        if !raw.complete {
            report.finding = Some(Finding {
                kind: TamperKind::TornTail,
                seq: expected,
                line: number,
                detail: format!(
                    "the log ends in an incomplete line of {} bytes (a writer crashed mid-append); `gavel audit repair` removes it",
                    raw.len
                ),
            });
            break;
        }
        if raw.too_long {
            report.finding = Some(malformed(
                expected,
                number,
                "the line is longer than the record size limit".into(),
            ));
            break;
        }
        let line = match Line::parse(raw.bytes) {
            Ok(line) => line,
            Err(why) => {
                report.finding = Some(malformed(expected, number, why));
                break;
            }
        };
        match chain.accept(&line) {
            Ok(()) => {}
            Err(Fault::Fatal(error)) => return Err(error),
            Err(Fault::Anomaly(Anomaly::Malformed(why))) => {
                report.finding = Some(malformed(expected, number, why));
                break;
            }
            Err(Fault::Anomaly(Anomaly::ForgedRotation(why))) => {
                report.finding = Some(Finding {
                    kind: TamperKind::ForgedRotation,
                    seq: line.seq,
                    line: number,
                    detail: why,
                });
                break;
            }
            Err(Fault::Anomaly(anomaly)) => {
                let expected_prev = chain.head_mac;
                let index = (number - 1) as usize;
                let summaries = summarize(path, chain.ring())?;
                report.finding = Some(classify(
                    &summaries,
                    index,
                    expected,
                    expected_prev,
                    &anomaly,
                ));
                break;
            }
        }
        if Some(line.seq) == checkpoint_seq {
            at_checkpoint = Some(CheckpointRecord {
                mac: line.mac,
                line: number,
                prev: line.prev,
                prev_at: last_at.parse().ok(),
                unsigned_before: report.unsigned,
            });
        }
        if !signatures && line.signed_by.is_none() {
            report.unsigned += 1;
        }
        report.records += 1;
        report.head_seq = Some(line.seq);
        head_mac = line.mac;
        if report.first_at.is_none() {
            report.first_at = line.at();
        }
        last_at.clear();
        last_at.push_str(line.at);
    }
    if report.records > 0 {
        report.head_mac = Some(crate::canonical::hex_lower(&head_mac));
        report.last_at = last_at.parse().ok();
    }
    report.bytes = reader.offset();
    report.log_id = chain.log_id.clone();
    report.rotations = chain.rotations;
    // Against the checkpoint first: a log rolled back at seq k (or replaced) vouches only
    // for what came before, so the signature pass, and its counts, cover only that. A bad
    // signature before k still comes first.
    let mut checkpoint_finding = None;
    if report.finding.is_none()
        && let Some(cp) = &options.checkpoint
    {
        checkpoint_finding = against_checkpoint(cp, &report, at_checkpoint.as_ref());
        match &checkpoint_finding {
            // Not the checkpointed log: nothing in it is vouched for.
            Some(f) if f.kind == TamperKind::Replaced => {
                report.end_before(0, &[0; 32], None);
                report.unsigned = 0;
            }
            // The report ends just before the record that differs from the checkpoint's.
            Some(f) if f.kind == TamperKind::RolledBack => {
                if let Some(seen) = &at_checkpoint {
                    let seq = f.seq;
                    report.end_before(seq, &seen.prev, seen.prev_at);
                    report.unsigned = seen.unsigned_before;
                }
            }
            _ => {}
        }
    }
    if signatures {
        let mut check = SignatureCheck::new(&options.trusted, options.require_signed);
        check.add_genesis_keys(&chain.signing_keys);
        if let Some(bad) = check.run(path, &mut report)? {
            // The first bad signature comes before anything the MAC walk found: the
            // report ends just before it.
            report.end_before(bad.finding.seq, &bad.prev, bad.prev_at);
            report.finding = Some(bad.finding);
            checkpoint_finding = None;
        }
    }
    if report.finding.is_none()
        && let Some(cp) = &options.checkpoint
    {
        match checkpoint_finding {
            None => report.checkpoint_seq = Some(cp.head_seq),
            Some(f) => report.finding = Some(f),
        }
    }
    if let Some(progress) = options.progress.as_mut() {
        progress(total, total);
    }
    Ok(report)
}

impl VerifyReport {
    /// Ends the report just before the record at `seq`, whose predecessor has MAC `prev`
    /// and time `prev_at`: what verified is what came before it.
    fn end_before(&mut self, seq: u64, prev: &[u8; 32], prev_at: Option<Timestamp>) {
        self.records = seq;
        self.head_seq = seq.checked_sub(1);
        self.head_mac = self.head_seq.map(|_| crate::canonical::hex_lower(prev));
        self.last_at = prev_at;
        if self.records == 0 {
            self.first_at = None;
        }
    }
}

fn malformed(seq: u64, line: u64, detail: String) -> Finding {
    Finding {
        kind: TamperKind::Malformed,
        seq,
        line,
        detail,
    }
}

/// The record at the checkpoint's `head_seq`, as the walk saw it.
struct CheckpointRecord {
    mac: [u8; 32],
    /// Its line in the file.
    line: u64,
    /// The MAC and time of the record before it: where a report that ends before it ends.
    prev: [u8; 32],
    prev_at: Option<Timestamp>,
    /// Unsigned records before it, as counted without a signature pass.
    unsigned_before: u64,
}

fn against_checkpoint(
    cp: &Checkpoint,
    report: &VerifyReport,
    at_checkpoint: Option<&CheckpointRecord>,
) -> Option<Finding> {
    if report.log_id.as_deref() != Some(cp.log_id.as_str()) {
        return Some(Finding {
            kind: TamperKind::Replaced,
            seq: 0,
            // The genesis record, which names the log.
            line: 1,
            detail: format!(
                "the checkpoint is for log {}, this log is {}: the log was replaced",
                cp.log_id,
                report.log_id.as_deref().unwrap_or("(no genesis)")
            ),
        });
    }
    let head = report.head_seq.unwrap_or(0);
    if report.head_seq.is_none_or(|h| h < cp.head_seq) {
        let first_missing = report.head_seq.map_or(0, |h| h + 1);
        return Some(Finding {
            kind: TamperKind::Deleted,
            seq: first_missing,
            line: 0,
            detail: format!(
                "the log ends at seq {head}, but the checkpoint of {} says it reached seq {}: records {first_missing}..{} were cut from the end",
                cp.at, cp.head_seq, cp.head_seq
            ),
        });
    }
    let expected = super::record::decode_mac(&cp.head_mac);
    if expected.is_none() || at_checkpoint.map(|r| r.mac) != expected {
        return Some(Finding {
            kind: TamperKind::RolledBack,
            seq: cp.head_seq,
            line: at_checkpoint.map_or(0, |r| r.line),
            detail: format!(
                "record {} is not the one the checkpoint of {} saw: the log was rolled back and rewritten from there or from an earlier record (the records before it verify by their MACs, which whoever rewrote the log with the audit key could recompute; their signatures, checked against trusted keys, say more)",
                cp.head_seq, cp.at
            ),
        });
    }
    None
}

/// Checks record signatures against the keys known for them, in a second pass over the
/// records the MAC walk accepted, spreading the Ed25519 work over the machine's cores.
struct SignatureCheck {
    trusted: HashMap<String, PublicKey>,
    genesis_keys: HashMap<String, PublicKey>,
    /// See [`VerifyOptions::require_signed`].
    require_signed: bool,
}

/// A signature to check.
struct SignatureJob {
    seq: u64,
    line: u64,
    /// `None` only with a `problem`.
    key: Option<PublicKey>,
    trusted: bool,
    signature: Option<[u8; 64]>,
    bytes: Vec<u8>,
    prev: [u8; 32],
    prev_at: Option<Timestamp>,
    problem: Option<String>,
}

impl SignatureJob {
    /// A record refused without checking a signature: `problem` says why.
    fn refused(line: &Line<'_>, number: u64, prev_at: &str, problem: String) -> SignatureJob {
        SignatureJob {
            seq: line.seq,
            line: number,
            key: None,
            trusted: false,
            signature: None,
            bytes: Vec::new(),
            prev: line.prev,
            prev_at: prev_at.parse().ok(),
            problem: Some(problem),
        }
    }
}

/// The first bad signature, with what the report needs to end before it.
struct BadSignature {
    finding: Finding,
    prev: [u8; 32],
    prev_at: Option<Timestamp>,
}

/// Signed records checked per parallel block.
const SIGNATURE_BLOCK: usize = 4096;

impl SignatureCheck {
    fn new(trusted: &[PublicKey], require_signed: bool) -> Self {
        SignatureCheck {
            trusted: trusted.iter().map(|k| (k.key_id(), *k)).collect(),
            genesis_keys: HashMap::new(),
            require_signed,
        }
    }

    fn add_genesis_keys(&mut self, keys: &[String]) {
        for key in keys {
            if let Ok(key) = PublicKey::parse(key) {
                self.genesis_keys.insert(key.key_id(), key);
            }
        }
    }

    /// Checks the first `report.records` records; counts into `report`.
    fn run(
        &self,
        path: &Path,
        report: &mut VerifyReport,
    ) -> Result<Option<BadSignature>, AuditError> {
        let file = File::open(path).map_err(|e| AuditError::io(path, &e))?;
        let mut reader = LineReader::new(file, 0);
        let mut jobs = Vec::with_capacity(SIGNATURE_BLOCK);
        let mut prev_at = String::new();
        for _ in 0..report.records {
            let Some(raw) = reader.next_line().map_err(|e| AuditError::io(path, &e))? else {
                break;
            };
            let number = raw.number;
            let Ok(line) = Line::parse(raw.bytes) else {
                break;
            };
            if let Some(job) = self.job(&line, number, &prev_at, report) {
                jobs.push(job);
            }
            prev_at.clear();
            prev_at.push_str(line.at);
            if jobs.len() == SIGNATURE_BLOCK
                && let Some(bad) = check_block(&mut jobs, report)
            {
                return Ok(Some(bad));
            }
        }
        Ok(check_block(&mut jobs, report))
    }

    /// The job for one line, or `None` when it is unsigned or signed by an unknown key
    /// (counted).
    fn job(
        &self,
        line: &Line<'_>,
        number: u64,
        prev_at: &str,
        report: &mut VerifyReport,
    ) -> Option<SignatureJob> {
        // With `require_signed`, a record no trusted key signed is refused, saying why.
        let refuse = |why: String| Some(SignatureJob::refused(line, number, prev_at, why));
        let seq = line.seq;
        let (Some(id), Some(signature)) = (line.signed_by, line.signature.as_ref()) else {
            if self.require_signed {
                return refuse(format!(
                    "record {seq} is not signed, and every record must be (--require-signed)"
                ));
            }
            report.unsigned += 1;
            return None;
        };
        let mut problem = None;
        if signature.key_id != id || signature.alg != crate::sign::ALG {
            problem = Some(format!(
                "the signature block (key `{}`, alg `{}`) does not match `signed_by` `{id}`",
                signature.key_id, signature.alg
            ));
        }
        let (key, trusted) = if let Some(key) = self.trusted.get(id) {
            (*key, true)
        } else if let Some(key) = self
            .genesis_keys
            .get(id)
            .copied()
            .or_else(|| embedded_key(line).filter(|k| k.key_id() == id))
        {
            // A key the log names — in its genesis record, or in the halt, resume or override
            // body itself — vouches only that the record is intact since it was signed:
            // whoever holds the audit key can write a genesis or such a record naming their
            // own key, and sign with it. Required signatures must be by a trusted key.
            if self.require_signed {
                return refuse(format!(
                    "record {seq} is signed by `{id}`, a key only the log itself names; with --require-signed it must be a trusted key (pass --policies DIR or --trust KEY)"
                ));
            }
            (key, false)
        } else if self.require_signed {
            return refuse(format!(
                "record {seq} is signed by `{id}`, a key neither trusted nor named by the log; with --require-signed it must be a trusted key"
            ));
        } else {
            report.signatures_unknown_key += 1;
            return None;
        };
        let raw = signature_bytes(signature.sig);
        if raw.is_none() && problem.is_none() {
            problem = Some("the signature is not 64 bytes of base64".into());
        }
        let mut bytes = Vec::with_capacity(line.body.len() + 256);
        line.mac_bytes(&mut bytes);
        Some(SignatureJob {
            seq: line.seq,
            line: number,
            key: Some(key),
            trusted,
            signature: raw,
            bytes,
            prev: line.prev,
            prev_at: prev_at.parse().ok(),
            problem,
        })
    }
}

/// Verifies a block of signatures on every core; the first failure in log order, if any.
fn check_block(jobs: &mut Vec<SignatureJob>, report: &mut VerifyReport) -> Option<BadSignature> {
    let verify = |job: &SignatureJob| -> Option<String> {
        if let Some(problem) = &job.problem {
            return Some(problem.clone());
        }
        let Some(key) = job.key else {
            return Some("no key to check the signature with".into());
        };
        let sig = ed25519_dalek::Signature::from_bytes(job.signature.as_ref()?);
        match key.verifying_key().verify_strict(&job.bytes, &sig) {
            Ok(()) => None,
            Err(_) => Some(format!(
                "the signature by {} does not verify: the record was changed and re-MACed by someone holding the audit key",
                key.key_id()
            )),
        }
    };
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let workers = cores.min(jobs.len() / 64).max(1);
    let chunk = jobs.len().div_ceil(workers).max(1);
    let failures: Vec<Option<String>> = if workers == 1 {
        jobs.iter().map(verify).collect()
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = jobs
                .chunks(chunk)
                .map(|part| scope.spawn(move || part.iter().map(verify).collect::<Vec<_>>()))
                .collect();
            let mut out = Vec::with_capacity(jobs.len());
            for (handle, part) in handles.into_iter().zip(jobs.chunks(chunk)) {
                match handle.join() {
                    Ok(results) => out.extend(results),
                    Err(_) => out.extend(part.iter().map(verify)),
                }
            }
            out
        })
    };
    let mut bad = None;
    for (job, failure) in jobs.drain(..).zip(failures) {
        match failure {
            Some(detail) => {
                bad = Some(BadSignature {
                    finding: Finding {
                        kind: TamperKind::BadSignature,
                        seq: job.seq,
                        line: job.line,
                        detail,
                    },
                    prev: job.prev,
                    prev_at: job.prev_at,
                });
                break;
            }
            None if job.trusted => report.signatures_trusted += 1,
            None => report.signatures_log_keys += 1,
        }
    }
    bad
}

/// The actor key a halt, resume or override record names.
fn embedded_key(line: &Line<'_>) -> Option<PublicKey> {
    if !matches!(
        line.kind,
        RecordKind::Halt | RecordKind::Resume | RecordKind::Override
    ) {
        return None;
    }
    #[derive(serde::Deserialize)]
    struct KeyOnly {
        key: String,
    }
    let body: KeyOnly = serde_json::from_str(line.body).ok()?;
    PublicKey::parse(&body.key).ok()
}

/// One line, summarized for judging a break.
#[derive(Clone, Debug)]
pub(crate) struct Summary {
    pub seq: u64,
    pub prev: [u8; 32],
    pub mac: [u8; 32],
    /// The MAC verifies under some key of the ring.
    pub mac_ok: bool,
}

/// Summarizes every line of the log (`None` for lines that are not records).
fn summarize(path: &Path, ring: &KeyRing) -> Result<Vec<Option<Summary>>, AuditError> {
    let file = File::open(path).map_err(|e| AuditError::io(path, &e))?;
    let mut reader = LineReader::new(file, 0);
    let mut out = Vec::new();
    let mut buf = Vec::new();
    while let Some(raw) = reader.next_line().map_err(|e| AuditError::io(path, &e))? {
        let summary = Line::parse(raw.bytes).ok().map(|line| {
            line.mac_bytes(&mut buf);
            Summary {
                seq: line.seq,
                prev: line.prev,
                mac: line.mac,
                mac_ok: ring.keys().any(|k| k.verify(&buf, &line.mac)),
            }
        });
        out.push(summary);
    }
    Ok(out)
}

/// Judges what happened at line `bad` (0-based), where the chain expected `expected_seq`
/// linking to `expected_prev`.
pub(crate) fn classify(
    lines: &[Option<Summary>],
    bad: usize,
    expected_seq: u64,
    expected_prev: [u8; 32],
    anomaly: &Anomaly,
) -> Finding {
    let line_no = bad as u64 + 1;
    let finding = |kind, seq, detail: String| Finding {
        kind,
        seq,
        line: line_no,
        detail,
    };
    let Some(Some(r)) = lines.get(bad) else {
        return finding(
            TamperKind::Malformed,
            expected_seq,
            "the line is not a record".into(),
        );
    };
    let next = lines.get(bad + 1).and_then(Option::as_ref);
    if *anomaly == Anomaly::Mac {
        return match next {
            Some(n) if n.mac_ok && n.prev == expected_prev => finding(
                TamperKind::Inserted,
                expected_seq,
                format!(
                    "this line is not part of the chain: its MAC does not verify and the record after it links straight to seq {}",
                    expected_seq.saturating_sub(1)
                ),
            ),
            Some(n) if !n.mac_ok && n.prev == r.mac && r.prev == expected_prev => finding(
                TamperKind::Remaced,
                expected_seq,
                "from here on the records link to each other, but their MACs do not verify under the log's key: they were re-MACed with another key".into(),
            ),
            _ => finding(
                TamperKind::Modified,
                expected_seq,
                "the record's MAC does not match its content: it was changed after it was written".into(),
            ),
        };
    }
    // The MAC verifies: an authentic record in the wrong place.
    if r.seq == expected_seq {
        return finding(
            TamperKind::Forked,
            r.seq,
            format!(
                "the record does not link to the seq {} before it: it belongs to another branch of the chain",
                expected_seq.saturating_sub(1)
            ),
        );
    }
    if r.seq > expected_seq {
        let later = lines.iter().enumerate().skip(bad + 1).find(|(_, s)| {
            s.as_ref()
                .is_some_and(|s| s.seq == expected_seq && s.mac_ok)
        });
        if let Some((at, _)) = later {
            return finding(
                TamperKind::Reordered,
                expected_seq,
                format!(
                    "records are out of order: seq {} appears where seq {expected_seq} belongs, and seq {expected_seq} comes later (line {})",
                    r.seq,
                    at + 1
                ),
            );
        }
        let missing = if r.seq - expected_seq == 1 {
            format!("record {expected_seq} is missing")
        } else {
            format!("records {expected_seq}..{} are missing", r.seq - 1)
        };
        let genesis = if expected_seq == 0 {
            " (the log's first records, including the genesis record)"
        } else {
            ""
        };
        return finding(
            TamperKind::Deleted,
            expected_seq,
            format!("{missing}{genesis}: the chain jumps to seq {}", r.seq),
        );
    }
    let original = lines
        .iter()
        .take(bad)
        .flatten()
        .find(|s| s.seq == r.seq && s.mac_ok);
    match original {
        Some(o) if o.mac == r.mac => finding(
            TamperKind::Inserted,
            expected_seq,
            format!(
                "a copy of record {} was inserted where seq {expected_seq} belongs",
                r.seq
            ),
        ),
        Some(o) if o.prev == r.prev => finding(
            TamperKind::Forked,
            r.seq,
            format!(
                "two different records claim seq {}, both linking to seq {}: the chain forked (two writers without the lock, or a merge of two copies)",
                r.seq,
                r.seq.saturating_sub(1)
            ),
        ),
        _ => finding(
            TamperKind::Reordered,
            expected_seq,
            format!(
                "records are out of order: seq {} appears where seq {expected_seq} belongs",
                r.seq
            ),
        ),
    }
}
