//! What a caller asks to append.

use serde::Serialize;

use super::bodies::{DecisionView, HaltBody, NoteBody};
use super::error::AuditError;
use super::record::RecordKind;
use super::state::{DecisionEffect, Effect};
use crate::canonical::to_canonical_string;
use crate::eval::Decision;
use crate::sign::Signer;

/// A record to append: its kind and body, and who signs it.
///
/// The body is serialized canonically (RFC 8785) when the entry is made, on the caller's
/// thread; the log only adds `seq`, `at`, `prev`, the MAC and the signature.
///
/// ```
/// use gavel::audit::{Entry, RecordKind};
///
/// let entry = Entry::new(RecordKind::Approval, &serde_json::json!({"approver": "bob"})).unwrap();
/// assert_eq!(entry.kind(), RecordKind::Approval);
/// assert_eq!(entry.body(), r#"{"approver":"bob"}"#);
/// ```
#[derive(Clone, Debug)]
pub struct Entry {
    pub(crate) kind: RecordKind,
    pub(crate) body: String,
    pub(crate) effect: Effect,
    pub(crate) signing: Signing,
}

/// Who signs an entry.
#[derive(Clone, Debug)]
pub(crate) enum Signing {
    /// The log's signer, if it has one.
    Default,
    /// This signer.
    By(Box<Signer>),
    /// Nobody.
    Unsigned,
}

impl Entry {
    /// An entry of a kind callers may append directly: `decision`, `approval`, `note` or
    /// `halt` (a halt only ever blocks, so appending one needs no further check; prefer
    /// [`super::AuditLog::halt`], which checks the policy). `resume` and `override` entries
    /// are made by [`super::AuditLog::resume`] and [`super::AuditLog::record_override`]
    /// only, after checking the policy; `genesis`, `key_rotation` and `repair` by the log
    /// itself.
    pub fn new<T: Serialize + ?Sized>(kind: RecordKind, body: &T) -> Result<Entry, AuditError> {
        let entry = match kind {
            RecordKind::Decision | RecordKind::Approval | RecordKind::Note | RecordKind::Halt => {
                Entry::any(kind, body)?
            }
            other => {
                return Err(AuditError::NotAllowed(format!(
                    "`{other}` records are written by gavel itself, not appended directly"
                )));
            }
        };
        // Records that carry state must say what state, or they would silently carry none.
        let well_formed = match kind {
            RecordKind::Decision => serde_json::from_str::<DecisionView>(&entry.body).is_ok(),
            RecordKind::Halt => serde_json::from_str::<HaltBody>(&entry.body).is_ok(),
            RecordKind::Note => serde_json::from_str::<NoteBody>(&entry.body).is_ok(),
            _ => true,
        };
        if !well_formed {
            return Err(AuditError::Malformed(format!(
                "the body is not a `{kind}` body (see docs/audit-format.md)"
            )));
        }
        Ok(entry)
    }

    /// Any kind, for the log's own use.
    pub(crate) fn any<T: Serialize + ?Sized>(
        kind: RecordKind,
        body: &T,
    ) -> Result<Entry, AuditError> {
        let body = to_canonical_string(body).map_err(|e| AuditError::Canonical(e.to_string()))?;
        if !body.starts_with('{') {
            return Err(AuditError::Malformed(
                "a record body must be a JSON object".into(),
            ));
        }
        let effect = Effect::of_record(kind, &body, jiff::Timestamp::UNIX_EPOCH);
        Ok(Entry {
            kind,
            body,
            effect,
            signing: Signing::Default,
        })
    }

    /// A decision record (body: the decision JSON).
    pub fn decision(decision: &Decision) -> Result<Entry, AuditError> {
        let body =
            to_canonical_string(decision).map_err(|e| AuditError::Canonical(e.to_string()))?;
        Ok(Entry {
            kind: RecordKind::Decision,
            body,
            effect: Effect::Decision(DecisionEffect::of(decision)),
            signing: Signing::Default,
        })
    }

    /// A note by an operator. A blank note is refused: it would be a record that says
    /// nothing, indistinguishable from a mistake.
    pub fn note(text: impl Into<String>, by: Option<String>) -> Result<Entry, AuditError> {
        let text = text.into();
        if crate::quote::says_nothing(&text) {
            return Err(AuditError::Malformed(
                "the note is empty: give the text to record".into(),
            ));
        }
        Entry::any(RecordKind::Note, &NoteBody { text, by })
    }

    /// A decision entry that carries the usage counts it was decided with (checked at
    /// append time, [`super::state::UsageSeen`]).
    pub(crate) fn with_usage_seen(mut self, seen: Vec<super::state::UsageSeen>) -> Entry {
        if let Effect::Decision(d) = &mut self.effect {
            d.usage_seen = seen;
        }
        self
    }

    /// Signs this entry with `signer` instead of the log's signer.
    pub fn signed_by(mut self, signer: Signer) -> Entry {
        self.signing = Signing::By(Box::new(signer));
        self
    }

    /// Leaves this entry unsigned even when the log has a signer.
    pub fn unsigned(mut self) -> Entry {
        self.signing = Signing::Unsigned;
        self
    }

    /// The kind.
    pub fn kind(&self) -> RecordKind {
        self.kind
    }

    /// The body, as canonical JSON text.
    pub fn body(&self) -> &str {
        &self.body
    }
}
