//! Glob patterns (interim: validation through globset; replaced by the full glob module).

use globset::GlobBuilder;

/// Why a glob pattern is invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct GlobError {
    /// Byte offset of the problem inside the pattern.
    pub offset: usize,
    /// Length of the offending text.
    pub len: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
}

/// Validates a pattern.
pub fn validate(pattern: &str) -> Result<(), GlobError> {
    build(pattern).map(|_| ())
}

/// Builds the globset glob for a pattern.
pub fn build(pattern: &str) -> Result<globset::Glob, GlobError> {
    GlobBuilder::new(pattern)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
        .map_err(|e| GlobError {
            offset: 0,
            len: pattern.len(),
            message: e.kind().to_string(),
            help: None,
        })
}

/// Matches one pattern against one path (interim: through globset; replaced by the
/// independent reference matcher of the glob module).
pub fn reference_match(pattern: &str, path: &str) -> bool {
    build(pattern).is_ok_and(|g| g.compile_matcher().is_match(path))
}
