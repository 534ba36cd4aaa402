//! Rendering diagnostics for people (rustc-style, with the source line and a caret) and for
//! machines (JSON with file, line, column, severity, code, message).

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term;

use super::code::Severity;
use super::diagnostic::Diagnostic;
use crate::source::SourceSet;

/// Renders diagnostics as text, without colour codes: stable for snapshots and pipes.
pub fn render_human(sources: &SourceSet, diagnostics: &[Diagnostic]) -> String {
    let mut files = SimpleFiles::new();
    for (_, file) in sources.iter() {
        // What reaches the terminal: the name escaped, the text with its hidden characters
        // made visible (E0008 names them; shown raw they would reorder or restyle the
        // snippet meant to point at them).
        files.add(
            crate::quote::one_line(&file.name).into_owned(),
            visible(&file.text).into_owned(),
        );
    }
    let config = term::Config::default();
    let mut out = String::new();
    let mut locator = sources.locator();
    for diagnostic in diagnostics {
        if let Some(text) = render_long_line(sources, &mut locator, diagnostic) {
            out.push_str(&text);
            continue;
        }
        match to_codespan(diagnostic) {
            Some(cs_diag) => match term::emit_into_string(&config, &files, &cs_diag) {
                Ok(text) => out.push_str(&text),
                Err(_) => out.push_str(&render_plain(diagnostic)),
            },
            None => out.push_str(&render_plain(diagnostic)),
        }
    }
    out
}

/// `text` with each character that displays as something else — a control other than tab
/// and line breaks, a bidirectional or invisible format character ([`crate::quote::hidden`])
/// and a carriage return without a line feed — replaced by a visible one of the same UTF-8
/// length (`?`, `¿`, `\u{FFFD}` or `\u{1D417}`), so that every byte offset, and so every
/// span, stays where it was.
pub(crate) fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    let mut hidden = crate::quote::hidden_in_text(text).peekable();
    if hidden.peek().is_none() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for (at, c, _) in hidden {
        out.push_str(text.get(from..at).unwrap_or_default());
        out.push(match c.len_utf8() {
            1 => '?',
            2 => '\u{bf}',
            3 => '\u{fffd}',
            _ => '\u{1d417}',
        });
        from = at + c.len_utf8();
    }
    out.push_str(text.get(from..).unwrap_or_default());
    out.into()
}

/// Lines longer than this are shown cropped around the error.
const MAX_SHOWN_LINE: usize = 200;

/// Renders a diagnostic whose primary line is too long to show whole (a minified or
/// hostile file): the same layout, with the line cropped around the span and `…` marks.
///
/// Only the shown window is scanned (and made visible), never the whole line: a long line
/// with many diagnostics made the report quadratic (found by QA: a one-line list of 16,000
/// unknown names took seconds, a megabyte of them an hour).
fn render_long_line(
    sources: &SourceSet,
    locator: &mut crate::source::Locator<'_>,
    diagnostic: &Diagnostic,
) -> Option<String> {
    let primary = diagnostic.primary.as_ref()?;
    let file = sources.get(primary.span.file)?;
    let start = primary.span.start as usize;
    let text = file.text.as_str();
    text.get(..start.min(text.len()))?;
    let std::ops::Range {
        start: line_start,
        end: line_end,
    } = locator.line_range(primary.span.file, start)?;
    let line = text.get(line_start..line_end)?;
    // Short lines are shown whole, by the usual renderer. (Making a line visible keeps its
    // characters one for one.)
    line.chars().nth(MAX_SHOWN_LINE)?;
    let (line_no, column) = locator.line_col(primary.span.file, start);
    let caret_at = column.saturating_sub(1);
    let before = text.get(line_start..start.min(line_end))?;
    let after = text.get(start.min(line_end)..line_end)?;
    // Up to 60 characters each side of the caret.
    let from = before
        .char_indices()
        .rev()
        .take(60)
        .last()
        .map_or(before.len(), |(at, _)| at);
    let to = after
        .char_indices()
        .nth(60)
        .map_or(after.len(), |(at, _)| at);
    let left = before.get(from..)?;
    let right = after.get(..to)?;
    let shown = format!("{}{}", visible(left), visible(right));
    let lead = if from > 0 { "…" } else { "" };
    let tail = if to < after.len() { "…" } else { "" };
    let width = usize::max(
        1,
        primary.span.end.saturating_sub(primary.span.start) as usize,
    )
    .min(right.chars().count())
    .max(1);
    let from = caret_at.saturating_sub(left.chars().count());
    let gutter = line_no.to_string().len();
    let pad = " ".repeat(gutter);
    let mut out = format!(
        "{}[{}]: {}\n{pad} ┌─ {}:{line_no}:{column}\n{pad} │\n{line_no} │ {lead}{shown}{tail}\n{pad} │ {}{} {}\n",
        severity_word(diagnostic.severity()),
        diagnostic.code.as_str(),
        diagnostic.message,
        file.name,
        " ".repeat(caret_at - from + lead.chars().count()),
        "^".repeat(width),
        primary.message,
    );
    if let Some(help) = &diagnostic.help {
        out.push_str(&format!("{pad} │\n{pad} = help: {help}\n"));
    }
    out.push('\n');
    Some(out)
}

/// A diagnostic without a usable span: `error[E0002]: file: message`.
fn render_plain(diagnostic: &Diagnostic) -> String {
    let mut out = format!(
        "{}[{}]: {}",
        severity_word(diagnostic.severity()),
        diagnostic.code.as_str(),
        diagnostic.message
    );
    out.push('\n');
    if let Some(name) = &diagnostic.file_name {
        out.push_str(&format!("  --> {name}\n"));
    }
    if let Some(help) = &diagnostic.help {
        out.push_str(&format!("  = help: {help}\n"));
    }
    out.push('\n');
    out
}

fn severity_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn to_codespan(diagnostic: &Diagnostic) -> Option<cs::Diagnostic<usize>> {
    let primary = diagnostic.primary.as_ref()?;
    let base = match diagnostic.severity() {
        Severity::Error => cs::Diagnostic::error(),
        Severity::Warning => cs::Diagnostic::warning(),
    };
    let mut labels = vec![
        cs::Label::primary(primary.span.file.0 as usize, primary.span.range())
            .with_message(primary.message.clone()),
    ];
    for secondary in &diagnostic.secondary {
        labels.push(
            cs::Label::secondary(secondary.span.file.0 as usize, secondary.span.range())
                .with_message(secondary.message.clone()),
        );
    }
    let mut notes = Vec::new();
    if let Some(help) = &diagnostic.help {
        notes.push(format!("help: {help}"));
    }
    Some(
        base.with_code(diagnostic.code.as_str())
            .with_message(diagnostic.message.clone())
            .with_labels(labels)
            .with_notes(notes),
    )
}

/// A diagnostic as tools consume it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct JsonDiagnostic {
    /// File name as given to gavel.
    pub file: String,
    /// 1-based line (0 when the problem concerns the whole file).
    pub line: usize,
    /// 1-based column in characters (0 when the problem concerns the whole file).
    pub column: usize,
    /// 1-based line where the span ends.
    pub end_line: usize,
    /// 1-based column where the span ends.
    pub end_column: usize,
    /// `error` or `warning`.
    pub severity: Severity,
    /// Stable code, e.g. `E0020`.
    pub code: &'static str,
    /// One-line description.
    pub message: String,
    /// The text under the caret, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// How to fix it, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Other places the diagnostic points at ("first declared here"), as the human report
    /// shows them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<JsonLocation>,
}

/// A secondary place of a diagnostic.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct JsonLocation {
    /// File name as given to gavel.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column in characters.
    pub column: usize,
    /// What is there.
    pub label: String,
}

/// Converts diagnostics to their JSON form.
pub fn to_json(sources: &SourceSet, diagnostics: &[Diagnostic]) -> Vec<JsonDiagnostic> {
    let mut locator = sources.locator();
    diagnostics
        .iter()
        .map(|d| {
            let (file, line, column, end_line, end_column, label) = match &d.primary {
                Some(primary) => {
                    let span = primary.span;
                    let name = sources
                        .get(span.file)
                        .map(|f| f.name.clone())
                        .unwrap_or_default();
                    let (line, column) = locator.line_col(span.file, span.start as usize);
                    let (end_line, end_column) = locator.line_col(span.file, span.end as usize);
                    let label = (!primary.message.is_empty()).then(|| primary.message.clone());
                    (name, line, column, end_line, end_column, label)
                }
                None => (d.file_name.clone().unwrap_or_default(), 0, 0, 0, 0, None),
            };
            JsonDiagnostic {
                file,
                line,
                column,
                end_line,
                end_column,
                severity: d.severity(),
                code: d.code.as_str(),
                message: d.message.clone(),
                label,
                help: d.help.clone(),
                related: d
                    .secondary
                    .iter()
                    .map(|l| {
                        let (line, column) = locator.line_col(l.span.file, l.span.start as usize);
                        JsonLocation {
                            file: sources
                                .get(l.span.file)
                                .map(|f| f.name.clone())
                                .unwrap_or_default(),
                            line,
                            column,
                            label: l.message.clone(),
                        }
                    })
                    .collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_characters_become_placeholders_of_the_same_length() {
        let text = "a\u{1b}b\u{85}c\u{202e}d\u{200b}\te\n";
        let shown = visible(text);
        assert_eq!(shown, "a?b\u{bf}c\u{fffd}d\u{fffd}\te\n");
        assert_eq!(shown.len(), text.len());
        assert!(matches!(
            visible("plain\ttext\r\n"),
            std::borrow::Cow::Borrowed(_)
        ));
        // A carriage return of its own, a tag character (four bytes), a soft hyphen.
        let text = "x\ry\r\nz\u{e0020}w\u{ad}\n";
        let shown = visible(text);
        assert_eq!(shown, "x?y\r\nz\u{1d417}w\u{bf}\n");
        assert_eq!(shown.len(), text.len());
    }
}
