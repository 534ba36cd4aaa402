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
use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};

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

/// Reads a list of [`Mapping`]s.
pub(super) fn mappings<'de, D: Deserializer<'de>, T: Mapping>(
    deserializer: D,
) -> Result<Vec<T>, D::Error> {
    let items = Vec::<AsMapping<T>>::deserialize(deserializer)?;
    Ok(items.into_iter().map(|item| item.0).collect())
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
    let Some(text) = Option::<String>::deserialize(deserializer)? else {
        return Ok(None);
    };
    text.parse().map(Some).map_err(|e| {
        de::Error::custom(format!(
            "{} is not an RFC 3339 timestamp such as `2026-03-01T12:00:00Z` ({e})",
            crate::quote::quote(&text)
        ))
    })
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
