//! Quoting values from outside — request fields, flags, ids — in error messages.
//!
//! An error message echoes what it refuses, and what it refuses may be hostile: a 5 MB path,
//! an attribute name with a newline. Echoed whole, such a value makes a one-line error
//! megabytes long, and an input-error decision (which quotes its error in `summary`,
//! `reasons` and `input_error`) too large for an audit record — so the refusal could not be
//! recorded. Every message therefore shows at most a short, escaped excerpt of a value, with
//! the value's size when it was cut.

use std::borrow::Cow;

/// How many characters of a value a message quotes.
pub const EXCERPT_CHARS: usize = 64;

/// How many characters of a field path (`attributes.NAME`) a message shows.
pub const FIELD_CHARS: usize = 128;

/// The most bytes one error message may have; longer ones lose their middle.
pub const MAX_MESSAGE_BYTES: usize = 1024;

/// A quoted stretch of a message longer than this many characters is cut by [`message`]:
/// longer than any [`excerpt`] can be (64 characters, each escaped to at most 8 — `\u{202e}`
/// — and `…`), so what a site already quoted is never cut twice.
const LONG_QUOTED_CHARS: usize = 8 * EXCERPT_CHARS + 1;

/// At most [`EXCERPT_CHARS`] characters of `value`, [`hidden`] characters escaped (`\n`,
/// `\u{1b}`) so the message stays one line, and `…` when it was cut.
///
/// ```
/// use gavel::quote::excerpt;
/// assert_eq!(excerpt("docs/a.md"), "docs/a.md");
/// assert_eq!(excerpt("a\nb"), "a\\nb");
/// assert_eq!(excerpt(&"é".repeat(100)), format!("{}…", "é".repeat(64)));
/// ```
pub fn excerpt(value: &str) -> Cow<'_, str> {
    excerpt_chars(value, EXCERPT_CHARS)
}

/// `value` in backticks as an excerpt, followed by its size in bytes when it was cut, so the
/// reader knows how much was not shown.
///
/// ```
/// use gavel::quote::quote;
/// assert_eq!(quote("prod"), "`prod`");
/// assert_eq!(quote(&"a".repeat(5000)), format!("`{}…` (5000 bytes)", "a".repeat(64)));
/// ```
pub fn quote(value: &str) -> String {
    let shown = excerpt(value);
    if is_cut(value, EXCERPT_CHARS) {
        format!("`{shown}` ({} bytes)", value.len())
    } else {
        format!("`{shown}`")
    }
}

/// A field path for a message: at most [`FIELD_CHARS`] characters, escaped like
/// [`excerpt`]. Paths name map keys from the request (`attributes.NAME`), which are as
/// untrusted as values.
pub fn field(path: &str) -> Cow<'_, str> {
    excerpt_chars(path, FIELD_CHARS)
}

/// A whole message made safe to print and record: [`hidden`] characters escaped, every
/// backtick- or double-quoted stretch longer than an excerpt can be cut to an excerpt (with
/// its size), and the result cut in the middle if it is still over [`MAX_MESSAGE_BYTES`].
/// This is the net for messages gavel does not word itself — a JSON or YAML parser's error
/// that quotes a value — and for any site that forgot to quote.
pub fn message(text: &str) -> Cow<'_, str> {
    let needs_work = text.len() > MAX_MESSAGE_BYTES
        || text.chars().any(|c| hidden(c).is_some())
        || has_long_quoted(text);
    if !needs_work {
        return Cow::Borrowed(text);
    }
    let shortened = shorten_quoted(text);
    Cow::Owned(clip_middle(&shortened, MAX_MESSAGE_BYTES))
}

/// `value` whole, with every character a reader cannot see for what it is escaped (see
/// [`hidden`]): control characters as Rust writes them (`\n`, `\u{1b}`), the others as
/// `\u{...}`. For request values a policy interpolates into a message, which becomes a
/// decision's one-line `summary`: a newline, a line separator or a terminal escape there
/// could forge a line of output ("AUTO-APPROVED…"), and a right-to-left override could make
/// a reviewer read it backwards.
///
/// ```
/// use gavel::quote::one_line;
/// assert_eq!(one_line("run 7"), "run 7");
/// assert_eq!(one_line("x\nAUTO-APPROVED\u{1b}[2J"), "x\\nAUTO-APPROVED\\u{1b}[2J");
/// assert_eq!(one_line("a\u{202e}b\u{2028}"), "a\\u{202e}b\\u{2028}");
/// ```
pub fn one_line(value: &str) -> Cow<'_, str> {
    if !value.chars().any(|c| hidden(c).is_some()) {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        push_escaped(&mut out, c);
    }
    Cow::Owned(out)
}

/// What kind of character `c` is, if one a reader cannot see for what it is: any Unicode
/// control (C0, DEL, C1 such as U+0085), a bidirectional control (U+061C, U+200E, U+200F,
/// U+202A–U+202E, U+2066–U+2069: `docs/a\u{202e}dm.exe` displays as `docs/aexe.md`), a
/// zero-width or other invisible character — every format character (Unicode category
/// Cf: U+00AD, U+200B–U+200D, U+2060–U+2064, U+206A–U+206F, U+FEFF, U+FFF9–U+FFFB, the tag
/// characters U+E0000–U+E007F...), the characters that render as blank fillers (U+034F,
/// U+115F, U+1160, U+17B4, U+17B5, U+3164, U+FFA0), variation selectors (U+180B–U+180F,
/// U+FE00–U+FE0F, U+E0100–U+E01EF) and the unassigned default-ignorable code points (U+2065,
/// U+FFF0–U+FFF8, U+E0080–U+E0FFF): Unicode's default-ignorables, which show nothing — or a
/// line or paragraph separator
/// (U+2028, U+2029). Request paths holding one are refused; text holding one is escaped
/// where it is shown ([`one_line`]); policy files holding one are refused (E0008).
pub fn hidden(c: char) -> Option<&'static str> {
    match c {
        c if c.is_control() => Some("a control character"),
        '\u{061C}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}' => Some("a bidirectional control"),
        '\u{00AD}'
        | '\u{034F}'
        | '\u{0600}'..='\u{0605}'
        | '\u{06DD}'
        | '\u{070F}'
        | '\u{0890}'..='\u{0891}'
        | '\u{08E2}'
        | '\u{115F}'..='\u{1160}'
        | '\u{17B4}'..='\u{17B5}'
        | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200D}'
        | '\u{2060}'..='\u{2065}'
        | '\u{206A}'..='\u{206F}'
        | '\u{3164}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}'
        | '\u{FFA0}'
        | '\u{FFF0}'..='\u{FFFB}'
        | '\u{110BD}'
        | '\u{110CD}'
        | '\u{13430}'..='\u{1343F}'
        | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E0FFF}' => Some("an invisible character"),
        '\u{2028}' | '\u{2029}' => Some("a line or paragraph separator"),
        _ => None,
    }
}

/// A deserialization error with where it happened: `` `PATH`: ERROR ``, or the error alone
/// for the document itself (whose path serde shows as a bare `.`).
pub(crate) fn at_path(path: &serde_path_to_error::Path, error: impl std::fmt::Display) -> String {
    if path.iter().next().is_none() {
        error.to_string()
    } else {
        format!("`{}`: {error}", field(&path.to_string()))
    }
}

/// Whether `text` shows nothing: every character is whitespace, a [`hidden`] character, or
/// U+2800 (the blank Braille pattern, which renders as a space and is neither).
///
/// What must be given for a reason (an override's, a halt's, a rejection's, a note) is held
/// to this rather than to `trim().is_empty()`: a reason of zero-width spaces or blank
/// Braille passed that test, and the log recorded a glass broken for no reason anyone
/// could read.
pub(crate) fn says_nothing(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_whitespace() || c == '\u{2800}' || hidden(c).is_some())
}

/// The characters of a multi-line text (a policy file) a reader cannot see for what they
/// are, with their byte offsets and what they are: [`hidden`] characters other than tab and
/// line feed, and a carriage return not followed by a line feed — editors and terminals
/// break the line there, gavel does not, so text after it shows on a line of its own that
/// gavel reads as part of the line before (a rule after `# comment<CR>` is commented out).
pub(crate) fn hidden_in_text(text: &str) -> impl Iterator<Item = (usize, char, &'static str)> + '_ {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        while let Some((at, c)) = chars.next() {
            match c {
                '\t' | '\n' => {}
                '\r' if chars.peek().is_some_and(|&(_, next)| next == '\n') => {}
                '\r' => return Some((at, c, "a carriage return without a line feed")),
                _ => {
                    if let Some(what) = hidden(c) {
                        return Some((at, c, what));
                    }
                }
            }
        }
        None
    })
}

/// Whether `value` has more than `limit` characters.
fn is_cut(value: &str, limit: usize) -> bool {
    value.len() > limit && value.chars().nth(limit).is_some()
}

fn excerpt_chars(value: &str, limit: usize) -> Cow<'_, str> {
    let cut = is_cut(value, limit);
    if !cut && !value.chars().any(|c| hidden(c).is_some()) {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(limit + 4);
    for c in value.chars().take(limit) {
        push_escaped(&mut out, c);
    }
    if cut {
        out.push('…');
    }
    Cow::Owned(out)
}

/// `c`, escaped if it is [`hidden`]: a control character as Rust writes it (`\n`,
/// `\u{1b}`), any other as `\u{...}`.
fn push_escaped(out: &mut String, c: char) {
    if c.is_control() {
        out.extend(c.escape_debug());
    } else if hidden(c).is_some() {
        out.extend(c.escape_unicode());
    } else {
        out.push(c);
    }
}

/// Whether some quoted stretch of `text` is longer than [`LONG_QUOTED_CHARS`].
fn has_long_quoted(text: &str) -> bool {
    text.len() > LONG_QUOTED_CHARS + 2
        && quoted_spans(text).any(|(_, inner, _)| is_cut(inner, LONG_QUOTED_CHARS))
}

/// The quoted stretches of `text`: (start of the opening quote, the text inside, the end
/// after the closing quote, or the end of `text` when it never closes). Inside `"`, `\"`
/// does not close (parsers print values with Rust's `{:?}`).
fn quoted_spans(text: &str) -> impl Iterator<Item = (usize, &str, usize)> {
    let mut pos = 0;
    std::iter::from_fn(move || {
        let rest = text.get(pos..)?;
        let offset = rest.find(['`', '"'])?;
        let open = pos + offset;
        let quote = text.as_bytes().get(open).copied()?;
        let inner_start = open + 1;
        let mut close = None;
        let mut escaped = false;
        for (i, b) in text.as_bytes().iter().enumerate().skip(inner_start) {
            if escaped {
                escaped = false;
            } else if quote == b'"' && *b == b'\\' {
                escaped = true;
            } else if *b == quote {
                close = Some(i);
                break;
            }
        }
        let (inner_end, end) = match close {
            Some(c) => (c, c + 1),
            None => (text.len(), text.len()),
        };
        pos = end;
        Some((open, text.get(inner_start..inner_end).unwrap_or(""), end))
    })
}

/// `text` with [`hidden`] characters escaped and long quoted stretches excerpted.
fn shorten_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_MESSAGE_BYTES * 2));
    let mut copied = 0;
    let push_plain = |out: &mut String, plain: &str| {
        for c in plain.chars() {
            push_escaped(out, c);
        }
    };
    for (open, inner, end) in quoted_spans(text) {
        if !is_cut(inner, LONG_QUOTED_CHARS) {
            continue;
        }
        push_plain(&mut out, text.get(copied..open).unwrap_or(""));
        let quote = text.get(open..open + 1).unwrap_or("`");
        out.push_str(quote);
        out.push_str(&excerpt(inner));
        if end > open + 1 + inner.len() {
            out.push_str(quote);
        }
        out.push_str(&format!(" ({} bytes)", inner.len()));
        copied = end;
    }
    push_plain(&mut out, text.get(copied..).unwrap_or(""));
    out
}

/// `text` cut to at most about `max` bytes by removing its middle (both ends usually say
/// the most: what is wrong, and where), on character boundaries.
fn clip_middle(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let keep = max / 2 - 16;
    let mut head = keep;
    while !text.is_char_boundary(head) {
        head -= 1;
    }
    let mut tail = text.len() - keep;
    while !text.is_char_boundary(tail) {
        tail += 1;
    }
    format!(
        "{} … ({} bytes cut) … {}",
        text.get(..head).unwrap_or(""),
        tail - head,
        text.get(tail..).unwrap_or("")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_error_has_no_path_and_a_field_error_names_its_field() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Doc {
            a: Vec<u8>,
        }
        let error = |json: &str| {
            let mut de = serde_json::Deserializer::from_str(json);
            let e = serde_path_to_error::deserialize::<_, Doc>(&mut de).unwrap_err();
            at_path(e.path(), e.inner())
        };
        // Found by QA: an empty license file read "`.`: EOF while parsing".
        assert_eq!(error(""), "EOF while parsing a value at line 1 column 0");
        assert_eq!(
            error(r#"{"a": [1, "x"]}"#),
            "`a[1]`: invalid type: string \"x\", expected u8 at line 1 column 13"
        );
    }

    #[test]
    fn text_of_only_blank_or_invisible_characters_says_nothing() {
        for blank in [
            "",
            " \t\n",
            "\u{200b}\u{200d}",
            "\u{2800}",
            "\u{3000}",
            "\u{3164}",
            "\u{feff} ",
        ] {
            assert!(says_nothing(blank), "{blank:?}");
        }
        for text in ["x", " rollback \u{200b}", "\u{2800}!", "緊急"] {
            assert!(!says_nothing(text), "{text:?}");
        }
    }

    #[test]
    fn short_clean_values_are_borrowed() {
        assert!(matches!(excerpt("src/main.rs"), Cow::Borrowed(_)));
        assert!(matches!(message("unknown action `x`"), Cow::Borrowed(_)));
    }

    #[test]
    fn every_hidden_character_is_escaped_wherever_text_is_shown() {
        let hostile = "a\u{202e}b\u{200b}c\u{2028}d\u{85}e";
        let shown = "a\\u{202e}b\\u{200b}c\\u{2028}d\\u{85}e";
        assert_eq!(excerpt(hostile), shown);
        assert_eq!(one_line(hostile), shown);
        assert_eq!(
            message(&format!("bad `{hostile}`")),
            format!("bad `{shown}`")
        );
        // An excerpt of 64 such characters is not cut again by `message`.
        let quoted = quote(&"\u{2066}".repeat(64));
        assert_eq!(message(&quoted), quoted);
    }

    #[test]
    fn excerpts_cut_on_character_boundaries() {
        let value = "€".repeat(10_000);
        let shown = excerpt(&value);
        assert_eq!(shown.chars().count(), EXCERPT_CHARS + 1);
        assert_eq!(
            quote(&value),
            format!("`{}…` (30000 bytes)", "€".repeat(64))
        );
        // Exactly the limit is not cut.
        assert_eq!(
            quote(&"a".repeat(EXCERPT_CHARS)),
            format!("`{}`", "a".repeat(64))
        );
    }

    #[test]
    fn messages_from_parsers_lose_long_quoted_values() {
        let value = "x".repeat(5_000_000);
        let text = format!("invalid type: string \"{value}\", expected u64 at line 1 column 9");
        let shown = message(&text);
        assert!(shown.len() < 200, "{shown}");
        assert!(shown.starts_with("invalid type: string \"xxxx"), "{shown}");
        assert!(
            shown.ends_with("…\" (5000000 bytes), expected u64 at line 1 column 9"),
            "{shown}"
        );
        let text = format!("unknown field `{value}`, expected one of `action`, `actor`");
        let shown = message(&text);
        assert!(shown.ends_with("…` (5000000 bytes), expected one of `action`, `actor`"));
        // An escaped quote does not end a `"` stretch.
        let text = format!("string \"a\\\"{value}\"");
        assert!(message(&text).len() < 200);
        // A quote that never closes still bounds the message.
        let text = format!("unknown field `{value}");
        assert!(message(&text).len() < 200);
    }

    #[test]
    fn what_a_site_quoted_is_not_cut_again() {
        let quoted = format!(
            "`{}`: the path is 5000000 bytes",
            excerpt(&"a".repeat(5000))
        );
        assert!(matches!(message(&quoted), Cow::Borrowed(_)), "{quoted}");
        let controls = format!("{} is bad", quote(&"\u{1b}".repeat(100)));
        assert_eq!(message(&controls), controls);
    }

    #[test]
    fn messages_stay_on_one_line_and_under_the_limit() {
        assert_eq!(message("bad\nvalue"), "bad\\nvalue");
        let long = "word ".repeat(10_000);
        let shown = message(&long);
        assert!(shown.len() <= MAX_MESSAGE_BYTES + 64, "{}", shown.len());
        assert!(shown.contains("bytes cut"));
        let multibyte = "€".repeat(10_000);
        assert!(message(&multibyte).len() <= MAX_MESSAGE_BYTES + 64);
    }

    #[test]
    fn fields_are_cut_and_escaped() {
        assert_eq!(field("files[2].path"), "files[2].path");
        let long = format!("attributes.{}", "k".repeat(10_000));
        assert_eq!(field(&long).chars().count(), FIELD_CHARS + 1);
        assert_eq!(field("attributes.a\nb"), "attributes.a\\nb");
    }
}
