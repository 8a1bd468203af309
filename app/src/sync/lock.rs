//! One tab syncs at a time: the Web Locks API (`navigator.locks.request`), reached through
//! `js_sys::Reflect` because web-sys marks it unstable. Without Web Locks the work runs directly.

use std::future::Future;

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{future_to_promise, JsFuture};

/// The lock every tab's sync takes.
pub const SYNC_LOCK: &str = "imp-companion-sync";

/// `navigator.locks` and its `request` function, where the browser has Web Locks.
fn lock_request() -> Option<(JsValue, Function)> {
    let navigator = JsValue::from(web_sys::window()?.navigator());
    let locks = Reflect::get(&navigator, &JsValue::from_str("locks")).ok()?;
    if locks.is_undefined() || locks.is_null() {
        return None;
    }
    let request = Reflect::get(&locks, &JsValue::from_str("request"))
        .ok()?
        .dyn_into::<Function>()
        .ok()?;
    Some((locks, request))
}

/// Runs `work` while holding the named exclusive lock, waiting for other tabs to release it.
pub async fn with_lock<F>(name: &str, work: F)
where
    F: Future<Output = ()> + 'static,
{
    let request = lock_request();
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

/// The lock the leader tab holds for as long as it lives: only the leader syncs on the period.
pub const LEADER_LOCK: &str = "imp-companion-leader";

/// Asks for the named lock and keeps it until the page goes away; `on_acquired` runs once it is
/// ours (at once for the first tab, when the holder closes for the others). Without Web Locks
/// every tab is its own leader.
pub fn hold_while_open(name: &str, on_acquired: impl FnOnce() + 'static) {
    let request = lock_request();
    let Some((locks, request)) = request else {
        on_acquired();
        return;
    };
    let callback = Closure::once(move |_lock: JsValue| -> Promise {
        on_acquired();
        // Never settles: the lock is released when the page closes.
        Promise::new(&mut |_resolve, _reject| {})
    });
    let _ = request.call2(
        &locks,
        &JsValue::from_str(name),
        callback.as_ref().unchecked_ref(),
    );
    // The callback must outlive this call: the browser calls it later, once.
    callback.forget();
}
