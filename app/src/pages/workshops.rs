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

use crate::components::form::{Field, Input, ListCard, Select, WriteForm};
use crate::components::qr::QrCodeImage;
use crate::components::write;
use crate::i18n::{going_of_capacity, seats_left, use_i18n, Msg};
use crate::pages::home::date_time;
use crate::pages::sessions::minute_options;
use crate::sync::hooks::{
    program_space, use_engine, use_pending_ids, use_typed, use_write, WriteErrorLine,
};
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
    let submit = Callback::new(move |()| {
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
    });
    let writes = write::creates(Some(&SpaceId::Program), RecordKind::Workshop);
    view! {
        <section class="card">
            <h2 class="card-title">{i18n.tr(Msg::NewWorkshop)}</h2>
            <WriteForm write=write writes=writes on_submit=submit submit=Msg::NewWorkshop
                submit_testid="create-workshop" testid="workshop-form">
                <Field id="workshop-title" label=Msg::WorkshopTitle value=title maxlength=200 />
                <div class="form-inline">
                    <Field id="workshop-date" label=Msg::Date value=date input=Input::Date />
                    <Field id="workshop-time" label=Msg::Time value=time input=Input::Time />
                    <Select id="workshop-duration" label=Msg::Duration value=duration>
                        {minute_options([60, 90, 120, 180])}
                    </Select>
                    <Field id="workshop-capacity" label=Msg::Capacity value=capacity input=Input::Number
                        min="1" max="10000" />
                </div>
                <Field id="workshop-place" label=Msg::Place value=place maxlength=200 />
            </WriteForm>
        </section>
    }
}

#[component]
fn WorkshopList() -> impl IntoView {
    let program = program_space();
    let workshops = use_typed::<Workshop>(program);
    let pending = use_pending_ids(program);
    let list = Memo::new(move |_| {
        let mut list = workshops.get();
        list.sort_by(|(a_id, a), (b_id, b)| (b.starts_at, b_id).cmp(&(a.starts_at, a_id)));
        list
    });
    let waiting = move |id: RecordId| Signal::derive(move || pending.with(|ids| ids.contains(&id)));
    let count = move |id: RecordId| {
        Signal::derive(move || {
            list.with(|list| {
                list.iter()
                    .find(|(key, _)| *key == id)
                    .map(|(_, w)| (w.going, w.capacity))
                    .unwrap_or_default()
            })
        })
    };
    view! {
        <ListCard title=Msg::ManageWorkshops empty=Msg::NoWorkshops count=Signal::derive(move || list.with(Vec::len))
            testid="workshop-admin-list">
            <For each=move || list.get() key=|(id, w)| (id.clone(), w.title.clone(), w.starts_at)
                let((id, workshop))>
                <WorkshopItem id=id.clone() workshop=workshop waiting=waiting(id.clone()) count=count(id) />
            </For>
        </ListCard>
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
    let codes = use_typed::<CheckinCode>(Signal::derive(|| Some(SpaceId::Staff)));
    let showing = RwSignal::new(false);
    let code = {
        let id = id.clone();
        Memo::new(move |_| {
            codes.with(|codes| {
                codes
                    .iter()
                    .find(|(key, _)| *key == id)
                    .map(|(_, checkin)| checkin.code.clone())
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
    let (place, capacity) = (workshop.place.clone(), workshop.capacity);
    let meta = move || {
        let (lang, label) = (i18n.lang.get(), i18n.t(Msg::Capacity));
        format!("{} · {place} · {label} {capacity}", date_time(lang, local))
    };
    let going = move || going_of_capacity(i18n.lang.get(), count.get().0, count.get().1);
    let qr_label = move || {
        i18n.t(if showing.get() {
            Msg::HideQr
        } else {
            Msg::ShowQr
        })
    };
    let qr_write = write::creates(Some(&SpaceId::Staff), RecordKind::CheckinCode);
    let attendance = move || format!("{} ({})", i18n.t(Msg::Attendance), attendees.with(Vec::len));
    let qr_panel = {
        let id = id.clone();
        move || {
            code.get().map(|code| {
                let link = checkin_link(&origin, &id, &code);
                view! {
                    <div class="qr-panel grow-full" data-testid="qr-panel" data-link=link.clone()>
                        <QrCodeImage text=link.clone() label=i18n.t(Msg::ShowQr).to_owned() />
                        <p class="qr-code-text" data-testid="qr-code-text">{code}</p>
                        <p class="muted">{i18n.tr(Msg::QrHelp)}</p>
                    </div>
                }
            })
        }
    };
    view! {
        <li class="list-item" data-testid="admin-workshop" data-workshop-id=id.to_string()>
            <div class="grow">
                <p class="item-title">{workshop.title.clone()}</p>
                <p class="item-meta">{meta}</p>
                <p class="item-meta" data-testid="workshop-going" data-going=move || count.get().0.to_string()
                    data-capacity=move || count.get().1.to_string()>
                    {going}
                </p>
            </div>
            <Show when=move || waiting.get()>
                <span class="pill pill-waiting">{i18n.tr(Msg::Waiting)}</span>
            </Show>
            <button class="button button-small" data-testid="show-qr" data-write=qr_write
                aria-expanded=move || showing.get().to_string() on:click=toggle>
                {qr_label}
            </button>
            <WriteErrorLine write=write />
            <details class="grow-full" data-testid="attendance-list"
                data-count=move || attendees.with(Vec::len).to_string()>
                <summary>{attendance}</summary>
                <ul class="list">
                    {move || attendees.get().into_iter().map(|(student, name)| view! {
                        <li class="list-item" data-testid="attendee" data-student=student.to_string()>{name}</li>
                    }).collect_view()}
                </ul>
            </details>
            <Show when=move || showing.get()>{qr_panel.clone()}</Show>
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
                <p class="item-meta" data-testid="seats-left" data-seats=left.to_string()
                    data-capacity=capacity.to_string()>{text}</p>
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
