//! IMP Companion's shared core: domain types, mutations, the one deterministic `apply`, permission
//! rules and the sync protocol, used by both the app and the Worker. No IO happens here.

pub mod apply;
pub mod cache;
pub mod calendar;
pub mod client;
pub mod csv;
pub mod dashboard;
pub mod demo;
pub mod domain;
pub mod entity_macro;
pub mod error;
pub mod evaluation;
pub mod exports;
pub mod feedback;
pub mod glance;
pub mod health;
pub mod ids;
pub mod inbox;
pub mod matching;
pub mod mutation;
pub mod permissions;
pub mod protocol;
pub mod reminder;
pub mod round;
pub mod server;
pub mod summary;
mod tag_first;
pub mod visa;
pub mod visa_chooser;
#[cfg(feature = "webpush")]
pub mod webpush;

/// The app's version, shown by `/api/v1/health` and the app.
pub const APP_VERSION: &str = env!("CARGO_PKG_VERSION");
