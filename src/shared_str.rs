//! [`SharedStr`]: text a compiled policy shares with every decision it makes.
//!
//! A decision names the rules that fired, their titles, the risk factors and level, the
//! roles a gate needs, the sets and patterns a file matched and the text of each condition.
//! All of that is text of the policy. Copied into each decision as a `String`, it was most
//! of the allocations of a decision; as a `SharedStr` the policy holds it once and a
//! decision takes a reference-counted handle to it.
//!
//! It reads like a `&str` (it dereferences to one, compares with `&str` and `String`, and
//! serializes as a plain JSON string), so a decision's JSON is the same as with `String`s.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An immutable string that is cheap to clone: clones share one allocation.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SharedStr(Arc<str>);

impl SharedStr {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for SharedStr {
    fn default() -> Self {
        SharedStr::from("")
    }
}

impl Deref for SharedStr {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for SharedStr {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for SharedStr {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for SharedStr {
    fn from(s: &str) -> Self {
        SharedStr(Arc::from(s))
    }
}

impl From<&String> for SharedStr {
    fn from(s: &String) -> Self {
        SharedStr(Arc::from(s.as_str()))
    }
}

impl From<String> for SharedStr {
    fn from(s: String) -> Self {
        SharedStr(Arc::from(s))
    }
}

impl From<SharedStr> for String {
    fn from(s: SharedStr) -> Self {
        s.0.to_string()
    }
}

impl fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

impl PartialEq<str> for SharedStr {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for SharedStr {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for SharedStr {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<SharedStr> for str {
    fn eq(&self, other: &SharedStr) -> bool {
        self == &*other.0
    }
}

impl PartialEq<SharedStr> for &str {
    fn eq(&self, other: &SharedStr) -> bool {
        *self == &*other.0
    }
}

impl PartialEq<SharedStr> for String {
    fn eq(&self, other: &SharedStr) -> bool {
        **self == *other.0
    }
}

impl Serialize for SharedStr {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for SharedStr {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(SharedStr::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_the_text() {
        let a = SharedStr::from("tier3_approval");
        let b = a.clone();
        assert!(std::ptr::eq(a.as_str(), b.as_str()));
        assert_eq!(a, b);
    }

    #[test]
    fn reads_and_compares_like_a_string() {
        let s = SharedStr::from(String::from("protected"));
        assert_eq!(s, "protected");
        assert_eq!("protected", s);
        assert_eq!(s, String::from("protected"));
        assert!(s.starts_with("prot"));
        assert_eq!(format!("{s} {s:?}"), "protected \"protected\"");
        assert_eq!(String::from(s.clone()), "protected");
        let mut sorted = vec![SharedStr::from("b"), SharedStr::from("a")];
        sorted.sort();
        assert_eq!(sorted, ["a", "b"]);
        assert_eq!(SharedStr::default(), "");
    }

    #[test]
    fn serializes_as_a_plain_string() {
        let s = SharedStr::from("a \"quoted\" name");
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(json, r#""a \"quoted\" name""#);
        let back: SharedStr = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
        assert!(serde_json::from_str::<SharedStr>("1").is_err());
    }
}
