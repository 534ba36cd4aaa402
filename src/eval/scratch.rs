//! Working memory of the compiled evaluator, kept per thread and reused by every decision.
//!
//! The evaluator needs, for each decision, a count per path set, a memo slot per helper and
//! the sets of each file. Allocating those afresh would cost every decision allocations that
//! grow with the policy, however small the request. Instead each thread keeps one [`Scratch`]:
//! an evaluator takes it when it starts and gives it back when it is dropped, so once a
//! thread has decided a few requests, deciding allocates nothing here.
//!
//! Per-set and per-helper entries carry the generation (a number per decision) that wrote
//! them, and an entry of another generation reads as empty: nothing is cleared between
//! decisions, so a large policy costs nothing for the sets and helpers a request never
//! touches.

use std::cell::Cell;

use crate::number::Decimal;

/// A memoized request-level helper value that borrows nothing; values that borrow from the
/// policy or the request stay with the evaluator, and this holds their position there.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Memo {
    /// A boolean.
    Bool(bool),
    /// A number.
    Num(Decimal),
    /// Any other value: its index in the evaluator's own list.
    Other(usize),
}

/// One thread's working memory (see the module docs).
#[derive(Default)]
pub(crate) struct Scratch {
    /// The current decision's generation; never 0 while in use, so that a fresh entry
    /// (generation 0) reads as empty.
    generation: u32,
    /// Per set: the generation that counted, and how many files are in the set.
    set_counts: Vec<(u32, u32)>,
    /// Per helper: the generation that memoized, and the value.
    memo: Vec<(u32, Option<Memo>)>,
    /// The sets of every file, file after file, each with the position in the set of the
    /// first of its globs the file matches; file `i`'s are
    /// `file_sets[file_starts[i]..file_starts[i + 1]]`.
    pub file_sets: Vec<(u32, u32)>,
    /// Where each file's sets start in `file_sets`, and one past the last.
    pub file_starts: Vec<u32>,
    /// Glob ids one path matches.
    pub hits: Vec<usize>,
}

thread_local! {
    static SCRATCH: Cell<Scratch> = const {
        Cell::new(Scratch {
            generation: 0,
            set_counts: Vec::new(),
            memo: Vec::new(),
            file_sets: Vec::new(),
            file_starts: Vec::new(),
            hits: Vec::new(),
        })
    };
}

/// Retained buffers beyond this many bytes are given back to the allocator rather than kept
/// for the next decision, so that one huge request does not pin its memory to the thread.
const KEEP_AT_MOST: usize = 1 << 20;

impl Scratch {
    /// This thread's scratch (empty the first time, or when an evaluator on this thread is
    /// still using it), ready for a decision over `sets` sets and `helpers` helpers.
    pub(crate) fn take(sets: usize, helpers: usize) -> Scratch {
        let mut scratch = SCRATCH.take();
        scratch.generation = scratch.generation.wrapping_add(1);
        if scratch.generation == 0 {
            // After 2^32 decisions: forget every entry rather than mistake an old one.
            scratch.set_counts.clear();
            scratch.memo.clear();
            scratch.generation = 1;
        }
        if scratch.set_counts.len() < sets {
            scratch.set_counts.resize(sets, (0, 0));
        }
        if scratch.memo.len() < helpers {
            scratch.memo.resize(helpers, (0, None));
        }
        scratch.file_sets.clear();
        scratch.file_starts.clear();
        scratch.hits.clear();
        scratch
    }

    /// Gives the scratch back to this thread for the next decision.
    pub(crate) fn give_back(self) {
        let bytes = self.set_counts.capacity() * size_of::<(u32, u32)>()
            + self.memo.capacity() * size_of::<(u32, Option<Memo>)>()
            + self.file_sets.capacity() * size_of::<(u32, u32)>()
            + self.file_starts.capacity() * size_of::<u32>()
            + self.hits.capacity() * size_of::<usize>();
        if bytes <= KEEP_AT_MOST {
            SCRATCH.set(self);
        }
    }

    /// Counts one more file in `set`.
    pub(crate) fn count_in_set(&mut self, set: usize) {
        let generation = self.generation;
        if let Some(slot) = self.set_counts.get_mut(set) {
            if slot.0 != generation {
                *slot = (generation, 0);
            }
            slot.1 += 1;
        }
    }

    /// The files counted in `set` this decision.
    pub(crate) fn set_count(&self, set: usize) -> u32 {
        match self.set_counts.get(set) {
            Some(&(generation, count)) if generation == self.generation => count,
            _ => 0,
        }
    }

    /// The memoized value of helper `id`, if it was evaluated this decision.
    pub(crate) fn memo(&self, id: usize) -> Option<Memo> {
        match self.memo.get(id) {
            Some(&(generation, memo)) if generation == self.generation => memo,
            _ => None,
        }
    }

    /// Memoizes the value of helper `id`.
    pub(crate) fn set_memo(&mut self, id: usize, memo: Memo) {
        let generation = self.generation;
        if let Some(slot) = self.memo.get_mut(id) {
            *slot = (generation, Some(memo));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_of_an_earlier_decision_read_as_empty() {
        let mut s = Scratch::take(3, 2);
        s.count_in_set(1);
        s.count_in_set(1);
        s.set_memo(0, Memo::Bool(true));
        assert_eq!((s.set_count(0), s.set_count(1)), (0, 2));
        assert_eq!(s.memo(0), Some(Memo::Bool(true)));
        s.give_back();
        let s = Scratch::take(3, 2);
        assert_eq!((s.set_count(1), s.memo(0)), (0, None));
        s.give_back();
    }

    #[test]
    fn a_wrapped_generation_forgets_everything() {
        let mut s = Scratch::take(2, 1);
        s.generation = u32::MAX;
        s.count_in_set(0);
        s.set_memo(0, Memo::Other(7));
        s.give_back();
        let s = Scratch::take(2, 1);
        assert_eq!(s.generation, 1);
        assert_eq!((s.set_count(0), s.memo(0)), (0, None));
        s.give_back();
    }

    #[test]
    fn a_second_evaluator_on_the_thread_gets_its_own() {
        let mut first = Scratch::take(2, 0);
        first.count_in_set(0);
        let second = Scratch::take(2, 0);
        assert_eq!(second.set_count(0), 0);
        assert_eq!(first.set_count(0), 1);
        second.give_back();
        first.give_back();
    }
}
