//! Where `**` may stand.
//!
//! `**` means "any number of whole directories", so it must be a whole path segment: after `/`
//! or the start of the pattern, and before `/` or the end. Inside `{...}` the same holds for the
//! pattern each alternative spells out, with three extra restrictions where globset reads the
//! text differently from that spelled-out pattern (each has a regression test):
//!
//! * `**` may not be a whole alternative: globset reads `a/{**,b}` as `a/{*,b}`.
//! * `**` may end an alternative only when the `}` ends the pattern: globset reads `{a/**,b}/c`
//!   as "inside `a`, then anything, then `/c`", so it misses `a/c`, which `a/**/c` matches.
//! * `**/**` is refused (it means the same as `**`): inside braces globset turns `{**/**,b}`
//!   into a pattern that only matches paths ending in `/`.

use super::glob_error::GlobError;
use super::parsed::{Atom, AtomKind, Pattern, Piece};

/// What stands next to a `**`, seen from the pattern each alternative spells out.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Neighbor {
    /// The start or the end of the pattern.
    Edge,
    /// `/`.
    Slash,
    /// Any other atom, or a group.
    Other,
}

fn neighbor(piece: Option<&Piece>) -> Neighbor {
    match piece {
        None => Neighbor::Edge,
        Some(Piece::Atom(atom)) => atom_neighbor(Some(atom)),
        Some(Piece::Group(_)) => Neighbor::Other,
    }
}

fn atom_neighbor(atom: Option<&Atom>) -> Neighbor {
    match atom.map(|a| &a.kind) {
        None => Neighbor::Edge,
        Some(AtomKind::Slash) => Neighbor::Slash,
        Some(_) => Neighbor::Other,
    }
}

fn is_double_star(atom: Option<&Atom>) -> bool {
    matches!(atom.map(|a| &a.kind), Some(AtomKind::DoubleStar))
}

/// Checks every `**` in `pattern`.
pub(crate) fn check_double_stars(pattern: &Pattern) -> Result<(), GlobError> {
    let pieces = &pattern.pieces;
    for (i, piece) in pieces.iter().enumerate() {
        let before = neighbor(i.checked_sub(1).and_then(|j| pieces.get(j)));
        let after = neighbor(pieces.get(i + 1));
        match piece {
            Piece::Atom(atom) if atom.kind == AtomKind::DoubleStar => {
                check_segment(atom, before, after)?;
                let two_on = pieces.get(i + 2).and_then(|p| match p {
                    Piece::Atom(a) => Some(a),
                    Piece::Group(_) => None,
                });
                check_not_repeated(atom, after, two_on)?;
            }
            Piece::Atom(_) => {}
            Piece::Group(group) => {
                for alternative in &group.alternatives {
                    check_alternative(alternative, before, after)?;
                }
            }
        }
    }
    Ok(())
}

/// Checks the `**` atoms of one alternative of a group that stands between `outer_before` and
/// `outer_after`.
fn check_alternative(
    atoms: &[Atom],
    outer_before: Neighbor,
    outer_after: Neighbor,
) -> Result<(), GlobError> {
    for (i, atom) in atoms.iter().enumerate() {
        if atom.kind != AtomKind::DoubleStar {
            continue;
        }
        let first = i == 0;
        let last = i + 1 == atoms.len();
        if first && last {
            return Err(GlobError::new(atom.offset, atom.len, "`**` cannot be a whole alternative")
                .with_help(
                    "write `**` outside the braces, as in `a/**`, or with a `/` in the alternative, as in `{b/**,c}`",
                ));
        }
        let before = if first {
            outer_before
        } else {
            atom_neighbor(i.checked_sub(1).and_then(|j| atoms.get(j)))
        };
        let after = if last {
            outer_after
        } else {
            atom_neighbor(atoms.get(i + 1))
        };
        if first && before != Neighbor::Edge && before != Neighbor::Slash {
            return Err(not_a_segment(atom).with_help(
                "an alternative that starts with `**` needs its `{` at the start of the pattern or right after a `/`",
            ));
        }
        if last && after != Neighbor::Edge {
            return Err(GlobError::new(
                atom.offset,
                atom.len,
                "`**` can end an alternative only when the `}` ends the pattern",
            )
            .with_help(
                "repeat what follows the `}` inside each alternative, as in `{a/**/c,b/c}`",
            ));
        }
        check_segment(atom, before, after)?;
        check_not_repeated(atom, after, atoms.get(i + 2))?;
    }
    Ok(())
}

fn not_a_segment(atom: &Atom) -> GlobError {
    GlobError::new(atom.offset, atom.len, "`**` must be a whole path segment")
}

/// `**` must have `/` or an edge on both sides.
fn check_segment(atom: &Atom, before: Neighbor, after: Neighbor) -> Result<(), GlobError> {
    if before == Neighbor::Other || after == Neighbor::Other {
        return Err(not_a_segment(atom).with_help(
            "use `*` to match within a segment, or `**` as its own segment, as in `a/**/b`",
        ));
    }
    Ok(())
}

/// Refuses `**/**`: `atom` is a `**`, `after` what follows it, `two_on` the atom after that.
fn check_not_repeated(
    atom: &Atom,
    after: Neighbor,
    two_on: Option<&Atom>,
) -> Result<(), GlobError> {
    if after == Neighbor::Slash && is_double_star(two_on) {
        let end = two_on.map_or(atom.offset + atom.len, |a| a.offset + a.len);
        return Err(
            GlobError::new(atom.offset, end - atom.offset, "`**/**` repeats `**`")
                .with_help("one `**` already matches any number of directories; remove the other"),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_double_stars;
    use crate::glob::parse::parse;

    fn check(text: &str) -> Result<(), (usize, usize, String)> {
        check_double_stars(&parse(text).unwrap()).map_err(|e| (e.offset, e.len, e.message))
    }

    #[test]
    fn whole_segments_are_accepted() {
        for ok in [
            "**",
            "**/a",
            "a/**",
            "a/**/b",
            "**/a/**",
            "{**/a,b}",
            "x/{**/a,b}",
            "{a/**,b}",
            "x{a/**,b}",
            "{a/**/b,c}/d",
            "**/{**/a,b}",
        ] {
            assert_eq!(check(ok), Ok(()), "`{ok}` should be accepted");
        }
    }

    #[test]
    fn partial_segments_are_refused() {
        let message = "`**` must be a whole path segment".to_string();
        assert_eq!(check("a**"), Err((1, 2, message.clone())));
        assert_eq!(check("**b"), Err((0, 2, message.clone())));
        assert_eq!(check("a/**b"), Err((2, 2, message.clone())));
        assert_eq!(check("{a,b}**"), Err((5, 2, message.clone())));
        assert_eq!(check("**{a,b}"), Err((0, 2, message.clone())));
        assert_eq!(check("x{**/a,b}"), Err((2, 2, message.clone())));
        assert_eq!(check("{a**,b}"), Err((2, 2, message)));
    }

    #[test]
    fn globset_readings_that_differ_are_refused() {
        assert_eq!(
            check("a/{**,b}"),
            Err((3, 2, "`**` cannot be a whole alternative".into()))
        );
        assert_eq!(
            check("{a/**,b}/c"),
            Err((
                3,
                2,
                "`**` can end an alternative only when the `}` ends the pattern".into()
            ))
        );
        assert_eq!(check("**/**"), Err((0, 5, "`**/**` repeats `**`".into())));
        assert_eq!(
            check("a/**/**/b"),
            Err((2, 5, "`**/**` repeats `**`".into()))
        );
        assert_eq!(
            check("{**/**,b}"),
            Err((1, 5, "`**/**` repeats `**`".into()))
        );
    }
}
