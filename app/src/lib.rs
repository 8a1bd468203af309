//! IMP Companion's app: a Leptos client-side-rendered UI compiled to WASM, offline-first.

pub mod api;
pub mod components;
pub mod storage;

use leptos::prelude::*;
use wasm_bindgen::prelude::wasm_bindgen;

use crate::components::connection::ConnectionCard;

/// The root component.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <header class="app-bar">
            <span class="app-mark" aria-hidden="true">"IMP"</span>
            <h1 class="app-title">"IMP Companion"</h1>
        </header>
        <main class="page" id="main">
            <section class="hero">
                <h2>"Your mentorship, placement and visa steps — even offline."</h2>
                <p class="muted">
                    "For international students, mentors and program staff of the International Mentorship Program."
                </p>
            </section>
            <ConnectionCard />
        </main>
    }
}

/// Entry point: mounts the app once the WASM module starts.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}
