//! [`build`]: a validated pattern as a [`globset::Glob`], configured to mean exactly what
//! [`super::reference_match()`] means.
//!
//! The evaluator matches many paths against many patterns, so it uses globset (patterns
//! compiled to one regex set). globset's defaults differ from gavel's semantics, so every option
//! that matters is set explicitly:
//!
//! * `literal_separator(true)`: `*` and `?` never match `/` (globset's default lets them).
//! * `backslash_escape(true)`: `\*` is a literal `*`, on every platform (globset's default
//!   depends on whether `\` is a path separator on the build machine).
//! * `case_insensitive(false)`: byte-exact matching.
//! * `empty_alternates(true)`: `x{,.bak}` matches `x` (by default globset drops the empty
//!   alternative, so it would only match `x.bak`).
//! * `allow_unclosed_class(false)`: validation already refuses `[` without `]`; this keeps
//!   globset from ever reading it as a literal.
//!
//! One difference cannot be configured away: a globset class matches `/` when its members
//! include it, and gavel classes never do. `/` itself cannot be written in a class, but a
//! negated class (`[!a]`) and a range that spans it (`[ -~]`, `[.-0]`) take it in. So the
//! text handed to globset adds `/` to every negated class (`[!a]` becomes `[!/a]`) and splits
//! every range of a plain class around it (`[.-0]` becomes `[.-.0-0]`). The returned
//! [`Glob`]'s [`Glob::glob`] is that rewritten text; keep the pattern as the user wrote it for
//! messages.

use globset::{Glob, GlobBuilder};

use super::glob_error::GlobError;
use super::parsed::{Atom, AtomKind, Pattern, Piece};
use super::pattern::validated;

/// Validates `pattern` and builds the globset [`Glob`] that matches exactly the paths
/// [`super::reference_match()`] matches (for normalized paths; see there).
///
/// # Examples
///
/// ```
/// let matcher = gavel::glob::build("**/.env*").unwrap().compile_matcher();
/// assert!(matcher.is_match(".env"));
/// assert!(matcher.is_match("config/.env.local"));
/// assert!(!matcher.is_match("env"));
/// ```
pub fn build(pattern: &str) -> Result<Glob, GlobError> {
    build_engine_text(pattern, &engine_text(pattern)?)
}

/// Validates `pattern` and returns the text to hand globset for it (see the module docs).
/// The checker keeps this so that compiling does not validate every pattern again.
pub fn engine_text(pattern: &str) -> Result<String, GlobError> {
    let parsed = validated(pattern)?;
    Ok(globset_source(pattern, &parsed))
}

/// Builds the globset [`Glob`] from [`engine_text`]'s output for `pattern`.
pub fn build_engine_text(pattern: &str, source: &str) -> Result<Glob, GlobError> {
    GlobBuilder::new(source)
        .literal_separator(true)
        .backslash_escape(true)
        .case_insensitive(false)
        .empty_alternates(true)
        .allow_unclosed_class(false)
        .build()
        .map_err(|error| {
            GlobError::new(
                0,
                pattern.len(),
                format!(
                    "internal error: globset refused the validated pattern `{pattern}`: {error}"
                ),
            )
        })
}

/// The text to give globset: `pattern` with `/` added to each negated class and taken out
/// of each range of the other classes.
///
/// The `/` goes right after `[!` or `[^`, or after a leading `-` (`[!-a]` becomes `[!-/a]`),
/// where globset reads it as a member on its own and never as a range end. A range `a-b`
/// with `a < / < b` (its ends are never `/` itself) becomes `a-.0-b`: `.` and `0` are the
/// bytes either side of `/`.
fn globset_source(pattern: &str, parsed: &Pattern) -> String {
    // (where, how many bytes of the pattern it replaces, what it writes instead)
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let mut note = |atom: &Atom| {
        let AtomKind::Class(class) = &atom.kind else {
            return;
        };
        if class.negated {
            let mut at = atom.offset + 2;
            if pattern.as_bytes().get(at) == Some(&b'-') {
                at += 1;
            }
            edits.push((at, 0, "/".into()));
            return;
        }
        for (&(low, high), at) in class.ranges.iter().zip(&class.range_offsets) {
            if let Some(at) = *at
                && low < b'/'
                && b'/' < high
            {
                let split = format!("{}-.0-{}", char::from(low), char::from(high));
                edits.push((at, 3, split));
            }
        }
    };
    for piece in &parsed.pieces {
        match piece {
            Piece::Atom(atom) => note(atom),
            Piece::Group(group) => group.alternatives.iter().flatten().for_each(&mut note),
        }
    }
    if edits.is_empty() {
        return pattern.to_string();
    }
    edits.sort_by_key(|(at, _, _)| *at);
    let mut source = String::with_capacity(pattern.len() + 4 * edits.len());
    let mut copied = 0;
    for (at, replaced, text) in edits {
        source.push_str(pattern.get(copied..at).unwrap_or_default());
        source.push_str(&text);
        copied = at + replaced;
    }
    source.push_str(pattern.get(copied..).unwrap_or_default());
    source
}

#[cfg(test)]
mod tests {
    use super::{build, globset_source};
    use crate::glob::pattern::validated;

    fn source(pattern: &str) -> String {
        globset_source(pattern, &validated(pattern).unwrap())
    }

    #[test]
    fn negated_classes_gain_a_slash() {
        assert_eq!(source("a[!b]c"), "a[!/b]c");
        assert_eq!(source("[^b]"), "[^/b]");
        assert_eq!(source("[!-a]"), "[!-/a]");
        assert_eq!(source("[!-]"), "[!-/]");
        assert_eq!(source("{[!a],[^b-c]}x"), "{[!/a],[^/b-c]}x");
        assert_eq!(source("[ab]/[!a-]"), "[ab]/[!/a-]");
    }

    #[test]
    fn ranges_of_plain_classes_lose_the_slash() {
        assert_eq!(source("notes[ -~]txt"), "notes[ -.0-~]txt");
        assert_eq!(source("x[.-0]y"), "x[.-.0-0]y");
        assert_eq!(source("[a+-9b]"), "[a+-.0-9b]");
        assert_eq!(source("{[ -~],[!a]}"), "{[ -.0-~],[!/a]}");
        // Ranges that do not span `/` are left as written.
        assert_eq!(source("[a-z0-9.-]"), "[a-z0-9.-]");
        let matcher = build("x[.-0]y").unwrap().compile_matcher();
        assert!(matcher.is_match("x.y") && matcher.is_match("x0y"));
        assert!(!matcher.is_match("x/y"));
        let matcher = build("notes[ -~]txt").unwrap().compile_matcher();
        assert!(matcher.is_match("notes.txt") && matcher.is_match("notes~txt"));
        assert!(!matcher.is_match("notes/txt"));
        let matcher = build("a[+-9]").unwrap().compile_matcher();
        assert!(matcher.is_match("a+") && matcher.is_match("a9") && !matcher.is_match("a/"));
    }

    #[test]
    fn other_patterns_pass_through() {
        assert_eq!(source("src/**/*.{rs,toml}"), "src/**/*.{rs,toml}");
    }

    #[test]
    fn validation_errors_come_through() {
        let error = build("/src").unwrap_err();
        assert_eq!((error.offset, error.len), (0, 1));
    }

    #[test]
    fn rewritten_negated_class_still_excludes_its_members() {
        let matcher = build("[!-a]").unwrap().compile_matcher();
        assert!(!matcher.is_match("-"));
        assert!(!matcher.is_match("a"));
        assert!(!matcher.is_match("/"));
        assert!(matcher.is_match("b"));
    }
}
