//! Work that can wait until the browser has nothing better to do: loading a piece the first frame
//! does not need, after that frame has painted.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Runs `then` when the browser is next idle, and at the latest after `latest_ms`; on the next
/// turn of the event loop where the browser cannot say when it is idle.
pub fn when_idle(latest_ms: u32, then: impl FnOnce() + 'static) {
    let callback = Closure::once_into_js(then);
    let Some(window) = web_sys::window() else {
        return;
    };
    let options = web_sys::IdleRequestOptions::new();
    options.set_timeout(latest_ms);
    let asked = window.request_idle_callback_with_options(callback.unchecked_ref(), &options);
    if asked.is_err() {
        let _ = window.set_timeout_with_callback(callback.unchecked_ref());
    }
}
