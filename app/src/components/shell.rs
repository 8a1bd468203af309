//! The shell every screen lives in: app bar with the sync badge and the language switch, and the
//! navigation for the signed-in role (a bottom tab bar on phones, a side bar on wide screens).

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::form::{bind, Bound};
use crate::components::pwa::UpdateBanner;
use crate::components::sync_badge::SyncBadge;
use crate::components::toast::ToastArea;
use crate::i18n::{set_lang, use_i18n, I18n, Lang, Msg};
use crate::pages::inbox::provide_dismissed_inbox;
use crate::pieces::{load, Screen};
use crate::routes::{self, AppRoute, NavEntry, Page};
use crate::sync::hooks::{use_loaded, use_session, use_typed};
use imp_shared::domain::{ConcernFlag, ConcernState, Role};
use imp_shared::ids::SpaceId;

/// A role's navigation link to a route of the table (`routes.rs`); staff's concerns link counts
/// the open ones.
fn nav_link(route: &'static AppRoute, nav: NavEntry, open_concerns: Memo<usize>) -> impl IntoView {
    let i18n = use_i18n();
    let counted = route.page == Page::Screen(Screen::Concerns);
    view! {
        <A href=route.path exact=route.path == "/">
            <span class="nav-icon" aria-hidden="true">{nav.icon}</span>
            <span>
                {i18n.tr(nav.label)}
                <Show when=move || { counted && open_concerns.get() > 0 }>
                    " "<span class="nav-count" data-testid="open-concerns">{move || open_concerns.get()}</span>
                </Show>
            </span>
        </A>
    }
}

/// The reader's language as a choice's value: its tag.
#[derive(Clone, Copy)]
struct LangChoice(I18n);

impl Bound for LangChoice {
    fn text(&self) -> String {
        self.0.lang.get().tag().to_owned()
    }

    fn text_untracked(&self) -> String {
        self.0.lang.get_untracked().tag().to_owned()
    }

    fn edit(&self, text: String) {
        if let Some(lang) = Lang::from_tag(&text) {
            set_lang(self.0, lang);
        }
    }
}

/// The language switch (on every screen). Hand-written over [`bind`], not a `Select`: it sits in
/// the app bar as well as on Settings, so it has no id, and its label is not shown.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let choice = LangChoice(i18n);
    view! {
        <label class="lang-switch" data-local="language">
            <span class="visually-hidden">{i18n.tr(Msg::Language)}</span>
            <select data-testid="language" on:change=bind(choice) prop:value=move || choice.text()>
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
    let signed_in = move || session.with(Option::is_some);
    let role = Memo::new(move |_| session.with(|s| s.as_ref().map(|s| s.user.role)));
    provide_dismissed_inbox();
    // Staff's open concerns, counted on the navigation.
    let staff_space =
        Signal::derive(move || (role.get() == Some(Role::Staff)).then_some(SpaceId::Staff));
    let flags = use_typed::<ConcernFlag>(staff_space);
    let open_concerns = Memo::new(move |_| {
        flags.with(|flags| {
            flags
                .iter()
                .filter(|(_, flag)| flag.state != ConcernState::Resolved)
                .count()
        })
    });
    view! {
        <a class="skip-link" href="#main">{i18n.tr(Msg::SkipToContent)}</a>
        <header class="app-bar">
            <span class="app-mark" aria-hidden="true">"IMP"</span>
            <span class="app-title">{i18n.tr(Msg::AppName)}</span>
            <div class="app-bar-end">
                <Show when=signed_in>
                    <LazyBell />
                </Show>
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
                    {move || {
                        role.get()
                            .map(|role| {
                                routes::nav_for(role)
                                    .map(|(route, nav)| nav_link(route, nav, open_concerns))
                                    .collect_view()
                            })
                    }}
                </nav>
            </Show>
            <main class="page" id="main" tabindex="-1">
                {children()}
            </main>
        </div>
        <ToastArea />
    }
}

/// How long the bell waits for the browser to be idle, at most.
const BELL_LATEST_MS: u32 = 5_000;

/// The inbox bell, from the everyday piece (`pages/inbox.rs`), loaded once the stored records are
/// read and the browser is idle, so the first screen carries none of the inbox's code. Its place
/// in the app bar is kept meanwhile (nothing moves when it arrives). The service worker keeps the
/// piece, so it loads offline too; if it cannot be loaded at all, the place stays empty.
#[component]
fn LazyBell() -> impl IntoView {
    let loaded = use_loaded();
    let wanted = RwSignal::new(false);
    Effect::new(move |_| {
        if loaded.get() && !wanted.get_untracked() {
            crate::idle::when_idle(BELL_LATEST_MS, move || wanted.set(true));
        }
    });
    let bell = move || {
        Suspend::new(async move {
            load(Screen::InboxBell)
                .await
                .unwrap_or_else(|_| ().into_any())
        })
    };
    view! {
        <span class="inbox-bell-slot">
            <Show when=move || wanted.get()>
                <Suspense fallback=|| ()>{bell}</Suspense>
            </Show>
        </span>
    }
}
