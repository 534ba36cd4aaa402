//! The glob semantics, pinned down by examples, and the two matchers held equal.
//!
//! Every case runs three ways: the reference matcher, the globset matcher from
//! `gavel::glob::build`, and a one-pattern `GlobSet` (which takes globset's literal, prefix,
//! suffix and extension shortcuts instead of the regex). All three must give the expected answer.

mod differential;
mod errors;
mod globset_quirks;
mod matches;

use gavel::glob::{build, reference_match};
use globset::{GlobMatcher, GlobSet, GlobSetBuilder};

/// One pattern, compiled the two globset ways.
struct Compiled {
    pattern: String,
    single: GlobMatcher,
    set: GlobSet,
}

impl Compiled {
    fn new(pattern: &str) -> Compiled {
        let glob = build(pattern).unwrap_or_else(|e| panic!("`{pattern}` should be valid: {e:?}"));
        let set = GlobSetBuilder::new()
            .add(glob.clone())
            .build()
            .unwrap_or_else(|e| panic!("`{pattern}` should build a set: {e}"));
        Compiled {
            pattern: pattern.to_string(),
            single: glob.compile_matcher(),
            set,
        }
    }

    /// What the three matchers say about `path`: reference, globset matcher, globset set.
    fn answers(&self, path: &str) -> (bool, bool, bool) {
        (
            reference_match(&self.pattern, path),
            self.single.is_match(path),
            self.set.is_match(path),
        )
    }
}

/// Asserts that all three matchers answer `expected` for `path`.
fn assert_matches(pattern: &str, path: &str, expected: bool) {
    let (reference, single, set) = Compiled::new(pattern).answers(path);
    assert_eq!(reference, expected, "reference: `{pattern}` on `{path}`");
    assert_eq!(single, expected, "globset matcher: `{pattern}` on `{path}`");
    assert_eq!(set, expected, "globset set: `{pattern}` on `{path}`");
}
