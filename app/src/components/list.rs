//! Long lists: a page at a time, always saying how many of how many they show, with "Show more"
//! and filters that narrow them. Nothing is cut off silently.

use leptos::prelude::*;

use crate::components::form::bind;
use crate::i18n::{showing, use_i18n, Msg};

/// Rows a long list shows at first, and adds with each "Show more".
pub const PAGE: usize = 25;

/// How far a list has been opened; filters start it again from the first page.
#[derive(Clone, Copy)]
pub struct Paging {
    limit: RwSignal<usize>,
}

impl Paging {
    /// A list showing its first page.
    pub fn new() -> Self {
        Self {
            limit: RwSignal::new(PAGE),
        }
    }

    /// The rows shown of `rows` (tracks the limit).
    pub fn page<T>(&self, mut rows: Vec<T>) -> Vec<T> {
        rows.truncate(self.limit.get());
        rows
    }

    /// Back to the first page (when a filter or the search changes).
    pub fn reset(&self) {
        self.limit.set(PAGE);
    }
}

impl Default for Paging {
    fn default() -> Self {
        Self::new()
    }
}

/// "Showing 25 of 91" (and how many there are in all when filters narrow the list), with a
/// "Show more" button while rows are hidden.
#[component]
pub fn ListFooter(
    paging: Paging,
    /// Rows matching the filters.
    matching: Signal<usize>,
    /// Rows in all.
    all: Signal<usize>,
    /// The footer's test id.
    testid: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let shown = move || matching.get().min(paging.limit.get());
    view! {
        <div class="list-footer" data-local="paging">
            <p class="item-meta" role="status" data-testid=testid data-shown=move || shown().to_string()
                data-matching=move || matching.get().to_string() data-all=move || all.get().to_string()>
                {move || showing(i18n.lang.get(), shown(), matching.get(), all.get())}
            </p>
            <Show when=move || { shown() < matching.get() }>
                <button class="button button-small" type="button" data-testid="show-more"
                    on:click=move |_| paging.limit.update(|limit| *limit += PAGE)>
                    {i18n.tr(Msg::ShowMore)}
                </button>
            </Show>
        </div>
    }
}

/// The search box of a long list: typing narrows it and starts it again from the first page.
/// Hand-written over [`bind`]: a search box (`type="search"`, which a `Field` cannot be) that
/// says it only filters (`data-local`).
#[component]
pub fn SearchField(
    /// The input's id (and test id).
    id: &'static str,
    query: RwSignal<String>,
    /// The list's paging, started again with each edit (a list shown whole has none).
    #[prop(optional)]
    paging: Option<Paging>,
    /// Takes the row's spare width.
    #[prop(optional)]
    grow: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let typed = bind(query);
    let on_input = move |event| {
        typed(event);
        if let Some(paging) = paging {
            paging.reset();
        }
    };
    view! {
        <div class="field" class:grow=grow data-local="search">
            <label for=id>{i18n.tr(Msg::Search)}</label>
            <input id=id type="search" data-testid=id prop:value=move || query.get() on:input=on_input />
        </div>
    }
}
