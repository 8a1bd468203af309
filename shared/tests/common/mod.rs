//! Helpers the table tests share: fixed instants and dates written as text, and records from
//! JSON as they travel. A mistyped test value panics with what it was (never a default date).

#![allow(dead_code)]

use chrono::{DateTime, NaiveDate, Utc};

/// An instant from RFC 3339 text.
pub fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|error| panic!("test time {text}: {error}"))
        .with_timezone(&Utc)
}

/// A date from `YYYY-MM-DD`.
pub fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_else(|error| panic!("{text}: {error}"))
}

/// A record (or any wire value) from its JSON.
pub fn from<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
    serde_json::from_value(value.clone()).unwrap_or_else(|error| panic!("{value}: {error}"))
}
