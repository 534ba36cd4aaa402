//! Recovering comments from the source text.
//!
//! Comments are silent in the grammar (`COMMENT = _{ ... }`), so the AST never sees them. The
//! formatter finds them again here with a scanner that knows just enough of the lexical
//! syntax to tell a comment's `#` from a `#` inside a string (`"#deploys"`) or a regex
//! (`/a#b/`). It runs only on text that parsed, so it need not handle malformed input well;
//! it must merely never panic on it.

/// One `# ...` comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Comment {
    /// Byte offset of the `#`.
    pub(crate) start: usize,
    /// Byte offset just past the comment's text (trailing whitespace excluded).
    pub(crate) end: usize,
    /// The text from `#` to the end of the line, trailing whitespace trimmed.
    pub(crate) text: String,
}

/// Every comment in `text`, in source order.
pub(crate) fn scan(text: &str) -> Vec<Comment> {
    let bytes = text.as_bytes();
    let mut comments = Vec::new();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' | b'/' => i = skip_quoted(bytes, i, b),
            b'#' => {
                let line_end = line_end(bytes, i);
                let raw = text.get(i..line_end).unwrap_or("");
                let trimmed = raw.trim_end();
                comments.push(Comment {
                    start: i,
                    end: i + trimmed.len(),
                    text: trimmed.to_string(),
                });
                i = line_end;
            }
            _ => i += 1,
        }
    }
    comments
}

/// The texts of every comment in `text`, sorted: two texts with equal multisets of comments
/// give equal results. The formatter's own check that it neither loses nor duplicates one.
pub(crate) fn comment_multiset(text: &str) -> Vec<String> {
    let mut texts: Vec<String> = scan(text).into_iter().map(|c| c.text).collect();
    texts.sort();
    texts
}

/// The offset of the next character at or after `pos` that is neither whitespace nor part of
/// a comment: where the next token starts. Used to find unspanned punctuation (`{`, `[`).
pub(crate) fn next_token(text: &str, pos: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = pos;
    while let Some(&b) = bytes.get(i) {
        match b {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'#' => i = line_end(bytes, i),
            _ => return i,
        }
    }
    i.max(pos)
}

/// Whether `text[from..to]` holds a line break. Out-of-range means no.
pub(crate) fn has_newline(text: &str, from: usize, to: usize) -> bool {
    text.get(from..to).is_some_and(|s| s.contains('\n'))
}

/// Whether `text[from..to]` holds an empty line: two line breaks with only whitespace between.
/// Callers pass gaps between tokens and comments, which hold only whitespace.
pub(crate) fn has_blank_line(text: &str, from: usize, to: usize) -> bool {
    text.get(from..to)
        .is_some_and(|s| s.bytes().filter(|&b| b == b'\n').count() >= 2)
}

/// The byte at `pos`, if any.
pub(crate) fn byte_at(text: &str, pos: usize) -> Option<u8> {
    text.as_bytes().get(pos).copied()
}

/// Offset of the `\n` ending the line that contains `pos` (or the end of the text).
fn line_end(bytes: &[u8], pos: usize) -> usize {
    let mut i = pos;
    while let Some(&b) = bytes.get(i) {
        if b == b'\n' {
            return i;
        }
        i += 1;
    }
    i
}

/// Offset just past a string (`"..."`) or regex (`/.../`) starting at `start`. Both honour
/// `\` escapes and cannot span lines.
fn skip_quoted(bytes: &[u8], start: usize, quote: u8) -> usize {
    let mut i = start + 1;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' => i += 2,
            b'\n' => return i,
            b if b == quote => return i + 1,
            _ => i += 1,
        }
    }
    i.min(bytes.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        scan(text).into_iter().map(|c| c.text).collect()
    }

    #[test]
    fn finds_comments_outside_strings_and_regexes() {
        let text = "notify \"#deploys\" # real\nx matches /a#b\\/c/ #two  \n# three\t\n";
        assert_eq!(texts(text), ["# real", "#two", "# three"]);
    }

    #[test]
    fn escaped_quotes_do_not_end_strings() {
        let text = r##"block "say \"#no\" # still string" # yes"##;
        assert_eq!(texts(text), ["# yes"]);
    }

    #[test]
    fn spans_cover_trimmed_text() {
        let text = "a # b  \r\nc";
        let c = &scan(text)[0];
        assert_eq!((c.start, c.end), (2, 5));
        assert_eq!(&text[c.start..c.end], "# b");
    }

    #[test]
    fn next_token_skips_whitespace_and_comments() {
        let text = "rule x # c\n  # d\n  {";
        assert_eq!(next_token(text, 6), text.len() - 1);
        assert_eq!(next_token(text, text.len()), text.len());
    }

    #[test]
    fn blank_lines_need_two_breaks() {
        assert!(!has_blank_line("a\nb", 1, 2));
        assert!(has_blank_line("a\n \n b", 1, 5));
        assert!(!has_blank_line("", 3, 9));
    }
}
