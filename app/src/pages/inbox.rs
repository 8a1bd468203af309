//! The inbox: what needs the signed-in person's attention, worked out on this device from what it
//! has synced (`imp_shared::inbox`), so it is there offline. A student sees their sessions coming
//! up, feedback they owe, tasks and visa steps due, the ranking deadline and today's workshops; a
//! mentor each mentee's sessions coming up and the feedback the mentor owes; staff the concerns
//! waiting for them. The app bar's bell counts it (and the installed app's icon badge, where the
//! browser has one); an item can be dismissed, and a student's or mentor's dismissal follows them
//! to their other devices.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_router::components::A;
use wasm_bindgen::{JsCast, JsValue};

use imp_shared::apply::{typed, MemoryRecords};
use imp_shared::domain::{Entity, InboxDismissal, RecordKind, Role};
use imp_shared::ids::{RecordId, SpaceId, UserId};
use imp_shared::inbox::{sort_named, space_items, staff_space_items, Clock, InboxItem, Reader};
use imp_shared::mutation::Mutation;
use imp_shared::permissions::Actor;

use crate::components::form::ListCard;
use crate::components::write::creates;
use crate::i18n::{use_i18n, Msg};
use crate::pages::pair_health::HowFlagsWork;
use crate::storage::local::local_storage;
use crate::sync::engine::{actor_of, Engine};
use crate::sync::hooks::{use_engine, use_session, use_write, FormWrite, WriteErrorLine};
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

/// Where this device keeps the keys of the items a person dismissed here only (staff's, and
/// what was dismissed before dismissals synced).
fn dismissed_key(user: &UserId) -> String {
    format!("imp-inbox-dismissed-{user}")
}

/// What the signed-in person dismissed: their `inbox_dismissal` records in the spaces of the
/// students the items are about (synced to their other devices; the server sends them to their
/// owner only), and the keys kept on this device only.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dismissed {
    /// Synced dismissals: the space, the record and the item's key.
    pub synced: Vec<(SpaceId, RecordId, String)>,
    /// Keys dismissed on this device only.
    pub local: Vec<String>,
}

impl Dismissed {
    fn contains(&self, key: &str) -> bool {
        self.local.iter().any(|local| local == key)
            || self.synced.iter().any(|(_, _, synced)| synced == key)
    }

    fn is_empty(&self) -> bool {
        self.synced.is_empty() && self.local.is_empty()
    }
}

/// The person's synced dismissals in the spaces the engine has.
fn synced_dismissals(engine: &Engine) -> Vec<(SpaceId, RecordId, String)> {
    let Some(actor) = engine.actor() else {
        return Vec::new();
    };
    engine
        .spaces()
        .into_iter()
        .filter(|space| matches!(space, SpaceId::Student(_)))
        .flat_map(|space| {
            let records = engine.with_view(&space, typed::<InboxDismissal>);
            records
                .into_iter()
                .filter(|(_, dismissal)| dismissal.user_id == actor.user_id)
                .map(move |(id, dismissal)| (space.clone(), id, dismissal.item))
        })
        .collect()
}

/// The inbox of the signed-in person (reactive): the items not dismissed, and what was dismissed.
#[derive(Clone, Copy)]
pub struct Inbox {
    /// Items not dismissed, in order, with the student's name where it is someone else.
    pub items: Memo<Vec<(InboxItem, Option<String>)>>,
    /// What the person dismissed.
    pub dismissed: Memo<Dismissed>,
    local: RwSignal<Vec<String>>,
}

/// The keys of the inbox items dismissed on this device only by whoever is signed in: provided
/// once by the shell (so the bell and the inbox screen agree), read from `localStorage` at
/// sign-in.
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
    let local = use_context::<DismissedInbox>()
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
    let dismissed = Memo::new(move |_| Dismissed {
        synced: handle
            .map(|handle| handle.read(synced_dismissals))
            .unwrap_or_default(),
        local: local.get(),
    });
    let items = Memo::new(move |_| {
        minute.track();
        let Some(handle) = handle else {
            return Vec::new();
        };
        let all = handle.read(|engine| inbox_at(engine, Utc::now()));
        dismissed.with(|dismissed| {
            all.into_iter()
                .filter(|(item, _)| !dismissed.contains(&item.key))
                .collect()
        })
    });
    Inbox {
        items,
        dismissed,
        local,
    }
}

impl Inbox {
    /// Dismisses `item` for `actor`: a student's or mentor's as a record in the space of the
    /// student it is about (so their other devices follow), staff's on this device.
    pub fn dismiss(&self, actor: &Actor, item: &InboxItem, write: &FormWrite) {
        if actor.role == Role::Staff {
            self.local.update(|keys| {
                if !keys.contains(&item.key) {
                    keys.push(item.key.clone());
                }
            });
            self.store_local(&actor.user_id);
            return;
        }
        let dismissal = InboxDismissal {
            user_id: actor.user_id.clone(),
            item: item.key.clone(),
        };
        write.dispatch((
            SpaceId::Student(item.student.clone()),
            Mutation::Create {
                id: RecordId(format!("dismiss-{}", uuid::Uuid::new_v4().simple())),
                record: Entity::InboxDismissal(dismissal),
            },
        ));
    }

    /// Shows every dismissed item again (deletes the person's dismissals, here and synced).
    pub fn restore(&self, user: &UserId, write: &FormWrite) {
        for (space, id, _) in self.dismissed.get_untracked().synced {
            write.dispatch((
                space,
                Mutation::Delete {
                    kind: RecordKind::InboxDismissal,
                    id,
                },
            ));
        }
        self.local.set(Vec::new());
        self.store_local(user);
    }

    fn store_local(&self, user: &UserId) {
        let keys = self.local.get_untracked();
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
    let write = use_write();
    let actor = move || session.with(actor_of);
    let count = Signal::derive(move || inbox.items.with(Vec::len));
    let rows = move || {
        let lang = i18n.lang.get();
        inbox
            .items
            .get()
            .into_iter()
            .map(|(item, name)| {
                let text = inbox_text(lang, &item.item, name.as_deref(), in_program_zone);
                let (key, kind, path) = (item.key.clone(), item.item.kind(), item.item.path());
                let space = SpaceId::Student(item.student.clone());
                let writes = creates(Some(&space), RecordKind::InboxDismissal);
                let dismiss = move |_| {
                    if let Some(actor) = actor() {
                        inbox.dismiss(&actor, &item, &write);
                    }
                };
                let dismiss_button = move || {
                    let button = view! {
                        <button type="button" class="button" data-testid="inbox-dismiss"
                            on:click=dismiss.clone()>{i18n.tr(Msg::Dismiss)}</button>
                    };
                    // Staff's dismissals stay on this device; everyone else's are a write.
                    if actor().is_some_and(|actor| actor.role == Role::Staff) {
                        view! { <span data-local="inbox dismiss">{button}</span> }.into_any()
                    } else {
                        view! { <span data-write=writes.clone()>{button}</span> }.into_any()
                    }
                };
                view! {
                    <li class="list-row" data-testid="inbox-item" data-key=key data-kind=kind>
                        <A href=path attr:class="grow">{text}</A>
                        {dismiss_button}
                    </li>
                }
            })
            .collect_view()
    };
    let restore = move |_| {
        if let Some(actor) = actor() {
            inbox.restore(&actor.user_id, &write);
        }
    };
    view! {
        <h1>{i18n.tr(Msg::Inbox)}</h1>
        <p class="muted">{i18n.tr(Msg::InboxHelp)}</p>
        <ListCard title=Msg::InboxNow empty=Msg::InboxEmpty count=count testid="inbox">{rows}</ListCard>
        <Show when=move || session.with(|s| s.as_ref().is_some_and(|s| s.user.role == Role::Student))>
            <HowFlagsWork />
        </Show>
        <Show when=move || session.with(|s| s.as_ref().is_some_and(|s| s.user.role != Role::Staff))>
            <p><A href="/evaluations" attr:data-testid="inbox-evaluations">{i18n.tr(Msg::Evaluations)}</A></p>
        </Show>
        <Show when=move || inbox.dismissed.with(|keys| !keys.is_empty())>
            <p>
                <button type="button" class="button" data-local="inbox restore" data-testid="inbox-restore"
                    on:click=restore>{i18n.tr(Msg::InboxShowDismissed)}</button>
            </p>
        </Show>
        <WriteErrorLine write=write />
    }
}
