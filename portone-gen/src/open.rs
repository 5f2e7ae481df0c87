//! Forward-compatible ("open") enums and discriminated unions.
//!
//! PortOne may add enum values and union cases at any time. The build script declares every
//! string enum with [`open_enum!`](crate::open_enum) and every discriminated union with
//! [`open_union!`](crate::open_union); progenitor is told to use these types instead of its own.
//!
//! - An unknown enum value decodes to `Unrecognized(`[`UnknownValue`]`)` and re-serializes
//!   unchanged.
//! - A union decodes by its discriminator in one pass: entries before the tag are buffered
//!   (usually none: PortOne writes the tag first), then the rest of the object streams into
//!   the member type. A known tag with a malformed payload is an error; an unknown tag decodes
//!   to `Unrecognized(`[`UnknownCase`]`)` holding the whole object.
//!
//! # Matching a value PortOne adds later
//!
//! The `Unrecognized` variants are deprecated *to match on*: once the SDK learns a new value,
//! it decodes to its own variant and an arm `Unrecognized(..)` written for it stops matching,
//! silently. Compare the wire value in a wildcard arm instead; it works before and after:
//!
//! ```
//! use portone_gen::types::PaymentStatus;
//!
//! fn describe(status: &PaymentStatus) -> &'static str {
//!     match status {
//!         PaymentStatus::Paid => "paid",
//!         // A status this SDK may not know yet: right today, and still right once it does.
//!         other if other.as_str() == "REFUNDED" => "refunded",
//!         other if other.is_unrecognized() => "a status this SDK does not know",
//!         _ => "another known status",
//!     }
//! }
//! assert_eq!(describe(&PaymentStatus::from("REFUNDED")), "refunded");
//! assert_eq!(describe(&PaymentStatus::from("PAID")), "paid");
//! ```
//!
//! Unions the same way, with `tag()`: `other if other.tag() == "NEW_CASE" => ...`.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, Visitor};
use serde::ser::{Error as _, Serialize, Serializer};
use serde_json::{Map, Value};

/// Declares an open string enum: known variants plus `Unrecognized(String)`.
#[macro_export]
#[doc(hidden)]
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $value:literal ),* $(,)? }
    ) => {
        $(#[$meta])*
        ///
        /// Values this version of the SDK does not know decode to `Unrecognized` with the
        /// value as sent; they serialize back unchanged. To handle a value PortOne may add
        /// later, compare [`as_str()`](Self::as_str) in a wildcard arm (see
        /// [`open`]($crate::open#matching-a-value-portone-adds-later)).
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* #[doc = ""] #[doc = concat!("`", $value, "`")] $variant, )*
            /// A value this version of the SDK does not know, as sent by the server.
            #[deprecated(note = "a newer SDK decodes a value PortOne adds to its own variant and \
                this arm would stop matching it: compare `as_str()` in a wildcard arm instead \
                (see the `open` module docs)")]
            Unrecognized($crate::open::UnknownValue),
        }

        #[allow(deprecated)]
        impl $name {
            /// Every value this version of the SDK knows, in spec order.
            pub const VALUES: &'static [&'static str] = &[$($value),*];

            /// The value as on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $value, )*
                    Self::Unrecognized(value) => value.as_str(),
                }
            }

            /// The known variant for `value`, if any.
            pub fn known(value: &str) -> ::std::option::Option<Self> {
                match value {
                    $( $value => ::std::option::Option::Some(Self::$variant), )*
                    _ => ::std::option::Option::None,
                }
            }

            /// Whether this value is unknown to this version of the SDK.
            pub fn is_unrecognized(&self) -> bool {
                matches!(self, Self::Unrecognized(_))
            }
        }

        #[allow(deprecated)]
        impl $crate::open::OpenEnum for $name {
            const VALUES: &'static [&'static str] = Self::VALUES;
            fn as_str(&self) -> &str {
                Self::as_str(self)
            }
            fn is_unrecognized(&self) -> bool {
                Self::is_unrecognized(self)
            }
        }

        /// The known variant, else `Unrecognized` (for a value PortOne added after this SDK).
        #[allow(deprecated)]
        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                Self::known(value).unwrap_or_else(|| {
                    Self::Unrecognized($crate::open::UnknownValue::new(value.to_owned()))
                })
            }
        }

        /// The known variant, else `Unrecognized` (for a value PortOne added after this SDK).
        #[allow(deprecated)]
        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                Self::known(&value)
                    .unwrap_or_else(|| Self::Unrecognized($crate::open::UnknownValue::new(value)))
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                deserializer.deserialize_str($crate::open::EnumVisitor::<Self>::new(stringify!($name)))
            }
        }
    };
}

/// Declares an open discriminated union: one variant per tag plus `Unrecognized(Value)`.
///
/// `strip` members have no tag field (the union writes it); `keep` members carry it themselves
/// because they are also used outside unions.
#[macro_export]
#[doc(hidden)]
macro_rules! open_union {
    (
        $(#[$meta:meta])*
        $name:ident, tag = $property:literal {
            $( $(#[$vmeta:meta])* $variant:ident($member:ty) = $tag:literal, $keep:ident ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        ///
        /// Decoded by the discriminator property
        #[doc = concat!("`", $property, "`.")]
        /// Cases this version of the SDK does not know decode to `Unrecognized` with the whole
        /// JSON object; it serializes back unchanged. To handle a case PortOne may add later,
        /// compare [`tag()`](Self::tag) in a wildcard arm (see
        /// [`open`]($crate::open#matching-a-value-portone-adds-later)).
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* #[doc = ""] #[doc = concat!("`", $property, ": ", $tag, "`")] $variant($member), )*
            /// A case this version of the SDK does not know: the JSON object as sent.
            #[deprecated(note = "a newer SDK decodes a case PortOne adds to its own variant and \
                this arm would stop matching it: compare `tag()` in a wildcard arm instead \
                (see the `open` module docs)")]
            Unrecognized($crate::open::UnknownCase),
        }

        #[allow(deprecated)]
        impl $name {
            /// The discriminator property.
            pub const TAG_PROPERTY: &'static str = $property;
            /// Every tag this version of the SDK knows, in spec order.
            pub const TAGS: &'static [&'static str] = &[$($tag),*];

            /// The discriminator value of this case (for `Unrecognized`, as sent).
            pub fn tag(&self) -> &str {
                match self {
                    $( Self::$variant(_) => $tag, )*
                    Self::Unrecognized(unknown) => unknown.tag(),
                }
            }

            /// Whether this case is unknown to this version of the SDK.
            pub fn is_unrecognized(&self) -> bool {
                matches!(self, Self::Unrecognized(_))
            }
        }

        #[allow(deprecated)]
        impl $crate::open::OpenUnion for $name {
            const TAG_PROPERTY: &'static str = Self::TAG_PROPERTY;
            const TAGS: &'static [&'static str] = Self::TAGS;
            fn tag(&self) -> &str {
                Self::tag(self)
            }
            fn is_unrecognized(&self) -> bool {
                Self::is_unrecognized(self)
            }
        }

        #[allow(deprecated)]
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    $( Self::$variant(member) => $crate::open::serialize_tagged(serializer, $property, $tag, member), )*
                    Self::Unrecognized(unknown) => ::serde::Serialize::serialize(unknown.as_json(), serializer),
                }
            }
        }

        #[allow(deprecated)]
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                struct UnionVisitor;
                impl<'de> ::serde::de::Visitor<'de> for UnionVisitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " object"))
                    }
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, map: A) -> ::std::result::Result<$name, A::Error> {
                        let tagged = $crate::open::TaggedMap::read(map, $property)?;
                        match tagged.tag() {
                            $( $tag => tagged.member::<$member>($crate::open_union!(@keep $keep)).map($name::$variant), )*
                            _ => tagged.into_value().map(|json| {
                                $name::Unrecognized($crate::open::UnknownCase::new($property, json))
                            }),
                        }
                    }
                }
                deserializer.deserialize_map(UnionVisitor)
            }
        }
    };
    (@keep keep) => { true };
    (@keep strip) => { false };
}

/// A value of an open enum that this version of the SDK does not know, as PortOne sent it.
///
/// Opaque on purpose: read it with [`as_str`](Self::as_str), and match it as the
/// [module docs](self#matching-a-value-portone-adds-later) show.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownValue(String);

impl UnknownValue {
    pub(crate) fn new(value: String) -> Self {
        UnknownValue(value)
    }

    /// The value as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A case of an open union that this version of the SDK does not know: the whole JSON object as
/// PortOne sent it.
///
/// Opaque on purpose: read it with [`tag`](Self::tag) and [`as_json`](Self::as_json), and
/// match it as the [module docs](self#matching-a-value-portone-adds-later) show.
#[derive(Clone, Debug, PartialEq)]
pub struct UnknownCase {
    property: &'static str,
    json: Value,
}

impl UnknownCase {
    pub(crate) fn new(property: &'static str, json: Value) -> Self {
        UnknownCase { property, json }
    }

    /// The discriminator value as sent (`""` if it is not a string).
    pub fn tag(&self) -> &str {
        self.json
            .get(self.property)
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// The discriminator value, like [`tag`](Self::tag) (the name aws-sdk-rust users expect).
    pub fn as_str(&self) -> &str {
        self.tag()
    }

    /// The JSON object as sent.
    pub fn as_json(&self) -> &Value {
        &self.json
    }

    /// The JSON object as sent, by value.
    pub fn into_json(self) -> Value {
        self.json
    }
}

/// A string enum that keeps values it does not know (see the module docs).
pub trait OpenEnum:
    Clone + fmt::Debug + fmt::Display + Serialize + de::DeserializeOwned + Send + Sync + 'static
{
    /// Every value this version of the SDK knows, in spec order.
    const VALUES: &'static [&'static str];
    /// The value as on the wire.
    fn as_str(&self) -> &str;
    /// Whether the value is unknown to this version of the SDK.
    fn is_unrecognized(&self) -> bool;
}

/// A discriminated union that keeps cases it does not know (see the module docs).
pub trait OpenUnion:
    Clone + fmt::Debug + Serialize + de::DeserializeOwned + Send + Sync + 'static
{
    /// The discriminator property.
    const TAG_PROPERTY: &'static str;
    /// Every tag this version of the SDK knows, in spec order.
    const TAGS: &'static [&'static str];
    /// The discriminator value of this case.
    fn tag(&self) -> &str;
    /// Whether the case is unknown to this version of the SDK.
    fn is_unrecognized(&self) -> bool;
}

/// Visitor for [`open_enum!`] types.
#[doc(hidden)]
pub struct EnumVisitor<T> {
    name: &'static str,
    marker: PhantomData<T>,
}

impl<T> EnumVisitor<T> {
    /// A visitor for the enum called `name`.
    pub fn new(name: &'static str) -> Self {
        EnumVisitor {
            name,
            marker: PhantomData,
        }
    }
}

impl<'de, T: for<'a> From<&'a str> + From<String>> Visitor<'de> for EnumVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {} string", self.name)
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<T, E> {
        Ok(T::from(value))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<T, E> {
        Ok(T::from(value))
    }
}

/// Serializes `member` as an object whose first entry is `property: tag`.
#[doc(hidden)]
pub fn serialize_tagged<S: Serializer, M: Serialize>(
    serializer: S,
    property: &'static str,
    tag: &'static str,
    member: &M,
) -> Result<S::Ok, S::Error> {
    let fields = match serde_json::to_value(member).map_err(S::Error::custom)? {
        Value::Object(fields) => fields,
        other => {
            return Err(S::Error::custom(format_args!(
                "union case {tag} serialized to {other}, not an object"
            )));
        }
    };
    let mut object = Map::with_capacity(fields.len() + 1);
    object.insert(property.to_owned(), Value::String(tag.to_owned()));
    // The union's tag wins over a member's own tag field.
    object.extend(fields.into_iter().filter(|(key, _)| key != property));
    object.serialize(serializer)
}

enum Key<'de> {
    Tag,
    Other(Cow<'de, str>),
}

struct KeySeed(&'static str);

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key<'de>;
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Key<'de>, D::Error> {
        deserializer.deserialize_str(KeyVisitor(self.0))
    }
}

struct KeyVisitor(&'static str);

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }
    fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Key<'de>, E> {
        Ok(if key == self.0 {
            Key::Tag
        } else {
            Key::Other(Cow::Borrowed(key))
        })
    }
    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key<'de>, E> {
        Ok(if key == self.0 {
            Key::Tag
        } else {
            Key::Other(Cow::Owned(key.to_owned()))
        })
    }
}

struct CowStr;

impl<'de> DeserializeSeed<'de> for CowStr {
    type Value = Cow<'de, str>;
    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for CowStr {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string discriminator")
    }
    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(value))
    }
    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(value.to_owned()))
    }
    fn visit_string<E: de::Error>(self, value: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(value))
    }
}

/// A union object whose tag has been read: the entries seen before the tag, the tag, and
/// the rest of the object still to be read.
#[doc(hidden)]
pub struct TaggedMap<'de, A> {
    property: &'static str,
    tag: Cow<'de, str>,
    before: Vec<(Cow<'de, str>, Value)>,
    rest: A,
}

impl<'de, A: MapAccess<'de>> TaggedMap<'de, A> {
    /// Reads entries up to and including `property`.
    pub fn read(mut map: A, property: &'static str) -> Result<Self, A::Error> {
        let mut before = Vec::new();
        loop {
            match map.next_key_seed(KeySeed(property))? {
                None => return Err(de::Error::missing_field(property)),
                Some(Key::Tag) => {
                    let tag = map.next_value_seed(CowStr)?;
                    return Ok(TaggedMap {
                        property,
                        tag,
                        before,
                        rest: map,
                    });
                }
                Some(Key::Other(key)) => {
                    let value: Value = map.next_value()?;
                    before.push((key, value));
                }
            }
        }
    }

    /// The discriminator value.
    pub fn tag(&self) -> &str {
        &self.tag
    }

    /// Decodes the whole object as `M`; `with_tag` replays the tag entry to it.
    pub fn member<M: de::Deserialize<'de>>(self, with_tag: bool) -> Result<M, A::Error> {
        let TaggedMap {
            property,
            tag,
            before,
            rest,
        } = self;
        let replay = Replay {
            before: before.into_iter(),
            tag: with_tag.then_some((property, tag)),
            pending: None,
            rest,
        };
        M::deserialize(de::value::MapAccessDeserializer::new(replay))
    }

    /// The whole object as JSON (for cases this SDK does not know).
    pub fn into_value(self) -> Result<Value, A::Error> {
        let TaggedMap {
            property,
            tag,
            before,
            mut rest,
        } = self;
        let mut object = Map::with_capacity(before.len() + 8);
        for (key, value) in before {
            object.insert(key.into_owned(), value);
        }
        object.insert(property.to_owned(), Value::String(tag.into_owned()));
        while let Some((key, value)) = rest.next_entry::<String, Value>()? {
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

enum Pending<'de> {
    Json(Value),
    Tag(Cow<'de, str>),
}

/// Replays buffered entries and the tag, then streams the remaining entries.
struct Replay<'de, A> {
    before: std::vec::IntoIter<(Cow<'de, str>, Value)>,
    tag: Option<(&'static str, Cow<'de, str>)>,
    pending: Option<Pending<'de>>,
    rest: A,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Replay<'de, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        if let Some((key, value)) = self.before.next() {
            self.pending = Some(Pending::Json(value));
            return seed
                .deserialize(de::value::CowStrDeserializer::<A::Error>::new(key))
                .map(Some);
        }
        if let Some((property, tag)) = self.tag.take() {
            self.pending = Some(Pending::Tag(tag));
            return seed.deserialize(property.into_deserializer()).map(Some);
        }
        self.rest.next_key_seed(seed)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        match self.pending.take() {
            Some(Pending::Json(value)) => seed.deserialize(value).map_err(de::Error::custom),
            Some(Pending::Tag(tag)) => {
                seed.deserialize(de::value::CowStrDeserializer::<A::Error>::new(tag))
            }
            None => self.rest.next_value_seed(seed),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        self.rest
            .size_hint()
            .map(|n| n + self.before.len() + usize::from(self.tag.is_some()))
    }
}
