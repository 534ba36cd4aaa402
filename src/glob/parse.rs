//! Reading pattern text into a [`Pattern`], rejecting what is malformed.
//!
//! This pass knows the lexical rules: escapes, `*` runs, classes, `{a,b}` groups. Where atoms
//! may stand relative to each other (`**` as a whole segment, no empty or `.` segments) is
//! checked afterwards on the tree, in `double_star` and `segments`.

use super::class::parse_class;
use super::glob_error::GlobError;
use super::parsed::{Atom, AtomKind, Group, Pattern, Piece};
use crate::limits::MAX_PATTERN_BYTES;

/// Parses `text`, or says what is malformed and where.
///
/// Errors come in reading order, so the first problem from the left is reported, except that
/// the size checks (empty, too long) and NUL bytes come first because they concern the whole
/// text.
pub(crate) fn parse(text: &str) -> Result<Pattern, GlobError> {
    check_size(text)?;
    if let Some(nul) = text.find('\0') {
        return Err(GlobError::new(nul, 1, "pattern contains a NUL byte"));
    }
    let mut parser = Parser {
        text,
        pos: 0,
        pieces: Vec::new(),
        group: None,
    };
    while let Some(c) = parser.peek() {
        parser.step(c)?;
    }
    if let Some(group) = parser.group {
        return Err(GlobError::new(group.offset, 1, "unclosed `{`")
            .with_help("close the alternatives with `}`, or write `\\\\{` in the quoted pattern to match a literal `{` (`\\{` alone is the string's escape for `{`)"));
    }
    Ok(Pattern {
        pieces: parser.pieces,
    })
}

/// Rejects the empty pattern and patterns over [`MAX_PATTERN_BYTES`].
fn check_size(text: &str) -> Result<(), GlobError> {
    if text.is_empty() {
        return Err(GlobError::new(0, 0, "empty pattern")
            .with_help("write the paths to match, as in `docs/**` or `**/*.sql`"));
    }
    if text.len() > MAX_PATTERN_BYTES {
        // Point at the first character that does not fit, on a character boundary so the span
        // can always be sliced out of the pattern.
        let mut limit = MAX_PATTERN_BYTES;
        while !text.is_char_boundary(limit) {
            limit -= 1;
        }
        return Err(GlobError::new(
            limit,
            text.len() - limit,
            format!(
                "pattern is {} bytes long, over the limit of {MAX_PATTERN_BYTES}",
                text.len()
            ),
        )
        .with_help("split it into several patterns in a named set"));
    }
    Ok(())
}

/// A group whose `}` has not been read yet.
struct OpenGroup {
    offset: usize,
    alternatives: Vec<Vec<Atom>>,
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
    pieces: Vec<Piece>,
    group: Option<OpenGroup>,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.text
            .get(self.pos..)
            .and_then(|rest| rest.chars().next())
    }

    fn peek_at(&self, pos: usize) -> Option<char> {
        self.text.get(pos..).and_then(|rest| rest.chars().next())
    }

    /// Reads whatever starts with `c` at the current position.
    fn step(&mut self, c: char) -> Result<(), GlobError> {
        let at = self.pos;
        match c {
            '\\' => self.escape(at)?,
            '*' => self.stars(at)?,
            '?' => self.push(AtomKind::Any, at, 1),
            '[' => {
                let (class, end) = parse_class(self.text, at)?;
                self.push(AtomKind::Class(class), at, end - at);
            }
            '/' => self.push(AtomKind::Slash, at, 1),
            '{' => self.open_group(at)?,
            '}' => self.close_group(at)?,
            ',' if self.group.is_some() => {
                if let Some(group) = &mut self.group {
                    group.alternatives.push(Vec::new());
                }
                self.pos += 1;
            }
            c => self.push(AtomKind::Literal(c), at, c.len_utf8()),
        }
        Ok(())
    }

    /// Adds an atom to the open group's current alternative, or to the top level.
    fn push(&mut self, kind: AtomKind, offset: usize, len: usize) {
        let atom = Atom::new(kind, offset, len);
        match &mut self.group {
            Some(group) => {
                if let Some(alternative) = group.alternatives.last_mut() {
                    alternative.push(atom);
                }
            }
            None => self.pieces.push(Piece::Atom(atom)),
        }
        self.pos = offset + len;
    }

    /// `\c` is the literal `c`. Refused: a trailing `\`, which escapes nothing; `\/`, because a
    /// separator written as something else would make `**` placement depend on escapes; and
    /// `\\`, because gavel turns `\` in request paths into `/`, so it could never match.
    fn escape(&mut self, at: usize) -> Result<(), GlobError> {
        match self.peek_at(at + 1) {
            None => Err(
                GlobError::new(at, 1, "`\\` at the end of the pattern escapes nothing").with_help(
                    "remove it; request paths never contain `\\`, which gavel turns into `/`",
                ),
            ),
            Some('/') => Err(GlobError::new(at, 2, "`/` cannot be escaped")
                .with_help("write `/` without the `\\`")),
            Some('\\') => Err(GlobError::new(
                at,
                2,
                "`\\\\` matches a literal `\\`, which never appears in a request path",
            )
            .with_help("gavel turns `\\` in request paths into `/`; write `/`")),
            Some(c) => {
                self.push(AtomKind::Literal(c), at, 1 + c.len_utf8());
                Ok(())
            }
        }
    }

    /// A run of unescaped `*`: one is `*`, two are `**`, more are an error.
    fn stars(&mut self, at: usize) -> Result<(), GlobError> {
        let run = self
            .text
            .get(at..)
            .map_or(0, |rest| rest.bytes().take_while(|&b| b == b'*').count());
        match run {
            1 => self.push(AtomKind::Star, at, 1),
            2 => self.push(AtomKind::DoubleStar, at, 2),
            _ => {
                return Err(GlobError::new(
                    at,
                    run,
                    format!("`{}` is not a wildcard", "*".repeat(run)),
                )
                .with_help("use `*` within a segment or `**` as its own segment"));
            }
        }
        Ok(())
    }

    fn open_group(&mut self, at: usize) -> Result<(), GlobError> {
        if let Some(group) = &self.group {
            return Err(GlobError::new(at, 1, "nested `{` inside `{...}`").with_help(format!(
                "alternatives do not nest; close the group opened at byte {} first, or write every \
                 combination out flat, as in `{{a,b,c}}`",
                group.offset
            )));
        }
        self.group = Some(OpenGroup {
            offset: at,
            alternatives: vec![Vec::new()],
        });
        self.pos = at + 1;
        Ok(())
    }

    fn close_group(&mut self, at: usize) -> Result<(), GlobError> {
        let Some(group) = self.group.take() else {
            return Err(GlobError::new(at, 1, "unmatched `}`")
                .with_help("write `\\\\}` in the quoted pattern to match a literal `}` (`\\}` alone is the string's escape for `}`)"));
        };
        let len = at + 1 - group.offset;
        if group.alternatives.iter().all(Vec::is_empty) {
            let written = self.text.get(group.offset..=at).unwrap_or("{}");
            return Err(GlobError::new(
                group.offset,
                len,
                format!("`{written}` has no non-empty alternative"),
            )
            .with_help("write at least one alternative, as in `{a,b}`, or remove the braces"));
        }
        self.pieces.push(Piece::Group(Group {
            offset: group.offset,
            len,
            alternatives: group.alternatives,
        }));
        self.pos = at + 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::parse;
    use crate::glob::parsed::{AtomKind, Piece};
    use crate::limits::MAX_PATTERN_BYTES;

    fn kinds(text: &str) -> Vec<AtomKind> {
        parse(text)
            .unwrap()
            .pieces
            .into_iter()
            .map(|piece| match piece {
                Piece::Atom(atom) => atom.kind,
                Piece::Group(_) => panic!("unexpected group in `{text}`"),
            })
            .collect()
    }

    fn error(text: &str) -> (usize, usize, String) {
        let e = parse(text).unwrap_err();
        (e.offset, e.len, e.message)
    }

    #[test]
    fn atoms() {
        use AtomKind::*;
        assert_eq!(kinds("a/*"), vec![Literal('a'), Slash, Star]);
        assert_eq!(kinds("**/?"), vec![DoubleStar, Slash, Any]);
        assert_eq!(
            kinds("\\*,é"),
            vec![Literal('*'), Literal(','), Literal('é')]
        );
        assert_eq!(kinds("*\\**"), vec![Star, Literal('*'), Star]);
        assert_eq!(kinds("a]"), vec![Literal('a'), Literal(']')]);
    }

    #[test]
    fn groups_keep_offsets_and_empty_alternatives() {
        let pattern = parse("x{a,,b/c}").unwrap();
        let Some(Piece::Group(group)) = pattern.pieces.get(1) else {
            panic!("expected a group");
        };
        assert_eq!((group.offset, group.len), (1, 8));
        let lens: Vec<usize> = group.alternatives.iter().map(Vec::len).collect();
        assert_eq!(lens, vec![1, 0, 3]);
    }

    #[test]
    fn class_inside_group_keeps_its_comma() {
        let pattern = parse("{[,a],b}").unwrap();
        let Some(Piece::Group(group)) = pattern.pieces.first() else {
            panic!("expected a group");
        };
        assert_eq!(group.alternatives.len(), 2);
    }

    #[test]
    fn size_limits() {
        assert_eq!(error(""), (0, 0, "empty pattern".into()));
        assert!(parse(&"a".repeat(MAX_PATTERN_BYTES)).is_ok());
        let over = "a".repeat(MAX_PATTERN_BYTES + 1);
        assert_eq!(error(&over).0, MAX_PATTERN_BYTES);
        assert_eq!(error(&over).1, 1);
    }

    #[test]
    fn size_limit_error_lands_on_a_char_boundary() {
        let mut text = "a".repeat(MAX_PATTERN_BYTES - 1);
        text.push('é');
        let (offset, len, _) = error(&text);
        assert_eq!((offset, len), (MAX_PATTERN_BYTES - 1, 2));
        assert!(text.is_char_boundary(offset));
    }

    #[test]
    fn lexical_errors() {
        assert_eq!(error("a\0b"), (1, 1, "pattern contains a NUL byte".into()));
        assert_eq!(
            error("a\\"),
            (
                1,
                1,
                "`\\` at the end of the pattern escapes nothing".into()
            )
        );
        assert_eq!(error("a\\/b"), (1, 2, "`/` cannot be escaped".into()));
        assert_eq!(error("a\\\\b").0, 1);
        assert_eq!(error("a/***"), (2, 3, "`***` is not a wildcard".into()));
        assert_eq!(error("a{b"), (1, 1, "unclosed `{`".into()));
        assert_eq!(error("a}"), (1, 1, "unmatched `}`".into()));
        assert_eq!(error("{a,{b}}"), (3, 1, "nested `{` inside `{...}`".into()));
        assert_eq!(
            error("a{}"),
            (1, 2, "`{}` has no non-empty alternative".into())
        );
        assert_eq!(
            error("a{,}"),
            (1, 3, "`{,}` has no non-empty alternative".into())
        );
    }
}
