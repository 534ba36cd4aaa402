//! Exact fixed-point decimals.
//!
//! Decisions are signed, so they must be the same bytes on every machine: no floats anywhere.
//! A [`Decimal`] is an `i64` count of millionths (six fractional digits), which covers line
//! counts, usage counters and risk weights with room to spare and makes every operation exact
//! or a reported error. Products keep six fractional digits and truncate toward zero; every
//! operation that would leave the range returns [`ArithmeticError`] instead of wrapping.
//!
//! The range is symmetric, ±9,223,372,036,854.775807 ([`Decimal::MIN`] is `-MAX`): the one
//! `i64` without a negation, `-9,223,372,036,854.775808`, is out of range, so negating a
//! number never fails and the documented range is the whole truth.

use std::fmt;
use std::str::FromStr;

/// Number of fractional digits a [`Decimal`] keeps.
pub const FRACTION_DIGITS: u32 = 6;
/// `10^FRACTION_DIGITS`: the raw value of `1`.
pub const SCALE: i64 = 1_000_000;

/// An exact fixed-point number with six fractional digits.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Decimal {
    raw: i64,
}

/// An arithmetic operation left the representable range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("arithmetic overflow in `{}{op} {rhs}`", lhs_text(lhs))]
pub struct ArithmeticError {
    /// Left operand, formatted (empty for a negation, `- rhs`).
    pub lhs: String,
    /// The operator (`+`, `-`, `*`).
    pub op: &'static str,
    /// Right operand, formatted.
    pub rhs: String,
}

/// Why a decimal literal could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseDecimalError {
    /// Not digits with an optional single `.` and optional leading `-`.
    #[error("`{0}` is not a decimal number")]
    Syntax(String),
    /// More fractional digits than the fixed point keeps.
    #[error("`{0}` has more than {FRACTION_DIGITS} fractional digits")]
    TooPrecise(String),
    /// Outside the representable range.
    #[error("`{0}` is out of range (at most about ±9.2 million million)")]
    OutOfRange(String),
}

/// The left operand and its space, or nothing for a negation.
fn lhs_text(lhs: &str) -> String {
    if lhs.is_empty() {
        String::new()
    } else {
        format!("{lhs} ")
    }
}

impl Decimal {
    /// Zero.
    pub const ZERO: Decimal = Decimal { raw: 0 };
    /// One.
    pub const ONE: Decimal = Decimal { raw: SCALE };
    /// The largest representable value.
    pub const MAX: Decimal = Decimal { raw: i64::MAX };
    /// The smallest representable value: `-MAX` (see the module documentation).
    pub const MIN: Decimal = Decimal { raw: -i64::MAX };

    /// Builds a decimal from its raw count of millionths.
    pub const fn from_raw(raw: i64) -> Self {
        Decimal { raw }
    }

    /// The decimal of `raw` millionths, or `None` when `raw` is outside the range
    /// (`i64::MIN`).
    pub fn in_range(raw: i64) -> Option<Self> {
        (raw != i64::MIN).then_some(Decimal { raw })
    }

    /// The raw count of millionths.
    pub const fn raw(self) -> i64 {
        self.raw
    }

    /// An integer value, or `None` when it does not fit.
    pub fn from_int(value: i64) -> Option<Self> {
        value.checked_mul(SCALE).map(Decimal::from_raw)
    }

    /// An unsigned integer value (line counts), or `None` when it does not fit.
    pub fn from_u64(value: u64) -> Option<Self> {
        i64::try_from(value).ok().and_then(Decimal::from_int)
    }

    /// `self + rhs`, or an error on overflow.
    pub fn checked_add(self, rhs: Decimal) -> Result<Decimal, ArithmeticError> {
        self.raw
            .checked_add(rhs.raw)
            .and_then(Decimal::in_range)
            .ok_or_else(|| self.overflow("+", rhs))
    }

    /// `self - rhs`, or an error on overflow.
    pub fn checked_sub(self, rhs: Decimal) -> Result<Decimal, ArithmeticError> {
        self.raw
            .checked_sub(rhs.raw)
            .and_then(Decimal::in_range)
            .ok_or_else(|| self.overflow("-", rhs))
    }

    /// `self * rhs`, truncated toward zero to six fractional digits, or an error on overflow.
    pub fn checked_mul(self, rhs: Decimal) -> Result<Decimal, ArithmeticError> {
        // Most products fit in 64 bits, where dividing by the constant scale is a multiply;
        // both divisions truncate toward zero.
        // (`product / SCALE` is never `i64::MIN`.)
        if let Some(product) = self.raw.checked_mul(rhs.raw) {
            return Ok(Decimal::from_raw(product / SCALE));
        }
        let wide = i128::from(self.raw) * i128::from(rhs.raw) / i128::from(SCALE);
        i64::try_from(wide)
            .ok()
            .and_then(Decimal::in_range)
            .ok_or_else(|| self.overflow("*", rhs))
    }

    /// `-self`, or an error for the one value without a negation.
    pub fn checked_neg(self) -> Result<Decimal, ArithmeticError> {
        self.raw
            .checked_neg()
            .map(Decimal::from_raw)
            .ok_or_else(|| ArithmeticError {
                lhs: String::new(),
                op: "-",
                rhs: self.to_string(),
            })
    }

    /// Whether the value has no fractional part.
    pub fn is_integer(self) -> bool {
        self.raw % SCALE == 0
    }

    /// The value as an integer when it has no fractional part.
    pub fn to_integer(self) -> Option<i64> {
        self.is_integer().then_some(self.raw / SCALE)
    }

    fn overflow(self, op: &'static str, rhs: Decimal) -> ArithmeticError {
        ArithmeticError {
            lhs: self.to_string(),
            op,
            rhs: rhs.to_string(),
        }
    }
}

impl FromStr for Decimal {
    type Err = ParseDecimalError;

    /// Reads `-?digits(.digits)?`, exactly: `0.1` is one tenth, not a binary approximation.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let syntax = || ParseDecimalError::Syntax(text.to_string());
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, fraction) = match unsigned.split_once('.') {
            Some((w, f)) => (w, f),
            None => (unsigned, ""),
        };
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) {
            return Err(syntax());
        }
        if unsigned.contains('.') && fraction.is_empty() {
            return Err(syntax());
        }
        let trimmed_fraction = fraction.trim_end_matches('0');
        if trimmed_fraction.len() > FRACTION_DIGITS as usize {
            return Err(ParseDecimalError::TooPrecise(text.to_string()));
        }
        let out_of_range = || ParseDecimalError::OutOfRange(text.to_string());
        let whole = whole.trim_start_matches('0');
        if whole.len() > 19 {
            return Err(out_of_range());
        }
        let whole: i128 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| out_of_range())?
        };
        let mut frac_raw: i128 = 0;
        for (i, digit) in trimmed_fraction.bytes().enumerate() {
            let place = 10_i128.pow(FRACTION_DIGITS - 1 - i as u32);
            frac_raw += i128::from(digit - b'0') * place;
        }
        let magnitude = whole * i128::from(SCALE) + frac_raw;
        let signed = if negative { -magnitude } else { magnitude };
        i64::try_from(signed)
            .ok()
            .and_then(Decimal::in_range)
            .ok_or_else(out_of_range)
    }
}

impl fmt::Display for Decimal {
    /// Shortest exact form: `3`, `0.25`, `-1.5`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let negative = self.raw < 0;
        let magnitude = self.raw.unsigned_abs();
        let scale = SCALE.unsigned_abs();
        let whole = magnitude / scale;
        let fraction = magnitude % scale;
        if negative {
            f.write_str("-")?;
        }
        write!(f, "{whole}")?;
        if fraction != 0 {
            let digits = format!("{fraction:06}");
            write!(f, ".{}", digits.trim_end_matches('0'))?;
        }
        Ok(())
    }
}

impl fmt::Debug for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl serde::Serialize for Decimal {
    /// Decimals serialize as JSON strings (`"0.25"`) so that no JSON reader rounds them.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Decimal {
    /// Accepts a JSON/YAML number or a decimal string. Floats are read through their shortest
    /// round-trip text, so `0.3` in a request is exactly three tenths.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(DecimalVisitor)
    }
}

struct DecimalVisitor;

impl serde::de::Visitor<'_> for DecimalVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number")
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Decimal, E> {
        Decimal::from_int(v).ok_or_else(|| E::custom(format!("number {v} is out of range")))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Decimal, E> {
        Decimal::from_u64(v).ok_or_else(|| E::custom(format!("number {v} is out of range")))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Decimal, E> {
        if !v.is_finite() {
            return Err(E::custom("number is not finite"));
        }
        let text = format!("{v}");
        text.parse().map_err(E::custom)
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Decimal, E> {
        v.parse().map_err(E::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn parses_and_prints_exactly() {
        for (input, shown) in [
            ("0", "0"),
            ("007", "7"),
            ("0.3", "0.3"),
            ("0.300000", "0.3"),
            ("-1.5", "-1.5"),
            ("123456.000001", "123456.000001"),
            ("9223372036854.775807", "9223372036854.775807"),
            ("-9223372036854.775807", "-9223372036854.775807"),
        ] {
            assert_eq!(d(input).to_string(), shown, "{input}");
        }
    }

    #[test]
    fn rejects_bad_literals() {
        assert!(matches!(
            "1.".parse::<Decimal>(),
            Err(ParseDecimalError::Syntax(_))
        ));
        assert!(matches!(
            ".5".parse::<Decimal>(),
            Err(ParseDecimalError::Syntax(_))
        ));
        assert!(matches!(
            "1e3".parse::<Decimal>(),
            Err(ParseDecimalError::Syntax(_))
        ));
        assert!(matches!(
            "0.0000001".parse::<Decimal>(),
            Err(ParseDecimalError::TooPrecise(_))
        ));
        for out in ["9223372036854.775808", "-9223372036854.775808"] {
            assert!(matches!(
                out.parse::<Decimal>(),
                Err(ParseDecimalError::OutOfRange(_))
            ));
        }
        assert!(matches!(
            "99999999999999999999999".parse::<Decimal>(),
            Err(ParseDecimalError::OutOfRange(_))
        ));
    }

    #[test]
    fn arithmetic_is_exact_or_an_error() {
        assert_eq!(d("0.1").checked_add(d("0.2")).unwrap(), d("0.3"));
        assert_eq!(d("0.3").checked_mul(d("0.5")).unwrap(), d("0.15"));
        assert_eq!(d("-0.000001").checked_mul(d("0.5")).unwrap(), d("0"));
        assert_eq!(d("100").checked_sub(d("250")).unwrap(), d("-150"));
        assert!(Decimal::MAX.checked_add(Decimal::ONE).is_err());
        assert!(Decimal::MAX.checked_mul(d("2")).is_err());
        // The range is symmetric: MIN negates to MAX, and nothing reaches below MIN.
        assert_eq!(Decimal::MIN.checked_neg().unwrap(), Decimal::MAX);
        assert!(Decimal::MIN.checked_sub(d("0.000001")).is_err());
        assert!(Decimal::MIN.checked_add(d("-0.000001")).is_err());
        assert!(
            d("0")
                .checked_sub(Decimal::MAX)
                .unwrap()
                .checked_sub(d("0.000001"))
                .is_err()
        );
        assert!(Decimal::MIN.checked_mul(d("1.000001")).is_err());
        let err = Decimal::from_raw(i64::MIN).checked_neg().unwrap_err();
        assert_eq!(
            err.to_string(),
            "arithmetic overflow in `- -9223372036854.775808`"
        );
        let err = Decimal::MAX.checked_add(Decimal::ONE).unwrap_err();
        assert_eq!(
            err.to_string(),
            "arithmetic overflow in `9223372036854.775807 + 1`"
        );
    }

    proptest::proptest! {
        /// The 64-bit shortcut of `checked_mul` gives what the 128-bit product gives, on
        /// both sides of where the raw product stops fitting in 64 bits.
        #[test]
        fn products_equal_the_wide_computation(
            a in proptest::num::i64::ANY,
            b in proptest::num::i64::ANY,
            shift in 0u32..64,
        ) {
            // Shifted, the operands range from one bit to 64, so the raw product fits in
            // 64 bits in some cases and not in others.
            let (a, b) = (a >> shift, b >> (63 - shift / 2));
            let wide = i128::from(a) * i128::from(b) / i128::from(SCALE);
            let got = Decimal::from_raw(a).checked_mul(Decimal::from_raw(b)).ok().map(|d| d.raw);
            proptest::prop_assert_eq!(got, i64::try_from(wide).ok());
        }
    }

    #[test]
    fn deserializes_floats_through_their_shortest_text() {
        let v: Decimal = serde_json::from_str("0.3").unwrap();
        assert_eq!(v, d("0.3"));
        let v: Decimal = serde_json::from_str("\"12.5\"").unwrap();
        assert_eq!(v, d("12.5"));
        assert!(serde_json::from_str::<Decimal>("1e300").is_err());
        assert_eq!(serde_json::to_string(&d("0.25")).unwrap(), "\"0.25\"");
    }
}
