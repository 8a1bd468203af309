//! The page's `localStorage`: small per-device values that need no IndexedDB (the language, a
//! device's push settings, staff's dismissed inbox items, an evaluation typed but not sent).

/// The page's `localStorage`, when the browser gives one (none in some private modes).
pub fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|window| window.local_storage().ok().flatten())
}
