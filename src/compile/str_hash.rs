//! A fast hash for the compiled policy's tables of path strings.
//!
//! The standard hasher (SipHash) is keyed to resist collision attacks on tables an attacker
//! fills. These tables are filled from the policy, which is trusted, and requests only look
//! things up in them: a request cannot lengthen a probe sequence, only pick one the policy's
//! keys made. So a plain multiply-rotate hash over eight bytes at a time (the `FxHash` of
//! rustc) is enough, and costs a fraction of SipHash on the short strings looked up for every
//! file of every request.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A table keyed by strings from the policy, looked up with strings from requests.
pub(crate) type StrMap<V> = HashMap<Box<str>, V, BuildHasherDefault<StrHasher>>;

/// A table keyed by spans of the policy (the conditions evidence quotes), looked up for every
/// fired rule: the same reasoning, all keys come from the policy.
pub(crate) type SpanMap<V> = HashMap<crate::ast::Span, V, BuildHasherDefault<StrHasher>>;

/// FxHash: for each word, rotate, xor in the word, multiply.
#[derive(Default, Clone, Copy)]
pub(crate) struct StrHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl StrHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for StrHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            if let Some(head) = word.get_mut(..rest.len()) {
                head.copy_from_slice(rest);
            }
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_was_put_in_and_nothing_else() {
        let mut map: StrMap<usize> = StrMap::default();
        let keys = [
            "",
            "a",
            "docs",
            "src/autopack",
            "exactly8",
            "exactly8x",
            "é/ü",
        ];
        for (i, k) in keys.iter().enumerate() {
            map.insert((*k).into(), i);
        }
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(map.get(*k), Some(&i));
        }
        for absent in ["b", "doc", "docs/", "exactly", "src/autopacK", "a\0"] {
            assert_eq!(map.get(absent), None, "{absent:?}");
        }
    }
}
