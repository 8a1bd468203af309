//! The program's own data, for staff: cohorts (intake year, ranking deadline and limit), partner
//! universities, organizations (approval, industry, contact), their positions (slots, paid,
//! housing, languages, open or closed) and mentors (organization, expertise, languages, capacity).
//! Every edit is a field-level patch to the program space, saved offline at once.

use chrono::{NaiveDate, NaiveTime, Utc};
use leptos::prelude::*;

use imp_shared::domain::{
    Cohort, CohortPatch, Entity, EntityPatch, MentorProfile, MentorProfilePatch, Organization,
    OrganizationPatch, PartnerUniversity, Position, PositionPatch, RecordKind,
};
use imp_shared::ids::{RecordId, SpaceId};
use imp_shared::mutation::Mutation;
use leptos_router::components::A;

use crate::components::list::{ListFooter, Paging, SearchField};
use crate::components::write;
use crate::i18n::{use_i18n, Msg};
use crate::pages::profile::split_list;
use crate::sync::hooks::{typed, use_records, use_write, FormWrite, WriteErrorLine};
use crate::zone::{in_program_zone, local_to_utc, PROGRAM_ZONE};

/// A deadline typed as a Taipei date means 23:59 that day.
fn deadline_from_date(text: &str) -> Option<chrono::DateTime<Utc>> {
    let day = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    local_to_utc(PROGRAM_ZONE, day, NaiveTime::from_hms_opt(23, 59, 0)?)
}

fn update(write: FormWrite, id: RecordId, patch: EntityPatch) {
    write.dispatch((SpaceId::Program, Mutation::Update { id, patch }));
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

/// Every organization's name by id, sorted by name (for choosing and filtering).
fn organization_names(orgs: Memo<Vec<(RecordId, Entity)>>) -> Memo<Vec<(RecordId, String)>> {
    Memo::new(move |_| {
        let mut list = typed(orgs.get(), |e| match e {
            Entity::Organization(o) => Some(o.name),
            _ => None,
        });
        list.sort_by(|a, b| a.1.cmp(&b.1));
        list
    })
}

/// The program screen.
#[component]
pub fn ProgramPage() -> impl IntoView {
    let i18n = use_i18n();
    // Each section has its own writes, so a refusal is explained where the person is: one line
    // for the list's edits and one under its "add" form.
    view! {
        <h1>{i18n.tr(Msg::ProgramData)}</h1>
        <A href="/visa-routes" attr:class="card-link" attr:data-testid="open-visa-routes">{i18n.tr(Msg::VisaEditLink)}</A>
        <Cohorts />
        <Universities />
        <Organizations />
        <Positions />
        <Mentors />
    }
}

#[component]
fn Cohorts() -> impl IntoView {
    let i18n = use_i18n();
    let write = use_write();
    let adding = use_write();
    let program = Signal::derive(|| Some(SpaceId::Program));
    let records = use_records(program, RecordKind::Cohort);
    let cohorts = Memo::new(move |_| {
        let mut list = typed(records.get(), |e| match e {
            Entity::Cohort(c) => Some(c),
            _ => None,
        });
        list.sort_by_key(|(_, c)| std::cmp::Reverse(c.year));
        list
    });
    let year = RwSignal::new(String::new());
    let deadline = RwSignal::new(String::new());
    let add = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
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
    };
    view! {
        <section class="card" data-testid="cohorts">
            <h2 class="card-title">{i18n.tr(Msg::Cohorts)}</h2>
            <WriteErrorLine write=write />
            <ul class="list">
                {move || cohorts.get().into_iter().map(|(id, cohort)| {
                    let deadline_id = format!("deadline-{id}");
                    let max_id = format!("max-{id}");
                    let day = cohort.ranking_deadline.map(|d| in_program_zone(d).date_naive().to_string()).unwrap_or_default();
                    let (deadline_target, max_target) = (id.clone(), id.clone());
                    view! {
                        <li class="list-item" data-testid="cohort" data-write=write::changes(Some(&SpaceId::Program), RecordKind::Cohort, &id) data-cohort-id=id.to_string()>
                            <p class="item-title grow">{cohort.name.clone()}</p>
                            <div class="field">
                                <label for=deadline_id.clone()>{i18n.tr(Msg::RankingDeadline)}</label>
                                <input id=deadline_id type="date" data-testid="cohort-deadline" prop:value=day on:change=move |e| {
                                    update(write, deadline_target.clone(), EntityPatch::Cohort(CohortPatch {
                                        ranking_deadline: Some(deadline_from_date(&event_target_value(&e))),
                                        ..CohortPatch::default()
                                    }));
                                } />
                            </div>
                            <div class="field">
                                <label for=max_id.clone()>{i18n.tr(Msg::MaxChoices)}</label>
                                <input id=max_id type="number" min="1" max="10" data-testid="cohort-max" prop:value=cohort.max_rankings.to_string() on:change=move |e| {
                                    match event_target_value(&e).trim().parse::<u8>() {
                                        Ok(max @ 1..=10) => update(write, max_target.clone(), EntityPatch::Cohort(CohortPatch { max_rankings: Some(max), ..CohortPatch::default() })),
                                        _ => write.fail(Msg::EnterMaxChoices),
                                    }
                                } />
                            </div>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <form class="form form-inline" on:submit=add data-write=write::creates(Some(&SpaceId::Program), RecordKind::Cohort)>
                <div class="field">
                    <label for="new-cohort-year">{i18n.tr(Msg::CohortYear)}</label>
                    <input id="new-cohort-year" type="number" min="1950" max="2100" prop:value=move || year.get() on:input=move |e| year.set(event_target_value(&e)) />
                </div>
                <div class="field">
                    <label for="new-cohort-deadline">{i18n.tr(Msg::RankingDeadline)}</label>
                    <input id="new-cohort-deadline" type="date" prop:value=move || deadline.get() on:input=move |e| deadline.set(event_target_value(&e)) />
                </div>
                <button class="button" type="submit" prop:disabled=move || adding.pending.get()>{i18n.tr(Msg::Add)}</button>
            </form>
            <WriteErrorLine write=adding />
        </section>
    }
}

#[component]
fn Universities() -> impl IntoView {
    let i18n = use_i18n();
    let adding = use_write();
    let program = Signal::derive(|| Some(SpaceId::Program));
    let records = use_records(program, RecordKind::PartnerUniversity);
    let name = RwSignal::new(String::new());
    let country = RwSignal::new(String::new());
    let add = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
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
    };
    view! {
        <section class="card" data-testid="universities">
            <h2 class="card-title">{i18n.tr(Msg::PartnerUniversities)}</h2>
            <ul class="list">
                {move || typed(records.get(), |e| match e { Entity::PartnerUniversity(u) => Some(u), _ => None }).into_iter().map(|(_, u)| view! {
                    <li class="list-item" data-testid="university"><span class="item-title grow">{u.name.clone()}</span><span class="item-meta">{u.country.clone()}</span></li>
                }).collect_view()}
            </ul>
            <form class="form form-inline" on:submit=add data-write=write::creates(Some(&SpaceId::Program), RecordKind::PartnerUniversity)>
                <div class="field">
                    <label for="new-university">{i18n.tr(Msg::University)}</label>
                    <input id="new-university" maxlength="200" prop:value=move || name.get() on:input=move |e| name.set(event_target_value(&e)) />
                </div>
                <div class="field">
                    <label for="new-university-country">{i18n.tr(Msg::Country)}</label>
                    <input id="new-university-country" maxlength="200" prop:value=move || country.get() on:input=move |e| country.set(event_target_value(&e)) />
                </div>
                <button class="button" type="submit" prop:disabled=move || adding.pending.get()>{i18n.tr(Msg::Add)}</button>
            </form>
            <WriteErrorLine write=adding />
        </section>
    }
}

#[component]
fn Organizations() -> impl IntoView {
    let i18n = use_i18n();
    let write = use_write();
    let adding = use_write();
    let program = Signal::derive(|| Some(SpaceId::Program));
    let records = use_records(program, RecordKind::Organization);
    let query = RwSignal::new(String::new());
    let matching = Memo::new(move |_| {
        let needle = query.get().trim().to_lowercase();
        let mut list = typed(records.get(), |e| match e {
            Entity::Organization(o) => Some(o),
            _ => None,
        });
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
    let add = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
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
    };
    view! {
        <section class="card" data-testid="organizations">
            <h2 class="card-title">{i18n.tr(Msg::Organizations)}</h2>
            <SearchField id="org-search" query=query paging=paging />
            <WriteErrorLine write=write />
            <ul class="list">
                {move || shown.get().into_iter().map(|(id, org)| {
                    let (approve_id, industry_id, industry_zh_id, contact_id) = (format!("approve-{id}"), format!("industry-{id}"), format!("industry-zh-{id}"), format!("contact-{id}"));
                    let (a, b, b_zh, c) = (id.clone(), id.clone(), id.clone(), id.clone());
                    view! {
                        <li class="list-item" data-testid="organization" data-write=write::changes(Some(&SpaceId::Program), RecordKind::Organization, &id) data-name=org.name.clone() data-approved=org.approved.to_string()>
                            <p class="item-title grow-full">{org.name.clone()}</p>
                            <label class="check" for=approve_id.clone()>
                                <input id=approve_id.clone() type="checkbox" data-testid="org-approved" prop:checked=org.approved on:change=move |e| {
                                    update(write, a.clone(), EntityPatch::Organization(OrganizationPatch { approved: Some(event_target_checked(&e)), ..OrganizationPatch::default() }));
                                } />
                                {i18n.tr(Msg::Approved)}
                            </label>
                            <div class="field">
                                <label for=industry_id.clone()>{i18n.tr(Msg::Industry)}</label>
                                <input id=industry_id maxlength="200" prop:value=org.industry.clone() on:change=move |e| {
                                    update(write, b.clone(), EntityPatch::Organization(OrganizationPatch { industry: Some(event_target_value(&e).trim().to_owned()), ..OrganizationPatch::default() }));
                                } />
                            </div>
                            <div class="field">
                                <label for=industry_zh_id.clone()>{i18n.tr(Msg::IndustryZh)}</label>
                                <input id=industry_zh_id lang="zh-TW" maxlength="200" data-testid="org-industry-zh" prop:value=org.industry_zh.clone() on:change=move |e| {
                                    update(write, b_zh.clone(), EntityPatch::Organization(OrganizationPatch { industry_zh: Some(event_target_value(&e).trim().to_owned()), ..OrganizationPatch::default() }));
                                } />
                            </div>
                            <div class="field">
                                <label for=contact_id.clone()>{i18n.tr(Msg::Contact)}</label>
                                <input id=contact_id type="email" prop:value=org.contact_email.clone().unwrap_or_default() on:change=move |e| {
                                    let text = event_target_value(&e).trim().to_owned();
                                    update(write, c.clone(), EntityPatch::Organization(OrganizationPatch { contact_email: Some((!text.is_empty()).then_some(text)), ..OrganizationPatch::default() }));
                                } />
                            </div>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <ListFooter paging=paging testid="organizations-count" matching=Signal::derive(move || matching.get().len())
                all=Signal::derive(move || records.get().len()) />
            <form class="form form-inline" on:submit=add data-write=write::creates(Some(&SpaceId::Program), RecordKind::Organization) data-testid="new-organization">
                <div class="field">
                    <label for="new-org-name">{i18n.tr(Msg::OrganizationName)}</label>
                    <input id="new-org-name" maxlength="200" prop:value=move || name.get() on:input=move |e| name.set(event_target_value(&e)) />
                </div>
                <div class="field">
                    <label for="new-org-industry">{i18n.tr(Msg::Industry)}</label>
                    <input id="new-org-industry" maxlength="200" prop:value=move || industry.get() on:input=move |e| industry.set(event_target_value(&e)) />
                </div>
                <div class="field">
                    <label for="new-org-industry-zh">{i18n.tr(Msg::IndustryZh)}</label>
                    <input id="new-org-industry-zh" lang="zh-TW" maxlength="200" prop:value=move || industry_zh.get() on:input=move |e| industry_zh.set(event_target_value(&e)) />
                </div>
                <button class="button" type="submit" data-testid="add-organization" prop:disabled=move || adding.pending.get()>{i18n.tr(Msg::Add)}</button>
            </form>
            <WriteErrorLine write=adding />
        </section>
    }
}

#[component]
fn Positions() -> impl IntoView {
    let i18n = use_i18n();
    let write = use_write();
    let adding = use_write();
    let program = Signal::derive(|| Some(SpaceId::Program));
    let records = use_records(program, RecordKind::Position);
    let orgs = use_records(program, RecordKind::Organization);
    let cohorts = use_records(program, RecordKind::Cohort);
    let query = RwSignal::new(String::new());
    let chosen_year = RwSignal::new(None::<i32>);
    let org_filter = RwSignal::new(None::<RecordId>);
    let paging = Paging::new();
    let years = Memo::new(move |_| {
        let mut years: Vec<i32> = cohorts
            .get()
            .into_iter()
            .filter_map(|(_, e)| match e {
                Entity::Cohort(c) => Some(c.year),
                _ => None,
            })
            .collect();
        years.sort_unstable_by(|a, b| b.cmp(a));
        years
    });
    // The cohort shown: the one chosen, or the latest.
    let latest = Memo::new(move |_| chosen_year.get().or_else(|| years.get().first().copied()));
    let org_options = organization_names(orgs);
    let org_name = move |id: &RecordId| {
        orgs.get()
            .into_iter()
            .find_map(|(key, e)| match e {
                Entity::Organization(o) if &key == id => Some(o.name),
                _ => None,
            })
            .unwrap_or_default()
    };
    let of_year = Memo::new(move |_| {
        let year = latest.get();
        typed(records.get(), |e| match e {
            Entity::Position(p) => Some(p),
            _ => None,
        })
        .into_iter()
        .filter(|(_, p)| Some(p.cohort_year) == year)
        .count()
    });
    let matching = Memo::new(move |_| {
        let needle = query.get().trim().to_lowercase();
        let year = latest.get();
        let org = org_filter.get();
        let mut list: Vec<(RecordId, Position, String)> = typed(records.get(), |e| match e {
            Entity::Position(p) => Some(p),
            _ => None,
        })
        .into_iter()
        .filter(|(_, p)| Some(p.cohort_year) == year)
        .filter(|(_, p)| org.as_ref().is_none_or(|org| &p.organization_id == org))
        .map(|(id, p)| {
            let org = org_name(&p.organization_id);
            (id, p, org)
        })
        .filter(|(_, p, org)| {
            needle.is_empty()
                || p.title.to_lowercase().contains(&needle)
                || org.to_lowercase().contains(&needle)
        })
        .collect();
        list.sort_by(|a, b| (&a.2, &a.1.title).cmp(&(&b.2, &b.1.title)));
        list
    });
    let shown = Memo::new(move |_| paging.page(matching.get()));
    let new_org = RwSignal::new(String::new());
    let new_title = RwSignal::new(String::new());
    let add = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
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
    };
    let patch =
        move |id: RecordId, patch: PositionPatch| update(write, id, EntityPatch::Position(patch));
    view! {
        <section class="card" data-testid="program-positions">
            <h2 class="card-title">{move || format!("{} · {}", i18n.t(Msg::Positions), latest.get().map(|y| y.to_string()).unwrap_or_default())}</h2>
            <div class="form-inline" data-local="filters">
                <SearchField id="position-admin-search" query=query paging=paging />
                <div class="field">
                    <label for="position-admin-cohort">{i18n.tr(Msg::CohortYear)}</label>
                    <select id="position-admin-cohort" data-testid="position-admin-cohort" on:change=move |e| {
                        chosen_year.set(event_target_value(&e).parse().ok());
                        paging.reset();
                    }>
                        {move || years.get().into_iter().map(|year| {
                            let selected = Some(year) == latest.get();
                            view! { <option value=year.to_string() selected=selected>{year}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <OrganizationFilter id="position-admin-org" options=org_options filter=org_filter paging=paging />
            </div>
            <WriteErrorLine write=write />
            <ul class="list">
                {move || shown.get().into_iter().map(|(id, position, org)| {
                    let ids = [format!("slots-{id}"), format!("paid-{id}"), format!("housing-{id}"), format!("open-{id}"), format!("langs-{id}")];
                    let (a, b, c, d, e2) = (id.clone(), id.clone(), id.clone(), id.clone(), id.clone());
                    view! {
                        <li class="list-item" data-testid="admin-position" data-write=write::changes(Some(&SpaceId::Program), RecordKind::Position, &id) data-position-id=id.to_string() data-open=position.open.to_string() data-slots=position.slots.to_string()>
                            <div class="grow-full"><p class="item-title">{position.title.clone()}</p><p class="item-meta">{org}</p></div>
                            <div class="field">
                                <label for=ids[0].clone()>{i18n.tr(Msg::Slots)}</label>
                                <input id=ids[0].clone() type="number" min="1" max="100" data-testid="position-slots" prop:value=position.slots.to_string() on:change=move |ev| {
                                    match event_target_value(&ev).trim().parse::<u32>() {
                                        Ok(slots @ 1..=100) => patch(a.clone(), PositionPatch { slots: Some(slots), ..PositionPatch::default() }),
                                        _ => write.fail(Msg::EnterPlaces),
                                    }
                                } />
                            </div>
                            <label class="check" for=ids[1].clone()><input id=ids[1].clone() type="checkbox" prop:checked=position.paid on:change=move |ev| patch(b.clone(), PositionPatch { paid: Some(event_target_checked(&ev)), ..PositionPatch::default() }) />{i18n.tr(Msg::Paid)}</label>
                            <label class="check" for=ids[2].clone()><input id=ids[2].clone() type="checkbox" prop:checked=position.housing on:change=move |ev| patch(c.clone(), PositionPatch { housing: Some(event_target_checked(&ev)), ..PositionPatch::default() }) />{i18n.tr(Msg::Housing)}</label>
                            <label class="check" for=ids[3].clone()><input id=ids[3].clone() type="checkbox" data-testid="position-open" prop:checked=position.open on:change=move |ev| patch(d.clone(), PositionPatch { open: Some(event_target_checked(&ev)), ..PositionPatch::default() }) />{i18n.tr(Msg::OpenForRanking)}</label>
                            <div class="field">
                                <label for=ids[4].clone()>{i18n.tr(Msg::LanguagesNeeded)}</label>
                                <input id=ids[4].clone() prop:value=position.languages.join(", ") on:change=move |ev| patch(e2.clone(), PositionPatch { languages: Some(split_list(&event_target_value(&ev))), ..PositionPatch::default() }) />
                            </div>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <ListFooter paging=paging testid="positions-count" matching=Signal::derive(move || matching.get().len())
                all=Signal::derive(move || of_year.get()) />
            <form class="form form-inline" on:submit=add data-write=write::creates(Some(&SpaceId::Program), RecordKind::Position)>
                <div class="field">
                    <label for="new-position-org">{i18n.tr(Msg::OrganizationName)}</label>
                    <select id="new-position-org" on:change=move |e| new_org.set(event_target_value(&e))>
                        <option value="">"—"</option>
                        {move || {
                            let mut list = typed(orgs.get(), |e| match e { Entity::Organization(o) if o.approved => Some(o), _ => None });
                            list.sort_by(|a, b| a.1.name.cmp(&b.1.name));
                            list.into_iter().map(|(id, o)| view! { <option value=id.to_string()>{o.name}</option> }).collect_view()
                        }}
                    </select>
                </div>
                <div class="field">
                    <label for="new-position-title">{i18n.tr(Msg::WorkshopTitle)}</label>
                    <input id="new-position-title" maxlength="200" prop:value=move || new_title.get() on:input=move |e| new_title.set(event_target_value(&e)) />
                </div>
                <button class="button" type="submit" prop:disabled=move || adding.pending.get()>{i18n.tr(Msg::Add)}</button>
            </form>
            <WriteErrorLine write=adding />
        </section>
    }
}

#[component]
fn Mentors() -> impl IntoView {
    let i18n = use_i18n();
    let write = use_write();
    let program = Signal::derive(|| Some(SpaceId::Program));
    let records = use_records(program, RecordKind::MentorProfile);
    let orgs = use_records(program, RecordKind::Organization);
    let query = RwSignal::new(String::new());
    let org_filter = RwSignal::new(None::<RecordId>);
    let paging = Paging::new();
    let matching = Memo::new(move |_| {
        let needle = query.get().trim().to_lowercase();
        let org = org_filter.get();
        let mut list: Vec<(RecordId, MentorProfile)> = typed(records.get(), |e| match e {
            Entity::MentorProfile(m) => Some(m),
            _ => None,
        });
        list.retain(|(_, m)| org.as_ref().is_none_or(|org| &m.organization_id == org));
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
    let patch = move |id: RecordId, patch: MentorProfilePatch| {
        update(write, id, EntityPatch::MentorProfile(patch))
    };
    view! {
        <section class="card" data-testid="mentors">
            <h2 class="card-title">{i18n.tr(Msg::Mentors)}</h2>
            <div class="form-inline" data-local="filters">
                <SearchField id="mentor-search" query=query paging=paging />
                <OrganizationFilter id="mentor-org" options=org_options filter=org_filter paging=paging />
            </div>
            <WriteErrorLine write=write />
            <ul class="list">
                {move || shown.get().into_iter().map(|(id, mentor)| {
                    let ids = [format!("mentor-org-{id}"), format!("mentor-expertise-{id}"), format!("mentor-languages-{id}"), format!("mentor-capacity-{id}")];
                    let (a, b, c, d) = (id.clone(), id.clone(), id.clone(), id.clone());
                    let current_org = mentor.organization_id.clone();
                    view! {
                        <li class="list-item" data-testid="admin-mentor" data-write=write::changes(Some(&SpaceId::Program), RecordKind::MentorProfile, &id) data-name=mentor.display_name.clone() data-capacity=mentor.capacity.to_string()>
                            <p class="item-title grow-full">{mentor.display_name.clone()}</p>
                            <div class="field">
                                <label for=ids[0].clone()>{i18n.tr(Msg::OrganizationName)}</label>
                                <select id=ids[0].clone() on:change=move |ev| patch(a.clone(), MentorProfilePatch { organization_id: Some(RecordId(event_target_value(&ev))), ..MentorProfilePatch::default() })>
                                    {org_options.get_untracked().into_iter().map(|(org_id, name)| {
                                        let selected = org_id == current_org;
                                        view! { <option value=org_id.to_string() selected=selected>{name}</option> }
                                    }).collect_view()}
                                </select>
                            </div>
                            <div class="field">
                                <label for=ids[1].clone()>{i18n.tr(Msg::Expertise)}</label>
                                <input id=ids[1].clone() prop:value=mentor.expertise.join(", ") on:change=move |ev| patch(b.clone(), MentorProfilePatch { expertise: Some(split_list(&event_target_value(&ev))), ..MentorProfilePatch::default() }) />
                            </div>
                            <div class="field">
                                <label for=ids[2].clone()>{i18n.tr(Msg::Languages)}</label>
                                <input id=ids[2].clone() prop:value=mentor.languages.join(", ") on:change=move |ev| patch(c.clone(), MentorProfilePatch { languages: Some(split_list(&event_target_value(&ev))), ..MentorProfilePatch::default() }) />
                            </div>
                            <div class="field">
                                <label for=ids[3].clone()>{i18n.tr(Msg::Capacity)}</label>
                                <input id=ids[3].clone() type="number" min="0" max="20" data-testid="mentor-capacity" prop:value=mentor.capacity.to_string() on:change=move |ev| {
                                    match event_target_value(&ev).trim().parse::<u32>() {
                                        Ok(capacity @ 0..=20) => patch(d.clone(), MentorProfilePatch { capacity: Some(capacity), ..MentorProfilePatch::default() }),
                                        _ => write.fail(Msg::EnterCapacity),
                                    }
                                } />
                            </div>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <ListFooter paging=paging testid="mentors-count" matching=Signal::derive(move || matching.get().len())
                all=Signal::derive(move || records.get().len()) />
        </section>
    }
}

/// Narrows a list to one organization.
#[component]
fn OrganizationFilter(
    id: &'static str,
    options: Memo<Vec<(RecordId, String)>>,
    filter: RwSignal<Option<RecordId>>,
    paging: Paging,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="field">
            <label for=id>{i18n.tr(Msg::OrganizationName)}</label>
            <select id=id data-testid=id on:change=move |e| {
                let value = event_target_value(&e);
                filter.set((!value.is_empty()).then_some(RecordId(value)));
                paging.reset();
            }>
                <option value="">{i18n.tr(Msg::AllOrganizations)}</option>
                {move || options.get().into_iter().map(|(org, name)| view! { <option value=org.to_string()>{name}</option> }).collect_view()}
            </select>
        </div>
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
