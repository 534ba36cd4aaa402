//! Types and constant values of the policy language.

use std::fmt;

use crate::number::Decimal;

/// A closed set of names a fact can take. Symbols of a domain are written bare (`prod`,
/// `major`, `agent`); the checker verifies each against its domain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Domain {
    /// Declared environments, ordered by promotion.
    Environment,
    /// Built-in and declared actions.
    Action,
    /// `human`, `agent`, `service`.
    ActorKind,
    /// Built-in and declared change kinds.
    ChangeKind,
    /// `patch` < `minor` < `major`.
    Version,
    /// `execute`, `dry_run`.
    Mode,
    /// Declared risk levels, ordered from lowest to highest.
    Level,
    /// A file's status: `added`, `modified`, `deleted`, `renamed`.
    Status,
    /// Declared license tiers, in declaration order.
    Tier,
}

impl Domain {
    /// How diagnostics name the domain.
    pub fn describe(self) -> &'static str {
        match self {
            Domain::Environment => "environment",
            Domain::Action => "action",
            Domain::ActorKind => "actor kind",
            Domain::ChangeKind => "change kind",
            Domain::Version => "version bump",
            Domain::Mode => "mode",
            Domain::Level => "risk level",
            Domain::Status => "file status",
            Domain::Tier => "license tier",
        }
    }

    /// Whether `<`, `>=`... are meaningful (the domain has an order).
    pub fn is_ordered(self) -> bool {
        matches!(
            self,
            Domain::Environment | Domain::Version | Domain::Level | Domain::Tier
        )
    }
}

/// Built-in actions; a policy may declare more with `actions`.
pub const BUILTIN_ACTIONS: &[&str] = &["apply_patch", "deploy", "promote", "replay", "rollback"];
/// Built-in change kinds; a policy may declare more with `kinds`.
pub const BUILTIN_KINDS: &[&str] = &[
    "code",
    "security",
    "infrastructure",
    "config",
    "database",
    "dependency",
    "docs",
    "test",
    "compliance",
];
/// Actor kinds.
pub const ACTOR_KINDS: &[&str] = &["human", "agent", "service"];
/// Version bumps, in order.
pub const VERSIONS: &[&str] = &["patch", "minor", "major"];
/// Request modes.
pub const MODES: &[&str] = &["execute", "dry_run"];
/// File statuses.
pub const STATUSES: &[&str] = &["added", "modified", "deleted", "renamed"];

/// The type of an expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    /// `true` / `false`.
    Bool,
    /// Exact decimal.
    Number,
    /// Text.
    String,
    /// A name from a closed domain.
    Symbol(Domain),
    /// A list of scalars of the given kind.
    List(ScalarType),
}

/// Element types of lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScalarType {
    /// Booleans.
    Bool,
    /// Numbers.
    Number,
    /// Strings.
    String,
    /// Symbols of a domain.
    Symbol(Domain),
}

impl ScalarType {
    /// The scalar as a full type.
    pub fn as_type(self) -> Type {
        match self {
            ScalarType::Bool => Type::Bool,
            ScalarType::Number => Type::Number,
            ScalarType::String => Type::String,
            ScalarType::Symbol(d) => Type::Symbol(d),
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Bool => f.write_str("bool"),
            Type::Number => f.write_str("number"),
            Type::String => f.write_str("string"),
            Type::Symbol(d) => f.write_str(d.describe()),
            Type::List(s) => write!(f, "list<{}>", s.as_type()),
        }
    }
}

/// A constant or computed value.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Value {
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(Decimal),
    /// A string.
    String(String),
    /// A symbol (by name; the domain is in the expression's type).
    Symbol(String),
    /// A list.
    List(Vec<Value>),
}

impl fmt::Display for Value {
    /// How values appear in messages and explanations.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => write!(f, "{n}"),
            Value::String(s) | Value::Symbol(s) => f.write_str(s),
            Value::List(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    match item {
                        Value::String(s) if ambiguous_in_list(s) => write!(f, "{s:?}")?,
                        _ => write!(f, "{item}")?,
                    }
                }
                f.write_str("]")
            }
        }
    }
}

/// Whether string `s`, shown bare as an item of a list (`[a, b]`), could be read as other
/// items or none: empty, holding `,`, `[`, `]`, a quote or a backslash, or starting or ending
/// with whitespace. Those are shown quoted (`["a, b", "c]"]`); the rest bare, as lists of
/// plain names read best.
fn ambiguous_in_list(s: &str) -> bool {
    s.is_empty()
        || s.contains([',', '[', ']', '"', '\\'])
        || s.starts_with(char::is_whitespace)
        || s.ends_with(char::is_whitespace)
}

impl serde::Serialize for Value {
    /// Values serialize as plain JSON: booleans, decimal strings, strings, arrays.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::Number(n) => n.serialize(serializer),
            Value::String(s) | Value::Symbol(s) => serializer.serialize_str(s),
            Value::List(items) => items.serialize(serializer),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Value {
    /// Reads a value back from a decision. Numbers were written as strings, so they come back
    /// as strings; serializing again yields the same bytes, which is what signatures need.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let json = serde_json::Value::deserialize(deserializer)?;
        from_json(json).map_err(serde::de::Error::custom)
    }
}

fn from_json(json: serde_json::Value) -> Result<Value, String> {
    match json {
        serde_json::Value::Bool(b) => Ok(Value::Bool(b)),
        serde_json::Value::String(s) => Ok(Value::String(s)),
        serde_json::Value::Number(n) => n
            .to_string()
            .parse()
            .map(Value::Number)
            .map_err(|e| format!("{e}")),
        serde_json::Value::Array(items) => items
            .into_iter()
            .map(from_json)
            .collect::<Result<Vec<_>, _>>()
            .map(Value::List),
        serde_json::Value::Null | serde_json::Value::Object(_) => {
            Err("expected a boolean, number, string or list".into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Value;

    fn list(items: &[&str]) -> Value {
        Value::List(items.iter().map(|s| Value::String((*s).into())).collect())
    }

    #[test]
    fn list_items_that_could_read_as_other_items_are_quoted() {
        assert_eq!(list(&["admin", "dev ops"]).to_string(), "[admin, dev ops]");
        // Found by QA: ["a, b", "c]"] was shown as [a, b, c]], three items.
        assert_eq!(list(&["a, b", "c]"]).to_string(), r#"["a, b", "c]"]"#);
        assert_eq!(
            list(&["", " x", "y\t", r#"q"d"#, r"b\s", "[z"]).to_string(),
            r#"["", " x", "y\t", "q\"d", "b\\s", "[z"]"#
        );
        // A string alone is shown as it is.
        assert_eq!(Value::String("a, b".into()).to_string(), "a, b");
    }
}
