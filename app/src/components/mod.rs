//! Generic widgets shared by every screen.

pub mod chart;
pub mod confirm;
pub mod form;
pub mod list;
pub mod pwa;
pub mod qr;
pub mod shell;
pub mod space_picker;
pub mod sync_badge;
pub mod toast;
pub mod write;
