//! Generic widgets shared by every screen.

pub mod confirm;
pub mod shell;
pub mod sync_badge;
