//! Literals whose source form matters for diagnostics: strings and regexes.

use super::span::Span;

/// A string literal. `value` has escapes resolved; `raw` is the text between the quotes, kept
/// so diagnostics can point inside the string (at the bad character of a glob, say).
#[derive(Clone, Debug)]
pub struct StrLit {
    /// The string's value.
    pub value: String,
    /// The source text between the quotes.
    pub raw: String,
    /// The span including the quotes.
    pub span: Span,
}

/// Compares the source text between the quotes: in messages `\{x\}` (literal braces) and
/// `{x}` (an interpolation) have the same value but mean different things.
impl PartialEq for StrLit {
    fn eq(&self, other: &Self) -> bool {
        self.raw == other.raw
    }
}

impl Eq for StrLit {}

impl StrLit {
    /// The span of the value's bytes `range` in the source, accounting for escapes.
    pub fn span_of(&self, range: std::ops::Range<usize>) -> Span {
        let start = raw_offset(&self.raw, range.start);
        let end = raw_offset(&self.raw, range.end);
        // +1 skips the opening quote.
        self.span.slice(start + 1..end + 1)
    }
}

/// Maps a byte offset in an unescaped value to the offset in its escaped source text.
fn raw_offset(raw: &str, value_offset: usize) -> usize {
    let mut value_pos = 0;
    let bytes = raw.as_bytes();
    let mut i = 0;
    while i < bytes.len() && value_pos < value_offset {
        if bytes.get(i) == Some(&b'\\') {
            i += 2;
            value_pos += 1;
        } else {
            let width = raw[i..].chars().next().map_or(1, char::len_utf8);
            i += width;
            value_pos += width;
        }
    }
    i.min(raw.len())
}

/// A regex literal `/body/flags`.
#[derive(Clone, Debug)]
pub struct RegexLit {
    /// The pattern as written between the slashes, with `\/` turned into `/`.
    pub pattern: String,
    /// Flags after the closing slash (`i`, `m`, `s`, `x`).
    pub flags: String,
    /// The span including the slashes and flags.
    pub span: Span,
}

impl PartialEq for RegexLit {
    fn eq(&self, other: &Self) -> bool {
        self.pattern == other.pattern && self.flags == other.flags
    }
}

impl Eq for RegexLit {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::FileId;

    #[test]
    fn offsets_skip_escapes() {
        let lit = StrLit {
            value: "a\"b".into(),
            raw: "a\\\"b".into(),
            span: Span::new(FileId(0), 10..16),
        };
        // `b` is value byte 2, raw byte 3, source byte 10 + 1 + 3.
        assert_eq!(lit.span_of(2..3).range(), 14..15);
    }
}
