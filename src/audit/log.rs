//! [`AuditLog`]: one log file, appended to by any number of threads and processes.

use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use jiff::Timestamp;

use super::entry::Entry;
use super::error::AuditError;
use super::key::{AuditKey, KeyRing};
use super::reader::Records;
use super::state::LogState;
use super::verify::{VerifyOptions, VerifyReport, verify_path};
use super::writer::{Receipt, Repaired, Writer};
use crate::eval::{Decision, HaltState, Override};
use crate::sign::Signer;

/// The most records written by one `write` + `fsync`.
const MAX_BATCH: usize = 4096;

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// An append-only, HMAC-chained audit log file.
///
/// * **Appending** ([`AuditLog::append`]) takes an exclusive lock on the file (so any number
///   of processes may append), reads what others appended since, writes whole lines and
///   fsyncs before returning. Threads of one process share writes: while one thread writes
///   and fsyncs a batch, the others queue; the next batch holds all of them and costs one
///   fsync (group commit). Every caller returns only once its own record is durable.
/// * **Reading** ([`AuditLog::iter`], [`AuditLog::verify`], [`AuditLog::halt_state`], ...)
///   verifies MACs as it goes: a log that does not verify is an error, never silently
///   believed.
///
/// ```
/// use gavel::audit::{AuditKey, AuditLog, Entry, KeyRing, VerifyOptions};
///
/// let dir = tempfile::tempdir().unwrap();
/// let keys = KeyRing::new(AuditKey::generate().unwrap());
/// let log = AuditLog::open(dir.path().join("audit.jsonl"), keys).unwrap();
/// let receipt = log.append(Entry::note("deploy freeze starts", None).unwrap()).unwrap();
/// assert_eq!(receipt.seq, 1); // seq 0 is the genesis record
/// assert_eq!(log.iter().unwrap().count(), 2);
/// assert!(log.verify(VerifyOptions::default()).unwrap().intact());
/// ```
#[derive(Debug)]
pub struct AuditLog {
    path: PathBuf,
    signer: Option<Signer>,
    writer: Mutex<Writer>,
    state: Mutex<LogState>,
    queue: Mutex<Queue>,
}

#[derive(Debug, Default)]
struct Queue {
    pending: Vec<(std::sync::Arc<Slot>, Entry)>,
    leader: bool,
}

/// Where one caller of [`AuditLog::append`] waits.
#[derive(Debug, Default)]
struct Slot {
    state: Mutex<SlotState>,
    ready: Condvar,
}

#[derive(Debug, Default)]
enum SlotState {
    #[default]
    Waiting,
    /// This caller is to write the next batch.
    Lead,
    /// Written (or failed).
    Done(Result<Receipt, AuditError>),
}

impl Slot {
    fn set(&self, state: SlotState) {
        *lock(&self.state) = state;
        self.ready.notify_one();
    }
}

/// The halt in force, with where it is recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HaltInForce {
    /// The log's id.
    pub log_id: String,
    /// The halt record's `seq`.
    pub seq: u64,
    /// The halt record's MAC.
    pub mac: String,
    /// Who, when, why.
    pub state: HaltState,
}

/// The log's identity and head.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Head {
    /// The log's id.
    pub log_id: String,
    /// The last record's `seq`.
    pub seq: u64,
    /// The last record's MAC.
    pub mac: String,
}

impl AuditLog {
    /// Opens the log at `path`, creating it (and its directory) when missing, and verifies
    /// the records already in it. A log that does not verify cannot be opened: nothing is
    /// appended to a broken chain.
    pub fn open(path: impl AsRef<Path>, keys: KeyRing) -> Result<AuditLog, AuditError> {
        let path = path.as_ref().to_path_buf();
        let mut writer = Writer::open(&path, keys)?;
        let state = Mutex::new(LogState::default());
        writer.refresh(&state)?;
        Ok(AuditLog {
            path,
            signer: None,
            writer: Mutex::new(writer),
            state,
            queue: Mutex::new(Queue::default()),
        })
    }

    /// Checks resumes and overrides against `policy` before they count in a decision: a
    /// resume or override record counts only when it is signed by the key the policy
    /// declares for the approver it names. Its MAC only shows that someone with the audit
    /// key wrote it — and the deciding service holds that key. Without this, nothing can
    /// check them, so none counts (fail closed): a resumed halt stays in force and an
    /// override is ignored, each saying to open the log with the policy (see
    /// `docs/audit-format.md`). [`super::Gatekeeper`] and `gavel eval` always set it.
    pub fn with_policy(self, policy: &crate::Policy) -> AuditLog {
        lock(&self.state).signers =
            Some(std::sync::Arc::new(super::proof::StateSigners::of(policy)));
        self
    }

    /// Signs every record with `signer` (unless an entry names its own signer).
    pub fn with_signer(mut self, signer: Signer) -> AuditLog {
        self.signer = Some(signer);
        self
    }

    /// The log file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The signer records are signed with by default.
    pub fn signer(&self) -> Option<&Signer> {
        self.signer.as_ref()
    }

    /// Appends a record and returns once it is durable (written and fsynced).
    ///
    /// Callers on other threads share writes: while one batch is written and fsynced, new
    /// records queue; the first of them then writes the whole queue with one fsync.
    pub fn append(&self, entry: Entry) -> Result<Receipt, AuditError> {
        let slot = std::sync::Arc::new(Slot::default());
        let lead = {
            let mut queue = lock(&self.queue);
            queue.pending.push((slot.clone(), entry));
            !std::mem::replace(&mut queue.leader, true)
        };
        if lead {
            self.lead();
        }
        let mut state = lock(&slot.state);
        loop {
            match std::mem::take(&mut *state) {
                SlotState::Done(result) => return result,
                SlotState::Lead => {
                    drop(state);
                    self.lead();
                    state = lock(&slot.state);
                }
                SlotState::Waiting => {
                    state = slot
                        .ready
                        .wait(state)
                        .unwrap_or_else(PoisonError::into_inner);
                }
            }
        }
    }

    /// Writes the queued records as one batch and hands the lead to the next waiter, then
    /// fsyncs (while the next batch is being written) and wakes the batch's callers.
    fn lead(&self) {
        let batch: Vec<(std::sync::Arc<Slot>, Entry)> = {
            let mut queue = lock(&self.queue);
            let take = queue.pending.len().min(MAX_BATCH);
            queue.pending.drain(..take).collect()
        };
        let (slots, entries): (Vec<_>, Vec<Entry>) = batch.into_iter().unzip();
        let written =
            lock(&self.writer).write_unsynced(&entries, self.signer.as_ref(), &self.state);
        {
            let mut queue = lock(&self.queue);
            match queue.pending.first() {
                Some((next, _)) => next.set(SlotState::Lead),
                None => queue.leader = false,
            }
        }
        let synced = written.sync();
        if let Err(e) = &synced {
            lock(&self.writer).poison(e.clone());
        }
        for (slot, result) in slots.iter().zip(written.finish(synced)) {
            slot.set(SlotState::Done(result));
        }
    }

    /// Appends several records in one write; results in the same order.
    pub fn append_all(&self, entries: Vec<Entry>) -> Vec<Result<Receipt, AuditError>> {
        lock(&self.writer).write(&entries, self.signer.as_ref(), &self.state)
    }

    /// Appends a decision (body: the decision JSON, signed by the log's signer).
    ///
    /// The append is refused ([`AuditError::Refused`]) when the decision authorizes its
    /// request but the log has since been halted, or when it uses a break-glass override
    /// that another decision already used: decide again with fresh state.
    pub fn append_decision(&self, decision: &Decision) -> Result<Receipt, AuditError> {
        self.append(Entry::decision(decision)?)
    }

    /// [`AuditLog::append_decision`] for a decision made with the usage counts `seen`
    /// ([`AuditLog::fill_cached`]): refused too when the log has since recorded more
    /// authorizing decisions than those counts, so a quota is never passed on a stale view.
    pub(crate) fn append_decision_seen(
        &self,
        decision: &Decision,
        seen: Vec<super::state::UsageSeen>,
    ) -> Result<Receipt, AuditError> {
        self.append(Entry::decision(decision)?.with_usage_seen(seen))
    }

    /// Reads and verifies records other processes appended since this process last looked.
    pub fn refresh(&self) -> Result<(), AuditError> {
        lock(&self.writer).refresh(&self.state)
    }

    /// Verifies the whole file (see [`super::verify_path`]).
    pub fn verify(&self, options: VerifyOptions<'_>) -> Result<VerifyReport, AuditError> {
        let ring = lock(&self.writer).chain.ring().clone();
        verify_path(&self.path, &ring, options)
    }

    /// Every record from the start, MACs verified as they are read. The iterator yields an
    /// error at the first record that does not verify and then stops. An incomplete last
    /// line is not a record and is not yielded.
    pub fn iter(&self) -> Result<Records, AuditError> {
        let ring = lock(&self.writer).chain.ring().clone();
        Records::open(&self.path, Some(ring))
    }

    /// The log id and its last record, after catching up (`None` for an empty log).
    pub fn head(&self) -> Result<Option<Head>, AuditError> {
        let mut writer = lock(&self.writer);
        writer.refresh(&self.state)?;
        Ok(writer
            .head()
            .map(|(log_id, seq, mac)| Head { log_id, seq, mac }))
    }

    /// The latest halt that no resume lifted, after catching up.
    pub fn halt_state(&self) -> Result<Option<HaltState>, AuditError> {
        Ok(self.halt_in_force()?.map(|h| h.state))
    }

    /// The halt in force with its place in the log, after catching up.
    pub fn halt_in_force(&self) -> Result<Option<HaltInForce>, AuditError> {
        let mut writer = lock(&self.writer);
        writer.refresh(&self.state)?;
        let log_id = writer.chain.log_id.clone().unwrap_or_default();
        drop(writer);
        Ok(lock(&self.state).halt.as_ref().map(|h| HaltInForce {
            log_id: log_id.clone(),
            seq: h.seq,
            mac: h.mac.clone(),
            state: h.state.clone(),
        }))
    }

    /// The break-glass override recorded for the request with `request_digest`, if it is
    /// unused and not expired at `now`, after catching up.
    ///
    /// An override is single-use: it is used by the first decision appended after it for
    /// the same request digest that carries it (`override`) and authorizes. The log
    /// enforces this under its lock: a second such decision is refused.
    pub fn override_for(
        &self,
        request_digest: &str,
        now: Timestamp,
    ) -> Result<Option<Override>, AuditError> {
        self.refresh()?;
        Ok(self.cached_override(request_digest, now))
    }

    /// Distinct requests with an authorizing (not dry-run) decision at or after `since`,
    /// of `action` (any action when `None`), after catching up. This is what license usage
    /// counters such as `projects_per_month` count.
    pub fn count(&self, action: Option<&str>, since: Timestamp) -> Result<u64, AuditError> {
        self.refresh()?;
        Ok(lock(&self.state).usage.count(action, since))
    }

    /// Runs `f` on the state as of the last catch-up (no file access).
    pub(crate) fn with_state<T>(&self, f: impl FnOnce(&mut LogState) -> T) -> T {
        f(&mut lock(&self.state))
    }

    /// The usable override as of the last catch-up (no file access).
    fn cached_override(&self, request_digest: &str, now: Timestamp) -> Option<Override> {
        lock(&self.state)
            .usable_override(request_digest, now)
            .map(|s| s.override_.clone())
    }

    /// Rotates the HMAC key: appends a `key_rotation` record MACed under both the key in
    /// effect and `new_key`; later records are MACed with `new_key`. Keep the old key:
    /// verifying the records before the rotation needs it.
    pub fn rotate_key(
        &self,
        new_key: AuditKey,
        reason: Option<String>,
    ) -> Result<Receipt, AuditError> {
        lock(&self.writer).rotate(new_key, reason, self.signer.as_ref(), &self.state)
    }

    /// Repairs an incomplete trailing line left by a writer that crashed mid-append: a whole
    /// record continuing the chain that lacks only its newline is completed and kept;
    /// anything else is removed, and a `repair` record says what was removed. Complete
    /// lines are never removed. `Ok(None)` when there was nothing to repair.
    pub fn repair(&self) -> Result<Option<Repaired>, AuditError> {
        lock(&self.writer).repair(self.signer.as_ref(), &self.state)
    }

    /// The HMAC key in effect (the one new records are MACed with).
    pub fn current_key(&self) -> Option<AuditKey> {
        lock(&self.writer).chain.key().cloned()
    }

    /// Bytes of an incomplete last line, as of the last catch-up.
    pub fn torn_tail(&self) -> Option<u64> {
        lock(&self.writer).torn()
    }
}
