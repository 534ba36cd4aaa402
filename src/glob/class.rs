//! Character classes: `[abc]`, `[a-z]`, `[!a]`, `[^a]`.
//!
//! A class matches exactly one byte of the path and never `/`, negated or not. That is what
//! "`*` and `?` never cross `/`" means for classes too: a class is a restricted `?`.
//!
//! The accepted grammar is deliberately smaller than what globset parses, so that everything
//! accepted reads the same way to a person, to the reference matcher and to globset:
//!
//! ```text
//! class := "[" ("!" | "^")? item+ "]"
//! item  := c "-" c        a range; the first end must not be greater than the second
//!        | "-"            only as the first or the last item
//!        | c
//! c     := any ASCII character except "]", "[", "\", "/", "-"
//! ```
//!
//! Rejected on purpose: `[]` and `[!]` (globset would read the `]` as a member and look for a
//! second one), `/` (no class ever matches it), `\` (globset takes it literally where many glob
//! dialects treat it as an escape), `[` (so `[[:alpha:]]` is not silently read as a set of
//! punctuation), non-ASCII characters (a class matches one byte, so `[é]` could never match `é`),
//! and a `-` that is neither first, last nor between two range ends (`[a-c-e]`, `[--a]`), whose
//! meaning varies between glob implementations.

use super::glob_error::GlobError;

/// The bytes one class accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ByteClass {
    /// `[!..]` or `[^..]`.
    pub negated: bool,
    /// Inclusive byte ranges; a single member `c` is `(c, c)`.
    pub ranges: Vec<(u8, u8)>,
    /// For each of `ranges`, where it is written as `a-b` (the offset of its `a` in the
    /// pattern), or `None` for a single member: a range can span `/` (`[ -~]`), which the text
    /// handed to globset must then leave out ([`super::compiled`]).
    pub range_offsets: Vec<Option<usize>>,
}

impl ByteClass {
    /// Whether this class accepts `byte`. `/` is never accepted, even by a negated class.
    pub(crate) fn matches(&self, byte: u8) -> bool {
        if byte == b'/' {
            return false;
        }
        let listed = self
            .ranges
            .iter()
            .any(|&(low, high)| low <= byte && byte <= high);
        listed != self.negated
    }
}

/// Parses the class whose `[` is at byte `open` of `text`, returning it and the offset just past
/// its `]`.
pub(crate) fn parse_class(text: &str, open: usize) -> Result<(ByteClass, usize), GlobError> {
    let byte_at = |i: usize| text.as_bytes().get(i).copied();
    let mut pos = open + 1;
    let negated = matches!(byte_at(pos), Some(b'!' | b'^'));
    if negated {
        pos += 1;
    }
    let first_item = pos;
    let unclosed = || {
        GlobError::new(open, 1, "unclosed character class `[`")
            .with_help("close it with `]`, or write `\\\\[` in the quoted pattern to match a literal `[` (the string keeps one backslash for the glob)")
    };
    // Report a missing `]` before any complaint about the members: `[a-` is unclosed, not a
    // class with a bad `-`.
    if !text
        .get(first_item..)
        .is_some_and(|rest| rest.contains(']'))
    {
        return Err(unclosed());
    }
    let mut ranges = Vec::new();
    let mut range_offsets = Vec::new();
    loop {
        let Some(c) = text.get(pos..).and_then(|rest| rest.chars().next()) else {
            return Err(unclosed());
        };
        match c {
            ']' if pos == first_item => {
                let written = text.get(open..=pos).unwrap_or("[]");
                return Err(GlobError::new(
                    open,
                    pos + 1 - open,
                    format!("empty character class `{written}`"),
                )
                .with_help(
                    "a class needs at least one member, as in `[abc]`; `]` cannot be a member",
                ));
            }
            ']' => {
                let class = ByteClass {
                    negated,
                    ranges,
                    range_offsets,
                };
                return Ok((class, pos + 1));
            }
            '-' if pos == first_item || byte_at(pos + 1) == Some(b']') => {
                ranges.push((b'-', b'-'));
                range_offsets.push(None);
                pos += 1;
            }
            '-' => {
                return Err(
                    GlobError::new(pos, 1, "ambiguous `-` in character class").with_help(
                        "put a literal `-` first or last in the class, as in `[-a]` or `[a-]`",
                    ),
                );
            }
            _ => {
                let low = member(pos, c)?;
                let is_range = byte_at(pos + 1) == Some(b'-')
                    && !matches!(byte_at(pos + 2), Some(b']') | None);
                if !is_range {
                    ranges.push((low, low));
                    range_offsets.push(None);
                    pos += 1;
                    continue;
                }
                let Some(end) = text.get(pos + 2..).and_then(|rest| rest.chars().next()) else {
                    return Err(unclosed());
                };
                if end == '-' {
                    return Err(GlobError::new(pos + 2, 1, "ambiguous `-` in character class")
                        .with_help(
                            "a range cannot end with `-`; put a literal `-` first or last in the class",
                        ));
                }
                let high = member(pos + 2, end)?;
                if high < low {
                    return Err(GlobError::new(
                        pos,
                        3,
                        format!("invalid range `{}-{}` in character class", c, end),
                    )
                    .with_help(format!("write the smaller end first: `{}-{}`", end, c)));
                }
                ranges.push((low, high));
                range_offsets.push(Some(pos));
                pos += 3;
            }
        }
    }
}

/// Checks one class member `c` written at `pos`, returning its byte.
fn member(pos: usize, c: char) -> Result<u8, GlobError> {
    let reason = match c {
        '/' => Some((
            "character class contains `/`",
            "no class matches `/`, which separates path segments; write the `/` outside the class",
        )),
        '\\' => Some((
            "`\\` inside a character class",
            "characters in a class are literal, so nothing needs escaping; a class cannot contain `\\`, `/`, `[` or `]`",
        )),
        '[' => Some((
            "`[` inside a character class",
            "POSIX classes such as `[:alpha:]` are not supported; write a range such as `[a-z]`",
        )),
        _ if !c.is_ascii() => Some((
            "non-ASCII character in a character class",
            "a class matches a single byte; write alternatives instead, as in `{é,è}`",
        )),
        _ => None,
    };
    match reason {
        Some((message, help)) => Err(GlobError::new(pos, c.len_utf8(), message).with_help(help)),
        None => u8::try_from(c).map_err(|_| {
            GlobError::new(
                pos,
                c.len_utf8(),
                "non-ASCII character in a character class",
            )
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::{ByteClass, parse_class};

    fn class(text: &str) -> ByteClass {
        let (class, end) = parse_class(text, 0).unwrap();
        assert_eq!(end, text.len(), "class should span all of `{text}`");
        class
    }

    fn error_at(text: &str) -> (usize, usize, String) {
        let error = parse_class(text, 0).unwrap_err();
        (error.offset, error.len, error.message)
    }

    #[test]
    fn members_and_ranges() {
        assert_eq!(
            class("[abc]").ranges,
            vec![(b'a', b'a'), (b'b', b'b'), (b'c', b'c')]
        );
        assert_eq!(class("[a-z0-9]").ranges, vec![(b'a', b'z'), (b'0', b'9')]);
        assert_eq!(class("[a-a]").ranges, vec![(b'a', b'a')]);
    }

    #[test]
    fn dash_first_or_last_is_literal() {
        assert_eq!(class("[-a]").ranges, vec![(b'-', b'-'), (b'a', b'a')]);
        assert_eq!(class("[a-]").ranges, vec![(b'a', b'a'), (b'-', b'-')]);
        assert_eq!(class("[-]").ranges, vec![(b'-', b'-')]);
        assert_eq!(class("[!-]").ranges, vec![(b'-', b'-')]);
        assert_eq!(class("[a-c-]").ranges, vec![(b'a', b'c'), (b'-', b'-')]);
    }

    #[test]
    fn negation_markers() {
        assert!(class("[!a]").negated);
        assert!(class("[^a]").negated);
        assert!(!class("[a!]").negated);
        assert_eq!(class("[!!]").ranges, vec![(b'!', b'!')]);
        assert_eq!(class("[^^]").ranges, vec![(b'^', b'^')]);
    }

    #[test]
    fn matches_one_byte_never_slash() {
        let plain = class("[a-c]");
        assert!(plain.matches(b'b'));
        assert!(!plain.matches(b'd'));
        let negated = class("[!a]");
        assert!(negated.matches(b'b'));
        assert!(negated.matches(0xc3));
        assert!(!negated.matches(b'a'));
        assert!(!negated.matches(b'/'));
    }

    #[test]
    fn special_characters_are_literal_members() {
        assert_eq!(class("[*?{},!]").ranges.len(), 6);
    }

    #[test]
    fn rejections_point_at_the_problem() {
        assert_eq!(error_at("[]"), (0, 2, "empty character class `[]`".into()));
        assert_eq!(
            error_at("[!]"),
            (0, 3, "empty character class `[!]`".into())
        );
        assert_eq!(
            error_at("[ab"),
            (0, 1, "unclosed character class `[`".into())
        );
        assert_eq!(
            error_at("[a-"),
            (0, 1, "unclosed character class `[`".into())
        );
        assert_eq!(
            error_at("[!"),
            (0, 1, "unclosed character class `[`".into())
        );
        assert_eq!(
            error_at("[a/b]"),
            (2, 1, "character class contains `/`".into())
        );
        assert_eq!(
            error_at("[a-/]"),
            (3, 1, "character class contains `/`".into())
        );
        assert_eq!(
            error_at("[z-a]"),
            (1, 3, "invalid range `z-a` in character class".into())
        );
        assert_eq!(
            error_at("[a-c-e]"),
            (4, 1, "ambiguous `-` in character class".into())
        );
        assert_eq!(
            error_at("[--a]"),
            (2, 1, "ambiguous `-` in character class".into())
        );
        assert_eq!(
            error_at("[a--]"),
            (3, 1, "ambiguous `-` in character class".into())
        );
        assert_eq!(
            error_at("[\\]]"),
            (1, 1, "`\\` inside a character class".into())
        );
        assert_eq!(
            error_at("[[:a:]]"),
            (1, 1, "`[` inside a character class".into())
        );
        assert_eq!(
            error_at("[aé]"),
            (2, 2, "non-ASCII character in a character class".into())
        );
    }
}
