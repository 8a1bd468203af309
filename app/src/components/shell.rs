//! The shell every screen lives in: app bar with the sync badge and the language switch, and the
//! navigation for the signed-in role (a bottom tab bar on phones, a side bar on wide screens).

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::pwa::UpdateBanner;
use crate::components::sync_badge::SyncBadge;
use crate::components::toast::ToastArea;
use crate::i18n::{set_lang, use_i18n, Lang, Msg};
use crate::sync::hooks::{use_records, use_session};
use imp_shared::domain::{ConcernState, Entity, RecordKind, Role};
use imp_shared::ids::SpaceId;

/// The language switch (on every screen).
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label class="lang-switch" data-local="language">
            <span class="visually-hidden">{i18n.tr(Msg::Language)}</span>
            <select
                data-testid="language"
                on:change=move |event| {
                    if let Some(lang) = Lang::from_tag(&event_target_value(&event)) {
                        set_lang(i18n, lang);
                    }
                }
                prop:value=move || i18n.lang.get().tag()
            >
                {Lang::ALL
                    .into_iter()
                    .map(|lang| view! { <option value=lang.tag() lang=lang.tag()>{lang.name()}</option> })
                    .collect_view()}
            </select>
        </label>
    }
}

/// The app bar, navigation and page area.
#[component]
pub fn Shell(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let signed_in = move || session.get().is_some();
    let role = move || session.get().map(|session| session.user.role);
    let has_tasks = move || matches!(role(), Some(Role::Student | Role::Mentor));
    // Staff's open concerns, counted on the navigation.
    let staff_space =
        Signal::derive(move || (role() == Some(Role::Staff)).then_some(SpaceId::Staff));
    let flags = use_records(staff_space, RecordKind::ConcernFlag);
    let open_concerns = Memo::new(move |_| {
        flags
            .get()
            .iter()
            .filter(
                |(_, e)| matches!(e, Entity::ConcernFlag(f) if f.state != ConcernState::Resolved),
            )
            .count()
    });
    view! {
        <a class="skip-link" href="#main">{i18n.tr(Msg::SkipToContent)}</a>
        <header class="app-bar">
            <span class="app-mark" aria-hidden="true">"IMP"</span>
            <span class="app-title">{i18n.tr(Msg::AppName)}</span>
            <div class="app-bar-end">
                <LanguageSwitch />
            </div>
        </header>
        <UpdateBanner />
        <Show when=signed_in>
            <div class="status-strip">
                <SyncBadge />
            </div>
        </Show>
        <div class="layout" class:with-nav=signed_in>
            <Show when=signed_in>
                <nav class="nav" aria-label=i18n.tr(Msg::MainNavigation)>
                    <A href="/" exact=true>
                        <span class="nav-icon" aria-hidden="true">"⌂"</span>
                        <span>{i18n.tr(Msg::Home)}</span>
                    </A>
                    <Show when=has_tasks>
                        <A href="/tasks">
                            <span class="nav-icon" aria-hidden="true">"✓"</span>
                            <span>{i18n.tr(Msg::Tasks)}</span>
                        </A>
                        <A href="/sessions">
                            <span class="nav-icon" aria-hidden="true">"◷"</span>
                            <span>{i18n.tr(Msg::Sessions)}</span>
                        </A>
                        <A href="/jobs">
                            <span class="nav-icon" aria-hidden="true">"▤"</span>
                            <span>{i18n.tr(Msg::Jobs)}</span>
                        </A>
                        <A href="/visa">
                            <span class="nav-icon" aria-hidden="true">"✈"</span>
                            <span>{i18n.tr(Msg::Visa)}</span>
                        </A>
                    </Show>
                    <Show when=move || role() == Some(Role::Staff)>
                        <A href="/people">
                            <span class="nav-icon" aria-hidden="true">"☺"</span>
                            <span>{i18n.tr(Msg::People)}</span>
                        </A>
                        <A href="/program">
                            <span class="nav-icon" aria-hidden="true">"▣"</span>
                            <span>{i18n.tr(Msg::ProgramData)}</span>
                        </A>
                        <A href="/matching">
                            <span class="nav-icon" aria-hidden="true">"⇄"</span>
                            <span>{i18n.tr(Msg::Matching)}</span>
                        </A>
                        <A href="/workshops">
                            <span class="nav-icon" aria-hidden="true">"▦"</span>
                            <span>{i18n.tr(Msg::ManageWorkshops)}</span>
                        </A>
                        <A href="/concerns">
                            <span class="nav-icon" aria-hidden="true">"!"</span>
                            <span>
                                {i18n.tr(Msg::Concerns)}
                                <Show when=move || { open_concerns.get() > 0 }>
                                    " "<span class="nav-count" data-testid="open-concerns">{move || open_concerns.get()}</span>
                                </Show>
                            </span>
                        </A>
                    </Show>
                    <A href="/settings">
                        <span class="nav-icon" aria-hidden="true">"⚙"</span>
                        <span>{i18n.tr(Msg::Settings)}</span>
                    </A>
                </nav>
            </Show>
            <main class="page" id="main" tabindex="-1">
                {children()}
            </main>
        </div>
        <ToastArea />
    }
}
