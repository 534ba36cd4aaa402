//! The printer's walk over a file: top-level items, the one-line ones printed here, the
//! blocks in `blocks.rs`.

use std::fmt::Write as _;
use std::ops::Range;

use super::expr::{chain_operands, expr_text, write_path, write_string};
use super::outcome::{names, outcome_text};
use super::writer::{INDENT, MAX_WIDTH, Writer};
use crate::ast::{ApproverDecl, AttributeDecl, Expr, Ident, Item, ItemKind, PolicyFile, Span};

/// Extra indentation of the continuation lines of a broken condition, relative to the line
/// that starts it (`when`, `let`, a risk factor).
pub(crate) const CONTINUATION: usize = 4;

/// Prints a file through a [`Writer`].
pub(crate) struct Printer<'a> {
    pub(crate) w: Writer<'a>,
}

impl<'a> Printer<'a> {
    /// Prints every item, then the comments after the last one.
    pub(crate) fn file(mut self, file: &PolicyFile) -> String {
        for item in &file.items {
            self.w.top_level(item.span.start as usize);
            self.item(item);
        }
        self.w.finish()
    }

    fn item(&mut self, item: &Item) {
        let src = item.span.range();
        let text = match &item.kind {
            ItemKind::Policy(name) => {
                let mut out = "policy ".to_string();
                write_string(&mut out, &name.raw);
                out
            }
            ItemKind::Environments(envs) => {
                let order: Vec<&str> = envs.iter().map(|e| e.value.as_str()).collect();
                format!("environments {}", order.join(" -> "))
            }
            ItemKind::Roles(ids) => format!("roles {}", names(ids)),
            ItemKind::Actions(ids) => format!("actions {}", names(ids)),
            ItemKind::Kinds(ids) => format!("kinds {}", names(ids)),
            ItemKind::Approver(approver) => approver_text(approver),
            ItemKind::Signer(signer) => {
                let mut out = "signer ".to_string();
                write_string(&mut out, &signer.name.raw);
                out.push_str(" key ");
                write_string(&mut out, &signer.key.raw);
                out
            }
            ItemKind::Attribute(attribute) => attribute_text(attribute),
            ItemKind::LicenseAuthority(key) => {
                let mut out = "license authority key ".to_string();
                write_string(&mut out, &key.raw);
                out
            }
            ItemKind::Default(outcome) => format!("default {}", outcome_text(&outcome.kind)),
            ItemKind::Override(ids) => format!("override by {}", names(ids)),
            ItemKind::Let(decl) => {
                let prefix = format!("let {} = ", decl.name.value);
                self.condition(0, &prefix, &decl.value, "", src);
                return;
            }
            ItemKind::Paths(decl) => return self.paths(item, decl),
            ItemKind::Risk(decl) => return self.risk(item, decl),
            ItemKind::License(decl) => return self.license(item, decl),
            ItemKind::Rule(decl) => return self.rule(item, decl),
            ItemKind::Halt(decl) => return self.halt(item, decl),
        };
        self.w.line(0, text, src);
    }

    /// Prints `PREFIX COND SUFFIX` as one line at `indent`, or, when the condition is an
    /// `and`/`or` chain that is too wide or has comments between its operands, as one line
    /// per operand, continuation lines starting with the operator, [`CONTINUATION`] deeper.
    ///
    /// Comments inside the first operand do not force a break: they are hoisted above the
    /// line either way, so counting them would break the condition the first time and not
    /// the second, and formatting would not be idempotent.
    pub(crate) fn condition(
        &mut self,
        indent: usize,
        prefix: &str,
        cond: &Expr,
        suffix: &str,
        src: Range<usize>,
    ) {
        let flat = expr_text(cond);
        let fits = indent + width(prefix) + width(&flat) + width(suffix) <= MAX_WIDTH;
        if let Some((keyword, operands)) = chain_operands(cond) {
            let first_end = operands
                .first()
                .map_or(src.end, |(op, _)| self.w.trim_end(op.span.end as usize));
            let cond_end = self.w.trim_end(cond.span.end as usize);
            let commented = self.w.has_comment_in(first_end..cond_end);
            if !fits || commented {
                let count = operands.len();
                for (i, (operand, text)) in operands.into_iter().enumerate() {
                    let last = i + 1 == count;
                    let line_end = if last {
                        src.end
                    } else {
                        operand.span.end as usize
                    };
                    let (line_indent, mut line) = if i == 0 {
                        (indent, format!("{prefix}{text}"))
                    } else {
                        (indent + CONTINUATION, format!("{keyword} {text}"))
                    };
                    if last {
                        line.push_str(suffix);
                    }
                    let line_start = if i == 0 {
                        src.start
                    } else {
                        operand.span.start as usize
                    };
                    self.w.line(line_indent, line, line_start..line_end);
                }
                return;
            }
        }
        self.w.line(indent, format!("{prefix}{flat}{suffix}"), src);
    }
}

/// `approver "id" roles a, b agent key "..."`: clauses in one fixed order.
fn approver_text(approver: &ApproverDecl) -> String {
    let mut out = "approver ".to_string();
    write_string(&mut out, &approver.id.raw);
    let _ = write!(out, " roles {}", names(&approver.roles));
    if approver.agent.is_some() {
        out.push_str(" agent");
    }
    if let Some(key) = &approver.key {
        out.push_str(" key ");
        write_string(&mut out, &key.raw);
    }
    out
}

/// `attribute a.b: list<string> = default`.
fn attribute_text(attribute: &AttributeDecl) -> String {
    let mut out = "attribute ".to_string();
    write_path(&mut out, &attribute.name);
    let _ = write!(out, ": {}", attribute.ty.value.as_str());
    if let Some(default) = &attribute.default {
        let _ = write!(out, " = {}", expr_text(default));
    }
    out
}

/// Display width in columns, counting each character as one.
pub(crate) fn width(text: &str) -> usize {
    text.chars().count()
}

/// One indentation level deeper than `indent`.
pub(crate) fn deeper(indent: usize) -> usize {
    indent + INDENT
}

/// The source range from the first to the last of `ids` (empty when there are none).
pub(crate) fn idents_range(ids: &[Ident]) -> Range<usize> {
    match (ids.first(), ids.last()) {
        (Some(first), Some(last)) => first.span.start as usize..last.span.end as usize,
        _ => 0..0,
    }
}

/// The source range of `span`.
pub(crate) fn range(span: Span) -> Range<usize> {
    span.range()
}
