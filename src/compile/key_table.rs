//! A table keyed by strings from the policy that turns most absent keys away before hashing.
//!
//! Every file of every request is looked up in a few of these tables (its path, each of its
//! directories, its name), and most lookups find nothing. Two bit tests (is there a key of
//! this length, and one starting with this byte?) answer most of them without hashing the
//! string.

use super::str_hash::StrMap;

/// A set of bytes.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct ByteSet([u64; 4]);

impl ByteSet {
    pub(crate) fn insert(&mut self, byte: u8) {
        if let Some(word) = self.0.get_mut(usize::from(byte / 64)) {
            *word |= 1 << (byte % 64);
        }
    }

    #[inline]
    pub(crate) fn contains(&self, byte: u8) -> bool {
        self.0
            .get(usize::from(byte / 64))
            .is_some_and(|word| word & (1 << (byte % 64)) != 0)
    }
}

/// Key lengths: bit `n` for a key of `n` bytes, bit 63 for any key of 63 bytes or more.
#[derive(Debug, Default, Clone, Copy)]
struct Lengths(u64);

impl Lengths {
    fn bit(len: usize) -> u64 {
        1 << len.min(63)
    }

    fn insert(&mut self, len: usize) {
        self.0 |= Self::bit(len);
    }

    fn may_contain(self, len: usize) -> bool {
        self.0 & Self::bit(len) != 0
    }
}

/// A string-keyed table with a cheap screen in front (see the module docs).
#[derive(Debug)]
pub(crate) struct KeyTable<V> {
    map: StrMap<V>,
    lengths: Lengths,
    first_bytes: ByteSet,
}

impl<V> Default for KeyTable<V> {
    fn default() -> Self {
        KeyTable {
            map: StrMap::default(),
            lengths: Lengths::default(),
            first_bytes: ByteSet::default(),
        }
    }
}

impl<V: Default> KeyTable<V> {
    /// The value for `key`, inserted as `V::default()` if absent.
    pub(crate) fn entry(&mut self, key: &str) -> &mut V {
        self.lengths.insert(key.len());
        if let Some(&b) = key.as_bytes().first() {
            self.first_bytes.insert(b);
        }
        self.map.entry(key.into()).or_default()
    }
}

impl<V> KeyTable<V> {
    /// The value for `key`, if there is one.
    #[inline]
    pub(crate) fn get(&self, key: &str) -> Option<&V> {
        if !self.lengths.may_contain(key.len()) {
            return None;
        }
        // The empty key has no first byte; its length bit alone lets it through.
        if let Some(&b) = key.as_bytes().first()
            && !self.first_bytes.contains(b)
        {
            return None;
        }
        self.map.get(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_screen_never_turns_away_a_key() {
        let mut table: KeyTable<Vec<usize>> = KeyTable::default();
        let long = "x".repeat(100);
        let keys = ["", "a", "docs", "src/autopack", "é", &long];
        for (i, k) in keys.iter().enumerate() {
            table.entry(k).push(i);
        }
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(table.get(k), Some(&vec![i]), "{k:?}");
        }
        for absent in ["b", "doc", "docs/", "x", &"x".repeat(99), &"y".repeat(100)] {
            assert_eq!(table.get(absent), None, "{absent:?}");
        }
        let empty: KeyTable<Vec<usize>> = KeyTable::default();
        assert_eq!(empty.get(""), None);
    }
}
