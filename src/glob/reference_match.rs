//! [`reference_match`]: the meaning of a pattern, written to be read rather than to be fast.
//!
//! This is the specification the compiled (globset) matcher is tested against. It shares only
//! the parser with it; the matching is written from the semantics alone — no globset, no regex.
//!
//! The pattern becomes a short list of steps. Each step consumes some bytes of the path and
//! hands over to the next step; `{a,b}` becomes a step that tries each alternative, and each
//! alternative ends with a jump past the group. The path matches if some way through the steps
//! consumes all of it.
//!
//! # Why it cannot blow up
//!
//! Naive backtracking over `*`, `**` and alternatives is exponential (`*a*a*a*a*b` against
//! `aaaa…`, or `{a,aa}{a,aa}…`). Here the answer for "steps from `s` on, path from byte `p` on"
//! is computed exactly once, in a table filled backwards, and each entry costs constant time
//! (an alternative costs one lookup per branch). Work and memory are steps × (path bytes + 1).
//! A pattern of at most [`crate::limits::MAX_PATTERN_BYTES`] has at most as many steps as
//! bytes, so on a path of [`crate::limits::MAX_PATH_BYTES`] that is a few million table entries
//! at worst, whatever the pattern. There is no recursion, so no stack depth to worry about
//! either.

use super::class::ByteClass;
use super::parsed::{Atom, AtomKind, Piece};
use super::pattern::validated;

/// Whether `path` matches `pattern`, by the definition of gavel's glob semantics.
///
/// Semantics, for a pattern that [`super::validate`] accepts:
///
/// * The pattern must match the whole path, from the repository root.
/// * A plain character matches itself, byte for byte (case-sensitive; `é` matches its two
///   UTF-8 bytes). `\c` matches `c` literally.
/// * `?` matches one byte that is not `/`; `*` matches any run of bytes without `/`, including
///   none. Neither treats a leading `.` specially: `*` matches `.env`.
/// * `[...]` matches one byte from the class; `[!...]` and `[^...]` one byte not in it. No class
///   ever matches `/`.
/// * `**/` matches zero or more whole directories: `**/a` matches `a` and `x/y/a`; `a/**/b`
///   matches `a/b`. A final `**` matches the rest of the path, so `a/**` matches everything
///   inside `a` but not `a` itself.
/// * `{a,b}` matches if `a` or `b` followed by the rest of the pattern matches. An alternative
///   may be empty and then stands for no characters: `x{,.bak}` matches `x` and `x.bak`.
///
/// Precondition: `path` is normalized as gavel normalizes request paths — relative, `/`
/// separators, no empty, `.` or `..` segments, no trailing `/`, no NUL. On other paths the
/// answer is still defined by the rules above but is not promised to equal globset's.
///
/// An invalid pattern matches nothing.
pub fn reference_match(pattern: &str, path: &str) -> bool {
    let Ok(parsed) = validated(pattern) else {
        return false;
    };
    let steps = Steps::from_pieces(&parsed.pieces);
    run(&steps.0, path.as_bytes())
}

/// One step of the matching.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    /// This exact byte.
    Byte(u8),
    /// `?`.
    AnyByte,
    /// `[...]`.
    Class(ByteClass),
    /// `*`.
    Star,
    /// `**/`: zero or more whole directories, each with its `/`.
    Directories,
    /// A final `**`: the rest of the path.
    Rest,
    /// `{`: continue at any of these steps.
    Either(Vec<usize>),
    /// End of an alternative: continue at this step.
    Jump(usize),
}

/// The steps of a pattern, in order; running off the end means "the path must be used up".
struct Steps(Vec<Step>);

impl Steps {
    fn from_pieces(pieces: &[Piece]) -> Steps {
        let mut steps = Steps(Vec::new());
        let mut i = 0;
        while let Some(piece) = pieces.get(i) {
            i += 1;
            match piece {
                Piece::Atom(atom) => {
                    let next_is_slash = matches!(
                        pieces.get(i),
                        Some(Piece::Atom(Atom {
                            kind: AtomKind::Slash,
                            ..
                        }))
                    );
                    if steps.push_atom(atom, next_is_slash) {
                        i += 1;
                    }
                }
                Piece::Group(group) => steps.push_group(&group.alternatives),
            }
        }
        steps
    }

    /// Adds `{alternatives}`: an `Either` to each alternative's first step, and after each
    /// alternative a `Jump` to whatever follows the group.
    fn push_group(&mut self, alternatives: &[Vec<Atom>]) {
        let either = self.0.len();
        self.0.push(Step::Either(Vec::new()));
        let mut starts = Vec::new();
        let mut jumps = Vec::new();
        for atoms in alternatives {
            starts.push(self.0.len());
            let mut i = 0;
            while let Some(atom) = atoms.get(i) {
                i += 1;
                let next_is_slash = matches!(
                    atoms.get(i),
                    Some(Atom {
                        kind: AtomKind::Slash,
                        ..
                    })
                );
                if self.push_atom(atom, next_is_slash) {
                    i += 1;
                }
            }
            jumps.push(self.0.len());
            self.0.push(Step::Jump(0));
        }
        let after = self.0.len();
        if let Some(step) = self.0.get_mut(either) {
            *step = Step::Either(starts);
        }
        for jump in jumps {
            if let Some(step) = self.0.get_mut(jump) {
                *step = Step::Jump(after);
            }
        }
    }

    /// Adds the steps for `atom`; returns true if it also consumed the `/` after it (`**/`).
    fn push_atom(&mut self, atom: &Atom, next_is_slash: bool) -> bool {
        match &atom.kind {
            AtomKind::Literal(c) => {
                let mut buf = [0; 4];
                self.0
                    .extend(c.encode_utf8(&mut buf).bytes().map(Step::Byte));
            }
            AtomKind::Slash => self.0.push(Step::Byte(b'/')),
            AtomKind::Any => self.0.push(Step::AnyByte),
            AtomKind::Star => self.0.push(Step::Star),
            AtomKind::Class(class) => self.0.push(Step::Class(class.clone())),
            AtomKind::DoubleStar if next_is_slash => {
                self.0.push(Step::Directories);
                return true;
            }
            AtomKind::DoubleStar => self.0.push(Step::Rest),
        }
        false
    }
}

/// The answers to "do the steps from `s` on match the path from byte `p` to its end?", for every
/// `s` and `p`.
///
/// Each answer depends only on answers for a later step, or for the same step further along the
/// path, so filling the table from the last step and the end of the path backwards computes
/// every answer exactly once from answers already known: no backtracking, no recursion.
struct Table {
    /// Path bytes plus one: positions run from 0 to `path.len()` inclusive.
    width: usize,
    answers: Vec<bool>,
}

impl Table {
    fn get(&self, step: usize, at: usize) -> bool {
        self.answers
            .get(step * self.width + at)
            .copied()
            .unwrap_or(false)
    }

    fn set(&mut self, step: usize, at: usize, answer: bool) {
        if let Some(slot) = self.answers.get_mut(step * self.width + at) {
            *slot = answer;
        }
    }
}

/// Whether `steps` match all of `path`.
fn run(steps: &[Step], path: &[u8]) -> bool {
    let width = path.len() + 1;
    let mut table = Table {
        width,
        answers: vec![false; (steps.len() + 1) * width],
    };
    // Past the last step, only the end of the path matches.
    table.set(steps.len(), path.len(), true);
    // For `**/`: the position just after the first `/` at or after each position.
    let mut after_next_slash = vec![None; width];
    for at in (0..path.len()).rev() {
        let next = if path.get(at) == Some(&b'/') {
            Some(at + 1)
        } else {
            after_next_slash.get(at + 1).copied().flatten()
        };
        if let Some(slot) = after_next_slash.get_mut(at) {
            *slot = next;
        }
    }
    for (s, step) in steps.iter().enumerate().rev() {
        for at in (0..width).rev() {
            let byte = path.get(at).copied();
            let answer = match step {
                Step::Byte(expected) => byte == Some(*expected) && table.get(s + 1, at + 1),
                Step::AnyByte => byte.is_some_and(|b| b != b'/') && table.get(s + 1, at + 1),
                Step::Class(class) => {
                    byte.is_some_and(|b| class.matches(b)) && table.get(s + 1, at + 1)
                }
                // Stop here, or take one more byte that is not `/` and stay on `*`.
                Step::Star => {
                    table.get(s + 1, at)
                        || (byte.is_some_and(|b| b != b'/') && table.get(s, at + 1))
                }
                // Stop here, or skip to just after the next `/` and stay on `**/`.
                Step::Directories => {
                    table.get(s + 1, at)
                        || after_next_slash
                            .get(at)
                            .copied()
                            .flatten()
                            .is_some_and(|next| table.get(s, next))
                }
                // Stop here, or take one more byte of any kind and stay on `**`.
                Step::Rest => table.get(s + 1, at) || (byte.is_some() && table.get(s, at + 1)),
                Step::Either(starts) => starts.iter().any(|&start| table.get(start, at)),
                Step::Jump(target) => table.get(*target, at),
            };
            table.set(s, at, answer);
        }
    }
    table.get(0, 0)
}

#[cfg(test)]
mod tests {
    use super::{Step, Steps, reference_match};
    use crate::glob::pattern::validated;

    fn steps(pattern: &str) -> Vec<Step> {
        Steps::from_pieces(&validated(pattern).unwrap().pieces).0
    }

    #[test]
    fn double_star_slash_is_one_step() {
        assert_eq!(steps("**/a"), vec![Step::Directories, Step::Byte(b'a')]);
        assert_eq!(
            steps("a/**"),
            vec![Step::Byte(b'a'), Step::Byte(b'/'), Step::Rest]
        );
    }

    #[test]
    fn groups_jump_past_themselves() {
        assert_eq!(
            steps("{a,}b"),
            vec![
                Step::Either(vec![1, 3]),
                Step::Byte(b'a'),
                Step::Jump(4),
                Step::Jump(4),
                Step::Byte(b'b'),
            ]
        );
    }

    #[test]
    fn literals_are_utf8_bytes() {
        assert_eq!(steps("é"), vec![Step::Byte(0xc3), Step::Byte(0xa9)]);
    }

    #[test]
    fn invalid_patterns_match_nothing() {
        assert!(!reference_match("/a", "a"));
        assert!(!reference_match("a**", "a"));
    }

    #[test]
    fn pathological_backtracking_is_fast() {
        // Without memoization this is 2^20-ish work; with it, it is immediate.
        let pattern = "*a".repeat(20) + "b";
        let path = "a".repeat(4000);
        assert!(!reference_match(&pattern, &path));
        let alternatives = "{a,aa}".repeat(30) + "b";
        assert!(!reference_match(&alternatives, &"a".repeat(60)));
    }
}
