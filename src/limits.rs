//! Every size limit gavel enforces, in one place.
//!
//! gavel guards what reaches production, so hostile or accidental giant inputs must produce a
//! clear error, never a crash, a hang or unbounded memory. Each limit is generous for real use
//! and documented in `docs/limits.md`; each has a test just under and just over it.

/// Largest single `.gavel` file, in bytes.
pub const MAX_POLICY_FILE_BYTES: usize = 1024 * 1024;
/// Most `.gavel` files in one policy directory.
pub const MAX_POLICY_FILES: usize = 256;
/// Deepest nesting of expressions (parentheses, `not`, `if`, operator chains).
pub const MAX_NESTING_DEPTH: usize = 64;
/// Most rules in one policy.
pub const MAX_RULES: usize = 10_000;
/// Most glob patterns in one policy (named sets and inline patterns together).
pub const MAX_PATTERNS: usize = 50_000;
/// Longest glob pattern, in bytes.
pub const MAX_PATTERN_BYTES: usize = 1024;
/// Largest compiled regex, in bytes (the `regex` crate's size limit).
pub const MAX_REGEX_BYTES: usize = 1024 * 1024;
/// Longest regex source, in bytes.
pub const MAX_REGEX_SOURCE_BYTES: usize = 4096;

/// Largest request document, in bytes.
pub const MAX_REQUEST_BYTES: usize = 32 * 1024 * 1024;
/// Most files in one request.
pub const MAX_REQUEST_FILES: usize = 100_000;
/// Longest file path in a request, in bytes.
pub const MAX_PATH_BYTES: usize = 4096;
/// Most attributes in one request.
pub const MAX_ATTRIBUTES: usize = 256;
/// Most items in one list attribute.
pub const MAX_LIST_ITEMS: usize = 10_000;
/// Longest string value in a request (ids, attribute strings), in bytes.
pub const MAX_STRING_BYTES: usize = 64 * 1024;
/// Longest request value a message or evidence shows whole, in bytes (as displayed); a
/// longer one is shown as an excerpt and its size, so that a decision quoting request values
/// stays small enough to be recorded (a list of 10,000 long strings, interpolated, would
/// otherwise make a summary of tens of megabytes, over the audit record limit).
pub const MAX_SHOWN_VALUE_BYTES: usize = 1024;
/// Largest line count accepted for one file (`added`, `removed`).
pub const MAX_LINE_COUNT: u64 = 1_000_000_000;
/// Most lines added and removed in one request, all files together: the largest whole
/// number a gavel number holds (9,223,372,036,854), so `lines.changed` always fits one.
pub const MAX_REQUEST_LINES: u64 = 9_223_372_036_854;
/// Largest usage counter (`usage.NAME`): the largest whole number a gavel number holds.
pub const MAX_USAGE_COUNT: u64 = 9_223_372_036_854;

/// Most YAML nodes (scalars, lists and mappings, aliases expanded) in a request document:
/// as many as the largest request within the limits above has, so every such request parses
/// as YAML too — its 100,000 files of five fields (11 nodes each), 256 attributes that are
/// each a list of 10,000 items, 256 usage counters, 10,000 roles, 10,000 features, and 64
/// for the rest.
pub const MAX_YAML_NODES: usize = 64
    + 2 * (1 + MAX_LIST_ITEMS)
    + 1
    + MAX_REQUEST_FILES * 11
    + 1
    + MAX_ATTRIBUTES * (2 + MAX_LIST_ITEMS)
    + 1
    + MAX_ATTRIBUTES * 2;
/// Most YAML events (a value, or the start or end of a list or mapping) that anchors
/// (`&name`) may hold, and that aliases (`*name`) may replay, in one document: an alias
/// repeats what its anchor holds, and without a bound a few lines expand to billions of
/// nodes. Anchors and aliases are a YAML convenience no request needs; this is room for
/// 24 uses of a 10,000-item list.
pub const MAX_YAML_ALIAS_EVENTS: usize = 250_000;

/// Largest approval credential, license or signed decision file, in bytes.
pub const MAX_CREDENTIAL_BYTES: usize = 1024 * 1024;
/// Longest audit log record (one line), in bytes.
pub const MAX_LOG_RECORD_BYTES: usize = 4 * 1024 * 1024;

/// Largest expression once every helper it uses is expanded, in nodes. Helpers can refer to
/// helpers (`let b = a + a`), so without this bound a short policy could describe an
/// exponentially large computation; with it, every decision is linear in policy size.
pub const MAX_EXPANDED_NODES: u64 = 100_000;
/// Deepest expression once every helper it uses is expanded.
pub const MAX_EXPANDED_DEPTH: u32 = 512;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::number::Decimal;

    #[test]
    fn request_counts_fit_a_number_and_no_more() {
        for limit in [MAX_REQUEST_LINES, MAX_USAGE_COUNT] {
            assert!(Decimal::from_u64(limit).is_some());
            assert!(Decimal::from_u64(limit + 1).is_none());
        }
    }
}
