//! Push reminders: the run a Cron Trigger starts (and the test hooks' `POST
//! /api/v1/test/reminders?at=`), which works out each subscribed person's inbox from their
//! spaces with the app's own rules (`imp_shared::inbox`), and sends each device what it has not
//! been sent, once, outside its quiet hours, as a declarative Web Push message encrypted for the
//! device (RFC 8291) and signed with the Worker's VAPID key (RFC 8292). A push service's 404 or
//! 410 forgets the device.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, FixedOffset, Timelike, Utc};
use js_sys::{Array, Function, Object, Reflect};
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};
use worker::{Env, Fetch, Headers, Method, Request, RequestInit};

use imp_shared::apply::MemoryRecords;
use imp_shared::calendar::PROGRAM_ZONE;
use imp_shared::domain::Role;
use imp_shared::ids::{ClientId, MutationSeq, ServerVersion, SpaceId, UserId};
use imp_shared::inbox::{sort_named, space_items, staff_space_items, Clock, InboxItem, Reader};
use imp_shared::protocol::PullResponse;
use imp_shared::reminder::{
    endpoint_origin, item_message, summary_message, Category, PushMessage, QuietHours, MAX_SEPARATE,
};
use imp_shared::webpush::{
    b64url, encrypt, from_b64url, is_private_key, public_key, vapid_authorization, vapid_token,
};

use crate::directory::{Account, Directory, PushSubscriptionRow};
use crate::error::ApiError;
use crate::space::SpacePull;
use crate::space_client::SpaceClient;

/// How long a push service keeps a reminder for a device that is offline.
pub(crate) const TTL_SECONDS: i64 = 12 * 60 * 60;
/// How long a VAPID token is valid.
const TOKEN_HOURS: i64 = 12;
/// Who sends, for push services to contact (RFC 8292 §2.1): the `VAPID_SUBJECT` var, or this.
const DEFAULT_SUBJECT: &str = "mailto:imp-companion@localhost";

/// What one run did.
#[derive(Debug, Default, Serialize)]
pub(crate) struct RunReport {
    /// Messages the push services accepted.
    pub sent: u32,
    /// Reminders held back by quiet hours (they go out on a later run).
    pub held: u32,
    /// Devices forgotten (the push service said they are gone, or their account is).
    pub removed: u32,
    /// Messages that failed and are tried again on the next run.
    pub failed: u32,
}

/// The Worker's VAPID key pair: the `VAPID_PRIVATE_KEY` secret (base64url, 32 bytes), or one
/// made once and kept in D1.
pub(crate) struct VapidKey {
    private: Vec<u8>,
    /// The uncompressed public point, the application server key browsers subscribe with.
    pub public: Vec<u8>,
}

impl VapidKey {
    /// Loads (or makes) the key.
    pub(crate) async fn load(env: &Env, directory: &Directory) -> Result<Self, ApiError> {
        let configured = env
            .secret("VAPID_PRIVATE_KEY")
            .ok()
            .map(|secret| secret.to_string());
        let encoded = match configured {
            Some(key) => key,
            None => directory.vapid_key(new_private_key).await?,
        };
        let private = from_b64url(&encoded)
            .filter(|bytes| is_private_key(bytes))
            .ok_or_else(|| ApiError::Internal("the VAPID private key is not usable".to_owned()))?;
        let public = public_key(&private).map_err(|error| ApiError::Internal(error.to_string()))?;
        Ok(Self { private, public })
    }
}

fn random<const N: usize>() -> Result<[u8; N], ApiError> {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes)
        .map_err(|error| ApiError::Internal(format!("no randomness: {error}")))?;
    Ok(bytes)
}

/// A new private key, base64url.
fn new_private_key() -> Result<String, ApiError> {
    // A random 256-bit number is a valid P-256 scalar but for a chance of about 2^-32.
    for _ in 0..8 {
        let bytes = random::<32>()?;
        if is_private_key(&bytes) {
            return Ok(b64url(&bytes));
        }
    }
    Err(ApiError::Internal("could not draw a P-256 key".to_owned()))
}

/// A time zone's offset from UTC at an instant, from the runtime's own time-zone data; `None`
/// for a zone it does not know.
pub(crate) fn offset_in(zone: &str, at: DateTime<Utc>) -> Option<FixedOffset> {
    let options = Object::new();
    Reflect::set(&options, &"timeZone".into(), &zone.into()).ok()?;
    Reflect::set(&options, &"timeZoneName".into(), &"longOffset".into()).ok()?;
    let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
    let constructor: Function = Reflect::get(&intl, &"DateTimeFormat".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let arguments = Array::of2(&"en-US".into(), &options);
    let format: js_sys::Intl::DateTimeFormat = Reflect::construct(&constructor, &arguments)
        .ok()?
        .unchecked_into();
    let date = js_sys::Date::new(&JsValue::from_f64(at.timestamp_millis() as f64));
    let parts = format.format_to_parts(&date);
    let name = parts.iter().find_map(|part| {
        let kind = Reflect::get(&part, &"type".into()).ok()?.as_string()?;
        (kind == "timeZoneName")
            .then(|| Reflect::get(&part, &"value".into()).ok()?.as_string())
            .flatten()
    })?;
    parse_gmt_offset(&name)
}

/// "GMT+08:00" / "GMT-03:30" / "GMT" as an offset.
fn parse_gmt_offset(name: &str) -> Option<FixedOffset> {
    let rest = name.strip_prefix("GMT")?;
    if rest.is_empty() {
        return FixedOffset::east_opt(0);
    }
    let (sign, rest) = match rest.split_at(1) {
        ("+", rest) => (1, rest),
        ("-", rest) => (-1, rest),
        _ => return None,
    };
    let (hours, minutes) = rest.split_once(':').unwrap_or((rest, "0"));
    let seconds = hours.parse::<i32>().ok()? * 3600 + minutes.parse::<i32>().ok()? * 60;
    FixedOffset::east_opt(sign * seconds)
}

/// A space's records as `account` may read them (a pull from the start, unpaged).
async fn read_space(
    env: &Env,
    account: &Account,
    space: &SpaceId,
) -> Result<MemoryRecords, ApiError> {
    let message = SpacePull {
        actor: account.actor()?,
        space: space.clone(),
        cursor: ServerVersion(0),
        client_id: ClientId("server-reminders".to_owned()),
        since_seq: MutationSeq(0),
        limit: None,
        snapshot: false,
        by_app: false,
    };
    let text = SpaceClient::new(env, space.clone()).pull(&message).await?;
    let pulled: PullResponse = serde_json::from_str(&text)
        .map_err(|error| ApiError::Internal(format!("pull answer unreadable: {error}")))?;
    let mut records = MemoryRecords::default();
    for change in pulled.changes {
        match change.record {
            Some(entity) => {
                records.records.insert(change.key, entity);
            }
            None => {
                records.records.remove(&change.key);
            }
        }
    }
    Ok(records)
}

/// The spaces of a person, read as they may read them.
pub(crate) async fn read_spaces(
    env: &Env,
    directory: &Directory,
    account: &Account,
) -> Result<BTreeMap<SpaceId, MemoryRecords>, ApiError> {
    let mut views = BTreeMap::new();
    for space in directory.readable_spaces(account).await? {
        // Staff read every student's space, but their inbox needs only the staff space.
        if account.role()? == Role::Staff && matches!(space, SpaceId::Student(_)) {
            continue;
        }
        let records = read_space(env, account, &space).await?;
        views.insert(space, records);
    }
    Ok(views)
}

/// A person's inbox from their spaces, in order (the app's `use_inbox`, on the server).
fn person_inbox(
    account: &Account,
    views: &BTreeMap<SpaceId, MemoryRecords>,
    clock: Clock,
) -> Result<Vec<(InboxItem, Option<String>)>, ApiError> {
    let me = UserId(account.id.clone());
    let empty = MemoryRecords::default();
    let program = views.get(&SpaceId::Program).unwrap_or(&empty);
    Ok(match account.role()? {
        Role::Student => match views.get(&SpaceId::Student(me.clone())) {
            Some(space) => space_items(&me, space, program, Reader::Student, clock),
            None => Vec::new(),
        },
        Role::Mentor => {
            let mut items: Vec<(InboxItem, Option<String>)> = views
                .iter()
                .filter_map(|(space, view)| match space {
                    SpaceId::Student(student) => Some(space_items(
                        student,
                        view,
                        program,
                        Reader::Mentor(&me),
                        clock,
                    )),
                    _ => None,
                })
                .flatten()
                .collect();
            sort_named(&mut items);
            items
        }
        Role::Staff => match views.get(&SpaceId::Staff) {
            Some(staff) => staff_space_items(staff, &me, clock),
            None => Vec::new(),
        },
    })
}

/// Sends one message to a device: whether the push service took it, or that the device is gone.
enum Delivery {
    Accepted,
    Gone,
    Failed,
}

async fn deliver(
    key: &VapidKey,
    subject: &str,
    subscription: &PushSubscriptionRow,
    message: &PushMessage,
    now: DateTime<Utc>,
) -> Result<Delivery, ApiError> {
    let payload =
        serde_json::to_vec(message).map_err(|error| ApiError::Internal(error.to_string()))?;
    let device_key = from_b64url(&subscription.p256dh).unwrap_or_default();
    let auth = from_b64url(&subscription.auth).unwrap_or_default();
    let sender = loop {
        let bytes = random::<32>()?;
        if is_private_key(&bytes) {
            break bytes;
        }
    };
    let body = match encrypt(&payload, &device_key, &auth, &sender, &random::<16>()?) {
        Ok(body) => body,
        Err(error) => {
            worker::console_warn!("push: cannot encrypt for a device: {error}");
            return Ok(Delivery::Gone);
        }
    };
    let Some(audience) = endpoint_origin(&subscription.endpoint) else {
        return Ok(Delivery::Gone);
    };
    let expires = (now + Duration::hours(TOKEN_HOURS)).timestamp();
    let token = vapid_token(&key.private, &audience, expires, subject)
        .map_err(|error| ApiError::Internal(error.to_string()))?;
    let headers = Headers::new();
    let set = |name: &str, value: &str| {
        headers
            .set(name, value)
            .map_err(|error| ApiError::Internal(error.to_string()))
    };
    set("Content-Encoding", "aes128gcm")?;
    set("Content-Type", "application/octet-stream")?;
    set("TTL", &TTL_SECONDS.to_string())?;
    set("Urgency", "normal")?;
    set("Authorization", &vapid_authorization(&token, &key.public))?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_body(Some(js_sys::Uint8Array::from(body.as_slice()).into()));
    let request = Request::new_with_init(&subscription.endpoint, &init)
        .map_err(|error| ApiError::Internal(error.to_string()))?;
    let response = match Fetch::Request(request).send().await {
        Ok(response) => response,
        Err(error) => {
            worker::console_warn!("push: the push service did not answer: {error}");
            return Ok(Delivery::Failed);
        }
    };
    Ok(match response.status_code() {
        200..=299 => Delivery::Accepted,
        404 | 410 => Delivery::Gone,
        status => {
            worker::console_warn!("push: the push service answered {status}");
            Delivery::Failed
        }
    })
}

/// One reminder run at `now`.
pub(crate) async fn run(env: &Env, now: DateTime<Utc>) -> Result<RunReport, ApiError> {
    let directory = Directory::new(env.d1("DB")?);
    let mut report = RunReport::default();
    let subscriptions = directory.push_subscriptions().await?;
    if subscriptions.is_empty() {
        return Ok(report);
    }
    let key = VapidKey::load(env, &directory).await?;
    let subject = env
        .var("VAPID_SUBJECT")
        .map(|value| value.to_string())
        .unwrap_or_else(|_| DEFAULT_SUBJECT.to_owned());
    let program_offset = offset_in(PROGRAM_ZONE, now)
        .ok_or_else(|| ApiError::Internal("no time-zone data".to_owned()))?;
    let clock = Clock {
        now,
        offset: program_offset,
    };
    let mut by_user: BTreeMap<String, Vec<PushSubscriptionRow>> = BTreeMap::new();
    for subscription in subscriptions {
        by_user
            .entry(subscription.user_id.clone())
            .or_default()
            .push(subscription);
    }
    for (user_id, devices) in by_user {
        let account = directory
            .account_by_id(&user_id)
            .await?
            .filter(|account| account.active == 1);
        let Some(account) = account else {
            for device in devices {
                directory
                    .delete_subscription(&device.endpoint, None)
                    .await?;
                report.removed += 1;
            }
            continue;
        };
        let views = read_spaces(env, &directory, &account).await?;
        let inbox = person_inbox(&account, &views, clock)?;
        for device in devices {
            send_to_device(
                &directory,
                &key,
                &subject,
                &device,
                &inbox,
                clock,
                &mut report,
            )
            .await?;
        }
    }
    Ok(report)
}

/// Sends one device the reminders it wants and has not been sent.
async fn send_to_device(
    directory: &Directory,
    key: &VapidKey,
    subject: &str,
    device: &PushSubscriptionRow,
    inbox: &[(InboxItem, Option<String>)],
    clock: Clock,
    report: &mut RunReport,
) -> Result<(), ApiError> {
    let wanted: Vec<Category> = device
        .categories
        .split(',')
        .filter_map(Category::from_name)
        .collect();
    let items: Vec<&(InboxItem, Option<String>)> = inbox
        .iter()
        .filter(|(item, _)| wanted.contains(&Category::of(&item.item)))
        .collect();
    let sent = directory.sent_keys(&device.endpoint).await?;
    let new: Vec<&(InboxItem, Option<String>)> = items
        .iter()
        .copied()
        .filter(|(item, _)| !sent.contains(&item.key))
        .collect();
    if new.is_empty() {
        return Ok(());
    }
    let quiet = QuietHours {
        start: u8::try_from(device.quiet_start).unwrap_or(0),
        end: u8::try_from(device.quiet_end).unwrap_or(0),
        zone: device.quiet_zone.clone(),
    };
    let local_hour = offset_in(&quiet.zone, clock.now)
        .map(|offset| clock.now.with_timezone(&offset).hour())
        .unwrap_or_else(|| clock.now.with_timezone(&clock.offset).hour());
    if quiet.covers(local_hour) {
        report.held += new.len() as u32;
        return Ok(());
    }
    let zh = device.lang == "zh-TW";
    let local = |at: DateTime<Utc>| at.with_timezone(&clock.offset);
    let messages: Vec<(PushMessage, Vec<String>)> = if new.len() > MAX_SEPARATE {
        vec![(
            summary_message(new.len(), zh, &device.origin, items.len()),
            new.iter().map(|(item, _)| item.key.clone()).collect(),
        )]
    } else {
        new.iter()
            .map(|(item, about)| {
                let message = item_message(
                    item,
                    about.as_deref(),
                    zh,
                    &device.origin,
                    items.len(),
                    local,
                );
                (message, vec![item.key.clone()])
            })
            .collect()
    };
    for (message, keys) in messages {
        match deliver(key, subject, device, &message, clock.now).await? {
            Delivery::Accepted => {
                directory
                    .mark_sent(&device.endpoint, &keys, clock.now)
                    .await?;
                report.sent += 1;
            }
            Delivery::Gone => {
                directory
                    .delete_subscription(&device.endpoint, None)
                    .await?;
                report.removed += 1;
                return Ok(());
            }
            Delivery::Failed => report.failed += 1,
        }
    }
    Ok(())
}
