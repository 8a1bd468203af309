//! Generic widgets shared by every screen.

pub mod connection;
