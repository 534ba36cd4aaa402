//! What verification found wrong, and where.

use serde::Serialize;

/// The ways a log can be broken. Each names what most plausibly happened, judged from the
/// records around the first broken link (see `docs/audit-format.md`, "Verification").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TamperKind {
    /// A record's content changed: its MAC no longer matches, the next record still links
    /// to it (or it is the last record).
    Modified,
    /// Records are missing: the chain jumps over sequence numbers, or (with a checkpoint)
    /// the log ends before the checkpointed head.
    Deleted,
    /// A record that is not part of the chain sits between two linked records, or a copy
    /// of an earlier record was pasted in.
    Inserted,
    /// Authentic records appear out of order.
    Reordered,
    /// Two authentic records claim the same place in the chain (a fork).
    Forked,
    /// From this record on the chain is internally consistent but MACed with a key other
    /// than the log's.
    Remaced,
    /// The MAC chain holds but a record's Ed25519 signature does not verify.
    BadSignature,
    /// The log ends in an incomplete line: a writer crashed mid-append.
    TornTail,
    /// A line is not a record at all (bad JSON, unknown fields, too long).
    Malformed,
    /// A `key_rotation` record is not MACed under the key in effect before it.
    ForgedRotation,
    /// The checkpoint's head record was replaced: the log was rolled back and rewritten.
    RolledBack,
    /// The log is not the log the checkpoint was made for (another log id).
    Replaced,
}

impl TamperKind {
    /// The kind as written in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            TamperKind::Modified => "modified",
            TamperKind::Deleted => "deleted",
            TamperKind::Inserted => "inserted",
            TamperKind::Reordered => "reordered",
            TamperKind::Forked => "forked",
            TamperKind::Remaced => "remaced",
            TamperKind::BadSignature => "bad_signature",
            TamperKind::TornTail => "torn_tail",
            TamperKind::Malformed => "malformed",
            TamperKind::ForgedRotation => "forged_rotation",
            TamperKind::RolledBack => "rolled_back",
            TamperKind::Replaced => "replaced",
        }
    }
}

impl std::fmt::Display for TamperKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The first broken link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// What happened.
    pub kind: TamperKind,
    /// The sequence number of the first bad record: the record at fault, or, when records
    /// are missing or out of place, the sequence number the chain expected there.
    pub seq: u64,
    /// The 1-based line of the log where the problem shows (0 when it shows only against a
    /// checkpoint).
    pub line: u64,
    /// A sentence saying what was seen.
    pub detail: String,
}

impl std::fmt::Display for Finding {
    /// One line: the detail may quote the log's bytes (a member name serde refused), so it
    /// is escaped ([`crate::quote::one_line`]).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let detail = crate::quote::one_line(&self.detail);
        if self.line > 0 {
            write!(
                f,
                "{} at seq {} (line {}): {detail}",
                self.kind, self.seq, self.line
            )
        } else {
            write!(f, "{} at seq {}: {detail}", self.kind, self.seq)
        }
    }
}
