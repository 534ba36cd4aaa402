//! The state the log carries: the halt in force, break-glass overrides and whether they
//! were used, and the authorized decisions usage counters count.
//!
//! The state is a fold over the records in log order. Appends that depend on it (an
//! authorizing decision while a halt may have started, a decision using a single-use
//! override, a resume) are checked against it under the log's exclusive lock, so two
//! processes cannot both use one override, and no decision made before a halt is recorded
//! as authorizing after it.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use jiff::Timestamp;
use serde::Deserialize;
use serde::de::IgnoredAny;
use sha2::{Digest as _, Sha256};

use super::bodies::{HaltBody, OverrideBody, ResumeBody};
use super::proof::RecordProof;
use super::record::RecordKind;
use crate::eval::{Decision, HaltState, Override};

/// What one record changes in the state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Effect {
    /// Nothing.
    None,
    /// A decision.
    Decision(DecisionEffect),
    /// A halt starts.
    Halt(HaltState),
    /// The halt at `halt_seq` ends.
    Resume {
        /// The halt it lifts.
        halt_seq: u64,
        /// Who resumed (approver id).
        by: String,
        /// The role they resumed in.
        role: String,
        /// The resume approvals the record carries (signed credentials, as written).
        approvals: Arc<[serde_json::Value]>,
        /// The record's signature, when read from the log (see [`RecordProof`]).
        proof: Option<Arc<RecordProof>>,
    },
    /// A break-glass override is recorded.
    Override {
        /// Request digest.
        digest: String,
        /// Who, why.
        override_: Override,
        /// Expiry.
        expires_at: Option<Timestamp>,
        /// The record's signature, when read from the log (see [`RecordProof`]).
        proof: Option<Arc<RecordProof>>,
    },
}

/// The facts of a decision the state needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct DecisionEffect {
    pub digest: String,
    pub action: String,
    pub authorizes: bool,
    /// The decision saw a halt (and so blocked).
    pub halted: bool,
    /// The decision carries a break-glass override.
    pub overridden: bool,
    /// The usage counts the log held when the decision was made (empty when it read none,
    /// and for records read back from the log).
    pub usage_seen: Vec<UsageSeen>,
}

/// A usage count a decision was made with: how many distinct other requests of `action`
/// (any, when `None`) had an authorizing decision in the log since `since`. At append time
/// the log must still hold no more than that, or the decision was made on a stale count
/// (found by QA: a `Gatekeeper` whose view of the log was older than another process's
/// append authorized a request past a quota of 1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct UsageSeen {
    pub action: Option<String>,
    pub since: Timestamp,
    pub count: u64,
}

impl DecisionEffect {
    pub(crate) fn of(decision: &Decision) -> DecisionEffect {
        DecisionEffect {
            digest: decision.request.digest.clone(),
            action: decision.request.action.clone(),
            authorizes: decision.authorizes,
            halted: decision.halt.is_some(),
            overridden: decision.override_.is_some(),
            usage_seen: Vec::new(),
        }
    }
}

#[derive(Deserialize)]
struct DecisionBits {
    #[serde(default)]
    authorizes: bool,
    #[serde(default, rename = "override")]
    override_: Option<IgnoredAny>,
    #[serde(default)]
    halt: Option<IgnoredAny>,
    request: RequestBits,
}

#[derive(Deserialize)]
struct RequestBits {
    #[serde(default)]
    digest: String,
    #[serde(default)]
    action: String,
}

impl Effect {
    /// The effect of a record read from the log. Bodies that do not parse change nothing
    /// (the MAC already vouches they are what was written) — except a halt's: a `halt`
    /// record is a stop whatever its body says, so one that does not read as gavel writes
    /// it still halts, naming why (a halt taken as recorded only ever blocks).
    pub(crate) fn of_record(kind: RecordKind, body: &str, at: Timestamp) -> Effect {
        match kind {
            RecordKind::Decision => match serde_json::from_str::<DecisionBits>(body) {
                Ok(d) => Effect::Decision(DecisionEffect {
                    digest: d.request.digest,
                    action: d.request.action,
                    authorizes: d.authorizes,
                    halted: d.halt.is_some(),
                    overridden: d.override_.is_some(),
                    usage_seen: Vec::new(),
                }),
                Err(_) => Effect::None,
            },
            RecordKind::Halt => match serde_json::from_str::<HaltBody>(body) {
                Ok(h) => Effect::Halt(HaltState {
                    by: h.by,
                    at,
                    reason: h.reason,
                }),
                Err(e) => Effect::Halt(HaltState {
                    by: "(unreadable halt record)".into(),
                    at,
                    reason: format!("a halt record whose body gavel cannot read ({e})"),
                }),
            },
            RecordKind::Resume => match serde_json::from_str::<ResumeBody>(body) {
                Ok(r) => Effect::Resume {
                    halt_seq: r.halt_seq,
                    by: r.by,
                    role: r.role,
                    approvals: r.approvals.into(),
                    proof: None,
                },
                Err(_) => Effect::None,
            },
            RecordKind::Override => match serde_json::from_str::<OverrideBody>(body) {
                Ok(o) => Effect::Override {
                    digest: o.request_digest.clone(),
                    override_: o.to_override(at),
                    expires_at: o.expires_at,
                    proof: None,
                },
                Err(_) => Effect::None,
            },
            _ => Effect::None,
        }
    }
}

impl Effect {
    /// The effect with its record's signature attached, for the records that loosen what
    /// decisions allow (resumes, overrides); `proof` is only built for those.
    pub(crate) fn with_proof(mut self, proof: impl FnOnce() -> RecordProof) -> Effect {
        if let Effect::Resume { proof: slot, .. } | Effect::Override { proof: slot, .. } = &mut self
        {
            *slot = Some(Arc::new(proof()));
        }
        self
    }

    /// The effect of a record written at `at` (halts and overrides carry the record time).
    pub(crate) fn stamped(&self, at: Timestamp) -> std::borrow::Cow<'_, Effect> {
        use std::borrow::Cow;
        Cow::Owned(match self {
            Effect::Halt(state) => Effect::Halt(HaltState {
                at,
                ..state.clone()
            }),
            Effect::Override {
                digest,
                override_,
                expires_at,
                proof,
            } => Effect::Override {
                digest: digest.clone(),
                override_: Override {
                    at,
                    ..override_.clone()
                },
                expires_at: *expires_at,
                proof: proof.clone(),
            },
            other => return Cow::Borrowed(other),
        })
    }
}

/// The halt in force.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Halt {
    pub seq: u64,
    pub mac: String,
    pub state: HaltState,
}

/// A recorded override and its use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct OverrideSlot {
    pub seq: u64,
    pub override_: Override,
    pub expires_at: Option<Timestamp>,
    pub used_by: Option<u64>,
    /// Its record's signature, checked against the policy before it counts.
    pub proof: Option<Arc<RecordProof>>,
}

/// The last halt lifted, and the resume that lifted it: a resume whose signature does not
/// check out against the policy leaves that halt in force.
#[derive(Clone, Debug)]
pub(crate) struct Resumed {
    pub halt: Halt,
    /// The resume record's seq.
    pub seq: u64,
    /// When the resume was recorded.
    pub at: Timestamp,
    pub by: String,
    /// The role the record says `by` resumed in.
    pub role: String,
    /// The resume approvals the record carries.
    pub approvals: Arc<[serde_json::Value]>,
    pub proof: Option<Arc<RecordProof>>,
    /// The signature check's result, made once: every later decision asks, and a log's
    /// policy keys do not change.
    pub refusal: std::sync::OnceLock<Option<String>>,
}

/// The fold of every record so far.
#[derive(Debug, Default)]
pub(crate) struct LogState {
    /// The log's id (from its genesis record), once read.
    pub log_id: Option<String>,
    pub halt: Option<Halt>,
    /// Set when the last halt was lifted; cleared by the next halt.
    pub resumed: Option<Resumed>,
    pub overrides: HashMap<String, OverrideSlot>,
    pub usage: UsageIndex,
    /// The policy's approver keys ([`super::AuditLog::with_policy`]): resumes and overrides
    /// count only when signed by them; without them none counts.
    pub signers: Option<Arc<super::proof::StateSigners>>,
}

/// Why a resume or an override in a log opened without the policy does not count: only the
/// policy's keys can vouch for who recorded it, and the log's MAC shows only that someone
/// holding the audit key — the deciding service, for one — wrote it.
pub(crate) const UNCHECKED: &str = "the audit log was opened without the policy, so who \
                                    recorded it cannot be checked (open it with \
                                    `AuditLog::with_policy`)";

/// Changes made by records of a batch not yet written, so each record of the batch is
/// checked against the ones before it.
#[derive(Debug, Default)]
pub(crate) struct Overlay {
    halt: Option<Option<Halt>>,
    used: HashSet<String>,
    added: HashMap<String, OverrideSlot>,
    /// Authorizing decisions of the batch, for usage counts: (action, at, digest).
    authorized: Vec<(String, Timestamp, String)>,
}

impl LogState {
    /// The last resume, when it does not count (and why): its halt is still in force. A
    /// resume counts only when the policy's keys vouch for it and it meets the policy's
    /// `resume by` and `resume require` ([`super::proof::StateSigners::resume_refusal`]);
    /// with no policy to check it against, none does (fail closed, not trusted on the MAC).
    /// Deciding ([`super::AuditLog::fill_context`]) and appending ([`LogState::check`]) both
    /// read the halt this way, so a decision made before such a halt is refused as one made
    /// before any halt is.
    pub(crate) fn uncounted_resume(&self) -> Option<(&Resumed, &str)> {
        let resumed = self.resumed.as_ref()?;
        let why = match &self.signers {
            Some(signers) => resumed
                .refusal
                .get_or_init(|| {
                    signers.resume_refusal(resumed, self.log_id.as_deref().unwrap_or(""))
                })
                .as_deref()?,
            None => UNCHECKED,
        };
        Some((resumed, why))
    }

    fn halt_now<'a>(&'a self, overlay: &'a Overlay) -> Option<&'a Halt> {
        match &overlay.halt {
            Some(h) => h.as_ref(),
            None => self.halt.as_ref(),
        }
    }

    fn slot<'a>(&'a self, overlay: &'a Overlay, digest: &str) -> Option<&'a OverrideSlot> {
        overlay
            .added
            .get(digest)
            .or_else(|| self.overrides.get(digest))
    }

    /// An unused, unexpired override for `digest` at `now`.
    pub(crate) fn usable_override(&self, digest: &str, now: Timestamp) -> Option<&OverrideSlot> {
        self.overrides
            .get(digest)
            .filter(|s| s.used_by.is_none() && s.expires_at.is_none_or(|e| now < e))
    }

    /// Whether a record with `effect`, appended at `at`, is consistent with the state.
    pub(crate) fn check(
        &mut self,
        overlay: &Overlay,
        effect: &Effect,
        at: Timestamp,
    ) -> Result<(), String> {
        match effect {
            Effect::Decision(d) => {
                if d.authorizes
                    && !d.halted
                    && let Some(h) = self.halt_now(overlay)
                {
                    return Err(format!(
                        "refused: the log was halted (seq {}, by {} at {}: {}) after this decision was made; decide again",
                        h.seq, h.state.by, h.state.at, h.state.reason
                    ));
                }
                // A halt whose resume does not count is in force too (no resume in this
                // batch having changed that).
                if d.authorizes
                    && !d.halted
                    && overlay.halt.is_none()
                    && let Some((r, why)) = self.uncounted_resume()
                {
                    return Err(format!(
                        "refused: the log was halted (seq {}, by {} at {}: {}) after this decision was made, and the resume at seq {} does not count ({why}); decide again",
                        r.halt.seq, r.halt.state.by, r.halt.state.at, r.halt.state.reason, r.seq
                    ));
                }
                if d.authorizes && d.overridden {
                    let used_here = overlay.used.contains(&d.digest);
                    match self.slot(overlay, &d.digest) {
                        None => {
                            return Err(format!(
                                "refused: the decision uses a break-glass override, but no override for request {} is recorded in the log",
                                short(&d.digest)
                            ));
                        }
                        Some(s) if used_here || s.used_by.is_some() => {
                            return Err(format!(
                                "refused: the break-glass override for request {} (seq {}) was already used{}; an override covers one decision",
                                short(&d.digest),
                                s.seq,
                                s.used_by
                                    .map(|u| format!(" by seq {u}"))
                                    .unwrap_or_default()
                            ));
                        }
                        Some(s) if s.expires_at.is_some_and(|e| at >= e) => {
                            return Err(format!(
                                "refused: the break-glass override for request {} (seq {}) expired",
                                short(&d.digest),
                                s.seq
                            ));
                        }
                        Some(_) => {}
                    }
                }
                if d.authorizes {
                    for seen in &d.usage_seen {
                        let now = self.usage.count_with_batch(
                            seen.action.as_deref(),
                            seen.since,
                            &d.digest,
                            &overlay.authorized,
                        );
                        if now > seen.count {
                            return Err(format!(
                                "refused: the usage of {} since {} grew from {} to {now} authorized requests after this decision was made; decide again",
                                seen.action
                                    .as_deref()
                                    .map_or("any action".to_string(), |a| format!("`{a}`")),
                                seen.since,
                                seen.count
                            ));
                        }
                    }
                }
                Ok(())
            }
            Effect::Halt(_) => match self.halt_now(overlay) {
                Some(h) => Err(format!(
                    "already halted since seq {} by {} at {}: {}",
                    h.seq, h.state.by, h.state.at, h.state.reason
                )),
                None => Ok(()),
            },
            Effect::Resume { halt_seq, .. } => match self.halt_now(overlay) {
                None => Err("not halted: there is nothing to resume".into()),
                Some(h) if h.seq != *halt_seq => Err(format!(
                    "the resume lifts the halt at seq {halt_seq}, but the halt in force is seq {}",
                    h.seq
                )),
                Some(_) => Ok(()),
            },
            Effect::Override { .. } | Effect::None => Ok(()),
        }
    }

    /// Notes a checked, not yet written record in the overlay.
    pub(crate) fn stage(
        overlay: &mut Overlay,
        effect: &Effect,
        seq: u64,
        mac: &str,
        at: Timestamp,
    ) {
        match effect {
            Effect::Decision(d) if d.authorizes => {
                if d.overridden {
                    overlay.used.insert(d.digest.clone());
                }
                overlay
                    .authorized
                    .push((d.action.clone(), at, d.digest.clone()));
            }
            Effect::Halt(state) => {
                overlay.halt = Some(Some(Halt {
                    seq,
                    mac: mac.to_string(),
                    state: state.clone(),
                }));
            }
            Effect::Resume { .. } => overlay.halt = Some(None),
            Effect::Override {
                digest,
                override_,
                expires_at,
                proof,
            } => {
                overlay.used.remove(digest);
                overlay.added.insert(
                    digest.clone(),
                    OverrideSlot {
                        seq,
                        override_: override_.clone(),
                        expires_at: *expires_at,
                        used_by: None,
                        proof: proof.clone(),
                    },
                );
            }
            _ => {}
        }
    }

    /// Applies a written record.
    pub(crate) fn apply(&mut self, seq: u64, mac: &str, at: Timestamp, effect: &Effect) {
        match effect {
            Effect::Decision(d) => {
                if d.authorizes
                    && d.overridden
                    && let Some(slot) = self.overrides.get_mut(&d.digest)
                    && slot.used_by.is_none()
                {
                    slot.used_by = Some(seq);
                }
                if d.authorizes {
                    self.usage.push(at, &d.action, &d.digest);
                }
            }
            // A halt recorded while another is in force does not replace it (found by QA:
            // a decoy halt written over the real one by whoever holds the audit key, then
            // resumed with approvals given for the decoy, lifted the real halt too). gavel
            // refuses to append such a halt; one found in the log is a stop already in force.
            // After a resume, a new halt is the way to clear one that did not count
            // (audit-format.md): it replaces that resume.
            Effect::Halt(_) if self.halt.is_some() => {}
            Effect::Halt(state) => {
                self.halt = Some(Halt {
                    seq,
                    mac: mac.to_string(),
                    state: state.clone(),
                });
                self.resumed = None;
            }
            Effect::Resume {
                halt_seq,
                by,
                role,
                approvals,
                proof,
            } => {
                if self.halt.as_ref().is_some_and(|h| h.seq == *halt_seq)
                    && let Some(halt) = self.halt.take()
                {
                    self.resumed = Some(Resumed {
                        halt,
                        seq,
                        at,
                        by: by.clone(),
                        role: role.clone(),
                        approvals: approvals.clone(),
                        proof: proof.clone(),
                        refusal: std::sync::OnceLock::new(),
                    });
                }
            }
            Effect::Override {
                digest,
                override_,
                expires_at,
                proof,
            } => {
                self.overrides.insert(
                    digest.clone(),
                    OverrideSlot {
                        seq,
                        override_: override_.clone(),
                        expires_at: *expires_at,
                        used_by: None,
                        proof: proof.clone(),
                    },
                );
            }
            Effect::None => {}
        }
    }
}

fn short(digest: &str) -> &str {
    digest.get(..16).unwrap_or(digest)
}

/// Memoized counts: (action, since) → (entries scanned, distinct digests seen).
type CountMemo = HashMap<(Option<u32>, Timestamp), (usize, HashSet<[u8; 32]>)>;

/// Authorized decisions, for usage counters.
#[derive(Debug, Default)]
pub(crate) struct UsageIndex {
    actions: Vec<String>,
    entries: Vec<(Timestamp, u32, [u8; 32])>,
    memo: CountMemo,
}

const MEMO_LIMIT: usize = 64;

/// A request digest as 32 bytes: decoded when it is hex (as gavel writes it), else hashed,
/// so that a log written by another tool still counts distinct digests as distinct.
fn digest_key(digest: &str) -> [u8; 32] {
    let mut key = [0u8; 32];
    if hex::decode_to_slice(digest, &mut key).is_err() {
        key = Sha256::digest(digest.as_bytes()).into();
    }
    key
}

impl UsageIndex {
    fn push(&mut self, at: Timestamp, action: &str, digest: &str) {
        let index = match self.actions.iter().position(|a| a == action) {
            Some(i) => i,
            None => {
                self.actions.push(action.to_string());
                self.actions.len() - 1
            }
        };
        self.entries.push((at, index as u32, digest_key(digest)));
    }

    /// Distinct requests with an authorizing decision at or after `since`, of `action` (all
    /// actions when `None`). Counting for a fixed `since` (e.g. the start of the month) is
    /// incremental.
    pub(crate) fn count(&mut self, action: Option<&str>, since: Timestamp) -> u64 {
        self.count_excluding(action, since, None)
    }

    /// Like [`UsageIndex::count`], leaving out the request with digest `excluding`: deciding a
    /// request again (a retry) must not count its own earlier approval as new usage.
    pub(crate) fn count_excluding(
        &mut self,
        action: Option<&str>,
        since: Timestamp,
        excluding: Option<&str>,
    ) -> u64 {
        let Some(action_id) = self.action_id(action) else {
            return 0;
        };
        if self.memo.len() >= MEMO_LIMIT && !self.memo.contains_key(&(action_id, since)) {
            self.memo.clear();
        }
        let (scanned, seen) = self.memo.entry((action_id, since)).or_default();
        for (at, a, digest) in self.entries.iter().skip(*scanned) {
            if *at >= since && action_id.is_none_or(|id| id == *a) {
                seen.insert(*digest);
            }
        }
        *scanned = self.entries.len();
        let own = excluding
            .map(digest_key)
            .is_some_and(|key| seen.contains(&key));
        seen.len() as u64 - u64::from(own)
    }

    /// Like [`UsageIndex::count_excluding`] `excluding`, counting too the authorizing
    /// decisions of a batch not yet written (`batch`: action, time, digest) whose requests
    /// the index does not already count.
    pub(crate) fn count_with_batch(
        &mut self,
        action: Option<&str>,
        since: Timestamp,
        excluding: &str,
        batch: &[(String, Timestamp, String)],
    ) -> u64 {
        let written = self.count_excluding(action, since, Some(excluding));
        if batch.is_empty() {
            return written;
        }
        let own = digest_key(excluding);
        let mut added: HashSet<[u8; 32]> = HashSet::new();
        for (batch_action, at, digest) in batch {
            if *at < since || action.is_some_and(|a| a != batch_action) {
                continue;
            }
            let key = digest_key(digest);
            if key != own && !self.counted(action, since, &key) {
                added.insert(key);
            }
        }
        written + added.len() as u64
    }

    /// The memo key of `action` (`Some(None)` for any action); `None` when no authorized
    /// decision of that action was ever recorded.
    fn action_id(&self, action: Option<&str>) -> Option<Option<u32>> {
        match action {
            Some(name) => self
                .actions
                .iter()
                .position(|a| a == name)
                .map(|i| Some(i as u32)),
            None => Some(None),
        }
    }

    /// Whether the memoized count for (`action`, `since`), which
    /// [`UsageIndex::count_excluding`] has just brought up to date, holds `key`.
    fn counted(&self, action: Option<&str>, since: Timestamp, key: &[u8; 32]) -> bool {
        let Some(action_id) = self.action_id(action) else {
            return false;
        };
        self.memo
            .get(&(action_id, since))
            .is_some_and(|(_, seen)| seen.contains(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    /// Found by QA: a halt record whose body had a member too many or too few changed
    /// nothing, so a halt written that way (by whoever holds the audit key) was no stop at
    /// all. A halt record halts whatever its body says.
    #[test]
    fn a_halt_record_that_does_not_read_as_gavel_writes_it_still_halts() {
        let when = at("2026-12-07T10:00:00Z");
        let full = r#"{"by":"bob","key":"k","policy":{"name":"p","spec_hash":"h"},"reason":"incident","role":"oncall"}"#;
        assert_eq!(
            Effect::of_record(RecordKind::Halt, full, when),
            Effect::Halt(HaltState {
                by: "bob".into(),
                at: when,
                reason: "incident".into()
            })
        );
        let extra = full.replace(r#""role""#, r#""ticket":"INC-1","role""#);
        for body in [
            r#"{"by":"bob","reason":"incident","role":"oncall"}"#,
            extra.as_str(),
            "{}",
            "[]",
        ] {
            match Effect::of_record(RecordKind::Halt, body, when) {
                Effect::Halt(state) => {
                    assert_eq!(state.by, "(unreadable halt record)", "{body}");
                    assert_eq!(state.at, when);
                    assert!(
                        state
                            .reason
                            .starts_with("a halt record whose body gavel cannot read ("),
                        "{body}: {}",
                        state.reason
                    );
                }
                other => panic!("{body}: {other:?}"),
            }
        }
    }

    fn decision(digest: &str, authorizes: bool, overridden: bool) -> Effect {
        Effect::Decision(DecisionEffect {
            digest: digest.into(),
            action: "create_project".into(),
            authorizes,
            halted: false,
            overridden,
            usage_seen: Vec::new(),
        })
    }

    #[test]
    fn overrides_are_single_use_even_within_a_batch() {
        let mut state = LogState::default();
        let now = at("2026-03-01T00:00:00Z");
        let ov = Effect::Override {
            digest: "d1".into(),
            override_: Override {
                by: "alice".into(),
                role: "admin".into(),
                reason: "fire".into(),
                at: now,
            },
            expires_at: None,
            proof: None,
        };
        state.apply(1, "m", now, &ov);
        let mut overlay = Overlay::default();
        let use_it = decision("d1", true, true);
        assert!(state.check(&overlay, &use_it, now).is_ok());
        LogState::stage(&mut overlay, &use_it, 2, "m2", now);
        let again = state.check(&overlay, &use_it, now).unwrap_err();
        assert!(again.contains("already used"), "{again}");
        state.apply(2, "m2", now, &use_it);
        assert!(state.usable_override("d1", now).is_none());
        let err = state
            .check(&Overlay::default(), &decision("d2", true, true), now)
            .unwrap_err();
        assert!(err.contains("no override"), "{err}");
    }

    /// Found by QA: a halt written (by whoever holds the audit key) while another is in
    /// force replaced it, so resuming the decoy lifted the real halt. It changes nothing: the
    /// first halt stays in force, and a resume naming the decoy lifts nothing.
    #[test]
    fn a_halt_recorded_while_halted_does_not_replace_the_halt_in_force() {
        let mut state = LogState::default();
        let now = at("2026-03-01T00:00:00Z");
        let halt = |reason: &str| {
            Effect::Halt(HaltState {
                by: "bob".into(),
                at: now,
                reason: reason.into(),
            })
        };
        let resume = |halt_seq: u64| Effect::Resume {
            halt_seq,
            by: "ops".into(),
            role: "ops".into(),
            approvals: Arc::from([]),
            proof: None,
        };
        state.apply(3, "m3", now, &halt("incident"));
        state.apply(4, "m4", now, &halt("minor blip"));
        let in_force =
            |state: &LogState| state.halt.as_ref().map(|h| (h.seq, h.state.reason.clone()));
        assert_eq!(in_force(&state), Some((3, "incident".to_string())));
        state.apply(5, "m5", now, &resume(4));
        assert_eq!(in_force(&state), Some((3, "incident".to_string())));
        assert!(state.resumed.is_none());
        // The real halt is lifted by a resume naming it; a halt after that is a new one.
        state.apply(6, "m6", now, &resume(3));
        assert_eq!(in_force(&state), None);
        state.apply(7, "m7", now, &halt("again"));
        assert_eq!(in_force(&state), Some((7, "again".to_string())));
    }

    #[test]
    fn halts_refuse_authorizing_decisions_made_before_them() {
        let mut state = LogState::default();
        let now = at("2026-03-01T00:00:00Z");
        let halt = Effect::Halt(HaltState {
            by: "bob".into(),
            at: now,
            reason: "incident".into(),
        });
        state.apply(3, "mac3", now, &halt);
        let err = state
            .check(&Overlay::default(), &decision("d", true, false), now)
            .unwrap_err();
        assert!(err.contains("halted (seq 3, by bob"), "{err}");
        assert!(
            state
                .check(&Overlay::default(), &decision("d", false, false), now)
                .is_ok()
        );
        assert!(
            state
                .check(
                    &Overlay::default(),
                    &Effect::Resume {
                        halt_seq: 2,
                        by: "ops".into(),
                        role: "ops".into(),
                        approvals: Arc::from([]),
                        proof: None,
                    },
                    now
                )
                .is_err()
        );
        state.apply(
            4,
            "m",
            now,
            &Effect::Resume {
                halt_seq: 3,
                by: "ops".into(),
                role: "ops".into(),
                approvals: Arc::from([]),
                proof: None,
            },
        );
        assert!(state.halt.is_none());
    }

    /// A decision carrying the usage counts it was made with is refused when the log (or
    /// the batch before it) has since authorized another request of that action in the
    /// period; its own earlier decision, requests already counted and other actions do not
    /// count.
    #[test]
    fn a_decision_made_on_an_old_usage_count_is_refused() {
        let mut state = LogState::default();
        let digest = |i: u8| hex::encode([i; 32]);
        let march = at("2026-03-01T00:00:00Z");
        let now = at("2026-03-10T00:00:00Z");
        let seen = |d: u8, count: u64| {
            let Effect::Decision(mut effect) = decision(&digest(d), true, false) else {
                unreachable!()
            };
            effect.usage_seen = vec![UsageSeen {
                action: Some("create_project".into()),
                since: march,
                count,
            }];
            Effect::Decision(effect)
        };
        state.apply(
            1,
            "m",
            at("2026-03-02T00:00:00Z"),
            &decision(&digest(1), true, false),
        );
        let stale = state
            .check(&Overlay::default(), &seen(2, 0), now)
            .unwrap_err();
        assert!(
            stale.starts_with(
                "refused: the usage of `create_project` since 2026-03-01T00:00:00Z grew from 0 to 1"
            ),
            "{stale}"
        );
        assert!(state.check(&Overlay::default(), &seen(2, 1), now).is_ok());
        // A retry of the counted request itself.
        assert!(state.check(&Overlay::default(), &seen(1, 0), now).is_ok());
        // A refusal (not authorizing) is never refused for usage.
        let Effect::Decision(mut blocked) = seen(2, 0) else {
            unreachable!()
        };
        blocked.authorizes = false;
        assert!(
            state
                .check(&Overlay::default(), &Effect::Decision(blocked), now)
                .is_ok()
        );
        // Within a batch: the decision staged before counts, once however often staged, and
        // a request the log already counts does not count again.
        let mut overlay = Overlay::default();
        LogState::stage(&mut overlay, &seen(3, 1), 2, "m2", now);
        LogState::stage(&mut overlay, &seen(3, 1), 3, "m3", now);
        LogState::stage(&mut overlay, &seen(1, 1), 4, "m4", now);
        let stale = state.check(&overlay, &seen(4, 1), now).unwrap_err();
        assert!(stale.contains("grew from 1 to 2"), "{stale}");
        assert!(state.check(&overlay, &seen(4, 2), now).is_ok());
        // Decisions before the period do not count.
        let mut early = Overlay::default();
        LogState::stage(&mut early, &seen(5, 1), 2, "m2", at("2026-02-27T00:00:00Z"));
        assert!(state.check(&early, &seen(4, 1), now).is_ok());
    }

    #[test]
    fn usage_counts_distinct_authorized_requests_since() {
        let mut state = LogState::default();
        let digest = |i: u8| hex::encode([i; 32]);
        state.apply(
            1,
            "m",
            at("2026-02-27T00:00:00Z"),
            &decision(&digest(1), true, false),
        );
        state.apply(
            2,
            "m",
            at("2026-03-02T00:00:00Z"),
            &decision(&digest(2), true, false),
        );
        state.apply(
            3,
            "m",
            at("2026-03-03T00:00:00Z"),
            &decision(&digest(2), true, false),
        );
        state.apply(
            4,
            "m",
            at("2026-03-04T00:00:00Z"),
            &decision(&digest(3), false, false),
        );
        let march = at("2026-03-01T00:00:00Z");
        assert_eq!(state.usage.count(Some("create_project"), march), 1);
        state.apply(
            5,
            "m",
            at("2026-03-05T00:00:00Z"),
            &decision(&digest(4), true, false),
        );
        assert_eq!(state.usage.count(Some("create_project"), march), 2);
        assert_eq!(state.usage.count(None, at("2026-01-01T00:00:00Z")), 3);
        assert_eq!(state.usage.count(Some("deploy"), march), 0);
        // A retry of a counted request does not count itself; another request still does.
        let counted = hex::encode([2u8; 32]);
        let other = hex::encode([9u8; 32]);
        let all = state.usage.count(Some("create_project"), march);
        assert_eq!(
            state
                .usage
                .count_excluding(Some("create_project"), march, Some(&counted)),
            all - 1
        );
        assert_eq!(
            state
                .usage
                .count_excluding(Some("create_project"), march, Some(&other)),
            all
        );
    }
}
