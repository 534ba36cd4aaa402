//! Canonical JSON bytes: RFC 8785, the JSON Canonicalization Scheme (JCS).
//!
//! Every digest and signature in gavel is computed over these bytes, so two parties that
//! agree on a JSON value agree on its bytes: object members sorted by the UTF-16 code units
//! of their names, no insignificant whitespace, strings escaped minimally, numbers printed as
//! ECMAScript's `Number.prototype.toString` prints them. gavel itself never emits floats
//! (decimals are strings), but requests may carry them in attributes, so numbers are handled
//! fully.

mod serializer;
mod strict;

pub use serializer::{CanonicalError, to_canonical_string};
pub use strict::from_slice_unique;

use std::cmp::Ordering;
use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;

/// The canonical bytes of any serializable value.
pub fn to_canonical_bytes<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, CanonicalError> {
    to_canonical_string(value).map(String::into_bytes)
}

/// The canonical text of a JSON value.
pub fn canonicalize(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value);
    out
}

/// Lowercase hex of `bytes` (digests are encoded on every decision).
pub fn hex_lower(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    push_hex_lower(&mut out, bytes);
    out
}

/// Appends the lowercase hex of `bytes` to `out`, 16 bytes at a time through a stack
/// buffer.
fn push_hex_lower(out: &mut String, bytes: &[u8]) {
    out.reserve(bytes.len() * 2);
    for chunk in bytes.chunks(16) {
        let mut buf = [0u8; 32];
        write_hex_lower(chunk, &mut buf);
        let text = buf.get(..chunk.len() * 2).unwrap_or(&[]);
        out.push_str(std::str::from_utf8(text).unwrap_or(""));
    }
}

/// Writes the lowercase hex of `bytes` into `out`, two digits per byte, a table lookup per
/// nibble; stops at whichever ends first.
pub(crate) fn write_hex_lower(bytes: &[u8], out: &mut [u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let digit = |nibble: u8| DIGITS.get(usize::from(nibble)).copied().unwrap_or(b'0');
    for (pair, b) in out.chunks_exact_mut(2).zip(bytes) {
        if let [hi, lo] = pair {
            *hi = digit(b >> 4);
            *lo = digit(b & 0x0f);
        }
    }
}

/// Refuses JSON that is not an object before it is read into a credential's struct: serde
/// reads a struct from an array too, by position, so `[...]` was taken apart field by field
/// and refused in Rust's words ("expected struct Approval with 14 elements"; found by QA).
pub(crate) fn expect_object(bytes: &[u8]) -> Result<(), String> {
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => Ok(()),
        Some(_) => Err("not a JSON object (a credential is `{...}`)".into()),
        None => Err("empty".into()),
    }
}

/// The members of a signed credential as they were read, its `signature` left out.
///
/// A credential's signature is over the RFC 8785 bytes of its members as the signer wrote
/// them. Re-serializing the parsed members need not give those bytes back — a time
/// `…17.5+00:00` comes back `…17.5Z` — so a credential signed by another tool was refused
/// as tampered (found by QA). What was read is kept and is what signatures and credential
/// ids are computed over; a credential gavel issues has none and uses its members.
///
/// Two credentials with equal members are equal whatever their text: this compares equal
/// always.
#[derive(Clone, Debug, Default)]
pub struct AsRead(Option<serde_json::Map<String, Value>>);

impl PartialEq for AsRead {
    fn eq(&self, _: &AsRead) -> bool {
        true
    }
}

impl Eq for AsRead {}

impl AsRead {
    /// The members of `value` (an object), but its `signature`.
    pub(crate) fn of(value: &Value) -> AsRead {
        AsRead(value.as_object().map(|members| {
            let mut members = members.clone();
            members.remove("signature");
            members
        }))
    }

    /// The object as read, signature included, when it was read.
    pub(crate) fn with_signature(&self, signature: &impl Serialize) -> Option<Value> {
        let mut members = self.0.clone()?;
        members.insert("signature".into(), serde_json::to_value(signature).ok()?);
        Some(Value::Object(members))
    }

    /// The canonical bytes a signature covers: the members as read, or, for a credential
    /// that was not read, `unsigned` (its members without the signature).
    pub(crate) fn signed_bytes<T: Serialize>(
        &self,
        unsigned: &T,
    ) -> Result<Vec<u8>, CanonicalError> {
        match &self.0 {
            Some(members) => to_canonical_bytes(members),
            None => to_canonical_bytes(unsigned),
        }
    }
}

/// SHA-256 of the canonical bytes, as lowercase hex.
pub fn digest_hex<T: Serialize + ?Sized>(value: &T) -> Result<String, CanonicalError> {
    use sha2::{Digest, Sha256};
    let bytes = to_canonical_bytes(value)?;
    Ok(hex::encode(Sha256::digest(&bytes)))
}

/// Writes `value` as canonical JSON.
///
/// Values read by gavel are at most 128 levels deep (serde_json's limit), but a request built
/// in code may hold an attribute nested thousands of levels deep, and its digest is written
/// before validation can refuse it (found by QA: 5,000 nested lists overflowed the stack
/// and aborted the process): the recursion checks the stack as it goes down.
pub(crate) fn write_value(out: &mut String, value: &Value) {
    write_value_at(out, value, 0);
}

fn write_value_at(out: &mut String, value: &Value, depth: u32) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(out, n),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                crate::stack::guarded_at(depth + 1, || write_value_at(out, item, depth + 1));
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| utf16_cmp(a.0, b.0));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, key);
                out.push(':');
                crate::stack::guarded_at(depth + 1, || write_value_at(out, item, depth + 1));
            }
            out.push('}');
        }
    }
}

/// RFC 8785 §3.2.3: property names sort by their UTF-16 code units.
pub(crate) fn utf16_cmp(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// RFC 8785 §3.2.2.2: escape `"`, `\` and control characters; everything else verbatim.
/// Copies runs of plain bytes at once: strings are most of a request's bytes.
pub(crate) fn write_string(out: &mut String, s: &str) {
    out.push('"');
    // Most strings (paths, ids, names) need no escaping: one scan, one copy. The scan does
    // not stop at the first hit, so that it compiles to a vectorized loop.
    let needs_escape = s.bytes().fold(false, |acc, b| {
        acc | (b < 0x20) | (b == b'"') | (b == b'\\')
    });
    if !needs_escape {
        out.push_str(s);
        out.push('"');
        return;
    }
    let mut run_start = 0;
    for (i, byte) in s.bytes().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            0x08 => "\\b",
            0x0C => "\\f",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            b if b < 0x20 => "",
            _ => continue,
        };
        out.push_str(s.get(run_start..i).unwrap_or(""));
        if escape.is_empty() {
            let _ = write!(out, "\\u{byte:04x}");
        } else {
            out.push_str(escape);
        }
        run_start = i + 1;
    }
    out.push_str(s.get(run_start..).unwrap_or(""));
    out.push('"');
}

/// RFC 8785 §3.2.2.3: numbers as ECMAScript prints doubles.
fn write_number(out: &mut String, n: &serde_json::Number) {
    if let Some(i) = n.as_i64()
        && i.unsigned_abs() <= (1u64 << 53)
    {
        out.push_str(itoa::Buffer::new().format(i));
        return;
    }
    if let Some(u) = n.as_u64()
        && u <= (1u64 << 53)
    {
        out.push_str(itoa::Buffer::new().format(u));
        return;
    }
    let f = n.as_f64().unwrap_or(0.0);
    out.push_str(&ecmascript_number(f));
}

/// `Number.prototype.toString(x)` for a finite double (ECMA-262 §6.1.6.1.20).
pub fn ecmascript_number(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return "0".into();
    }
    let negative = x < 0.0;
    // Rust's `{:e}` prints the shortest round-trip digits: `d.ddde±x`.
    let sci = format!("{:e}", x.abs());
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let exponent: i64 = exponent.parse().unwrap_or(0);
    let k = digits.len() as i64;
    let n = exponent + 1;
    let mut s = String::new();
    if negative {
        s.push('-');
    }
    if k <= n && n <= 21 {
        s.push_str(&digits);
        s.extend(std::iter::repeat_n('0', (n - k) as usize));
    } else if 0 < n && n <= 21 {
        let (int, frac) = digits.split_at(n as usize);
        s.push_str(int);
        s.push('.');
        s.push_str(frac);
    } else if -6 < n && n <= 0 {
        s.push_str("0.");
        s.extend(std::iter::repeat_n('0', (-n) as usize));
        s.push_str(&digits);
    } else {
        let exp = n - 1;
        let sign = if exp < 0 { '-' } else { '+' };
        let (first, rest) = digits.split_at(1);
        s.push_str(first);
        if !rest.is_empty() {
            s.push('.');
            s.push_str(rest);
        }
        let _ = write!(s, "e{sign}{}", exp.abs());
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_lowercase_two_digits_per_byte() {
        let bytes: Vec<u8> = (0..=255u8).rev().collect();
        for len in [0, 1, 15, 16, 17, 32, 33, 256] {
            assert_eq!(hex_lower(&bytes[..len]), hex::encode(&bytes[..len]));
        }
    }

    #[test]
    fn numbers_print_like_ecmascript() {
        // Cases from RFC 8785 appendix B and ECMA-262.
        for (bits, expected) in [
            (0x0000000000000000_u64, "0"),
            (0x8000000000000000, "0"),
            (0x0000000000000001, "5e-324"),
            (0x7fefffffffffffff, "1.7976931348623157e+308"),
            (0x4340000000000000, "9007199254740992"),
            (0x444b1ae4d6e2ef50, "1e+21"),
            (0x44b52d02c7e14af6, "1e+23"),
            (0x44b52d02c7e14af5, "9.999999999999997e+22"),
            (0x3eb0c6f7a0b5ed8d, "0.000001"),
            (0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"),
            (0x41b3de4355555553, "333333333.3333332"),
            (0xc2d0000000000000, "-70368744177664"),
        ] {
            assert_eq!(
                ecmascript_number(f64::from_bits(bits)),
                expected,
                "{bits:x}"
            );
        }
        assert_eq!(ecmascript_number(0.1), "0.1");
        assert_eq!(ecmascript_number(1e21), "1e+21");
        assert_eq!(ecmascript_number(1e20), "100000000000000000000");
        assert_eq!(ecmascript_number(-1.5e-7), "-1.5e-7");
    }

    #[test]
    fn objects_sort_by_utf16_and_strings_escape_minimally() {
        let value: Value = serde_json::from_str(
            r#"{"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One","\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"}"#,
        )
        .unwrap();
        assert_eq!(
            canonicalize(&value),
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":\"Control\",\"ö\":\"Latin Small Letter O With Diaeresis\",\"€\":\"Euro Sign\",\"😀\":\"Emoji: Grinning Face\",\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}"
        );
        let value = serde_json::json!({"b": [1, "x\u{1}\"\\"], "a": null, "c": true});
        assert_eq!(
            canonicalize(&value),
            r#"{"a":null,"b":[1,"x\u0001\"\\"],"c":true}"#
        );
    }
}
