//! A toast for errors that have no field to sit next to (a write the device could not store…).

use leptos::prelude::*;

/// The current toast message, if any.
#[derive(Clone, Copy)]
pub struct Toasts(pub RwSignal<Option<String>>);

/// The toast area (one message at a time, dismissible).
#[component]
pub fn ToastArea() -> impl IntoView {
    let toasts = use_context::<Toasts>().map(|toasts| toasts.0);
    let message = move || toasts.and_then(|toasts| toasts.get());
    view! {
        <Show when=move || message().is_some()>
            <div class="toast" role="alert" data-testid="toast" data-local="toast">
                <span>{message}</span>
                <button class="button button-small" aria-label="×" on:click=move |_| {
                    if let Some(toasts) = toasts { toasts.set(None) }
                }>"×"</button>
            </div>
        </Show>
    }
}
