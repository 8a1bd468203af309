//! A confirm dialog (native `<dialog>`, so focus and Escape work as people expect).

use leptos::prelude::*;

/// Shows a modal question with a cancel and a confirm button while `open` is true.
#[component]
pub fn ConfirmDialog(
    open: RwSignal<bool>,
    title: Signal<&'static str>,
    body: Signal<&'static str>,
    confirm_label: Signal<&'static str>,
    cancel_label: Signal<&'static str>,
    on_confirm: Callback<()>,
) -> impl IntoView {
    view! {
        <Show when=move || open.get()>
            <div class="dialog-backdrop">
                <div class="dialog" role="alertdialog" aria-modal="true" aria-labelledby="dialog-title"
                    aria-describedby="dialog-body">
                    <h2 id="dialog-title">{move || title.get()}</h2>
                    <p id="dialog-body">{move || body.get()}</p>
                    <div class="dialog-actions">
                        <button class="button" on:click=move |_| open.set(false)>{move || cancel_label.get()}</button>
                        <button class="button button-danger" data-testid="confirm" on:click=move |_| {
                            open.set(false);
                            on_confirm.run(());
                        }>{move || confirm_label.get()}</button>
                    </div>
                </div>
            </div>
        </Show>
    }
}
