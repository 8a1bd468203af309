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

/// A "Delete" button that asks first: the question (`title`, `body`) with "Keep it" and "Delete";
/// only "Delete" runs `on_delete`.
#[component]
pub fn DeleteButton(
    /// The button's test id.
    testid: &'static str,
    /// What deleting writes (`data-write`).
    #[prop(into)]
    writes: Signal<String>,
    /// The question.
    title: crate::i18n::Msg,
    /// What deleting means for people.
    body: crate::i18n::Msg,
    /// Deletes.
    on_delete: Callback<()>,
) -> impl IntoView {
    use crate::i18n::{use_i18n, Msg};
    let i18n = use_i18n();
    let asking = RwSignal::new(false);
    view! {
        <button class="button button-small button-danger" data-testid=testid data-write=move || writes.get()
            on:click=move |_| asking.set(true)>
            {i18n.tr(Msg::Delete)}
        </button>
        <ConfirmDialog
            open=asking
            title=Signal::derive(i18n.tr(title))
            body=Signal::derive(i18n.tr(body))
            confirm_label=Signal::derive(i18n.tr(Msg::Delete))
            cancel_label=Signal::derive(i18n.tr(Msg::KeepIt))
            on_confirm=on_delete
        />
    }
}
