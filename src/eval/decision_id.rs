//! The decision id: `dec_` and the first 12 bytes, in hex, of SHA-256 over the spec hash,
//! the request digest, `evaluated_at` and the approvals considered.
//!
//! The hashed bytes are laid out so that a decision costs one SHA-256 block:
//!
//! - a prefix that is the same for every decision of a policy: `gavel-decision-v2\n`, the
//!   length of the spec hash (4 bytes, big-endian) and the spec hash, padded with zero bytes
//!   to a whole number of 64-byte blocks. A compiled policy hashes it once
//!   ([`IdPrefix::new`]); every decision continues from a copy of that state;
//! - a `0` byte, the request digest as its 32 raw bytes, then `evaluated_at` as seconds (8
//!   bytes) and nanoseconds (4 bytes), big-endian: 45 bytes, which with SHA-256's padding
//!   fill one block;
//! - for each approval considered, in a fixed order: a newline, the approver, `0x1f`, its
//!   `issued_at` as above and, if it has one, `0x1f` and its credential id.

use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::context::VerifiedApproval;
use jiff::Timestamp;

use super::decision::PolicyRef;

/// The SHA-256 block size: the prefix is padded to a multiple of it.
const BLOCK: usize = 64;

/// SHA-256 state after the constant prefix of one policy's decision ids, with the policy's
/// name and the spec hash it was made from, which every decision names too (and shares).
#[derive(Clone, Debug)]
pub(crate) struct IdPrefix {
    state: Sha256,
    policy: Arc<PolicyRef>,
}

impl IdPrefix {
    /// The state after the prefix for `spec_hash`, for the policy `name`.
    pub(crate) fn new(name: &str, spec_hash: &str) -> IdPrefix {
        IdPrefix {
            state: Sha256::new_with_prefix(prefix(spec_hash)),
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

    /// The id of a decision of this policy on the request with digest `digest` (its 32
    /// bytes), made at `at`, given the approvals considered, in any order.
    pub(crate) fn id(
        &self,
        digest: &[u8; 32],
        at: Timestamp,
        approvals: &[VerifiedApproval],
    ) -> String {
        let mut hasher = self.state.clone();
        hasher.update([0u8]);
        hasher.update(digest);
        hasher.update(at.as_second().to_be_bytes());
        hasher.update(at.subsec_nanosecond().to_be_bytes());
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

/// The bytes every decision id of a policy with `spec_hash` starts with, a whole number of
/// blocks long.
fn prefix(spec_hash: &str) -> Vec<u8> {
    let mut bytes = b"gavel-decision-v2\n".to_vec();
    bytes.extend_from_slice(&(spec_hash.len() as u32).to_be_bytes());
    bytes.extend_from_slice(spec_hash.as_bytes());
    bytes.resize(bytes.len().next_multiple_of(BLOCK), 0);
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The id as the module documentation lays out its bytes, hashed in one go.
    fn id_from_scratch(spec_hash: &str, digest: &str, at: jiff::Timestamp) -> String {
        let mut bytes = b"gavel-decision-v2\n".to_vec();
        bytes.extend_from_slice(&(spec_hash.len() as u32).to_be_bytes());
        bytes.extend_from_slice(spec_hash.as_bytes());
        while !bytes.len().is_multiple_of(64) {
            bytes.push(0);
        }
        bytes.push(0);
        bytes.extend_from_slice(&hex::decode(digest).unwrap());
        bytes.extend_from_slice(&at.as_second().to_be_bytes());
        bytes.extend_from_slice(&at.subsec_nanosecond().to_be_bytes());
        format!("dec_{}", hex::encode(&Sha256::digest(&bytes)[..12]))
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
        let mut digest = [0u8; 32];
        hex::decode_to_slice(&decision.request.digest, &mut digest).unwrap();
        for spec_hash in ["", "ab", &"f".repeat(64), &"0".repeat(200)] {
            let prefix = IdPrefix::new("p", spec_hash);
            assert_eq!(
                prefix.id(&digest, at, &[]),
                id_from_scratch(spec_hash, &decision.request.digest, at)
            );
        }
    }
}
