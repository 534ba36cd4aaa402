//! Counts in a request: the lines of each file and the usage counters. Each is a whole number
//! from 0 to a limit (`src/limits.rs`, checked with the rest of the request in
//! `PreparedRequest`), refused otherwise with a message in the request's terms, never in the
//! parser's (`u64`, `1.8446744073709552e19`).

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Visitor};

use super::number::double_text;
use super::unique_map::UniqueMap;
use crate::limits::{MAX_LINE_COUNT, MAX_USAGE_COUNT};

/// Why `value` is not a count of at most `limit` (`unit` follows the number: ` lines`).
pub(crate) fn too_large(value: &dyn fmt::Display, unit: &str, limit: u64) -> String {
    format!("{value}{unit}, more than the limit of {limit}")
}

/// Reads a file's line count (`added`, `removed`; at most [`MAX_LINE_COUNT`]).
pub(super) fn line_count<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    deserializer.deserialize_any(CountVisitor {
        limit: MAX_LINE_COUNT,
        unit: " lines",
    })
}

/// Reads the usage counters (each at most [`MAX_USAGE_COUNT`]), keys unique.
pub(super) fn usage_counts<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<UniqueMap<u64>, D::Error> {
    Ok(UniqueMap::<UsageCount>::deserialize(deserializer)?.map_values(|count| count.0))
}

/// [`usage_counts`] as a plain map, for counts that stand in for the caller's own
/// (`context.usage` in a `gavel test` case): read by the same rules, `3.0` is 3.
pub(crate) fn usage_count_map<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<std::collections::BTreeMap<String, u64>, D::Error> {
    Ok(usage_counts(deserializer)?.into_map())
}

/// Reads a usage count given as text (`gavel eval --usage KEY=N`) by the rules and in the
/// words of one in a request document: `3.0` is 3, `-1` and `2.5` are refused as such, and
/// a number too large for a count says so, where parsing as an integer would call all
/// three "not a number".
pub(crate) fn usage_count_text(text: &str) -> Result<u64, String> {
    let visitor = CountVisitor {
        limit: MAX_USAGE_COUNT,
        unit: "",
    };
    let text = text.trim();
    // A whole number too large for a count is named as written, not as the double a JSON
    // reader makes of it (`18446744073709551616`, not `18446744073709552000`).
    if let Ok(n) = text.parse::<u128>()
        && n > u128::from(MAX_USAGE_COUNT)
    {
        return Err(too_large(&text, "", MAX_USAGE_COUNT));
    }
    match serde_json::from_str::<serde_json::Number>(text) {
        // Over the limit written with an exponent (`1e13`) too: named as this flag's value,
        // as a whole number over it is (found by QA: it was refused later, by validation,
        // without naming the flag).
        Ok(number) => match de::Deserializer::deserialize_any(number, visitor) {
            Ok(n) if n > MAX_USAGE_COUNT => Err(too_large(&text, "", MAX_USAGE_COUNT)),
            result => result.map_err(|e| e.to_string()),
        },
        // A number beyond a double (`1e400`), which a request document refuses as such.
        Err(e) if e.to_string().starts_with("number out of range") => {
            Err(if text.starts_with('-') {
                format!("{text} is negative; a count is a whole number from 0 to {MAX_USAGE_COUNT}")
            } else {
                too_large(&text, "", MAX_USAGE_COUNT)
            })
        }
        Err(_) => Err(format!(
            "`{}` is not a number; a count is a whole number from 0 to {MAX_USAGE_COUNT}",
            crate::quote::excerpt(text)
        )),
    }
}

struct UsageCount(u64);

impl<'de> Deserialize<'de> for UsageCount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(CountVisitor {
                limit: MAX_USAGE_COUNT,
                unit: "",
            })
            .map(UsageCount)
    }
}

/// A whole number, up to the largest `u64`. Whether it is within its limit is checked where
/// every request is, read or built in code (`PreparedRequest`); `limit` is for messages, and
/// for a number too large for a `u64` at all, refused here in the same words. A number with
/// a zero fraction (`5.0`, `1e3`) is that whole number: it is the same double, and the
/// request digest writes it the same way.
struct CountVisitor {
    limit: u64,
    unit: &'static str,
}

impl CountVisitor {
    fn negative<E: de::Error>(&self, value: &dyn fmt::Display) -> E {
        E::custom(format!(
            "{value} is negative; a count is a whole number from 0 to {}",
            self.limit
        ))
    }
}

impl Visitor<'_> for CountVisitor {
    type Value = u64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a whole number from 0 to {}", self.limit)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<u64, E> {
        Ok(value)
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<u64, E> {
        u64::try_from(value).map_err(|_| self.negative(&value))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<u64, E> {
        let text = double_text(value);
        if !value.is_finite() || value.fract() != 0.0 {
            return Err(E::custom(format!("{text} is not a whole number")));
        }
        if value < 0.0 {
            return Err(self.negative(&text));
        }
        // 2^64 is exact as a double; every whole double below it converts exactly.
        if value >= 18_446_744_073_709_551_616.0 {
            return Err(E::custom(too_large(&text, self.unit, self.limit)));
        }
        Ok(value as u64)
    }
}
