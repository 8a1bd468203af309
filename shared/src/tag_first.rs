//! Tag-first `Deserialize` for the tagged enums that travel: [`Entity`] and [`EntityPatch`]
//! (adjacently tagged, `{"kind": …, "fields": {…}}`) and [`Mutation`] (internally tagged,
//! `{"type": …, …}`).
//!
//! serde's derived `Deserialize` for adjacently and internally tagged enums buffers input in its
//! private `Content` type, so the code reading every payload is compiled twice: once for the real
//! deserializer and once for `ContentDeserializer`. These impls read the tag first, then the
//! payload straight from the input. Only when the tag comes after the payload (a map written in
//! another order, such as a `serde_json::Value`, whose keys are sorted) is anything buffered: as a
//! `serde_json::Value`, read again from JSON text with the tag first. That reuses the code
//! `serde_json::from_str` already compiles, so it costs no second copy of the payload code.
//!
//! The wire format and the error messages are those of the derived impls, with one exception: a
//! mutation that repeats `type` after reading it first is refused as having an unknown field
//! `type` rather than a duplicate one.
//!
//! [`Entity`]: crate::domain::Entity
//! [`EntityPatch`]: crate::domain::EntityPatch
//! [`Mutation`]: crate::mutation::Mutation

use std::fmt;
use std::marker::PhantomData;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, EnumAccess, IgnoredAny, MapAccess,
    SeqAccess, Unexpected, VariantAccess, Visitor,
};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::domain::RecordKind;

/// The tag key of [`KindTagged`] enums.
const KIND: &str = "kind";
/// The payload key of [`KindTagged`] enums.
const FIELDS: &str = "fields";

/// A `serde_json` error's message without its position: the text it was found in is one this
/// module wrote, and the outer deserializer adds its own position.
fn without_position(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let position = format!(" at line {} column {}", error.line(), error.column());
    match message.strip_suffix(&position) {
        Some(bare) if error.line() != 0 => bare.to_owned(),
        _ => message,
    }
}

// ---------------------------------------------------------------------------------------------
// Adjacently tagged by record kind: `{"kind": "task", "fields": {…}}`.

/// An enum with one newtype variant per [`RecordKind`], adjacently tagged as
/// `{"kind": <wire name>, "fields": <payload>}` (`Entity`, `EntityPatch`).
pub(crate) trait KindTagged: Sized {
    /// The Rust name of the enum, for messages.
    const NAME: &'static str;

    /// Reads the payload of a `kind` record from `deserializer`.
    fn payload<'de, D: Deserializer<'de>>(
        kind: RecordKind,
        deserializer: D,
    ) -> Result<Self, D::Error>;
}

/// `Deserialize::deserialize` of a [`KindTagged`] enum: as the derived adjacently tagged impl
/// (`kind` and `fields` in either order, other keys ignored, or a `[kind, fields]` sequence), but
/// with the payload read straight from the input when `kind` comes first.
pub(crate) fn deserialize_kind_tagged<'de, T: KindTagged, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_struct(T::NAME, &[KIND, FIELDS], KindTaggedVisitor(PhantomData))
}

/// The keys of a [`KindTagged`] map.
enum KindKey {
    Kind,
    Fields,
    Other,
}

struct KindKeySeed;

impl<'de> DeserializeSeed<'de> for KindKeySeed {
    type Value = KindKey;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<KindKey, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl Visitor<'_> for KindKeySeed {
    type Value = KindKey;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        write!(formatter, "{KIND:?}, {FIELDS:?}, or other ignored fields")
    }

    fn visit_u64<E: de::Error>(self, index: u64) -> Result<KindKey, E> {
        Ok(match index {
            0 => KindKey::Kind,
            1 => KindKey::Fields,
            _ => KindKey::Other,
        })
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<KindKey, E> {
        self.visit_bytes(key.as_bytes())
    }

    fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<KindKey, E> {
        Ok(if key == KIND.as_bytes() {
            KindKey::Kind
        } else if key == FIELDS.as_bytes() {
            KindKey::Fields
        } else {
            KindKey::Other
        })
    }
}

/// The next `kind` or `fields` key, skipping (and ignoring the values of) any others.
fn next_kind_key<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Option<KindKey>, A::Error> {
    while let Some(key) = map.next_key_seed(KindKeySeed)? {
        match key {
            KindKey::Other => {
                map.next_value::<IgnoredAny>()?;
            }
            relevant => return Ok(Some(relevant)),
        }
    }
    Ok(None)
}

/// After the payload: any further `kind` or `fields` is a duplicate.
fn finish_kind_tagged<'de, A: MapAccess<'de>, T>(map: &mut A, value: T) -> Result<T, A::Error> {
    match next_kind_key(map)? {
        Some(KindKey::Kind) => Err(de::Error::duplicate_field(KIND)),
        Some(KindKey::Fields) => Err(de::Error::duplicate_field(FIELDS)),
        Some(KindKey::Other) | None => Ok(value),
    }
}

/// A record kind as a variant name (`"task"`, or the index of the variant).
struct KindName;

impl<'de> DeserializeSeed<'de> for KindName {
    type Value = RecordKind;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<RecordKind, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

/// What a variant index must be.
struct VariantIndex;

impl de::Expected for VariantIndex {
    fn fmt(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        write!(
            formatter,
            "variant index 0 <= i < {}",
            RecordKind::ALL.len()
        )
    }
}

impl Visitor<'_> for KindName {
    type Value = RecordKind;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("variant identifier")
    }

    fn visit_u64<E: de::Error>(self, index: u64) -> Result<RecordKind, E> {
        usize::try_from(index)
            .ok()
            .and_then(|index| RecordKind::ALL.get(index).copied())
            .ok_or_else(|| E::invalid_value(Unexpected::Unsigned(index), &VariantIndex))
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<RecordKind, E> {
        RecordKind::parse(name).ok_or_else(|| E::unknown_variant(name, RecordKind::NAMES))
    }

    fn visit_bytes<E: de::Error>(self, name: &[u8]) -> Result<RecordKind, E> {
        match std::str::from_utf8(name) {
            Ok(name) => self.visit_str(name),
            Err(_) => Err(E::unknown_variant(
                &String::from_utf8_lossy(name),
                RecordKind::NAMES,
            )),
        }
    }
}

/// The value of `kind`: a unit variant of the enum (so `"task"` in JSON).
struct KindTag(&'static str);

impl<'de> DeserializeSeed<'de> for KindTag {
    type Value = RecordKind;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<RecordKind, D::Error> {
        deserializer.deserialize_enum(self.0, RecordKind::NAMES, self)
    }
}

impl<'de> Visitor<'de> for KindTag {
    type Value = RecordKind;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        write!(formatter, "variant of enum {}", self.0)
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<RecordKind, A::Error> {
        let (kind, variant) = data.variant_seed(KindName)?;
        variant.unit_variant()?;
        Ok(kind)
    }
}

/// The payload of a known kind.
struct Payload<T>(RecordKind, PhantomData<T>);

impl<'de, T: KindTagged> DeserializeSeed<'de> for Payload<T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        T::payload(self.0, deserializer)
    }
}

/// Reads a payload that came before its `kind` from JSON text.
fn payload_from_buffer<T: KindTagged, E: de::Error>(
    kind: RecordKind,
    buffered: &serde_json::Value,
) -> Result<T, E> {
    let text = buffered.to_string();
    let mut json = serde_json::Deserializer::from_str(&text);
    T::payload(kind, &mut json).map_err(|error| E::custom(without_position(&error)))
}

struct KindTaggedVisitor<T>(PhantomData<T>);

impl<'de, T: KindTagged> Visitor<'de> for KindTaggedVisitor<T> {
    type Value = T;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        write!(formatter, "adjacently tagged enum {}", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        match next_kind_key(&mut map)? {
            Some(KindKey::Kind) => {
                let kind = map.next_value_seed(KindTag(T::NAME))?;
                match next_kind_key(&mut map)? {
                    Some(KindKey::Fields) => {
                        let value = map.next_value_seed(Payload::<T>(kind, PhantomData))?;
                        finish_kind_tagged(&mut map, value)
                    }
                    Some(KindKey::Kind) => Err(de::Error::duplicate_field(KIND)),
                    Some(KindKey::Other) | None => Err(de::Error::missing_field(FIELDS)),
                }
            }
            Some(KindKey::Fields) => {
                // The payload comes first: keep it until the kind says how to read it.
                let buffered: serde_json::Value = map.next_value()?;
                match next_kind_key(&mut map)? {
                    Some(KindKey::Kind) => {
                        let kind = map.next_value_seed(KindTag(T::NAME))?;
                        let value = payload_from_buffer(kind, &buffered)?;
                        finish_kind_tagged(&mut map, value)
                    }
                    Some(KindKey::Fields) => Err(de::Error::duplicate_field(FIELDS)),
                    Some(KindKey::Other) | None => Err(de::Error::missing_field(KIND)),
                }
            }
            Some(KindKey::Other) | None => Err(de::Error::missing_field(KIND)),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<T, A::Error> {
        let Some(kind) = seq.next_element_seed(KindName)? else {
            return Err(de::Error::invalid_length(0, &self));
        };
        match seq.next_element_seed(Payload::<T>(kind, PhantomData))? {
            Some(value) => Ok(value),
            None => Err(de::Error::invalid_length(1, &self)),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Internally tagged: `{"type": "set_task_done", "id": …, "done": …}`.

/// The tag key of [`Mutation`](crate::mutation::Mutation).
const TYPE: &str = "type";

/// `Deserialize::deserialize` of an internally tagged enum `T` (tag `type`), through `W`, its
/// externally tagged twin with the same variants and a derived `Deserialize`: when `type` comes
/// first, `W` reads the tag and then the variant's fields from the rest of the same map. Otherwise
/// the map is buffered and read again as JSON text with `type` first.
pub(crate) fn deserialize_type_tagged<'de, T, W, D>(
    deserializer: D,
    expecting: &'static str,
) -> Result<T, D::Error>
where
    T: From<W> + DeserializeOwned,
    W: Deserialize<'de>,
    D: Deserializer<'de>,
{
    deserializer.deserialize_any(TypeTaggedVisitor::<T, W> {
        expecting,
        marker: PhantomData,
    })
}

struct TypeTaggedVisitor<T, W> {
    expecting: &'static str,
    marker: PhantomData<(T, W)>,
}

/// The first key of a `type`-tagged map.
enum FirstKey {
    Type,
    Other(String),
}

struct FirstKeySeed;

impl<'de> DeserializeSeed<'de> for FirstKeySeed {
    type Value = FirstKey;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<FirstKey, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl Visitor<'_> for FirstKeySeed {
    type Value = FirstKey;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<FirstKey, E> {
        Ok(if key == TYPE {
            FirstKey::Type
        } else {
            FirstKey::Other(key.to_owned())
        })
    }

    fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<FirstKey, E> {
        Ok(if key == TYPE.as_bytes() {
            FirstKey::Type
        } else {
            FirstKey::Other(String::from_utf8_lossy(key).into_owned())
        })
    }
}

/// A map read in full, with its `type` set apart, written back with `type` first.
struct TypeFirst<'a> {
    tag: &'a serde_json::Value,
    rest: &'a [(String, serde_json::Value)],
}

impl Serialize for TypeFirst<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.rest.len() + 1))?;
        map.serialize_entry(TYPE, self.tag)?;
        for (key, value) in self.rest {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de, T, W> Visitor<'de> for TypeTaggedVisitor<T, W>
where
    T: From<W> + DeserializeOwned,
    W: Deserialize<'de>,
{
    type Value = T;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str(self.expecting)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let first = match map.next_key_seed(FirstKeySeed)? {
            None => return Err(de::Error::missing_field(TYPE)),
            Some(FirstKey::Type) => return W::deserialize(TagFirstMap(map)).map(T::from),
            Some(FirstKey::Other(key)) => key,
        };
        // `type` is not first: buffer the map, then read it again with `type` first.
        let mut rest = vec![(first, map.next_value::<serde_json::Value>()?)];
        let mut tag = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == TYPE {
                if tag.is_some() {
                    return Err(de::Error::duplicate_field(TYPE));
                }
                tag = Some(map.next_value::<serde_json::Value>()?);
            } else {
                rest.push((key, map.next_value()?));
            }
        }
        let Some(tag) = tag else {
            return Err(de::Error::missing_field(TYPE));
        };
        let text = serde_json::to_string(&TypeFirst {
            tag: &tag,
            rest: &rest,
        })
        .map_err(de::Error::custom)?;
        serde_json::from_str(&text).map_err(|error| de::Error::custom(without_position(&error)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<T, A::Error> {
        W::deserialize(TagFirstSeq(seq)).map(T::from)
    }
}

/// The rest of a map whose first key, the tag, was just read: the tag's value is the variant and
/// the remaining entries are the variant's fields. As a deserializer it is an enum.
struct TagFirstMap<A>(A);

impl<'de, A: MapAccess<'de>> Deserializer<'de> for TagFirstMap<A> {
    type Error = A::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, A::Error> {
        visitor.visit_enum(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier
        ignored_any
    }
}

impl<'de, A: MapAccess<'de>> EnumAccess<'de> for TagFirstMap<A> {
    type Error = A::Error;
    type Variant = Self;

    fn variant_seed<S: DeserializeSeed<'de>>(
        mut self,
        seed: S,
    ) -> Result<(S::Value, Self), A::Error> {
        let variant = self.0.next_value_seed(seed)?;
        Ok((variant, self))
    }
}

impl<'de, A: MapAccess<'de>> VariantAccess<'de> for TagFirstMap<A> {
    type Error = A::Error;

    fn unit_variant(mut self) -> Result<(), A::Error> {
        // As serde's internally tagged unit variants: the other entries are ignored.
        while self.0.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value, A::Error> {
        seed.deserialize(de::value::MapAccessDeserializer::new(self.0))
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        _visitor: V,
    ) -> Result<V::Value, A::Error> {
        Err(de::Error::invalid_type(Unexpected::Map, &"tuple variant"))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        visitor.visit_map(self.0)
    }
}

/// A sequence whose first element is the tag and whose others are the variant's fields in order
/// (serde's derived internally tagged impls read this form too).
struct TagFirstSeq<A>(A);

impl<'de, A: SeqAccess<'de>> Deserializer<'de> for TagFirstSeq<A> {
    type Error = A::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, A::Error> {
        visitor.visit_enum(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier
        ignored_any
    }
}

impl<'de, A: SeqAccess<'de>> EnumAccess<'de> for TagFirstSeq<A> {
    type Error = A::Error;
    type Variant = Self;

    fn variant_seed<S: DeserializeSeed<'de>>(
        mut self,
        seed: S,
    ) -> Result<(S::Value, Self), A::Error> {
        match self.0.next_element_seed(seed)? {
            Some(variant) => Ok((variant, self)),
            None => Err(de::Error::missing_field(TYPE)),
        }
    }
}

impl<'de, A: SeqAccess<'de>> VariantAccess<'de> for TagFirstSeq<A> {
    type Error = A::Error;

    fn unit_variant(mut self) -> Result<(), A::Error> {
        while self.0.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value, A::Error> {
        seed.deserialize(de::value::SeqAccessDeserializer::new(self.0))
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        _visitor: V,
    ) -> Result<V::Value, A::Error> {
        Err(de::Error::invalid_type(Unexpected::Seq, &"tuple variant"))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        visitor.visit_seq(self.0)
    }
}
