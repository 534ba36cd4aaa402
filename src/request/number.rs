//! Request numbers: what a JSON or YAML number in a request means, exactly.
//!
//! A request's numbers are I-JSON numbers (RFC 7493): IEEE doubles. The request digest
//! hashes them as doubles too (RFC 8785 writes each as the shortest decimal that reads back
//! as the same double), and approvals bind to that digest. So what gavel decides on must be
//! a function of the double alone — two requests with the same digest must decide alike —
//! and it is: a number is the shortest decimal of its double, taken as a [`Decimal`] when
//! that decimal fits one exactly. A number it would not fit exactly is refused, never
//! rounded:
//!
//! - more than 15 significant digits: a double keeps 15 exactly, so the double of
//!   `18014398509.481985` reads back as `18014398509.481983` — which one was meant is lost;
//! - more fractional digits than a [`Decimal`] keeps (6);
//! - outside the [`Decimal`] range.
//!
//! Every number written with at most 15 significant digits and 6 fractional digits, in range,
//! is read as exactly what was written. An integer JSON reads as one (`5`, not `5.0`) is
//! exact whatever its size, and only its range is checked.

use std::fmt::{self, Write as _};

use crate::number::{Decimal, FRACTION_DIGITS};

/// Most significant digits a request number may have: every decimal of at most 15
/// significant digits reads back unchanged from its nearest double, and some of 16 do not.
pub(crate) const MAX_SIGNIFICANT_DIGITS: usize = 15;

/// A request number (a JSON number, or a YAML one read into JSON) as the decimal it means,
/// or why it has none; the reason quotes the number as [`number_text`] writes it.
pub(crate) fn request_decimal(number: &serde_json::Number) -> Result<Decimal, String> {
    if let Some(i) = number.as_i64() {
        return Decimal::from_int(i).ok_or_else(|| out_of_range(&i));
    }
    if let Some(u) = number.as_u64() {
        return Decimal::from_u64(u).ok_or_else(|| out_of_range(&u));
    }
    // serde_json holds every other number as a finite double.
    double_decimal(number.as_f64().unwrap_or(f64::NAN))
}

/// A double as the decimal it means (see the module documentation).
pub(crate) fn double_decimal(x: f64) -> Result<Decimal, String> {
    let Some(digits) = Shortest::of(x) else {
        return Err("the number is not finite".into());
    };
    if digits.is_zero() {
        return Ok(Decimal::ZERO);
    }
    // Whole digits: 13 at most (9,223,372,036,854); the exact bound is checked below.
    if digits.point > 13 {
        return Err(out_of_range(&digits));
    }
    let significant = digits.len;
    if significant > MAX_SIGNIFICANT_DIGITS {
        return Err(format!(
            "{digits} has {significant} significant digits (read as a double, as JSON and YAML \
             numbers are); a double is exact to {MAX_SIGNIFICANT_DIGITS}, so a request number \
             may have at most {MAX_SIGNIFICANT_DIGITS}"
        ));
    }
    let fraction = significant as i32 - digits.point;
    if fraction > FRACTION_DIGITS as i32 {
        return Err(format!(
            "{digits} has {fraction} fractional digits, more than the {FRACTION_DIGITS} a \
             number keeps"
        ));
    }
    // At most 15 digits, shifted left by at most 6 + 13 places: within i128.
    let mut raw: i128 = 0;
    for &d in digits.digits() {
        raw = raw * 10 + i128::from(d - b'0');
    }
    raw *= 10_i128.pow((FRACTION_DIGITS as i32 - fraction) as u32);
    if digits.negative {
        raw = -raw;
    }
    i64::try_from(raw)
        .ok()
        .and_then(Decimal::in_range)
        .ok_or_else(|| out_of_range(&digits))
}

fn out_of_range(number: &dyn fmt::Display) -> String {
    format!(
        "{number} is out of range: numbers are from {} to {}",
        Decimal::MIN,
        Decimal::MAX
    )
}

/// A JSON number as errors quote it: integers as they are, other numbers as the shortest
/// decimal that reads back as the same double (`0.1`, `100000000000000000000000`), in
/// plain digits unless the decimal point would stand more than 40 places from the first
/// digit (`1e300`).
pub(crate) fn number_text(number: &serde_json::Number) -> String {
    if number.is_f64() {
        double_text(number.as_f64().unwrap_or(f64::NAN))
    } else {
        number.to_string()
    }
}

/// A double as [`number_text`] writes it.
pub(crate) fn double_text(x: f64) -> String {
    match Shortest::of(x) {
        Some(digits) => digits.to_string(),
        None => format!("{x}"),
    }
}

/// The shortest decimal that reads back as a given double: its digits (no leading or
/// trailing zeros), where the decimal point goes, and the sign. Built on the stack.
struct Shortest {
    /// ASCII digits; `len` of them are used. A double's shortest form has at most 17.
    buf: [u8; 17],
    len: usize,
    /// The value is `0.DIGITS × 10^point`: `point` digits stand before the decimal point
    /// (`12.5`: 2; `0.05`: -1).
    point: i32,
    negative: bool,
}

impl Shortest {
    /// The shortest form of a finite `x`; `None` for infinities and NaN.
    fn of(x: f64) -> Option<Shortest> {
        if !x.is_finite() {
            return None;
        }
        // Rust's `{:e}` writes the shortest round-trip digits: `-1.2345e-7`, `5e0`.
        let mut text = StackText::default();
        write!(text, "{:e}", x.abs()).ok()?;
        let (mantissa, exponent) = text.as_str()?.split_once('e')?;
        let exponent: i32 = exponent.parse().ok()?;
        let mut out = Shortest {
            buf: [b'0'; 17],
            len: 0,
            point: exponent + 1,
            negative: x < 0.0,
        };
        for b in mantissa.bytes().filter(u8::is_ascii_digit) {
            *out.buf.get_mut(out.len)? = b;
            out.len += 1;
        }
        while out.len > 1 && out.buf.get(out.len - 1) == Some(&b'0') {
            out.len -= 1;
        }
        if out.is_zero() {
            out.negative = false;
        }
        Some(out)
    }

    fn digits(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
    }

    fn is_zero(&self) -> bool {
        self.digits() == b"0"
    }
}

impl fmt::Display for Shortest {
    /// Plain digits (`0.000001`, `18446744073709552000`), or `DeX` / `D.DDDeX` when the
    /// decimal point would stand more than 40 places from the first digit.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = std::str::from_utf8(self.digits()).map_err(|_| fmt::Error)?;
        if self.negative {
            f.write_char('-')?;
        }
        let len = self.len as i32;
        let zeros = |f: &mut fmt::Formatter<'_>, n: i32| -> fmt::Result {
            (0..n).try_for_each(|_| f.write_char('0'))
        };
        if self.point > 40 || self.point < -40 {
            let (first, rest) = digits.split_at(1);
            f.write_str(first)?;
            if !rest.is_empty() {
                write!(f, ".{rest}")?;
            }
            write!(f, "e{}", self.point - 1)
        } else if self.point <= 0 {
            f.write_str("0.")?;
            zeros(f, -self.point)?;
            f.write_str(digits)
        } else if self.point >= len {
            f.write_str(digits)?;
            zeros(f, self.point - len)
        } else {
            let (whole, fraction) = digits.split_at(self.point as usize);
            write!(f, "{whole}.{fraction}")
        }
    }
}

/// A short text written on the stack (a double's `{:e}` form is at most 24 bytes).
#[derive(Default)]
struct StackText {
    buf: [u8; 32],
    len: usize,
}

impl StackText {
    fn as_str(&self) -> Option<&str> {
        std::str::from_utf8(self.buf.get(..self.len)?).ok()
    }
}

impl fmt::Write for StackText {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        self.buf
            .get_mut(self.len..end)
            .ok_or(fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<String, String> {
        let value: serde_json::Value = serde_json::from_str(text).unwrap();
        let serde_json::Value::Number(n) = value else {
            panic!("{text} is not a number")
        };
        request_decimal(&n).map(|d| d.to_string())
    }

    #[test]
    fn numbers_of_up_to_15_digits_are_read_exactly() {
        for (text, value) in [
            ("0", "0"),
            ("-0.0", "0"),
            ("0.3", "0.3"),
            ("5.0", "5"),
            ("1e3", "1000"),
            ("2.5E-3", "0.0025"),
            ("0.000001", "0.000001"),
            ("-0.000001", "-0.000001"),
            ("123456789.123456", "123456789.123456"),
            ("999999999.999999", "999999999.999999"),
            ("9223372036854.77", "9223372036854.77"),
            ("-9223372036854.77", "-9223372036854.77"),
            ("9223372036854", "9223372036854"),
            ("-9223372036854", "-9223372036854"),
            ("9223372036854.0", "9223372036854"),
            ("12345678901.2345", "12345678901.2345"),
        ] {
            assert_eq!(read(text).as_deref(), Ok(value), "{text}");
        }
    }

    #[test]
    fn numbers_a_decimal_cannot_hold_exactly_are_refused() {
        for (text, reason) in [
            // QA's cases: each was read as a different number before.
            (
                "18014398509.481985",
                "18014398509.481983 has 17 significant digits",
            ),
            (
                "123456789012.123457",
                "123456789012.12346 has 17 significant digits",
            ),
            (
                "9223372036854.775807",
                "9223372036854.775 has 16 significant digits",
            ),
            (
                "9223372036854.775808",
                "9223372036854.775 has 16 significant digits",
            ),
            (
                "9007199254.7409931",
                "9007199254.740993 has 16 significant digits",
            ),
            ("0.0000001", "0.0000001 has 7 fractional digits"),
            ("1e-7", "0.0000001 has 7 fractional digits"),
            ("1.5e-6", "0.0000015 has 7 fractional digits"),
            ("9223372036854.78", "9223372036854.78 is out of range"),
            ("-9223372036854.78", "-9223372036854.78 is out of range"),
            ("9223372036855", "9223372036855 is out of range"),
            ("-9223372036855", "-9223372036855 is out of range"),
            (
                "18446744073709551615",
                "18446744073709551615 is out of range",
            ),
            ("1e23", "100000000000000000000000 is out of range"),
            (
                "18446744073709551616",
                "18446744073709552000 is out of range",
            ),
            ("1e300", "1e300 is out of range"),
            ("-1e300", "-1e300 is out of range"),
        ] {
            let error = read(text).unwrap_err();
            assert!(error.starts_with(reason), "{text}: {error}");
        }
    }

    #[test]
    fn the_value_is_a_function_of_the_double() {
        // The same double as 0.1: the digest cannot tell them apart, so neither does gavel.
        assert_eq!(read("0.10000000000000001").as_deref(), Ok("0.1"));
        assert_eq!(read("0.1").as_deref(), Ok("0.1"));
    }

    #[test]
    fn quotes_numbers_in_their_shortest_plain_form() {
        for (x, text) in [
            (1e23, "100000000000000000000000"),
            (18446744073709551616.0, "18446744073709552000"),
            (1e-7, "0.0000001"),
            (-2.5, "-2.5"),
            (0.0, "0"),
            (-0.0, "0"),
            (1e39, "1000000000000000000000000000000000000000"),
            (1e40, "1e40"),
            (1.5e-300, "1.5e-300"),
            (f64::MAX, "1.7976931348623157e308"),
            (f64::MIN_POSITIVE, "2.2250738585072014e-308"),
        ] {
            assert_eq!(double_text(x), text, "{x:e}");
        }
    }

    proptest::proptest! {
        /// Every decimal of up to 15 significant and 6 fractional digits, in range, reads
        /// back as exactly itself through its double.
        #[test]
        fn short_decimals_survive_the_double(
            whole in 0i64..=9_223_372_036_854,
            fraction in 0i64..1_000_000,
            negative: bool,
        ) {
            let raw = whole * 1_000_000 + fraction;
            let decimal = Decimal::from_raw(if negative { -raw } else { raw });
            let text = decimal.to_string();
            let significant = text.trim_start_matches(['-', '0', '.']).replace('.', "").len();
            let result = read(&text);
            if significant <= MAX_SIGNIFICANT_DIGITS {
                proptest::prop_assert_eq!(result, Ok(text));
            } else if let Ok(read) = result {
                // Longer: refused, or the same double as a shorter number, read as that.
                let double = |t: &str| t.parse::<f64>().unwrap();
                proptest::prop_assert_eq!(double(&read), double(&text));
            }
        }

        /// Any double: refused, or read as a decimal whose own double is the same double.
        #[test]
        fn accepted_doubles_are_their_decimal(x in proptest::num::f64::NORMAL | proptest::num::f64::ZERO) {
            if let Ok(d) = double_decimal(x) {
                let back: f64 = d.to_string().parse().unwrap();
                proptest::prop_assert_eq!(back, x);
            }
        }
    }
}
