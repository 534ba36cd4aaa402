//! Reading requests from JSON or YAML, with errors that name the field.

use std::borrow::Cow;

use std::cell::RefCell;

use super::request::Request;
use super::yaml_node::{At, Node, Trouble};
use crate::limits::{MAX_REQUEST_BYTES, MAX_YAML_ALIAS_EVENTS, MAX_YAML_NODES};
use crate::quote;

/// A request that could not be read or does not fit the policy. The decision for it is
/// `block`, with this error as the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.render())]
pub struct RequestError {
    /// The field at fault, as a path (`files[2].path`, `attributes.runs`), when known.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl RequestError {
    /// An error about `field` (`.` — the whole document — and `?` — unknown — count as no
    /// field).
    ///
    /// Both parts may quote the request (a field path names its map keys; a parser's message
    /// quotes the value it refuses), so both pass through [`crate::quote`]: one line, long
    /// values cut to an excerpt. An input error is recorded in the audit log, and a refusal
    /// that echoed a 5 MB path would be too large to record.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        let field = field.into();
        RequestError {
            field: (!field.is_empty() && field != "." && field != "?")
                .then(|| bounded(field, quote::field)),
            message: bounded(message.into(), quote::message),
        }
    }

    /// An error about the whole document (bounded like [`RequestError::field`]).
    pub fn document(message: impl Into<String>) -> Self {
        RequestError {
            field: None,
            message: bounded(message.into(), quote::message),
        }
    }

    fn render(&self) -> String {
        match &self.field {
            Some(field) if !field.is_empty() && field != "." => {
                format!("invalid request: `{field}`: {}", self.message)
            }
            _ => format!("invalid request: {}", self.message),
        }
    }
}

/// `text` through `shorten`, without a copy when it is already short and clean.
fn bounded(text: String, shorten: fn(&str) -> Cow<'_, str>) -> String {
    match shorten(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(short) => short,
    }
}

impl Request {
    /// Reads a request from JSON or YAML, deciding which by how it starts (`is_json`),
    /// after a leading byte order mark (`without_bom`).
    pub fn from_bytes(bytes: &[u8]) -> Result<Request, RequestError> {
        if bytes.len() > MAX_REQUEST_BYTES {
            return Err(RequestError::document(format!(
                "the document is {} bytes, more than the limit of {MAX_REQUEST_BYTES}",
                bytes.len()
            )));
        }
        let bytes = without_bom(bytes);
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(RequestError::document("the request is empty"));
        }
        if is_json(bytes) {
            Self::from_json(bytes)
        } else {
            Self::from_yaml(bytes)
        }
    }

    /// Reads a JSON request (a leading byte order mark skipped, `without_bom`).
    pub fn from_json(bytes: &[u8]) -> Result<Request, RequestError> {
        if bytes.len() > MAX_REQUEST_BYTES {
            return Err(RequestError::document(format!(
                "the document is {} bytes, more than the limit of {MAX_REQUEST_BYTES}",
                bytes.len()
            )));
        }
        let bytes = without_bom(bytes);
        let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
        if let Some(kind) = first.and_then(|b| json_kind(*b)) {
            return Err(not_an_object(kind));
        }
        let mut deserializer = serde_json::Deserializer::from_slice(bytes);
        let request: Request =
            serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
                if e.inner().is_syntax() || e.inner().is_eof() {
                    // Not JSON: about the document, with the line and column.
                    RequestError::document(format!("malformed JSON: {}", e.inner()))
                } else {
                    read_error(e.path(), &e.inner().to_string())
                }
            })?;
        deserializer
            .end()
            .map_err(|e| RequestError::document(format!("not a single JSON document: {e}")))?;
        Ok(request)
    }

    /// Reads a YAML request (duplicate keys rejected, resource budget bounded; a leading byte
    /// order mark skipped, `without_bom`).
    pub fn from_yaml(bytes: &[u8]) -> Result<Request, RequestError> {
        if bytes.len() > MAX_REQUEST_BYTES {
            return Err(RequestError::document(format!(
                "the document is {} bytes, more than the limit of {MAX_REQUEST_BYTES}",
                bytes.len()
            )));
        }
        let bytes = without_bom(bytes);
        let text = std::str::from_utf8(bytes).map_err(|e| {
            RequestError::document(format!(
                "not UTF-8 (first bad byte at offset {})",
                e.valid_up_to()
            ))
        })?;
        Self::from_value(yaml_value(text)?)
    }

    /// Reads a request already parsed into a JSON value (a YAML document, or a request a
    /// `gavel test` case holds), in the same words as [`Request::from_yaml`]: no line and
    /// column, which would point into text nobody wrote.
    pub(crate) fn from_value(value: serde_json::Value) -> Result<Request, RequestError> {
        if let Some(kind) = value_kind(&value) {
            return Err(not_an_object(kind));
        }
        serde_path_to_error::deserialize(value)
            .map_err(|e| read_error(e.path(), &e.inner().to_string()))
    }
}

/// An error from reading a request's fields, naming the field: the path where reading
/// stopped, and for a field that is missing or given twice, that field (serde names it only
/// in its message, at the path of the mapping that holds it). The message in the request's
/// terms: `found a list, expected ...`, not `invalid type: sequence, expected ...`.
fn read_error(path: &serde_path_to_error::Path, message: &str) -> RequestError {
    let mut field = path.to_string();
    // A segment the reader could not name (`?`) ends the path: what precedes it is known.
    if let Some(unknown) = field.find('?') {
        field.truncate(unknown);
        field.truncate(field.trim_end_matches(['.', '[']).len());
    }
    if field == "." {
        field.clear();
    }
    for prefix in ["missing field `", "duplicate field `"] {
        if let Some((name, _)) = message.strip_prefix(prefix).and_then(|m| m.split_once('`')) {
            field = if field.is_empty() {
                name.to_string()
            } else {
                format!("{field}.{name}")
            };
        }
    }
    let message = match message.strip_prefix("invalid type: ") {
        Some(rest) => {
            let rest = match rest.split_once(", expected ") {
                Some(("sequence", expected)) => format!("a list, expected {expected}"),
                Some(("map", expected)) => format!("a mapping, expected {expected}"),
                _ => rest.to_string(),
            };
            format!("found {rest}")
        }
        None => message.to_string(),
    };
    RequestError::field(field, message)
}

/// `bytes` without the UTF-8 byte order mark (EF BB BF) they start with, which some editors
/// and Windows tools write. It says nothing about the request: RFC 8259 lets a JSON reader
/// ignore it and YAML allows it. Skipped before deciding between JSON and YAML, so a JSON
/// request saved with one is read as JSON, held to JSON's rules, rather than as YAML (which
/// it was: the mark hid the `{`). Every leading mark goes, as the YAML parser would skip a
/// second one: `{` after two marks is JSON too.
fn without_bom(mut bytes: &[u8]) -> &[u8] {
    while let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        bytes = rest;
    }
    bytes
}

/// Whether a request document is JSON: `{`, then `"` or `}` (blanks aside), which is how
/// every JSON object starts. Anything else is YAML, a YAML flow mapping such as
/// `{action: deploy, ...}` included (its keys are not `"`-quoted, so it cannot be JSON).
///
/// The choice is made once, by content, and never revised: a document that starts like a
/// JSON object is held to JSON throughout, so `{"action": deploy}` is a JSON syntax error,
/// not quietly read as YAML with YAML's looser rules (unquoted strings, trailing commas,
/// `0x10`, `yes`).
fn is_json(bytes: &[u8]) -> bool {
    let mut tokens = bytes.iter().filter(|b| !is_json_blank(**b));
    tokens.next() == Some(&b'{') && matches!(tokens.next(), Some(b'"' | b'}'))
}

/// JSON's whitespace (RFC 8259 §2).
fn is_json_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// A request is one object; a list, a string or a number is refused as such, before serde
/// would describe it in terms of the `Request` struct ("invalid length 0, expected struct
/// Request with 14 elements").
fn not_an_object(kind: &str) -> RequestError {
    RequestError::document(format!(
        "the request must be a JSON object or YAML mapping (`{{\"action\": ..., \"actor\": ...}}`), \
         not {kind}"
    ))
}

/// What a JSON document that is not an object is, from its first byte; `None` for `{` (and
/// for anything malformed, which the parser then describes).
fn json_kind(first: u8) -> Option<&'static str> {
    match first {
        b'[' => Some("a list"),
        b'"' => Some("a string"),
        b'-' | b'0'..=b'9' => Some("a number"),
        b't' | b'f' => Some("a boolean"),
        b'n' => Some("null"),
        _ => None,
    }
}

/// What a parsed document that is not an object is; `None` for an object.
fn value_kind(value: &serde_json::Value) -> Option<&'static str> {
    match value {
        serde_json::Value::Object(_) => None,
        serde_json::Value::Array(_) => Some("a list"),
        serde_json::Value::String(_) => Some("a string"),
        serde_json::Value::Number(_) => Some("a number"),
        serde_json::Value::Bool(_) => Some("a boolean"),
        serde_json::Value::Null => Some("null or empty"),
    }
}

/// Reads YAML into a JSON value with gavel's parser settings: duplicate keys refused, and
/// budgets that every request within the limits fits (`src/limits.rs`).
///
/// A key given twice is an error about that field (`actor.id`, `attributes.x`), as in a
/// JSON request, and a merge key (`<<`) one about the key (`actor.<<`); any other error the
/// parser stops at is about the document.
pub fn yaml_value(text: &str) -> Result<serde_json::Value, RequestError> {
    let trouble = RefCell::new(Trouble::default());
    let read = serde_saphyr::with_deserializer_from_str_with_options(text, yaml_options(), |de| {
        let node = Node {
            at: &At::Root,
            trouble: &trouble,
        };
        serde::de::DeserializeSeed::deserialize(node, de)
    });
    read.map_err(|e| {
        let trouble = trouble.into_inner();
        if let Some((field, message)) = trouble.duplicate {
            return RequestError::field(field, message);
        }
        let message = e.render_with_options(serde_saphyr::render_options! {
            formatter: &YamlMessages,
            snippets: serde_saphyr::SnippetMode::Off,
        });
        let first_line = message.lines().next().unwrap_or("malformed YAML").trim();
        if is_merge_key(&e) {
            // Refused as the mapping's next key was read: the field is that key, `<<`.
            let field = match trouble.key_refused_in.as_deref() {
                None | Some("") => "<<".to_string(),
                Some(mapping) => format!("{mapping}.<<"),
            };
            return RequestError::field(field, first_line);
        }
        let kind = if is_budget(&e) {
            "YAML too large"
        } else {
            "malformed YAML"
        };
        RequestError::document(format!("{kind}: {first_line}"))
    })
}

/// The parser's settings for requests (and `gavel test` files).
///
/// The budget counts what the document expands to, aliases included: nodes up to
/// [`MAX_YAML_NODES`] (the largest request within the limits), events (each node, the end
/// of each list and mapping) up to twice that, string bytes up to [`MAX_REQUEST_BYTES`], and
/// events replayed by aliases up to [`MAX_YAML_ALIAS_EVENTS`]. Comments are skipped, not
/// kept, so they count toward nothing but the document's size. The nesting depth stays at
/// the parser's 64 (a request nests 4 deep).
fn yaml_options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_nodes = MAX_YAML_NODES;
    budget.max_events = 2 * MAX_YAML_NODES + 64;
    budget.max_total_scalar_bytes = MAX_REQUEST_BYTES;
    // Anchors record what they hold as it is read (a 10,000-item list under an anchor is
    // 10,002 events), aliases in it expanded: the same budget as what aliases replay.
    budget.max_recorded_anchor_events = MAX_YAML_ALIAS_EVENTS;
    budget.max_recorded_anchor_bytes = MAX_REQUEST_BYTES;
    let mut options = serde_saphyr::Options::default();
    // Repeated keys reach the reader (`yaml_node`), which refuses them naming the field.
    options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::PassThrough;
    // A merge key (`<<: *defaults`) pulls a mapping's fields in from elsewhere: what the
    // request says would no longer be written where it is read. A request is data; refused.
    options.merge_keys = serde_saphyr::options::MergeKeyPolicy::Error;
    // YAML 1.2's core schema: `true` and `false` (also `True`, `FALSE`) are booleans, and
    // YAML 1.1's `yes`, `no`, `on`, `off`, `y` and `n` are strings, as `"no"` is in JSON. A
    // country code `no` stays Norway, and a boolean attribute given `no` is refused as a
    // string rather than quietly read as `false`.
    options.strict_booleans = true;
    // Likewise numbers: YAML 1.1 reads `1_000` as 1000, YAML 1.2's core schema (and JSON)
    // as the string `1_000`.
    options.underscored_numbers_as_strings = true;
    options.emit_comments = false;
    options.budget = Some(budget);
    options.alias_limits.max_total_replayed_events = MAX_YAML_ALIAS_EVENTS;
    options
}

/// Whether the parser stopped at a merge key (`<<`), which requests refuse.
fn is_merge_key(error: &serde_saphyr::Error) -> bool {
    use serde_saphyr::Error as E;
    match error {
        E::MergeKeyNotAllowed { .. } => true,
        E::WithSnippet { error, .. } | E::AliasError { error, .. } => is_merge_key(error),
        _ => false,
    }
}

/// Whether the parser stopped at one of its budgets (rather than at bad syntax).
fn is_budget(error: &serde_saphyr::Error) -> bool {
    use serde_saphyr::Error as E;
    match error {
        E::Budget { .. }
        | E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. }
        | E::AliasReplayCounterOverflow { .. } => true,
        E::WithSnippet { error, .. } | E::AliasError { error, .. } => is_budget(error),
        _ => false,
    }
}

/// A budget the parser stopped at, in plain words: which limit, and its value.
fn budget_message(breach: &serde_saphyr::budget::BudgetBreach) -> Option<String> {
    use serde_saphyr::budget::BudgetBreach as B;
    Some(match breach {
        B::Nodes { .. } => format!(
            "more than {MAX_YAML_NODES} values, lists and mappings (aliases expanded), more \
             than the largest request within the limits has"
        ),
        B::Events { .. } => format!(
            "more than {} YAML events (values, and the starts and ends of lists and mappings)",
            2 * MAX_YAML_NODES + 64
        ),
        B::ScalarBytes { .. } => {
            format!("its strings add up to more than {MAX_REQUEST_BYTES} bytes (aliases expanded)")
        }
        B::Depth { depth } => format!("nested {depth} levels deep, more than the limit of 64"),
        B::Aliases { aliases } => format!("{aliases} aliases (`*name`), too many"),
        B::Anchors { anchors } => format!("{anchors} anchors (`&name`), too many"),
        B::AliasAnchorRatio { aliases, anchors } => format!(
            "{aliases} aliases (`*name`) of {anchors} anchors: more than 10 uses per anchor, \
             which is how an alias bomb expands"
        ),
        B::RecordedAnchorEvents { .. } => format!(
            "anchors (`&name`) hold more than {MAX_YAML_ALIAS_EVENTS} YAML events, the \
             aliases (`*name`) in them expanded"
        ),
        B::RecordedAnchorBytes { .. } => format!(
            "anchors (`&name`) hold more than {MAX_REQUEST_BYTES} bytes, the aliases \
             (`*name`) in them expanded"
        ),
        B::Documents { .. } => "more than one YAML document (`---`); a request is one".into(),
        _ => return None,
    })
}

/// The YAML parser's messages, except where they address the programmer calling the
/// library rather than the person who wrote the request: more than one document, a budget
/// in plain words. (Duplicate keys are refused by the reader, `yaml_node`, in its own words;
/// the renderer adds the location.)
struct YamlMessages;

impl serde_saphyr::MessageFormatter for YamlMessages {
    fn format_message<'a>(&self, err: &'a serde_saphyr::Error) -> Cow<'a, str> {
        match err {
            serde_saphyr::Error::MergeKeyNotAllowed { .. } => Cow::Borrowed(
                "a merge key (`<<`) pulls in fields from elsewhere; a request writes each \
                 field where it is read",
            ),
            serde_saphyr::Error::MultipleDocuments { .. } => {
                Cow::Borrowed("more than one YAML document (`---`); a request is one document")
            }
            serde_saphyr::Error::Budget { breach, .. } => match budget_message(breach) {
                Some(message) => Cow::Owned(message),
                None => serde_saphyr::DefaultMessageFormatter.format_message(err),
            },
            serde_saphyr::Error::AliasReplayLimitExceeded { .. } => Cow::Owned(format!(
                "aliases (`*name`) expand to more than {MAX_YAML_ALIAS_EVENTS} YAML events"
            )),
            serde_saphyr::Error::AliasReplayStackDepthExceeded { max_depth, .. } => {
                Cow::Owned(format!("aliases (`*name`) nest more than {max_depth} deep"))
            }
            serde_saphyr::Error::RecursiveReferencesRequireWeakTypes { .. } => {
                Cow::Borrowed("a recursive alias (`*name` inside the node it names)")
            }
            // The parser's own words ("rejected by the configured policy") read, in a
            // policy engine, as if a gavel policy had refused it.
            serde_saphyr::Error::NonFiniteFloat { value, .. } => {
                Cow::Owned(format!("`{value}` is not a finite number"))
            }
            serde_saphyr::Error::TaggedStructFieldName { tag, .. } => {
                Cow::Owned(format!("a tag (`{tag}`) on a field name is not allowed"))
            }
            other => serde_saphyr::DefaultMessageFormatter.format_message(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The largest request the limits allow, as YAML: 100,000 files of five fields, 256
    /// attributes that are each a list of 10,000 numbers, 256 usage counters, 10,000 roles and
    /// 10,000 features.
    fn largest_yaml_request() -> String {
        use crate::limits::{MAX_ATTRIBUTES, MAX_LIST_ITEMS, MAX_REQUEST_FILES};
        use std::fmt::Write as _;
        let list = |prefix: &str| {
            (0..MAX_LIST_ITEMS)
                .map(|i| format!("{prefix}{i}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut yaml = String::with_capacity(16 << 20);
        writeln!(
            yaml,
            "action: apply_patch\nactor:\n  id: a\n  kind: agent\n  roles: [{}]\nfeatures: [{}]\nfiles:",
            list("r"),
            list("f")
        )
        .unwrap();
        for i in 0..MAX_REQUEST_FILES {
            writeln!(
                yaml,
                "- {{path: n/{i}, added: 1, removed: 2, status: renamed, from: o/{i}}}"
            )
            .unwrap();
        }
        yaml.push_str("attributes:\n");
        let numbers = vec!["1"; MAX_LIST_ITEMS].join(",");
        for i in 0..MAX_ATTRIBUTES {
            writeln!(yaml, "  a{i}: [{numbers}]").unwrap();
        }
        yaml.push_str("usage:\n");
        for i in 0..MAX_ATTRIBUTES {
            writeln!(yaml, "  u{i}: {i}").unwrap();
        }
        yaml
    }

    /// Every request within the limits fits the budget the reader parses under, and the
    /// largest one takes all of it but the 64 nodes `MAX_YAML_NODES` allows for the rest.
    ///
    /// The budget is counted by the parser's own counter (`check_yaml_budget`, the
    /// `BudgetEnforcer` that `yaml_value` runs the document's events through), over the
    /// events alone: the largest request parses in ~6 s in a debug build, its events are
    /// counted in ~1.5 s, and what the budget admits is decided by the events. That the
    /// reader enforces this budget, at exactly `MAX_YAML_NODES`, is
    /// `yaml_beyond_the_node_budget_is_refused_in_plain_words`; that it reads each part of
    /// such a request, at its limits, is `every_request_within_the_limits_parses_as_yaml`
    /// (both in `tests/request_input.rs`).
    #[test]
    fn the_largest_request_fits_the_yaml_budget() {
        use serde_saphyr::budget::{EnforcingPolicy, check_yaml_budget};
        let budget = yaml_options().budget.unwrap();
        let yaml = largest_yaml_request();
        let report = check_yaml_budget(&yaml, budget.clone(), EnforcingPolicy::AllContent).unwrap();
        assert!(report.breached.is_none(), "{report:?}");
        assert!(
            report.nodes <= MAX_YAML_NODES && report.nodes > MAX_YAML_NODES - 64,
            "{report:?}"
        );
        assert!(report.events <= budget.max_events, "{report:?}");
        assert!(report.total_scalar_bytes <= budget.max_total_scalar_bytes);
        assert!(report.max_depth <= budget.max_depth, "{report:?}");
    }

    /// The reader (`yaml_node`) builds the value `serde_json::Value`'s own reader builds, for
    /// every document without a key given twice.
    #[test]
    fn yaml_is_read_as_serde_json_reads_it() {
        for text in [
            "a: 1\nb: -2\nc: 2.5\nd: 1e3\ne: 18446744073709551615\nf: -9223372036854775808\n",
            "a: 0x10\nb: 0o17\nc: +1\nd: -0\n",
            "a: x\nb: 'y'\nc: \"z\\u00e9\"\nd: ~\ne: null\nf:\ng: true\nh: False\n",
            "a: [1, [2, [3]], {b: c}]\nd:\n  - e\n  - {f: [g]}\n",
            "1: a\ntrue: b\n0x10: d\n1.50: e\n",
            "a: &x {b: [1, 2]}\nc: *x\nd: [*x, *x]\n",
            "a: |\n  two\n  lines\nb: >\n  folded\n  text\n",
            "{a: 1, b: [x, y], 'c d': {}}",
            "[]",
            "plain",
            "",
        ] {
            let expected: serde_json::Value =
                serde_saphyr::from_str_with_options(text, yaml_options()).unwrap();
            assert_eq!(yaml_value(text), Ok(expected), "{text}");
        }
        // And refuses what it refuses.
        for text in ["a: 1e400\n", "~: a\n", "[a, b]: c\n", "a: [1\n"] {
            assert!(
                serde_saphyr::from_str_with_options::<serde_json::Value>(text, yaml_options())
                    .is_err()
            );
            assert!(yaml_value(text).is_err(), "{text}");
        }
    }
}
