//! A string-keyed map that refuses duplicate keys.
//!
//! JSON allows `{"a": 1, "a": 2}` and most parsers keep the last value. For a governance
//! request that is an attack: a reviewer reads the first value, the engine uses the second.
//! gavel rejects the document instead.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::{Serialize, Serializer};

use crate::limits::MAX_ATTRIBUTES;

/// A map whose keys were unique in the source document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UniqueMap<V>(BTreeMap<String, V>);

impl<V> UniqueMap<V> {
    /// The entries in key order.
    pub fn as_map(&self) -> &BTreeMap<String, V> {
        &self.0
    }

    /// Mutable access, for command-line overrides.
    pub fn as_map_mut(&mut self) -> &mut BTreeMap<String, V> {
        &mut self.0
    }

    /// The entries, as a map.
    pub fn into_map(self) -> BTreeMap<String, V> {
        self.0
    }

    /// The same keys, each value passed through `f` (keys stay unique).
    pub(crate) fn map_values<W>(self, mut f: impl FnMut(V) -> W) -> UniqueMap<W> {
        UniqueMap(self.0.into_iter().map(|(k, v)| (k, f(v))).collect())
    }

    /// Whether the map is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&V> {
        self.0.get(key)
    }
}

impl<V> From<BTreeMap<String, V>> for UniqueMap<V> {
    fn from(map: BTreeMap<String, V>) -> Self {
        UniqueMap(map)
    }
}

impl<V: Serialize> Serialize for UniqueMap<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for UniqueMap<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(UniqueVisitor(PhantomData))
    }
}

struct UniqueVisitor<V>(PhantomData<V>);

impl<'de, V: Deserialize<'de>> Visitor<'de> for UniqueVisitor<V> {
    type Value = UniqueMap<V>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map with unique keys")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut map = BTreeMap::new();
        while let Some(key) = access.next_key::<String>()? {
            if map.contains_key(&key) {
                // Refused as its value is read, so that the error's path names the key
                // (`attributes.x`), as a duplicate field's does, not only the map.
                let refusal = format!("duplicate key {}", crate::quote::quote(&key));
                return Err(access
                    .next_value_seed(Refuse(refusal))
                    .err()
                    .unwrap_or_else(|| serde::de::Error::custom("duplicate key")));
            }
            if map.len() >= MAX_ATTRIBUTES {
                return Err(serde::de::Error::custom(format!(
                    "more than {MAX_ATTRIBUTES} entries"
                )));
            }
            let value = access.next_value()?;
            map.insert(key, value);
        }
        Ok(UniqueMap(map))
    }
}

/// A value that is never read: its error, at the value's place in the document.
struct Refuse(String);

impl<'de> DeserializeSeed<'de> for Refuse {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, _: D) -> Result<(), D::Error> {
        Err(serde::de::Error::custom(self.0))
    }
}
