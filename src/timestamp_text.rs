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
    let refused = |why: &dyn std::fmt::Display| {
        format!(
            "{} is not an RFC 3339 timestamp such as `2026-03-01T12:00:00Z` ({why})",
            crate::quote::quote(text)
        )
    };
    let at: Timestamp = text.parse().map_err(|e: jiff::Error| {
        // A valid time past what gavel represents (found by QA: `9999-12-31T23:59:59Z`
        // was "not an RFC 3339 timestamp", with jiff's range words).
        if beyond_range(&e) {
            out_of_range(text)
        } else {
            refused(&e)
        }
    })?;
    match beyond_rfc3339(text) {
        Some(why) => Err(refused(&why)),
        None => Ok(at),
    }
}

/// Whether jiff refused a time for lying beyond the instants it represents (its words for
/// that; a month 13 is "not in the required range" too, but of `month`).
pub(crate) fn beyond_range(error: &jiff::Error) -> bool {
    let why = error.to_string();
    why.contains("overflow") || why.contains("Unix timestamp")
}

/// The error for `text`, a time beyond the instants gavel represents, in gavel's terms.
pub(crate) fn out_of_range(text: &str) -> String {
    format!(
        "{} is out of range: times must lie between {} and {}",
        crate::quote::quote(text),
        Timestamp::MIN,
        Timestamp::MAX
    )
}

/// What jiff reads in `text` that RFC 3339 does not allow, if anything: jiff also takes
/// offsets up to ±25:59:59, offsets without minutes or colon (`+05`, `+0530`) and a
/// bracketed time zone (RFC 9557, `[Europe/Paris]`). RFC 3339 ends a time with `Z` or
/// `±HH:MM`, hours 00 to 23.
pub(crate) fn beyond_rfc3339(text: &str) -> Option<&'static str> {
    if text.contains('[') {
        return Some("a bracketed time zone is not RFC 3339");
    }
    let bytes = text.as_bytes();
    if matches!(bytes.last(), Some(b'Z' | b'z')) {
        return None;
    }
    let offset = bytes.len().checked_sub(6).and_then(|at| bytes.get(at..));
    let digit = |b: u8| b.is_ascii_digit().then(|| u32::from(b - b'0'));
    match offset {
        Some(&[sign, h1, h2, b':', m1, m2]) if sign == b'+' || sign == b'-' => {
            match (digit(h1), digit(h2), digit(m1), digit(m2)) {
                (Some(h1), Some(h2), Some(m1), Some(m2))
                    if h1 * 10 + h2 <= 23 && m1 * 10 + m2 <= 59 =>
                {
                    None
                }
                _ => Some("the offset must lie between -23:59 and +23:59"),
            }
        }
        _ => Some("the time must end with `Z` or an offset `±HH:MM`"),
    }
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
        assert!(parse("2026-03-01T12:00:00+05:30").is_ok());
        assert!(parse("2026-03-01T12:00:00.5-23:59").is_ok());
        for bad in [
            "10000-01-01T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "tomorrow",
            "",
            "2026-03-01T12:00:00+25:00",
            "2026-03-01T12:00:00+05",
            "2026-03-01T12:00:00+0530",
            "2026-03-01T12:00:00Z[Europe/Paris]",
        ] {
            let message = parse(bad).unwrap_err();
            assert!(
                message.starts_with(&format!(
                    "`{bad}` is not an RFC 3339 timestamp such as `2026-03-01T12:00:00Z` ("
                )),
                "{message}"
            );
        }
        // Valid RFC 3339, past the last time gavel represents.
        let message = parse("9999-12-31T23:59:59Z").unwrap_err();
        assert!(
            message.starts_with("`9999-12-31T23:59:59Z` is out of range: times must lie between"),
            "{message}"
        );
    }
}
