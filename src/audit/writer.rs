//! Appending across processes: an exclusive lock on the log file, catching up on records
//! other processes appended, whole lines written in one `write`, `fsync` before success.
//!
//! The writer keeps what it has verified (the chain's head and the byte length of complete,
//! verified lines). Under the lock it reads only what was appended since; a file that
//! shrank, was replaced, or ends in an incomplete line is refused.

use std::fs::{File, OpenOptions};
use std::io::{Read as _, Seek as _, SeekFrom, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use jiff::Timestamp;
use serde::Serialize;
use sha2::{Digest as _, Sha256};

use super::bodies::{GenesisBody, KeyRotationBody, RepairBody};
use super::chain::{Anomaly, Chain, Fault};
use super::entry::{Entry, Signing};
use super::error::AuditError;
use super::key::{AuditKey, KeyRing};
use super::lines::LineReader;
use super::proof::RecordProof;
use super::record::{
    Draft, FORMAT, GENESIS_PREV, Line, RecordKind, format_at, write_line, write_mac_bytes,
};
use super::state::{Effect, LogState, Overlay};
use super::tamper::{Finding, TamperKind};
use super::verify::{VerifyOptions, verify_path};
use crate::canonical::{hex_lower, to_canonical_string};
use crate::limits::MAX_LOG_RECORD_BYTES;
use crate::sign::Signer;

/// Proof that a record was stored: it is on disk (fsynced) with this `seq` and MAC.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Receipt {
    /// The record's `seq`.
    pub seq: u64,
    /// The record's MAC (hex).
    pub mac: String,
    /// The record's time.
    pub at: Timestamp,
}

/// The appending side of one log file.
#[derive(Debug)]
pub(crate) struct Writer {
    path: PathBuf,
    file: File,
    pub(crate) chain: Chain,
    verified_len: u64,
    torn: Option<u64>,
    poisoned: Option<AuditError>,
    #[cfg(unix)]
    identity: (u64, u64),
    mac_buf: Vec<u8>,
    out: Vec<u8>,
}

fn state_lock(state: &Mutex<LogState>) -> std::sync::MutexGuard<'_, LogState> {
    state
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The error for a non-empty file that holds no complete record.
pub(crate) fn not_a_log(path: &Path, bytes: u64) -> AuditError {
    AuditError::Malformed(format!(
        "{}: not an audit log: {bytes} bytes without one complete record (a log starts with its genesis record; if a writer crashed creating this log, remove the file to start a new one)",
        path.display()
    ))
}

/// The time of a record: now, to the microsecond (what the record text holds).
fn record_time() -> Timestamp {
    let now = Timestamp::now();
    Timestamp::from_microsecond(now.as_microsecond()).unwrap_or(now)
}

impl Writer {
    /// Opens (creating if needed) the log at `path`.
    pub(crate) fn open(path: &Path, ring: KeyRing) -> Result<Writer, AuditError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| AuditError::io(parent, &e))?;
        }
        // A symlink to nothing would have the log created wherever it points: refused, as
        // a log that is not a regular file is (a FIFO or a device reads as an empty log and
        // then never ends).
        if let Ok(link) = std::fs::symlink_metadata(path)
            && link.file_type().is_symlink()
            && std::fs::metadata(path).is_err()
        {
            return Err(AuditError::Malformed(format!(
                "{} is a symbolic link to nothing; point it at the log or remove it",
                crate::quote::quote(&path.display().to_string())
            )));
        }
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .map_err(|e| AuditError::io(path, &e))?;
        let metadata = file.metadata().map_err(|e| AuditError::io(path, &e))?;
        if !metadata.is_file() {
            return Err(AuditError::Malformed(format!(
                "{} is not a regular file (a FIFO, a device or a directory), so it cannot be an \
                 audit log",
                crate::quote::quote(&path.display().to_string())
            )));
        }
        #[cfg(unix)]
        let identity = {
            use std::os::unix::fs::MetadataExt as _;
            (metadata.dev(), metadata.ino())
        };
        Ok(Writer {
            path: path.to_path_buf(),
            file,
            chain: Chain::new(ring),
            verified_len: 0,
            torn: None,
            poisoned: None,
            #[cfg(unix)]
            identity,
            mac_buf: Vec::with_capacity(4096),
            out: Vec::with_capacity(64 * 1024),
        })
    }

    /// The log id, head seq and head MAC, once the log has records.
    pub(crate) fn head(&self) -> Option<(String, u64, String)> {
        let log_id = self.chain.log_id.clone()?;
        let seq = self.chain.next_seq.checked_sub(1)?;
        Some((log_id, seq, hex_lower(&self.chain.head_mac)))
    }

    /// Bytes of an incomplete last line, as of the last catch-up.
    pub(crate) fn torn(&self) -> Option<u64> {
        self.torn
    }

    fn io(&self, e: &std::io::Error) -> AuditError {
        AuditError::io(&self.path, e)
    }

    /// Runs `f` holding the file lock (exclusive or shared).
    fn locked<T>(
        &mut self,
        exclusive: bool,
        f: impl FnOnce(&mut Self) -> T,
    ) -> Result<T, AuditError> {
        let locked = if exclusive {
            self.file.lock()
        } else {
            self.file.lock_shared()
        };
        locked.map_err(|e| self.io(&e))?;
        let result = f(self);
        self.file.unlock().map_err(|e| self.io(&e))?;
        Ok(result)
    }

    /// Reads and verifies what other processes appended (under a shared lock).
    pub(crate) fn refresh(&mut self, state: &Mutex<LogState>) -> Result<(), AuditError> {
        self.locked(false, |w| w.catch_up(state))?
    }

    /// A tampering error, with the verifier's account of what is wrong.
    fn tampered(&self, fallback: Finding) -> AuditError {
        let finding = verify_path(&self.path, self.chain.ring(), VerifyOptions::default())
            .ok()
            .and_then(|r| r.finding)
            .unwrap_or(fallback);
        AuditError::Tampered(Box::new(finding))
    }

    /// Reads lines appended since the last catch-up; the caller holds the lock.
    fn catch_up(&mut self, state: &Mutex<LogState>) -> Result<(), AuditError> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt as _;
            let replaced = match std::fs::metadata(&self.path) {
                Ok(m) => (m.dev(), m.ino()) != self.identity,
                Err(_) => true,
            };
            if replaced {
                return Err(AuditError::Tampered(Box::new(Finding {
                    kind: TamperKind::Replaced,
                    seq: self.chain.next_seq,
                    line: 0,
                    detail: "the log file was removed or replaced since this process opened it"
                        .into(),
                })));
            }
        }
        let len = self.file.metadata().map_err(|e| self.io(&e))?.len();
        if len < self.verified_len {
            return Err(AuditError::Tampered(Box::new(Finding {
                kind: TamperKind::Deleted,
                seq: self.chain.next_seq.saturating_sub(1),
                line: 0,
                detail: format!(
                    "the log shrank from {} to {len} bytes since this process read it: records were cut from its end",
                    self.verified_len
                ),
            })));
        }
        self.torn = None;
        if len == self.verified_len {
            return Ok(());
        }
        (&self.file)
            .seek(SeekFrom::Start(self.verified_len))
            .map_err(|e| self.io(&e))?;
        let remaining = len - self.verified_len;
        let mut reader =
            LineReader::sized((&self.file).take(remaining), self.verified_len, remaining);
        let mut state = state_lock(state);
        let mut new_len = self.verified_len;
        let mut result = Ok(());
        loop {
            let raw = match reader.next_line() {
                Ok(Some(raw)) => raw,
                Ok(None) => break,
                Err(e) => {
                    result = Err(AuditError::io(&self.path, &e));
                    break;
                }
            };
            let fallback = Finding {
                kind: TamperKind::Malformed,
                seq: self.chain.next_seq,
                line: 0,
                detail: format!("the record at byte {} does not verify", raw.offset),
            };
            if !raw.complete {
                self.torn = Some(raw.len);
                break;
            }
            let line = match (raw.too_long, Line::parse(raw.bytes)) {
                (false, Ok(line)) => line,
                _ => {
                    result = Err(AuditError::Tampered(Box::new(fallback)));
                    break;
                }
            };
            match self.chain.accept(&line) {
                Ok(()) => {}
                Err(Fault::Fatal(e)) => {
                    result = Err(e);
                    break;
                }
                Err(Fault::Anomaly(Anomaly::Malformed(why) | Anomaly::ForgedRotation(why))) => {
                    result = Err(AuditError::Tampered(Box::new(Finding {
                        detail: why,
                        ..fallback
                    })));
                    break;
                }
                Err(Fault::Anomaly(_)) => {
                    result = Err(AuditError::Tampered(Box::new(fallback)));
                    break;
                }
            }
            let at = line.at().unwrap_or(Timestamp::UNIX_EPOCH);
            let effect = Effect::of_record(line.kind, line.body, at).with_proof(|| {
                let mut bytes = Vec::new();
                line.mac_bytes(&mut bytes);
                RecordProof {
                    bytes,
                    signature: line.signature.as_ref().map(|s| s.to_signature()),
                }
            });
            state.apply(line.seq, line.mac_text, at, &effect);
            new_len = raw.offset + raw.len;
        }
        if state.log_id.is_none() {
            state.log_id.clone_from(&self.chain.log_id);
        }
        drop(state);
        self.verified_len = new_len;
        if result.is_ok()
            && self.chain.log_id.is_none()
            && let Some(bytes) = self.torn
        {
            // Bytes but not one complete record: not an audit log (or one whose genesis
            // was never completed). Neither repair nor an append may touch it.
            result = Err(not_a_log(&self.path, bytes));
        }
        match result {
            Err(AuditError::Tampered(finding)) => Err(self.tampered(*finding)),
            other => other,
        }
    }

    /// Appends `entries` as one write and one fsync. Each entry gets its own result: an
    /// entry whose precondition fails is refused, the others are written.
    pub(crate) fn write(
        &mut self,
        entries: &[Entry],
        signer: Option<&Signer>,
        state: &Mutex<LogState>,
    ) -> Vec<Result<Receipt, AuditError>> {
        let written = self.write_unsynced(entries, signer, state);
        let synced = written.sync();
        if let Err(e) = &synced {
            self.poison(e.clone());
        }
        written.finish(synced)
    }

    /// Appends `entries` as one `write`, holding the file lock, but does not fsync: the
    /// caller must [`Written::sync`] before telling anyone the records are stored. (The
    /// group commit fsyncs outside the writer's mutex, so the next batch is built and
    /// written while this one is flushed.)
    pub(crate) fn write_unsynced(
        &mut self,
        entries: &[Entry],
        signer: Option<&Signer>,
        state: &Mutex<LogState>,
    ) -> Written {
        match self.locked(true, |w| w.write_locked(entries, signer, state)) {
            Ok(written) => written,
            Err(e) => Written::failed(entries.len(), &e),
        }
    }

    /// After an fsync failed, nothing more is written through this handle: the kernel
    /// may have dropped the unwritten pages, so the file's state is unknown.
    pub(crate) fn poison(&mut self, error: AuditError) {
        if self.poisoned.is_none() {
            self.poisoned = Some(error);
        }
    }

    fn write_locked(
        &mut self,
        entries: &[Entry],
        signer: Option<&Signer>,
        state: &Mutex<LogState>,
    ) -> Written {
        if let Some(e) = &self.poisoned {
            return Written::failed(entries.len(), e);
        }
        if let Err(e) = self.catch_up(state) {
            return Written::failed(entries.len(), &e);
        }
        if let Some(bytes) = self.torn {
            let e = AuditError::TornTail {
                path: self.path.display().to_string(),
                bytes,
            };
            return Written::failed(entries.len(), &e);
        }
        let now = record_time();
        let at = format_at(now);
        self.out.clear();
        let mut new_log = None;
        let (mut next_seq, mut head) = (self.chain.next_seq, hex_lower(&self.chain.head_mac));
        let key = match self.chain.key() {
            Some(key) => key.clone(),
            None => match self.genesis(now, &at, signer) {
                Ok((log_id, key, mac)) => {
                    next_seq = 1;
                    head = mac;
                    new_log = Some(log_id);
                    key
                }
                Err(e) => return Written::failed(entries.len(), &e),
            },
        };
        let mut results: Vec<Option<Result<Receipt, AuditError>>> = vec![None; entries.len()];
        // Phase 1, in order: check each entry against the state, chain it, MAC it.
        let mut sealed: Vec<Sealed<'_>> = Vec::with_capacity(entries.len());
        {
            let mut state = state_lock(state);
            let mut overlay = Overlay::default();
            for (i, entry) in entries.iter().enumerate() {
                let slot = results.get_mut(i);
                let effect = entry.effect.stamped(now);
                if let Err(why) = state.check(&overlay, &effect, now) {
                    if let Some(slot) = slot {
                        *slot = Some(Err(AuditError::Refused(why)));
                    }
                    continue;
                }
                let signer = match &entry.signing {
                    Signing::Default => signer,
                    Signing::By(s) => Some(s.as_ref()),
                    Signing::Unsigned => None,
                };
                let signed_by = signer.map(Signer::key_id);
                let mut bytes = Vec::with_capacity(entry.body.len() + 256);
                write_mac_bytes(
                    &mut bytes,
                    &at,
                    &entry.body,
                    entry.kind.as_str(),
                    &head,
                    next_seq,
                    signed_by,
                );
                // The line adds the MAC and the signature block to these bytes.
                if bytes.len() + LINE_OVERHEAD > MAX_LOG_RECORD_BYTES {
                    if let Some(slot) = slot {
                        *slot = Some(Err(AuditError::RecordTooLarge {
                            bytes: bytes.len() + LINE_OVERHEAD,
                            limit: MAX_LOG_RECORD_BYTES,
                        }));
                    }
                    continue;
                }
                let mac = hex_lower(&key.mac(&bytes));
                LogState::stage(&mut overlay, &effect, next_seq, &mac, now);
                sealed.push(Sealed {
                    index: i,
                    seq: next_seq,
                    prev: std::mem::replace(&mut head, mac.clone()),
                    mac,
                    entry,
                    effect,
                    signer,
                    bytes,
                });
                next_seq += 1;
            }
        }
        // Phase 2, on every core: the signatures (the costly part).
        let signatures = sign_all(&sealed);
        // Phase 3: the lines, in order.
        for (record, signature) in sealed.iter().zip(&signatures) {
            let draft = Draft {
                seq: record.seq,
                at: &at,
                kind: record.entry.kind,
                body: &record.entry.body,
                prev: &record.prev,
                signed_by: record.signer.map(Signer::key_id),
            };
            write_line(&mut self.out, &draft, &record.mac, None, signature.as_ref());
        }
        if self.out.is_empty() {
            return Written::done(results, None);
        }
        if let Err(e) = self.write_out() {
            for record in &sealed {
                if let Some(slot) = results.get_mut(record.index) {
                    *slot = Some(Err(e.clone()));
                }
            }
            return Written::done(results, None);
        }
        if let Some(log_id) = new_log {
            self.sync_dir();
            let genesis_mac = self.chain.head_mac;
            self.chain.start_new(&log_id, key, genesis_mac);
        }
        if let Some(mac) = super::record::decode_mac(&head) {
            self.chain.next_seq = next_seq;
            self.chain.head_mac = mac;
        }
        let mut state = state_lock(state);
        if state.log_id.is_none() {
            state.log_id.clone_from(&self.chain.log_id);
        }
        for (record, signature) in sealed.into_iter().zip(signatures) {
            // Resumes and overrides keep their signature, checked against the policy
            // before they count (as when they are read back from the file).
            let proven;
            let effect: &Effect = match &*record.effect {
                Effect::Resume { .. } | Effect::Override { .. } => {
                    proven = record.effect.as_ref().clone().with_proof(|| RecordProof {
                        bytes: record.bytes.clone(),
                        signature,
                    });
                    &proven
                }
                _ => &record.effect,
            };
            state.apply(record.seq, &record.mac, now, effect);
            if let Some(slot) = results.get_mut(record.index) {
                *slot = Some(Ok(Receipt {
                    seq: record.seq,
                    mac: record.mac,
                    at: now,
                }));
            }
        }
        drop(state);
        let sync = self.file.try_clone().map_err(|e| self.io(&e));
        Written::done(results, Some(sync))
    }

    /// Writes the genesis record of a new log into `out`: returns the log id, the key and
    /// the genesis MAC. The chain's head MAC is set to the genesis MAC (not yet committed).
    fn genesis(
        &mut self,
        now: Timestamp,
        at: &str,
        signer: Option<&Signer>,
    ) -> Result<(String, AuditKey, String), AuditError> {
        if self.verified_len != 0 {
            return Err(AuditError::Malformed(
                "the log has records but no genesis record was read".into(),
            ));
        }
        let mut id = [0u8; 16];
        getrandom::getrandom(&mut id)
            .map_err(|e| AuditError::Malformed(format!("cannot get random bytes: {e}")))?;
        let log_id = hex_lower(&id);
        let key = self.chain.ring().primary().clone();
        let body = GenesisBody {
            format: FORMAT.to_string(),
            log_id: log_id.clone(),
            created_at: now,
            key: key.fingerprint(&log_id),
            signing_keys: signer
                .map(|s| vec![s.public_key().to_gavel_string()])
                .unwrap_or_default(),
        };
        let body = to_canonical_string(&body).map_err(|e| AuditError::Canonical(e.to_string()))?;
        let draft = Draft {
            seq: 0,
            at,
            kind: RecordKind::Genesis,
            body: &body,
            prev: GENESIS_PREV,
            signed_by: signer.map(Signer::key_id),
        };
        let mac = self.seal(&draft, &key, None, signer);
        if let Some(m) = super::record::decode_mac(&mac) {
            self.chain.head_mac = m;
        }
        Ok((log_id, key, mac))
    }

    /// MACs (and signs) a draft and appends its line to `out`; returns the MAC.
    fn seal(
        &mut self,
        draft: &Draft<'_>,
        key: &AuditKey,
        old_key: Option<&AuditKey>,
        signer: Option<&Signer>,
    ) -> String {
        write_mac_bytes(
            &mut self.mac_buf,
            draft.at,
            draft.body,
            draft.kind.as_str(),
            draft.prev,
            draft.seq,
            draft.signed_by,
        );
        let mac = hex_lower(&key.mac(&self.mac_buf));
        let mac_old = old_key.map(|k| hex_lower(&k.mac(&self.mac_buf)));
        let signature = signer.map(|s| s.sign_bytes(&self.mac_buf));
        write_line(
            &mut self.out,
            draft,
            &mac,
            mac_old.as_deref(),
            signature.as_ref(),
        );
        mac
    }

    /// Writes `out` and fsyncs; on failure cuts the file back to its verified length.
    fn commit(&mut self) -> Result<(), AuditError> {
        if let Some(e) = &self.poisoned {
            return Err(e.clone());
        }
        self.write_out()?;
        let synced = self.file.sync_data().map_err(|e| self.io(&e));
        if let Err(e) = &synced {
            self.poison(e.clone());
        }
        synced
    }

    /// Writes `out` (no fsync); on failure cuts the file back to its verified length.
    fn write_out(&mut self) -> Result<(), AuditError> {
        let written = self.file.write_all(&self.out);
        match written {
            Ok(()) => {
                self.verified_len += self.out.len() as u64;
                Ok(())
            }
            Err(e) => {
                let _ = self.file.set_len(self.verified_len);
                let _ = self.file.sync_data();
                Err(self.io(&e))
            }
        }
    }

    /// Makes a new file's directory entry durable.
    fn sync_dir(&self) {
        #[cfg(unix)]
        if let Some(dir) = self.path.parent() {
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            if let Ok(d) = File::open(dir) {
                let _ = d.sync_all();
            }
        }
    }

    /// Appends a `key_rotation` record MACed under the key in effect (`mac_old`) and
    /// `new_key` (`mac`), then continues with `new_key`.
    pub(crate) fn rotate(
        &mut self,
        new_key: AuditKey,
        reason: Option<String>,
        signer: Option<&Signer>,
        state: &Mutex<LogState>,
    ) -> Result<Receipt, AuditError> {
        self.locked(true, |w| w.rotate_locked(new_key, reason, signer, state))?
    }

    fn rotate_locked(
        &mut self,
        new_key: AuditKey,
        reason: Option<String>,
        signer: Option<&Signer>,
        state: &Mutex<LogState>,
    ) -> Result<Receipt, AuditError> {
        self.catch_up(state)?;
        if let Some(bytes) = self.torn {
            return Err(AuditError::TornTail {
                path: self.path.display().to_string(),
                bytes,
            });
        }
        let (Some(old_key), Some(log_id), Some(old_fp)) = (
            self.chain.key().cloned(),
            self.chain.log_id.clone(),
            self.chain.key_fp.clone(),
        ) else {
            return Err(AuditError::Malformed(
                "the log has no records yet: there is no key to rotate (a new log starts with the primary key)".into(),
            ));
        };
        let new_fp = new_key.fingerprint(&log_id);
        if new_fp == old_fp {
            return Err(AuditError::WeakKey(
                "the new audit key is the key already in effect".into(),
            ));
        }
        let body = to_canonical_string(&KeyRotationBody {
            old_key: old_fp,
            new_key: new_fp.clone(),
            reason,
        })
        .map_err(|e| AuditError::Canonical(e.to_string()))?;
        let now = record_time();
        let at = format_at(now);
        let head = hex_lower(&self.chain.head_mac);
        let seq = self.chain.next_seq;
        let draft = Draft {
            seq,
            at: &at,
            kind: RecordKind::KeyRotation,
            body: &body,
            prev: &head,
            signed_by: signer.map(Signer::key_id),
        };
        self.out.clear();
        let mac = self.seal(&draft, &new_key, Some(&old_key), signer);
        self.commit()?;
        self.chain.rotate_to(new_key, new_fp);
        if let Some(m) = super::record::decode_mac(&mac) {
            self.chain.head_mac = m;
        }
        self.chain.next_seq = seq + 1;
        Ok(Receipt { seq, mac, at: now })
    }

    /// Repairs an incomplete trailing line (see [`Repaired`]). `Ok(None)` when there is
    /// nothing to repair.
    pub(crate) fn repair(
        &mut self,
        signer: Option<&Signer>,
        state: &Mutex<LogState>,
    ) -> Result<Option<Repaired>, AuditError> {
        self.locked(true, |w| w.repair_locked(signer, state))?
    }

    fn repair_locked(
        &mut self,
        signer: Option<&Signer>,
        state: &Mutex<LogState>,
    ) -> Result<Option<Repaired>, AuditError> {
        self.catch_up(state)?;
        let Some(bytes) = self.torn else {
            return Ok(None);
        };
        let offset = self.verified_len;
        if let Some(seq) = self.record_without_line_end(offset, bytes)? {
            // The record is whole and continues the chain: only its line's end is missing.
            // Removing it would undo what it recorded (an override's use, a halt), so the
            // line is ended instead, and the record counts.
            (&self.file)
                .seek(SeekFrom::Start(offset + bytes))
                .and_then(|_| (&self.file).write_all(b"\n"))
                .and_then(|()| self.file.sync_data())
                .map_err(|e| self.io(&e))?;
            self.catch_up(state)?;
            return Ok(Some(Repaired::Completed { seq, offset }));
        }
        (&self.file)
            .seek(SeekFrom::Start(offset))
            .map_err(|e| self.io(&e))?;
        let mut hasher = Sha256::new();
        let mut fragment = (&self.file).take(bytes);
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            let n = fragment.read(&mut chunk).map_err(|e| self.io(&e))?;
            if n == 0 {
                break;
            }
            hasher.update(chunk.get(..n).unwrap_or_default());
        }
        // Only the bytes after the last newline go: every complete line stays.
        self.file
            .set_len(offset)
            .and_then(|()| self.file.sync_data())
            .map_err(|e| self.io(&e))?;
        self.torn = None;
        let body = RepairBody {
            offset,
            removed_bytes: bytes,
            removed_sha256: hex::encode(hasher.finalize()),
            note: "removed an incomplete trailing line left by a writer that crashed mid-append"
                .into(),
        };
        let entry = Entry::any(RecordKind::Repair, &body)?;
        let written = self.write_locked(std::slice::from_ref(&entry), signer, state);
        let synced = written.sync();
        if let Err(e) = &synced {
            self.poison(e.clone());
        }
        let receipt = written
            .finish(synced)
            .pop()
            .unwrap_or_else(|| Err(AuditError::Malformed("no result".into())))?;
        Ok(Some(Repaired::Removed { body, receipt }))
    }

    /// The `seq` of the trailing `bytes` at `offset` when they are a whole record that
    /// continues the chain — MAC and all — lacking only the newline that ends its line.
    fn record_without_line_end(&self, offset: u64, bytes: u64) -> Result<Option<u64>, AuditError> {
        if bytes > MAX_LOG_RECORD_BYTES as u64 {
            return Ok(None);
        }
        let mut fragment = Vec::new();
        (&self.file)
            .seek(SeekFrom::Start(offset))
            .and_then(|_| (&self.file).take(bytes).read_to_end(&mut fragment))
            .map_err(|e| self.io(&e))?;
        let Ok(line) = Line::parse(&fragment) else {
            return Ok(None);
        };
        let seq = line.seq;
        Ok(self.chain.clone().accept(&line).is_ok().then_some(seq))
    }
}

/// What `gavel audit repair` did to a log's incomplete last line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Repaired {
    /// The line was a whole record continuing the chain, lacking only its newline (a
    /// writer stopped between the two, or the newline was cut): the line was ended and the
    /// record kept, so what it recorded still counts.
    Completed {
        /// The record's `seq`.
        seq: u64,
        /// Where its line starts.
        offset: u64,
    },
    /// The line was not a whole record: it was removed, and a `repair` record says what
    /// was removed (`body`), appended as `receipt`.
    Removed {
        /// What was removed.
        body: RepairBody,
        /// The `repair` record.
        receipt: Receipt,
    },
}

/// Room a line needs beyond its MAC bytes: the MAC member and a signature block.
const LINE_OVERHEAD: usize = 512;

/// A record of a batch between MACing and writing.
struct Sealed<'a> {
    index: usize,
    seq: u64,
    prev: String,
    mac: String,
    entry: &'a Entry,
    effect: std::borrow::Cow<'a, Effect>,
    signer: Option<&'a Signer>,
    bytes: Vec<u8>,
}

/// Signs the sealed records, spread over the machine's cores for larger batches.
fn sign_all(sealed: &[Sealed<'_>]) -> Vec<Option<crate::sign::Signature>> {
    let sign = |r: &Sealed<'_>| r.signer.map(|s| s.sign_bytes(&r.bytes));
    let signed = sealed.iter().filter(|r| r.signer.is_some()).count();
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let workers = cores.min(signed / 16).max(1);
    if workers == 1 {
        return sealed.iter().map(sign).collect();
    }
    let chunk = sealed.len().div_ceil(workers);
    std::thread::scope(|scope| {
        let handles: Vec<_> = sealed
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(sign).collect::<Vec<_>>()))
            .collect();
        let mut out = Vec::with_capacity(sealed.len());
        for (handle, part) in handles.into_iter().zip(sealed.chunks(chunk)) {
            match handle.join() {
                Ok(signatures) => out.extend(signatures),
                Err(_) => out.extend(part.iter().map(sign)),
            }
        }
        out
    })
}

/// A batch written but perhaps not yet fsynced.
pub(crate) struct Written {
    results: Vec<Option<Result<Receipt, AuditError>>>,
    sync: Option<Result<File, AuditError>>,
}

impl Written {
    fn failed(n: usize, error: &AuditError) -> Written {
        Written {
            results: (0..n).map(|_| Some(Err(error.clone()))).collect(),
            sync: None,
        }
    }

    fn done(
        results: Vec<Option<Result<Receipt, AuditError>>>,
        sync: Option<Result<File, AuditError>>,
    ) -> Written {
        Written { results, sync }
    }

    /// Fsyncs what was written (nothing to do when nothing was written).
    pub(crate) fn sync(&self) -> Result<(), AuditError> {
        match &self.sync {
            None => Ok(()),
            Some(Err(e)) => Err(e.clone()),
            Some(Ok(file)) => file.sync_data().map_err(|e| AuditError::Io {
                path: "audit log".into(),
                message: format!("fsync failed: {e}; the records may not be stored"),
            }),
        }
    }

    /// The results, each written record failing if the fsync failed.
    pub(crate) fn finish(self, synced: Result<(), AuditError>) -> Vec<Result<Receipt, AuditError>> {
        self.results
            .into_iter()
            .map(|r| {
                let r = r.unwrap_or_else(|| {
                    Err(AuditError::Malformed("the record was not written".into()))
                });
                match (&synced, r) {
                    (Err(e), Ok(_)) => Err(e.clone()),
                    (_, r) => r,
                }
            })
            .collect()
    }
}
