//! One tab syncs at a time: the Web Locks API (`navigator.locks.request`), reached through
//! `js_sys::Reflect` because web-sys marks it unstable. Without Web Locks the work runs directly.

use std::future::Future;

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{future_to_promise, JsFuture};

/// The lock every tab's sync takes.
pub const SYNC_LOCK: &str = "imp-companion-sync";

/// Runs `work` while holding the named exclusive lock, waiting for other tabs to release it.
pub async fn with_lock<F>(name: &str, work: F)
where
    F: Future<Output = ()> + 'static,
{
    let request = web_sys::window()
        .map(|window| JsValue::from(window.navigator()))
        .and_then(|navigator| Reflect::get(&navigator, &JsValue::from_str("locks")).ok())
        .filter(|locks| !locks.is_undefined() && !locks.is_null())
        .and_then(|locks| {
            let request = Reflect::get(&locks, &JsValue::from_str("request"))
                .ok()?
                .dyn_into::<Function>()
                .ok()?;
            Some((locks, request))
        });
    let Some((locks, request)) = request else {
        work.await;
        return;
    };
    let callback = Closure::once(move |_lock: JsValue| -> Promise {
        future_to_promise(async move {
            work.await;
            Ok(JsValue::UNDEFINED)
        })
    });
    let promise = request
        .call2(
            &locks,
            &JsValue::from_str(name),
            callback.as_ref().unchecked_ref(),
        )
        .ok()
        .and_then(|value| value.dyn_into::<Promise>().ok());
    if let Some(promise) = promise {
        // The lock is released when the promise our callback returned settles.
        let _ = JsFuture::from(promise).await;
    }
}
