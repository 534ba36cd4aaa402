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
        files.add(file.name.as_str(), file.text.as_str());
    }
    let config = term::Config::default();
    let mut out = String::new();
    for diagnostic in diagnostics {
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
}

/// Converts diagnostics to their JSON form.
pub fn to_json(sources: &SourceSet, diagnostics: &[Diagnostic]) -> Vec<JsonDiagnostic> {
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
                    let (line, column) = sources.line_col(span.file, span.start as usize);
                    let (end_line, end_column) = sources.line_col(span.file, span.end as usize);
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
            }
        })
        .collect()
}
