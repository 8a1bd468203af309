//! Announcements: staff write news to everyone in the program or to one cohort's students, offline
//! like every other change; students and mentors read the newest on their home screen.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use imp_shared::domain::{
    Announcement, AnnouncementPatch, Cohort, EntityPatch, Record, RecordKind,
};
use imp_shared::ids::{RecordId, SpaceId};
use imp_shared::mutation::Mutation;

use crate::components::confirm::DeleteButton;
use crate::components::form::{Field, InlineEdit, ListCard, Select, TextArea, WriteForm};
use crate::components::write;
use crate::i18n::{format_date, use_i18n, Msg};
use crate::sync::hooks::{
    program_space, use_pending_ids, use_typed, use_write, FormError, WriteErrorLine,
};
use crate::zone::in_program_zone;

/// How many announcements the home screen shows.
pub const ON_HOME: usize = 3;

/// The announcements `cohort_year`'s students see (everyone's, and their cohort's), newest first.
/// Staff and mentors (no cohort) see the ones to everyone.
pub fn visible_to(
    announcements: Vec<(RecordId, Announcement)>,
    cohort_year: Option<i32>,
) -> Vec<(RecordId, Announcement)> {
    let mut list: Vec<(RecordId, Announcement)> = announcements
        .into_iter()
        .filter(|(_, a)| a.cohort_year.is_none() || a.cohort_year == cohort_year)
        .collect();
    newest_first(&mut list);
    list
}

fn newest_first(list: &mut [(RecordId, Announcement)]) {
    list.sort_by(|(a_id, a), (b_id, b)| (b.published_at, b_id).cmp(&(a.published_at, a_id)));
}

/// "Everyone in the program" or "Students of cohort 2027".
fn audience_text(lang: crate::i18n::Lang, cohort_year: Option<i32>) -> String {
    match cohort_year {
        None => Msg::EveryoneInProgram.text(lang).to_owned(),
        Some(year) => format!("{} {year}", Msg::CohortStudents.text(lang)),
    }
}

fn published_text(lang: crate::i18n::Lang, at: DateTime<Utc>) -> String {
    format_date(lang, in_program_zone(at).date_naive())
}

/// Staff's announcements: write one to everyone or a cohort, correct or delete what was sent.
#[component]
pub fn AnnouncementsPage() -> impl IntoView {
    let i18n = use_i18n();
    let program = program_space();
    let announcements = use_typed::<Announcement>(program);
    let cohorts = use_typed::<Cohort>(program);
    let pending = use_pending_ids(program);
    let write = use_write();
    let title = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let audience = RwSignal::new(String::new());
    let publish = Callback::new(move |()| {
        let text = title.get_untracked().trim().to_owned();
        if text.is_empty() {
            write.fail(Msg::AnnouncementTitleRequired);
            return;
        }
        let announcement = Announcement {
            title: text,
            body: body.get_untracked().trim().to_owned(),
            published_at: Utc::now(),
            cohort_year: audience.get_untracked().parse().ok(),
        };
        let mutation = Mutation::Create {
            id: RecordId(format!("a-{}", uuid::Uuid::new_v4().simple())),
            record: announcement.into_entity(),
        };
        write.run(SpaceId::Program, mutation, move || {
            title.set(String::new());
            body.set(String::new());
        });
    });
    let title_missing = Signal::derive(move || {
        write.error.get() == Some(FormError::Form(Msg::AnnouncementTitleRequired))
    });
    let writes =
        Signal::derive(|| write::creates(Some(&SpaceId::Program), RecordKind::Announcement));
    let sorted = Memo::new(move |_| {
        let mut list = announcements.get();
        newest_first(&mut list);
        list
    });
    let years = Memo::new(move |_| {
        let mut years: Vec<i32> = cohorts.get().into_iter().map(|(_, c)| c.year).collect();
        years.sort_unstable_by(|a, b| b.cmp(a));
        years.dedup();
        years
    });
    view! {
        <h1>{i18n.tr(Msg::Announcements)}</h1>
        <section class="card">
            <h2 class="card-title">{i18n.tr(Msg::NewAnnouncement)}</h2>
            <WriteForm write=write writes=writes on_submit=publish submit=Msg::Publish
                submit_testid="publish-announcement" testid="announcement-form" error_id="announcement-error">
                <Field id="announcement-title" label=Msg::AnnouncementTitle value=title maxlength=200
                    invalid=title_missing described_by="announcement-error" />
                <TextArea id="announcement-body" label=Msg::AnnouncementBody value=body rows=4 maxlength=5000 />
                <Select id="announcement-for" label=Msg::AnnouncementFor value=audience>
                    <option value="">{i18n.tr(Msg::EveryoneInProgram)}</option>
                    {move || years.get().into_iter().map(|year| view! {
                        <option value=year.to_string()>
                            {move || audience_text(i18n.lang.get(), Some(year))}
                        </option>
                    }).collect_view()}
                </Select>
            </WriteForm>
        </section>
        <ListCard title=Msg::Announcements empty=Msg::NoAnnouncements
            count=Signal::derive(move || sorted.with(Vec::len)) testid="announcement-list">
            <For each=move || sorted.get() key=|(id, a)| (id.clone(), a.title.clone(), a.body.clone())
                let((id, announcement))>
                <AnnouncementItem id=id.clone() announcement=announcement
                    waiting=Signal::derive({ let id = id.clone(); move || pending.get().contains(&id) }) />
            </For>
        </ListCard>
    }
}

/// One announcement in staff's list: corrected in place, or deleted after a question.
#[component]
fn AnnouncementItem(
    id: RecordId,
    announcement: Announcement,
    waiting: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let write = use_write();
    let editing = RwSignal::new(false);
    let title = RwSignal::new(announcement.title.clone());
    let body = RwSignal::new(announcement.body.clone());
    let save = {
        let id = id.clone();
        Callback::new(move |()| {
            let text = title.get_untracked().trim().to_owned();
            if text.is_empty() {
                write.fail(Msg::AnnouncementTitleRequired);
                return;
            }
            let patch = AnnouncementPatch {
                title: Some(text),
                body: Some(body.get_untracked().trim().to_owned()),
                ..AnnouncementPatch::default()
            };
            let mutation = Mutation::Update {
                id: id.clone(),
                patch: EntityPatch::Announcement(patch),
            };
            write.run(SpaceId::Program, mutation, move || editing.set(false));
        })
    };
    let cancel = {
        let (old_title, old_body) = (announcement.title.clone(), announcement.body.clone());
        Callback::new(move |()| {
            title.set(old_title.clone());
            body.set(old_body.clone());
        })
    };
    let delete = {
        let id = id.clone();
        Callback::new(move |()| {
            write.dispatch((
                SpaceId::Program,
                Mutation::Delete {
                    kind: RecordKind::Announcement,
                    id: id.clone(),
                },
            ))
        })
    };
    let change_tag = {
        let id = id.clone();
        Signal::derive(move || {
            write::changes(Some(&SpaceId::Program), RecordKind::Announcement, &id)
        })
    };
    let delete_tag = write::deletes(Some(&SpaceId::Program), RecordKind::Announcement, &id);
    let shown = {
        let announcement = announcement.clone();
        ViewFn::from(move || {
            let announcement = announcement.clone();
            view! {
                <div class="grow">
                    <p class="item-title" data-testid="announcement-title">{announcement.title.clone()}</p>
                    <p class="item-body" data-testid="announcement-body">{announcement.body.clone()}</p>
                </div>
            }
        })
    };
    let (published, cohort_year) = (announcement.published_at, announcement.cohort_year);
    let edit_title_id = format!("edit-announcement-title-{id}");
    let edit_body_id = format!("edit-announcement-body-{id}");
    view! {
        <li class="list-item" data-testid="announcement" data-id=id.to_string()>
            <InlineEdit open=editing write=write writes=change_tag on_save=save on_cancel=cancel
                edit_testid="edit-announcement" shown=shown>
                <Field id=edit_title_id.clone() testid="edit-announcement-title" label=Msg::AnnouncementTitle
                    value=title
                    maxlength=200 />
                <TextArea id=edit_body_id.clone() testid="edit-announcement-body" label=Msg::AnnouncementBody value=body
                    maxlength=5000 />
            </InlineEdit>
            <p class="item-meta grow-full" data-testid="announcement-meta">
                {move || published_text(i18n.lang.get(), published)}" · "
                {move || audience_text(i18n.lang.get(), cohort_year)}
            </p>
            <Show when=move || waiting.get()>
                <span class="pill pill-waiting" data-testid="waiting">{i18n.tr(Msg::Waiting)}</span>
            </Show>
            <DeleteButton testid="delete-announcement" writes=delete_tag
                title=Msg::ConfirmDeleteAnnouncementTitle body=Msg::ConfirmDeleteAnnouncementBody
                on_delete=delete />
            <WriteErrorLine write=write />
        </li>
    }
}

/// The newest announcements for a student of `cohort_year` (or for everyone), on the home
/// screen; nothing when there are none.
#[component]
pub fn LatestAnnouncements(#[prop(into)] cohort_year: Signal<Option<i32>>) -> impl IntoView {
    let i18n = use_i18n();
    let announcements = use_typed::<Announcement>(program_space());
    let latest = Memo::new(move |_| {
        let mut list = visible_to(announcements.get(), cohort_year.get());
        list.truncate(ON_HOME);
        list
    });
    view! {
        <Show when=move || !latest.with(Vec::is_empty)>
            <section class="card" data-testid="latest-announcements">
                <h2 class="card-title">{i18n.tr(Msg::FromTheProgram)}</h2>
                <ul class="list">
                    {move || latest.get().into_iter().map(|(id, a)| view! {
                        <li class="list-item" data-testid="home-announcement" data-id=id.to_string()>
                            <div class="grow">
                                <p class="item-title">{a.title.clone()}</p>
                                <p class="item-body">{a.body.clone()}</p>
                                <p class="item-meta">{move || published_text(i18n.lang.get(), a.published_at)}</p>
                            </div>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn announcement(title: &str, day: u32, cohort_year: Option<i32>) -> (RecordId, Announcement) {
        let published_at = Utc
            .with_ymd_and_hms(2027, 3, day, 1, 0, 0)
            .single()
            .expect("a test time");
        let record = Announcement {
            title: title.to_owned(),
            body: String::new(),
            published_at,
            cohort_year,
        };
        (RecordId(format!("a-{title}")), record)
    }

    #[test]
    fn students_see_everyones_news_and_their_cohorts_newest_first() {
        let all = vec![
            announcement("old", 1, None),
            announcement("cohort-2027", 3, Some(2027)),
            announcement("cohort-2026", 4, Some(2026)),
            announcement("new", 5, None),
        ];
        let titles = |list: Vec<(RecordId, Announcement)>| -> Vec<String> {
            list.into_iter().map(|(_, a)| a.title).collect()
        };
        assert_eq!(
            titles(visible_to(all.clone(), Some(2027))),
            ["new", "cohort-2027", "old"]
        );
        assert_eq!(titles(visible_to(all, None)), ["new", "old"]);
    }
}
