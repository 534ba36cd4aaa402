//! [`validate`]: whether a pattern is accepted, and if not, exactly where it goes wrong.
//!
//! Validation is what makes the two matchers interchangeable: everything it accepts means the
//! same to the reference matcher and to globset (the differential tests check this), and every
//! construct where they would disagree, or that can never match a normalized path, is refused
//! with its byte position.

use super::double_star::check_double_stars;
use super::glob_error::GlobError;
use super::parse::parse;
use super::parsed::Pattern;
use super::segments::check_segments;

/// Checks that `pattern` is a well-formed gavel glob.
///
/// The checks run in three passes, and the first error found is returned:
///
/// 1. the whole text: not empty, at most [`crate::limits::MAX_PATTERN_BYTES`], no NUL;
/// 2. reading left to right: escapes, `*` runs, classes, `{...}` groups;
/// 3. placement: `**` as a whole segment, then no empty, `.` or `..` segments.
///
/// # Examples
///
/// ```
/// use gavel::glob::validate;
///
/// assert!(validate("**/.env*").is_ok());
/// let error = validate("src/**.py").unwrap_err();
/// assert_eq!((error.offset, error.len), (4, 2));
/// assert_eq!(error.message, "`**` must be a whole path segment");
/// ```
pub fn validate(pattern: &str) -> Result<(), GlobError> {
    validated(pattern).map(drop)
}

/// Parses and validates `pattern`, returning the tree both matchers work from.
pub(crate) fn validated(pattern: &str) -> Result<Pattern, GlobError> {
    let parsed = parse(pattern)?;
    check_double_stars(&parsed)?;
    check_segments(&parsed, pattern)?;
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::validate;

    #[test]
    fn passes_run_in_order() {
        // A lexical error wins over a placement error further left.
        assert_eq!(
            validate("/a[").unwrap_err().message,
            "unclosed character class `[`"
        );
        // A `**` placement error wins over a segment error further left.
        assert_eq!(
            validate("/a**").unwrap_err().message,
            "`**` must be a whole path segment"
        );
    }

    #[test]
    fn accepts_everyday_patterns() {
        for ok in [
            "alembic/versions/**",
            "src/autopack/models.py",
            ".git/**",
            "config/production.yaml",
            "tests/test_*.py",
            "docs/*.md",
            "**/.env*",
            "**/*.{yml,yaml}",
            "{src,lib}/**/*.rs",
        ] {
            assert_eq!(validate(ok), Ok(()), "`{ok}`");
        }
    }
}
