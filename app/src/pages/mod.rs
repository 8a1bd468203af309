//! Screens, one module per feature.

pub mod announcements;
pub mod changes;
pub mod checkin;
pub mod concern;
pub mod concern_inbox;
pub mod dashboard;
pub mod goals;
pub mod hiring;
pub mod home;
pub mod inbox;
pub mod jobs;
pub mod matching;
pub mod pair_health;
pub mod people;
pub mod positions;
pub mod profile;
pub mod program;
pub mod sessions;
pub mod settings;
pub mod signin;
pub mod staff_notes;
pub mod student;
pub mod tasks;
pub mod visa;
pub mod visa_routes;
pub mod workshops;
