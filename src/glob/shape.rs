//! [`shapes`]: the everyday patterns, recognized so that they can be matched without a regex.
//!
//! Most patterns in policies are a whole path (`config/production.yaml`), a directory and
//! everything inside it (`docs/**`), names with one wildcard in a directory (`tests/test_*.py`,
//! `.env*` at the root), names anywhere (`**/*.db`, `**/.env*`), or everything inside a
//! directory named a certain way (`.env*/**` at the root, `**/node_modules/**` at any depth).
//! Each of these is a test on
//! the path's directory and name that a table lookup and a comparison or two decide, much
//! cheaper than running a regex set over the path. A pattern with `{a,b}` is the union of the
//! patterns its alternatives spell out, so it has a shape when each of those does.
//!
//! The shapes mean exactly what [`super::reference_match()`] means, on normalized paths (see
//! there); the differential tests of the evaluator's glob index hold them equal.

use super::parsed::{Atom, AtomKind, Piece};
use super::pattern::validated;

/// At most this many spelled-out patterns per pattern (`{a,b}/{c,d}` spells out four).
const MAX_SPELLED_OUT: usize = 16;

/// How a pattern matches a normalized path, when it is one of the everyday forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Shape {
    /// Exactly this path.
    Path(String),
    /// `D/**`: every path inside directory `D` (given without the trailing `/`).
    Inside(String),
    /// A name matching `name`, directly in directory `dir` (`""` for the root).
    InDirectory {
        /// The directory, without a trailing `/`.
        dir: String,
        /// What the last segment must look like.
        name: Wild,
    },
    /// `**/name`: a last segment matching `name`, in any directory or at the root.
    Anywhere(Name),
    /// `W/**`: every path inside a directory at the root whose name matches `W` (a literal
    /// root directory is [`Shape::Inside`]).
    InsideRootWild(Wild),
    /// `**/D/**`: every path inside a directory, at any depth, whose name matches `D`.
    InsideAnywhere(Name),
    /// `**`: every path.
    Everything,
}

/// What the last segment of a path must be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Name {
    /// Exactly this.
    Exact(String),
    /// One `*` somewhere.
    Wild(Wild),
}

/// `prefix*suffix`: a segment that starts with `prefix` and ends with `suffix`, these two not
/// overlapping (`*` may match nothing, never `/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Wild {
    /// Text before the `*`.
    pub prefix: String,
    /// Text after the `*`.
    pub suffix: String,
}

impl Wild {
    /// Whether `name`, a path segment (no `/`), matches.
    pub(crate) fn matches(&self, name: &str) -> bool {
        name.len() >= self.prefix.len() + self.suffix.len()
            && name.starts_with(&self.prefix)
            && name.ends_with(&self.suffix)
    }
}

/// One segment of a spelled-out pattern.
enum Segment {
    Literal(String),
    Wild(Wild),
    DoubleStar,
}

/// The shapes whose union `pattern` is, or `None` when the pattern (or one of the patterns its
/// alternatives spell out) is not an everyday form, or spells out too many. Invalid patterns
/// have no shape.
pub(crate) fn shapes(pattern: &str) -> Option<Vec<Shape>> {
    let parsed = validated(pattern).ok()?;
    let mut spelled: Vec<Vec<&Atom>> = vec![Vec::new()];
    for piece in &parsed.pieces {
        match piece {
            Piece::Atom(atom) => spelled.iter_mut().for_each(|s| s.push(atom)),
            Piece::Group(group) => {
                if spelled.len() * group.alternatives.len() > MAX_SPELLED_OUT {
                    return None;
                }
                spelled = spelled
                    .iter()
                    .flat_map(|s| {
                        group.alternatives.iter().map(move |alternative| {
                            let mut longer = s.clone();
                            longer.extend(alternative);
                            longer
                        })
                    })
                    .collect();
            }
        }
    }
    spelled.iter().map(|atoms| shape_of(atoms)).collect()
}

/// The shape of a pattern without groups.
fn shape_of(atoms: &[&Atom]) -> Option<Shape> {
    let segments = atoms
        .split(|a| a.kind == AtomKind::Slash)
        .map(segment)
        .collect::<Option<Vec<_>>>()?;
    let (last, dirs) = segments.split_last()?;
    let literal_dirs = || -> Option<String> {
        let names = dirs
            .iter()
            .map(|d| match d {
                Segment::Literal(s) => Some(s.as_str()),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()?;
        Some(names.join("/"))
    };
    match (dirs, last) {
        ([], Segment::DoubleStar) => Some(Shape::Everything),
        ([Segment::DoubleStar], Segment::Literal(name)) => {
            Some(Shape::Anywhere(Name::Exact(name.clone())))
        }
        ([Segment::DoubleStar], Segment::Wild(wild)) => {
            if wild.prefix.is_empty() && wild.suffix.is_empty() {
                Some(Shape::Everything)
            } else {
                Some(Shape::Anywhere(Name::Wild(wild.clone())))
            }
        }
        ([Segment::Wild(wild)], Segment::DoubleStar) => Some(Shape::InsideRootWild(wild.clone())),
        ([Segment::DoubleStar, Segment::Literal(name)], Segment::DoubleStar) => {
            Some(Shape::InsideAnywhere(Name::Exact(name.clone())))
        }
        ([Segment::DoubleStar, Segment::Wild(wild)], Segment::DoubleStar) => {
            Some(Shape::InsideAnywhere(Name::Wild(wild.clone())))
        }
        ([_, ..], Segment::DoubleStar) => Some(Shape::Inside(literal_dirs()?)),
        (_, Segment::Literal(name)) => {
            let dir = literal_dirs()?;
            Some(Shape::Path(if dir.is_empty() {
                name.clone()
            } else {
                format!("{dir}/{name}")
            }))
        }
        (_, Segment::Wild(wild)) => Some(Shape::InDirectory {
            dir: literal_dirs()?,
            name: wild.clone(),
        }),
    }
}

/// A segment made of literal characters and at most one `*`, or a lone `**`.
fn segment(atoms: &[&Atom]) -> Option<Segment> {
    if let [only] = atoms
        && only.kind == AtomKind::DoubleStar
    {
        return Some(Segment::DoubleStar);
    }
    let mut before = String::new();
    let mut after: Option<String> = None;
    for atom in atoms {
        match (&atom.kind, &mut after) {
            (AtomKind::Literal(c), None) => before.push(*c),
            (AtomKind::Literal(c), Some(after)) => after.push(*c),
            (AtomKind::Star, None) => after = Some(String::new()),
            _ => return None,
        }
    }
    if before.is_empty() && after.is_none() {
        return None;
    }
    Some(match after {
        None => Segment::Literal(before),
        Some(suffix) => Segment::Wild(Wild {
            prefix: before,
            suffix,
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wild(prefix: &str, suffix: &str) -> Wild {
        Wild {
            prefix: prefix.into(),
            suffix: suffix.into(),
        }
    }

    #[test]
    fn everyday_patterns_have_shapes() {
        let one = |p: &str| {
            let mut s = shapes(p).unwrap_or_else(|| panic!("`{p}` has no shape"));
            assert_eq!(s.len(), 1, "{p}");
            s.remove(0)
        };
        assert_eq!(
            one("config/app.yaml"),
            Shape::Path("config/app.yaml".into())
        );
        assert_eq!(one("autopack.db"), Shape::Path("autopack.db".into()));
        assert_eq!(one("src/a\\*b"), Shape::Path("src/a*b".into()));
        assert_eq!(one("docs/**"), Shape::Inside("docs".into()));
        assert_eq!(one("a/b/**"), Shape::Inside("a/b".into()));
        assert_eq!(
            one("tests/test_*.py"),
            Shape::InDirectory {
                dir: "tests".into(),
                name: wild("test_", ".py")
            }
        );
        assert_eq!(
            one(".env*"),
            Shape::InDirectory {
                dir: "".into(),
                name: wild(".env", "")
            }
        );
        assert_eq!(one("**/*.db"), Shape::Anywhere(Name::Wild(wild("", ".db"))));
        assert_eq!(
            one("**/Makefile"),
            Shape::Anywhere(Name::Exact("Makefile".into()))
        );
        assert_eq!(one(".env*/**"), Shape::InsideRootWild(wild(".env", "")));
        assert_eq!(
            one("**/.env*/**"),
            Shape::InsideAnywhere(Name::Wild(wild(".env", "")))
        );
        assert_eq!(
            one("**/node_modules/**"),
            Shape::InsideAnywhere(Name::Exact("node_modules".into()))
        );
        assert_eq!(one("**"), Shape::Everything);
        assert_eq!(one("**/*"), Shape::Everything);
        assert_eq!(
            shapes("docs/{a,b}/*.md").map(|s| s.len()),
            Some(2),
            "alternatives spell out one pattern each"
        );
    }

    #[test]
    fn other_patterns_have_none() {
        for p in [
            "a/**/b",
            "*/x",
            "**/a/**/b",
            "**/**/a/**",
            "a?",
            "[ab]",
            "a*b*",
            "**/a/b",
            "{a,b}{c,d}{e,f}{g,h}{i,j}",
        ] {
            assert_eq!(shapes(p), None, "{p}");
        }
    }
}
