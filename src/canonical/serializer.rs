//! A serde serializer that writes RFC 8785 canonical JSON directly.
//!
//! Going through `serde_json::Value` allocates a map node per member and a string per key;
//! for signing a decision that cost more than the Ed25519 signature itself. This writes
//! into one buffer: each object's members are written as they come, then reordered by the
//! UTF-16 code units of their names (RFC 8785 §3.2.3) in one pass when the object closes.

use std::borrow::Cow;

use serde::ser::{self, Serialize};

use super::{ecmascript_number, utf16_cmp, write_string};

/// Why a value has no canonical JSON form.
#[derive(Debug, thiserror::Error)]
#[error("cannot canonicalize: {0}")]
pub struct CanonicalError(String);

impl ser::Error for CanonicalError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        CanonicalError(msg.to_string())
    }
}

/// Canonical JSON of any serializable value.
pub fn to_canonical_string<T: Serialize + ?Sized>(value: &T) -> Result<String, CanonicalError> {
    let mut out = String::with_capacity(1024);
    value.serialize(&mut Writer {
        out: &mut out,
        scratch: String::new(),
    })?;
    Ok(out)
}

struct Writer<'o> {
    out: &'o mut String,
    /// Reused when reordering an object's members.
    scratch: String,
}

fn integer(out: &mut String, magnitude: u128, negative: bool) {
    if magnitude <= 1u128 << 53 {
        if negative && magnitude != 0 {
            out.push('-');
        }
        out.push_str(itoa::Buffer::new().format(magnitude));
    } else {
        let f = magnitude as f64;
        out.push_str(&ecmascript_number(if negative { -f } else { f }));
    }
}

impl<'a, 'o> ser::Serializer for &'a mut Writer<'o> {
    type Ok = ();
    type Error = CanonicalError;
    type SerializeSeq = Seq<'a, 'o>;
    type SerializeTuple = Seq<'a, 'o>;
    type SerializeTupleStruct = Seq<'a, 'o>;
    type SerializeTupleVariant = Seq<'a, 'o>;
    type SerializeMap = Obj<'a, 'o>;
    type SerializeStruct = Obj<'a, 'o>;
    type SerializeStructVariant = Obj<'a, 'o>;

    fn serialize_bool(self, v: bool) -> Result<(), CanonicalError> {
        self.out.push_str(if v { "true" } else { "false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), CanonicalError> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i16(self, v: i16) -> Result<(), CanonicalError> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i32(self, v: i32) -> Result<(), CanonicalError> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i64(self, v: i64) -> Result<(), CanonicalError> {
        integer(self.out, u128::from(v.unsigned_abs()), v < 0);
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> Result<(), CanonicalError> {
        integer(self.out, v.unsigned_abs(), v < 0);
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<(), CanonicalError> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u16(self, v: u16) -> Result<(), CanonicalError> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u32(self, v: u32) -> Result<(), CanonicalError> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u64(self, v: u64) -> Result<(), CanonicalError> {
        integer(self.out, u128::from(v), false);
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> Result<(), CanonicalError> {
        integer(self.out, v, false);
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result<(), CanonicalError> {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<(), CanonicalError> {
        if !v.is_finite() {
            return Err(CanonicalError(
                "NaN and infinities have no JSON form".into(),
            ));
        }
        self.out.push_str(&ecmascript_number(v));
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), CanonicalError> {
        let mut buf = [0u8; 4];
        write_string(self.out, v.encode_utf8(&mut buf));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), CanonicalError> {
        write_string(self.out, v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), CanonicalError> {
        use ser::SerializeSeq as _;
        let mut seq = self.serialize_seq(Some(v.len()))?;
        for b in v {
            seq.serialize_element(b)?;
        }
        seq.end()
    }
    fn serialize_none(self) -> Result<(), CanonicalError> {
        self.out.push_str("null");
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), CanonicalError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), CanonicalError> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), CanonicalError> {
        self.serialize_none()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), CanonicalError> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), CanonicalError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), CanonicalError> {
        self.out.push('{');
        write_string(self.out, variant);
        self.out.push(':');
        value.serialize(&mut *self)?;
        self.out.push('}');
        Ok(())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Seq<'a, 'o>, CanonicalError> {
        self.out.push('[');
        Ok(Seq {
            w: self,
            first: true,
            variant: false,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Seq<'a, 'o>, CanonicalError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        len: usize,
    ) -> Result<Seq<'a, 'o>, CanonicalError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Seq<'a, 'o>, CanonicalError> {
        self.out.push('{');
        write_string(self.out, variant);
        self.out.push_str(":[");
        Ok(Seq {
            w: self,
            first: true,
            variant: true,
        })
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Obj<'a, 'o>, CanonicalError> {
        Ok(Obj::open(self, false))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Obj<'a, 'o>, CanonicalError> {
        Ok(Obj::open(self, false))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Obj<'a, 'o>, CanonicalError> {
        self.out.push('{');
        write_string(self.out, variant);
        self.out.push(':');
        Ok(Obj::open(self, true))
    }
}

/// An array being written.
pub(crate) struct Seq<'a, 'o> {
    w: &'a mut Writer<'o>,
    first: bool,
    variant: bool,
}

impl Seq<'_, '_> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), CanonicalError> {
        if !self.first {
            self.w.out.push(',');
        }
        self.first = false;
        value.serialize(&mut *self.w)
    }

    fn close(self) -> Result<(), CanonicalError> {
        self.w.out.push(']');
        if self.variant {
            self.w.out.push('}');
        }
        Ok(())
    }
}

impl ser::SerializeSeq for Seq<'_, '_> {
    type Ok = ();
    type Error = CanonicalError;
    fn serialize_element<T: Serialize + ?Sized>(
        &mut self,
        value: &T,
    ) -> Result<(), CanonicalError> {
        self.element(value)
    }
    fn end(self) -> Result<(), CanonicalError> {
        self.close()
    }
}

impl ser::SerializeTuple for Seq<'_, '_> {
    type Ok = ();
    type Error = CanonicalError;
    fn serialize_element<T: Serialize + ?Sized>(
        &mut self,
        value: &T,
    ) -> Result<(), CanonicalError> {
        self.element(value)
    }
    fn end(self) -> Result<(), CanonicalError> {
        self.close()
    }
}

impl ser::SerializeTupleStruct for Seq<'_, '_> {
    type Ok = ();
    type Error = CanonicalError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), CanonicalError> {
        self.element(value)
    }
    fn end(self) -> Result<(), CanonicalError> {
        self.close()
    }
}

impl ser::SerializeTupleVariant for Seq<'_, '_> {
    type Ok = ();
    type Error = CanonicalError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), CanonicalError> {
        self.element(value)
    }
    fn end(self) -> Result<(), CanonicalError> {
        self.close()
    }
}

/// An object being written: members go to the output as they come and are reordered when
/// the object closes.
pub(crate) struct Obj<'a, 'o> {
    w: &'a mut Writer<'o>,
    /// Where the object's members start in the output.
    start: usize,
    /// For each member: its name and the byte range of `"name":value` in the output.
    members: smallvec::SmallVec<[(Cow<'static, str>, usize, usize); 12]>,
    pending_key: Option<String>,
    variant: bool,
}

impl<'a, 'o> Obj<'a, 'o> {
    fn open(w: &'a mut Writer<'o>, variant: bool) -> Self {
        w.out.push('{');
        let start = w.out.len();
        Obj {
            w,
            start,
            members: smallvec::SmallVec::new(),
            pending_key: None,
            variant,
        }
    }

    fn member<T: Serialize + ?Sized>(
        &mut self,
        key: Cow<'static, str>,
        value: &T,
    ) -> Result<(), CanonicalError> {
        let begin = self.w.out.len();
        write_string(self.w.out, &key);
        self.w.out.push(':');
        value.serialize(&mut *self.w)?;
        self.members.push((key, begin, self.w.out.len()));
        Ok(())
    }

    fn close(mut self) -> Result<(), CanonicalError> {
        let sorted = self.members.windows(2).all(|w| match w {
            [a, b] => utf16_cmp(&a.0, &b.0).is_lt(),
            _ => true,
        });
        if !sorted {
            self.members.sort_by(|a, b| utf16_cmp(&a.0, &b.0));
        }
        // Reassemble the members in order, with separators, through the reused scratch buffer.
        let scratch = &mut self.w.scratch;
        scratch.clear();
        for (i, (_, b, e)) in self.members.iter().enumerate() {
            if i > 0 {
                scratch.push(',');
            }
            scratch.push_str(self.w.out.get(*b..*e).unwrap_or(""));
        }
        self.w.out.truncate(self.start);
        self.w.out.push_str(scratch);
        self.w.out.push('}');
        if self.variant {
            self.w.out.push('}');
        }
        Ok(())
    }
}

/// Captures a map key, which must serialize as a string.
struct KeyCapture;

impl ser::Serializer for KeyCapture {
    type Ok = String;
    type Error = CanonicalError;
    type SerializeSeq = ser::Impossible<String, CanonicalError>;
    type SerializeTuple = ser::Impossible<String, CanonicalError>;
    type SerializeTupleStruct = ser::Impossible<String, CanonicalError>;
    type SerializeTupleVariant = ser::Impossible<String, CanonicalError>;
    type SerializeMap = ser::Impossible<String, CanonicalError>;
    type SerializeStruct = ser::Impossible<String, CanonicalError>;
    type SerializeStructVariant = ser::Impossible<String, CanonicalError>;

    fn serialize_str(self, v: &str) -> Result<String, CanonicalError> {
        Ok(v.to_string())
    }
    fn serialize_char(self, v: char) -> Result<String, CanonicalError> {
        Ok(v.to_string())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        v: &'static str,
    ) -> Result<String, CanonicalError> {
        Ok(v.to_string())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<String, CanonicalError> {
        v.serialize(self)
    }
    fn serialize_bool(self, v: bool) -> Result<String, CanonicalError> {
        Ok(v.to_string())
    }
    fn serialize_i8(self, v: i8) -> Result<String, CanonicalError> {
        Ok(v.to_string())
    }
    fn serialize_i16(self, v: i16) -> Result<String, CanonicalError> {
        Ok(v.to_string())
    }
    fn serialize_i32(self, v: i32) -> Result<String, CanonicalError> {
        Ok(v.to_string())
    }
    fn serialize_i64(self, v: i64) -> Result<String, CanonicalError> {
        Ok(v.to_string())
    }
    fn serialize_u8(self, v: u8) -> Result<String, CanonicalError> {
        Ok(v.to_string())
    }
    fn serialize_u16(self, v: u16) -> Result<String, CanonicalError> {
        Ok(v.to_string())
    }
    fn serialize_u32(self, v: u32) -> Result<String, CanonicalError> {
        Ok(v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Result<String, CanonicalError> {
        Ok(v.to_string())
    }
    fn serialize_f32(self, _: f32) -> Result<String, CanonicalError> {
        Err(CanonicalError("map keys must be strings".into()))
    }
    fn serialize_f64(self, _: f64) -> Result<String, CanonicalError> {
        Err(CanonicalError("map keys must be strings".into()))
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<String, CanonicalError> {
        Err(CanonicalError("map keys must be strings".into()))
    }
    fn serialize_none(self) -> Result<String, CanonicalError> {
        Err(CanonicalError("map keys must be strings".into()))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<String, CanonicalError> {
        Err(CanonicalError("map keys must be strings".into()))
    }
    fn serialize_unit(self) -> Result<String, CanonicalError> {
        Err(CanonicalError("map keys must be strings".into()))
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<String, CanonicalError> {
        Err(CanonicalError("map keys must be strings".into()))
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String, CanonicalError> {
        Err(CanonicalError("map keys must be strings".into()))
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, CanonicalError> {
        Err(CanonicalError("map keys must be strings".into()))
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, CanonicalError> {
        Err(CanonicalError("map keys must be strings".into()))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, CanonicalError> {
        Err(CanonicalError("map keys must be strings".into()))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, CanonicalError> {
        Err(CanonicalError("map keys must be strings".into()))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, CanonicalError> {
        Err(CanonicalError("map keys must be strings".into()))
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, CanonicalError> {
        Err(CanonicalError("map keys must be strings".into()))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, CanonicalError> {
        Err(CanonicalError("map keys must be strings".into()))
    }
}

impl ser::SerializeMap for Obj<'_, '_> {
    type Ok = ();
    type Error = CanonicalError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), CanonicalError> {
        self.pending_key = Some(key.serialize(KeyCapture)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), CanonicalError> {
        let key = self
            .pending_key
            .take()
            .ok_or_else(|| CanonicalError("a map value without a key".into()))?;
        if self.members.iter().any(|(k, _, _)| *k == key) {
            return Err(CanonicalError(format!("duplicate member `{key}`")));
        }
        self.member(Cow::Owned(key), value)
    }
    fn end(self) -> Result<(), CanonicalError> {
        self.close()
    }
}

impl ser::SerializeStruct for Obj<'_, '_> {
    type Ok = ();
    type Error = CanonicalError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), CanonicalError> {
        self.member(Cow::Borrowed(key), value)
    }
    fn end(self) -> Result<(), CanonicalError> {
        self.close()
    }
}

impl ser::SerializeStructVariant for Obj<'_, '_> {
    type Ok = ();
    type Error = CanonicalError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), CanonicalError> {
        self.member(Cow::Borrowed(key), value)
    }
    fn end(self) -> Result<(), CanonicalError> {
        self.close()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::Value;

    use super::*;
    use crate::canonical::canonicalize;

    fn json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            any::<String>().prop_map(Value::String),
            "[a-z\u{e000}😀é\"\\\\\n]{0,6}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::btree_map("[a-zA-Z0-9\u{e000}😀é]{0,5}", inner, 0..5)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn direct_serializer_equals_the_value_path(value in json()) {
            prop_assert_eq!(to_canonical_string(&value).unwrap(), canonicalize(&value));
        }
    }

    #[test]
    fn structs_are_sorted_like_objects() {
        #[derive(serde::Serialize)]
        struct S {
            zeta: u8,
            alpha: Vec<&'static str>,
            #[serde(rename = "é")]
            accent: bool,
            mid: Option<u8>,
        }
        let s = S {
            zeta: 1,
            alpha: vec!["x"],
            accent: true,
            mid: None,
        };
        assert_eq!(
            to_canonical_string(&s).unwrap(),
            r#"{"alpha":["x"],"mid":null,"zeta":1,"é":true}"#
        );
    }
}
