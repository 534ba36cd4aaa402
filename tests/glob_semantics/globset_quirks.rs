//! What globset itself does with the constructs gavel refuses or rewrites.
//!
//! These tests use globset directly, configured as `gavel::glob::build` configures it, but
//! without gavel's validation. Each one documents why a rule exists; if a globset upgrade makes
//! one fail, the rule it justifies can be reconsidered (and the differential tests will say
//! whether relaxing it is safe).

use globset::GlobBuilder;

/// globset with gavel's options, on the raw pattern text.
fn raw(pattern: &str, path: &str) -> bool {
    GlobBuilder::new(pattern)
        .literal_separator(true)
        .backslash_escape(true)
        .case_insensitive(false)
        .empty_alternates(true)
        .build()
        .unwrap()
        .compile_matcher()
        .is_match(path)
}

#[test]
fn negated_class_matches_slash() {
    // Why `build` adds `/` to every negated class.
    assert!(raw("x[!a]y", "x/y"));
    assert!(
        !gavel::glob::build("x[!a]y")
            .unwrap()
            .compile_matcher()
            .is_match("x/y")
    );
}

#[test]
fn double_star_as_whole_alternative_is_a_star() {
    // Why `a/{**,b}` is refused: globset reads it as `a/{*,b}`.
    assert!(raw("a/{**,b}", "a/x"));
    assert!(!raw("a/{**,b}", "a/x/y"));
}

#[test]
fn double_star_ending_an_alternative_eats_the_following_slash() {
    // Why `{a/**,b}/c` is refused: spelled out it is `a/**/c`, which matches `a/c`.
    assert!(!raw("{a/**,b}/c", "a/c"));
    assert!(raw("a/**/c", "a/c"));
}

#[test]
fn repeated_double_star_in_alternative_matches_nothing_normalized() {
    // Why `**/**` is refused: inside braces globset keeps only a "directories" prefix.
    assert!(!raw("{**/**,b}", "x"));
    assert!(raw("{**/**,b}", "x/"));
}

#[test]
fn double_star_after_group_is_two_stars() {
    // Why `**` must follow a `/` literally: after `}` globset reads `**` as `*`.
    assert!(!raw("{a/,b/}**", "a/x/y"));
    assert!(raw("{a/,b/}**", "a/x"));
}

#[test]
fn escaped_comma_before_double_star_counts_as_a_separator() {
    // Why `**` must follow an unescaped `/`: globset looks at the previous character only.
    assert!(raw("{a\\,**}", "a/x"));
}

#[test]
fn bracket_first_in_class_is_a_member() {
    // Why `[]` is refused: globset reads `[]a]` as the class of `]` and `a`.
    assert!(raw("[]a]", "]"));
}

#[test]
fn backslash_in_class_is_literal() {
    // Why `\` in a class is refused: many glob dialects treat it as an escape there.
    assert!(raw("[\\*]", "\\"));
}

#[test]
fn dash_after_range_extends_it() {
    // Why `[a-c-e]` is refused: globset reads it as `[a-e]`.
    assert!(raw("[a-c-e]", "d"));
}

#[test]
fn non_ascii_class_member_is_bytes() {
    // Why non-ASCII class members are refused: `[é]` is a class of two bytes, matching neither
    // `é` nor anything a person would expect.
    assert!(!raw("[é]", "é"));
}

#[test]
fn empty_alternative_is_dropped_by_default() {
    // Why `build` sets `empty_alternates(true)`.
    let default = GlobBuilder::new("a{,b}")
        .literal_separator(true)
        .build()
        .unwrap()
        .compile_matcher();
    assert!(!default.is_match("a"));
    assert!(raw("a{,b}", "a"));
}
