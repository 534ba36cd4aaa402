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

/// The last 0 to 7 bytes of a key as one word, with their count mixed into the top byte.
///
/// Read with at most two loads that may overlap, rather than copied byte by byte into a
/// buffer and read back as a word: that read waits for the byte stores to retire (a failed
/// store-to-load forward), which on short paths cost more than the whole hash.
fn tail_word(rest: &[u8]) -> u64 {
    let n = rest.len();
    let u32_at = |at: usize| {
        rest.get(at..at + 4)
            .and_then(|b| <[u8; 4]>::try_from(b).ok())
            .map_or(0, |b| u64::from(u32::from_le_bytes(b)))
    };
    let byte_at = |at: usize| rest.get(at).map_or(0, |&b| u64::from(b));
    let word = if n >= 4 {
        // Bytes 0..4 and n-4..n: together all of them, for n from 4 to 7.
        u32_at(0) | (u32_at(n - 4) << 32)
    } else if n > 0 {
        // Bytes 0, n/2 and n-1: all of them, for n from 1 to 3.
        byte_at(0) | (byte_at(n / 2) << 8) | (byte_at(n - 1) << 16)
    } else {
        0
    };
    word ^ ((n as u64) << 56)
}

impl Hasher for StrHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        self.add(tail_word(chunks.remainder()));
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

    /// Every tail length reads all of its bytes: changing any one changes the word.
    #[test]
    fn the_tail_word_depends_on_every_byte_and_the_length() {
        let base = *b"abcdefg";
        for n in 0..=7 {
            let tail = &base[..n];
            for i in 0..n {
                let mut changed = base;
                changed[i] = b'z';
                assert_ne!(tail_word(tail), tail_word(&changed[..n]), "{n} {i}");
            }
            if n > 0 {
                assert_ne!(tail_word(tail), tail_word(&base[..n - 1]), "{n}");
            }
        }
    }

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
        for absent in [
            "b",
            "doc",
            "docs/",
            "exactly",
            "src/autopacK",
            "a\0",
            "aa",
            "srd/autopack",
        ] {
            assert_eq!(map.get(absent), None, "{absent:?}");
        }
    }
}
