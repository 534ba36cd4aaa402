//! Checking: from parsed files to a [`CheckedPolicy`], or every problem found on the way.
//!
//! The checker never stops at the first error. It resolves every name, types every
//! expression, validates every glob and regex, and then looks for things that compile but
//! are probably mistakes (warnings): unused declarations, gates no declared approver can
//! satisfy, approvers without keys, and (with a repository) globs that match nothing.

mod declarations;
mod expansion;
mod expr;
mod expr_ops;
mod helpers;
mod keys;
mod message;
mod names;
mod patterns;
mod repo;
mod structure;
mod warnings;

use std::collections::BTreeSet;

use crate::ast::PolicyFile;
use crate::checked::CheckedPolicy;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::SourceSet;

pub use patterns::build_regex;
pub use repo::{stale_glob_warnings, tracked_files};

/// The result of checking a policy.
#[derive(Debug)]
pub struct CheckResult {
    /// The checked policy, when there were no errors.
    pub policy: Option<CheckedPolicy>,
    /// Every error and warning, in file and position order.
    pub diagnostics: Vec<Diagnostic>,
}

impl CheckResult {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Parses and checks every file of a policy.
pub fn check(sources: &SourceSet) -> CheckResult {
    let mut diagnostics = Vec::new();
    let mut files = Vec::new();
    if sources.is_empty() {
        diagnostics.push(
            Diagnostic::for_file(Code::NoFiles, "(policy)", "no policy files")
                .with_help("put `.gavel` files in the policy directory, or run `gavel init`"),
        );
        return CheckResult {
            policy: None,
            diagnostics,
        };
    }
    // As the loader refuses a directory of more files (`load`), so for sources given in
    // code (`Policy::from_sources`): the limits hold however a policy arrives.
    if sources.len() > crate::limits::MAX_POLICY_FILES {
        diagnostics.push(
            Diagnostic::for_file(
                Code::TooLarge,
                "(policy)",
                format!(
                    "the policy has {} files, more than the limit of {}",
                    sources.len(),
                    crate::limits::MAX_POLICY_FILES
                ),
            )
            .with_help("merge files"),
        );
        return CheckResult {
            policy: None,
            diagnostics,
        };
    }
    for (id, file) in sources.iter() {
        let hidden_from = diagnostics.len();
        hidden_characters(id, &file.text, &mut diagnostics);
        let hidden_at: Vec<u32> = diagnostics
            .get(hidden_from..)
            .unwrap_or_default()
            .iter()
            .filter_map(|d| d.primary.as_ref().map(|p| p.span.start))
            .collect();
        let (parsed, parse_diagnostics) = crate::syntax::parse_file(id, &file.text);
        // A syntax error at a character E0008 already reports is that one mistake again.
        diagnostics.extend(parse_diagnostics.into_iter().filter(|d| {
            d.code != Code::Syntax
                || d.primary
                    .as_ref()
                    .is_none_or(|p| !hidden_at.contains(&p.span.start))
        }));
        files.push(parsed);
    }
    if diagnostics.iter().any(Diagnostic::is_error) {
        // Name and type errors in a file that does not parse would mostly be echoes of the
        // syntax errors; report those alone.
        sort(sources, &mut diagnostics);
        return CheckResult {
            policy: None,
            diagnostics,
        };
    }
    check_files(sources, &files, diagnostics)
}

/// Checks already parsed files (used by [`check`] and by the formatter's equivalence tests).
pub fn check_files(
    sources: &SourceSet,
    files: &[PolicyFile],
    mut diagnostics: Vec<Diagnostic>,
) -> CheckResult {
    let decls = declarations::collect(files, &mut diagnostics);
    let mut required = BTreeSet::new();
    let policy = structure::build(sources, &decls, &mut required, &mut diagnostics);
    let policy = policy.map(|mut p| {
        p.spec_hash = spec_hash(sources, files);
        p
    });
    if let Some(policy) = &policy {
        warnings::report(policy, &decls, &mut diagnostics);
    }
    sort(sources, &mut diagnostics);
    let has_errors = diagnostics.iter().any(Diagnostic::is_error);
    CheckResult {
        policy: if has_errors { None } else { policy },
        diagnostics,
    }
}

/// The spec hash: SHA-256 over a versioned header and, for each file in name order, its
/// base name and its canonical text without comments or blank lines
/// ([`crate::fmt::print_bare`]). Reformatting or editing comments never changes it; any
/// change of meaning does. Files are framed by their lengths, so no two different policies
/// hash the same input.
pub fn spec_hash(sources: &SourceSet, files: &[PolicyFile]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut ordered: Vec<(&str, String)> = files
        .iter()
        .map(|file| {
            let name = sources
                .get(file.file)
                .map(|f| f.name.as_str())
                .unwrap_or("");
            let base = std::path::Path::new(name)
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or(name);
            (base, crate::fmt::print_bare(file))
        })
        .collect();
    ordered.sort();
    let mut hasher = Sha256::new();
    hasher.update(b"gavel-spec-v1\n");
    for (name, text) in ordered {
        hasher.update(format!("{}:{name}\n{}:", name.len(), text.len()).as_bytes());
        hasher.update(text.as_bytes());
    }
    hasher.finalize().into()
}

/// Orders diagnostics by file, then position, errors before warnings at the same place.
fn sort(sources: &SourceSet, diagnostics: &mut [Diagnostic]) {
    let _ = sources;
    diagnostics.sort_by_key(|d| {
        let (file, start) = d
            .primary
            .as_ref()
            .map_or((u32::MAX, 0), |p| (p.span.file.0, p.span.start));
        (file, start, std::cmp::Reverse(d.severity()))
    });
}

/// E0008 for each character of `text` that displays as something else: a control other than
/// tab and line breaks, a bidirectional control, an invisible format character. In a comment,
/// a string or a title, such a character makes the policy read differently to a reviewer
/// than to gavel ("Trojan Source": `actor.id == "admin\u{202e}"` looks like another
/// comparison), and nothing a policy says needs one. One diagnostic per line, for the first.
pub(crate) fn hidden_characters(
    file: crate::ast::FileId,
    text: &str,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let (mut line, mut counted_to, mut reported) = (0usize, 0usize, None);
    for (at, c, what) in crate::quote::hidden_in_text(text) {
        line += text
            .get(counted_to..at)
            .map_or(0, |t| t.matches('\n').count());
        counted_to = at;
        if reported == Some(line) {
            continue;
        }
        reported = Some(line);
        diagnostics.push(
            Diagnostic::new(
                Code::HiddenCharacter,
                crate::ast::Span::new(file, at..at + c.len_utf8()),
                format!("{what} (U+{:04X}) in the policy text", u32::from(c)),
            )
            .with_label("shown here as a placeholder")
            .with_help("remove it; a policy has no use for a character that cannot be seen"),
        );
    }
}
