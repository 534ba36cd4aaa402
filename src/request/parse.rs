//! Reading requests from JSON or YAML, with errors that name the field.

use std::borrow::Cow;

use super::request::Request;
use crate::limits::MAX_REQUEST_BYTES;
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
    /// An error about `field` (`.` — the whole document — counts as no field).
    ///
    /// Both parts may quote the request (a field path names its map keys; a parser's message
    /// quotes the value it refuses), so both pass through [`crate::quote`]: one line, long
    /// values cut to an excerpt. An input error is recorded in the audit log, and a refusal
    /// that echoed a 5 MB path would be too large to record.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        let field = field.into();
        RequestError {
            field: (!field.is_empty() && field != ".").then(|| bounded(field, quote::field)),
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
    /// Reads a request from JSON or YAML (JSON when the first non-blank byte is `{`).
    pub fn from_bytes(bytes: &[u8]) -> Result<Request, RequestError> {
        if bytes.len() > MAX_REQUEST_BYTES {
            return Err(RequestError::document(format!(
                "the document is {} bytes, more than the limit of {MAX_REQUEST_BYTES}",
                bytes.len()
            )));
        }
        let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
        if first.is_none() {
            return Err(RequestError::document("the request is empty"));
        }
        if first == Some(&b'{') {
            Self::from_json(bytes)
        } else {
            Self::from_yaml(bytes)
        }
    }

    /// Reads a JSON request.
    pub fn from_json(bytes: &[u8]) -> Result<Request, RequestError> {
        if bytes.len() > MAX_REQUEST_BYTES {
            return Err(RequestError::document(format!(
                "the document is {} bytes, more than the limit of {MAX_REQUEST_BYTES}",
                bytes.len()
            )));
        }
        let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
        if let Some(kind) = first.and_then(|b| json_kind(*b)) {
            return Err(not_an_object(kind));
        }
        let mut deserializer = serde_json::Deserializer::from_slice(bytes);
        let request: Request = serde_path_to_error::deserialize(&mut deserializer)
            .map_err(|e| RequestError::field(e.path().to_string(), e.inner().to_string()))?;
        deserializer
            .end()
            .map_err(|e| RequestError::document(format!("not a single JSON document: {e}")))?;
        Ok(request)
    }

    /// Reads a YAML request (duplicate keys rejected, resource budget bounded).
    pub fn from_yaml(bytes: &[u8]) -> Result<Request, RequestError> {
        if bytes.len() > MAX_REQUEST_BYTES {
            return Err(RequestError::document(format!(
                "the document is {} bytes, more than the limit of {MAX_REQUEST_BYTES}",
                bytes.len()
            )));
        }
        let text = std::str::from_utf8(bytes).map_err(|e| {
            RequestError::document(format!(
                "not UTF-8 (first bad byte at offset {})",
                e.valid_up_to()
            ))
        })?;
        let value: serde_json::Value = yaml_value(text)?;
        if let Some(kind) = value_kind(&value) {
            return Err(not_an_object(kind));
        }
        serde_path_to_error::deserialize(value)
            .map_err(|e| RequestError::field(e.path().to_string(), e.inner().to_string()))
    }
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

/// Reads YAML into a JSON value with gavel's parser settings (duplicate keys refused).
pub fn yaml_value(text: &str) -> Result<serde_json::Value, RequestError> {
    let mut options = serde_saphyr::Options::default();
    options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::Error;
    serde_saphyr::from_str_with_options(text, options).map_err(|e| {
        let message = e.render_with_options(serde_saphyr::render_options! {
            formatter: &YamlMessages,
            snippets: serde_saphyr::SnippetMode::Off,
        });
        let first_line = message.lines().next().unwrap_or("malformed YAML").trim();
        RequestError::document(format!("malformed YAML: {first_line}"))
    })
}

/// The YAML parser's messages, except where they address the programmer calling the
/// library rather than the person who wrote the request: a duplicate key says which key
/// (the location is added by the renderer), not which parser option would allow it.
struct YamlMessages;

impl serde_saphyr::MessageFormatter for YamlMessages {
    fn format_message<'a>(&self, err: &'a serde_saphyr::Error) -> Cow<'a, str> {
        match err {
            serde_saphyr::Error::DuplicateMappingKey { key: Some(key), .. } => {
                Cow::Owned(format!("duplicate key {}", quote::quote(key)))
            }
            serde_saphyr::Error::DuplicateMappingKey { key: None, .. } => {
                Cow::Borrowed("duplicate key")
            }
            other => serde_saphyr::DefaultMessageFormatter.format_message(other),
        }
    }
}
