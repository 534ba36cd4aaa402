//! Values during evaluation. They borrow from the policy and the request wherever they can,
//! so evaluating a condition allocates nothing in the common case.

use std::borrow::Cow;

use crate::checked::Value;
use crate::number::{ArithmeticError, Decimal};

/// A value computed while evaluating a condition.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Val<'a> {
    Bool(bool),
    Num(Decimal),
    Str(Cow<'a, str>),
    List(ListRef<'a>),
}

/// A list value: written in the policy, typed from the request, or the actor's roles.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum ListRef<'a> {
    Values(&'a [Value]),
    Strings(&'a [String]),
}

impl<'a> ListRef<'a> {
    /// Whether the list holds `needle`.
    pub fn contains(&self, needle: &Val<'_>) -> bool {
        self.contains_costed(needle, &mut 0)
    }

    /// Whether the list holds `needle`, adding to `cost` the items visited and the bytes of
    /// every string compared in full (those of the needle's length): what the work limit
    /// charges (`src/eval/fast/work_limit.rs`).
    pub fn contains_costed(&self, needle: &Val<'_>, cost: &mut usize) -> bool {
        let compared = |item: &str, cost: &mut usize| {
            *cost += 1;
            if let Val::Str(s) = needle
                && s.len() == item.len()
            {
                *cost += item.len();
            }
        };
        match self {
            ListRef::Values(items) => items.iter().any(|v| {
                match v {
                    Value::String(s) | Value::Symbol(s) => compared(s, cost),
                    _ => *cost += 1,
                }
                value_eq(v, needle)
            }),
            ListRef::Strings(items) => match needle {
                Val::Str(s) => items.iter().any(|i| {
                    compared(i, cost);
                    i == s
                }),
                _ => false,
            },
        }
    }

    /// The list's strings (non-strings are skipped; the checker ensures there are none).
    pub fn strings(&self) -> impl Iterator<Item = &'a str> + 'a {
        let (values, strings): (&'a [Value], &'a [String]) = match *self {
            ListRef::Values(v) => (v, &[]),
            ListRef::Strings(s) => (&[], s),
        };
        values
            .iter()
            .filter_map(|v| match v {
                Value::String(s) | Value::Symbol(s) => Some(s.as_str()),
                _ => None,
            })
            .chain(strings.iter().map(String::as_str))
    }

    /// An owned copy, for evidence.
    pub fn to_value(self) -> Value {
        match self {
            ListRef::Values(items) => Value::List(items.to_vec()),
            ListRef::Strings(items) => {
                Value::List(items.iter().map(|s| Value::String(s.clone())).collect())
            }
        }
    }
}

fn value_eq(value: &Value, val: &Val<'_>) -> bool {
    match (value, val) {
        (Value::Bool(a), Val::Bool(b)) => a == b,
        (Value::Number(a), Val::Num(b)) => a == b,
        (Value::String(a) | Value::Symbol(a), Val::Str(b)) => a == b,
        _ => false,
    }
}

impl<'a> Val<'a> {
    /// Borrows a constant.
    pub fn from_value(value: &'a Value) -> Val<'a> {
        match value {
            Value::Bool(b) => Val::Bool(*b),
            Value::Number(n) => Val::Num(*n),
            Value::String(s) | Value::Symbol(s) => Val::Str(Cow::Borrowed(s)),
            Value::List(items) => Val::List(ListRef::Values(items)),
        }
    }

    /// An owned copy, for evidence.
    pub fn to_value(&self) -> Value {
        match self {
            Val::Bool(b) => Value::Bool(*b),
            Val::Num(n) => Value::Number(*n),
            Val::Str(s) => Value::String(s.to_string()),
            Val::List(l) => l.to_value(),
        }
    }

    /// How the value reads in a message.
    pub fn display(&self) -> String {
        self.to_value().to_string()
    }
}

/// Evaluation failed: arithmetic overflow, or a value out of range.
///
/// The message is a boxed `str`, two words: every step of the evaluators returns a
/// `Result<bool, EvalError>` or `Result<Decimal, EvalError>`, which then fits in two registers
/// instead of being returned through memory, as it was with a `String` (three words) in the
/// error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct EvalError(pub Box<str>);

// What the note above relies on.
const _: () = assert!(size_of::<Result<crate::number::Decimal, EvalError>>() <= 16);
const _: () = assert!(size_of::<Result<bool, EvalError>>() <= 16);

impl From<ArithmeticError> for EvalError {
    #[cold]
    fn from(e: ArithmeticError) -> Self {
        EvalError::new(e.to_string())
    }
}

impl EvalError {
    /// An error with `message`.
    #[cold]
    pub fn new(message: String) -> Self {
        EvalError(message.into_boxed_str())
    }

    /// An internal inconsistency (a checked policy guarantees these cannot happen).
    pub fn internal(what: &str) -> Self {
        EvalError::new(format!("internal error: {what}"))
    }

    /// A fact the policy reads and the request does not provide. Both evaluators report it
    /// with this one message, so that their decisions stay byte-identical. Validation demands
    /// every optional fact a policy reads, but a policy that declares no environments may
    /// still read `environment`, which no request can then provide: this is reachable.
    pub fn missing_fact(fact: &crate::checked::Fact) -> Self {
        EvalError::new(format!("the request does not provide `{}`", fact.name()))
    }

    /// `risk` or `risk.level` read when a risk factor failed: the score is not known, and
    /// a partial one (the factors that did evaluate) could fire a rule the whole score would
    /// not, or keep quiet one it would fire. Both evaluators say it in these words.
    pub fn risk_unknown() -> Self {
        EvalError::new("the risk score is not known: a risk factor failed to evaluate".to_string())
    }
}

/// The value as a boolean.
pub(crate) fn as_bool(v: Val<'_>) -> Result<bool, EvalError> {
    match v {
        Val::Bool(b) => Ok(b),
        _ => Err(EvalError::internal("expected a boolean")),
    }
}

/// The value as a number.
pub(crate) fn as_num(v: Val<'_>) -> Result<Decimal, EvalError> {
    match v {
        Val::Num(n) => Ok(n),
        _ => Err(EvalError::internal("expected a number")),
    }
}

/// A count as a decimal.
pub(crate) fn count(n: u64) -> Result<Decimal, EvalError> {
    Decimal::from_u64(n).ok_or_else(|| EvalError::new(format!("count {n} is out of range")))
}
