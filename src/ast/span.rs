//! Source locations.
//!
//! Every AST node remembers where it came from so that every diagnostic and every explanation
//! can point at the exact text. [`Spanned`] compares only its value: two parses of the same
//! policy laid out differently are equal, which is what the formatter's round-trip tests need.

use std::fmt;
use std::ops::Range;

/// Index of a source file in a [`crate::source::SourceSet`].
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// The file.
    pub file: FileId,
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl Span {
    /// A span of `range` in `file`.
    pub fn new(file: FileId, range: Range<usize>) -> Self {
        Span {
            file,
            start: u32::try_from(range.start).unwrap_or(u32::MAX),
            end: u32::try_from(range.end).unwrap_or(u32::MAX),
        }
    }

    /// The byte range.
    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// A sub-span, by byte offsets relative to this span's start.
    #[expect(
        clippy::should_implement_trait,
        reason = "a sub-span, not subtraction; renaming would churn every caller"
    )]
    pub fn sub(self, range: Range<usize>) -> Span {
        let start = self
            .start
            .saturating_add(u32::try_from(range.start).unwrap_or(u32::MAX));
        let end = self
            .start
            .saturating_add(u32::try_from(range.end).unwrap_or(u32::MAX));
        Span {
            file: self.file,
            start: start.min(self.end),
            end: end.min(self.end),
        }
    }
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}..{}", self.file.0, self.start, self.end)
    }
}

/// A value with the span it was written at. Equality ignores the span.
#[derive(Clone, Debug)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Wraps `value`.
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

impl<T: PartialEq> PartialEq for Spanned<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T: Eq> Eq for Spanned<T> {}

/// An identifier as written.
pub type Ident = Spanned<String>;
