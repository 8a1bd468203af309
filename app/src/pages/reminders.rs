//! Reminders outside the app, on the settings screen: push reminders on this device (which
//! categories, quiet hours; the Worker's Cron Trigger sends what comes due) and the person's
//! calendar subscription (a secret `webcal` link calendar apps follow; it can be replaced or
//! stopped). Both need a connection; every refusal is worded in the reader's language.

use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use imp_shared::calendar::PROGRAM_ZONE;
use imp_shared::domain::Role;
use imp_shared::reminder::{
    decode_b64url, Category, QuietHours, SubscriptionKeys, SubscriptionRequest, DEFAULT_QUIET,
};

use crate::components::form::{Check, Select};
use crate::i18n::{use_i18n, Lang, Msg};
use crate::storage::local::local_storage;
use crate::sync::hooks::use_session;
use crate::sync::transport::{self, TransportError};
use crate::wording::{server_call_msg, ServerCall};

/// What this device keeps of its push settings (the server keeps the rest).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct DevicePush {
    endpoint: String,
    categories: Vec<Category>,
    start: u8,
    end: u8,
}

fn push_key(user: &str) -> String {
    format!("imp-push-{user}")
}

fn load_device(user: &str) -> Option<DevicePush> {
    let text = local_storage()?.get_item(&push_key(user)).ok()??;
    serde_json::from_str(&text).ok()
}

fn save_device(user: &str, device: Option<&DevicePush>) {
    let Some(storage) = local_storage() else {
        return;
    };
    let _ = match device.and_then(|device| serde_json::to_string(device).ok()) {
        Some(text) => storage.set_item(&push_key(user), &text),
        None => storage.remove_item(&push_key(user)),
    };
}

fn category_msg(category: Category) -> (Msg, &'static str) {
    match category {
        Category::Session => (Msg::CategorySession, "reminder-session"),
        Category::Feedback => (Msg::CategoryFeedback, "reminder-feedback"),
        Category::Task => (Msg::CategoryTask, "reminder-task"),
        Category::Visa => (Msg::CategoryVisa, "reminder-visa"),
        Category::Ranking => (Msg::CategoryRanking, "reminder-ranking"),
        Category::Workshop => (Msg::CategoryWorkshop, "reminder-workshop"),
        Category::Concern => (Msg::CategoryConcern, "reminder-concern"),
        Category::Evaluation => (Msg::CategoryEvaluation, "reminder-evaluation"),
        Category::PairHealth => (Msg::CategoryPairHealth, "reminder-pair-health"),
    }
}

/// Why this device could not be set up for push.
enum DeviceProblem {
    /// No Push API (or no service worker).
    Unsupported,
    /// The person (or the browser's settings) refused notifications.
    Blocked,
    /// The browser's push service failed.
    Service,
}

impl DeviceProblem {
    fn msg(&self) -> Msg {
        match self {
            DeviceProblem::Unsupported => Msg::PushUnsupported,
            DeviceProblem::Blocked => Msg::PushBlocked,
            DeviceProblem::Service => Msg::PushServiceFailed,
        }
    }
}

fn property(target: &JsValue, name: &str) -> Option<JsValue> {
    Reflect::get(target, &JsValue::from_str(name))
        .ok()
        .filter(|value| !value.is_undefined() && !value.is_null())
}

/// How long the browser's push service gets to answer a subscription (some never do: a browser
/// without one can leave the promise pending).
const SUBSCRIBE_TIMEOUT_MS: i32 = 15_000;

/// Calls `target.method(...arguments)` and waits for the promise it gives.
async fn call(target: &JsValue, method: &str, arguments: &Array) -> Result<JsValue, JsValue> {
    JsFuture::from(promise_of(target, method, arguments)?).await
}

fn promise_of(target: &JsValue, method: &str, arguments: &Array) -> Result<Promise, JsValue> {
    let function: Function = property(target, method)
        .ok_or_else(|| JsValue::from_str(method))?
        .dyn_into()?;
    function.apply(target, arguments)?.dyn_into()
}

/// `promise`, or a rejection once `ms` milliseconds have passed without an answer.
async fn within(promise: Promise, ms: i32) -> Result<JsValue, JsValue> {
    let timeout = Promise::new(&mut |_resolve, reject| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&reject, ms);
        }
    });
    JsFuture::from(Promise::race(&Array::of2(&promise, &timeout))).await
}

/// The service worker registration's `pushManager`, where the browser has one.
async fn push_manager() -> Result<JsValue, DeviceProblem> {
    let window = web_sys::window().ok_or(DeviceProblem::Unsupported)?;
    let navigator: JsValue = window.navigator().into();
    let window: JsValue = window.into();
    if property(&window, "PushManager").is_none() || property(&window, "Notification").is_none() {
        return Err(DeviceProblem::Unsupported);
    }
    let container = property(&navigator, "serviceWorker").ok_or(DeviceProblem::Unsupported)?;
    let ready: Promise = property(&container, "ready")
        .ok_or(DeviceProblem::Unsupported)?
        .dyn_into()
        .map_err(|_| DeviceProblem::Unsupported)?;
    // A service worker that never becomes ready (its install failed) must not hang the caller.
    let registration = within(ready, SUBSCRIBE_TIMEOUT_MS)
        .await
        .map_err(|_| DeviceProblem::Unsupported)?;
    property(&registration, "pushManager").ok_or(DeviceProblem::Unsupported)
}

/// Asks for permission to notify and subscribes this device with the Worker's key.
async fn subscribe_device(key: &[u8]) -> Result<(String, SubscriptionKeys), DeviceProblem> {
    let manager = push_manager().await?;
    let window: JsValue = web_sys::window().ok_or(DeviceProblem::Unsupported)?.into();
    let notification = property(&window, "Notification").ok_or(DeviceProblem::Unsupported)?;
    let permission = call(&notification, "requestPermission", &Array::new())
        .await
        .ok()
        .and_then(|value| value.as_string());
    if permission.as_deref() != Some("granted") {
        return Err(DeviceProblem::Blocked);
    }
    let options = Object::new();
    let set = |name: &str, value: &JsValue| Reflect::set(&options, &JsValue::from_str(name), value);
    set("userVisibleOnly", &JsValue::TRUE).map_err(|_| DeviceProblem::Unsupported)?;
    set("applicationServerKey", &Uint8Array::from(key).into())
        .map_err(|_| DeviceProblem::Unsupported)?;
    let subscribing = promise_of(&manager, "subscribe", &Array::of1(&options))
        .map_err(|_| DeviceProblem::Service)?;
    let subscription = within(subscribing, SUBSCRIBE_TIMEOUT_MS)
        .await
        .map_err(|error| {
            leptos::logging::warn!("push subscribe: {error:?}");
            DeviceProblem::Service
        })?;
    subscription_of(&subscription).ok_or(DeviceProblem::Service)
}

/// The endpoint and keys of a `PushSubscription` (from its `toJSON()`).
fn subscription_of(subscription: &JsValue) -> Option<(String, SubscriptionKeys)> {
    let json = property(subscription, "toJSON")?
        .dyn_into::<Function>()
        .ok()?
        .call0(subscription)
        .ok()?;
    let keys = property(&json, "keys")?;
    let text = |target: &JsValue, name: &str| property(target, name).and_then(|v| v.as_string());
    Some((
        text(&json, "endpoint")?,
        SubscriptionKeys {
            p256dh: text(&keys, "p256dh")?,
            auth: text(&keys, "auth")?,
        },
    ))
}

/// This device's subscription as the browser holds it (no permission asked), if any.
async fn current_subscription() -> Option<(String, SubscriptionKeys)> {
    let manager = push_manager().await.ok()?;
    let subscription = call(&manager, "getSubscription", &Array::new())
        .await
        .ok()?;
    if subscription.is_null() || subscription.is_undefined() {
        return None;
    }
    subscription_of(&subscription)
}

/// Unsubscribes this device at the browser's push service (best effort).
async fn unsubscribe_device() {
    let Ok(manager) = push_manager().await else {
        return;
    };
    if let Ok(subscription) = call(&manager, "getSubscription", &Array::new()).await {
        if !subscription.is_null() && !subscription.is_undefined() {
            let _ = call(&subscription, "unsubscribe", &Array::new()).await;
        }
    }
}

/// Before signing out: this browser stops push reminders at its push service (the server forgets
/// the device when the session ends), and the person's keys and calendar link leave this device.
pub async fn forget_this_device(user: &str) {
    if load_device(user).is_some() {
        unsubscribe_device().await;
        save_device(user, None);
    }
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(&feed_key(user));
    }
}

/// The push reminders of this device.
#[component]
pub fn PushReminders() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let user = move || session.get_untracked().map(|s| s.user.id.0);
    let role = session
        .get_untracked()
        .map(|s| s.user.role)
        .unwrap_or(Role::Student);
    let stored = user().and_then(|user| load_device(&user));
    let on = RwSignal::new(stored.is_some());
    let wanted = |category: Category| {
        stored
            .as_ref()
            .is_none_or(|device| device.categories.contains(&category))
    };
    let checks: Vec<(Category, RwSignal<bool>)> = Category::for_role(role)
        .iter()
        .map(|category| (*category, RwSignal::new(wanted(*category))))
        .collect();
    let (start, end) = stored
        .as_ref()
        .map(|device| (device.start, device.end))
        .unwrap_or(DEFAULT_QUIET);
    let quiet_from = RwSignal::new(start.to_string());
    let quiet_until = RwSignal::new(end.to_string());
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<Msg>);
    let done = RwSignal::new(None::<Msg>);
    let chosen = {
        let checks = checks.clone();
        move || -> Vec<Category> {
            checks
                .iter()
                .filter(|(_, checked)| checked.get_untracked())
                .map(|(category, _)| *category)
                .collect()
        }
    };
    let hour = |signal: RwSignal<String>| signal.get_untracked().parse::<u8>().unwrap_or(0);
    // Turns reminders on (or saves new settings): the browser's subscription, then the server.
    let save = {
        let chosen = chosen.clone();
        move || {
            let (Some(session), Some(user)) = (session.get_untracked(), user()) else {
                return;
            };
            let categories = chosen();
            let (start, end) = (hour(quiet_from), hour(quiet_until));
            let lang = i18n.lang.get_untracked().tag().to_owned();
            busy.set(true);
            problem.set(None);
            done.set(None);
            leptos::task::spawn_local(async move {
                let outcome: Result<DevicePush, Msg> = async {
                    let key = transport::push_key(&session.token)
                        .await
                        .map_err(|error| server_call_msg(ServerCall::Reminders, &error))?;
                    let key = decode_b64url(&key).ok_or(Msg::ServerFailed)?;
                    let (endpoint, keys) = subscribe_device(&key)
                        .await
                        .map_err(|problem| problem.msg())?;
                    let request = SubscriptionRequest {
                        endpoint: endpoint.clone(),
                        keys,
                        lang,
                        categories: categories.clone(),
                        quiet: QuietHours {
                            start,
                            end,
                            zone: PROGRAM_ZONE.to_owned(),
                        },
                    };
                    transport::put_subscription(&session.token, &request)
                        .await
                        .map_err(|error| server_call_msg(ServerCall::Reminders, &error))?;
                    Ok(DevicePush {
                        endpoint,
                        categories,
                        start,
                        end,
                    })
                }
                .await;
                busy.set(false);
                match outcome {
                    Ok(device) => {
                        save_device(&user, Some(&device));
                        done.set(Some(if on.get_untracked() {
                            Msg::RemindersSaved
                        } else {
                            Msg::RemindersAreOn
                        }));
                        on.set(true);
                    }
                    Err(msg) => problem.set(Some(msg)),
                }
            });
        }
    };
    let turn_off = move || {
        let (Some(session), Some(user)) = (session.get_untracked(), user()) else {
            return;
        };
        let Some(device) = load_device(&user) else {
            on.set(false);
            return;
        };
        busy.set(true);
        problem.set(None);
        done.set(None);
        leptos::task::spawn_local(async move {
            let result = transport::delete_subscription(&session.token, &device.endpoint).await;
            busy.set(false);
            match result {
                Ok(()) => {
                    unsubscribe_device().await;
                    save_device(&user, None);
                    on.set(false);
                    done.set(Some(Msg::RemindersTurnedOff));
                }
                Err(error) => problem.set(Some(server_call_msg(ServerCall::Reminders, &error))),
            }
        });
    };
    let hours = move || {
        (0..24u8)
            .map(|hour| {
                let text = format!("{hour:02}:00");
                view! { <option value=hour.to_string()>{text}</option> }
            })
            .collect_view()
    };
    // Reminders follow the app's language: a change of language while they are on tells the
    // server (the device's subscription stays as it is).
    Effect::new(move |previous: Option<Lang>| {
        let lang = i18n.lang.get();
        if previous.is_some_and(|previous| previous != lang) && on.get_untracked() {
            if let (Some(session), Some(user)) = (session.get_untracked(), user()) {
                leptos::task::spawn_local(async move {
                    let (Some(device), Some((endpoint, keys))) =
                        (load_device(&user), current_subscription().await)
                    else {
                        return;
                    };
                    let request = SubscriptionRequest {
                        endpoint,
                        keys,
                        lang: lang.tag().to_owned(),
                        categories: device.categories,
                        quiet: QuietHours {
                            start: device.start,
                            end: device.end,
                            zone: PROGRAM_ZONE.to_owned(),
                        },
                    };
                    if let Err(error) = transport::put_subscription(&session.token, &request).await
                    {
                        problem.set(Some(server_call_msg(ServerCall::Reminders, &error)));
                    }
                });
            }
        }
        lang
    });
    let save_again = save.clone();
    view! {
        <section class="card" data-local="device-reminders">
            <h2 class="card-title">{i18n.tr(Msg::RemindersTitle)}</h2>
            <p class="muted">{i18n.tr(Msg::RemindersHelp)}</p>
            <fieldset class="check-group">
                <legend>{i18n.tr(Msg::RemindersWhich)}</legend>
                {checks.into_iter().map(|(category, checked)| {
                    let (label, testid) = category_msg(category);
                    view! { <Check testid=testid label=label checked=checked /> }
                }).collect_view()}
            </fieldset>
            <div class="form-inline">
                <Select id="quiet-from" label=Msg::QuietFrom value=quiet_from>{hours()}</Select>
                <Select id="quiet-until" label=Msg::QuietUntil value=quiet_until>{hours()}</Select>
            </div>
            <Show when=move || on.get() fallback=move || {
                let save = save.clone();
                view! {
                    <button class="button primary" data-testid="reminders-on" disabled=move || busy.get()
                        on:click=move |_| save()>{i18n.tr(Msg::RemindersTurnOn)}</button>
                }
            }>
                {
                    let save = save_again.clone();
                    view! {
                        <button class="button primary" data-testid="reminders-save" disabled=move || busy.get()
                            on:click=move |_| save()>{i18n.tr(Msg::RemindersSave)}</button>
                        <button class="button" data-testid="reminders-off" disabled=move || busy.get()
                            on:click=move |_| turn_off()>{i18n.tr(Msg::RemindersTurnOff)}</button>
                    }
                }
            </Show>
            <p class="form-error" role="alert" data-testid="reminders-error">
                {move || problem.get().map(|msg| i18n.t(msg))}
            </p>
            <p class="muted" role="status" data-testid="reminders-status">
                {move || done.get().map(|msg| i18n.t(msg))}
            </p>
        </section>
    }
}

fn feed_key(user: &str) -> String {
    format!("imp-calendar-feed-{user}")
}

/// The person's calendar subscription link: made, shown (copy, open in a calendar app),
/// replaced or stopped.
#[component]
pub fn CalendarFeed() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let user = move || session.get_untracked().map(|s| s.user.id.0);
    let url = RwSignal::new(
        user().and_then(|user| local_storage()?.get_item(&feed_key(&user)).ok().flatten()),
    );
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<Msg>);
    let done = RwSignal::new(None::<Msg>);
    let fail = move |error: TransportError| {
        problem.set(Some(server_call_msg(ServerCall::CalendarFeed, &error)))
    };
    let create = move || {
        let (Some(session), Some(user)) = (session.get_untracked(), user()) else {
            return;
        };
        let lang = i18n.lang.get_untracked().tag();
        busy.set(true);
        problem.set(None);
        done.set(None);
        leptos::task::spawn_local(async move {
            let result = transport::create_calendar_feed(&session.token, lang).await;
            busy.set(false);
            match result {
                Ok(link) => {
                    if let Some(storage) = local_storage() {
                        let _ = storage.set_item(&feed_key(&user), &link);
                    }
                    url.set(Some(link));
                }
                Err(error) => fail(error),
            }
        });
    };
    let stop = move || {
        let (Some(session), Some(user)) = (session.get_untracked(), user()) else {
            return;
        };
        busy.set(true);
        problem.set(None);
        done.set(None);
        leptos::task::spawn_local(async move {
            let result = transport::revoke_calendar_feed(&session.token).await;
            busy.set(false);
            match result {
                Ok(()) => {
                    if let Some(storage) = local_storage() {
                        let _ = storage.remove_item(&feed_key(&user));
                    }
                    url.set(None);
                    done.set(Some(Msg::CalendarFeedStopped));
                }
                Err(error) => fail(error),
            }
        });
    };
    let copy = move || {
        let (Some(link), Some(window)) = (url.get_untracked(), web_sys::window()) else {
            return;
        };
        let clipboard = property(&window.navigator().into(), "clipboard");
        leptos::task::spawn_local(async move {
            let copied = match clipboard {
                Some(clipboard) => call(&clipboard, "writeText", &Array::of1(&link.into()))
                    .await
                    .is_ok(),
                None => false,
            };
            done.set(copied.then_some(Msg::CalendarFeedCopied));
        });
    };
    let webcal = move || {
        url.get().map(|link| {
            link.replacen("https://", "webcal://", 1)
                .replacen("http://", "webcal://", 1)
        })
    };
    view! {
        <section class="card" data-local="calendar-feed">
            <h2 class="card-title">{i18n.tr(Msg::CalendarFeedTitle)}</h2>
            <p class="muted">{i18n.tr(Msg::CalendarFeedHelp)}</p>
            <Show when=move || url.get().is_some()>
                <label class="field">
                    <span>{i18n.tr(Msg::CalendarFeedLink)}</span>
                    <input type="text" readonly data-testid="calendar-feed-url"
                        prop:value=move || url.get().unwrap_or_default() />
                </label>
                <div class="form-inline">
                    <a class="button" data-testid="calendar-feed-open" href=webcal>
                        {i18n.tr(Msg::CalendarFeedOpen)}
                    </a>
                    <button class="button" data-testid="calendar-feed-copy" on:click=move |_| copy()>
                        {i18n.tr(Msg::CalendarFeedCopy)}
                    </button>
                    <button class="button" data-testid="calendar-feed-stop" disabled=move || busy.get()
                        on:click=move |_| stop()>{i18n.tr(Msg::CalendarFeedStop)}</button>
                </div>
            </Show>
            <button class="button" data-testid="calendar-feed-create" disabled=move || busy.get()
                on:click=move |_| create()>
                {move || i18n.t(if url.get().is_some() { Msg::CalendarFeedReplace } else { Msg::CalendarFeedCreate })}
            </button>
            <p class="form-error" role="alert" data-testid="calendar-feed-error">
                {move || problem.get().map(|msg| i18n.t(msg))}
            </p>
            <p class="muted" role="status" data-testid="calendar-feed-status">
                {move || done.get().map(|msg| i18n.t(msg))}
            </p>
        </section>
    }
}
