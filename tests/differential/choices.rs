//! A stream of choices read from bytes that proptest generates.
//!
//! The generators make every decision (which rule outcome, which operator, how many files)
//! by reading this stream instead of holding proptest strategies of their own. That keeps a
//! typed, context-dependent generator (an expression of a given type, over the names a
//! policy declared so far) ordinary code, and proptest still shrinks failures: it shortens
//! the byte vector and lowers its bytes toward zero, and every choice is arranged so that
//! zero, or running out of bytes, means the simplest option (a leaf, no optional part, the
//! first item).

/// Choices drawn from a byte vector; once it runs out every choice is its simplest option.
pub struct Choices {
    bytes: Vec<u8>,
    pos: usize,
}

impl Choices {
    pub fn new(bytes: Vec<u8>) -> Self {
        Choices { bytes, pos: 0 }
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.bytes.get(self.pos).copied();
        self.pos += 1;
        b
    }

    /// A number in `0..n` (0 when `n` is 0 or the bytes ran out).
    pub fn below(&mut self, n: usize) -> usize {
        if n <= 1 {
            return 0;
        }
        let width = match n {
            0..=256 => 1,
            257..=65_536 => 2,
            _ => 4,
        };
        let mut raw: usize = 0;
        for _ in 0..width {
            match self.next() {
                Some(b) => raw = (raw << 8) | usize::from(b),
                None => return 0,
            }
        }
        raw % n
    }

    /// A number in `lo..=hi`.
    pub fn between(&mut self, lo: u64, hi: u64) -> u64 {
        let span = hi.saturating_sub(lo).saturating_add(1);
        let n = usize::try_from(span).unwrap_or(usize::MAX);
        lo + self.below(n) as u64
    }

    /// True with probability `percent`/100; false for a zero byte and once the bytes ran
    /// out, so write "usually" as `!chance(small)` to keep false the simple answer.
    pub fn chance(&mut self, percent: u32) -> bool {
        self.next()
            .is_some_and(|b| u32::from(255 - b) * 100 < percent * 256)
    }

    /// One of `items` (the first once the bytes ran out). `items` must not be empty.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// An index into `weights`, drawn in proportion to them; once the bytes ran out, the
    /// first index with a non-zero weight. Zero weights are never drawn (an option that is
    /// not available here has weight 0). At least one weight must be non-zero.
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        assert!(total > 0, "no option available: {weights:?}");
        let mut roll = self.below(total as usize) as u32;
        for (i, w) in weights.iter().enumerate() {
            if roll < *w {
                return i;
            }
            roll -= w;
        }
        unreachable!("roll below the total weight")
    }

    /// A sub-list of `items`, in their order, each kept with probability `percent`/100.
    pub fn subset<T: Copy>(&mut self, items: &[T], percent: u32) -> Vec<T> {
        items
            .iter()
            .copied()
            .filter(|_| self.chance(percent))
            .collect()
    }
}
