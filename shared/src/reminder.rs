//! Reminders in words, for the app's inbox and for the Worker's push notifications (one wording
//! in both places): dates and times as people write them in English and 繁體中文, an inbox item
//! as a sentence, and what a push reminder carries — its category (which a person can switch off
//! per device), the quiet hours it waits out, and the declarative Web Push payload
//! (`web_push: 8030`) that Safari shows by itself and the app's service worker shows elsewhere.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Timelike, Utc, Weekday};
use serde::{Deserialize, Serialize};

use crate::domain::Priority;
use crate::health::Flag;
use crate::inbox::{InboxItem, Item};

/// A time of day as "14:05".
pub fn clock(time: impl Timelike) -> String {
    format!("{:02}:{:02}", time.hour(), time.minute())
}

/// A date as people write it: "Mon 3 Mar 2026" / "2026年3月3日（週一）".
pub fn date_text(zh: bool, date: NaiveDate) -> String {
    if zh {
        let weekday = match date.weekday() {
            Weekday::Mon => "一",
            Weekday::Tue => "二",
            Weekday::Wed => "三",
            Weekday::Thu => "四",
            Weekday::Fri => "五",
            Weekday::Sat => "六",
            Weekday::Sun => "日",
        };
        format!(
            "{}年{}月{}日（週{weekday}）",
            date.year(),
            date.month(),
            date.day()
        )
    } else {
        const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let day = DAYS[date.weekday().num_days_from_monday() as usize % 7];
        let month = MONTHS[date.month0() as usize % 12];
        format!("{day} {} {month} {}", date.day(), date.year())
    }
}

/// A concern's priority in words (the app's catalogue says the same).
pub fn priority_text(zh: bool, priority: Priority) -> &'static str {
    match (priority, zh) {
        (Priority::Urgent, false) => "Urgent",
        (Priority::Urgent, true) => "緊急",
        (Priority::Normal, false) => "Soon",
        (Priority::Normal, true) => "盡快",
        (Priority::Low, false) => "When convenient",
        (Priority::Low, true) => "不急",
    }
}

/// An inbox item as a sentence: "Task due Mon 2 Mar 2026: CV", prefixed with the student's name
/// when it is about someone else. `local` turns an instant into the program's clock.
pub fn item_text(
    zh: bool,
    item: &Item,
    about: Option<&str>,
    local: impl Fn(DateTime<Utc>) -> DateTime<FixedOffset>,
) -> String {
    let when = |at| {
        let at = local(at);
        format!("{} {}", date_text(zh, at.date_naive()), clock(at))
    };
    let text = match item {
        Item::SessionSoon { starts_at, .. } if zh => format!("會談：{}", when(*starts_at)),
        Item::SessionSoon { starts_at, .. } => format!("Mentoring session {}", when(*starts_at)),
        Item::FeedbackOwed { starts_at, .. } => {
            let day = date_text(zh, local(*starts_at).date_naive());
            if zh {
                format!("請為 {day} 的會談留下回饋")
            } else {
                format!("Give your feedback on the session of {day}")
            }
        }
        Item::TaskDue {
            title,
            due,
            days_left,
            ..
        } => {
            let day = date_text(zh, *due);
            match (zh, *days_left < 0) {
                (true, true) => format!("任務已逾期（{day}）：{title}"),
                (true, false) => format!("任務 {day} 到期：{title}"),
                (false, true) => format!("Task overdue since {day}: {title}"),
                (false, false) => format!("Task due {day}: {title}"),
            }
        }
        Item::VisaDeadline {
            title,
            title_zh,
            due,
            days_left,
            ..
        } => {
            let day = date_text(zh, *due);
            let title = if zh && !title_zh.is_empty() {
                title_zh
            } else {
                title
            };
            match (zh, *days_left) {
                (true, days) if days < 0 => format!("簽證步驟已逾期（{day}）：{title}"),
                (true, days) => format!("簽證步驟 {days} 天後到期（{day}）：{title}"),
                (false, days) if days < 0 => format!("Visa step overdue since {day}: {title}"),
                (false, 1) => format!("Visa step due tomorrow ({day}): {title}"),
                (false, days) => format!("Visa step due in {days} days ({day}): {title}"),
            }
        }
        Item::RankingDeadline { deadline, .. } if zh => {
            format!("請在 {} 前送出職缺志願排序", when(*deadline))
        }
        Item::RankingDeadline { deadline, .. } => {
            format!("Rank the positions you want before {}", when(*deadline))
        }
        Item::WorkshopToday {
            title, starts_at, ..
        } if zh => {
            format!("今天 {} 的工作坊：{title}", clock(local(*starts_at)))
        }
        Item::WorkshopToday {
            title, starts_at, ..
        } => {
            format!("Workshop today at {}: {title}", clock(local(*starts_at)))
        }
        Item::EvaluationDue {
            kind,
            due,
            days_left,
            ..
        } => {
            let day = date_text(zh, *due);
            let title = kind.title(zh);
            match (zh, *days_left < 0) {
                (true, true) => format!("{title}已逾期（{day}）"),
                (true, false) => format!("{title}：請在 {day} 前填寫"),
                (false, true) => format!("{title} overdue since {day}"),
                (false, false) => format!("{title}: please answer by {day}"),
            }
        }
        Item::PairFlag { flag, .. } => flag_phrase(zh, flag),
        Item::Concern { priority, open, .. } => {
            let priority = priority_text(zh, *priority);
            match (zh, *open) {
                (true, true) => format!("新的關注事項（{priority}）"),
                (true, false) => format!("您負責的關注事項（{priority}）"),
                (false, true) => format!("New concern ({priority})"),
                (false, false) => format!("Concern you are handling ({priority})"),
            }
        }
    };
    match about {
        Some(name) => format!("{name} · {text}"),
        None => text,
    }
}

/// A pair-health flag in a few words, for a mentor's inbox and push (the mentee card words it in
/// full).
pub fn flag_phrase(zh: bool, flag: &Flag) -> String {
    match (flag, zh) {
        (Flag::NoFirstSession { days, .. }, false) => {
            format!("No first session {days} days after the placement started")
        }
        (Flag::NoFirstSession { days, .. }, true) => format!("實習開始 {days} 天仍未有第一次會談"),
        (Flag::NoRecentSession { days, .. }, false) => format!("No session for {days} days"),
        (Flag::NoRecentSession { days, .. }, true) => format!("已 {days} 天沒有會談"),
        (Flag::LowRating { rating, .. }, false) => format!("A session was rated {rating} of 5"),
        (Flag::LowRating { rating, .. }, true) => format!("有一次會談評分為 {rating}／5"),
        (Flag::OneSided { .. }, false) => "Only one side gave feedback on a session".to_owned(),
        (Flag::OneSided { .. }, true) => "有一次會談只有一方留下回饋".to_owned(),
        (Flag::VisaOverdue { count, .. }, false) => format!("{count} visa step(s) overdue"),
        (Flag::VisaOverdue { count, .. }, true) => format!("{count} 個簽證步驟已逾期"),
        (Flag::TasksOverdue { count, .. }, false) => {
            format!("{count} task(s) overdue by more than a week")
        }
        (Flag::TasksOverdue { count, .. }, true) => format!("{count} 個任務逾期超過一週"),
        (Flag::Inactive { days, .. }, false) => format!("Not active in the app for {days} days"),
        (Flag::Inactive { days, .. }, true) => format!("已 {days} 天未使用本應用程式"),
    }
}

/// What a reminder is about; a person chooses per device which categories reach them by push.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Sessions coming up.
    Session,
    /// Feedback owed.
    Feedback,
    /// Tasks due.
    Task,
    /// Visa steps due.
    Visa,
    /// The ranking deadline.
    Ranking,
    /// Workshops today.
    Workshop,
    /// Concerns waiting for staff.
    Concern,
    /// Evaluations and outcome surveys owed.
    Evaluation,
    /// Pair-health flags about a mentor's mentees.
    PairHealth,
}

impl Category {
    /// Every category, in the order settings list them.
    pub const ALL: [Category; 9] = [
        Category::Session,
        Category::Feedback,
        Category::Task,
        Category::Visa,
        Category::Ranking,
        Category::Workshop,
        Category::Evaluation,
        Category::PairHealth,
        Category::Concern,
    ];

    /// The categories that concern a role, in settings' order.
    pub fn for_role(role: crate::domain::Role) -> &'static [Category] {
        use crate::domain::Role;
        match role {
            Role::Student => &Self::ALL[..7],
            Role::Mentor => &[
                Category::Session,
                Category::Feedback,
                Category::Evaluation,
                Category::PairHealth,
            ],
            Role::Staff => &[Category::Concern],
        }
    }

    /// The category of an inbox item.
    pub fn of(item: &Item) -> Self {
        match item {
            Item::SessionSoon { .. } => Category::Session,
            Item::FeedbackOwed { .. } => Category::Feedback,
            Item::TaskDue { .. } => Category::Task,
            Item::VisaDeadline { .. } => Category::Visa,
            Item::RankingDeadline { .. } => Category::Ranking,
            Item::WorkshopToday { .. } => Category::Workshop,
            Item::Concern { .. } => Category::Concern,
            Item::EvaluationDue { .. } => Category::Evaluation,
            Item::PairFlag { .. } => Category::PairHealth,
        }
    }

    /// Its name on the wire (`session`, `feedback`, …).
    pub fn name(self) -> &'static str {
        match self {
            Category::Session => "session",
            Category::Feedback => "feedback",
            Category::Task => "task",
            Category::Visa => "visa",
            Category::Ranking => "ranking",
            Category::Workshop => "workshop",
            Category::Concern => "concern",
            Category::Evaluation => "evaluation",
            Category::PairHealth => "pair_health",
        }
    }

    /// The category of a wire name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|category| category.name() == name)
    }
}

/// The program's time zone, where quiet hours are counted unless a device says otherwise.
pub const DEFAULT_QUIET_ZONE: &str = crate::calendar::PROGRAM_ZONE;
/// Quiet hours by default: 22:00 to 07:00.
pub const DEFAULT_QUIET: (u8, u8) = (22, 7);
/// At most this many reminders go out one by one in a run; more become one summary.
pub const MAX_SEPARATE: usize = 3;

/// Hours in which a device gets no push: from `start` up to `end` (whole hours, local time in
/// `zone`); across midnight when `start > end`; none when they are equal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuietHours {
    /// The first quiet hour (0–23).
    pub start: u8,
    /// The first hour no longer quiet (0–23).
    pub end: u8,
    /// An IANA time zone (`Asia/Taipei`).
    pub zone: String,
}

impl Default for QuietHours {
    fn default() -> Self {
        Self {
            start: DEFAULT_QUIET.0,
            end: DEFAULT_QUIET.1,
            zone: DEFAULT_QUIET_ZONE.to_owned(),
        }
    }
}

impl QuietHours {
    /// Whether a local hour (0–23) is quiet.
    pub fn covers(&self, hour: u32) -> bool {
        let (start, end) = (u32::from(self.start), u32::from(self.end));
        match start.cmp(&end) {
            std::cmp::Ordering::Equal => false,
            std::cmp::Ordering::Less => start <= hour && hour < end,
            std::cmp::Ordering::Greater => hour >= start || hour < end,
        }
    }
}

/// The keys a push subscription carries (from `PushSubscription.toJSON()`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionKeys {
    /// The device's P-256 public key, base64url (65 bytes uncompressed).
    pub p256dh: String,
    /// The device's authentication secret, base64url (16 bytes).
    pub auth: String,
}

/// `PUT /api/v1/push/subscription`: this device wants reminders by push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionRequest {
    /// The push service's URL for this device.
    pub endpoint: String,
    /// Its keys.
    pub keys: SubscriptionKeys,
    /// The language reminders are written in (`en` or `zh-TW`).
    pub lang: String,
    /// What reminders it wants (every category when absent).
    #[serde(default = "all_categories")]
    pub categories: Vec<Category>,
    /// Its quiet hours (22:00–07:00 in Asia/Taipei when absent).
    #[serde(default)]
    pub quiet: QuietHours,
}

fn all_categories() -> Vec<Category> {
    Category::ALL.to_vec()
}

/// `DELETE /api/v1/push/subscription`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unsubscribe {
    /// The endpoint to forget.
    pub endpoint: String,
}

/// Hosts of the browsers' push services an endpoint may point at (a suffix match on the host):
/// Chrome / Edge (FCM), Firefox (Mozilla autopush), Safari (Apple), Windows (WNS).
pub const PUSH_SERVICE_HOSTS: [&str; 4] = [
    "fcm.googleapis.com",
    "push.services.mozilla.com",
    "push.apple.com",
    "notify.windows.com",
];

/// Why a subscription is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubscriptionProblem {
    /// Not an https URL of a known push service.
    #[error("endpoint must be an https URL of a browser push service")]
    Endpoint,
    /// `p256dh` is not a base64url P-256 point.
    #[error("keys.p256dh must be a base64url uncompressed P-256 public key (65 bytes)")]
    Key,
    /// `auth` is not 16 base64url bytes.
    #[error("keys.auth must be 16 bytes, base64url")]
    Auth,
    /// Not `en` or `zh-TW`.
    #[error("lang must be en or zh-TW")]
    Lang,
    /// An hour past 23.
    #[error("quiet hours are whole hours from 0 to 23")]
    Hour,
    /// Not a plausible zone name.
    #[error("quiet.zone must be an IANA time zone name")]
    Zone,
}

/// The host of an `https://host[:port]/…` URL, or with `loopback_http` also of
/// `http://127.0.0.1:port/…` (the test hooks' local push service).
fn endpoint_host(endpoint: &str, loopback_http: bool) -> Option<&str> {
    if endpoint.len() > 1024
        || endpoint
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
    {
        return None;
    }
    if let Some(rest) = endpoint.strip_prefix("https://") {
        let authority = rest.split('/').next()?;
        if authority.contains('@') {
            return None;
        }
        let host = authority.split(':').next()?;
        return (!host.is_empty()).then_some(host);
    }
    let rest = endpoint.strip_prefix("http://127.0.0.1:")?;
    (loopback_http && rest.split('/').next()?.parse::<u16>().is_ok()).then_some("127.0.0.1")
}

/// Whether an endpoint is one the Worker may send to.
pub fn endpoint_allowed(endpoint: &str, loopback_http: bool) -> bool {
    match endpoint_host(endpoint, loopback_http) {
        Some("127.0.0.1") => loopback_http,
        Some(host) => {
            let host = host.to_ascii_lowercase();
            PUSH_SERVICE_HOSTS
                .iter()
                .any(|service| host == *service || host.ends_with(&format!(".{service}")))
        }
        None => false,
    }
}

/// The origin of an endpoint (`scheme://host[:port]`), the audience of its VAPID token.
pub fn endpoint_origin(endpoint: &str) -> Option<String> {
    let (scheme, rest) = endpoint.split_once("://")?;
    let authority = rest.split('/').next()?;
    (!authority.is_empty()).then(|| format!("{scheme}://{authority}"))
}

/// Reads base64url (with or without padding), as browsers write push keys; `None` when it is not.
pub fn decode_b64url(text: &str) -> Option<Vec<u8>> {
    fn value(byte: u8) -> Option<u32> {
        Some(match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        } as u32)
    }
    let text = text.trim_end_matches('=').as_bytes();
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for chunk in text.chunks(4) {
        let mut bits = 0u32;
        for (index, byte) in chunk.iter().enumerate() {
            bits |= value(*byte)? << (18 - 6 * index);
        }
        let bytes = bits.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Some(out)
}

impl SubscriptionRequest {
    /// Checks the request's shape (the Worker also checks the key is a point on the curve).
    pub fn check(&self, loopback_http: bool) -> Result<(), SubscriptionProblem> {
        if !endpoint_allowed(&self.endpoint, loopback_http) {
            return Err(SubscriptionProblem::Endpoint);
        }
        let key = decode_b64url(&self.keys.p256dh);
        if key.as_ref().map(|key| (key.len(), key.first())) != Some((65, Some(&4))) {
            return Err(SubscriptionProblem::Key);
        }
        if decode_b64url(&self.keys.auth).map(|auth| auth.len()) != Some(16) {
            return Err(SubscriptionProblem::Auth);
        }
        if self.lang != "en" && self.lang != "zh-TW" {
            return Err(SubscriptionProblem::Lang);
        }
        if self.quiet.start > 23 || self.quiet.end > 23 {
            return Err(SubscriptionProblem::Hour);
        }
        let zone_ok = !self.quiet.zone.is_empty()
            && self.quiet.zone.len() <= 64
            && self
                .quiet
                .zone
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"/_+-".contains(&b));
        if !zone_ok {
            return Err(SubscriptionProblem::Zone);
        }
        Ok(())
    }
}

/// The notification inside a declarative Web Push message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    /// Its title.
    pub title: String,
    /// Its text.
    pub body: String,
    /// The absolute URL a tap opens.
    pub navigate: String,
    /// The language it is written in.
    pub lang: String,
    /// Replaces an earlier notification with the same tag (the inbox item's key).
    pub tag: String,
    /// The app icon's badge: how many items wait.
    pub app_badge: String,
}

/// A declarative Web Push message (`{"web_push": 8030, "notification": {…}}`): Safari shows it
/// without the service worker; the app's service worker shows the same fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushMessage {
    /// Always 8030, the marker of the declarative format.
    pub web_push: u16,
    /// What to show.
    pub notification: Notification,
}

/// The declarative format's marker.
pub const DECLARATIVE_MARKER: u16 = 8030;

/// The title of a reminder: the app's name.
fn title(zh: bool) -> &'static str {
    if zh {
        "IMP Companion 提醒"
    } else {
        "IMP Companion reminder"
    }
}

/// The push message of one inbox item. `origin` is the app's (`https://host`), `count` how many
/// items the person's inbox holds.
pub fn item_message(
    item: &InboxItem,
    about: Option<&str>,
    zh: bool,
    origin: &str,
    count: usize,
    local: impl Fn(DateTime<Utc>) -> DateTime<FixedOffset>,
) -> PushMessage {
    PushMessage {
        web_push: DECLARATIVE_MARKER,
        notification: Notification {
            title: title(zh).to_owned(),
            body: item_text(zh, &item.item, about, local),
            navigate: format!("{origin}{}", item.item.path()),
            lang: lang_tag(zh).to_owned(),
            tag: item.key.clone(),
            app_badge: count.to_string(),
        },
    }
}

/// One message for `new` reminders at once (more than [`MAX_SEPARATE`]), opening the inbox.
pub fn summary_message(new: usize, zh: bool, origin: &str, count: usize) -> PushMessage {
    let body = if zh {
        format!("您有 {new} 項新的提醒")
    } else {
        format!("You have {new} new reminders")
    };
    PushMessage {
        web_push: DECLARATIVE_MARKER,
        notification: Notification {
            title: title(zh).to_owned(),
            body,
            navigate: format!("{origin}/inbox"),
            lang: lang_tag(zh).to_owned(),
            tag: "inbox".to_owned(),
            app_badge: count.to_string(),
        },
    }
}

fn lang_tag(zh: bool) -> &'static str {
    if zh {
        "zh-TW"
    } else {
        "en"
    }
}
