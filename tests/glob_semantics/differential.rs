//! The reference matcher and globset, held equal on random and on exhaustively enumerated
//! small patterns and paths.
//!
//! The alphabets are small on purpose: with few letters, random paths often match random
//! patterns, so both the "yes" and the "no" answers get exercised (the exhaustive test checks
//! that they do).

use std::sync::LazyLock;

use gavel::glob::validate;
use proptest::prelude::*;

use super::Compiled;

/// Pieces random patterns are made of, including ones that are only valid in some places.
const FRAGMENTS: &[&str] = &[
    "a",
    "b",
    ".",
    "/",
    "*",
    "**",
    "?",
    "[ab]",
    "[!a]",
    "{a,b}",
    "{a,}",
    "{a/b,*}",
    "{**/a,b}",
    "{a/**,b}",
    "\\*",
    "[a-b]",
    "[^b]",
    "-",
    "é",
    ",",
    "{**,a}",
    "{**/**,b}",
    "[.-0]",
    "[ -~]",
];

/// Pieces of a single segment.
const SEGMENT_FRAGMENTS: &[&str] = &[
    "a", "b", ".", "*", "?", "[ab]", "[!a]", "[^b]", "[a-b]", "{a,b}", "{a,}", "{,b}", "{a/b,*}",
    "\\*", "\\,", "-", "é", "[-a]", "[!-b]", "[a-b-]", "[.-0]", "[!.-0]", "[+-b]",
];

/// Segments made of other characters that appear in patterns.
const SPECIAL_SEGMENTS: &[&str] = &["-", "*", "é", "a*", "a-", "é-", "b.é", "ab*", "a,b"];

/// The paths every pattern is checked against, besides random ones: every single segment of
/// up to three of `a`, `b`, `.` (except `.` and `..`), the special segments, and short paths of
/// two and three segments.
static UNIVERSE: LazyLock<Vec<String>> = LazyLock::new(|| {
    let letters = ["a", "b", "."];
    let mut paths: Vec<String> = Vec::new();
    for a in letters {
        paths.push(a.to_string());
        for b in letters {
            paths.push(format!("{a}{b}"));
            for c in letters {
                paths.push(format!("{a}{b}{c}"));
            }
        }
    }
    paths.retain(|p| p != "." && p != "..");
    paths.extend(SPECIAL_SEGMENTS.iter().map(|s| s.to_string()));
    let short = ["a", "b", "ab", ".a", "a.", "*", "é"];
    for a in short {
        for b in short {
            paths.push(format!("{a}/{b}"));
        }
    }
    for a in ["a", "b", ".a"] {
        for b in ["a", "b", ".a"] {
            for c in ["a", "b", ".a", "ab"] {
                paths.push(format!("{a}/{b}/{c}"));
            }
        }
    }
    paths
});

/// Any concatenation of fragments; most are invalid and are skipped.
fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 1..8).prop_map(|f| f.concat())
}

/// Segments joined by `/`: mostly valid patterns.
fn segmented() -> impl Strategy<Value = String> {
    let segment = prop_oneof![
        1 => Just("**".to_string()),
        1 => prop::sample::select(&["{**/a,b}", "{a/**,b}", "{a/**/b,*}"][..]).prop_map(String::from),
        6 => prop::collection::vec(prop::sample::select(SEGMENT_FRAGMENTS), 1..4)
            .prop_map(|f| f.concat()),
    ];
    prop::collection::vec(segment, 1..5).prop_map(|s| s.join("/"))
}

/// A normalized path: one to four segments, none of them `.` or `..`.
fn path() -> impl Strategy<Value = String> {
    let segment = prop::collection::vec(
        prop::sample::select(&["a", "b", ".", "-", "*", ",", "é"][..]),
        1..4,
    )
    .prop_map(|chars| {
        let segment = chars.concat();
        if segment == "." || segment == ".." {
            segment + "a"
        } else {
            segment
        }
    });
    prop::collection::vec(segment, 1..5).prop_map(|s| s.join("/"))
}

/// Checks `pattern` on `paths`, returning how many matched, or the first disagreement.
fn disagreement<'a>(
    pattern: &str,
    paths: impl IntoIterator<Item = &'a String>,
) -> Result<usize, String> {
    let compiled = Compiled::new(pattern);
    let mut matched = 0;
    for path in paths {
        let (reference, single, set) = compiled.answers(path);
        if reference != single || reference != set {
            return Err(format!(
                "`{pattern}` on `{path}`: reference {reference}, globset matcher {single}, globset set {set}"
            ));
        }
        matched += usize::from(reference);
    }
    Ok(matched)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 2000,
        max_global_rejects: 100_000,
        ..ProptestConfig::default()
    })]

    #[test]
    fn reference_equals_globset(
        pattern in prop_oneof![segmented(), soup()],
        paths in prop::collection::vec(path(), 16),
    ) {
        prop_assume!(validate(&pattern).is_ok());
        let result = disagreement(&pattern, paths.iter().chain(UNIVERSE.iter()));
        prop_assert!(result.is_ok(), "{}", result.unwrap_err());
    }
}

/// Every concatenation of up to three fragments, against the whole universe of paths.
#[test]
fn reference_equals_globset_on_all_small_patterns() {
    let mut patterns: Vec<String> = FRAGMENTS.iter().map(|f| f.to_string()).collect();
    for a in FRAGMENTS {
        for b in FRAGMENTS {
            patterns.push(format!("{a}{b}"));
            for c in FRAGMENTS {
                patterns.push(format!("{a}{b}{c}"));
            }
        }
    }
    let (mut valid, mut matching, mut matches) = (0, 0, 0);
    for pattern in patterns.iter().filter(|p| validate(p).is_ok()) {
        let matched = disagreement(pattern, UNIVERSE.iter()).unwrap_or_else(|e| panic!("{e}"));
        valid += 1;
        matching += usize::from(matched > 0);
        matches += matched;
    }
    // The enumeration must actually exercise both answers on many patterns.
    assert!(valid > 1000, "only {valid} valid patterns");
    assert!(
        matching > valid / 2,
        "only {matching} of {valid} patterns matched anything"
    );
    assert!(matches > 10_000, "only {matches} matches in all");
}
