//! The syntax tree of one glob pattern, as the parser reads it.
//!
//! Both matchers start from this tree: the reference matcher walks it directly, and the
//! compiled matcher uses it to find the spots where the text handed to globset must differ from
//! what the user wrote. Keeping one parser means the two matchers can disagree only on meaning,
//! never on how the text was read — and the differential tests check the meaning.
//!
//! The types encode the one structural restriction: alternatives (`{a,b}`) do not nest, so a
//! [`Piece`] is an atom or a group, and a group holds plain atoms.

use super::class::ByteClass;

/// A parsed pattern: pieces in order, matched against the whole path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pattern {
    /// The top-level sequence.
    pub pieces: Vec<Piece>,
}

/// One element of the top-level sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    /// A single atom.
    Atom(Atom),
    /// `{a,b,...}`.
    Group(Group),
}

/// `{a,b,...}`: matches if any alternative, followed by the rest of the pattern, matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Group {
    /// Byte offset of the `{`.
    pub offset: usize,
    /// Bytes from `{` to `}` inclusive.
    pub len: usize,
    /// The alternatives, in order; an alternative may be empty (`{a,}`).
    pub alternatives: Vec<Vec<Atom>>,
}

/// A pattern element that is not a group, with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Atom {
    /// What it matches.
    pub kind: AtomKind,
    /// Byte offset of its first byte in the pattern.
    pub offset: usize,
    /// Bytes it spans in the pattern (`\*` spans 2, `**` spans 2, `[ab]` spans 4).
    pub len: usize,
}

/// What an atom matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AtomKind {
    /// A character, matched by its UTF-8 bytes; written plainly or escaped with `\`.
    Literal(char),
    /// `/`, the segment separator.
    Slash,
    /// `?`: one byte that is not `/`.
    Any,
    /// `*`: any run of bytes without `/`.
    Star,
    /// `**`, which validation guarantees is a whole path segment.
    DoubleStar,
    /// `[...]`: one byte from a set, never `/`.
    Class(ByteClass),
}

impl Atom {
    /// An atom of `kind` written at `offset..offset + len`.
    pub(crate) fn new(kind: AtomKind, offset: usize, len: usize) -> Self {
        Atom { kind, offset, len }
    }
}
