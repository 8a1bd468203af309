//! Home: what needs attention now, per role. The greeting and the changes waiting to sync are
//! the same for everyone; below them each role has its own home: the student's
//! ([`student`]), the mentor's mentees at a glance ([`mentor`]) and staff's dashboard
//! ([`staff`]).

mod mentor;
mod staff;
mod student;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use leptos::prelude::*;
use leptos_router::components::A;

use imp_shared::domain::{Activity, Organization, Placement, Position, Role};
use imp_shared::ids::{SpaceId, UserId};

use crate::i18n::{format_date, n_waiting, use_i18n, Lang, Msg};
use crate::pieces::{LazyScreen, Screen};
use crate::sync::hooks::{program_space, use_loaded, use_session, use_sync_status, use_typed};
use crate::zone::in_program_zone;

pub use crate::pages::concern_inbox::ConcernInbox;
pub use mentor::MentorHome;
pub use staff::StaffHome;

/// Whether `user` opened the app on this device before; remembers that they have now.
fn seen_before(user: &str) -> bool {
    let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) else {
        return true;
    };
    let key = format!("imp-seen-{user}");
    let seen = storage.get_item(&key).ok().flatten().is_some();
    if !seen {
        let _ = storage.set_item(&key, "1");
    }
    seen
}

/// The home screen for the signed-in role.
#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let status = use_sync_status();
    let loaded = use_loaded();
    let role = move || session.get().map(|s| s.user.role);
    let name = move || {
        session
            .get()
            .map(|s| s.user.display_name)
            .unwrap_or_default()
    };
    // "Welcome" the first time someone opens the app on this device, "Welcome back" after.
    let returning = session
        .get_untracked()
        .is_some_and(|s| seen_before(s.user.id.as_str()));
    let greeting = move || match role() {
        Some(Role::Mentor) => i18n.t(Msg::HelloMentor),
        Some(Role::Staff) => i18n.t(Msg::HelloStaff),
        _ if returning => i18n.t(Msg::HelloStudent),
        _ => i18n.t(Msg::WelcomeFirst),
    };
    view! {
        <section class="hero">
            <h1 data-testid="home-title">{greeting}</h1>
            <p class="muted" data-testid="user-name">{name}</p>
        </section>
        <Show when=move || { status.get().pending > 0 }>
            <A href="/changes" attr:class="card card-link">
                <span>{move || n_waiting(i18n.lang.get(), status.get().pending)}</span>
            </A>
        </Show>
        {move || match role().filter(|_| loaded.get()) {
            Some(Role::Student) => view! { <student::StudentHome /> }.into_any(),
            // Mentors' and staff's homes are their own wasm pieces in the shipped build, so a
            // student's first screen does not carry them.
            Some(Role::Mentor) => view! { <LazyScreen screen=Screen::MentorHome /> }.into_any(),
            Some(Role::Staff) => view! { <LazyScreen screen=Screen::StaffHome /> }.into_any(),
            None => ().into_any(),
        }}
    }
}

/// Today in the program's time zone (the day deadlines and due dates count in).
pub(crate) fn program_today() -> NaiveDate {
    in_program_zone(Utc::now()).date_naive()
}

/// A date and time of day as the reader writes them ("12 Mar 2030 14:30").
pub(crate) fn date_time(lang: Lang, local: DateTime<FixedOffset>) -> String {
    format!(
        "{} {}",
        format_date(lang, local.date_naive()),
        crate::i18n::clock(local)
    )
}

/// When `user` last used the app in the student space `space` (the `activity` record the
/// server writes when their app syncs), as a date in the reader's language; "—" before that.
#[component]
fn LastActive(space: Signal<Option<SpaceId>>, user: UserId, testid: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let activity = use_typed::<Activity>(space);
    let text = move || {
        activity
            .with(|records| {
                records
                    .iter()
                    .filter(|(_, activity)| activity.user_id == user)
                    .map(|(_, activity)| activity.at)
                    .max()
            })
            .map_or_else(
                || "—".to_owned(),
                |at| format_date(i18n.lang.get(), in_program_zone(at).date_naive()),
            )
    };
    view! { <span data-testid=testid>{text}</span> }
}

/// A student's placement once it gives their mentor access (confirmed or active), with its
/// position and the position's organization when they have synced.
#[derive(Debug, Clone, PartialEq)]
struct Placed {
    placement: Placement,
    position: Option<Position>,
    organization: Option<String>,
}

/// The placement of the student whose space is `space` (see [`Placed`]).
fn use_placement(space: Signal<Option<SpaceId>>) -> Memo<Option<Placed>> {
    let placements = use_typed::<Placement>(space);
    let positions = use_typed::<Position>(program_space());
    let organizations = use_typed::<Organization>(program_space());
    Memo::new(move |_| {
        let placement = placements.with(|list| {
            list.iter()
                .map(|(_, placement)| placement)
                .find(|placement| placement.state.grants_mentor_access())
                .cloned()
        })?;
        let position = positions.with(|list| {
            list.iter()
                .find(|(id, _)| *id == placement.position_id)
                .map(|(_, position)| position.clone())
        });
        let organization = position.as_ref().and_then(|position| {
            organizations.with(|list| {
                list.iter()
                    .find(|(id, _)| *id == position.organization_id)
                    .map(|(_, organization)| organization.name.clone())
            })
        });
        Some(Placed {
            placement,
            position,
            organization,
        })
    })
}
