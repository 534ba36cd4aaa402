//! Checked expressions: names resolved, types known.
//!
//! Both evaluators consume this tree. The compiled evaluator (`crate::eval`) precomputes
//! per-request facts (set membership bitmasks, per-set counts) and evaluates a tree compiled
//! from it; the reference interpreter (`crate::eval::reference`) walks it directly, matching
//! every glob one by one. Keeping one checked form makes the two comparable.

use super::facts::{Fact, FileFact};
use super::types::{Type, Value};
use crate::ast::{ArithOp, CompareOp, Quantifier, Span};

/// Index of a path set in [`super::CheckedPolicy::sets`] (named or inline).
pub type SetId = usize;
/// Index of a regex in [`super::CheckedPolicy::regexes`].
pub type RegexId = usize;
/// Index of an attribute in [`super::CheckedPolicy::attributes`].
pub type AttrId = usize;
/// Index of a helper in [`super::CheckedPolicy::helpers`].
pub type HelperId = usize;

/// A checked expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CExpr {
    /// What it computes.
    pub kind: CExprKind,
    /// Its type.
    pub ty: Type,
    /// Where it was written.
    pub span: Span,
}

impl CExpr {
    /// The expressions it is made of, one level down: operands, items, branches, and the
    /// condition of a per-file `where`. A helper's body is not among them (it is the
    /// helper's, reached through [`super::CheckedPolicy::helpers`]).
    pub fn children(&self) -> Vec<&CExpr> {
        match &self.kind {
            CExprKind::Lit(_)
            | CExprKind::Fact(_)
            | CExprKind::FileFact(_)
            | CExprKind::Attr(_)
            | CExprKind::Helper(_)
            | CExprKind::ActorIs(_)
            | CExprKind::ActorHasRole(_) => vec![],
            CExprKind::Neg(e) | CExprKind::Lower(e) | CExprKind::Not(e) => vec![e],
            CExprKind::Arith(_, a, b) | CExprKind::Compare(_, a, b) => vec![a, b],
            CExprKind::Min(items)
            | CExprKind::Max(items)
            | CExprKind::And(items)
            | CExprKind::Or(items) => items.iter().collect(),
            CExprKind::StrTest { value, needle, .. } => vec![value, needle],
            CExprKind::GlobMatch { value, .. }
            | CExprKind::InSet { value, .. }
            | CExprKind::RegexMatch { value, .. } => vec![value],
            CExprKind::InList { value, list } => vec![value, list],
            CExprKind::If(c, t, o) => vec![c, t, o],
            CExprKind::Quantifier(_, filter) | CExprKind::Count(filter) => match filter {
                FileFilter::Where(e) => vec![e],
                FileFilter::Set(_) | FileFilter::Regex(_) => vec![],
            },
        }
    }
}

/// Checked expression forms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CExprKind {
    /// A constant.
    Lit(Value),
    /// A request fact.
    Fact(Fact),
    /// A fact of the current file (only inside `where`).
    FileFact(FileFact),
    /// A declared attribute.
    Attr(AttrId),
    /// A `let` helper.
    Helper(HelperId),
    /// `-x`.
    Neg(Box<CExpr>),
    /// `a + b`, `a - b`, `a * b`.
    Arith(ArithOp, Box<CExpr>, Box<CExpr>),
    /// `min(..)`.
    Min(Vec<CExpr>),
    /// `max(..)`.
    Max(Vec<CExpr>),
    /// `lower(s)`.
    Lower(Box<CExpr>),
    /// Comparison of two operands of the same type.
    Compare(CompareOp, Box<CExpr>, Box<CExpr>),
    /// `s contains t`, `s starts_with t`, `s ends_with t`; with `any`, `t` is a list and the
    /// test holds when it holds for some element.
    StrTest {
        /// Which test.
        op: StrTest,
        /// Whether the right side is a list tested with `any`.
        any: bool,
        /// The string tested.
        value: Box<CExpr>,
        /// The needle (or list of needles).
        needle: Box<CExpr>,
    },
    /// `s matches "glob"` / `s matches any ["g1", "g2"]`: the globs form an inline set.
    GlobMatch {
        /// The string matched.
        value: Box<CExpr>,
        /// The inline set holding the globs.
        set: SetId,
    },
    /// `s matches /re/` / `s matches any [/a/, /b/]`.
    RegexMatch {
        /// The string matched.
        value: Box<CExpr>,
        /// Regexes; the test holds when any matches.
        regexes: Vec<RegexId>,
    },
    /// `x in [..]` or `x in attr.list`, and `list contains x` on lists.
    InList {
        /// The element looked for.
        value: Box<CExpr>,
        /// The list.
        list: Box<CExpr>,
    },
    /// `s in SET`: whether the string matches a glob of a path set.
    InSet {
        /// The string (usually `path`).
        value: Box<CExpr>,
        /// The set.
        set: SetId,
    },
    /// `not c`.
    Not(Box<CExpr>),
    /// `a and b ...` (short-circuit, left to right).
    And(Vec<CExpr>),
    /// `a or b ...` (short-circuit, left to right).
    Or(Vec<CExpr>),
    /// `if c then a else b`.
    If(Box<CExpr>, Box<CExpr>, Box<CExpr>),
    /// `any/all/no file(s) FILTER`. The filter is evaluated on every file, without
    /// short-circuit: an error on any file is an error, whatever the order of the files.
    Quantifier(Quantifier, FileFilter),
    /// `count files FILTER`.
    Count(FileFilter),
    /// `actor is KIND`.
    ActorIs(String),
    /// `actor has role ROLE`.
    ActorHasRole(String),
}

/// String tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StrTest {
    /// `contains`
    Contains,
    /// `starts_with`
    StartsWith,
    /// `ends_with`
    EndsWith,
}

impl StrTest {
    /// The operator as written.
    pub fn keyword(self) -> &'static str {
        match self {
            StrTest::Contains => "contains",
            StrTest::StartsWith => "starts_with",
            StrTest::EndsWith => "ends_with",
        }
    }

    /// Applies the test.
    pub fn test(self, haystack: &str, needle: &str) -> bool {
        match self {
            // A needle longer than the haystack is never in it: said before the substring
            // search prepares the needle, which costs the needle's length.
            StrTest::Contains => needle.len() <= haystack.len() && haystack.contains(needle),
            StrTest::StartsWith => haystack.starts_with(needle),
            StrTest::EndsWith => haystack.ends_with(needle),
        }
    }

    /// An upper bound on the bytes [`StrTest::test`] compares or scans, at least 1: the work
    /// limit charges it (`src/eval/fast/work_limit.rs`).
    pub fn cost(self, haystack: &str, needle: &str) -> usize {
        let scanned = match self {
            StrTest::Contains if needle.len() > haystack.len() => 0,
            StrTest::Contains => haystack.len() + needle.len(),
            StrTest::StartsWith | StrTest::EndsWith => haystack.len().min(needle.len()),
        };
        1 + scanned
    }
}

/// Which files a quantifier or count ranges over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileFilter {
    /// Files matching a glob of the set (named, or inline for `matches "glob"`).
    Set(SetId),
    /// Files whose path matches the regex.
    Regex(RegexId),
    /// Files for which the per-file condition holds.
    Where(Box<CExpr>),
}
