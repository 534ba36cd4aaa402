//! Timestamps read from outside (requests, license and approval credentials): RFC 3339
//! text, and one plain error for text that is not.
//!
//! jiff's own refusal names the part it stopped at in its parser's words ("failed to parse
//! two digit integer as month: invalid digit, expected 0-9 but got -"), which for a year
//! past 9999 or a missing `T` does not tell the user what was expected. The error here
//! quotes the text, says what form is expected with an example, and keeps jiff's detail in
//! parentheses.

use jiff::Timestamp;
use serde::{Deserialize, Deserializer, de};

/// `text` as a timestamp, or the error saying what it should look like.
pub(crate) fn parse(text: &str) -> Result<Timestamp, String> {
    text.parse().map_err(|e| {
        format!(
            "{} is not an RFC 3339 timestamp such as `2026-03-01T12:00:00Z` ({e})",
            crate::quote::quote(text)
        )
    })
}

/// `#[serde(deserialize_with = ...)]` for a required timestamp.
pub(crate) fn required<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Timestamp, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse(&text).map_err(de::Error::custom)
}

/// `#[serde(deserialize_with = ...)]` for an optional timestamp (`null` or absent: none).
pub(crate) fn optional<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Timestamp>, D::Error> {
    match Option::<String>::deserialize(deserializer)? {
        Some(text) => parse(&text).map(Some).map_err(de::Error::custom),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_is_not_a_timestamp_is_quoted_with_the_expected_form() {
        assert_eq!(
            parse("2026-03-01T12:00:00Z").map(|t| t.as_second()),
            Ok(1_772_366_400)
        );
        for bad in [
            "10000-01-01T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "tomorrow",
            "",
        ] {
            let message = parse(bad).unwrap_err();
            assert!(
                message.starts_with(&format!(
                    "`{bad}` is not an RFC 3339 timestamp such as `2026-03-01T12:00:00Z` ("
                )),
                "{message}"
            );
        }
    }
}
