//! A cheap pre-scan that bounds expression nesting before pest sees the text.
//!
//! Pest parses by recursive descent, so ten megabytes of `(` would overflow the stack long
//! before any grammar error could be reported. This scan over-approximates nesting depth
//! (brackets, runs of `not`/`-`, open `if`s) without parsing, so the parser only ever runs on
//! text whose recursion depth is bounded by [`crate::limits::MAX_NESTING_DEPTH`].

use std::ops::Range;

/// The byte range where nesting first exceeds `limit`, if it does.
pub(crate) fn find_excess_nesting(text: &str, limit: usize) -> Option<Range<usize>> {
    let bytes = text.as_bytes();
    // One frame per open bracket: how many `if`s are open inside it.
    let mut frames: Vec<usize> = vec![0];
    let mut open_ifs: usize = 0;
    let mut prefix_run: usize = 0;
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes.get(i).copied().unwrap_or(b' ');
        match byte {
            b'#' => {
                while i < bytes.len() && bytes.get(i) != Some(&b'\n') {
                    i += 1;
                }
                continue;
            }
            b'"' => {
                i = skip_quoted(bytes, i, b'"');
                prefix_run = 0;
                continue;
            }
            b'/' => {
                i = skip_quoted(bytes, i, b'/');
                prefix_run = 0;
                continue;
            }
            b'(' | b'[' | b'{' => {
                frames.push(0);
                prefix_run = 0;
            }
            b')' | b']' | b'}' => {
                if frames.len() > 1 {
                    let closed = frames.pop().unwrap_or(0);
                    open_ifs = open_ifs.saturating_sub(closed);
                }
                prefix_run = 0;
            }
            b'-' => {
                if bytes.get(i + 1) != Some(&b'>') {
                    prefix_run += 1;
                } else {
                    i += 1;
                }
            }
            b if b.is_ascii_alphabetic() || b == b'_' => {
                let start = i;
                while i < bytes.len()
                    && bytes
                        .get(i)
                        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'.')
                {
                    i += 1;
                }
                let word = text.get(start..i).unwrap_or("");
                match word {
                    "not" => prefix_run += 1,
                    // `where` opens a condition that runs on to the end, as `if` does
                    // (found in review: 60,000 `any file where` reached pest's stack limit).
                    "if" | "where" => {
                        open_ifs += 1;
                        if let Some(top) = frames.last_mut() {
                            *top += 1;
                        }
                        prefix_run = 0;
                    }
                    // A top-level declaration starts: whatever was open has ended. These
                    // words are also names an expression may read (`if risk then risk else
                    // ...`, found by QA: a chain of 20,000 `if`s reached pest, which gave up
                    // with "expected stack limit reached"), so only where what follows could
                    // not continue an expression: a name, `{` or `[`.
                    "rule" | "let" | "risk" | "paths" | "default" | "attribute" | "license"
                        if frames.len() == 1 && declaration_follows(text, i) =>
                    {
                        open_ifs = 0;
                        frames = vec![0];
                        prefix_run = 0;
                    }
                    _ => prefix_run = 0,
                }
                if frames.len() - 1 + open_ifs + prefix_run > limit {
                    return Some(start..i);
                }
                continue;
            }
            b if b.is_ascii_whitespace() => {}
            _ => prefix_run = 0,
        }
        if frames.len() - 1 + open_ifs + prefix_run > limit {
            return Some(i..i + 1);
        }
        i += 1;
    }
    None
}

/// Whether the token after offset `at` (past whitespace and comments) is one that cannot
/// follow an operand: a name that is not an expression keyword, `{` or `[`. After a
/// declaration keyword that is a declaration's second token (`let x`, `risk {`, `paths p [`,
/// `default block`); after the same word read as a name, an expression goes on with an
/// operator, a keyword or a closing bracket instead.
fn declaration_follows(text: &str, at: usize) -> bool {
    let mut rest = text.get(at..).unwrap_or("");
    loop {
        rest = rest.trim_start();
        match rest.strip_prefix('#') {
            Some(comment) => rest = comment.split_once('\n').map_or("", |(_, next)| next),
            None => break,
        }
    }
    if rest.starts_with(['{', '[']) {
        return true;
    }
    let word: &str = rest
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .next()
        .unwrap_or("");
    // The grammar's own test: a name is no expression keyword.
    super::is_name(word)
}

/// Index just past a quoted run starting at `start` (a string or a regex literal).
fn skip_quoted(bytes: &[u8], start: usize, quote: u8) -> usize {
    let mut i = start + 1;
    while let Some(&b) = bytes.get(i) {
        if b == b'\\' {
            i += 2;
            continue;
        }
        if b == quote || b == b'\n' {
            return i + 1;
        }
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_normal_policies() {
        let text = "rule a { when (x and (y or not z)) then auto_approve }";
        assert_eq!(find_excess_nesting(text, 8), None);
    }

    #[test]
    fn catches_parens_nots_and_ifs() {
        assert!(find_excess_nesting(&"(".repeat(100), 64).is_some());
        assert!(find_excess_nesting(&"not ".repeat(100), 64).is_some());
        let ifs = "let x = ".to_string() + &"if a then 1 else ".repeat(100) + "0";
        assert!(find_excess_nesting(&ifs, 64).is_some());
        // Separate items do not accumulate.
        let lets = "let x = if a then 1 else 0\n".repeat(100);
        assert_eq!(find_excess_nesting(&lets, 64), None);
        // A declaration keyword read as a name does not end the `if`s open around it.
        let risky = "let x = ".to_string() + &"if risk then risk else ".repeat(100) + "0";
        assert!(find_excess_nesting(&risky, 64).is_some());
        let lines = "let x = if a then\n".to_string() + &"risk else if a then\n".repeat(100);
        assert!(find_excess_nesting(&lines, 64).is_some());
        let wheres = "let x = ".to_string() + &"any file where ".repeat(100) + "true";
        assert!(find_excess_nesting(&wheres, 64).is_some());
        let flat = "let x = ".to_string() + &"any file where a and ".repeat(30) + "true\n";
        assert_eq!(find_excess_nesting(&flat.repeat(10), 64), None);
        let decls = "risk { 1 when if a then true else false }\n".repeat(100);
        assert_eq!(find_excess_nesting(&decls, 64), None);
        // Brackets inside strings and comments do not count.
        let quoted = format!("paths x [\"{}\"] # {}", "(".repeat(100), "[".repeat(100));
        assert_eq!(find_excess_nesting(&quoted, 64), None);
    }
}
