//! One record of the log: its fields, the bytes its MAC and signature cover, and its line.
//!
//! A record is one line of canonical JSON (RFC 8785):
//!
//! ```text
//! {"at":…,"body":…,"kind":…,"mac":…,["mac_old":…,]"prev":…,"seq":…,["signature":…,]["signed_by":…]}
//! ```
//!
//! The MAC and the signature both cover the record's *MAC bytes*: the canonical JSON of the
//! record without `mac`, `mac_old` and `signature`, i.e.
//! `{"at":…,"body":…,"kind":…,"prev":…,"seq":…[,"signed_by":…]}`. `signed_by` (the signing
//! key's id) is inside the MAC, so stripping a signature is detected. See
//! `docs/audit-format.md`.

use base64::Engine as _;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::borrow::Cow;

use crate::sign::Signature;

/// The format name written in every genesis record.
pub const FORMAT: &str = "gavel-audit/1";

/// The `prev` of the genesis record: 64 zeros.
pub const GENESIS_PREV: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What a record records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// The first record: log id, creation time, key fingerprints.
    Genesis,
    /// A decision (body: the decision JSON).
    Decision,
    /// An approval credential, as given (body: the credential JSON).
    Approval,
    /// An emergency stop.
    Halt,
    /// The end of an emergency stop.
    Resume,
    /// A break-glass override of one request.
    Override,
    /// A change of the HMAC key, MACed under the old and the new key.
    KeyRotation,
    /// `gavel audit repair` removed an incomplete trailing line.
    Repair,
    /// A free-text note by an operator.
    Note,
}

impl RecordKind {
    /// Every kind, in declaration order.
    pub const ALL: [RecordKind; 9] = [
        RecordKind::Genesis,
        RecordKind::Decision,
        RecordKind::Approval,
        RecordKind::Halt,
        RecordKind::Resume,
        RecordKind::Override,
        RecordKind::KeyRotation,
        RecordKind::Repair,
        RecordKind::Note,
    ];

    /// The kind as written in records.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Genesis => "genesis",
            RecordKind::Decision => "decision",
            RecordKind::Approval => "approval",
            RecordKind::Halt => "halt",
            RecordKind::Resume => "resume",
            RecordKind::Override => "override",
            RecordKind::KeyRotation => "key_rotation",
            RecordKind::Repair => "repair",
            RecordKind::Note => "note",
        }
    }

    /// The kind named `name`.
    pub fn parse(name: &str) -> Option<RecordKind> {
        RecordKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

impl std::fmt::Display for RecordKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One record, as read from the log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// Position in the chain: the genesis record is 0, each next record one more.
    pub seq: u64,
    /// When the record was appended.
    pub at: Timestamp,
    /// What it records.
    pub kind: RecordKind,
    /// The payload; its shape depends on `kind` (see `docs/audit-format.md`).
    pub body: serde_json::Value,
    /// The previous record's `mac` (64 zeros for the genesis record).
    pub prev: String,
    /// HMAC-SHA256 of the MAC bytes under the key in effect, hex.
    pub mac: String,
    /// `key_rotation` only: HMAC-SHA256 of the same bytes under the old key, hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mac_old: Option<String>,
    /// The id of the key that signed the record, when signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_by: Option<String>,
    /// Ed25519 signature over the MAC bytes, when signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<Signature>,
}

/// A line as serde reads it, to say what is wrong with a line that is not a canonical
/// record (see [`Line::parse`]): the body kept as raw text, strings unescaped where they
/// have to be (gavel never writes an escape outside `body`, but a line being diagnosed may
/// hold one, and should be told about in the record's terms, not serde's).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRecord<'a> {
    seq: u64,
    #[serde(borrow)]
    at: Cow<'a, str>,
    #[serde(borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow)]
    body: &'a RawValue,
    #[serde(borrow)]
    prev: Cow<'a, str>,
    #[serde(borrow)]
    mac: Cow<'a, str>,
    #[serde(default, borrow)]
    mac_old: Option<Cow<'a, str>>,
    #[serde(default)]
    signature: Option<serde::de::IgnoredAny>,
    #[serde(default, borrow)]
    signed_by: Option<Cow<'a, str>>,
}

/// A signature block, borrowed.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSignature<'a> {
    pub alg: &'a str,
    pub key_id: &'a str,
    pub sig: &'a str,
}

impl RawSignature<'_> {
    pub(crate) fn to_signature(&self) -> Signature {
        Signature {
            alg: self.alg.to_string(),
            key_id: self.key_id.to_string(),
            sig: self.sig.to_string(),
        }
    }
}

/// A parsed line: its fields borrowed from the line, its MACs decoded.
#[derive(Debug)]
pub(crate) struct Line<'a> {
    pub seq: u64,
    pub at: &'a str,
    pub kind: RecordKind,
    /// The body exactly as written (canonical JSON for a record gavel wrote).
    pub body: &'a str,
    pub prev: [u8; 32],
    pub prev_text: &'a str,
    pub mac: [u8; 32],
    pub mac_text: &'a str,
    pub mac_old: Option<[u8; 32]>,
    pub signature: Option<RawSignature<'a>>,
    pub signed_by: Option<&'a str>,
}

impl<'a> Line<'a> {
    /// Parses one line (without its newline).
    ///
    /// Lines in the exact layout gavel writes are split without parsing the body (the MAC
    /// check that follows vouches for it: the MAC covers exactly the pieces taken from the
    /// line, and their places are fixed); anything else goes through a full JSON parse,
    /// which names what is wrong.
    pub(crate) fn parse(line: &'a [u8]) -> Result<Line<'a>, String> {
        if let Some(fast) = Line::split(line) {
            return Ok(fast);
        }
        // Every record gavel writes is its canonical JSON, which `split` takes apart. A line
        // it cannot take apart is read by serde only to say precisely what is wrong; one that
        // reads as a record all the same differs from the canonical form outside `body`
        // (whitespace, a `\r` before the newline, member order, an escape), in bytes the
        // MAC does not cover — accepting it would let such bytes change unseen.
        let raw: RawRecord<'a> =
            serde_json::from_slice(line).map_err(|e| format!("not a valid record: {e}"))?;
        RecordKind::parse(&raw.kind)
            .ok_or_else(|| format!("unknown record kind {}", crate::quote::quote(&raw.kind)))?;
        for (name, text) in [
            ("mac", Some(&*raw.mac)),
            ("prev", Some(&*raw.prev)),
            ("mac_old", raw.mac_old.as_deref()),
        ] {
            if text.is_some_and(|t| decode_mac(t).is_none()) {
                return Err(format!("`{name}` is not 64 lowercase hex digits"));
            }
        }
        if raw.signature.is_some() != raw.signed_by.is_some() {
            return Err("`signature` and `signed_by` must appear together".into());
        }
        if let Err(e) = raw.at.parse::<Timestamp>() {
            return Err(format!("`at` is not a timestamp: {e}"));
        }
        if !raw.body.get().starts_with('{') {
            return Err("`body` is not a JSON object".into());
        }
        Err(format!(
            "record {} is not in canonical form: bytes outside its `body` differ from what \
             gavel writes (whitespace, a carriage return, member order or an escape)",
            raw.seq
        ))
    }

    /// The fast path: `{"at":"…","body":…,"kind":"…","mac":"…",["mac_old":"…",]"prev":"…",
    /// "seq":N[,"signature":{"alg":"…","key_id":"…","sig":"…"}][,"signed_by":"…"]}`, taken
    /// apart from both ends.
    fn split(line: &'a [u8]) -> Option<Line<'a>> {
        let rest = line.strip_prefix(b"{\"at\":\"")?;
        let quote = memchr::memchr(b'"', rest)?;
        let at = rest.get(..quote)?;
        let rest = rest.get(quote..)?.strip_prefix(b"\",\"body\":")?;
        let mut tail = rest.strip_suffix(b"}")?;
        let signed_by = match take_string(tail, b",\"signed_by\":\"") {
            Some((before, value)) => {
                tail = before;
                Some(value)
            }
            None => None,
        };
        let signature = if signed_by.is_some() {
            let inner = tail.strip_suffix(b"\"}")?;
            let start = memchr::memmem::rfind(inner, b",\"signature\":{\"alg\":\"")?;
            let fields = inner.get(start + 21..)?;
            let (alg, fields) = split_once(fields, b"\",\"key_id\":\"")?;
            let (key_id, sig) = split_once(fields, b"\",\"sig\":\"")?;
            tail = inner.get(..start)?;
            Some(RawSignature {
                alg: plain(alg)?,
                key_id: plain(key_id)?,
                sig: plain(sig)?,
            })
        } else {
            None
        };
        let seq_start = memchr::memmem::rfind(tail, b",\"seq\":")?;
        let seq_text = tail.get(seq_start + 7..)?;
        if seq_text.is_empty() || seq_text.len() > 19 || !seq_text.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let seq = std::str::from_utf8(seq_text).ok()?.parse().ok()?;
        tail = tail.get(..seq_start)?;
        let (tail, prev_text) = take_string(tail, b",\"prev\":\"")?;
        let (tail, mac_old_text) = match take_string(tail, b",\"mac_old\":\"") {
            Some((before, value)) => (before, Some(value)),
            None => (tail, None),
        };
        let (tail, mac_text) = take_string(tail, b",\"mac\":\"")?;
        let (body, kind) = take_string(tail, b",\"kind\":\"")?;
        let mac_old = match mac_old_text {
            Some(text) => Some(decode_mac(text)?),
            None => None,
        };
        Some(Line {
            seq,
            at: plain(at)?,
            kind: RecordKind::parse(kind)?,
            body: std::str::from_utf8(body).ok()?,
            prev: decode_mac(prev_text)?,
            prev_text,
            mac: decode_mac(mac_text)?,
            mac_text,
            mac_old,
            signature,
            signed_by,
        })
    }

    /// Writes the bytes the MAC and the signature cover into `buf` (cleared first).
    pub(crate) fn mac_bytes(&self, buf: &mut Vec<u8>) {
        write_mac_bytes(
            buf,
            self.at,
            self.body,
            self.kind.as_str(),
            self.prev_text,
            self.seq,
            self.signed_by,
        );
    }

    /// The record as an owned value.
    pub(crate) fn to_record(&self) -> Result<Record, String> {
        Ok(Record {
            seq: self.seq,
            at: self
                .at
                .parse()
                .map_err(|e| format!("`at` is not a timestamp: {e}"))?,
            kind: self.kind,
            body: serde_json::from_str(self.body).map_err(|e| format!("`body`: {e}"))?,
            prev: self.prev_text.to_string(),
            mac: self.mac_text.to_string(),
            mac_old: self.mac_old.map(|m| crate::canonical::hex_lower(&m)),
            signed_by: self.signed_by.map(str::to_string),
            signature: self.signature.as_ref().map(RawSignature::to_signature),
        })
    }

    /// The record's time.
    pub(crate) fn at(&self) -> Option<Timestamp> {
        self.at.parse().ok()
    }
}

/// `(before, value)` when `text` ends with `NAME"value"` where `NAME` is `name` (which
/// ends with the opening quote) and the value holds no quote or backslash.
fn take_string<'a>(text: &'a [u8], name: &[u8]) -> Option<(&'a [u8], &'a str)> {
    let inner = text.strip_suffix(b"\"")?;
    let start = memchr::memmem::rfind(inner, name)?;
    let value = inner.get(start + name.len()..)?;
    Some((inner.get(..start)?, plain(value)?))
}

/// `(before, after)` around the first `separator`.
fn split_once<'a>(text: &'a [u8], separator: &[u8]) -> Option<(&'a [u8], &'a [u8])> {
    let at = memchr::memmem::find(text, separator)?;
    Some((text.get(..at)?, text.get(at + separator.len()..)?))
}

/// A string value that needs no escaping in JSON (no quote, backslash or control byte).
fn plain(bytes: &[u8]) -> Option<&str> {
    if bytes.iter().any(|b| *b == b'"' || *b == b'\\' || *b < 0x20) {
        return None;
    }
    std::str::from_utf8(bytes).ok()
}

/// Decodes 64 lowercase hex digits.
pub(crate) fn decode_mac<T: AsRef<[u8]> + ?Sized>(text: &T) -> Option<[u8; 32]> {
    fn nibble(b: u8) -> Option<u8> {
        match b {
            b'0'..=b'9' => Some(b - b'0'),
            b'a'..=b'f' => Some(b - b'a' + 10),
            _ => None,
        }
    }
    let text = text.as_ref();
    if text.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(text.chunks_exact(2)) {
        let (hi, lo) = match pair {
            [hi, lo] => (*hi, *lo),
            _ => return None,
        };
        *byte = (nibble(hi)? << 4) | nibble(lo)?;
    }
    Some(out)
}

/// `{"at":…,"body":…,"kind":…,"prev":…,"seq":…[,"signed_by":…]}` into `buf`. The string
/// fields never need escaping (timestamps, kind names, hex, key ids), and `body` is
/// canonical JSON text, so these bytes are the RFC 8785 form of the record without `mac`,
/// `mac_old` and `signature`.
pub(crate) fn write_mac_bytes(
    buf: &mut Vec<u8>,
    at: &str,
    body: &str,
    kind: &str,
    prev: &str,
    seq: u64,
    signed_by: Option<&str>,
) {
    buf.clear();
    buf.extend_from_slice(b"{\"at\":\"");
    buf.extend_from_slice(at.as_bytes());
    buf.extend_from_slice(b"\",\"body\":");
    buf.extend_from_slice(body.as_bytes());
    buf.extend_from_slice(b",\"kind\":\"");
    buf.extend_from_slice(kind.as_bytes());
    buf.extend_from_slice(b"\",\"prev\":\"");
    buf.extend_from_slice(prev.as_bytes());
    buf.extend_from_slice(b"\",\"seq\":");
    buf.extend_from_slice(seq.to_string().as_bytes());
    if let Some(id) = signed_by {
        buf.extend_from_slice(b",\"signed_by\":\"");
        buf.extend_from_slice(id.as_bytes());
        buf.push(b'"');
    }
    buf.push(b'}');
}

/// The fields of a record being written, before its line exists.
pub(crate) struct Draft<'a> {
    pub seq: u64,
    pub at: &'a str,
    pub kind: RecordKind,
    pub body: &'a str,
    pub prev: &'a str,
    pub signed_by: Option<&'a str>,
}

/// Appends the record's line (with its newline) to `out`: the canonical JSON of the whole
/// record.
pub(crate) fn write_line(
    out: &mut Vec<u8>,
    draft: &Draft<'_>,
    mac: &str,
    mac_old: Option<&str>,
    signature: Option<&Signature>,
) {
    out.extend_from_slice(b"{\"at\":\"");
    out.extend_from_slice(draft.at.as_bytes());
    out.extend_from_slice(b"\",\"body\":");
    out.extend_from_slice(draft.body.as_bytes());
    out.extend_from_slice(b",\"kind\":\"");
    out.extend_from_slice(draft.kind.as_str().as_bytes());
    out.extend_from_slice(b"\",\"mac\":\"");
    out.extend_from_slice(mac.as_bytes());
    if let Some(old) = mac_old {
        out.extend_from_slice(b"\",\"mac_old\":\"");
        out.extend_from_slice(old.as_bytes());
    }
    out.extend_from_slice(b"\",\"prev\":\"");
    out.extend_from_slice(draft.prev.as_bytes());
    out.extend_from_slice(b"\",\"seq\":");
    out.extend_from_slice(draft.seq.to_string().as_bytes());
    if let (Some(sig), Some(id)) = (signature, draft.signed_by) {
        out.extend_from_slice(b",\"signature\":{\"alg\":\"");
        out.extend_from_slice(sig.alg.as_bytes());
        out.extend_from_slice(b"\",\"key_id\":\"");
        out.extend_from_slice(sig.key_id.as_bytes());
        out.extend_from_slice(b"\",\"sig\":\"");
        out.extend_from_slice(sig.sig.as_bytes());
        out.extend_from_slice(b"\"},\"signed_by\":\"");
        out.extend_from_slice(id.as_bytes());
        out.push(b'"');
    }
    out.extend_from_slice(b"}\n");
}

/// The record time as written: RFC 3339 UTC with microseconds (`2026-03-01T12:00:00.000000Z`).
pub(crate) fn format_at(at: Timestamp) -> String {
    at.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// Whether a base64 signature text is well formed (64 bytes).
pub(crate) fn signature_bytes(sig: &str) -> Option<[u8; 64]> {
    let raw = base64::engine::general_purpose::STANDARD.decode(sig).ok()?;
    raw.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canonical::to_canonical_string;

    #[test]
    fn written_lines_are_canonical_json_and_parse_back() {
        let body = to_canonical_string(&serde_json::json!({"z": 1, "a": "x\"y"})).unwrap();
        let at = format_at("2026-03-01T12:00:00Z".parse().unwrap());
        let draft = Draft {
            seq: 7,
            at: &at,
            kind: RecordKind::KeyRotation,
            body: &body,
            prev: GENESIS_PREV,
            signed_by: Some("ed25519:0011223344556677"),
        };
        let sig = Signature {
            alg: "ed25519".into(),
            key_id: "ed25519:0011223344556677".into(),
            sig: "AAAA".into(),
        };
        let mac = "ab".repeat(32);
        let old = "cd".repeat(32);
        let mut line = Vec::new();
        write_line(&mut line, &draft, &mac, Some(&old), Some(&sig));
        assert_eq!(line.last(), Some(&b'\n'));
        let text = std::str::from_utf8(&line).unwrap().trim_end();
        let value: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(to_canonical_string(&value).unwrap(), text);
        let parsed = Line::parse(text.as_bytes()).unwrap();
        assert_eq!(parsed.kind, RecordKind::KeyRotation);
        assert_eq!(parsed.seq, 7);
        // The same record with a space after it is valid JSON but not the canonical line:
        // refused, since the MAC does not cover that space.
        let spaced = [text.as_bytes(), b" "].concat();
        let refused = Line::parse(&spaced).err().unwrap_or_default();
        assert!(
            refused.starts_with("record 7 is not in canonical form"),
            "{refused}"
        );
        let mut bytes = Vec::new();
        parsed.mac_bytes(&mut bytes);
        let mut without = value.clone();
        for field in ["mac", "mac_old", "signature"] {
            without.as_object_mut().unwrap().remove(field);
        }
        assert_eq!(
            std::str::from_utf8(&bytes).unwrap(),
            to_canonical_string(&without).unwrap()
        );
        let record = parsed.to_record().unwrap();
        assert_eq!(record.body["a"], "x\"y");
        assert_eq!(at, "2026-03-01T12:00:00.000000Z");
    }

    #[test]
    fn malformed_lines_are_named() {
        assert!(
            Line::parse(b"{}")
                .unwrap_err()
                .starts_with("not a valid record")
        );
        let bad_kind = br#"{"at":"x","body":{},"kind":"nope","mac":"00","prev":"00","seq":1}"#;
        assert_eq!(
            Line::parse(bad_kind).unwrap_err(),
            "unknown record kind `nope`"
        );
    }
}
