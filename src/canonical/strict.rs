//! Reading signed JSON strictly: a member name given twice anywhere is an error.
//!
//! JSON allows `{"authorizes": true, "authorizes": false}`, and parsers disagree on which
//! value wins: serde_json keeps the last, many others the first. A signature verified over
//! the value one parser kept says nothing about what another parser reads from the same
//! bytes, so a signed file with a repeated name could verify here and mean `authorizes:
//! true` to the deploy script that reads it next. RFC 8785 (JCS), which gavel signs over,
//! is defined only for JSON without repeated names; gavel refuses such a file instead of
//! choosing.

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// Parses `bytes` as one JSON value, refusing repeated member names at any depth and
/// anything after the value but whitespace.
pub fn from_slice_unique(bytes: &[u8]) -> Result<Value, serde_json::Error> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        // JSON forbids it (RFC 8259 §8.1), and serde's "expected value at line 1 column 1"
        // does not say what is there.
        return Err(de::Error::custom(
            "the file starts with a UTF-8 byte order mark, which JSON does not allow",
        ));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = UniqueValue.deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// A JSON value whose objects have distinct member names.
struct UniqueValue;

impl<'de> DeserializeSeed<'de> for UniqueValue {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(UniqueVisitor)
    }
}

struct UniqueVisitor;

impl<'de> Visitor<'de> for UniqueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        // serde_json itself never hands a non-finite number to a visitor.
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(UniqueValue)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        while let Some(name) = map.next_key::<String>()? {
            if members.contains_key(&name) {
                return Err(de::Error::custom(format_args!(
                    "member `{}` is given twice",
                    crate::quote::excerpt(&name)
                )));
            }
            let value = map.next_value_seed(UniqueValue)?;
            members.insert(name, value);
        }
        Ok(Value::Object(members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_name_is_refused_at_any_depth() {
        for text in [
            r#"{"a": 1, "a": 2}"#,
            r#"{"a": 1, "b": {"c": true, "c": true}}"#,
            r#"[{"x": null}, {"y": 1, "y": 1}]"#,
        ] {
            let error = from_slice_unique(text.as_bytes())
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(error.contains("given twice"), "{text}: {error}");
        }
    }

    #[test]
    fn distinct_names_read_as_serde_json_reads_them() {
        let text =
            r#"{"a": [1, -2, 3.5, "s", null, true], "b": {"a": {}}, "c": 18446744073709551615}"#;
        let strict = from_slice_unique(text.as_bytes()).ok();
        let plain: Option<Value> = serde_json::from_str(text).ok();
        assert!(strict.is_some());
        assert_eq!(strict, plain);
    }

    #[test]
    fn a_byte_order_mark_is_named() {
        let error = from_slice_unique(b"\xEF\xBB\xBF{}")
            .err()
            .map(|e| e.to_string());
        assert!(
            error
                .as_deref()
                .is_some_and(|e| e.contains("byte order mark")),
            "{error:?}"
        );
    }

    #[test]
    fn trailing_data_is_refused() {
        assert!(from_slice_unique(br#"{"a": 1} {"a": 1}"#).is_err());
        assert!(from_slice_unique(b"{\"a\": 1}\n").is_ok());
    }
}
