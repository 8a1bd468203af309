//! The form vocabulary every screen speaks: a labelled field bound to a value, a form that writes
//! with its pending state and error line, a card that lists records or says it has none, and one
//! inline-edit idiom (a draft over the stored value, saved with a button, kept until accepted).
//!
//! Screens compose these instead of hand-rolling the markup, so a field looks, reads aloud and
//! keeps its text the same way everywhere.

use leptos::ev::{Event, SubmitEvent};
use leptos::prelude::*;

use crate::i18n::{use_i18n, Msg};
use crate::sync::hooks::{FormWrite, WriteErrorLine};

/// A value a field edits: a plain signal for a new record, or a [`Draft`] over a stored one.
pub trait Bound: Copy + Send + Sync + 'static {
    /// The text to show (tracks changes).
    fn text(&self) -> String;
    /// The text without tracking (in event handlers).
    fn text_untracked(&self) -> String;
    /// The person typed `text`.
    fn edit(&self, text: String);
}

impl Bound for RwSignal<String> {
    fn text(&self) -> String {
        self.get()
    }

    fn text_untracked(&self) -> String {
        self.get_untracked()
    }

    fn edit(&self, text: String) {
        self.set(text);
    }
}

/// A field's text over a stored record: it shows the record until the person edits it, and keeps
/// the edit (through refusals, sync and other people's changes to other fields) until
/// [`Draft::reset`] after the write was accepted.
#[derive(Clone, Copy)]
pub struct Draft {
    edited: RwSignal<Option<String>>,
    stored: Signal<String>,
}

impl Draft {
    /// A draft showing `stored` until edited.
    pub fn new(stored: impl Into<Signal<String>>) -> Self {
        Self {
            edited: RwSignal::new(None),
            stored: stored.into(),
        }
    }

    /// Whether the person changed the text from the stored value.
    pub fn is_edited(&self) -> bool {
        self.edited.with(|edited| {
            edited
                .as_ref()
                .is_some_and(|text| *text != self.stored.get())
        })
    }

    /// The typed text, trimmed, when it differs from `old` (what goes into a field-level patch).
    pub fn changed_from(&self, old: &str) -> Option<String> {
        let new = self.text_untracked();
        (new.trim() != old).then(|| new.trim().to_owned())
    }

    /// Shows the stored value again (after the write was accepted, or on cancel).
    pub fn reset(&self) {
        self.edited.set(None);
    }
}

impl Bound for Draft {
    fn text(&self) -> String {
        self.edited.get().unwrap_or_else(|| self.stored.get())
    }

    fn text_untracked(&self) -> String {
        self.edited
            .get_untracked()
            .unwrap_or_else(|| self.stored.get_untracked())
    }

    fn edit(&self, text: String) {
        self.edited.set(Some(text));
    }
}

/// The `on:input` / `on:change` handler that copies a control's value into `value`.
pub fn bind(value: impl Bound) -> impl Fn(Event) + Clone + 'static {
    edited(value, None)
}

/// The handler of a control bound to `value`: copies what the person typed, then runs `on_edit`.
fn edited(value: impl Bound, on_edit: Option<Callback<()>>) -> impl Fn(Event) + Clone + 'static {
    move |event| {
        value.edit(event_target_value(&event));
        if let Some(on_edit) = on_edit {
            on_edit.run(());
        }
    }
}

/// The kind of text a [`Field`] takes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Input {
    /// A line of text.
    #[default]
    Text,
    /// A calendar date (`YYYY-MM-DD`).
    Date,
    /// A time of day (`HH:MM`).
    Time,
    /// A whole number.
    Number,
    /// An e-mail address.
    Email,
    /// A web address.
    Url,
    /// A password (never shown).
    Password,
}

impl Input {
    fn html_type(self) -> &'static str {
        match self {
            Input::Text => "text",
            Input::Date => "date",
            Input::Time => "time",
            Input::Number => "number",
            Input::Email => "email",
            Input::Url => "url",
            Input::Password => "password",
        }
    }
}

/// A labelled input bound to `value`. Its id is also its test id unless `testid` says otherwise;
/// the label is read aloud with it.
#[component]
pub fn Field<V: Bound>(
    /// The input's id (and test id).
    #[prop(into)]
    id: String,
    /// The test id, when several fields share one (a form repeated per row).
    #[prop(optional)]
    testid: Option<&'static str>,
    /// What the field is.
    label: Msg,
    /// The text it edits.
    value: V,
    /// The kind of text (a line of text unless said).
    #[prop(optional)]
    input: Input,
    /// Takes the row's spare width in an inline form.
    #[prop(optional)]
    grow: bool,
    /// The label is read aloud but not shown (a lone field whose row says what it is).
    #[prop(optional)]
    hidden_label: bool,
    /// The longest text accepted.
    #[prop(optional)]
    maxlength: Option<u32>,
    /// The smallest number or earliest date.
    #[prop(optional)]
    min: Option<&'static str>,
    /// The largest number or latest date.
    #[prop(optional)]
    max: Option<&'static str>,
    /// The browser's autofill hint.
    #[prop(optional)]
    autocomplete: Option<&'static str>,
    /// The language of the text when it is not the page's (`zh-TW` for Chinese names).
    #[prop(optional)]
    lang: Option<&'static str>,
    /// A whole number is expected (a fee, days) in a text field: phones show digits.
    #[prop(optional)]
    numeric: bool,
    /// Whether the field cannot be edited now.
    #[prop(optional, into)]
    disabled: Signal<bool>,
    /// Whether the form's last check found this field wrong.
    #[prop(optional, into)]
    invalid: Signal<bool>,
    /// The id of the line that says why it is wrong.
    #[prop(optional, into)]
    described_by: Option<String>,
    /// Runs after each edit (e.g. to take back a "Saved" note).
    #[prop(optional)]
    on_edit: Option<Callback<()>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let on_input = edited(value, on_edit);
    view! {
        <div class="field" class:grow=grow>
            <label for=id.clone() class:visually-hidden=hidden_label>{i18n.tr(label)}</label>
            <input id=id.clone() data-testid=testid.map_or(id, str::to_owned) type=input.html_type()
                prop:value=move || value.text() inputmode=numeric.then_some("numeric")
                maxlength=maxlength.map(|n| n.to_string()) min=min max=max autocomplete=autocomplete
                lang=lang disabled=move || disabled.get() aria-describedby=described_by
                aria-invalid=move || invalid.get().then_some("true") on:input=on_input />
        </div>
    }
}

/// A labelled multi-line text bound to `value`.
#[component]
pub fn TextArea<V: Bound>(
    /// The control's id (and test id).
    #[prop(into)]
    id: String,
    /// The test id, when several text areas share one.
    #[prop(optional)]
    testid: Option<&'static str>,
    /// What the text is.
    label: Msg,
    /// The text it edits.
    value: V,
    /// Visible lines.
    #[prop(default = 3)]
    rows: u32,
    /// The longest text accepted.
    #[prop(optional)]
    maxlength: Option<u32>,
    /// The language of the text when it is not the page's.
    #[prop(optional)]
    lang: Option<&'static str>,
    /// Whether the text cannot be edited now.
    #[prop(optional, into)]
    disabled: Signal<bool>,
    /// Whether the form's last check found this text wrong.
    #[prop(optional, into)]
    invalid: Signal<bool>,
    /// Runs after each edit.
    #[prop(optional)]
    on_edit: Option<Callback<()>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let on_input = edited(value, on_edit);
    view! {
        <div class="field">
            <label for=id.clone()>{i18n.tr(label)}</label>
            <textarea id=id.clone() data-testid=testid.map_or(id, str::to_owned) rows=rows.to_string()
                prop:value=move || value.text() maxlength=maxlength.map(|n| n.to_string()) lang=lang
                disabled=move || disabled.get() aria-invalid=move || invalid.get().then_some("true")
                on:input=on_input></textarea>
        </div>
    }
}

/// A labelled choice bound to `value`; the `<option>`s are its children.
#[component]
pub fn Select<V: Bound>(
    /// The control's id (and test id).
    #[prop(into)]
    id: String,
    /// The test id, when several choices share one.
    #[prop(optional)]
    testid: Option<&'static str>,
    /// What is chosen.
    label: Msg,
    /// The chosen option's value.
    value: V,
    /// Whether the choice cannot be changed now.
    #[prop(optional, into)]
    disabled: Signal<bool>,
    /// The label is read aloud but not shown (a choice whose row says what it is).
    #[prop(optional)]
    hidden_label: bool,
    /// What choosing writes (`data-write`), when the choice itself saves.
    #[prop(optional, into)]
    writes: Option<Signal<String>>,
    /// Runs after each change.
    #[prop(optional)]
    on_edit: Option<Callback<()>>,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    let on_change = edited(value, on_edit);
    view! {
        <div class="field">
            <label for=id.clone() class:visually-hidden=hidden_label>{i18n.tr(label)}</label>
            <select id=id.clone() data-testid=testid.map_or(id, str::to_owned) prop:value=move || value.text()
                disabled=move || disabled.get() data-write=move || writes.map(|tag| tag.get())
                on:change=on_change>
                {children()}
            </select>
        </div>
    }
}

/// A labelled checkbox bound to `checked`.
#[component]
pub fn Check(
    /// The test id.
    testid: &'static str,
    /// What ticking it means.
    label: Msg,
    /// Whether it is ticked.
    checked: RwSignal<bool>,
    /// Whether it cannot be changed now.
    #[prop(optional, into)]
    disabled: Signal<bool>,
    /// Runs after each change.
    #[prop(optional)]
    on_edit: Option<Callback<()>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label class="check">
            <input type="checkbox" data-testid=testid prop:checked=move || checked.get()
                disabled=move || disabled.get()
                on:change=move |event| {
                    checked.set(event_target_checked(&event));
                    if let Some(on_edit) = on_edit {
                        on_edit.run(());
                    }
                } />
            {i18n.tr(label)}
        </label>
    }
}

/// A form that writes: its fields (the children), one submit button that is disabled while the
/// write is being stored, and the line that says why the last attempt did not happen. The form
/// never clears itself: `on_submit` checks and calls [`FormWrite::run`], whose `on_accepted`
/// clears the fields once the change is stored.
#[component]
pub fn WriteForm(
    /// The form's writes.
    write: FormWrite,
    /// What the form writes (`data-write`, see [`crate::components::write`]).
    #[prop(into)]
    writes: Signal<String>,
    /// Checks the fields and writes (the submit event's default is already prevented).
    on_submit: Callback<()>,
    /// The submit button's label.
    submit: Msg,
    /// The submit button's test id.
    #[prop(optional)]
    submit_testid: &'static str,
    /// The form's test id.
    #[prop(optional)]
    testid: &'static str,
    /// Fields in a row (a short form) rather than stacked.
    #[prop(optional)]
    inline: bool,
    /// The id of the error line, for fields' `aria-describedby`.
    #[prop(optional)]
    error_id: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    let submitted = move |event: SubmitEvent| {
        event.prevent_default();
        on_submit.run(());
    };
    view! {
        <form class="form" class:form-inline=inline novalidate=true on:submit=submitted
            data-testid=(!testid.is_empty()).then_some(testid) data-write=move || writes.get()>
            {children()}
            <button class="button button-primary" type="submit"
                data-testid=(!submit_testid.is_empty()).then_some(submit_testid)
                prop:disabled=move || write.pending.get()>{i18n.tr(submit)}</button>
        </form>
        <div id=error_id>
            <WriteErrorLine write=write />
        </div>
    }
}

/// A card listing records: its title, then the list (the children, as `<li>`s) or, when there is
/// nothing to list, a sentence saying so.
#[component]
pub fn ListCard(
    /// The card's title.
    title: Msg,
    /// What the card says when the list is empty.
    empty: Msg,
    /// How many rows the list has.
    #[prop(into)]
    count: Signal<usize>,
    /// The list's test id.
    testid: &'static str,
    children: ChildrenFn,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card">
            <h2 class="card-title">{i18n.tr(title)}</h2>
            <Show when=move || { count.get() > 0 }
                fallback=move || view! { <p class="muted empty">{i18n.tr(empty)}</p> }>
                <ul class="list" data-testid=testid>{children()}</ul>
            </Show>
        </section>
    }
}

/// The app's one inline edit: a row shows its value (`shown`) with an "Edit" button; editing
/// opens the row's fields (the children) with Save and Cancel. Save calls `on_save`, which writes
/// through `write` and closes the edit (`open.set(false)`) only once the change is accepted, so a
/// refused edit stays open with what the person typed and the reason under it.
#[component]
pub fn InlineEdit(
    /// Whether the edit is open.
    open: RwSignal<bool>,
    /// The row's writes.
    write: FormWrite,
    /// What saving writes (`data-write`).
    #[prop(into)]
    writes: Signal<String>,
    /// What the row shows while closed.
    shown: ViewFn,
    /// Checks the draft and writes it.
    on_save: Callback<()>,
    /// Runs on Cancel (reset the drafts).
    #[prop(optional)]
    on_cancel: Option<Callback<()>>,
    /// The Edit button's test id.
    edit_testid: &'static str,
    /// Whether this person may edit the row (the permission rules).
    #[prop(optional, into)]
    allowed: Option<Signal<bool>>,
    children: ChildrenFn,
) -> impl IntoView {
    let i18n = use_i18n();
    let allowed = allowed.unwrap_or_else(|| Signal::derive(|| true));
    let save = move |event: SubmitEvent| {
        event.prevent_default();
        on_save.run(());
    };
    let cancel = move |_| {
        write.clear();
        if let Some(on_cancel) = on_cancel {
            on_cancel.run(());
        }
        open.set(false);
    };
    view! {
        <Show when=move || open.get() fallback=move || view! {
            {shown.run()}
            <Show when=move || allowed.get()>
                <button class="button button-small" type="button" data-testid=edit_testid
                    data-write=move || writes.get() on:click=move |_| open.set(true)>
                    {i18n.tr(Msg::Edit)}
                </button>
            </Show>
        }>
            <form class="form-inline grow" novalidate=true on:submit=save data-write=move || writes.get()>
                {children()}
                <button class="button" type="submit" prop:disabled=move || write.pending.get()>
                    {i18n.tr(Msg::Save)}
                </button>
                <button class="button button-small" type="button" data-local="cancel-edit" on:click=cancel>
                    {i18n.tr(Msg::Cancel)}
                </button>
            </form>
        </Show>
    }
}
