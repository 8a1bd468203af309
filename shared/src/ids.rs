//! Identifier newtypes: every id that crosses a boundary has its own type.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The largest integer JavaScript represents exactly (2^53 - 1); versions and seqs stay below it (I8).
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// Longest id we accept, in bytes.
pub const MAX_ID_LEN: usize = 64;

/// Checks that an id is 1..=64 characters of `[A-Za-z0-9_-]`.
pub fn is_valid_id(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= MAX_ID_LEN
        && text
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
}

macro_rules! string_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Whether the id has the allowed shape (see [`is_valid_id`]).
            pub fn is_valid(&self) -> bool {
                is_valid_id(&self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                Self(text.to_owned())
            }
        }
    };
}

string_id!(
    /// An account in the program directory.
    UserId
);
string_id!(
    /// One browser profile's identity for sync; it numbers its mutations with [`MutationSeq`].
    ClientId
);
string_id!(
    /// The id of one record within its kind and space.
    RecordId
);

/// A client's mutation counter: strictly rising per [`ClientId`], starting at 1.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(transparent)]
pub struct MutationSeq(pub u64);

/// A space's change counter: every applied mutation gets the next one (I4).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(transparent)]
pub struct ServerVersion(pub u64);

impl fmt::Display for MutationSeq {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}", self.0)
    }
}

impl fmt::Display for ServerVersion {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}", self.0)
    }
}

/// A unit of sync, ordering and permission.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SpaceId {
    /// Cohorts, organizations, positions, workshops… Everyone reads; staff write.
    Program,
    /// One student's own data, shared with their mentor(s) and staff.
    Student(UserId),
    /// Draft matches, concern flags and internal notes.
    Staff,
}

/// Why a space name did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown space `{0}`: expected `program`, `staff` or `student:<user id>`")]
pub struct SpaceParseError(pub String);

impl SpaceId {
    /// Parses `program`, `staff` or `student:<user id>`.
    pub fn parse(text: &str) -> Result<Self, SpaceParseError> {
        match text {
            "program" => Ok(Self::Program),
            "staff" => Ok(Self::Staff),
            other => match other.strip_prefix("student:") {
                Some(user) if is_valid_id(user) => Ok(Self::Student(UserId(user.to_owned()))),
                _ => Err(SpaceParseError(text.chars().take(80).collect())),
            },
        }
    }

    /// The space for one student.
    pub fn student(user: &UserId) -> Self {
        Self::Student(user.clone())
    }
}

impl fmt::Display for SpaceId {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Program => formatter.write_str("program"),
            Self::Staff => formatter.write_str("staff"),
            Self::Student(user) => write!(formatter, "student:{user}"),
        }
    }
}

impl Serialize for SpaceId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for SpaceId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_parse_and_print_round_trip() {
        let table = [
            ("program", true),
            ("staff", true),
            ("student:u-1", true),
            ("student:", false),
            ("student:a b", false),
            ("students", false),
            ("", false),
        ];
        for (text, ok) in table {
            let parsed = SpaceId::parse(text);
            assert_eq!(parsed.is_ok(), ok, "{text}");
            if let Ok(space) = parsed {
                assert_eq!(space.to_string(), text);
            }
        }
    }

    #[test]
    fn ids_have_a_bounded_safe_shape() {
        assert!(is_valid_id("abc-DEF_123"));
        assert!(!is_valid_id(""));
        assert!(!is_valid_id("a/b"));
        assert!(!is_valid_id(&"x".repeat(65)));
    }
}
