//! The connection card: what the app learned from `/api/v1/health`.

use leptos::prelude::*;

use crate::api::{health, ApiCallError};

/// Shows whether the server answers, with its version and protocol.
#[component]
pub fn ConnectionCard() -> impl IntoView {
    let answer = LocalResource::new(health);
    let status = move || match answer.get() {
        None => view! {
            <p class="status status-pending" data-testid="connection" data-state="checking">
                "Checking the connection…"
            </p>
        }
        .into_any(),
        Some(Ok(health)) => view! {
            <p class="status status-ok" data-testid="connection" data-state="online">
                <span class="dot" aria-hidden="true"></span>
                {format!(
                    "Online — server {} (protocol {}, schema {})",
                    health.version, health.protocol, health.schema
                )}
            </p>
        }
        .into_any(),
        Some(Err(error)) => {
            let text = match error {
                ApiCallError::Network(_) => {
                    "Offline — your changes are kept on this device.".to_owned()
                }
                other => format!("The server had a problem: {other}"),
            };
            view! {
                <p class="status status-offline" data-testid="connection" data-state="offline">
                    <span class="dot" aria-hidden="true"></span>
                    {text}
                </p>
            }
            .into_any()
        }
    };
    view! {
        <section class="card" aria-live="polite">
            <h2 class="card-title">"Connection"</h2>
            {status}
            <button class="button" on:click=move |_| answer.refetch()>"Check again"</button>
        </section>
    }
}
