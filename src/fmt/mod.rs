//! The canonical formatter: the library part of `gavel fmt`.
//!
//! Policies are reviewed like code, so they should read alike whoever wrote them: there is one
//! layout, deterministic, with no options (like `gofmt`). The formatter prints the AST, never
//! patches the text, so the layout depends only on what the policy says, the author's blank
//! lines between items, and where comments sit.
//!
//! Comments are not in the AST (the grammar skips them); `comments` finds them in the source
//! and the `writer` threads them back between the printed lines, so that none is ever lost
//! or duplicated. [`format_source`] checks, before returning, that the result parses to the
//! same tree and holds the same comments, and refuses to return text that does not.
//!
//! [`print_bare`] is the same printer without comments and blank lines: the policy's spec hash
//! is computed over it, so edits to comments or layout never change the hash.
//!
//! Layout, in brief: two-space indentation in `{}` blocks and multi-line `[]` lists; lines fit
//! in 100 columns where a construct can break (conditions at their top-level `and`/`or`, path
//! lists, risk levels); one space around binary operators; the author's parentheses kept,
//! others added only where the text would otherwise mean something else.

mod blocks;
mod comments;
mod expr;
mod items;
mod outcome;
mod writer;

#[cfg(test)]
mod tests;

use crate::ast::{Expr, FileId, PolicyFile};
use crate::diagnostic::{Code, Diagnostic};
use crate::syntax::parse_file;
use items::Printer;
use writer::Writer;

/// Formats one policy file. Returns the parse diagnostics instead when the text does not
/// parse: a file with syntax errors is never reformatted.
///
/// Diagnostics refer to the text as [`FileId`]`(0)`. `file_name` names the file in the one
/// diagnostic the formatter makes itself: the (never expected) report that its output would
/// change the policy's meaning or lose a comment, in which case nothing is returned.
pub fn format_source(file_name: &str, text: &str) -> Result<String, Vec<Diagnostic>> {
    // A file `gavel check` refuses for a hidden character (E0008) is not formatted either:
    // `fmt --check` passing it would let it through a CI that only checks formatting.
    let mut hidden = Vec::new();
    crate::check::hidden_characters(FileId(0), text, &mut hidden);
    if !hidden.is_empty() {
        return Err(hidden);
    }
    let (file, diagnostics) = parse_file(FileId(0), text);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(diagnostics);
    }
    let formatted = format_file(&file, text);
    // The canonical layout may be longer than the author's (`let a=1` becomes `let a = 1`):
    // a file near the size limit can format to one over it, which every command would then
    // refuse (found by QA: reported as "internal formatter error: the formatted text does
    // not parse", its re-parse failing on the size limit).
    if formatted.len() > crate::limits::MAX_POLICY_FILE_BYTES {
        return Err(vec![
            Diagnostic::new(
                Code::TooLarge,
                crate::ast::Span::new(FileId(0), 0..0),
                format!(
                    "formatted, the file would be {} bytes, more than the limit of {}",
                    formatted.len(),
                    crate::limits::MAX_POLICY_FILE_BYTES
                ),
            )
            .with_help("split the policy into several `.gavel` files in the same directory"),
        ]);
    }
    let (reparsed, errors) = parse_file(FileId(0), &formatted);
    let problem = if !errors.is_empty() {
        Some("the formatted text does not parse")
    } else if reparsed != file {
        Some("the formatted text parses to a different policy")
    } else if comments::comment_multiset(text) != comments::comment_multiset(&formatted) {
        Some("the formatted text does not hold the same comments")
    } else {
        None
    };
    match problem {
        None => Ok(formatted),
        Some(problem) => Err(vec![
            Diagnostic::for_file(
                Code::Syntax,
                file_name,
                format!("internal formatter error: {problem}"),
            )
            .with_help("this is a bug in gavel; the file was left as it was; please report it"),
        ]),
    }
}

/// Prints a parsed file in the canonical layout, with the comments of `text`, the source it
/// was parsed from (the spans of `file` must point into it).
pub fn format_file(file: &PolicyFile, text: &str) -> String {
    let printer = Printer {
        w: Writer::new(text, comments::scan(text)),
    };
    let formatted = printer.file(file);
    debug_assert_eq!(
        comments::comment_multiset(text),
        comments::comment_multiset(&formatted),
        "the formatter lost or duplicated a comment"
    );
    formatted
}

/// Prints a file in the canonical layout without comments and without blank lines between
/// items: the text the policy's spec hash is computed over. Spans are not used, so a tree
/// built in code prints as well as a parsed one.
pub fn print_bare(file: &PolicyFile) -> String {
    let printer = Printer {
        w: Writer::new("", Vec::new()),
    };
    printer.file(file)
}

/// Prints one expression on one line, with the parentheses its tree needs (for messages and
/// explanations that quote a condition).
pub fn print_expr(expr: &Expr) -> String {
    expr::expr_text(expr)
}

/// `text`, an expression of a checked policy, as `gavel fmt` prints it on one line: how
/// decisions quote conditions and name unlabelled risk factors, so that they follow the
/// policy's meaning (its spec hash), not its layout or comments. It parses, having been
/// checked; were it not to, its own words, whitespace collapsed, are the best there is.
pub(crate) fn canonical_expr(text: &str) -> String {
    match crate::syntax::parse_interpolation(crate::ast::FileId(0), 0, text) {
        Ok(expr) => print_expr(&expr),
        Err(_) => text.split_whitespace().collect::<Vec<_>>().join(" "),
    }
}
