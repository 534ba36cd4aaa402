//! Approval windows: `30m`, `1h`, `24h`, `7d`, `1h30m`.

use std::fmt;
use std::str::FromStr;

/// A whole number of seconds, written with `d`, `h`, `m`, `s` units.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Duration {
    seconds: u64,
}

/// Why a duration literal could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseDurationError {
    /// Not a sequence of `<digits><unit>` parts.
    #[error("`{}` is not a duration (write e.g. `30m`, `1h`, `24h`, `7d`, `1h30m`)", crate::quote::one_line(.0))]
    Syntax(String),
    /// A unit repeated, or after a smaller one (`1h1h`, `30m1h`): read as a sum, which is
    /// rarely what was meant.
    #[error("`{}`: write each unit once, largest first (e.g. `1h30m`)", crate::quote::one_line(.0))]
    Order(String),
    /// Larger than gavel accepts.
    #[error("`{}` is longer than the maximum of 3650 days", crate::quote::one_line(.0))]
    TooLong(String),
}

/// The longest window gavel accepts: ten years keeps every deadline far from timestamp limits.
pub const MAX_SECONDS: u64 = 3650 * 86_400;

impl Duration {
    /// A duration of `seconds`.
    pub const fn from_seconds(seconds: u64) -> Self {
        Duration { seconds }
    }

    /// Length in seconds.
    pub const fn seconds(self) -> u64 {
        self.seconds
    }
}

impl FromStr for Duration {
    type Err = ParseDurationError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let syntax = || ParseDurationError::Syntax(text.to_string());
        let too_long = || ParseDurationError::TooLong(text.to_string());
        if text.is_empty() {
            return Err(syntax());
        }
        let mut total: u64 = 0;
        let mut digits: Option<u64> = None;
        // The last unit's size: each next one must be smaller.
        let mut last_unit = u64::MAX;
        for byte in text.bytes() {
            if byte.is_ascii_digit() {
                let d = u64::from(byte - b'0');
                let next = digits
                    .unwrap_or(0)
                    .checked_mul(10)
                    .and_then(|v| v.checked_add(d))
                    .ok_or_else(too_long)?;
                digits = Some(next);
                continue;
            }
            let unit = match byte {
                b'd' => 86_400,
                b'h' => 3_600,
                b'm' => 60,
                b's' => 1,
                _ => return Err(syntax()),
            };
            let amount = digits.take().ok_or_else(syntax)?;
            if unit >= last_unit {
                return Err(ParseDurationError::Order(text.to_string()));
            }
            last_unit = unit;
            total = amount
                .checked_mul(unit)
                .and_then(|v| total.checked_add(v))
                .ok_or_else(too_long)?;
        }
        if digits.is_some() {
            return Err(syntax());
        }
        if total > MAX_SECONDS {
            return Err(too_long());
        }
        Ok(Duration { seconds: total })
    }
}

impl fmt::Display for Duration {
    /// Canonical form: largest units first, zero parts omitted (`90m` prints as `1h30m`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.seconds == 0 {
            return f.write_str("0s");
        }
        let mut rest = self.seconds;
        for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] {
            let amount = rest / size;
            rest %= size;
            if amount > 0 {
                write!(f, "{amount}{unit}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl serde::Serialize for Duration {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Duration {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_prints_canonical_forms() {
        for (input, secs, shown) in [
            ("1h", 3600, "1h"),
            ("24h", 86_400, "1d"),
            ("90m", 5400, "1h30m"),
            ("1h30m", 5400, "1h30m"),
            ("7d", 604_800, "7d"),
            ("45s", 45, "45s"),
        ] {
            let d: Duration = input.parse().unwrap();
            assert_eq!(d.seconds(), secs, "{input}");
            assert_eq!(d.to_string(), shown, "{input}");
        }
    }

    #[test]
    fn rejects_malformed_and_huge() {
        for bad in ["", "h", "1", "1x", "1h2", "-1h", "1.5h"] {
            assert!(matches!(
                bad.parse::<Duration>(),
                Err(ParseDurationError::Syntax(_))
            ));
        }
        // Found by QA: `1h1h` was read as 2h, `30m1h` as 1h30m.
        for unordered in ["1h1h", "30m1h", "1s1d", "1d2h3h"] {
            assert_eq!(
                unordered.parse::<Duration>(),
                Err(ParseDurationError::Order(unordered.into())),
                "{unordered}"
            );
        }
        assert_eq!(
            ParseDurationError::Order("30m1h".into()).to_string(),
            "`30m1h`: write each unit once, largest first (e.g. `1h30m`)"
        );
        assert_eq!(
            "1d2h3m4s".parse::<Duration>().map(|d| d.seconds()),
            Ok(93_784)
        );
        assert!(matches!(
            "3651d".parse::<Duration>(),
            Err(ParseDurationError::TooLong(_))
        ));
        assert!(matches!(
            "99999999999999999999999s".parse::<Duration>(),
            Err(ParseDurationError::TooLong(_))
        ));
    }
}
