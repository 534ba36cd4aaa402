//! Path segments a pattern may not have: empty ones, `.` and `..`.
//!
//! gavel normalizes request paths before matching: no leading `/`, no trailing `/`, no `//`, no
//! `.` or `..` segment. A pattern with such a segment can never match anything, so it is almost
//! certainly a mistake (`/src/**` meant `src/**`; `docs/` meant `docs/**`), and saying so beats
//! a rule that silently never fires.
//!
//! With `{...}` the segments depend on the alternative chosen (`a/{,b}` can end in `/`,
//! `{.,x}/y` can start with `.`), so the check follows every way through the groups at once: it
//! carries the set of states the current segment can be in. Groups do not nest and the state
//! set is deduplicated after each group, so this stays linear in the pattern's length times a
//! small constant, however many groups there are — unlike listing every combination.

use super::glob_error::GlobError;
use super::parsed::{Atom, AtomKind, Pattern, Piece};

/// What the current segment so far can be.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Shape {
    /// Nothing yet.
    Empty,
    /// Exactly `.`.
    Dot,
    /// Exactly `..`.
    DotDot,
    /// Anything else: it will match real path segments.
    Other,
}

/// One way the current segment can look, with where it began.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
struct Segment {
    shape: Shape,
    /// Byte offset just after the `/` that opened it (0 for the first segment).
    start: usize,
    /// The `/` that opened it, if any.
    opened_by: Option<usize>,
}

/// Checks that no way of reading `pattern` yields an empty, `.` or `..` segment.
pub(crate) fn check_segments(pattern: &Pattern, text: &str) -> Result<(), GlobError> {
    let mut states = vec![Segment {
        shape: Shape::Empty,
        start: 0,
        opened_by: None,
    }];
    for piece in &pattern.pieces {
        states = match piece {
            Piece::Atom(atom) => step(&states, atom, text)?,
            Piece::Group(group) => {
                let mut after = Vec::new();
                for alternative in &group.alternatives {
                    let mut branch = states.clone();
                    for atom in alternative {
                        branch = step(&branch, atom, text)?;
                    }
                    after.extend(branch);
                }
                after.sort_unstable();
                after.dedup();
                after
            }
        };
    }
    for segment in states {
        finish(segment, text)?;
    }
    Ok(())
}

/// The states after reading `atom` in each of `states`.
fn step(states: &[Segment], atom: &Atom, text: &str) -> Result<Vec<Segment>, GlobError> {
    if atom.kind == AtomKind::Slash {
        for &segment in states {
            close(segment, atom.offset, text)?;
        }
        return Ok(vec![Segment {
            shape: Shape::Empty,
            start: atom.offset + 1,
            opened_by: Some(atom.offset),
        }]);
    }
    let mut next: Vec<Segment> = states
        .iter()
        .map(|&segment| Segment {
            shape: match (segment.shape, &atom.kind) {
                (Shape::Empty, AtomKind::Literal('.')) => Shape::Dot,
                (Shape::Dot, AtomKind::Literal('.')) => Shape::DotDot,
                _ => Shape::Other,
            },
            ..segment
        })
        .collect();
    next.sort_unstable();
    next.dedup();
    Ok(next)
}

/// Checks a segment that a `/` at `slash` ends.
fn close(segment: Segment, slash: usize, text: &str) -> Result<(), GlobError> {
    match (segment.shape, segment.opened_by) {
        (Shape::Empty, None) => Err(GlobError::new(slash, 1, "pattern starts with `/`")
            .with_help("patterns are relative to the repository root; drop the leading `/`")),
        (Shape::Empty, Some(previous)) => {
            let written = text.get(previous..=slash).unwrap_or("//");
            Err(GlobError::new(
                previous,
                slash + 1 - previous,
                format!("empty path segment in `{written}`"),
            )
            .with_help("request paths never contain `//`; remove the extra `/`"))
        }
        (Shape::Dot | Shape::DotDot, _) => Err(dot_segment(segment, slash, text)),
        (Shape::Other, _) => Ok(()),
    }
}

/// Checks the segment still open at the end of the pattern.
fn finish(segment: Segment, text: &str) -> Result<(), GlobError> {
    match (segment.shape, segment.opened_by) {
        (Shape::Empty, None) => {
            Err(
                GlobError::new(0, text.len(), "pattern can match the empty path")
                    .with_help("remove the empty alternative"),
            )
        }
        (Shape::Empty, Some(slash)) => {
            let help = match text.get(..slash) {
                Some(dir) if slash + 1 == text.len() => {
                    format!("to match everything inside the directory, write `{dir}/**`")
                }
                _ => "remove the `/` that ends the alternative, or add `**` after it".to_string(),
            };
            Err(GlobError::new(
                slash,
                1,
                "pattern ends with `/`, so it never matches a file",
            )
            .with_help(help))
        }
        (Shape::Dot | Shape::DotDot, _) => Err(dot_segment(segment, text.len(), text)),
        (Shape::Other, _) => Ok(()),
    }
}

/// The error for a `.` or `..` segment written from `segment.start` to `end`.
fn dot_segment(segment: Segment, end: usize, text: &str) -> GlobError {
    let written = text.get(segment.start..end).unwrap_or("..");
    let dots = if segment.shape == Shape::Dot {
        "."
    } else {
        ".."
    };
    let message = if written == dots {
        format!("`{dots}` segment never matches")
    } else {
        format!("segment `{written}` can be `{dots}`, which never matches")
    };
    GlobError::new(segment.start, end.saturating_sub(segment.start), message).with_help(
        "request paths are normalized: `./x` becomes `x` and a path with `..` is refused",
    )
}

#[cfg(test)]
mod tests {
    use super::check_segments;
    use crate::glob::parse::parse;

    fn check(text: &str) -> Result<(), (usize, usize, String)> {
        check_segments(&parse(text).unwrap(), text).map_err(|e| (e.offset, e.len, e.message))
    }

    #[test]
    fn ordinary_segments_are_accepted() {
        for ok in [
            "a",
            "a/b",
            ".env",
            "a/.git/b",
            "...",
            "a/.../b",
            "a.",
            "{a,b}/c",
            "x{,y}",
            "a/{b,c/d}",
            "{.a,b}",
            "\\.x",
            "{a/,b/}c",
            "a{/b,c}",
        ] {
            assert_eq!(check(ok), Ok(()), "`{ok}` should be accepted");
        }
    }

    #[test]
    fn slashes_at_the_edges() {
        assert_eq!(check("/a"), Err((0, 1, "pattern starts with `/`".into())));
        assert_eq!(
            check("a/"),
            Err((
                1,
                1,
                "pattern ends with `/`, so it never matches a file".into()
            ))
        );
        assert_eq!(
            check("a//b"),
            Err((1, 2, "empty path segment in `//`".into()))
        );
        assert_eq!(
            check("{/a,b}"),
            Err((1, 1, "pattern starts with `/`".into()))
        );
        assert_eq!(
            check("a/{,b}"),
            Err((
                1,
                1,
                "pattern ends with `/`, so it never matches a file".into()
            ))
        );
        assert_eq!(
            check("{a/,b}/c"),
            Err((2, 5, "empty path segment in `/,b}/`".into()))
        );
        assert_eq!(
            check("{,a}"),
            Err((0, 4, "pattern can match the empty path".into()))
        );
    }

    #[test]
    fn dot_segments() {
        assert_eq!(
            check("./a"),
            Err((0, 1, "`.` segment never matches".into()))
        );
        assert_eq!(
            check("a/../b"),
            Err((2, 2, "`..` segment never matches".into()))
        );
        assert_eq!(
            check("a/.."),
            Err((2, 2, "`..` segment never matches".into()))
        );
        assert_eq!(
            check("a/\\."),
            Err((2, 2, "segment `\\.` can be `.`, which never matches".into()))
        );
        assert_eq!(
            check("a/{.,b}/c"),
            Err((
                2,
                5,
                "segment `{.,b}` can be `.`, which never matches".into()
            ))
        );
        assert_eq!(
            check(".{,.}/c"),
            Err((
                0,
                5,
                "segment `.{,.}` can be `.`, which never matches".into()
            ))
        );
    }
}
