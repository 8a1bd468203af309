//! Workshops for staff: create them, see how many students say they come ("Going 23 / 60"), and
//! show each one's check-in QR code at the door. The code is kept in the staff space, so students
//! cannot read it; it is made the first time staff show the QR code (offline too) and reaches the
//! server with the next sync. Students see the seats left ([`SeatsLeft`], on Home).
//!
//! The count is the workshop's `going`, which only the server writes (from the students'
//! summaries), so it is the last count synced, offline too.

use chrono::{NaiveDate, NaiveTime};
use leptos::prelude::*;

use imp_shared::domain::{CheckinCode, Entity, RecordKind, Workshop};
use imp_shared::ids::{RecordId, SpaceId};
use imp_shared::mutation::Mutation;

use crate::components::qr::QrCodeImage;
use crate::components::write;
use crate::i18n::{format_date, going_of_capacity, seats_left, use_i18n, Msg};
use crate::sync::hooks::{use_engine, use_pending_ids, use_records, use_write, WriteErrorLine};
use crate::zone::{in_program_zone, local_to_utc, PROGRAM_ZONE};

/// Letters and digits that cannot be mistaken for each other when read aloud or typed.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A new random check-in code of 8 characters (40 bits).
fn new_code() -> String {
    uuid::Uuid::new_v4()
        .as_bytes()
        .iter()
        .take(8)
        .map(|byte| char::from(CODE_ALPHABET[usize::from(*byte) % CODE_ALPHABET.len()]))
        .collect()
}

/// The link a workshop's QR code carries.
pub fn checkin_link(origin: &str, workshop: &RecordId, code: &str) -> String {
    format!("{origin}/checkin?w={workshop}&c={code}")
}

/// The staff workshops screen.
#[component]
pub fn WorkshopsPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1>{i18n.tr(Msg::ManageWorkshops)}</h1>
        <NewWorkshopForm />
        <WorkshopList />
    }
}

#[component]
fn NewWorkshopForm() -> impl IntoView {
    let i18n = use_i18n();
    let write = use_write();
    let title = RwSignal::new(String::new());
    let date = RwSignal::new(String::new());
    let time = RwSignal::new("14:00".to_owned());
    let duration = RwSignal::new("90".to_owned());
    let place = RwSignal::new(String::new());
    let capacity = RwSignal::new("40".to_owned());
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let day = NaiveDate::parse_from_str(&date.get_untracked(), "%Y-%m-%d").ok();
        let at = NaiveTime::parse_from_str(&time.get_untracked(), "%H:%M").ok();
        let local = day
            .zip(at)
            .and_then(|(day, at)| local_to_utc(PROGRAM_ZONE, day, at));
        let (Some(local), false, false) = (
            local,
            title.get_untracked().trim().is_empty(),
            place.get_untracked().trim().is_empty(),
        ) else {
            write.fail(Msg::FieldsRequired);
            return;
        };
        write.clear();
        let workshop = Workshop {
            title: title.get_untracked().trim().to_owned(),
            starts_at: local,
            duration_minutes: duration.get_untracked().parse().unwrap_or(90),
            place: place.get_untracked().trim().to_owned(),
            capacity: capacity.get_untracked().parse().unwrap_or(0),
            going: 0,
        };
        write.run(
            SpaceId::Program,
            Mutation::Create {
                id: RecordId(format!("workshop-{}", uuid::Uuid::new_v4().simple())),
                record: Entity::Workshop(workshop),
            },
            move || title.set(String::new()),
        );
    };
    let bind = |signal: RwSignal<String>| {
        move |event: leptos::ev::Event| signal.set(event_target_value(&event))
    };
    view! {
        <section class="card">
            <h2 class="card-title">{i18n.tr(Msg::NewWorkshop)}</h2>
            <form class="form" on:submit=submit novalidate=true data-testid="workshop-form" data-write=write::creates(Some(&SpaceId::Program), RecordKind::Workshop)>
                <div class="field">
                    <label for="workshop-title">{i18n.tr(Msg::WorkshopTitle)}</label>
                    <input id="workshop-title" maxlength="200" prop:value=move || title.get() on:input=bind(title) />
                </div>
                <div class="form-inline">
                    <div class="field">
                        <label for="workshop-date">{i18n.tr(Msg::Date)}</label>
                        <input id="workshop-date" type="date" prop:value=move || date.get() on:input=bind(date) />
                    </div>
                    <div class="field">
                        <label for="workshop-time">{i18n.tr(Msg::Time)}</label>
                        <input id="workshop-time" type="time" prop:value=move || time.get() on:input=bind(time) />
                    </div>
                    <div class="field">
                        <label for="workshop-duration">{i18n.tr(Msg::Duration)}</label>
                        <select id="workshop-duration" prop:value=move || duration.get() on:change=bind(duration)>
                            {[60, 90, 120, 180].into_iter().map(|minutes| view! {
                                <option value=minutes.to_string()>{move || format!("{minutes} {}", i18n.t(Msg::Minutes))}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="workshop-capacity">{i18n.tr(Msg::Capacity)}</label>
                        <input id="workshop-capacity" type="number" min="1" max="10000" prop:value=move || capacity.get() on:input=bind(capacity) />
                    </div>
                </div>
                <div class="field">
                    <label for="workshop-place">{i18n.tr(Msg::Place)}</label>
                    <input id="workshop-place" maxlength="200" prop:value=move || place.get() on:input=bind(place) />
                </div>
                <WriteErrorLine write=write />
                <button class="button button-primary" type="submit" data-testid="create-workshop" prop:disabled=move || write.pending.get()>{i18n.tr(Msg::NewWorkshop)}</button>
            </form>
        </section>
    }
}

#[component]
fn WorkshopList() -> impl IntoView {
    let i18n = use_i18n();
    let program = Signal::derive(|| Some(SpaceId::Program));
    let workshops = use_records(program, RecordKind::Workshop);
    let pending = use_pending_ids(program);
    let list = Memo::new(move |_| {
        let mut list: Vec<(RecordId, Workshop)> = workshops
            .get()
            .into_iter()
            .filter_map(|(id, e)| match e {
                Entity::Workshop(workshop) => Some((id, workshop)),
                _ => None,
            })
            .collect();
        list.sort_by(|(a_id, a), (b_id, b)| (b.starts_at, b_id).cmp(&(a.starts_at, a_id)));
        list
    });
    view! {
        <section class="card">
            <h2 class="card-title">{i18n.tr(Msg::ManageWorkshops)}</h2>
            <Show when=move || !list.get().is_empty() fallback=move || view! { <p class="muted">{i18n.tr(Msg::NoWorkshops)}</p> }>
                <ul class="list" data-testid="workshop-admin-list">
                    <For each=move || list.get() key=|(id, w)| (id.clone(), w.title.clone(), w.starts_at) let((id, workshop))>
                        <WorkshopItem
                            id=id.clone()
                            workshop=workshop
                            waiting=Signal::derive({ let id = id.clone(); move || pending.get().contains(&id) })
                            count=Signal::derive({
                                let id = id.clone();
                                move || list.get().into_iter().find(|(key, _)| *key == id).map(|(_, w)| (w.going, w.capacity)).unwrap_or_default()
                            })
                        />
                    </For>
                </ul>
            </Show>
        </section>
    }
}

#[component]
fn WorkshopItem(
    id: RecordId,
    workshop: Workshop,
    waiting: Signal<bool>,
    /// The workshop's going-count and capacity as now synced (the item itself is kept while
    /// they change, so an open QR panel stays open).
    count: Signal<(u32, u32)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let write = use_write();
    let staff = Signal::derive(|| Some(SpaceId::Staff));
    let codes = use_records(staff, RecordKind::CheckinCode);
    let showing = RwSignal::new(false);
    let code = {
        let id = id.clone();
        Memo::new(move |_| {
            codes.get().into_iter().find_map(|(key, e)| match e {
                Entity::CheckinCode(CheckinCode { code }) if key == id => Some(code),
                _ => None,
            })
        })
    };
    let toggle = {
        let id = id.clone();
        move |_| {
            if !showing.get_untracked() && code.get_untracked().is_none() {
                // The QR panel opens once the new code is stored.
                write.run(
                    SpaceId::Staff,
                    Mutation::Create {
                        id: id.clone(),
                        record: Entity::CheckinCode(CheckinCode { code: new_code() }),
                    },
                    move || showing.set(true),
                );
                return;
            }
            showing.update(|open| *open = !*open);
        }
    };
    let summaries = crate::pages::dashboard::use_summaries();
    let attendees = {
        let id = id.clone();
        Memo::new(move |_| imp_shared::dashboard::attendees(&summaries.get(), &id))
    };
    let origin = web_sys::window()
        .and_then(|window| window.location().origin().ok())
        .unwrap_or_default();
    let local = in_program_zone(workshop.starts_at);
    let qr_id = id.clone();
    view! {
        <li class="list-item" data-testid="admin-workshop" data-workshop-id=id.to_string()>
            <div class="grow">
                <p class="item-title">{workshop.title.clone()}</p>
                <p class="item-meta">{move || format!("{} {} · {} · {} {}", format_date(i18n.lang.get(), local.date_naive()), local.format("%H:%M"), workshop.place, i18n.t(Msg::Capacity), workshop.capacity)}</p>
                <p class="item-meta" data-testid="workshop-going" data-going=move || count.get().0.to_string() data-capacity=move || count.get().1.to_string()>
                    {move || going_of_capacity(i18n.lang.get(), count.get().0, count.get().1)}
                </p>
            </div>
            <Show when=move || waiting.get()>
                <span class="pill pill-waiting">{i18n.tr(Msg::Waiting)}</span>
            </Show>
            <button class="button button-small" data-testid="show-qr" data-write=write::creates(Some(&SpaceId::Staff), RecordKind::CheckinCode) aria-expanded=move || showing.get().to_string() on:click=toggle>
                {move || if showing.get() { i18n.t(Msg::HideQr) } else { i18n.t(Msg::ShowQr) }}
            </button>
            <WriteErrorLine write=write />
            <details class="grow-full" data-testid="attendance-list" data-count=move || attendees.get().len().to_string()>
                <summary>{move || format!("{} ({})", i18n.t(Msg::Attendance), attendees.get().len())}</summary>
                <ul class="list">
                    {move || attendees.get().into_iter().map(|(student, name)| view! {
                        <li class="list-item" data-testid="attendee" data-student=student.to_string()>{name}</li>
                    }).collect_view()}
                </ul>
            </details>
            <Show when=move || showing.get()>
                {
                    let origin = origin.clone();
                    let qr_id = qr_id.clone();
                    move || code.get().map(|code| {
                        let link = checkin_link(&origin, &qr_id, &code);
                        view! {
                            <div class="qr-panel grow-full" data-testid="qr-panel" data-link=link.clone()>
                                <QrCodeImage text=link.clone() label=i18n.t(Msg::ShowQr).to_owned() />
                                <p class="qr-code-text" data-testid="qr-code-text">{code}</p>
                                <p class="muted">{i18n.tr(Msg::QrHelp)}</p>
                            </div>
                        }
                    })
                }
            </Show>
        </li>
    }
}

/// Seats left at a workshop after the student's own answers not yet synced: `going` is the count
/// last synced from the server, which counted the student as their synced answer said; each
/// not-yet-synced answer to the workshop (oldest first) moves it from there. Every answer flips
/// the one before (the RSVP button toggles), so the synced answer is the opposite of the first
/// waiting one. `None` when the workshop has no capacity set.
pub fn seats_left_now(capacity: u32, going: u32, waiting_answers: &[bool]) -> Option<u32> {
    if capacity == 0 {
        return None;
    }
    let mut going = i64::from(going);
    if let (Some(first), Some(last)) = (waiting_answers.first(), waiting_answers.last()) {
        let synced = !*first;
        going += i64::from(*last) - i64::from(synced);
    }
    let left = (i64::from(capacity) - going.max(0)).max(0);
    Some(u32::try_from(left).unwrap_or(0))
}

/// "Seats left: 12", or "Full" and what that means, for a student: from the count last synced,
/// with the student's own answer counted at once (offline too), so the number moves when they
/// answer rather than when the server has counted.
#[component]
pub fn SeatsLeft(
    workshop_id: RecordId,
    going: u32,
    capacity: u32,
    /// The student's space, where their answers wait to sync.
    space: Signal<Option<SpaceId>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let handle = use_engine();
    let seats = Memo::new(move |_| {
        let waiting: Vec<bool> = match (handle, space.get()) {
            (Some(handle), Some(space)) => handle.read(|engine| {
                engine
                    .outbox()
                    .into_iter()
                    .filter(|entry| entry.space == space)
                    .filter_map(|entry| match entry.pending.mutation {
                        Mutation::RsvpWorkshop {
                            workshop_id: target,
                            going,
                        } if target == workshop_id => Some(going),
                        _ => None,
                    })
                    .collect()
            }),
            _ => Vec::new(),
        };
        seats_left_now(capacity, going, &waiting)
    });
    move || {
        seats.get().map(|left| {
            let text = if left == 0 {
                i18n.t(Msg::WorkshopFull).to_owned()
            } else {
                seats_left(i18n.lang.get(), left)
            };
            view! {
                <p class="item-meta" data-testid="seats-left" data-seats=left.to_string() data-capacity=capacity.to_string()>{text}</p>
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::seats_left_now;
    use crate::i18n::{going_of_capacity, seats_left, Lang};

    #[test]
    fn counts_are_worded_in_both_languages() {
        assert_eq!(going_of_capacity(Lang::En, 23, 60), "Going 23 / 60");
        assert_eq!(going_of_capacity(Lang::ZhTw, 23, 60), "會參加 23 / 60");
        assert_eq!(seats_left(Lang::En, 12), "Seats left: 12");
        assert_eq!(seats_left(Lang::ZhTw, 12), "剩餘名額：12");
    }

    #[test]
    fn the_students_waiting_answer_counts_at_once() {
        assert_eq!(seats_left_now(60, 23, &[]), Some(37));
        // Going, not yet synced: one seat fewer.
        assert_eq!(seats_left_now(60, 23, &[true]), Some(36));
        // Took back a synced "going": one more.
        assert_eq!(seats_left_now(60, 23, &[false]), Some(38));
        // Said going, then took it back, both waiting: as synced.
        assert_eq!(seats_left_now(60, 23, &[true, false]), Some(37));
        assert_eq!(seats_left_now(60, 60, &[]), Some(0));
        assert_eq!(
            seats_left_now(60, 61, &[]),
            Some(0),
            "over capacity is full"
        );
        assert_eq!(seats_left_now(0, 3, &[true]), None, "no capacity set");
    }
}
