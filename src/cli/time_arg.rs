//! Times given on the command line (`--now`, `--since`, `--until`, `--expires`).
//!
//! jiff refuses a time outside the range it represents in its own terms ("converting
//! datetime with time zone offset `+00` to timestamp overflowed: parameter 'Unix timestamp
//! seconds' is not in the required range of ..."). A date such as `9999-12-31` is a valid
//! date, so the person who typed it needs to hear which limit it passed, in gavel's terms.

use jiff::Timestamp;

use crate::timestamp_text::out_of_range;

/// Parses an RFC 3339 time, saying plainly when it is malformed or out of range.
pub(crate) fn timestamp(text: &str) -> Result<Timestamp, String> {
    let at = text.parse::<Timestamp>().map_err(|e| refusal(text, &e))?;
    match crate::timestamp_text::beyond_rfc3339(text) {
        Some(why) => Err(format!(
            "`{}` is not an RFC 3339 time (such as 2026-12-07T10:00:00Z): {why}",
            crate::quote::excerpt(text)
        )),
        None => Ok(at),
    }
}

/// Parses an RFC 3339 time or a date `YYYY-MM-DD`, which means its start in UTC, or with
/// `end_of_day` its end: the next day's start. An expiry is the first instant a credential no
/// longer holds (`expires_at <= now` is expired), so a license issued `--expires 2027-01-31`
/// must expire at 2027-02-01T00:00:00Z to hold through the whole of the 31st (found by QA:
/// it expired at 23:59:59, refused during the last second of the day it was sold for).
pub(crate) fn time_or_date(text: &str, end_of_day: bool) -> Result<Timestamp, String> {
    // Written with a time of day, it is a time, whole: out of range, malformed or without
    // an offset, it is refused as a time (jiff would read `2027-03-01T10:00:00` as a date
    // and drop the time of day).
    if text.contains(['T', 't', ' ']) {
        return timestamp(text);
    }
    let Ok(date) = text.parse::<jiff::civil::Date>() else {
        return Err(format!(
            "`{}` is not a date (YYYY-MM-DD) or an RFC 3339 time (such as 2026-12-07T10:00:00Z)",
            crate::quote::excerpt(text)
        ));
    };
    let day = if end_of_day {
        // Only the last date there is has no next day.
        date.tomorrow().map_err(|_| out_of_range(text))?
    } else {
        date
    };
    day.to_zoned(jiff::tz::TimeZone::UTC)
        .map(|zoned| zoned.timestamp())
        .map_err(|e| refusal(text, &e))
}

/// Why `text` is not a time gavel can use, from jiff's error `error`.
pub(crate) fn refusal(text: &str, error: &jiff::Error) -> String {
    if crate::timestamp_text::beyond_range(error) {
        out_of_range(text)
    } else {
        format!(
            "`{}` is not an RFC 3339 time (such as 2026-12-07T10:00:00Z): {error}",
            crate::quote::excerpt(text)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_and_malformed_times_are_told_apart() {
        assert_eq!(
            timestamp("2026-12-07T10:00:00Z").ok(),
            "2026-12-07T10:00:00Z".parse().ok()
        );
        let far = timestamp("9999-12-31T00:00:00Z").err().unwrap_or_default();
        assert!(far.starts_with("`9999-12-31T00:00:00Z` is out of range: times must lie between -009999-01-02T01:59:59Z and 9999-12-30T22:00:00"), "{far}");
        let bad = timestamp("tomorrow").err().unwrap_or_default();
        assert!(
            bad.starts_with("`tomorrow` is not an RFC 3339 time"),
            "{bad}"
        );
        assert_eq!(
            time_or_date("2026-03-01", true).ok(),
            "2026-03-02T00:00:00Z".parse().ok()
        );
        assert_eq!(
            time_or_date("2026-03-01", false).ok(),
            "2026-03-01T00:00:00Z".parse().ok()
        );
        let far = time_or_date("9999-12-31", true).err().unwrap_or_default();
        assert!(far.starts_with("`9999-12-31` is out of range"), "{far}");
        // The last day of a month, of a year, of February in a leap year: its end is the
        // next day's start.
        for (date, end) in [
            ("2026-04-30", "2026-05-01T00:00:00Z"),
            ("2026-12-31", "2027-01-01T00:00:00Z"),
            ("2028-02-28", "2028-02-29T00:00:00Z"),
        ] {
            assert_eq!(time_or_date(date, true).ok(), end.parse().ok(), "{date}");
        }
        let far = time_or_date("9999-12-31T23:59:59Z", false)
            .err()
            .unwrap_or_default();
        assert!(
            far.starts_with("`9999-12-31T23:59:59Z` is out of range"),
            "{far}"
        );
        let month = timestamp("2026-13-01T00:00:00Z").err().unwrap_or_default();
        assert!(
            month.starts_with("`2026-13-01T00:00:00Z` is not an RFC 3339 time"),
            "{month}"
        );
        let local = time_or_date("2027-03-01T10:00:00", true)
            .err()
            .unwrap_or_default();
        assert!(
            local.starts_with("`2027-03-01T10:00:00` is not an RFC 3339 time"),
            "{local}"
        );
        let bad = time_or_date("31/12/2026", false).err().unwrap_or_default();
        assert!(
            bad.starts_with("`31/12/2026` is not a date (YYYY-MM-DD)"),
            "{bad}"
        );
        // What jiff reads beyond RFC 3339 is refused.
        let offset = timestamp("2026-12-07T10:00:00+25:00")
            .err()
            .unwrap_or_default();
        assert_eq!(
            offset,
            "`2026-12-07T10:00:00+25:00` is not an RFC 3339 time (such as \
             2026-12-07T10:00:00Z): the offset must lie between -23:59 and +23:59"
        );
        assert!(timestamp("2026-12-07T10:00:00-05:00").is_ok());
    }
}
