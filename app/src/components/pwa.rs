//! The service worker from the app's side: registration, and the "a new version is ready" prompt.
//! A new version waits until the person agrees, so an open tab never writes with a stale schema.

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{ServiceWorker, ServiceWorkerRegistration};

use crate::i18n::{use_i18n, Msg};

thread_local! {
    /// Set when the person asked to switch to the waiting version.
    static UPDATE_REQUESTED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether a new version is installed and waiting.
#[derive(Clone, Copy)]
pub struct UpdateReady(pub RwSignal<bool>);

fn container() -> Option<web_sys::ServiceWorkerContainer> {
    let navigator = web_sys::window()?.navigator();
    // Browsers without service workers (or insecure origins) have no `serviceWorker`.
    let present =
        js_sys::Reflect::has(&navigator, &JsValue::from_str("serviceWorker")).unwrap_or(false);
    present.then(|| navigator.service_worker())
}

fn watch_installing(registration: &ServiceWorkerRegistration, ready: RwSignal<bool>) {
    let Some(installing) = registration.installing() else {
        return;
    };
    let worker = installing.clone();
    let on_state = Closure::<dyn Fn()>::new(move || {
        let has_controller = container().and_then(|c| c.controller()).is_some();
        if worker.state() == web_sys::ServiceWorkerState::Installed && has_controller {
            ready.set(true);
        }
    });
    installing.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
    on_state.forget();
}

/// Registers `/sw.js` and watches for updates; returns the "update ready" signal.
pub fn register_service_worker() -> UpdateReady {
    let ready = RwSignal::new(false);
    let Some(container) = container() else {
        return UpdateReady(ready);
    };
    // When the new worker takes over after the person agreed, load the new version. The first
    // install also takes over (clients.claim), and must not reload the page under the person.
    let on_controller_change = Closure::<dyn Fn()>::new(|| {
        if UPDATE_REQUESTED.with(|requested| requested.get()) {
            if let Some(window) = web_sys::window() {
                let _ = window.location().reload();
            }
        }
    });
    container.set_oncontrollerchange(Some(on_controller_change.as_ref().unchecked_ref()));
    on_controller_change.forget();
    let promise = container.register("/sw.js");
    wasm_bindgen_futures::spawn_local(async move {
        let Ok(value) = JsFuture::from(promise).await else {
            return;
        };
        let Ok(registration) = value.dyn_into::<ServiceWorkerRegistration>() else {
            return;
        };
        if registration.waiting().is_some() && container.controller().is_some() {
            ready.set(true);
        }
        watch_installing(&registration, ready);
        let on_update = {
            let registration = registration.clone();
            Closure::<dyn Fn()>::new(move || watch_installing(&registration, ready))
        };
        registration.set_onupdatefound(Some(on_update.as_ref().unchecked_ref()));
        on_update.forget();
        // Look for a new version whenever the app comes back to the foreground.
        let on_focus = {
            let registration = registration.clone();
            Closure::<dyn Fn()>::new(move || {
                if let Ok(promise) = registration.update() {
                    wasm_bindgen_futures::spawn_local(async move {
                        let _ = JsFuture::from(promise).await;
                    });
                }
            })
        };
        if let Some(window) = web_sys::window() {
            let _ =
                window.add_event_listener_with_callback("focus", on_focus.as_ref().unchecked_ref());
        }
        on_focus.forget();
    });
    UpdateReady(ready)
}

fn activate_waiting() {
    UPDATE_REQUESTED.with(|requested| requested.set(true));
    let Some(container) = container() else { return };
    wasm_bindgen_futures::spawn_local(async move {
        let Ok(value) = JsFuture::from(
            container
                .ready()
                .unwrap_or_else(|_| js_sys::Promise::resolve(&JsValue::NULL)),
        )
        .await
        else {
            return;
        };
        let waiting: Option<ServiceWorker> = value
            .dyn_into::<ServiceWorkerRegistration>()
            .ok()
            .and_then(|registration| registration.waiting());
        match waiting {
            Some(worker) => {
                let _ = worker.post_message(&JsValue::from_str("skip-waiting"));
            }
            None => {
                if let Some(window) = web_sys::window() {
                    let _ = window.location().reload();
                }
            }
        }
    });
}

/// The banner shown while a new version waits.
#[component]
pub fn UpdateBanner() -> impl IntoView {
    let i18n = use_i18n();
    let ready = use_context::<UpdateReady>().map(|ready| ready.0);
    let visible = move || ready.is_some_and(|ready| ready.get());
    view! {
        <Show when=visible>
            <div class="update-banner" role="status" data-testid="update-banner">
                <span>{i18n.tr(Msg::NewVersion)}</span>
                <button class="button button-primary" data-testid="update-reload" data-local="update"
                    on:click=move |_| activate_waiting()>
                    {i18n.tr(Msg::Reload)}
                </button>
            </div>
        </Show>
    }
}
