//! Expressions. Conditions are boolean expressions; there is one expression type so that
//! helpers (`let`) can name a condition, a number or a string alike.

use super::literal::{RegexLit, StrLit};
use super::span::{Ident, Span};
use crate::number::Decimal;

/// An expression and where it was written. Equality ignores the span.
#[derive(Clone, Debug)]
pub struct Expr {
    /// What the expression is.
    pub kind: ExprKind,
    /// Where it was written.
    pub span: Span,
}

impl PartialEq for Expr {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
    }
}

impl Eq for Expr {}

impl Expr {
    /// Builds an expression.
    pub fn new(kind: ExprKind, span: Span) -> Self {
        Expr { kind, span }
    }
}

/// The forms an expression takes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExprKind {
    /// `true` / `false`.
    Bool(bool),
    /// `42`, `0.25`.
    Number(Decimal),
    /// `"text"`.
    String(StrLit),
    /// `/regex/i`.
    Regex(RegexLit),
    /// `[a, b, c]`.
    List(Vec<Expr>),
    /// A name or dotted path: `prod`, `scope_factor`, `lines.changed`, `attr.isolation.allowed`.
    Ref(Vec<Ident>),
    /// `min(a, b)`, `max(..)`, `lower(s)`.
    Call {
        /// The function name.
        func: Ident,
        /// Arguments.
        args: Vec<Expr>,
    },
    /// `-x`.
    Neg(Box<Expr>),
    /// `a + b`, `a - b`, `a * b`.
    Arith {
        /// Operator.
        op: ArithOp,
        /// Left operand.
        lhs: Box<Expr>,
        /// Right operand.
        rhs: Box<Expr>,
    },
    /// `a == b`, `a < b`, ...
    Compare {
        /// Operator.
        op: CompareOp,
        /// Left operand.
        lhs: Box<Expr>,
        /// Right operand.
        rhs: Box<Expr>,
    },
    /// `a contains b`, `path matches any [..]`, `x in [..]`, `path in protected`.
    StrOp {
        /// Operator.
        op: StrOp,
        /// `any` was written before the right operand.
        any: bool,
        /// Left operand.
        lhs: Box<Expr>,
        /// Right operand.
        rhs: Box<Expr>,
    },
    /// `not c`.
    Not(Box<Expr>),
    /// `a and b and c` (two or more operands).
    And(Vec<Expr>),
    /// `a or b or c` (two or more operands).
    Or(Vec<Expr>),
    /// `if c then a else b`.
    If {
        /// Condition.
        cond: Box<Expr>,
        /// Value when true.
        then: Box<Expr>,
        /// Value when false.
        otherwise: Box<Expr>,
    },
    /// `any file in protected`, `all files where (..)`, `no file matches "x"`.
    Quantifier {
        /// Which quantifier.
        quantifier: Quantifier,
        /// Which files it ranges over.
        filter: FileFilter,
    },
    /// `count files in protected`.
    CountFiles(FileFilter),
    /// `actor is agent`.
    ActorIs(Ident),
    /// `actor has role admin`.
    ActorHasRole(Ident),
    /// `( e )`, kept so the formatter reproduces the author's grouping.
    Paren(Box<Expr>),
}

/// `+`, `-`, `*`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArithOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
}

impl ArithOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            ArithOp::Add => "+",
            ArithOp::Sub => "-",
            ArithOp::Mul => "*",
        }
    }
}

/// Comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub enum CompareOp {
    /// `==`
    #[serde(rename = "==")]
    Eq,
    /// `!=`
    #[serde(rename = "!=")]
    Ne,
    /// `<`
    #[serde(rename = "<")]
    Lt,
    /// `<=`
    #[serde(rename = "<=")]
    Le,
    /// `>`
    #[serde(rename = ">")]
    Gt,
    /// `>=`
    #[serde(rename = ">=")]
    Ge,
}

impl CompareOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            CompareOp::Eq => "==",
            CompareOp::Ne => "!=",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
        }
    }

    /// Whether the operator orders (rather than only tests equality).
    pub fn is_ordering(self) -> bool {
        !matches!(self, CompareOp::Eq | CompareOp::Ne)
    }
}

/// String and membership operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StrOp {
    /// `contains`
    Contains,
    /// `starts_with`
    StartsWith,
    /// `ends_with`
    EndsWith,
    /// `matches` (a glob string or a regex)
    Matches,
    /// `in` (a list, a list attribute, or a path set)
    In,
}

impl StrOp {
    /// The operator as written.
    pub fn keyword(self) -> &'static str {
        match self {
            StrOp::Contains => "contains",
            StrOp::StartsWith => "starts_with",
            StrOp::EndsWith => "ends_with",
            StrOp::Matches => "matches",
            StrOp::In => "in",
        }
    }
}

/// `any`, `all`, `no`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Quantifier {
    /// True when at least one file qualifies (false over no files).
    Any,
    /// True when every file qualifies (true over no files).
    All,
    /// True when no file qualifies (true over no files).
    No,
}

impl Quantifier {
    /// The quantifier as written.
    pub fn keyword(self) -> &'static str {
        match self {
            Quantifier::Any => "any",
            Quantifier::All => "all",
            Quantifier::No => "no",
        }
    }
}

/// Which files a quantifier or count ranges over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileFilter {
    /// `in SET`
    InSet(Ident),
    /// `matches "glob"`
    MatchesGlob(StrLit),
    /// `matches /regex/`
    MatchesRegex(RegexLit),
    /// `where COND` (COND may use `path`, `added`, `removed`, `changed`, `status`)
    Where(Box<Expr>),
}
