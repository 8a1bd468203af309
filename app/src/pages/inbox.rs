//! The inbox: what needs the signed-in person's attention, worked out on this device from what it
//! has synced (`imp_shared::inbox`), so it is there offline. A student sees their sessions coming
//! up, feedback they owe, tasks and visa steps due, the ranking deadline and today's workshops; a
//! mentor each mentee's sessions coming up and the feedback the mentor owes; staff the concerns
//! waiting for them. The app bar's bell counts it (and the installed app's icon badge, where the
//! browser has one); an item can be dismissed on this device.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_router::components::A;
use wasm_bindgen::{JsCast, JsValue};

use imp_shared::apply::MemoryRecords;
use imp_shared::domain::Role;
use imp_shared::ids::{SpaceId, UserId};
use imp_shared::inbox::{sort_named, space_items, staff_space_items, Clock, InboxItem, Reader};

use crate::components::form::ListCard;
use crate::i18n::{use_i18n, Msg};
use crate::pages::pair_health::HowFlagsWork;
use crate::sync::engine::Engine;
use crate::sync::hooks::{use_engine, use_session};
use crate::wording::inbox_text;
use crate::zone::{in_program_zone, program_offset_at};

/// One student's items as `reader` sees them, from the engine's view of their space.
fn student_view_items(
    engine: &Engine,
    student: &UserId,
    reader: Reader<'_>,
    program: &MemoryRecords,
    clock: Clock,
) -> Vec<(InboxItem, Option<String>)> {
    let space = SpaceId::Student(student.clone());
    engine.with_view(&space, |view| {
        space_items(student, view, program, reader, clock)
    })
}

/// The signed-in person's inbox at `now`, in order, each item with the name of the student it
/// is about when that is someone else.
fn inbox_at(engine: &Engine, now: DateTime<Utc>) -> Vec<(InboxItem, Option<String>)> {
    let Some(actor) = engine.actor() else {
        return Vec::new();
    };
    let clock = Clock {
        now,
        offset: program_offset_at(now),
    };
    match actor.role {
        Role::Student => engine.with_view(&SpaceId::Program, |program| {
            student_view_items(engine, &actor.user_id, Reader::Student, program, clock)
        }),
        Role::Mentor => {
            let mut items: Vec<(InboxItem, Option<String>)> = engine
                .spaces()
                .iter()
                .filter_map(|space| match space {
                    SpaceId::Student(student) => Some(student.clone()),
                    _ => None,
                })
                .flat_map(|student| {
                    let reader = Reader::Mentor(&actor.user_id);
                    engine.with_view(&SpaceId::Program, |program| {
                        student_view_items(engine, &student, reader, program, clock)
                    })
                })
                .collect();
            sort_named(&mut items);
            items
        }
        Role::Staff => engine.with_view(&SpaceId::Staff, |staff| {
            staff_space_items(staff, &actor.user_id, clock)
        }),
    }
}

/// Where this device keeps the keys of the items a person dismissed.
fn dismissed_key(user: &UserId) -> String {
    format!("imp-inbox-dismissed-{user}")
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|window| window.local_storage().ok().flatten())
}

/// The inbox of the signed-in person (reactive): the items not dismissed on this device, and the
/// dismissed keys (as a signal the page changes).
#[derive(Clone, Copy)]
pub struct Inbox {
    /// Items not dismissed, in order, with the student's name where it is someone else.
    pub items: Memo<Vec<(InboxItem, Option<String>)>>,
    /// Keys dismissed on this device.
    pub dismissed: RwSignal<Vec<String>>,
}

/// The keys of the inbox items dismissed on this device by whoever is signed in: provided once by
/// the shell (so the bell and the inbox screen agree), read from `localStorage` at sign-in.
#[derive(Clone, Copy)]
pub struct DismissedInbox(pub RwSignal<Vec<String>>);

/// Provides [`DismissedInbox`] for the app (the shell calls it once).
pub fn provide_dismissed_inbox() {
    let session = use_session();
    let dismissed = RwSignal::new(Vec::<String>::new());
    Effect::new(move |_| {
        let keys = session
            .get()
            .and_then(|session| {
                let text = local_storage()?
                    .get_item(&dismissed_key(&session.user.id))
                    .ok()??;
                serde_json::from_str::<Vec<String>>(&text).ok()
            })
            .unwrap_or_default();
        dismissed.set(keys);
    });
    provide_context(DismissedInbox(dismissed));
}

/// The signed-in person's inbox (reactive), for the bell and the inbox screen.
pub fn use_inbox() -> Inbox {
    let handle = use_engine();
    let dismissed = use_context::<DismissedInbox>()
        .map_or_else(|| RwSignal::new(Vec::new()), |DismissedInbox(keys)| keys);
    // What is due changes with the time too: look again every minute.
    let minute = RwSignal::new(0u32);
    let ticker = StoredValue::new_local(Some(gloo::timers::callback::Interval::new(
        60_000,
        move || {
            minute.try_update(|m| *m = m.wrapping_add(1));
        },
    )));
    on_cleanup(move || {
        ticker
            .try_update_value(|ticker| ticker.take().map(gloo::timers::callback::Interval::cancel));
    });
    let items = Memo::new(move |_| {
        minute.track();
        let Some(handle) = handle else {
            return Vec::new();
        };
        let all = handle.read(|engine| inbox_at(engine, Utc::now()));
        dismissed.with(|keys| {
            all.into_iter()
                .filter(|(item, _)| !keys.contains(&item.key))
                .collect()
        })
    });
    Inbox { items, dismissed }
}

impl Inbox {
    /// Dismisses an item on this device (remembered for the signed-in person).
    pub fn dismiss(&self, user: &UserId, key: String) {
        self.dismissed.update(|keys| {
            if !keys.contains(&key) {
                keys.push(key);
            }
        });
        self.store(user);
    }

    /// Shows every dismissed item again.
    pub fn restore(&self, user: &UserId) {
        self.dismissed.set(Vec::new());
        self.store(user);
    }

    fn store(&self, user: &UserId) {
        let keys = self.dismissed.get_untracked();
        if let (Some(storage), Ok(text)) = (local_storage(), serde_json::to_string(&keys)) {
            let _ = storage.set_item(&dismissed_key(user), &text);
        }
    }
}

/// Sets the installed app's icon badge to `count` (clears it at 0) where the browser can.
fn set_app_badge(count: usize) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let navigator: JsValue = window.navigator().into();
    let (name, args) = if count == 0 {
        ("clearAppBadge", js_sys::Array::new())
    } else {
        (
            "setAppBadge",
            js_sys::Array::of1(&JsValue::from(count as u32)),
        )
    };
    let Ok(method) = js_sys::Reflect::get(&navigator, &JsValue::from_str(name)) else {
        return;
    };
    if let Ok(method) = method.dyn_into::<js_sys::Function>() {
        if let Ok(promise) = method.apply(&navigator, &args) {
            // A refusal (not installed, no permission) changes nothing the person sees.
            if let Ok(promise) = promise.dyn_into::<js_sys::Promise>() {
                wasm_bindgen_futures::spawn_local(async move {
                    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
                });
            }
        }
    }
}

/// The app bar's bell: how many items wait, linking to the inbox; it also keeps the app's icon
/// badge at that count.
#[component]
pub fn InboxBell() -> impl IntoView {
    let i18n = use_i18n();
    let inbox = use_inbox();
    let count = Memo::new(move |_| inbox.items.with(Vec::len));
    Effect::new(move |_| set_app_badge(count.get()));
    view! {
        <A href="/inbox" attr:class="inbox-bell" attr:data-testid="inbox-bell" attr:data-count=move || count.get()>
            <span aria-hidden="true">"🔔"</span>
            <span class="visually-hidden">{i18n.tr(Msg::InboxBell)}</span>
            <Show when=move || { count.get() > 0 }>
                " "<span class="nav-count" data-testid="inbox-count">{move || count.get()}</span>
            </Show>
        </A>
    }
}

/// The inbox screen: each item in words, linking to its screen, with Dismiss.
#[component]
pub fn InboxPage() -> impl IntoView {
    let i18n = use_i18n();
    let inbox = use_inbox();
    let session = use_session();
    let user = move || session.get().map(|session| session.user.id);
    let count = Signal::derive(move || inbox.items.with(Vec::len));
    let rows = move || {
        let lang = i18n.lang.get();
        inbox
            .items
            .get()
            .into_iter()
            .map(|(item, name)| {
                let text = inbox_text(lang, &item.item, name.as_deref(), in_program_zone);
                let key = item.key.clone();
                let dismiss = move |_| {
                    if let Some(user) = user() {
                        inbox.dismiss(&user, key.clone());
                    }
                };
                view! {
                    <li class="list-row" data-testid="inbox-item" data-key=item.key.clone() data-kind=item.item.kind()>
                        <A href=item.item.path() attr:class="grow">{text}</A>
                        <button type="button" class="button" data-local="inbox dismiss" data-testid="inbox-dismiss"
                            on:click=dismiss>{i18n.tr(Msg::Dismiss)}</button>
                    </li>
                }
            })
            .collect_view()
    };
    let restore = move |_| {
        if let Some(user) = user() {
            inbox.restore(&user);
        }
    };
    view! {
        <h1>{i18n.tr(Msg::Inbox)}</h1>
        <p class="muted">{i18n.tr(Msg::InboxHelp)}</p>
        <ListCard title=Msg::InboxNow empty=Msg::InboxEmpty count=count testid="inbox">{rows}</ListCard>
        <Show when=move || session.with(|s| s.as_ref().is_some_and(|s| s.user.role == Role::Student))>
            <HowFlagsWork />
        </Show>
        <Show when=move || inbox.dismissed.with(|keys| !keys.is_empty())>
            <p>
                <button type="button" class="button" data-local="inbox restore" data-testid="inbox-restore"
                    on:click=restore>{i18n.tr(Msg::InboxShowDismissed)}</button>
            </p>
        </Show>
    }
}
