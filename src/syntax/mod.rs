//! Text to AST. The only module that knows pest exists.
//!
//! [`parse_file`] reports every syntax error it can find, not just the first: when pest
//! fails, the file is cut at top-level declarations (lines that start, unindented and outside
//! any bracket, with a declaration keyword) and each piece is parsed on its own.

mod depth;
mod errors;
mod lower;
mod lower_expr;
mod parser;
mod string;

use pest::Parser as _;

use crate::ast::{Expr, FileId, PolicyFile, Span};
use crate::diagnostic::{Code, Diagnostic};
use crate::limits::{MAX_NESTING_DEPTH, MAX_POLICY_FILE_BYTES};
use lower::Lowerer;
use parser::{GavelParser, Rule};

pub use string::escape;

/// Parses one policy file. Always returns the items it could read, with every problem found.
pub fn parse_file(file: FileId, text: &str) -> (PolicyFile, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let empty = PolicyFile {
        file,
        items: Vec::new(),
    };
    if text.len() > MAX_POLICY_FILE_BYTES {
        diagnostics.push(
            Diagnostic::new(
                Code::TooLarge,
                Span::new(file, 0..0),
                format!(
                    "policy file is {} bytes, more than the limit of {MAX_POLICY_FILE_BYTES}",
                    text.len()
                ),
            )
            .with_help("split the policy into several `.gavel` files in the same directory"),
        );
        return (empty, diagnostics);
    }
    if let Some(range) = depth::find_excess_nesting(text, MAX_NESTING_DEPTH) {
        diagnostics.push(too_deep(Span::new(file, range)));
        return (empty, diagnostics);
    }
    match parse(Rule::file, text) {
        Ok(mut pairs) => {
            let mut lowerer = Lowerer {
                file,
                offset: 0,
                diagnostics: Vec::new(),
            };
            let items = pairs.next().map(|p| lowerer.items(p)).unwrap_or_default();
            (PolicyFile { file, items }, lowerer.diagnostics)
        }
        Err(whole_error) => {
            let (items, mut diagnostics) = parse_in_pieces(file, text);
            if !diagnostics.iter().any(|d| d.code == Code::Syntax) {
                // The pieces parsed where the whole did not: trust the whole file's error.
                diagnostics.push(errors::syntax_error(file, 0, text, &whole_error));
            }
            (items, diagnostics)
        }
    }
}

/// Parses `text` as `rule`. A failed parse is parsed again with pest's error detail on, which
/// records every token tried at the farthest position reached: pest's own error stops at the
/// last rule it tried, so `then block "b" junk }` blamed the `block` keyword instead of
/// `junk` (a `}` was expected there). Only a failed parse pays for the detail.
///
/// The detail switch is global to the process: the switching and the detailed parse happen
/// under one lock, so that two failed parses on two threads cannot turn it off under each
/// other (which would make a diagnostic depend on what another thread was doing).
fn parse(
    rule: Rule,
    text: &str,
) -> Result<pest::iterators::Pairs<'_, Rule>, pest::error::Error<Rule>> {
    static DETAIL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    GavelParser::parse(rule, text).map_err(|error| {
        let _detail = DETAIL.lock().unwrap_or_else(|e| e.into_inner());
        pest::set_error_detail(true);
        let detailed = GavelParser::parse(rule, text).err();
        pest::set_error_detail(false);
        detailed.unwrap_or(error)
    })
}

/// Whether `text` is, whole, a name the grammar takes (for a role, a set, a rule...): an
/// identifier that is not a reserved word.
/// E0004 at `span`, where the nesting pre-scan found an expression nested too deeply.
fn too_deep(span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::TooDeep,
        span,
        format!("expression is nested more than {MAX_NESTING_DEPTH} levels deep"),
    )
    .with_label("nesting limit reached here")
    .with_help("split deep conditions into `let` helpers")
}

pub(crate) fn is_name(text: &str) -> bool {
    GavelParser::parse(Rule::name, text)
        .ok()
        .and_then(|mut pairs| pairs.next())
        .is_some_and(|pair| pair.as_str().len() == text.len())
}

/// Parses each top-level piece separately so one syntax error does not hide the next.
fn parse_in_pieces(file: FileId, text: &str) -> (PolicyFile, Vec<Diagnostic>) {
    let mut lowerer = Lowerer {
        file,
        offset: 0,
        diagnostics: Vec::new(),
    };
    let mut items = Vec::new();
    let pieces = piece_boundaries(text);
    let mut next = 0;
    while let Some(first) = pieces.get(next) {
        next += 1;
        let mut range = first.clone();
        // A piece whose parse fails at its very end may have been cut too early: a
        // declaration keyword began a line inside it (`let x = a and` / `risk > 5`). It is
        // parsed once more together with the piece after it: valid code then gets no false
        // errors (found by QA). Only once, and kept only when that parses or fails at its
        // own end: a merge per piece would parse the file over and over (quadratic, found by
        // QA: minutes for a 30 KB file), and a merged error inside the next piece would
        // blame valid code there and hide that piece's own errors.
        let piece = text.get(range.clone()).unwrap_or("");
        // The nesting pre-scan ran over the whole file, whose strings may run across lines
        // (`"\` ending a line escapes its newline): a piece starting inside such a string
        // was not scanned as code, so it is scanned on its own (found by QA: pest then gave
        // up with "expected stack limit reached" on 100,000 `(`).
        if let Some(deep) = depth::find_excess_nesting(piece, MAX_NESTING_DEPTH) {
            lowerer.diagnostics.push(too_deep(Span::new(
                file,
                range.start + deep.start..range.start + deep.end,
            )));
            continue;
        }
        let mut result = parse(Rule::file, piece);
        if let (Err(error), Some(following)) = (&result, pieces.get(next))
            && ends_early(piece, error)
        {
            let merged = range.start..following.end;
            let merged_text = text.get(merged.clone()).unwrap_or("");
            let merged_result = match depth::find_excess_nesting(merged_text, MAX_NESTING_DEPTH) {
                Some(_) => result.clone(),
                None => parse(Rule::file, merged_text),
            };
            match merged_result {
                Err(e) if !ends_early(merged_text, &e) => {}
                merged_result => {
                    result = merged_result;
                    range = merged;
                    next += 1;
                }
            }
        }
        lowerer.offset = range.start;
        match result {
            Ok(mut pairs) => {
                if let Some(p) = pairs.next() {
                    items.extend(lowerer.items(p));
                }
            }
            Err(error) => {
                let piece = text.get(range.clone()).unwrap_or("");
                let mut diagnostic = errors::syntax_error(file, range.start, piece, &error);
                // The end of a piece is not the end of the file: name what comes next.
                if range.end < text.len()
                    && let Some(rest) = diagnostic.message.strip_prefix("unexpected end of file")
                {
                    let (next_word, at) = errors::shown_found(text, range.end);
                    diagnostic.message = format!("unexpected {next_word}{rest}");
                    if let Some(primary) = &mut diagnostic.primary {
                        primary.span = Span::new(file, at);
                    }
                }
                lowerer.diagnostics.push(diagnostic);
            }
        }
    }
    (PolicyFile { file, items }, lowerer.diagnostics)
}

/// Whether `error` is at the end of `piece`, with nothing but whitespace and comments after
/// it.
fn ends_early(piece: &str, error: &pest::error::Error<Rule>) -> bool {
    let (pos, _) = errors::error_position(error);
    piece.get(pos..).is_some_and(|rest| {
        rest.lines()
            .all(|line| line.trim().is_empty() || line.trim_start().starts_with('#'))
    })
}

pub(crate) const DECLARATION_KEYWORDS: &[&str] = &[
    "policy",
    "environments",
    "roles",
    "approver",
    "paths",
    "attribute",
    "let",
    "risk",
    "license",
    "default",
    "rule",
    "halt",
    "override",
    "actions",
    "kinds",
    "signer",
];

/// Byte ranges of the file, cut before each unindented declaration keyword at bracket depth 0.
fn piece_boundaries(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut starts = vec![0];
    let mut depth: i64 = 0;
    let mut offset = 0;
    // Whether the last line with code ends where an operand must follow (`let x = a and`):
    // a declaration keyword starting the next line (`risk > 5`) continues it (found by QA:
    // cutting there reported valid code).
    let mut continued = false;
    for line in text.split_inclusive('\n') {
        let first_word: String = line
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        // (`risk` and `license` are declaration keywords that are also facts an expression
        // reads: `risk > 5`, `license.tier == pro`; found by QA.)
        let fact = first_word == "risk"
            || line
                .get(first_word.len()..)
                .is_some_and(|r| r.starts_with('.'));
        if offset > 0
            && depth <= 0
            && !(continued && fact)
            && DECLARATION_KEYWORDS.contains(&first_word.as_str())
        {
            starts.push(offset);
            depth = 0;
        }
        depth += bracket_balance(line);
        offset += line.len();
        let code = line.split('#').next().unwrap_or("").trim_end();
        if !code.trim().is_empty() {
            continued = ends_wanting_an_operand(code);
        }
    }
    let mut ranges = Vec::new();
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(text.len());
        ranges.push(start..end);
    }
    ranges
}

/// Whether a line of code ends with an operator or separator that must be followed by more
/// (`and`, `or`, `not`, `=`, a comparison, `+`, `,`...). A `#` inside a string cut off by
/// the caller's comment split only makes this answer `false`, which keeps the cut as before.
fn ends_wanting_an_operand(code: &str) -> bool {
    const WORDS: [&str; 3] = ["and", "or", "not"];
    const SIGNS: [&str; 12] = [
        "==", "!=", "<=", ">=", "=", "<", ">", "+", "-", "*", ",", "(",
    ];
    let last_word = code
        .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .next()
        .unwrap_or("");
    (WORDS.contains(&last_word) && code.len() > last_word.len())
        || SIGNS.iter().any(|sign| code.ends_with(sign))
}

/// Opening minus closing brackets on a line, ignoring strings, regexes and comments.
fn bracket_balance(line: &str) -> i64 {
    errors::brackets(line)
        .map(|(_, c)| if matches!(c, '(' | '[' | '{') { 1 } else { -1 })
        .sum()
}

/// Parses the expression inside a `{...}` message interpolation. `offset` is where `text`
/// starts in the file, so diagnostics point into the message.
pub fn parse_interpolation(
    file: FileId,
    offset: usize,
    text: &str,
) -> Result<Expr, Vec<Diagnostic>> {
    if let Some(range) = depth::find_excess_nesting(text, MAX_NESTING_DEPTH) {
        return Err(vec![Diagnostic::new(
            Code::TooDeep,
            Span::new(file, offset + range.start..offset + range.end),
            "interpolation is nested too deeply",
        )]);
    }
    match parse(Rule::interpolation, text) {
        Ok(mut pairs) => {
            let mut lowerer = Lowerer {
                file,
                offset,
                diagnostics: Vec::new(),
            };
            let expr = pairs.next().map(|p| lowerer.expr(p));
            match expr {
                Some(Ok(e)) if lowerer.diagnostics.is_empty() => Ok(e),
                _ => Err(lowerer.diagnostics),
            }
        }
        Err(error) => Err(vec![errors::syntax_error(file, offset, text, &error)]),
    }
}
