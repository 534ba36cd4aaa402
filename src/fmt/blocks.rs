//! Items with a body: `paths [..]`, `rule {..}`, `risk {..}`, `license {..}`, `halt {..}`.
//!
//! Brackets and braces have no spans in the tree, yet comments right after `{` or before `}`
//! must stay inside the block. So the opening bracket is found in the source as the next
//! token after the last spanned part before it, and the closing one is the item's last byte.

use std::ops::Range;

use super::comments::{byte_at, next_token};
use super::expr::{expr_text, write_string};
use super::items::{Printer, deeper, idents_range, range, width};
use super::outcome::{names, outcome_text, requirement_end, requirement_text};
use super::writer::MAX_WIDTH;
use crate::ast::{
    HaltClause, HaltDecl, Item, LicenseClause, LicenseDecl, PathSetDecl, RiskDecl, RiskLevel,
    RuleDecl,
};

impl Printer<'_> {
    /// `paths NAME ["a", "b"]` on one line when it fits and holds no comments, else one
    /// pattern per line, without commas.
    pub(crate) fn paths(&mut self, item: &Item, decl: &PathSetDecl) {
        let (start, end) = (
            item.span.start as usize,
            self.w.trim_end(item.span.end as usize),
        );
        let open = self.opening(decl.name.span.end as usize, b'[');
        let close = end.saturating_sub(1);
        let patterns: Vec<String> = decl
            .patterns
            .iter()
            .map(|p| {
                let mut out = String::new();
                write_string(&mut out, &p.raw);
                out
            })
            .collect();
        let one_line = format!("paths {} [{}]", decl.name.value, patterns.join(", "));
        let commented = self.w.has_comment_in(open..close);
        if !commented && width(&one_line) <= MAX_WIDTH {
            self.w.line(0, one_line, start..end);
            return;
        }
        self.w
            .line(0, format!("paths {} [", decl.name.value), start..open);
        for (pattern, text) in decl.patterns.iter().zip(patterns) {
            self.w.line(deeper(0), text, range(pattern.span));
        }
        self.w.close(0, "]", close..end, deeper(0));
    }

    /// `rule NAME "title" {`, `when`, `then`, `}`.
    pub(crate) fn rule(&mut self, item: &Item, decl: &RuleDecl) {
        let (start, end) = (
            item.span.start as usize,
            self.w.trim_end(item.span.end as usize),
        );
        let mut header = format!("rule {}", decl.name.value);
        let mut header_end = decl.name.span.end;
        if let Some(title) = &decl.title {
            header.push(' ');
            write_string(&mut header, &title.raw);
            header_end = title.span.end;
        }
        header.push_str(" {");
        let open = self.opening(header_end as usize, b'{');
        self.w.line(0, header, start..open);
        let inner = deeper(0);
        let cond = range(decl.condition.span);
        self.condition(inner, "when ", &decl.condition, "", cond);
        let then = format!("then {}", outcome_text(&decl.outcome.kind));
        self.w.line(inner, then, range(decl.outcome.span));
        self.w.close(0, "}", end.saturating_sub(1)..end, inner);
    }

    /// `risk {`, one factor per line, the levels, `}`.
    pub(crate) fn risk(&mut self, item: &Item, decl: &RiskDecl) {
        let (start, end) = (
            item.span.start as usize,
            self.w.trim_end(item.span.end as usize),
        );
        let open = self.opening(start + "risk".len(), b'{');
        let close = end.saturating_sub(1);
        if decl.factors.is_empty() && decl.levels.is_empty() && !self.w.has_comment_in(open..close)
        {
            self.w.line(0, "risk {}".to_string(), start..end);
            return;
        }
        self.w.line(0, "risk {".to_string(), start..open);
        let inner = deeper(0);
        let weights: Vec<String> = decl.factors.iter().map(|f| expr_text(&f.weight)).collect();
        for (i, factor) in decl.factors.iter().enumerate() {
            let prefix = format!("{} when ", weights.get(i).map_or("", String::as_str));
            let mut suffix = String::new();
            if let Some(label) = &factor.label {
                suffix.push_str(" as ");
                write_string(&mut suffix, &label.raw);
            } else if weights
                .get(i + 1)
                .is_some_and(|next| next.starts_with(['-', '(']))
            {
                // Without `;`, `when a` + `-0.2 when b` reads as `when a - 0.2 ...`, and
                // `when f` + `(0.2) when b` as a call `f(0.2)`.
                suffix.push(';');
            }
            self.condition(
                inner,
                &prefix,
                &factor.condition,
                &suffix,
                range(factor.span),
            );
        }
        if !decl.levels.is_empty() {
            let after = decl.factors.last().map_or(open, |f| f.span.end as usize);
            self.levels(&decl.levels, after);
        }
        self.w.close(0, "}", close..end, inner);
    }

    /// `levels { high >= 0.6, medium >= 0.3, low }`, or one level per line (each followed by
    /// a comma) when it is too wide or holds comments.
    fn levels(&mut self, levels: &[RiskLevel], after: usize) {
        let source = self.w.source();
        let inner = deeper(0);
        let mut keyword = next_token(source, after);
        if byte_at(source, keyword) == Some(b';') {
            keyword = next_token(source, keyword + 1);
        }
        let first_start = levels
            .first()
            .map_or(keyword, |l| l.name.span.start as usize);
        let open = self
            .opening(keyword + "levels".len(), b'{')
            .min(first_start);
        let last_end = levels.last().map_or(open, level_end);
        let mut close = next_token(source, last_end);
        if byte_at(source, close) == Some(b',') {
            close = next_token(source, close + 1);
        }
        let close_end = if byte_at(source, close) == Some(b'}') {
            close + 1
        } else {
            close = last_end;
            last_end
        };
        let texts: Vec<String> = levels.iter().map(level_text).collect();
        let one_line = format!("levels {{ {} }}", texts.join(", "));
        let commented = self.w.has_comment_in(open..close);
        if !commented && inner + width(&one_line) <= MAX_WIDTH {
            self.w.line(inner, one_line, keyword..close_end);
            return;
        }
        self.w.line(inner, "levels {".to_string(), keyword..open);
        for (level, text) in levels.iter().zip(texts) {
            let start = level.name.span.start as usize;
            self.w
                .line(deeper(inner), format!("{text},"), start..level_end(level));
        }
        self.w.close(inner, "}", close..close_end, deeper(inner));
    }

    /// `license TIER {`, one clause per line, `}`; `license TIER {}` when empty.
    pub(crate) fn license(&mut self, item: &Item, decl: &LicenseDecl) {
        let clauses = decl
            .clauses
            .iter()
            .map(|clause| match clause {
                LicenseClause::Environments(ids) => {
                    (format!("environments {}", names(ids)), idents_range(ids))
                }
                LicenseClause::Features(ids) => {
                    (format!("features {}", names(ids)), idents_range(ids))
                }
                LicenseClause::Limit {
                    counter,
                    max,
                    actions,
                } => (
                    match actions.is_empty() {
                        true => format!("limit {} {}", counter.value, max.value),
                        false => format!(
                            "limit {} {} for {}",
                            counter.value,
                            max.value,
                            names(actions)
                        ),
                    },
                    counter.span.start as usize
                        ..actions.last().map_or(max.span.end, |a| a.span.end) as usize,
                ),
            })
            .collect();
        let header = format!("license {}", decl.name.value);
        self.block(item, &header, decl.name.span.end as usize, clauses);
    }

    /// `halt {`, one clause per line, `}`; `halt {}` when empty.
    pub(crate) fn halt(&mut self, item: &Item, decl: &HaltDecl) {
        let clauses = decl
            .clauses
            .iter()
            .map(|clause| match clause {
                HaltClause::By { roles, humans_only } => (
                    format!("by {}{}", names(roles), humans_only_text(*humans_only)),
                    idents_range(roles),
                ),
                HaltClause::ResumeBy { roles, humans_only } => (
                    format!(
                        "resume by {}{}",
                        names(roles),
                        humans_only_text(*humans_only)
                    ),
                    idents_range(roles),
                ),
                HaltClause::ResumeRequire(requirement) => (
                    format!("resume {}", requirement_text(requirement)),
                    requirement.count.span.start as usize..requirement_end(requirement),
                ),
            })
            .collect();
        self.block(
            item,
            "halt",
            item.span.start as usize + "halt".len(),
            clauses,
        );
    }

    /// `HEADER {` + one line per clause + `}`, or `HEADER {}` when there is nothing inside.
    /// `header_end` is where the header's last token ends in the source.
    fn block(
        &mut self,
        item: &Item,
        header: &str,
        header_end: usize,
        clauses: Vec<(String, Range<usize>)>,
    ) {
        let (start, end) = (
            item.span.start as usize,
            self.w.trim_end(item.span.end as usize),
        );
        let open = self.opening(header_end, b'{');
        let close = end.saturating_sub(1);
        if clauses.is_empty() && !self.w.has_comment_in(open..close) {
            self.w.line(0, format!("{header} {{}}"), start..end);
            return;
        }
        self.w.line(0, format!("{header} {{"), start..open);
        for (text, src) in clauses {
            self.w.line(deeper(0), text, src);
        }
        self.w.close(0, "}", close..end, deeper(0));
    }

    /// The offset just past the bracket `expected` that follows `after` in the source, or
    /// `after` itself when it is not there (printing without source).
    fn opening(&self, after: usize, expected: u8) -> usize {
        let at = next_token(self.w.source(), after);
        if byte_at(self.w.source(), at) == Some(expected) {
            at + 1
        } else {
            after
        }
    }
}

/// `high >= 0.6` or the catch-all `low`.
fn level_text(level: &RiskLevel) -> String {
    match &level.threshold {
        Some(threshold) => format!("{} >= {}", level.name.value, threshold.value),
        None => level.name.value.clone(),
    }
}

/// Where a level ends in the source.
fn level_end(level: &RiskLevel) -> usize {
    let end = level.threshold.as_ref().map_or(level.name.span, |t| t.span);
    end.end as usize
}

/// ` humans_only` after a halt clause's roles, when it has it.
fn humans_only_text(humans_only: bool) -> &'static str {
    if humans_only { " humans_only" } else { "" }
}
