//! The `entity!` macro: declares a domain struct together with its field-level patch type.
//!
//! A patch has one `Option` per field: absent means "leave as is", present means "set". For fields
//! that are themselves optional, `null` means "clear". Two patches that touch different fields
//! therefore commute, which is what keeps both of two concurrent edits.
//!
//! Records and patches read leniently: a field this build does not know is ignored, so a client
//! one schema behind still reads what a newer server sends (docs/sync-protocol.md §4). Push input
//! stays strict: the server refuses a pushed mutation with a field it does not know
//! (`protocol::read_push`).

use serde::{Deserialize, Deserializer};

/// Deserializes a present field as `Some(value)`, so that `null` in a patch becomes `Some(None)`
/// for optional fields instead of collapsing into "absent".
pub fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

/// Declares `pub struct $name { … }` and `pub struct $patch { … }` with `apply_to` and `fields`.
#[macro_export]
macro_rules! entity {
    (
        $(#[$meta:meta])*
        $name:ident / $patch:ident {
            $( $(#[$field_meta:meta])* $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        pub struct $name {
            $( $(#[$field_meta])* pub $field: $ty, )*
        }

        #[doc = concat!("A field-level change to a [`", stringify!($name), "`]; absent fields stay as they are.")]
        #[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
        pub struct $patch {
            $(
                #[doc = concat!("New `", stringify!($field), "`, if it changes.")]
                #[serde(
                    default,
                    skip_serializing_if = "Option::is_none",
                    deserialize_with = "crate::entity_macro::present"
                )]
                pub $field: Option<$ty>,
            )*
        }

        impl $patch {
            /// Writes the present fields into `target`.
            pub fn apply_to(self, target: &mut $name) {
                $( if let Some(value) = self.$field { target.$field = value; } )*
            }

            /// The names of the fields this patch sets.
            pub fn fields(&self) -> Vec<&'static str> {
                let mut names = Vec::new();
                $( if self.$field.is_some() { names.push(stringify!($field)); } )*
                names
            }
        }
    };
}
