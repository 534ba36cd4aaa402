//! Refused patterns: exactly where, and exactly what is said.
//!
//! `name: pattern => (offset, len), "message";` — offsets are bytes inside the pattern. Each case
//! also checks that `build` refuses with the same error and the reference matcher matches nothing.

use gavel::glob::{GlobError, build, reference_match, validate};
use gavel::limits::MAX_PATTERN_BYTES;

fn refused(pattern: &str) -> GlobError {
    let error = validate(pattern).expect_err(pattern);
    assert_eq!(
        build(pattern).expect_err(pattern),
        error,
        "build and validate disagree"
    );
    assert!(
        !reference_match(pattern, "a"),
        "an invalid pattern should match nothing"
    );
    assert!(
        pattern.is_char_boundary(error.offset)
            && pattern.is_char_boundary(error.offset + error.len),
        "the span of `{pattern}` must be sliceable"
    );
    error
}

macro_rules! rejects {
    ($($name:ident: $pattern:expr => ($offset:expr, $len:expr), $message:expr;)*) => {
        $(
            #[test]
            fn $name() {
                let error = refused($pattern);
                assert_eq!(
                    (error.offset, error.len, error.message.as_str()),
                    ($offset, $len, $message),
                    "`{}`",
                    $pattern
                );
            }
        )*
    };
}

rejects! {
    empty: "" => (0, 0), "empty pattern";
    nul_byte: "a\0b" => (1, 1), "pattern contains a NUL byte";
    leading_slash: "/src/**" => (0, 1), "pattern starts with `/`";
    trailing_slash: "docs/" => (4, 1), "pattern ends with `/`, so it never matches a file";
    double_slash: "a//b" => (1, 2), "empty path segment in `//`";
    dot_segment_at_start: "./src" => (0, 1), "`.` segment never matches";
    dot_segment_in_middle: "a/./b" => (2, 1), "`.` segment never matches";
    dot_dot_segment: "docs/../src/core.py" => (5, 2), "`..` segment never matches";
    dot_dot_at_end: "a/.." => (2, 2), "`..` segment never matches";
    backslash_at_end: "a\\" => (1, 1), "`\\` at the end of the pattern escapes nothing";
    escaped_slash: "a\\/b" => (1, 2), "`/` cannot be escaped";
    escaped_backslash: "a\\\\b" => (1, 2), "`\\\\` matches a literal `\\`, which never appears in a request path";
    three_stars: "a/***/b" => (2, 3), "`***` is not a wildcard";
    double_star_after_name: "a**" => (1, 2), "`**` must be a whole path segment";
    double_star_before_name: "**b" => (0, 2), "`**` must be a whole path segment";
    double_star_inside_segment: "a/**b" => (2, 2), "`**` must be a whole path segment";
    double_star_before_extension: "src/**.py" => (4, 2), "`**` must be a whole path segment";
    double_star_after_group: "{a,b}**" => (5, 2), "`**` must be a whole path segment";
    double_star_before_group: "**{/a,/b}" => (0, 2), "`**` must be a whole path segment";
    double_star_alternative_after_name: "x{**/a,b}" => (2, 2), "`**` must be a whole path segment";
    double_star_whole_alternative: "a/{**,b}" => (3, 2), "`**` cannot be a whole alternative";
    double_star_ends_alternative_before_more: "{a/**,b}/c" => (3, 2), "`**` can end an alternative only when the `}` ends the pattern";
    double_star_repeated: "a/**/**/b" => (2, 5), "`**/**` repeats `**`";
    double_star_repeated_alone: "**/**" => (0, 5), "`**/**` repeats `**`";
    unclosed_class: "a[bc" => (1, 1), "unclosed character class `[`";
    unclosed_class_after_range_dash: "[a-" => (0, 1), "unclosed character class `[`";
    empty_class: "a[]" => (1, 2), "empty character class `[]`";
    empty_negated_class: "[!]a" => (0, 3), "empty character class `[!]`";
    class_with_slash: "a[b/c]" => (3, 1), "character class contains `/`";
    class_negated_with_slash: "[!/]" => (2, 1), "character class contains `/`";
    class_reversed_range: "[z-a]" => (1, 3), "invalid range `z-a` in character class";
    class_ambiguous_dash: "[a-c-e]" => (4, 1), "ambiguous `-` in character class";
    class_range_to_dash: "[a--]" => (3, 1), "ambiguous `-` in character class";
    class_with_backslash: "[\\*]" => (1, 1), "`\\` inside a character class";
    class_posix: "[[:alpha:]]" => (1, 1), "`[` inside a character class";
    class_non_ascii: "[aé]" => (2, 2), "non-ASCII character in a character class";
    unclosed_brace: "src/{a,b" => (4, 1), "unclosed `{`";
    unmatched_brace: "a,b}" => (3, 1), "unmatched `}`";
    nested_braces: "{a,{b,c}}" => (3, 1), "nested `{` inside `{...}`";
    empty_braces: "a{}" => (1, 2), "`{}` has no non-empty alternative";
    only_empty_alternatives: "a{,}" => (1, 3), "`{,}` has no non-empty alternative";
    alternative_with_leading_slash: "{/a,b}" => (1, 1), "pattern starts with `/`";
    empty_alternative_leaves_trailing_slash: "a/{,b}" => (1, 1), "pattern ends with `/`, so it never matches a file";
    alternative_makes_double_slash: "{a/,b}/c" => (2, 5), "empty path segment in `/,b}/`";
    alternative_can_be_dot: "a/{.,b}/c" => (2, 5), "segment `{.,b}` can be `.`, which never matches";
    alternative_can_be_empty_path: "{,a}" => (0, 4), "pattern can match the empty path";
}

#[test]
fn too_long_points_past_the_limit() {
    let pattern = "a".repeat(MAX_PATTERN_BYTES + 10);
    let error = refused(&pattern);
    assert_eq!((error.offset, error.len), (MAX_PATTERN_BYTES, 10));
    assert_eq!(
        error.message,
        format!(
            "pattern is {} bytes long, over the limit of {MAX_PATTERN_BYTES}",
            MAX_PATTERN_BYTES + 10
        )
    );
}

#[test]
fn exactly_at_the_limit_is_accepted() {
    let pattern = "a/".repeat(MAX_PATTERN_BYTES / 2 - 1) + "**";
    assert_eq!(pattern.len(), MAX_PATTERN_BYTES);
    assert_eq!(validate(&pattern), Ok(()));
    assert!(reference_match(
        &pattern,
        &("a/".repeat(MAX_PATTERN_BYTES / 2 - 1) + "x")
    ));
}

#[test]
fn help_for_leading_slash_says_drop_it() {
    assert_eq!(
        refused("/src").help.as_deref(),
        Some("patterns are relative to the repository root; drop the leading `/`")
    );
}

#[test]
fn help_for_trailing_slash_suggests_double_star() {
    assert_eq!(
        refused("docs/").help.as_deref(),
        Some("to match everything inside the directory, write `docs/**`")
    );
}

#[test]
fn help_for_partial_double_star_suggests_star_or_segment() {
    assert_eq!(
        refused("a**").help.as_deref(),
        Some("use `*` to match within a segment, or `**` as its own segment, as in `a/**/b`")
    );
}

#[test]
fn help_for_reversed_range_writes_it_the_right_way() {
    assert_eq!(
        refused("[z-a]").help.as_deref(),
        Some("write the smaller end first: `a-z`")
    );
}

#[test]
fn error_display_is_the_message() {
    assert_eq!(
        refused("a**").to_string(),
        "`**` must be a whole path segment"
    );
}

#[test]
fn worst_case_sizes_stay_fast() {
    // Largest pattern against the longest path, shaped to defeat naive backtracking and naive
    // expansion of alternatives; the test runs in well under a second.
    let stars = "*a".repeat(MAX_PATTERN_BYTES / 2);
    let path = "a".repeat(gavel::limits::MAX_PATH_BYTES);
    assert_eq!(validate(&stars), Ok(()));
    assert!(reference_match(&stars, &path));
    assert!(!reference_match(&stars, &(path.clone() + "b")));

    let groups = "{a,b}".repeat(MAX_PATTERN_BYTES / 5);
    assert_eq!(validate(&groups), Ok(()));
    assert!(reference_match(
        &groups,
        &"ab".repeat(MAX_PATTERN_BYTES / 10)
    ));

    let slashy = "{a/,b}".repeat(MAX_PATTERN_BYTES / 6) + "c";
    assert_eq!(validate(&slashy), Ok(()));
    assert!(build(&slashy).is_ok());
}
