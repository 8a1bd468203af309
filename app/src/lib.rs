//! IMP Companion's app: a Leptos client-side-rendered UI compiled to WASM, offline-first on
//! IndexedDB, syncing with the Worker.

pub mod components;
pub mod i18n;
pub mod idle;
pub mod pages;
pub mod pieces;
pub mod routes;
pub mod storage;
pub mod sync;
pub mod wording;
pub mod zone;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::hooks::use_location;
use leptos_router::path;
use wasm_bindgen::prelude::wasm_bindgen;

use crate::components::pwa::register_service_worker;
use crate::components::shell::Shell;
use crate::components::toast::Toasts;
use crate::i18n::{initial_lang, set_lang, use_i18n, I18n, Msg};
use crate::pages::home::HomePage;
use crate::pages::signin::{InvitePage, SignInPage};
use crate::pieces::LazyScreen;
use crate::routes::Page;
use crate::storage::StoreError;
use crate::sync::engine::Engine;
use crate::sync::hooks::{use_loaded, use_needs_sign_in, use_session, EngineHandle};
use imp_shared::domain::Role;

/// The root component, given the engine opened with what the first frame needs (or why storage
/// is unavailable). It mounts at once and starts the engine ([`Engine::begin`]): the stored
/// records arrive a moment later, and if they cannot be read the app says why instead.
#[component]
pub fn App(engine: Result<Engine, StoreError>) -> impl IntoView {
    let i18n = I18n {
        lang: RwSignal::new(initial_lang()),
    };
    provide_context(i18n);
    set_lang(i18n, i18n.lang.get_untracked());
    provide_context(Toasts(RwSignal::new(None)));
    provide_context(register_service_worker());
    match engine {
        Ok(engine) => {
            let failed = RwSignal::new(None::<StoreError>);
            let started = engine.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if let Err(error) = started.begin().await {
                    failed.set(Some(error));
                }
            });
            provide_context(EngineHandle(StoredValue::new_local(engine)));
            view! {
                {move || match failed.get() {
                    Some(error) => view! { <StorageUnavailable error=error /> }.into_any(),
                    None => view! { <Routed /> }.into_any(),
                }}
            }
            .into_any()
        }
        Err(error) => view! { <StorageUnavailable error=error /> }.into_any(),
    }
}

#[component]
fn Routed() -> impl IntoView {
    view! {
        <Router>
            <OpenFromNotification />
            <Shell>
                <Routes fallback=|| view! { <TableRoute /> }>
                    <Route path=path!("/invite") view=InvitePage />
                    <Route path=path!("/*any") view=TableRoute />
                </Routes>
            </Shell>
        </Router>
    }
}

/// A tapped reminder opens its screen in this window: the service worker tells an open window
/// where to go (`{type: "navigate", path}`) instead of opening another.
#[component]
fn OpenFromNotification() -> impl IntoView {
    use wasm_bindgen::JsCast;
    let navigate = leptos_router::hooks::use_navigate();
    let container = web_sys::window()
        .map(|window| window.navigator())
        .filter(|navigator| {
            js_sys::Reflect::has(navigator, &"serviceWorker".into()).unwrap_or(false)
        })
        .map(|navigator| navigator.service_worker());
    if let Some(container) = container {
        let on_message = wasm_bindgen::closure::Closure::<dyn Fn(web_sys::MessageEvent)>::new(
            move |event: web_sys::MessageEvent| {
                let data = event.data();
                let field = |name: &str| {
                    js_sys::Reflect::get(&data, &name.into())
                        .ok()
                        .and_then(|value| value.as_string())
                };
                let path = field("path").unwrap_or_default();
                // Only a path of this app: never another site (`//host`).
                if field("type").as_deref() == Some("navigate")
                    && path.starts_with('/')
                    && !path.starts_with("//")
                {
                    navigate(&path, Default::default());
                }
            },
        );
        let _ = container
            .add_event_listener_with_callback("message", on_message.as_ref().unchecked_ref());
        on_message.forget();
    }
}

/// The screen of the current address from the route table (`routes.rs`): for someone signed
/// in whose role it is for, that screen; for another role, a "not for your role" screen; for
/// anyone signed out, the sign-in screen. An unknown address shows Home.
#[component]
fn TableRoute() -> impl IntoView {
    let location = use_location();
    let route = Memo::new(move |_| {
        location
            .pathname
            .with(|path| routes::route_for(path))
            .or_else(|| routes::route_for("/"))
    });
    let session = use_session();
    let role = Memo::new(move |_| session.with(|s| s.as_ref().map(|s| s.user.role)));
    let loaded = use_loaded();
    move || {
        let route = route.get()?;
        Some(view! {
            <SignedIn>
                {move || match role.get() {
                    Some(role) if route.allows(role) => match route.page {
                        Page::Home => view! { <HomePage /> }.into_any(),
                        // A screen of records waits for them to be read (home shows its frame).
                        Page::Screen(_) if !loaded.get() => ().into_any(),
                        Page::Screen(screen) => view! { <LazyScreen screen=screen /> }.into_any(),
                    },
                    Some(role) => view! { <NotForRole route=route role=role /> }.into_any(),
                    None => ().into_any(),
                }}
            </SignedIn>
        })
    }
}

/// Shown to someone who opens a screen that is for other roles.
#[component]
fn NotForRole(route: &'static routes::AppRoute, role: Role) -> impl IntoView {
    let i18n = use_i18n();
    let roles = move || {
        let lang = i18n.lang.get();
        let names: Vec<&str> = route
            .roles
            .iter()
            .map(|r| Msg::role(*r).text(lang))
            .collect();
        names.join(if lang.is_zh() { "、" } else { ", " })
    };
    view! {
        <section class="card" data-testid="not-for-role">
            <h1>{i18n.tr(Msg::NotForRoleTitle)}</h1>
            <p>{i18n.tr(Msg::NotForRoleWho)}" "<strong data-testid="roles-allowed">{roles}</strong></p>
            <p>{i18n.tr(Msg::NotForRoleSignedInAs)}" "<strong>{move || i18n.t(Msg::role(role))}</strong></p>
            <p class="muted">{i18n.tr(Msg::NotForRoleYourScreens)}</p>
            <A href="/" attr:class="button button-primary" attr:data-testid="go-home">{i18n.tr(Msg::GoHome)}</A>
        </section>
    }
}

/// Its page for someone signed in, the sign-in screen for anyone else. When a session ends on
/// the server, the sign-in form shows over the page, which stays mounted underneath (hidden), so
/// what the person was typing and the writes it waits for survive signing in again.
#[component]
fn SignedIn(children: ChildrenFn) -> impl IntoView {
    let needs_sign_in = use_needs_sign_in();
    let session = use_session();
    let has_session = Memo::new(move |_| session.with(Option::is_some));
    move || {
        if has_session.get() {
            let children = children.clone();
            view! {
                <Show when=move || needs_sign_in.get()>
                    <SignInPage />
                </Show>
                <div class="signed-in" hidden=move || needs_sign_in.get()>
                    {children()}
                </div>
            }
            .into_any()
        } else {
            view! { <SignInPage /> }.into_any()
        }
    }
}

/// Why the app cannot start on this device, in the reader's language; the technical detail (for
/// whoever helps them) is folded away under it.
#[component]
fn StorageUnavailable(error: StoreError) -> impl IntoView {
    let i18n = use_i18n();
    let detail = error.to_string();
    view! {
        <main class="page" id="main">
            <section class="card">
                <h1>{i18n.tr(Msg::AppName)}</h1>
                <p class="form-error" role="alert">
                    {move || wording::store_error_text(i18n.lang.get(), &error)}
                </p>
                <details class="muted">
                    <summary>{i18n.tr(Msg::TechnicalDetails)}</summary>
                    <p lang="en">{detail}</p>
                </details>
            </section>
        </main>
    }
}

/// The UI catalogue as JSON `[[english, chinese], …]`, for the end-to-end language checks.
#[wasm_bindgen]
pub fn catalogue() -> String {
    let pairs: Vec<[&str; 2]> = i18n::Msg::ALL
        .iter()
        .map(|msg| [msg.text(i18n::Lang::En), msg.text(i18n::Lang::ZhTw)])
        .collect();
    serde_json::to_string(&pairs).unwrap_or_default()
}

/// A calendar date (`YYYY-MM-DD`) as the app writes it in a language (`en` / `zh-TW`), so
/// end-to-end tests expect the app's own formatting, never the host's locale data. Empty for a
/// date or language it does not know.
#[wasm_bindgen]
pub fn format_date_text(lang: &str, iso_date: &str) -> String {
    match (
        i18n::Lang::from_tag(lang),
        chrono::NaiveDate::parse_from_str(iso_date, "%Y-%m-%d"),
    ) {
        (Some(lang), Ok(date)) => i18n::format_date(lang, date),
        _ => String::new(),
    }
}

/// Why a change was refused, as the app words it: `reason_json` is a verdict's `reason`
/// (`MutationError`), `lang` `en` or `zh-TW`. For end-to-end checks; empty when unreadable. A
/// promise: the words come from the engine's piece (`sync::engine`), loaded first.
#[wasm_bindgen]
pub async fn refusal_text(lang: String, reason_json: String) -> String {
    match i18n::Lang::from_tag(&lang) {
        Some(lang) => sync::engine::refusal_text_of(lang, &reason_json)
            .await
            .ok()
            .flatten()
            .unwrap_or_default(),
        None => String::new(),
    }
}

/// Why the visa chooser proposes a route, as the app words it: `why_json` is a
/// `imp_shared::visa_chooser::Why` (`{"why":"work_after_graduation",…}`), `lang` `en` or `zh-TW`.
/// For end-to-end checks; empty when unreadable. A promise: the words come from the everyday
/// piece, loaded first.
#[wasm_bindgen]
pub async fn visa_why_text(lang: String, why_json: String) -> String {
    match i18n::Lang::from_tag(&lang) {
        Some(lang) => pieces::visa_why_text(lang, why_json)
            .await
            .unwrap_or_default(),
        None => String::new(),
    }
}

/// Whether the permission rules the server enforces (`imp_shared::permissions`) allow what a
/// control writes, for the end-to-end check that every visible write control would be accepted.
/// `role` is `student` / `mentor` / `staff`; `assigned` whether a mentor is assigned to the
/// student space written (the server's `me` lists it); `write` a control's `data-write` (see
/// `components::write`); `existing_json` the records it changes as pulled
/// (`[{"kind":…,"fields":…}|null, …]`, one per write), or empty. Answers `allowed`, or why not.
#[wasm_bindgen]
pub fn write_allowed(
    role: &str,
    user_id: &str,
    assigned: bool,
    write: &str,
    existing_json: &str,
) -> String {
    use imp_shared::permissions::{may_write, space_access, Actor};
    let Ok(role) = serde_json::from_str::<imp_shared::domain::Role>(&format!("\"{role}\"")) else {
        return format!("unknown role {role}");
    };
    let existing: Vec<Option<imp_shared::domain::Entity>> = if existing_json.trim().is_empty() {
        Vec::new()
    } else {
        match serde_json::from_str(existing_json) {
            Ok(records) => records,
            Err(error) => return format!("unreadable records: {error}"),
        }
    };
    let actor = Actor {
        user_id: imp_shared::ids::UserId::from(user_id),
        role,
    };
    for (index, text) in write.split(';').map(str::trim).enumerate() {
        // Staff-only endpoints (invites, account activation): the Worker refuses anyone else.
        if text.starts_with("api ") {
            if role != imp_shared::domain::Role::Staff {
                return format!("{text} is for staff only");
            }
            continue;
        }
        let Some(tag) = components::write::WriteTag::parse(text) else {
            return format!("unreadable data-write: {text:?}");
        };
        let access = space_access(&actor, &tag.space, assigned);
        let record = existing.get(index).and_then(Option::as_ref);
        if let Err(error) = may_write(&actor, &tag.space, access, tag.kind, tag.op, record) {
            return format!("{text}: {}", wording::refusal_text(i18n::Lang::En, &error));
        }
    }
    "allowed".to_owned()
}

/// Entry point: opens storage and reads who is signed in, then mounts the app (which reads the
/// rest).
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
    wasm_bindgen_futures::spawn_local(async {
        let engine = Engine::open().await;
        // The splash index.html shows until now (see public/index.html).
        if let Some(splash) = web_sys::window()
            .and_then(|window| window.document())
            .and_then(|document| document.get_element_by_id("boot-shell"))
        {
            splash.remove();
        }
        leptos::mount::mount_to_body(move || view! { <App engine=engine.clone() /> });
    });
}
