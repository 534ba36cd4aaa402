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
//! - for each approval considered, its encoding ([`approval_bytes`]: every field, each text
//!   preceded by its length, so that no two different approvals, or lists of them, encode
//!   alike), the encodings in byte order, so the order the caller listed them in does not
//!   matter. Everything an approval says is in it — verdict, role, scope, note, expiry,
//!   credential — so two decisions that counted different approvals never share an id.
//!
//! The id itself is a [`DecisionId`], kept inline: making a decision allocates nothing for
//! it.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use sha2::digest::generic_array::{GenericArray, typenum::U64};
use sha2::{Digest, Sha256, compress256};

use super::context::VerifiedApproval;
use jiff::Timestamp;

use super::decision::PolicyRef;

/// The SHA-256 block size: the prefix is padded to a multiple of it.
const BLOCK: usize = 64;

/// One SHA-256 block, as [`compress256`] takes it.
type Block = GenericArray<u8, U64>;

/// SHA-256's initial state (FIPS 180-4, 5.3.3).
const H256_256: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

/// SHA-256 state after the constant prefix of one policy's decision ids, with the policy's
/// name and the spec hash it was made from, which every decision names too (and shares).
#[derive(Clone, Debug)]
pub(crate) struct IdPrefix {
    state: Sha256,
    /// The same state as raw SHA-256 words, for the decisions without approvals, whose
    /// remaining bytes fill exactly one block (see [`IdPrefix::id`]).
    words: [u32; 8],
    /// How many bytes the prefix is (a whole number of blocks).
    prefix_len: u64,
    policy: Arc<PolicyRef>,
}

impl IdPrefix {
    /// The state after the prefix for `spec_hash`, for the policy `name`.
    pub(crate) fn new(name: &str, spec_hash: &str) -> IdPrefix {
        let prefix = prefix(spec_hash);
        let mut words = H256_256;
        let blocks: Vec<Block> = prefix
            .chunks_exact(BLOCK)
            .map(Block::clone_from_slice)
            .collect();
        compress256(&mut words, &blocks);
        IdPrefix {
            state: Sha256::new_with_prefix(&prefix),
            words,
            prefix_len: prefix.len() as u64,
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
    ) -> DecisionId {
        if approvals.is_empty() {
            return self.id_without_approvals(digest, at);
        }
        let mut hasher = self.state.clone();
        hasher.update([0u8]);
        hasher.update(digest);
        hasher.update(at.as_second().to_be_bytes());
        hasher.update(at.subsec_nanosecond().to_be_bytes());
        let mut encoded: Vec<Vec<u8>> = approvals.iter().map(approval_bytes).collect();
        encoded.sort_unstable();
        for bytes in &encoded {
            hasher.update(bytes);
        }
        DecisionId::from_hash(&hasher.finalize())
    }

    /// [`IdPrefix::id`] without approvals: the 45 bytes after the prefix and SHA-256's
    /// padding (`0x80`, zeros, the message length in bits) are one block, compressed straight
    /// into a copy of the prefix's state rather than through a hasher's buffer.
    fn id_without_approvals(&self, digest: &[u8; 32], at: Timestamp) -> DecisionId {
        const TAIL: usize = 1 + 32 + 8 + 4;
        let mut block = [0u8; BLOCK];
        let bits = self.prefix_len.wrapping_add(TAIL as u64).wrapping_mul(8);
        let fields: [(usize, &[u8]); 5] = [
            (1, digest),
            (33, &at.as_second().to_be_bytes()),
            (41, &at.subsec_nanosecond().to_be_bytes()),
            (TAIL, &[0x80]),
            (BLOCK - 8, &bits.to_be_bytes()),
        ];
        for (at, bytes) in fields {
            if let Some(slot) = block.get_mut(at..at + bytes.len()) {
                slot.copy_from_slice(bytes);
            }
        }
        let mut words = self.words;
        compress256(&mut words, &[Block::from(block)]);
        let mut hash = [0u8; 12];
        for (out, word) in hash.chunks_exact_mut(4).zip(words) {
            out.copy_from_slice(&word.to_be_bytes());
        }
        DecisionId::from_hash(&hash)
    }
}

/// One approval as the decision id hashes it: a `1` byte; the approver and the role; the
/// verdict (`0` approve, `1` reject); `issued_at`; then `expires_at`, the scope, the note and
/// the credential id, each optional part as a `0` byte when absent or a `1` byte and the
/// value. Texts are their length (8 bytes, big-endian) and their bytes, times seconds (8
/// bytes) and nanoseconds (4 bytes), big-endian, the scope its count and its texts: a
/// prefix-free encoding, so distinct approvals encode distinctly.
pub(super) fn approval_bytes(approval: &VerifiedApproval) -> Vec<u8> {
    fn text(out: &mut Vec<u8>, value: &str) {
        out.extend_from_slice(&(value.len() as u64).to_be_bytes());
        out.extend_from_slice(value.as_bytes());
    }
    fn time(out: &mut Vec<u8>, at: Timestamp) {
        out.extend_from_slice(&at.as_second().to_be_bytes());
        out.extend_from_slice(&at.subsec_nanosecond().to_be_bytes());
    }
    let mut out = vec![1u8];
    text(&mut out, &approval.approver);
    text(&mut out, &approval.role);
    out.push(match approval.verdict {
        super::context::Verdict::Approve => 0,
        super::context::Verdict::Reject => 1,
    });
    time(&mut out, approval.issued_at);
    match approval.expires_at {
        Some(at) => {
            out.push(1);
            time(&mut out, at);
        }
        None => out.push(0),
    }
    out.extend_from_slice(&(approval.scope.len() as u64).to_be_bytes());
    for capability in &approval.scope {
        text(&mut out, capability);
    }
    for optional in [&approval.note, &approval.credential] {
        match optional {
            Some(value) => {
                out.push(1);
                text(&mut out, value);
            }
            None => out.push(0),
        }
    }
    out
}

/// A decision's id: `dec_` and 24 lowercase hex digits (the first 12 bytes of the hash the
/// module documentation describes). It reads as a `&str` ([`DecisionId::as_str`], `Deref`)
/// and is written in decisions as a JSON string.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DecisionId([u8; DecisionId::LEN]);

impl DecisionId {
    /// What every id starts with.
    pub const PREFIX: &'static str = "dec_";
    /// Hex digits after the prefix.
    const DIGITS: usize = 24;
    /// Bytes in an id.
    const LEN: usize = Self::PREFIX.len() + Self::DIGITS;
    /// The id of a decision not finished yet (all digits zero).
    pub(crate) const PLACEHOLDER: DecisionId = DecisionId(*b"dec_000000000000000000000000");

    /// The id named by the first 12 bytes of `hash`.
    fn from_hash(hash: &[u8]) -> DecisionId {
        let mut id = [b'0'; Self::LEN];
        let (prefix, digits) = id.split_at_mut(Self::PREFIX.len());
        prefix.copy_from_slice(Self::PREFIX.as_bytes());
        crate::canonical::write_hex_lower(hash, digits);
        DecisionId(id)
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        // Always ASCII: built from the prefix and hex digits, or checked by `from_str`.
        std::str::from_utf8(&self.0).unwrap_or(Self::PREFIX)
    }
}

/// A string that is not a decision id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecisionIdError(String);

impl fmt::Display for DecisionIdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} is not a decision id (`dec_` and 24 lowercase hex digits)",
            crate::quote::quote(&self.0)
        )
    }
}

impl std::error::Error for DecisionIdError {}

impl FromStr for DecisionId {
    type Err = DecisionIdError;

    fn from_str(text: &str) -> Result<DecisionId, DecisionIdError> {
        let bytes = text.as_bytes();
        let well_formed = bytes.len() == Self::LEN
            && text.starts_with(Self::PREFIX)
            && bytes
                .iter()
                .skip(Self::PREFIX.len())
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        match <[u8; Self::LEN]>::try_from(bytes) {
            Ok(id) if well_formed => Ok(DecisionId(id)),
            _ => Err(DecisionIdError(crate::quote::excerpt(text).to_string())),
        }
    }
}

impl std::ops::Deref for DecisionId {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for DecisionId {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for DecisionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for DecisionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PartialEq<str> for DecisionId {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for DecisionId {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for DecisionId {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl From<DecisionId> for String {
    fn from(id: DecisionId) -> String {
        id.as_str().to_string()
    }
}

impl serde::Serialize for DecisionId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for DecisionId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<DecisionId, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
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

    #[test]
    fn every_part_of_an_approval_changes_the_id_and_their_order_does_not() {
        use super::super::context::Verdict;
        let at = |t: &str| t.parse::<jiff::Timestamp>().unwrap();
        let approval = |approver: &str, credential: Option<&str>| VerifiedApproval {
            approver: approver.into(),
            role: "lead".into(),
            verdict: Verdict::Approve,
            issued_at: at("2026-01-01T00:00:00Z"),
            expires_at: None,
            scope: Vec::new(),
            note: None,
            credential: credential.map(Into::into),
        };
        let prefix = IdPrefix::new("p", "ab");
        let now = at("2026-01-01T00:10:00Z");
        let id = |approvals: &[VerifiedApproval]| prefix.id(&[7; 32], now, approvals);
        let base = approval("bob", Some("c"));
        let mut ids = vec![id(&[]), id(std::slice::from_ref(&base))];
        let mut changed = Vec::new();
        let mut reject = base.clone();
        reject.verdict = Verdict::Reject;
        changed.push(reject);
        let mut role = base.clone();
        role.role = "admin".into();
        changed.push(role);
        let mut scope = base.clone();
        scope.scope = vec!["deploy".into()];
        changed.push(scope);
        let mut note = base.clone();
        note.note = Some("ok".into());
        changed.push(note);
        let mut expires = base.clone();
        expires.expires_at = Some(now);
        changed.push(expires);
        changed.push(approval("bob", None));
        for approval in &changed {
            ids.push(id(std::slice::from_ref(approval)));
        }
        // One approval whose credential spells out a second one does not hash as the pair.
        let carol = approval("carol", None);
        let mut forged_credential = String::from("c");
        forged_credential.push_str("\ncarol\u{1f}");
        ids.push(id(&[approval("bob", Some(&forged_credential))]));
        ids.push(id(&[base.clone(), carol.clone()]));
        let distinct: std::collections::HashSet<_> = ids.iter().collect();
        assert_eq!(distinct.len(), ids.len(), "{ids:?}");
        // The order the caller lists approvals in does not matter.
        assert_eq!(id(&[base.clone(), carol.clone()]), id(&[carol, base]));
    }

    #[test]
    fn an_id_reads_back_from_its_text_and_nothing_else_does() {
        let id = DecisionId::from_hash(&[0xab; 32]);
        assert_eq!(id, "dec_abababababababababababab");
        assert_eq!(id.as_str().parse::<DecisionId>(), Ok(id));
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, "\"dec_abababababababababababab\"");
        assert_eq!(serde_json::from_str::<DecisionId>(&json).unwrap(), id);
        for bad in [
            "",
            "dec_",
            "dec_abababababababababababa",
            "dec_ababababababababababababab",
            "dec_ABABABABABABABABABABABAB",
            "dec_abababababababababababag",
            "xyz_abababababababababababab",
            "dec_ababababababababababab\u{e9}",
        ] {
            let error = bad.parse::<DecisionId>().unwrap_err();
            assert!(
                error
                    .to_string()
                    .ends_with("is not a decision id (`dec_` and 24 lowercase hex digits)"),
                "{bad:?}: {error}"
            );
        }
        let error = serde_json::from_str::<DecisionId>("\"dec_1\"").unwrap_err();
        assert!(
            error.to_string().contains("is not a decision id"),
            "{error}"
        );
    }
}
