//! The shapes a request's fields take, read strictly and described in the request's terms.
//!
//! serde's derived readers speak to the programmer ("expected struct Actor", "expected
//! value"), and accept more than a request means: a struct from a list of its fields in
//! order (`"actor": ["bob", "human"]`), a unit variant from a mapping (`{"dry_run": null}`).
//! The readers here take a mapping as a mapping and a name as a string, and say what was
//! expected in words a request's author knows.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::request::FileChange;
use super::unique_map::UniqueMap;
use crate::limits::{MAX_LIST_ITEMS, MAX_REQUEST_FILES};

/// A field that is a mapping (`actor`, `change`, `license`, each file): what it holds, for
/// errors.
pub(super) trait Mapping: for<'de> Deserialize<'de> {
    /// What the mapping is, as errors say it: "an actor: a mapping with `id` and `kind`".
    const EXPECTED: &'static str;
}

/// Reads a [`Mapping`], refusing anything but a mapping.
pub(super) fn mapping<'de, D: Deserializer<'de>, T: Mapping>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_map(MappingVisitor(PhantomData))
}

/// Reads an optional [`Mapping`] (`null` is none).
pub(super) fn optional_mapping<'de, D: Deserializer<'de>, T: Mapping>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    deserializer.deserialize_option(OptionalMapping(PhantomData))
}

struct MappingVisitor<T>(PhantomData<T>);

impl<'de, T: Mapping> Visitor<'de> for MappingVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTED)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map))
    }
}

struct OptionalMapping<T>(PhantomData<T>);

impl<'de, T: Mapping> Visitor<'de> for OptionalMapping<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTED)
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
        mapping(deserializer).map(Some)
    }
}

/// A [`Mapping`] read as one (for the items of a list).
pub(super) struct AsMapping<T>(pub T);

impl<'de, T: Mapping> Deserialize<'de> for AsMapping<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        mapping(deserializer).map(AsMapping)
    }
}

/// Reads the files: a list of at most [`MAX_REQUEST_FILES`] mappings.
pub(super) fn files<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<FileChange>, D::Error> {
    let files = list::<D, AsMapping<FileChange>>(deserializer, MAX_REQUEST_FILES, " files")?;
    Ok(files.into_iter().map(|file| file.0).collect())
}

/// Reads a list of strings (`actor.roles`, `features`): at most [`MAX_LIST_ITEMS`].
pub(super) fn strings<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    list(deserializer, MAX_LIST_ITEMS, " items")
}

/// Reads a list of at most `limit` items. One over, reading stops keeping them: the rest are
/// only counted, for the message (`N items, more than the limit of 10000`), so a request
/// that lists millions of items takes the memory of `limit` of them, not of millions.
fn list<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
    limit: usize,
    unit: &'static str,
) -> Result<Vec<T>, D::Error> {
    deserializer.deserialize_seq(ListVisitor {
        limit,
        unit,
        item: PhantomData,
    })
}

struct ListVisitor<T> {
    limit: usize,
    unit: &'static str,
    item: PhantomData<T>,
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for ListVisitor<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a list of at most {}{}", self.limit, self.unit)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(self.limit));
        while items.len() < self.limit {
            match seq.next_element()? {
                Some(item) => items.push(item),
                None => return Ok(items),
            }
        }
        let mut count = items.len();
        while seq.next_element::<IgnoredAny>()?.is_some() {
            count += 1;
        }
        if count > self.limit {
            return Err(de::Error::custom(too_many(count, self.unit, self.limit)));
        }
        Ok(items)
    }
}

/// The message for a list of `count` items over `limit`.
pub(crate) fn too_many(count: usize, unit: &str, limit: usize) -> String {
    format!("{count}{unit}, more than the limit of {limit}")
}

/// Reads the attributes: at most `MAX_ATTRIBUTES` (as [`UniqueMap`] reads), each a string, number, boolean, `null`
/// (refused as the attribute's type says when validated) or a list of at most
/// [`MAX_LIST_ITEMS`] strings, numbers and booleans — every shape an attribute's type can
/// take, and no other. A mapping, or a list in a list, is refused here, so no attribute
/// holds more than a list's worth of values.
pub(super) fn attributes<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<UniqueMap<serde_json::Value>, D::Error> {
    Ok(UniqueMap::<Attribute>::deserialize(deserializer)?.map_values(|value| value.0))
}

/// An attribute's value (see [`attributes`]).
struct Attribute(serde_json::Value);

impl<'de> Deserialize<'de> for Attribute {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(AttributeVisitor { in_list: false })
            .map(Attribute)
    }
}

/// An item of a list attribute.
struct Item(serde_json::Value);

impl<'de> Deserialize<'de> for Item {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(AttributeVisitor { in_list: true })
            .map(Item)
    }
}

struct AttributeVisitor {
    in_list: bool,
}

impl<'de> Visitor<'de> for AttributeVisitor {
    type Value = serde_json::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.in_list {
            "a string, number or boolean"
        } else {
            "a string, number, boolean or list"
        })
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<serde_json::Value, E> {
        Ok(v.into())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<serde_json::Value, E> {
        Ok(v.into())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<serde_json::Value, E> {
        Ok(v.into())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<serde_json::Value, E> {
        // As `serde_json::Value` reads it: a number that is not finite has no JSON form.
        Ok(serde_json::Number::from_f64(v).map_or(serde_json::Value::Null, Into::into))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<serde_json::Value, E> {
        Ok(v.into())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<serde_json::Value, E> {
        Ok(v.into())
    }

    fn visit_unit<E: de::Error>(self) -> Result<serde_json::Value, E> {
        Ok(serde_json::Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<serde_json::Value, E> {
        Ok(serde_json::Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<serde_json::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<serde_json::Value, A::Error> {
        if self.in_list {
            return Err(de::Error::invalid_type(de::Unexpected::Seq, &self));
        }
        let items = ListVisitor::<Item> {
            limit: MAX_LIST_ITEMS,
            unit: " items",
            item: PhantomData,
        }
        .visit_seq(seq)?;
        Ok(serde_json::Value::Array(
            items.into_iter().map(|item| item.0).collect(),
        ))
    }
}

/// A value spelled as one of a fixed set of names (`mode`, `actor.kind`, a file's
/// `status`).
pub(super) trait Named: Copy + 'static {
    /// What the value is, as errors say it ("mode").
    const WHAT: &'static str;
    /// Every name, with its value.
    const NAMES: &'static [(&'static str, Self)];
}

/// Reads a [`Named`] value from its name.
pub(super) fn named<'de, D: Deserializer<'de>, T: Named>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_str(NamedVisitor(PhantomData))
}

/// The names of `T`: "`a`, `b` or `c`".
fn names<T: Named>() -> String {
    let quoted: Vec<String> = T::NAMES.iter().map(|(n, _)| format!("`{n}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}

struct NamedVisitor<T>(PhantomData<T>);

impl<T: Named> Visitor<'_> for NamedVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&names::<T>())
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<T, E> {
        T::NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, value)| *value)
            .ok_or_else(|| {
                E::custom(format!(
                    "unknown {} {}; expected {}",
                    T::WHAT,
                    crate::quote::quote(name),
                    names::<T>()
                ))
            })
    }
}

/// Reads `requested_at`: an RFC 3339 timestamp, or `null` for none.
pub(super) fn timestamp<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<jiff::Timestamp>, D::Error> {
    crate::timestamp_text::optional(deserializer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::{ActorKind, FileStatus, Mode};

    #[test]
    fn names_are_listed_as_errors_say_them() {
        assert_eq!(names::<Mode>(), "`execute` or `dry_run`");
        assert_eq!(names::<ActorKind>(), "`human`, `agent` or `service`");
        assert_eq!(
            names::<FileStatus>(),
            "`added`, `modified`, `deleted` or `renamed`"
        );
    }
}
