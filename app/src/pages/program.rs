//! The program's own data, for staff: cohorts (intake year, ranking deadline and limit), partner
//! universities, organizations (approval, industry, contact), their positions (slots, paid,
//! housing, languages, open or closed) and mentors (organization, expertise, languages, capacity).
//! A row's fields are edited with the app's one inline edit (Edit, then Save: a field-level patch
//! of only the fields that changed); a tick (approved, open, paid, housing) saves at once. Every
//! change goes to the program space and is saved offline at once.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use leptos::ev::Event;
use leptos::prelude::*;

use imp_shared::domain::{
    Cohort, CohortPatch, Entity, EntityPatch, MentorProfile, MentorProfilePatch, Organization,
    OrganizationPatch, PartnerUniversity, Position, PositionPatch, RecordKind,
};
use imp_shared::ids::{RecordId, SpaceId};
use imp_shared::mutation::Mutation;
use leptos_router::components::A;

use crate::components::form::{Bound, Draft, Field, InlineEdit, Input, Select, WriteForm};
use crate::components::list::{ListFooter, Paging, SearchField};
use crate::components::write;
use crate::i18n::{format_date, use_i18n, Msg};
use crate::pages::profile::split_list;
use crate::sync::hooks::{program_space, use_typed, use_write, FormWrite, WriteErrorLine};
use crate::zone::{in_program_zone, local_to_utc, PROGRAM_ZONE};

/// A deadline typed as a Taipei date means 23:59 that day.
fn deadline_from_date(text: &str) -> Option<DateTime<Utc>> {
    let day = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    local_to_utc(PROGRAM_ZONE, day, NaiveTime::from_hms_opt(23, 59, 0)?)
}

/// The Taipei day a deadline falls on.
fn deadline_day(deadline: Option<DateTime<Utc>>) -> Option<NaiveDate> {
    deadline.map(|at| in_program_zone(at).date_naive())
}

/// Saves a tick on a program record at once (a refusal shows on the row's error line).
fn tick(write: FormWrite, id: RecordId, patch: EntityPatch) {
    write.dispatch((SpaceId::Program, Mutation::Update { id, patch }));
}

/// Saves an inline edit: only the changed fields go into `patch`, so other people's edits of the
/// other fields survive. The edit closes (showing the stored record again) once the change is
/// accepted; a refused edit stays open with what was typed and the reason.
fn save_edit<const N: usize>(
    write: FormWrite,
    open: RwSignal<bool>,
    id: RecordId,
    patch: EntityPatch,
    drafts: [Draft; N],
) {
    let close = move || {
        for draft in drafts {
            draft.reset();
        }
        open.set(false);
    };
    if patch.fields().is_empty() {
        write.clear();
        close();
        return;
    }
    write.run(SpaceId::Program, Mutation::Update { id, patch }, close);
}

/// Creates a record; `on_accepted` (clearing the form) runs only once the change is stored.
fn create(write: FormWrite, prefix: &str, record: Entity, on_accepted: impl FnOnce() + 'static) {
    write.run(
        SpaceId::Program,
        Mutation::Create {
            id: RecordId(format!("{prefix}-{}", uuid::Uuid::new_v4().simple())),
            record,
        },
        on_accepted,
    );
}

/// A row's record as it is now. Rows are keyed by id, so an open edit survives sync and changes
/// to other records; a row on its way out keeps its last value.
fn live<T>(list: Memo<Vec<(RecordId, T)>>, id: RecordId, first: T) -> Memo<T>
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    Memo::new(move |last: Option<&T>| {
        list.with(|rows| {
            rows.iter()
                .find(|(key, _)| *key == id)
                .map(|(_, record)| record.clone())
        })
        .unwrap_or_else(|| last.cloned().unwrap_or_else(|| first.clone()))
    })
}

/// A record's field as the text its draft starts from.
fn stored<T>(record: Memo<T>, read: fn(&T) -> String) -> Signal<String>
where
    T: Send + Sync + 'static,
{
    Signal::derive(move || record.with(read))
}

/// Every organization's name by id, sorted by name (for choosing and filtering).
fn organization_names(orgs: Memo<Vec<(RecordId, Organization)>>) -> Memo<Vec<(RecordId, String)>> {
    Memo::new(move |_| {
        let mut list: Vec<(RecordId, String)> = orgs
            .get()
            .into_iter()
            .map(|(id, org)| (id, org.name))
            .collect();
        list.sort_by(|a, b| a.1.cmp(&b.1));
        list
    })
}

/// The program screen.
#[component]
pub fn ProgramPage() -> impl IntoView {
    let i18n = use_i18n();
    // Each row has its own writes, so a refusal is explained where the person is: under the row
    // they edited, or under the section's "add" form.
    view! {
        <h1>{i18n.tr(Msg::ProgramData)}</h1>
        <A href="/visa-routes" attr:class="card-link" attr:data-testid="open-visa-routes">
            {i18n.tr(Msg::VisaEditLink)}
        </A>
        <Cohorts />
        <Universities />
        <Organizations />
        <Positions />
        <Mentors />
    }
}

#[component]
fn Cohorts() -> impl IntoView {
    let adding = use_write();
    let records = use_typed::<Cohort>(program_space());
    let cohorts = Memo::new(move |_| {
        let mut list = records.get();
        list.sort_by_key(|(_, c)| std::cmp::Reverse(c.year));
        list
    });
    let year = RwSignal::new(String::new());
    let deadline = RwSignal::new(String::new());
    let add = Callback::new(move |()| {
        let Ok(year_value) = year.get_untracked().trim().parse::<i32>() else {
            return;
        };
        create(
            adding,
            "cohort",
            Entity::Cohort(Cohort {
                year: year_value,
                name: format!("IMP {year_value}"),
                ranking_deadline: deadline_from_date(&deadline.get_untracked()),
                max_rankings: 5,
            }),
            move || year.set(String::new()),
        );
    });
    let i18n = use_i18n();
    view! {
        <section class="card" data-testid="cohorts">
            <h2 class="card-title">{i18n.tr(Msg::Cohorts)}</h2>
            <ul class="list">
                <For each=move || cohorts.get() key=|(id, _)| id.clone() let((id, cohort))>
                    <CohortRow list=cohorts id=id first=cohort />
                </For>
            </ul>
            <WriteForm write=adding writes=write::creates(Some(&SpaceId::Program), RecordKind::Cohort)
                on_submit=add submit=Msg::Add inline=true>
                <Field id="new-cohort-year" label=Msg::CohortYear value=year input=Input::Number min="1950"
                    max="2100" />
                <Field id="new-cohort-deadline" label=Msg::RankingDeadline value=deadline input=Input::Date />
            </WriteForm>
        </section>
    }
}

/// A cohort: its name, its ranking deadline and limit, edited inline.
#[component]
fn CohortRow(list: Memo<Vec<(RecordId, Cohort)>>, id: RecordId, first: Cohort) -> impl IntoView {
    let i18n = use_i18n();
    let write = use_write();
    let open = RwSignal::new(false);
    let cohort = live(list, id.clone(), first);
    let day = move || cohort.with(|c| deadline_day(c.ranking_deadline));
    let deadline = Draft::new(Signal::derive(move || {
        day().map(|d| d.to_string()).unwrap_or_default()
    }));
    let max = Draft::new(stored(cohort, |c| c.max_rankings.to_string()));
    let drafts = [deadline, max];
    let save = {
        let id = id.clone();
        Callback::new(move |()| {
            let current = cohort.get_untracked();
            let Ok(new_max @ 1..=10) = max.text_untracked().trim().parse::<u8>() else {
                write.fail(Msg::EnterMaxChoices);
                return;
            };
            let old_day = deadline_day(current.ranking_deadline)
                .map(|d| d.to_string())
                .unwrap_or_default();
            let patch = CohortPatch {
                ranking_deadline: deadline
                    .changed_from(&old_day)
                    .map(|day| deadline_from_date(&day)),
                max_rankings: (new_max != current.max_rankings).then_some(new_max),
                ..CohortPatch::default()
            };
            save_edit(write, open, id.clone(), EntityPatch::Cohort(patch), drafts);
        })
    };
    let cancel = Callback::new(move |()| drafts.iter().for_each(Draft::reset));
    let shown = ViewFn::from(move || {
        view! {
            <span class="item-meta" data-testid="cohort-rules">
                {move || day().map(|d| {
                    format!("{} {} · ", i18n.t(Msg::RankingDeadline), format_date(i18n.lang.get(), d))
                })}
                {move || format!("{} {}", i18n.t(Msg::MaxChoices), cohort.with(|c| c.max_rankings))}
            </span>
        }
    });
    let tag = write::changes(Some(&SpaceId::Program), RecordKind::Cohort, &id);
    let row_tag = tag.clone();
    let (deadline_id, max_id) = (format!("deadline-{id}"), format!("max-{id}"));
    view! {
        <li class="list-item" data-testid="cohort" data-write=row_tag data-cohort-id=id.to_string()
            data-deadline=move || day().map(|d| d.to_string()).unwrap_or_default()>
            <p class="item-title grow">{move || cohort.with(|c| c.name.clone())}</p>
            <InlineEdit open=open write=write writes=tag on_save=save on_cancel=cancel edit_testid="edit-cohort"
                shown=shown>
                <Field id=deadline_id.clone() testid="cohort-deadline" label=Msg::RankingDeadline value=deadline
                    input=Input::Date />
                <Field id=max_id.clone() testid="cohort-max" label=Msg::MaxChoices value=max input=Input::Number
                    min="1" max="10" />
            </InlineEdit>
            <WriteErrorLine write=write />
        </li>
    }
}

#[component]
fn Universities() -> impl IntoView {
    let i18n = use_i18n();
    let adding = use_write();
    let universities = use_typed::<PartnerUniversity>(program_space());
    let name = RwSignal::new(String::new());
    let country = RwSignal::new(String::new());
    let add = Callback::new(move |()| {
        create(
            adding,
            "university",
            Entity::PartnerUniversity(PartnerUniversity {
                name: name.get_untracked().trim().to_owned(),
                country: country.get_untracked().trim().to_owned(),
            }),
            move || {
                name.set(String::new());
                country.set(String::new());
            },
        );
    });
    view! {
        <section class="card" data-testid="universities">
            <h2 class="card-title">{i18n.tr(Msg::PartnerUniversities)}</h2>
            <ul class="list">
                {move || universities.get().into_iter().map(|(_, u)| view! {
                    <li class="list-item" data-testid="university">
                        <span class="item-title grow">{u.name}</span>
                        <span class="item-meta">{u.country}</span>
                    </li>
                }).collect_view()}
            </ul>
            <WriteForm write=adding writes=write::creates(Some(&SpaceId::Program), RecordKind::PartnerUniversity)
                on_submit=add submit=Msg::Add inline=true>
                <Field id="new-university" label=Msg::University value=name maxlength=200 />
                <Field id="new-university-country" label=Msg::Country value=country maxlength=200 />
            </WriteForm>
        </section>
    }
}

#[component]
fn Organizations() -> impl IntoView {
    let i18n = use_i18n();
    let adding = use_write();
    let records = use_typed::<Organization>(program_space());
    let query = RwSignal::new(String::new());
    let matching = Memo::new(move |_| {
        let needle = query.get().trim().to_lowercase();
        let mut list = records.get();
        list.retain(|(_, o)| {
            needle.is_empty()
                || o.name.to_lowercase().contains(&needle)
                || o.industry.to_lowercase().contains(&needle)
        });
        // Organizations waiting for approval first.
        list.sort_by(|(a_id, a), (b_id, b)| {
            (a.approved, &a.name, a_id).cmp(&(b.approved, &b.name, b_id))
        });
        list
    });
    let paging = Paging::new();
    let shown = Memo::new(move |_| paging.page(matching.get()));
    let name = RwSignal::new(String::new());
    let industry = RwSignal::new(String::new());
    let industry_zh = RwSignal::new(String::new());
    let add = Callback::new(move |()| {
        create(
            adding,
            "org",
            Entity::Organization(Organization {
                name: name.get_untracked().trim().to_owned(),
                industry: industry.get_untracked().trim().to_owned(),
                industry_zh: industry_zh.get_untracked().trim().to_owned(),
                approved: false,
                contact_email: None,
                cohort_years: Vec::new(),
            }),
            move || {
                name.set(String::new());
                industry.set(String::new());
                industry_zh.set(String::new());
            },
        );
    });
    view! {
        <section class="card" data-testid="organizations">
            <h2 class="card-title">{i18n.tr(Msg::Organizations)}</h2>
            <SearchField id="org-search" query=query paging=paging />
            <ul class="list">
                <For each=move || shown.get() key=|(id, _)| id.clone() let((id, org))>
                    <OrganizationRow list=shown id=id first=org />
                </For>
            </ul>
            <ListFooter paging=paging testid="organizations-count" matching=Signal::derive(move || matching.get().len())
                all=Signal::derive(move || records.get().len()) />
            <WriteForm write=adding writes=write::creates(Some(&SpaceId::Program), RecordKind::Organization)
                on_submit=add submit=Msg::Add submit_testid="add-organization" testid="new-organization"
                inline=true>
                <Field id="new-org-name" label=Msg::OrganizationName value=name maxlength=200 />
                <Field id="new-org-industry" label=Msg::Industry value=industry maxlength=200 />
                <Field id="new-org-industry-zh" label=Msg::IndustryZh value=industry_zh maxlength=200 lang="zh-TW" />
            </WriteForm>
        </section>
    }
}

/// An organization: its approval (a tick that saves at once), and its industry in both languages
/// and contact, edited inline.
#[component]
fn OrganizationRow(
    list: Memo<Vec<(RecordId, Organization)>>,
    id: RecordId,
    first: Organization,
) -> impl IntoView {
    let i18n = use_i18n();
    let write = use_write();
    let open = RwSignal::new(false);
    let org = live(list, id.clone(), first);
    let industry = Draft::new(stored(org, |o| o.industry.clone()));
    let industry_zh = Draft::new(stored(org, |o| o.industry_zh.clone()));
    let contact = Draft::new(stored(org, |o| o.contact_email.clone().unwrap_or_default()));
    let drafts = [industry, industry_zh, contact];
    let save = {
        let id = id.clone();
        Callback::new(move |()| {
            let current = org.get_untracked();
            let old_contact = current.contact_email.clone().unwrap_or_default();
            let patch = OrganizationPatch {
                industry: industry.changed_from(&current.industry),
                industry_zh: industry_zh.changed_from(&current.industry_zh),
                contact_email: contact
                    .changed_from(&old_contact)
                    .map(|text| (!text.is_empty()).then_some(text)),
                ..OrganizationPatch::default()
            };
            save_edit(
                write,
                open,
                id.clone(),
                EntityPatch::Organization(patch),
                drafts,
            );
        })
    };
    let cancel = Callback::new(move |()| drafts.iter().for_each(Draft::reset));
    let approve = {
        let id = id.clone();
        move |event: Event| {
            let patch = OrganizationPatch {
                approved: Some(event_target_checked(&event)),
                ..OrganizationPatch::default()
            };
            tick(write, id.clone(), EntityPatch::Organization(patch));
        }
    };
    let shown = ViewFn::from(move || {
        view! {
            <span class="item-meta">
                {move || org.with(|o| o.industry.clone())}
                {move || org.with(|o| (!o.industry_zh.is_empty()).then(|| view! {
                    " · "<span lang="zh-TW">{o.industry_zh.clone()}</span>
                }))}
                {move || org.with(|o| o.contact_email.clone()).map(|email| format!(" · {email}"))}
            </span>
        }
    });
    let tag = write::changes(Some(&SpaceId::Program), RecordKind::Organization, &id);
    let row_tag = tag.clone();
    let approve_id = format!("approve-{id}");
    let report = format!("/partner?id={id}");
    let ids = (
        format!("industry-{id}"),
        format!("industry-zh-{id}"),
        format!("contact-{id}"),
    );
    view! {
        <li class="list-item" data-testid="organization" data-write=row_tag
            data-name=move || org.with(|o| o.name.clone()) data-approved=move || org.with(|o| o.approved.to_string())>
            <p class="item-title grow-full">{move || org.with(|o| o.name.clone())}</p>
            <A href=report attr:class="button button-small" attr:data-testid="partner-report">
                {i18n.tr(Msg::PartnerReportLink)}
            </A>
            <label class="check" for=approve_id.clone()>
                <input id=approve_id.clone() type="checkbox" data-testid="org-approved"
                    prop:checked=move || org.with(|o| o.approved) on:change=approve />
                {i18n.tr(Msg::Approved)}
            </label>
            <InlineEdit open=open write=write writes=tag on_save=save on_cancel=cancel
                edit_testid="edit-organization" shown=shown>
                <Field id=ids.0.clone() testid="org-industry" label=Msg::Industry value=industry maxlength=200 />
                <Field id=ids.1.clone() testid="org-industry-zh" label=Msg::IndustryZh value=industry_zh
                    maxlength=200 lang="zh-TW" />
                <Field id=ids.2.clone() testid="org-contact" label=Msg::Contact value=contact input=Input::Email />
            </InlineEdit>
            <WriteErrorLine write=write />
        </li>
    }
}

/// A position as the staff list shows it: with its organization's name.
#[derive(Debug, Clone, PartialEq)]
struct AdminPosition {
    position: Position,
    organization: String,
}

#[component]
fn Positions() -> impl IntoView {
    let i18n = use_i18n();
    let adding = use_write();
    let records = use_typed::<Position>(program_space());
    let orgs = use_typed::<Organization>(program_space());
    let cohorts = use_typed::<Cohort>(program_space());
    let query = RwSignal::new(String::new());
    let org_filter = RwSignal::new(String::new());
    let paging = Paging::new();
    let years = Memo::new(move |_| {
        let mut years: Vec<i32> = cohorts.get().into_iter().map(|(_, c)| c.year).collect();
        years.sort_unstable_by(|a, b| b.cmp(a));
        years
    });
    // The cohort shown: the one chosen, or the latest.
    let year_choice = Draft::new(Signal::derive(move || {
        years.with(|years| years.first().map(ToString::to_string).unwrap_or_default())
    }));
    let latest = Memo::new(move |_| year_choice.text().trim().parse::<i32>().ok());
    let org_options = organization_names(orgs);
    let org_name = move |id: &RecordId| {
        orgs.with(|orgs| {
            orgs.iter()
                .find(|(key, _)| key == id)
                .map(|(_, o)| o.name.clone())
        })
        .unwrap_or_default()
    };
    let of_year = Memo::new(move |_| {
        let year = latest.get();
        records.with(|list| {
            list.iter()
                .filter(|(_, p)| Some(p.cohort_year) == year)
                .count()
        })
    });
    let matching = Memo::new(move |_| {
        let needle = query.get().trim().to_lowercase();
        let year = latest.get();
        let org = org_filter.get();
        let mut list: Vec<(RecordId, AdminPosition)> = records
            .get()
            .into_iter()
            .filter(|(_, p)| Some(p.cohort_year) == year)
            .filter(|(_, p)| org.is_empty() || p.organization_id.as_str() == org)
            .map(|(id, position)| {
                let organization = org_name(&position.organization_id);
                (
                    id,
                    AdminPosition {
                        position,
                        organization,
                    },
                )
            })
            .filter(|(_, row)| {
                needle.is_empty()
                    || row.position.title.to_lowercase().contains(&needle)
                    || row.organization.to_lowercase().contains(&needle)
            })
            .collect();
        list.sort_by(|(_, a), (_, b)| {
            (&a.organization, &a.position.title).cmp(&(&b.organization, &b.position.title))
        });
        list
    });
    let shown = Memo::new(move |_| paging.page(matching.get()));
    let approved = Memo::new(move |_| {
        let mut list: Vec<(RecordId, String)> = orgs
            .get()
            .into_iter()
            .filter(|(_, o)| o.approved)
            .map(|(id, o)| (id, o.name))
            .collect();
        list.sort_by(|a, b| a.1.cmp(&b.1));
        list
    });
    let new_org = RwSignal::new(String::new());
    let new_title = RwSignal::new(String::new());
    let add = Callback::new(move |()| {
        let (Some(year), false) = (latest.get_untracked(), new_org.get_untracked().is_empty())
        else {
            return;
        };
        create(
            adding,
            "pos",
            Entity::Position(Position {
                organization_id: RecordId(new_org.get_untracked()),
                cohort_year: year,
                title: new_title.get_untracked().trim().to_owned(),
                slots: 1,
                paid: true,
                housing: false,
                languages: vec!["English".to_owned()],
                description: String::new(),
                open: true,
            }),
            move || new_title.set(String::new()),
        );
    });
    let title = move || {
        let year = latest.get().map(|y| y.to_string()).unwrap_or_default();
        format!("{} · {year}", i18n.t(Msg::Positions))
    };
    view! {
        <section class="card" data-testid="program-positions">
            <h2 class="card-title">{title}</h2>
            <div class="form-inline" data-local="filters">
                <SearchField id="position-admin-search" query=query paging=paging />
                <Select id="position-admin-cohort" label=Msg::CohortYear value=year_choice
                    on_edit=Callback::new(move |()| paging.reset())>
                    {move || years.get().into_iter().map(|year| {
                        let selected = Some(year) == latest.get();
                        view! { <option value=year.to_string() selected=selected>{year}</option> }
                    }).collect_view()}
                </Select>
                <OrganizationFilter id="position-admin-org" options=org_options filter=org_filter paging=paging />
            </div>
            <ul class="list">
                <For each=move || shown.get() key=|(id, _)| id.clone() let((id, row))>
                    <PositionRow list=shown id=id first=row />
                </For>
            </ul>
            <ListFooter paging=paging testid="positions-count" matching=Signal::derive(move || matching.get().len())
                all=Signal::derive(move || of_year.get()) />
            <WriteForm write=adding writes=write::creates(Some(&SpaceId::Program), RecordKind::Position)
                on_submit=add submit=Msg::Add inline=true>
                <Select id="new-position-org" label=Msg::OrganizationName value=new_org>
                    <option value="">"—"</option>
                    {move || approved.get().into_iter().map(|(id, name)| view! {
                        <option value=id.to_string()>{name}</option>
                    }).collect_view()}
                </Select>
                <Field id="new-position-title" label=Msg::WorkshopTitle value=new_title maxlength=200 />
            </WriteForm>
        </section>
    }
}

/// A position: open for ranking, paid and housing (ticks that save at once), and its places and
/// languages, edited inline.
#[component]
fn PositionRow(
    list: Memo<Vec<(RecordId, AdminPosition)>>,
    id: RecordId,
    first: AdminPosition,
) -> impl IntoView {
    let i18n = use_i18n();
    let write = use_write();
    let open = RwSignal::new(false);
    let row = live(list, id.clone(), first);
    let slots = Draft::new(stored(row, |r| r.position.slots.to_string()));
    let languages = Draft::new(stored(row, |r| r.position.languages.join(", ")));
    let drafts = [slots, languages];
    let save = {
        let id = id.clone();
        Callback::new(move |()| {
            let current = row.get_untracked().position;
            let Ok(new_slots @ 1..=100) = slots.text_untracked().trim().parse::<u32>() else {
                write.fail(Msg::EnterPlaces);
                return;
            };
            let new_languages = split_list(&languages.text_untracked());
            let patch = PositionPatch {
                slots: (new_slots != current.slots).then_some(new_slots),
                languages: (new_languages != current.languages).then_some(new_languages),
                ..PositionPatch::default()
            };
            save_edit(
                write,
                open,
                id.clone(),
                EntityPatch::Position(patch),
                drafts,
            );
        })
    };
    let cancel = Callback::new(move |()| drafts.iter().for_each(Draft::reset));
    let flag = {
        let id = id.clone();
        move |set: fn(&mut PositionPatch, bool)| {
            let id = id.clone();
            move |event: Event| {
                let mut patch = PositionPatch::default();
                set(&mut patch, event_target_checked(&event));
                tick(write, id.clone(), EntityPatch::Position(patch));
            }
        }
    };
    let shown = ViewFn::from(move || {
        view! {
            <span class="item-meta">
                {move || row.with(|r| {
                    let (slots, languages) = (r.position.slots, r.position.languages.join(", "));
                    format!("{} {slots} · {} {languages}", i18n.t(Msg::Slots), i18n.t(Msg::LanguagesNeeded))
                })}
            </span>
        }
    });
    let tag = write::changes(Some(&SpaceId::Program), RecordKind::Position, &id);
    let row_tag = tag.clone();
    let ids = [
        format!("slots-{id}"),
        format!("paid-{id}"),
        format!("housing-{id}"),
        format!("open-{id}"),
    ];
    let langs_id = format!("langs-{id}");
    let on_paid = flag(|patch, on| patch.paid = Some(on));
    let on_housing = flag(|patch, on| patch.housing = Some(on));
    let on_open = flag(|patch, on| patch.open = Some(on));
    view! {
        <li class="list-item" data-testid="admin-position" data-write=row_tag data-position-id=id.to_string()
            data-open=move || row.with(|r| r.position.open.to_string())
            data-slots=move || row.with(|r| r.position.slots.to_string())>
            <div class="grow-full">
                <p class="item-title">{move || row.with(|r| r.position.title.clone())}</p>
                <p class="item-meta">{move || row.with(|r| r.organization.clone())}</p>
            </div>
            <label class="check" for=ids[1].clone()>
                <input id=ids[1].clone() type="checkbox" prop:checked=move || row.with(|r| r.position.paid)
                    on:change=on_paid />
                {i18n.tr(Msg::Paid)}
            </label>
            <label class="check" for=ids[2].clone()>
                <input id=ids[2].clone() type="checkbox" prop:checked=move || row.with(|r| r.position.housing)
                    on:change=on_housing />
                {i18n.tr(Msg::Housing)}
            </label>
            <label class="check" for=ids[3].clone()>
                <input id=ids[3].clone() type="checkbox" data-testid="position-open"
                    prop:checked=move || row.with(|r| r.position.open) on:change=on_open />
                {i18n.tr(Msg::OpenForRanking)}
            </label>
            <InlineEdit open=open write=write writes=tag on_save=save on_cancel=cancel edit_testid="edit-position"
                shown=shown>
                <Field id=ids[0].clone() testid="position-slots" label=Msg::Slots value=slots input=Input::Number
                    min="1" max="100" />
                <Field id=langs_id.clone() testid="position-languages" label=Msg::LanguagesNeeded value=languages />
            </InlineEdit>
            <WriteErrorLine write=write />
        </li>
    }
}

#[component]
fn Mentors() -> impl IntoView {
    let i18n = use_i18n();
    let records = use_typed::<MentorProfile>(program_space());
    let orgs = use_typed::<Organization>(program_space());
    let query = RwSignal::new(String::new());
    let org_filter = RwSignal::new(String::new());
    let paging = Paging::new();
    let matching = Memo::new(move |_| {
        let needle = query.get().trim().to_lowercase();
        let org = org_filter.get();
        let mut list = records.get();
        list.retain(|(_, m)| org.is_empty() || m.organization_id.as_str() == org);
        list.retain(|(_, m)| {
            needle.is_empty()
                || m.display_name.to_lowercase().contains(&needle)
                || m.expertise
                    .iter()
                    .any(|x| x.to_lowercase().contains(&needle))
        });
        list.sort_by(|a, b| (&a.1.display_name, &a.0).cmp(&(&b.1.display_name, &b.0)));
        list
    });
    let shown = Memo::new(move |_| paging.page(matching.get()));
    let org_options = organization_names(orgs);
    view! {
        <section class="card" data-testid="mentors">
            <h2 class="card-title">{i18n.tr(Msg::Mentors)}</h2>
            <div class="form-inline" data-local="filters">
                <SearchField id="mentor-search" query=query paging=paging />
                <OrganizationFilter id="mentor-org" options=org_options filter=org_filter paging=paging />
            </div>
            <ul class="list">
                <For each=move || shown.get() key=|(id, _)| id.clone() let((id, mentor))>
                    <MentorRow list=shown id=id first=mentor org_options=org_options />
                </For>
            </ul>
            <ListFooter paging=paging testid="mentors-count" matching=Signal::derive(move || matching.get().len())
                all=Signal::derive(move || records.get().len()) />
        </section>
    }
}

/// A mentor: organization, expertise, languages and capacity, edited inline.
#[component]
fn MentorRow(
    list: Memo<Vec<(RecordId, MentorProfile)>>,
    id: RecordId,
    first: MentorProfile,
    org_options: Memo<Vec<(RecordId, String)>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let write = use_write();
    let open = RwSignal::new(false);
    let mentor = live(list, id.clone(), first);
    let organization = Draft::new(stored(mentor, |m| m.organization_id.to_string()));
    let expertise = Draft::new(stored(mentor, |m| m.expertise.join(", ")));
    let languages = Draft::new(stored(mentor, |m| m.languages.join(", ")));
    let capacity = Draft::new(stored(mentor, |m| m.capacity.to_string()));
    let drafts = [organization, expertise, languages, capacity];
    let save = {
        let id = id.clone();
        Callback::new(move |()| {
            let current = mentor.get_untracked();
            let Ok(new_capacity @ 0..=20) = capacity.text_untracked().trim().parse::<u32>() else {
                write.fail(Msg::EnterCapacity);
                return;
            };
            let new_expertise = split_list(&expertise.text_untracked());
            let new_languages = split_list(&languages.text_untracked());
            let patch = MentorProfilePatch {
                organization_id: organization
                    .changed_from(current.organization_id.as_str())
                    .filter(|org| !org.is_empty())
                    .map(RecordId),
                expertise: (new_expertise != current.expertise).then_some(new_expertise),
                languages: (new_languages != current.languages).then_some(new_languages),
                capacity: (new_capacity != current.capacity).then_some(new_capacity),
                ..MentorProfilePatch::default()
            };
            save_edit(
                write,
                open,
                id.clone(),
                EntityPatch::MentorProfile(patch),
                drafts,
            );
        })
    };
    let cancel = Callback::new(move |()| drafts.iter().for_each(Draft::reset));
    let org_name = move || {
        mentor.with(|m| {
            org_options.with(|orgs| {
                orgs.iter()
                    .find(|(org, _)| *org == m.organization_id)
                    .map(|(_, name)| name.clone())
            })
        })
    };
    // Organization · expertise · languages · capacity.
    let summary = move || {
        mentor.with(|m| {
            let mut parts: Vec<String> = org_name().into_iter().collect();
            let lists = [m.expertise.join(", "), m.languages.join(", ")];
            parts.extend(lists.into_iter().filter(|list| !list.is_empty()));
            parts.push(format!("{} {}", i18n.t(Msg::Capacity), m.capacity));
            parts.join(" · ")
        })
    };
    let shown = ViewFn::from(move || view! { <span class="item-meta">{summary}</span> });
    let tag = write::changes(Some(&SpaceId::Program), RecordKind::MentorProfile, &id);
    let row_tag = tag.clone();
    let ids = [
        format!("mentor-org-{id}"),
        format!("mentor-expertise-{id}"),
        format!("mentor-languages-{id}"),
        format!("mentor-capacity-{id}"),
    ];
    view! {
        <li class="list-item" data-testid="admin-mentor" data-write=row_tag
            data-name=move || mentor.with(|m| m.display_name.clone())
            data-capacity=move || mentor.with(|m| m.capacity.to_string())>
            <p class="item-title grow-full">{move || mentor.with(|m| m.display_name.clone())}</p>
            <InlineEdit open=open write=write writes=tag on_save=save on_cancel=cancel edit_testid="edit-mentor"
                shown=shown>
                <Select id=ids[0].clone() testid="mentor-org" label=Msg::OrganizationName value=organization>
                    // The stored organization is marked too: the options arrive after the choice's value.
                    {move || org_options.get().into_iter().map(|(org, name)| {
                        let selected = org.as_str() == organization.text_untracked();
                        view! { <option value=org.to_string() selected=selected>{name}</option> }
                    }).collect_view()}
                </Select>
                <Field id=ids[1].clone() testid="mentor-expertise" label=Msg::Expertise value=expertise />
                <Field id=ids[2].clone() testid="mentor-languages" label=Msg::Languages value=languages />
                <Field id=ids[3].clone() testid="mentor-capacity" label=Msg::Capacity value=capacity
                    input=Input::Number min="0" max="20" />
            </InlineEdit>
            <WriteErrorLine write=write />
        </li>
    }
}

/// Narrows a list to one organization (`filter` holds its id, or nothing for all).
#[component]
fn OrganizationFilter(
    id: &'static str,
    options: Memo<Vec<(RecordId, String)>>,
    filter: RwSignal<String>,
    paging: Paging,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Select id=id label=Msg::OrganizationName value=filter on_edit=Callback::new(move |()| paging.reset())>
            <option value="">{i18n.tr(Msg::AllOrganizations)}</option>
            {move || options.get().into_iter().map(|(org, name)| view! {
                <option value=org.to_string()>{name}</option>
            }).collect_view()}
        </Select>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deadline_date_means_the_end_of_that_day_in_taipei() {
        let at = deadline_from_date("2026-12-09").map(|d| d.to_rfc3339());
        assert_eq!(at.as_deref(), Some("2026-12-09T15:59:00+00:00"));
        assert_eq!(deadline_from_date("9 Dec"), None);
    }
}
