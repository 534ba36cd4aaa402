//! [`GlobError`]: why a pattern was rejected, and exactly where.

use std::ops::Range;

/// A rejected glob pattern.
///
/// `offset` and `len` are byte positions inside the pattern text itself, not inside the policy
/// file: the caller knows where the pattern literal starts and adds that offset to underline the
/// problem in the source. Both always fall on UTF-8 character boundaries of the pattern, so the
/// span can be sliced and rendered without further checks.
///
/// The message is lowercase with user text in backticks, and `help`, when present, says what to
/// write instead (the diagnostics style used across gavel).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct GlobError {
    /// First byte of the problem, inside the pattern.
    pub offset: usize,
    /// Length in bytes of the problem (at least 1, except for the empty pattern).
    pub len: usize,
    /// What is wrong.
    pub message: String,
    /// What to write instead, when there is a clear fix.
    pub help: Option<String>,
}

impl GlobError {
    /// An error at `offset..offset + len`, without help.
    pub(crate) fn new(offset: usize, len: usize, message: impl Into<String>) -> Self {
        GlobError {
            offset,
            len,
            message: message.into(),
            help: None,
        }
    }

    /// The same error with a piece of advice.
    pub(crate) fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The byte range of the problem inside the pattern.
    pub fn range(&self) -> Range<usize> {
        self.offset..self.offset.saturating_add(self.len)
    }
}

#[cfg(test)]
mod tests {
    use super::GlobError;

    #[test]
    fn range_covers_offset_and_len() {
        let error = GlobError::new(3, 2, "`**` must be a whole path segment");
        assert_eq!(error.range(), 3..5);
        assert_eq!(error.to_string(), "`**` must be a whole path segment");
    }

    #[test]
    fn help_is_optional() {
        let error = GlobError::new(0, 1, "pattern starts with `/`");
        assert_eq!(error.help, None);
        assert_eq!(error.with_help("drop it").help.as_deref(), Some("drop it"));
    }
}
