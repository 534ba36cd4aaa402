//! Validating globs and regexes, pointing inside the pattern at what is wrong.

use crate::ast::{RegexLit, StrLit};
use crate::diagnostic::{Code, Diagnostic};
use crate::limits::{MAX_REGEX_BYTES, MAX_REGEX_SOURCE_BYTES};

/// Reports an invalid glob; for a valid one returns the text the glob engine is given.
pub(crate) fn validate_glob(glob: &StrLit, diagnostics: &mut Vec<Diagnostic>) -> Option<String> {
    match crate::glob::engine_text(&glob.value) {
        Ok(engine) => {
            regex_like(glob, diagnostics);
            Some(engine)
        }
        Err(e) => {
            let end = (e.offset + e.len.max(1)).min(glob.value.len().max(e.offset));
            let span = if glob.value.is_empty() {
                glob.span
            } else {
                glob.span_of(e.offset..end)
            };
            let mut d = Diagnostic::new(
                Code::BadGlob,
                span,
                format!("invalid glob `{}`: {}", glob.value, e.message),
            )
            .with_label(e.message.clone());
            if let Some(help) = e.help {
                d = d.with_help(help);
            }
            diagnostics.push(d);
            None
        }
    }
}

/// Warns about a glob anchored like a regex (`"^src/.*\\.py$"`): as a glob it matches only
/// paths that start with a `^` or end with a `$`, which is almost never meant (found by QA:
/// accepted in silence, matching nothing).
fn regex_like(glob: &StrLit, diagnostics: &mut Vec<Diagnostic>) {
    let text = &glob.value;
    if !(text.starts_with('^') || (text.ends_with('$') && !text.ends_with("\\$"))) {
        return;
    }
    let unanchored = text.strip_prefix('^').unwrap_or(text);
    let unanchored = unanchored.strip_suffix('$').unwrap_or(unanchored);
    diagnostics.push(
        Diagnostic::new(
            Code::RegexLikeGlob,
            glob.span,
            format!("glob `{text}` is written like a regex"),
        )
        .with_label("`^` and `$` are ordinary characters in a glob")
        // Only the glob: glob and regex syntax differ (`*`, `**`, `.`), so a regex made by
        // wrapping the text would mean something else (found by QA).
        .with_help(format!(
            "a glob matches the whole path already: write `\"{unanchored}\"`, or a regex \
             `/.../` if a regex is meant"
        )),
    );
}

/// Builds a regex the way gavel always does: flags from the literal, bounded size.
pub fn build_regex(pattern: &str, flags: &str) -> Result<regex::Regex, regex::Error> {
    regex::RegexBuilder::new(pattern)
        .case_insensitive(flags.contains('i'))
        .multi_line(flags.contains('m'))
        .dot_matches_new_line(flags.contains('s'))
        .ignore_whitespace(flags.contains('x'))
        .size_limit(MAX_REGEX_BYTES)
        .dfa_size_limit(MAX_REGEX_BYTES)
        .build()
}

/// Reports an invalid or oversized regex; returns whether it is valid.
pub(crate) fn validate_regex(regex: &RegexLit, diagnostics: &mut Vec<Diagnostic>) -> bool {
    let pattern = &regex.pattern;
    // Offsets in `pattern` map to source offsets after the opening `/`, plus one byte for
    // every `/` before them (written `\/` in the source).
    let source_span = |start: usize, end: usize| {
        let shift = |o: usize| o + pattern.get(..o).map_or(0, |p| p.matches('/').count());
        regex
            .span
            .slice(1 + shift(start)..1 + shift(end).max(shift(start) + 1))
    };
    if pattern.len() > MAX_REGEX_SOURCE_BYTES {
        diagnostics.push(
            Diagnostic::new(
                Code::BadRegex,
                regex.span,
                format!(
                    "regex is {} bytes long, more than the limit of {MAX_REGEX_SOURCE_BYTES}",
                    pattern.len()
                ),
            )
            .with_label("too long"),
        );
        return false;
    }
    let mut parser = regex_syntax::ast::parse::ParserBuilder::new()
        .ignore_whitespace(regex.flags.contains('x'))
        .build();
    if let Err(e) = parser.parse(pattern) {
        let span = e.span();
        diagnostics.push(
            Diagnostic::new(
                Code::BadRegex,
                source_span(span.start.offset, span.end.offset),
                format!("invalid regex: {}", e.kind()),
            )
            .with_label(e.kind().to_string())
            .with_help("gavel uses the `regex` crate's syntax (no look-around, no backreferences)"),
        );
        return false;
    }
    match build_regex(pattern, &regex.flags) {
        Ok(_) => true,
        Err(regex::Error::CompiledTooBig(limit)) => {
            diagnostics.push(
                Diagnostic::new(
                    Code::BadRegex,
                    regex.span,
                    format!("regex compiles to more than {limit} bytes"),
                )
                .with_label("too large")
                .with_help("simplify it, e.g. replace large counted repetitions like `{1000}`"),
            );
            false
        }
        Err(e) => {
            let text = e.to_string();
            let last = text.lines().last().unwrap_or("invalid regex").to_string();
            diagnostics.push(
                Diagnostic::new(Code::BadRegex, regex.span, format!("invalid regex: {last}"))
                    .with_label("invalid regex"),
            );
            false
        }
    }
}
