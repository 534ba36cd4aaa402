//! The audit log: tamper-evident, crash-safe, concurrent — and the state it carries.
//!
//! Every decision, approval, halt, resume and break-glass override is a record in an
//! append-only JSON Lines file. Each record carries `seq`, `prev` (the previous record's
//! MAC) and `mac` = HMAC-SHA256 over its canonical bytes, and an Ed25519 signature when a
//! signing key is configured. The format is documented field by field in
//! `docs/audit-format.md`.
//!
//! * [`AuditLog`] appends (exclusive file lock, whole lines, fsync; group commit across
//!   threads), reads ([`AuditLog::iter`]) and verifies ([`AuditLog::verify`]).
//! * [`verify_path`] walks a chain and names the first broken link ([`TamperKind`]);
//!   [`Checkpoint`]s pin a head outside the log so truncation and rollback show.
//! * The log carries state: [`AuditLog::halt_state`], [`AuditLog::override_for`],
//!   [`AuditLog::count`], or all at once with [`AuditLog::fill_context`].
//! * [`Gatekeeper`] decides, signs and records in one call, failing closed.

mod authority;
mod bodies;
mod chain;
mod checkpoint;
mod describe;
mod entry;
mod error;
mod gatekeeper;
mod halt;
mod key;
mod lines;
mod log;
mod pending;
mod proof;
mod reader;
mod record;
mod report;
mod resume_approval;
mod state;
mod tamper;
mod usage;
mod verify;
mod writer;

pub use authority::{Authorized, Power, authorize};
pub use bodies::{
    ApprovalView, DecisionView, FiredView, GateView, GenesisBody, HaltBody, KeyRotationBody,
    NoteBody, OverriddenRequest, OverrideBody, PolicyStamp, PromotionView, RepairBody, RequestView,
    ResumeBody,
};
pub use checkpoint::{CHECKPOINT_TYPE, Checkpoint};
pub use describe::describe;
pub use entry::Entry;
pub use error::AuditError;
pub use gatekeeper::{Gated, Gatekeeper};
pub use key::{
    AuditKey, DEFAULT_KEY_FILE, KEY_ENV, KeyRing, KeySources, MAX_KEY_BYTES, MIN_KEY_BYTES,
    RETIRED_KEYS_DIR, weakness,
};
pub use log::{AuditLog, HaltInForce, Head};
pub use pending::{PendingRequest, human_age, pending};
pub(crate) use reader::parse_record;
pub use reader::{Records, last_records};
pub use record::{FORMAT, GENESIS_PREV, Record, RecordKind};
pub use report::{
    ApprovalStats, ApproverCount, Counts, Coverage, DecisionEvent, HaltEvent, OverrideEvent,
    PromotionPair, RepairEvent, Report, ReportWindow, ResumeEvent, RuleCount, build_report,
};
pub use resume_approval::{RESUME_APPROVAL_TYPE, ResumeApproval, count_resume_approvals};
pub use tamper::{Finding, TamperKind};
pub use usage::{Period, UsageCounter, fail_closed};
pub use verify::{VerifyOptions, VerifyReport, verify_path};
pub use writer::{Receipt, Repaired};

/// The default log file, relative to the working directory.
pub const DEFAULT_LOG: &str = ".gavel/audit.jsonl";
