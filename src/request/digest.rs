//! The request digest: SHA-256 of the request's canonical JSON (RFC 8785).
//!
//! Approval credentials bind to this digest, and every decision reports it, so it is
//! computed for every decision. Going through `serde_json::Value` and a generic
//! canonicalizer cost more than deciding itself; this writes the canonical bytes of a
//! [`Request`] directly, members already in canonical order. A property test holds it
//! byte-for-byte equal to the generic path ([`crate::canonical::canonicalize`]).

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use super::request::{FileChange, Request};
use crate::canonical::{ecmascript_number, utf16_cmp, write_string, write_value};

/// The canonical JSON text of a request.
pub fn canonical_json(request: &Request) -> String {
    let mut out = String::with_capacity(128 + request.files.len() * 72);
    let mut obj = Object::new(&mut out);
    obj.key("action");
    write_string(obj.out, &request.action);
    obj.key("actor");
    {
        let actor = &request.actor;
        let mut a = Object::new(obj.out);
        a.key("id");
        write_string(a.out, &actor.id);
        a.key("kind");
        write_string(a.out, actor.kind.as_str());
        if !actor.roles.is_empty() {
            a.key("roles");
            write_strings(a.out, &actor.roles);
        }
        a.end();
    }
    if !request.attributes.is_empty() {
        obj.key("attributes");
        let mut m = Object::new(obj.out);
        for (k, v) in canonical_entries(request.attribute_map()) {
            m.escaped_key(k);
            write_value(m.out, v);
        }
        m.end();
    }
    if let Some(change) = &request.change {
        obj.key("change");
        let mut c = Object::new(obj.out);
        if let Some(kind) = &change.kind {
            c.key("kind");
            write_string(c.out, kind);
        }
        if let Some(version) = &change.version {
            c.key("version");
            write_string(c.out, version);
        }
        c.end();
    }
    if let Some(env) = &request.environment {
        obj.key("environment");
        write_string(obj.out, env);
    }
    if !request.features.is_empty() {
        obj.key("features");
        write_strings(obj.out, &request.features);
    }
    if !request.files.is_empty() {
        obj.key("files");
        obj.out.push('[');
        for (i, file) in request.files.iter().enumerate() {
            if i > 0 {
                obj.out.push(',');
            }
            write_file(obj.out, file);
        }
        obj.out.push(']');
    }
    if let Some(env) = &request.from_environment {
        obj.key("from_environment");
        write_string(obj.out, env);
    }
    if let Some(license) = &request.license {
        obj.key("license");
        let mut l = Object::new(obj.out);
        if let Some(org) = &license.org {
            l.key("org");
            write_string(l.out, org);
        }
        l.key("tier");
        write_string(l.out, &license.tier);
        l.end();
    }
    if request.mode != super::Mode::Execute {
        obj.key("mode");
        write_string(obj.out, request.mode.as_str());
    }
    if let Some(reason) = &request.reason {
        obj.key("reason");
        write_string(obj.out, reason);
    }
    if let Some(reference) = &request.reference {
        obj.key("reference");
        write_string(obj.out, reference);
    }
    if let Some(at) = &request.requested_at {
        obj.key("requested_at");
        write_string(obj.out, &at.to_string());
    }
    if !request.usage.is_empty() {
        obj.key("usage");
        let mut m = Object::new(obj.out);
        for (k, v) in canonical_entries(request.usage.as_map()) {
            m.escaped_key(k);
            write_u64(m.out, *v);
        }
        m.end();
    }
    obj.end();
    out
}

/// SHA-256 of [`canonical_json`], lowercase hex.
pub fn request_digest(request: &Request) -> String {
    crate::canonical::hex_lower(&request_digest_bytes(request))
}

/// [`request_digest`] as its 32 bytes (decision ids hash these).
pub(crate) fn request_digest_bytes(request: &Request) -> [u8; 32] {
    Sha256::digest(canonical_json(request).as_bytes()).into()
}

fn write_file(out: &mut String, file: &FileChange) {
    let mut f = Object::new(out);
    f.key("added");
    write_u64(f.out, file.added);
    if let Some(from) = &file.from {
        f.key("from");
        write_string(f.out, from);
    }
    f.key("path");
    write_string(f.out, &file.path);
    f.key("removed");
    write_u64(f.out, file.removed);
    f.key("status");
    write_string(f.out, file.status.as_str());
    f.end();
}

fn write_strings(out: &mut String, items: &[String]) {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(out, item);
    }
    out.push(']');
}

/// Integers print exactly up to 2^53; beyond, as the double JSON readers would see.
fn write_u64(out: &mut String, n: u64) {
    if n <= 1u64 << 53 {
        out.push_str(itoa::Buffer::new().format(n));
    } else {
        out.push_str(&ecmascript_number(n as f64));
    }
}

/// Writes `{`, then `"key":` pairs separated by commas, then `}`. Keys must be given in
/// canonical order.
struct Object<'o> {
    out: &'o mut String,
    first: bool,
}

// The helpers are always inlined: callers pass constant keys, which inlined become a few
// stores; out of line (where fat LTO had left `key`) every key was a call to `memcpy`.
impl<'o> Object<'o> {
    #[inline(always)]
    fn new(out: &'o mut String) -> Self {
        out.push('{');
        Object { out, first: true }
    }

    /// A member name of the request format: ASCII without anything to escape (where UTF-16
    /// order is byte order), so it is copied as it is, without the escaping scan.
    #[inline(always)]
    fn key(&mut self, key: &'static str) {
        debug_assert!(
            key.bytes()
                .all(|b| b.is_ascii() && b >= 0x20 && b != b'"' && b != b'\\')
        );
        self.separator();
        self.out.push('"');
        self.out.push_str(key);
        self.out.push_str("\":");
    }

    /// A member name from the request (an attribute or usage counter name), escaped.
    fn escaped_key(&mut self, key: &str) {
        self.separator();
        write_string(self.out, key);
        self.out.push(':');
    }

    #[inline(always)]
    fn separator(&mut self) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
    }

    #[inline(always)]
    fn end(self) {
        self.out.push('}');
    }
}

/// A map's entries in canonical order: by the UTF-16 code units of their names.
///
/// A `BTreeMap` orders names by their UTF-8 bytes, which is code point order. UTF-16 order
/// differs from code point order only where a surrogate pair (a character above U+FFFF,
/// four UTF-8 bytes starting at 0xF0 or above) meets a character of U+E000..U+FFFF; without
/// any such character in the names, the map's own order is canonical and nothing is sorted.
fn canonical_entries<V>(map: &BTreeMap<String, V>) -> Vec<(&String, &V)> {
    let mut entries: Vec<(&String, &V)> = map.iter().collect();
    if entries.iter().any(|(k, _)| k.bytes().any(|b| b >= 0xF0)) {
        entries.sort_by(|a, b| utf16_cmp(a.0, b.0));
    }
    entries
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::request::{Actor, ActorKind, Change, FileStatus, LicenseClaim, Mode};

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z/._-]{0,12}",
            any::<String>().prop_map(|s| s.chars().take(8).collect()),
            Just("é\"\\\n\t\u{1}\u{7f}😀\u{e000}".to_string()),
        ]
    }

    fn request() -> impl Strategy<Value = Request> {
        (
            text(),
            text(),
            prop::collection::vec(text(), 0..3),
            prop::collection::vec(
                (
                    text(),
                    any::<u64>(),
                    0u64..1000,
                    0usize..4,
                    proptest::option::of(text()),
                ),
                0..4,
            ),
            proptest::option::of((proptest::option::of(text()), proptest::option::of(text()))),
            prop::collection::btree_map(
                text(),
                prop_oneof![
                    any::<i64>().prop_map(serde_json::Value::from),
                    any::<f64>()
                        .prop_filter("finite", |f| f.is_finite())
                        .prop_map(serde_json::Value::from),
                    text().prop_map(serde_json::Value::from),
                    any::<bool>().prop_map(serde_json::Value::from),
                ],
                0..4,
            ),
            prop::collection::btree_map(text(), any::<u64>(), 0..3),
            (
                any::<bool>(),
                proptest::option::of(text()),
                proptest::option::of(0i64..4_000_000_000),
            ),
        )
            .prop_map(
                |(action, actor, roles, files, change, attrs, usage, (dry, env, at))| {
                    let mut r = Request::minimal(action, actor, ActorKind::Agent);
                    r.actor = Actor {
                        id: r.actor.id.clone(),
                        kind: ActorKind::Human,
                        roles,
                    };
                    r.files = files
                        .into_iter()
                        .map(|(path, added, removed, status, from)| FileChange {
                            path,
                            added,
                            removed,
                            status: [
                                FileStatus::Added,
                                FileStatus::Modified,
                                FileStatus::Deleted,
                                FileStatus::Renamed,
                            ][status],
                            from,
                        })
                        .collect();
                    r.change = change.map(|(kind, version)| Change { kind, version });
                    r.attributes = attrs.into();
                    r.usage = usage.into();
                    r.mode = if dry { Mode::DryRun } else { Mode::Execute };
                    r.environment = env.clone();
                    r.from_environment = env.clone();
                    r.license = env.clone().map(|tier| LicenseClaim {
                        tier,
                        org: env.clone(),
                    });
                    r.reference = env.clone();
                    r.reason = env;
                    r.features = r.actor.roles.clone();
                    r.requested_at = at.and_then(|s| jiff::Timestamp::from_second(s).ok());
                    r
                },
            )
    }

    proptest! {
        #[test]
        fn direct_canonical_json_equals_the_generic_canonicalizer(r in request()) {
            let generic = crate::canonical::canonicalize(&serde_json::to_value(&r).unwrap());
            prop_assert_eq!(canonical_json(&r), generic);
        }
    }
}
