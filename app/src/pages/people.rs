//! People (staff): invite students, mentors and staff with a one-time code shown as a link and a
//! QR code, and stop or restore an account's sign-ins. The directory lives on the server, so
//! this screen needs a connection and says so when there is none.

use std::collections::BTreeMap;

use leptos::prelude::*;

use imp_shared::domain::{MentorProfile, Organization, Role, StudentSummary};
use imp_shared::ids::SpaceId;
use imp_shared::protocol::{AccountInfo, InviteRequest, InviteResponse};

use crate::components::form::{Field, Input, Select};
use crate::components::list::{ListFooter, Paging, SearchField};
use crate::components::qr::QrCodeImage;
use crate::i18n::{format_date, use_i18n, Msg};
use crate::sync::hooks::{program_space, use_session, use_typed};
use crate::sync::transport;
use crate::wording::{server_call_msg, ServerCall};

/// The people screen.
#[component]
pub fn PeoplePage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let token = move || session.get_untracked().map(|s| s.token);
    let accounts = RwSignal::new(Vec::<AccountInfo>::new());
    let load_error = RwSignal::new(None::<Msg>);
    let reload = move || {
        let Some(token) = token() else { return };
        leptos::task::spawn_local(async move {
            match transport::accounts(&token).await {
                Ok(list) => {
                    accounts.set(list);
                    load_error.set(None);
                }
                Err(error) => load_error.set(Some(server_call_msg(ServerCall::Accounts, &error))),
            }
        });
    };
    reload();
    let filter = RwSignal::new(String::new());
    // The filters' choices as their options' values ("" for all).
    let role_choice = RwSignal::new(String::new());
    let cohort_choice = RwSignal::new(String::new());
    let paging = Paging::new();
    let back_to_first_page = Callback::new(move |()| paging.reset());
    // Cohorts: students' from their summaries (staff space), mentors' from their profiles.
    let summaries = use_typed::<StudentSummary>(Signal::derive(|| Some(SpaceId::Staff)));
    let mentor_profiles = use_typed::<MentorProfile>(program_space());
    let cohorts_of = Memo::new(move |_| {
        let mut map: BTreeMap<String, Vec<i32>> = BTreeMap::new();
        for (id, summary) in summaries.get() {
            map.entry(id.to_string())
                .or_default()
                .push(summary.cohort_year);
        }
        for (_, mentor) in mentor_profiles.get() {
            map.entry(mentor.user_id.to_string())
                .or_default()
                .extend(mentor.cohort_years);
        }
        map
    });
    let cohort_years = Memo::new(move |_| {
        let mut years: Vec<i32> = cohorts_of.get().into_values().flatten().collect();
        years.sort_unstable_by(|a, b| b.cmp(a));
        years.dedup();
        years
    });
    let matching = Memo::new(move |_| {
        let needle = filter.get().trim().to_lowercase();
        let role = Role::parse(&role_choice.get());
        let cohort = cohort_choice.get().parse::<i32>().ok();
        let cohorts = cohorts_of.get();
        let mut list: Vec<AccountInfo> = accounts
            .get()
            .into_iter()
            .filter(|a| role.is_none_or(|role| a.user.role == role))
            .filter(|a| {
                cohort.is_none_or(|year| {
                    cohorts
                        .get(a.user.id.as_str())
                        .is_some_and(|years| years.contains(&year))
                })
            })
            .filter(|a| {
                needle.is_empty()
                    || a.user.display_name.to_lowercase().contains(&needle)
                    || a.user.email.to_lowercase().contains(&needle)
            })
            .collect();
        list.sort_by(|a, b| {
            (&a.user.display_name, &a.user.email).cmp(&(&b.user.display_name, &b.user.email))
        });
        list
    });
    let shown = Memo::new(move |_| paging.page(matching.get()));
    let toggle = move |id: String, active: bool| {
        let Some(token) = token() else { return };
        leptos::task::spawn_local(async move {
            match transport::set_active(&token, &id, active).await {
                Ok(()) => reload(),
                Err(error) => load_error.set(Some(server_call_msg(ServerCall::SetActive, &error))),
            }
        });
    };
    view! {
        <h1>{i18n.tr(Msg::People)}</h1>
        <InviteForm on_invited=Callback::new(move |()| reload()) />
        <section class="card">
            <h2 class="card-title">{i18n.tr(Msg::Accounts)}</h2>
            <p class="form-error" role="alert">{move || load_error.get().map(|msg| i18n.t(msg))}</p>
            <div class="form-inline" data-local="filters">
                <SearchField id="people-search" query=filter paging=paging />
                <Select id="people-role" label=Msg::AccountRole value=role_choice on_edit=back_to_first_page>
                    <option value="">{i18n.tr(Msg::AllRoles)}</option>
                    {[Role::Student, Role::Mentor, Role::Staff].into_iter().map(|role| view! {
                        <option value=role.as_str()>{i18n.tr(Msg::role(role))}</option>
                    }).collect_view()}
                </Select>
                <Select id="people-cohort" label=Msg::CohortYear value=cohort_choice on_edit=back_to_first_page>
                    <option value="">{i18n.tr(Msg::AllCohorts)}</option>
                    {move || cohort_years.get().into_iter().map(|year| view! {
                        <option value=year.to_string()>{year}</option>
                    }).collect_view()}
                </Select>
            </div>
            // Not a `ListCard`: the card also holds the filters, the load error and the paging.
            <ul class="list" data-testid="accounts">
                {move || shown.get().into_iter().map(|account| {
                    let id = account.user.id.to_string();
                    let active = account.active;
                    let target = id.clone();
                    let name = account.user.display_name.clone();
                    let role = account.user.role;
                    view! {
                        <li class="list-item" data-testid="account" data-email=account.user.email.clone()
                            data-active=active.to_string()>
                            <div class="grow">
                                <p class="item-title">{if role == Role::Student {
                                    view! {
                                        <leptos_router::components::A href=format!("/student?id={id}")>
                                            {name}
                                        </leptos_router::components::A>
                                    }.into_any()
                                } else {
                                    name.into_any()
                                }}</p>
                                <p class="item-meta">
                                    {format!("{} · ", account.user.email)}{i18n.tr(Msg::role(role))}
                                </p>
                            </div>
                            {account.invited.then(|| view! { <span class="pill">{i18n.tr(Msg::Invited)}</span> })}
                            {(!active).then(|| view! {
                                <span class="pill pill-danger">{i18n.tr(Msg::Deactivated)}</span>
                            })}
                            <button class="button button-small" class:button-danger=active data-testid="toggle-active"
                                data-write="api accounts/active" on:click=move |_| toggle(target.clone(), !active)>
                                {move || i18n.t(if active { Msg::Deactivate } else { Msg::Reactivate })}
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <ListFooter paging=paging testid="people-count" matching=Signal::derive(move || matching.get().len())
                all=Signal::derive(move || accounts.get().len()) />
        </section>
    }
}

#[component]
fn InviteForm(on_invited: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let role = RwSignal::new("student".to_owned());
    let cohort = RwSignal::new(String::new());
    let organization = RwSignal::new(String::new());
    let organizations = use_typed::<Organization>(program_space());
    let org_options = Memo::new(move |_| {
        let mut list: Vec<(String, String)> = organizations
            .get()
            .into_iter()
            .filter(|(_, org)| org.approved)
            .map(|(id, org)| (id.to_string(), org.name))
            .collect();
        list.sort_by(|a, b| a.1.cmp(&b.1));
        list
    });
    let error = RwSignal::new(None::<Msg>);
    let invited = RwSignal::new(None::<(String, InviteResponse)>);
    let busy = RwSignal::new(false);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let (email_text, name_text) = (
            email.get_untracked().trim().to_owned(),
            name.get_untracked().trim().to_owned(),
        );
        if !email_text.contains('@') || name_text.is_empty() {
            error.set(Some(Msg::InviteFieldsRequired));
            return;
        }
        let role_value = Role::parse(&role.get_untracked()).unwrap_or(Role::Student);
        let cohort_year = if role_value == Role::Student {
            match cohort.get_untracked().trim().parse::<i32>() {
                Ok(year) => Some(year),
                Err(_) => {
                    error.set(Some(Msg::CohortRequired));
                    return;
                }
            }
        } else {
            None
        };
        let organization_id = (role_value == Role::Mentor
            && !organization.get_untracked().is_empty())
        .then(|| imp_shared::ids::RecordId(organization.get_untracked()));
        let Some(token) = session.get_untracked().map(|s| s.token) else {
            return;
        };
        error.set(None);
        busy.set(true);
        let request = InviteRequest {
            email: email_text,
            display_name: name_text.clone(),
            role: role_value,
            cohort_year,
            organization_id,
        };
        leptos::task::spawn_local(async move {
            match transport::invite(&token, &request).await {
                Ok(answer) => {
                    invited.set(Some((name_text, answer)));
                    email.set(String::new());
                    name.set(String::new());
                    on_invited.run(());
                }
                Err(problem_error) => {
                    error.set(Some(server_call_msg(ServerCall::Invite, &problem_error)))
                }
            }
            busy.set(false);
        });
    };
    let origin = web_sys::window()
        .and_then(|window| window.location().origin().ok())
        .unwrap_or_default();
    view! {
        <section class="card">
            <h2 class="card-title">{i18n.tr(Msg::InvitePerson)}</h2>
            // Not a `WriteForm`: inviting calls the server (`api invites`), not the engine, and its
            // refusals are the server's words.
            <form class="form" on:submit=submit novalidate=true data-testid="invite-form" data-write="api invites">
                <Field id="invite-name" label=Msg::FullName value=name maxlength=200 autocomplete="off" />
                <Field id="invite-email" label=Msg::Email value=email input=Input::Email autocomplete="off" />
                <div class="form-inline">
                    <Select id="invite-role" label=Msg::AccountRole value=role>
                        <option value="student">{i18n.tr(Msg::RoleStudent)}</option>
                        <option value="mentor">{i18n.tr(Msg::RoleMentor)}</option>
                        <option value="staff">{i18n.tr(Msg::RoleStaff)}</option>
                    </Select>
                    <Show when=move || role.get() == "mentor">
                        <Select id="invite-organization" label=Msg::OrganizationName value=organization>
                            <option value="">"—"</option>
                            {move || org_options.get().into_iter().map(|(id, name)| view! {
                                <option value=id>{name}</option>
                            }).collect_view()}
                        </Select>
                    </Show>
                    <Show when=move || role.get() == "student">
                        <Field id="invite-cohort" label=Msg::CohortYear value=cohort input=Input::Number min="1950"
                            max="2100" />
                    </Show>
                </div>
                <p class="form-error" role="alert">{move || error.get().map(|msg| i18n.t(msg))}</p>
                <button class="button button-primary" type="submit" data-testid="send-invite"
                    disabled=move || busy.get()>{i18n.tr(Msg::CreateInvite)}</button>
            </form>
            {move || invited.get().map(|(who, answer)| {
                let link = format!("{origin}/invite?code={}", answer.code);
                view! {
                    <div class="qr-panel" data-testid="invite-result" data-link=link.clone()>
                        <p class="item-title">{who}</p>
                        <QrCodeImage text=link.clone() label=i18n.t(Msg::InviteLink).to_owned() />
                        <p><a href=link.clone() data-testid="invite-link">{link.clone()}</a></p>
                        <p class="muted">{move || {
                            let expires = format_date(i18n.lang.get(), answer.expires_at.date_naive());
                            format!("{} {expires}", i18n.t(Msg::InviteExpires))
                        }}</p>
                    </div>
                }
            })}
        </section>
    }
}
