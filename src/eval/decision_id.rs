//! The decision id: `dec_` and the first 12 bytes, in hex, of SHA-256 over the spec hash,
//! the request digest, `evaluated_at` and the approvals considered.
//!
//! The hashed text starts with `gavel-decision-v1\n`, the spec hash and a newline: 83 bytes
//! that are the same for every decision of a policy. A compiled policy hashes them once
//! ([`IdPrefix::new`]) and every decision continues from a copy of that state, so the first
//! 64-byte block is compressed once per policy instead of once per decision.

use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::context::VerifiedApproval;
use super::decision::{Decision, PolicyRef};

/// SHA-256 state after the constant prefix of one policy's decision ids, with the policy's
/// name and the spec hash it was made from, which every decision names too (and shares).
#[derive(Clone, Debug)]
pub(crate) struct IdPrefix {
    state: Sha256,
    policy: Arc<PolicyRef>,
}

impl IdPrefix {
    /// The state after `gavel-decision-v1\n`, `spec_hash` (hex) and a newline, for the
    /// policy `name`.
    pub(crate) fn new(name: &str, spec_hash: &str) -> IdPrefix {
        let mut hasher = Sha256::new();
        hasher.update(b"gavel-decision-v1\n");
        hasher.update(spec_hash.as_bytes());
        hasher.update(b"\n");
        IdPrefix {
            state: hasher,
            policy: Arc::new(PolicyRef {
                name: name.to_string(),
                spec_hash: spec_hash.to_string(),
            }),
        }
    }

    /// The policy (name and spec hash) this prefix was made for, as decisions name it.
    pub(crate) fn policy(&self) -> &Arc<PolicyRef> {
        &self.policy
    }

    /// The id of `decision` (whose spec hash must be the one this prefix was made from),
    /// given the approvals considered, in any order.
    pub(crate) fn id(&self, decision: &Decision, approvals: &[VerifiedApproval]) -> String {
        let mut hasher = self.state.clone();
        hasher.update(decision.request.digest.as_bytes());
        hasher.update(b"\n");
        hasher.update(decision.evaluated_at.as_second().to_be_bytes());
        hasher.update(decision.evaluated_at.subsec_nanosecond().to_be_bytes());
        let mut approvals: Vec<_> = approvals.iter().collect();
        approvals.sort_by(|a, b| {
            (&a.approver, a.issued_at, &a.credential).cmp(&(
                &b.approver,
                b.issued_at,
                &b.credential,
            ))
        });
        for approval in approvals {
            hasher.update(b"\n");
            hasher.update(approval.approver.as_bytes());
            hasher.update(b"\x1f");
            hasher.update(approval.issued_at.as_second().to_be_bytes());
            hasher.update(approval.issued_at.subsec_nanosecond().to_be_bytes());
            if let Some(c) = &approval.credential {
                hasher.update(b"\x1f");
                hasher.update(c.as_bytes());
            }
        }
        let digest = hasher.finalize();
        let mut id = String::with_capacity(4 + 24);
        id.push_str("dec_");
        crate::canonical::push_hex_lower(&mut id, digest.get(..12).unwrap_or(&[]));
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The id as it was computed before the prefix was shared: one hasher from the start.
    fn id_from_scratch(spec_hash: &str, digest: &str, at: jiff::Timestamp) -> String {
        let mut hasher = Sha256::new();
        hasher.update(b"gavel-decision-v1\n");
        hasher.update(spec_hash.as_bytes());
        hasher.update(b"\n");
        hasher.update(digest.as_bytes());
        hasher.update(b"\n");
        hasher.update(at.as_second().to_be_bytes());
        hasher.update(at.subsec_nanosecond().to_be_bytes());
        format!("dec_{}", hex::encode(&hasher.finalize()[..12]))
    }

    #[test]
    fn a_shared_prefix_gives_the_same_id_as_hashing_from_scratch() {
        let policy = crate::Policy::from_str("policy \"p\"\ndefault auto_approve\n").unwrap();
        let request = crate::Request::from_json(
            br#"{"action": "apply_patch", "actor": {"id": "a", "kind": "agent"}}"#,
        )
        .unwrap();
        let at: jiff::Timestamp = "2026-01-01T00:00:00.5Z".parse().unwrap();
        let decision = policy.decide(&request, &crate::Context::at(at));
        assert_eq!(
            decision.id,
            id_from_scratch(policy.spec_hash(), &decision.request.digest, at)
        );
        for spec_hash in ["", "ab", &"f".repeat(64), &"0".repeat(200)] {
            let prefix = IdPrefix::new("p", spec_hash);
            assert_eq!(
                prefix.id(&decision, &[]),
                id_from_scratch(spec_hash, &decision.request.digest, at)
            );
        }
    }
}
