//! Reading a YAML document into a JSON value, one node at a time, knowing where each node is.
//!
//! `serde_json::Value`'s own reader would do, except for two things a request needs: a key
//! given twice is refused naming the field (`actor.id`, `attributes.x`, as JSON's reader
//! names it), not only its line; and a refusal the parser raises while reading a mapping's
//! keys (a merge key, `<<`) can name the mapping. Otherwise the value is the one
//! `serde_json::Value` reads, scalar for scalar.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Where a node is: the path from the document to it.
#[derive(Clone, Copy)]
pub(super) enum At<'a> {
    /// The document.
    Root,
    /// The value of `key` in the mapping at the parent.
    Key(&'a At<'a>, &'a str),
    /// Item `index` of the list at the parent.
    Index(&'a At<'a>, usize),
}

impl At<'_> {
    /// The path as request errors write it (`files[2].path`; empty for the document), the
    /// form `serde_path_to_error` gives JSON's errors.
    pub(super) fn field(&self) -> String {
        let mut text = String::new();
        self.write(&mut text);
        text
    }

    fn write(&self, text: &mut String) {
        match self {
            At::Root => {}
            At::Key(parent, key) => {
                parent.write(text);
                if !text.is_empty() {
                    text.push('.');
                }
                text.push_str(key);
            }
            At::Index(parent, index) => {
                parent.write(text);
                text.push('[');
                text.push_str(itoa::Buffer::new().format(*index));
                text.push(']');
            }
        }
    }
}

/// What went wrong while reading, beyond the parser's error: filled in only on the way to an
/// error, so reading a valid document costs nothing here.
#[derive(Default)]
pub(super) struct Trouble {
    /// A key given twice: its field, and the message. (Not the parser's rendering of the
    /// error: the location it gives for an error raised by the reader is a guess, sometimes
    /// the first occurrence, sometimes the mapping, sometimes none; the field says where.)
    pub(super) duplicate: Option<(String, String)>,
    /// The mapping whose next key the parser refused (`<<`, when merge keys are refused).
    pub(super) key_refused_in: Option<String>,
}

/// Reads the node at `at` as a JSON value.
#[derive(Clone, Copy)]
pub(super) struct Node<'a> {
    pub(super) at: &'a At<'a>,
    pub(super) trouble: &'a RefCell<Trouble>,
}

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        // As `serde_json::Value` reads it: a number when it fits 64 bits, else an error.
        de::Deserialize::deserialize(de::value::I128Deserializer::<E>::new(v)).map(Value::Number)
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        de::Deserialize::deserialize(de::value::U128Deserializer::<E>::new(v)).map(Value::Number)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            let at = At::Index(self.at, items.len());
            let node = Node {
                at: &at,
                trouble: self.trouble,
            };
            match seq.next_element_seed(node)? {
                Some(item) => items.push(item),
                None => return Ok(Value::Array(items)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        loop {
            let key = match access.next_key_seed(Key) {
                Ok(Some(key)) => key,
                Ok(None) => return Ok(Value::Object(map)),
                Err(error) => {
                    let mut trouble = self.trouble.borrow_mut();
                    if trouble.key_refused_in.is_none() {
                        trouble.key_refused_in = Some(self.at.field());
                    }
                    return Err(error);
                }
            };
            let at = At::Key(self.at, &key);
            if map.contains_key(&key) {
                let message = format!("duplicate key {}", crate::quote::quote(&key));
                let error = de::Error::custom(&message);
                self.trouble.borrow_mut().duplicate = Some((at.field(), message));
                return Err(error);
            }
            let value = access.next_value_seed(Node {
                at: &at,
                trouble: self.trouble,
            })?;
            map.insert(key, value);
        }
    }
}

/// A mapping key: a string, as `serde_json::Value` reads keys.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for Key {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::At;

    #[test]
    fn paths_are_written_as_json_errors_write_them() {
        let root = At::Root;
        let files = At::Key(&root, "files");
        let second = At::Index(&files, 2);
        let path = At::Key(&second, "path");
        assert_eq!(path.field(), "files[2].path");
        assert_eq!(At::Index(&root, 0).field(), "[0]");
        assert_eq!(root.field(), "");
    }
}
