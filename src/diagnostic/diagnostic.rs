//! One problem found in a policy.

use super::code::{Code, Severity};
use crate::ast::Span;

/// A labelled span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What is wrong there (may be empty).
    pub message: String,
}

/// A problem in a policy, pointing at the text. Messages are lowercase, with user input in
/// backticks; advice goes in `help`, not in the message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code; also fixes the severity.
    pub code: Code,
    /// One-line description.
    pub message: String,
    /// The main location. `None` only for file-level problems reported with `file_name`.
    pub primary: Option<Label>,
    /// Related locations ("first declared here").
    pub secondary: Vec<Label>,
    /// How to fix it.
    pub help: Option<String>,
    /// For problems with no span (an unreadable file): the file's name.
    pub file_name: Option<String>,
}

impl Diagnostic {
    /// A diagnostic at `span`.
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            message: message.into(),
            primary: Some(Label {
                span,
                message: String::new(),
            }),
            secondary: Vec::new(),
            help: None,
            file_name: None,
        }
    }

    /// A diagnostic about a whole file that could not be read as source.
    pub fn for_file(code: Code, file_name: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            help: None,
            file_name: Some(file_name.into()),
        }
    }

    /// Sets the text under the caret.
    pub fn with_label(mut self, text: impl Into<String>) -> Self {
        if let Some(primary) = &mut self.primary {
            primary.message = text.into();
        }
        self
    }

    /// Adds a related location.
    pub fn with_secondary(mut self, span: Span, text: impl Into<String>) -> Self {
        self.secondary.push(Label {
            span,
            message: text.into(),
        });
        self
    }

    /// Sets the help text.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Error or warning.
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }

    /// Whether this diagnostic stops compilation.
    pub fn is_error(&self) -> bool {
        self.severity() == Severity::Error
    }
}
