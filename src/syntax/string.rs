//! Escapes in string and regex literals.

/// Resolves the escapes of a string literal's source text. On an unknown escape, returns the
/// byte offset (in `raw`) of its backslash and the escape as written.
pub(crate) fn unescape(raw: &str) -> Result<String, (usize, String)> {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.char_indices();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some((_, '"')) => out.push('"'),
            Some((_, '\\')) => out.push('\\'),
            Some((_, 'n')) => out.push('\n'),
            Some((_, 't')) => out.push('\t'),
            Some((_, '{')) => out.push('{'),
            Some((_, '}')) => out.push('}'),
            Some((_, other)) => return Err((i, format!("\\{other}"))),
            None => return Err((i, "\\".to_string())),
        }
    }
    Ok(out)
}

/// Escapes a value for printing inside a string literal (the inverse of `unescape`).
/// `{` and `}` are escaped only when `escape_braces` is set (message strings, where unescaped
/// braces interpolate).
pub fn escape(value: &str, escape_braces: bool) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '{' if escape_braces => out.push_str("\\{"),
            '}' if escape_braces => out.push_str("\\}"),
            c => out.push(c),
        }
    }
    out
}

/// The pattern of a regex literal body: `\/` becomes `/`, every other escape is the regex's own.
pub(crate) fn regex_pattern(body: &str) -> String {
    body.replace("\\/", "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let raw = r#"a \"quoted\" \\ path\n\t \{x\}"#;
        let value = unescape(raw).unwrap();
        assert_eq!(value, "a \"quoted\" \\ path\n\t {x}");
        assert_eq!(escape(&value, true), raw);
    }

    #[test]
    fn reports_unknown_escapes() {
        assert_eq!(unescape(r"ab\qc"), Err((2, r"\q".to_string())));
    }
}
