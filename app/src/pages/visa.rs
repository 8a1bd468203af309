//! Visa and work permit: the student picks their route(s); the steps come from the versioned route
//! templates in `imp_shared::visa`, become the student's checklist with computed due dates, and
//! count down here and on Home (red under 30 days). Also the calendar export.

use chrono::Utc;
use leptos::prelude::*;

use imp_shared::calendar::{person_events, to_ics};
use imp_shared::domain::{
    Entity, RecordKind, Role, StudentProfile, VisaRoute, VisaStep, VisaStepState,
};
use imp_shared::ids::{RecordId, SpaceId};
use imp_shared::mutation::Mutation;
use imp_shared::visa::{
    builtin_routes, checklist, days_left, follows_older_version, is_urgent, move_to_version,
    step_record_id, Anchors, VisaRouteTemplate,
};
use imp_shared::visa_chooser::{choose, current_routes, Situation, Warning};
use leptos_router::components::A;

use crate::components::form::Select;
use crate::components::space_picker::{use_working_space, MenteePicker};
use crate::components::write;
use crate::i18n::{days_left_text, format_date, use_i18n, Msg};
use crate::sync::hooks::{
    program_space, use_engine, use_pending_ids, use_session, use_typed, use_write, FormWrite,
    WriteErrorLine,
};
use crate::wording::{visa_warning_text, visa_why_text};

fn state_msg(state: VisaStepState) -> Msg {
    match state {
        VisaStepState::Todo => Msg::StepTodo,
        VisaStepState::InProgress => Msg::StepInProgress,
        VisaStepState::Submitted => Msg::StepSubmitted,
        VisaStepState::Done => Msg::StepDone,
        VisaStepState::NotNeeded => Msg::StepNotNeeded,
    }
}

const STATES: [(VisaStepState, &str); 5] = [
    (VisaStepState::Todo, "todo"),
    (VisaStepState::InProgress, "in_progress"),
    (VisaStepState::Submitted, "submitted"),
    (VisaStepState::Done, "done"),
    (VisaStepState::NotNeeded, "not_needed"),
];

/// The visa steps of a space, open ones first by due date.
pub fn use_visa_steps(space: Signal<Option<SpaceId>>) -> Memo<Vec<(RecordId, VisaStep)>> {
    let records = use_typed::<VisaStep>(space);
    Memo::new(move |_| {
        let mut steps = records.get();
        let closed =
            |step: &VisaStep| matches!(step.state, VisaStepState::Done | VisaStepState::NotNeeded);
        steps.sort_by(|(a_id, a), (b_id, b)| {
            (closed(a), a.due_date.is_none(), a.due_date, a_id).cmp(&(
                closed(b),
                b.due_date.is_none(),
                b.due_date,
                b_id,
            ))
        });
        steps
    })
}

/// The visa screen.
#[component]
pub fn VisaPage() -> impl IntoView {
    let i18n = use_i18n();
    let working = use_working_space();
    let space = working.space;
    let session = use_session();
    let is_student = move || session.get().is_some_and(|s| s.user.role == Role::Student);
    view! {
        <h1>{i18n.tr(Msg::Visa)}</h1>
        <MenteePicker working=working />
        <Show when=move || !is_student()>
            <p><A href="/hiring" attr:data-testid="open-hiring">{i18n.tr(Msg::OpenHiring)}</A></p>
        </Show>
        <Show when=move || space.get().is_some()>
            <VisaAdvice space=space is_student=Signal::derive(is_student) />
            <Checklist space=space editable=Signal::derive(is_student) />
            <Show when=is_student>
                <RoutePicker space=space />
            </Show>
            <CalendarExport space=space />
        </Show>
    }
}

/// The student's profile in a space, if synced.
fn use_profile(space: Signal<Option<SpaceId>>) -> Memo<Option<StudentProfile>> {
    let profiles = use_typed::<StudentProfile>(space);
    Memo::new(move |_| {
        profiles
            .get()
            .into_iter()
            .next()
            .map(|(_, profile)| profile)
    })
}

/// Adds a route's steps to the student's checklist, dated from their profile.
fn add_route_steps(
    write: FormWrite,
    space: SpaceId,
    route: &VisaRouteTemplate,
    profile: Option<&StudentProfile>,
) {
    let anchors = profile.map(Anchors::from_profile).unwrap_or_default();
    for planned in checklist(route, &anchors) {
        write.dispatch((
            space.clone(),
            Mutation::Create {
                id: step_record_id(&planned.route_id, &planned.step.id),
                record: Entity::VisaStep(planned.to_visa_step()),
            },
        ));
    }
}

/// Which routes apply, worked out from the student's own dates (`imp_shared::visa_chooser`):
/// each with why in plain words, and what needs attention. Students add a proposed route here.
#[component]
fn VisaAdvice(space: Signal<Option<SpaceId>>, is_student: Signal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let write = use_write();
    let profile = use_profile(space);
    let routes = use_visa_routes();
    let steps = use_visa_steps(space);
    let advice = Memo::new(move |_| {
        let profile = profile.get();
        let situation = Situation {
            today: Utc::now().date_naive(),
            graduation_date: profile.as_ref().and_then(|p| p.graduation_date),
            placement_start: profile.as_ref().and_then(|p| p.placement_start),
            placement_end: profile.as_ref().and_then(|p| p.placement_end),
            residence_card_expiry: profile.as_ref().and_then(|p| p.residence_card_expiry),
            degree: profile.as_ref().and_then(|p| p.degree_level),
            hong_kong_macau: profile.as_ref().is_some_and(|p| p.hong_kong_macau),
        };
        let mut advice = choose(&situation, &routes.get());
        // A passed date of a step the student has handed in or finished is no news.
        let handled = steps.get();
        advice.warnings.retain(|warning| match warning {
            Warning::DeadlinePassed {
                route_id, step_id, ..
            } => {
                let id = step_record_id(route_id, step_id);
                !handled.iter().any(|(step_record, step)| {
                    *step_record == id && step.state != VisaStepState::Todo
                })
            }
            _ => true,
        });
        advice
    });
    let taken = move |route_id: &str| steps.get().iter().any(|(_, step)| step.route == route_id);
    let route_name = move |route_id: &str| {
        routes.with(|routes| {
            routes
                .iter()
                .find(|route| route.id == route_id)
                .map(|route| route.name_in(i18n.lang.get().is_zh()).to_owned())
                .unwrap_or_else(|| route_id.to_owned())
        })
    };
    let step_title = move |route_id: &str, step_id: &str| {
        routes.with_untracked(|routes| {
            let route = routes.iter().find(|route| route.id == route_id)?;
            let step = route.steps.iter().find(|step| step.id == step_id)?;
            Some(step.title_in(i18n.lang.get_untracked().is_zh()).to_owned())
        })
    };
    let add = move |route_id: &'static str| {
        let Some(space) = space.get_untracked() else {
            return;
        };
        let Some(route) =
            routes.with_untracked(|routes| routes.iter().find(|r| r.id == route_id).cloned())
        else {
            return;
        };
        add_route_steps(write, space, &route, profile.get_untracked().as_ref());
    };
    view! {
        <section class="card" data-testid="visa-advice">
            <h2 class="card-title">{i18n.tr(Msg::VisaAdviceTitle)}</h2>
            <p class="muted">
                {move || i18n.t(if is_student.get() { Msg::VisaAdviceFrom } else { Msg::VisaAdviceMentor })}
                <Show when=move || is_student.get()>
                    " "<A href="/profile" attr:data-testid="edit-visa-dates">{i18n.tr(Msg::EditDates)}</A>
                </Show>
            </p>
            <WriteErrorLine write=write />
            {move || {
                let lang = i18n.lang.get();
                let advice = advice.get();
                let warnings = advice.warnings.iter().map(|warning| {
                    view! {
                        <li class="advice-warning" data-testid="visa-warning">
                            {visa_warning_text(lang, warning, step_title)}
                        </li>
                    }
                }).collect_view();
                let proposals = advice.proposals.iter().map(|proposal| {
                    let route_id = proposal.route_id;
                    view! {
                        <li class="list-item" data-testid="visa-proposal" data-route=route_id>
                            <div class="grow">
                                <p class="item-title">{route_name(route_id)}</p>
                                <p class="item-body" data-testid="visa-why">{visa_why_text(lang, &proposal.why)}</p>
                            </div>
                            <Show when=move || is_student.get() && !taken(route_id)
                                fallback=move || taken(route_id).then(|| view! {
                                    <span class="pill">{i18n.tr(Msg::RouteAdded)}</span>
                                })>
                                <button class="button button-small button-primary" data-testid="add-proposed-route"
                                    data-write=move || write::creates(space.get().as_ref(), RecordKind::VisaStep)
                                    on:click=move |_| add(route_id)>{i18n.tr(Msg::AddRoute)}</button>
                            </Show>
                        </li>
                    }
                }).collect_view();
                let nothing = advice.proposals.is_empty();
                view! {
                    {(!advice.warnings.is_empty()).then(|| view! {
                        <div role="status"><ul class="advice-warnings">{warnings}</ul></div>
                    })}
                    {nothing.then(|| view! { <p class="muted empty">{i18n.tr(Msg::NothingToPropose)}</p> })}
                    <ul class="list">{proposals}</ul>
                }
            }}
        </section>
    }
}

#[component]
fn RoutePicker(space: Signal<Option<SpaceId>>) -> impl IntoView {
    let i18n = use_i18n();
    let zh = move || i18n.lang.get().is_zh();
    let write = use_write();
    let profile = use_profile(space);
    let steps = use_visa_steps(space);
    let taken = move |route_id: &str| steps.get().iter().any(|(_, step)| step.route == route_id);
    let routes = use_visa_routes();
    let add_route = move |route_id: String| {
        let Some(space) = space.get_untracked() else {
            return;
        };
        let Some(route) = routes
            .get_untracked()
            .into_iter()
            .find(|route| route.id == route_id)
        else {
            return;
        };
        add_route_steps(write, space, &route, profile.get_untracked().as_ref());
    };
    view! {
        <section class="card">
            <h2 class="card-title">{i18n.tr(Msg::VisaRoutes)}</h2>
            <WriteErrorLine write=write />
            <ul class="list">
                {move || routes.get().into_iter().map(|route| {
                    let route_id = route.id.clone();
                    let check_id = route.id.clone();
                    view! {
                        <li class="list-item" data-testid="visa-route" data-route=route.id.clone()>
                            <div class="grow">
                                <p class="item-title"
                                    data-testid="route-name">
                                    {let route = route.clone(); move || route.name_in(zh()).to_owned()}
                                </p>
                                <p
                                    class="item-meta">
                                    {let route = route.clone(); move || route.authority_in(zh()).to_owned()}
                                </p>
                            </div>
                            <Show when=move || !taken(&check_id)
                                fallback=move || view! { <span class="pill">{i18n.tr(Msg::RouteAdded)}</span> }>
                                <button class="button button-small" data-testid="add-route"
                                    data-write=move || write::creates(space.get().as_ref(), RecordKind::VisaStep)
                                    on:click={
                                    let route_id = route_id.clone();
                                    move |_| add_route(route_id.clone())
                                }>{i18n.tr(Msg::AddRoute)}</button>
                            </Show>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn Checklist(space: Signal<Option<SpaceId>>, editable: Signal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let zh = move || i18n.lang.get().is_zh();
    let steps = use_visa_steps(space);
    let pending = use_pending_ids(space);
    let routes = use_visa_routes();
    let write = use_write();
    let set_state = move |id: RecordId, value: String| {
        let Some(state) = STATES
            .iter()
            .find(|(_, key)| *key == value)
            .map(|(state, _)| *state)
        else {
            return;
        };
        if let Some(space) = space.get_untracked() {
            write.dispatch((space, Mutation::SetVisaStepState { id, state }));
        }
    };
    let profile = use_profile(space);
    // Moves the checklist's steps of a route to the version in force; states stay.
    let move_route = move |route: VisaRouteTemplate| {
        let Some(space) = space.get_untracked() else {
            return;
        };
        let anchors = profile
            .get_untracked()
            .as_ref()
            .map(Anchors::from_profile)
            .unwrap_or_default();
        for mutation in move_to_version(&route, &anchors, &steps.get_untracked()) {
            write.dispatch((space.clone(), mutation));
        }
    };
    let updates = move || {
        let current = steps.get();
        let lang = i18n.lang.get();
        routes
            .get()
            .into_iter()
            .filter(|route| follows_older_version(route, &current))
            .map(|route| {
                let tags = write::all(&[
                    write::creates(space.get_untracked().as_ref(), RecordKind::VisaStep),
                    current
                        .iter()
                        .find(|(_, step)| step.route == route.id)
                        .map(|(id, _)| {
                            write::changes(space.get_untracked().as_ref(), RecordKind::VisaStep, id)
                        })
                        .unwrap_or_default(),
                ]);
                let name = route.name_in(lang.is_zh()).to_owned();
                let changes = route.changes_in(lang.is_zh()).to_owned();
                let version = route.version;
                let route_id = route.id.clone();
                view! {
                    <div class="notice route-update" data-testid="route-update" data-route=route_id>
                        <p>
                            <strong>{name}</strong>" · "{i18n.tr(Msg::RouteVersion)}" "{version}": "
                            {i18n.tr(Msg::RouteNewVersion)}
                        </p>
                        <p data-testid="route-changes-shown">{changes}</p>
                        <Show when=move || editable.get()>
                            <button class="button button-small button-primary" data-testid="move-to-version"
                                data-write=tags.clone() on:click={
                                    let route = route.clone();
                                    move |_| move_route(route.clone())
                                }>{i18n.tr(Msg::MoveToVersion)}</button>
                        </Show>
                    </div>
                }
            })
            .collect_view()
    };
    view! {
        <section class="card">
            <h2 class="card-title">{i18n.tr(Msg::Checklist)}</h2>
            <WriteErrorLine write=write />
            {updates}
            <Show when=move || !steps.get().is_empty()
                fallback=move || view! { <p class="muted empty">{i18n.tr(Msg::NoVisaSteps)}</p> }>
                <ul class="list" data-testid="visa-steps">
                    {move || {
                        let today = Utc::now().date_naive();
                        steps.get().into_iter().map(|(id, step)| {
                            let left = step.due_date.map(|due| days_left(due, today));
                            let open = !matches!(step.state, VisaStepState::Done | VisaStepState::NotNeeded);
                            let urgent = open && left.is_some_and(is_urgent);
                            let waiting = pending.get().contains(&id);
                            let select_id = format!("state-{id}");
                            let state_key = STATES
                                .iter()
                                .find(|(state, _)| *state == step.state)
                                .map_or("todo", |(_, key)| *key);
                            let step_id = id.clone();
                            let chosen = RwSignal::new(state_key.to_owned());
                            let state_tag = write::changes(space.get_untracked().as_ref(), RecordKind::VisaStep, &id);
                            let state_tag = Signal::derive(move || state_tag.clone());
                            view! {
                                <li class="list-item visa-step" class:urgent=urgent data-testid="visa-step"
                                    data-step-id=id.to_string() data-state=state_key
                                    data-urgent=urgent.to_string()>
                                    <div class="grow">
                                        <p class="item-title"
                                            data-testid="step-title">
                                            {let step = step.clone(); move || step.title_in(zh()).to_owned()}
                                        </p>
                                        <p
                                            class="item-meta">
                                            {let step = step.clone(); move || step.authority_in(zh()).to_owned()}
                                        </p>
                                        {step.due_date.map(|due| view! {
                                            <p class="item-meta due" data-testid="due">
                                                {move || format_date(i18n.lang.get(), due)}" · "
                                                <span
                                                    class:countdown-urgent=urgent>
                                                    {move || left.map(|days| days_left_text(i18n.lang.get(), days))}
                                                </span>
                                            </p>
                                        })}
                                        {step.fee_twd.map(|fee| view! {
                                            <p class="item-meta" data-testid="step-fee">
                                                {i18n.tr(Msg::FeeLabel)}": NT$"{fee}
                                            </p>
                                        })}
                                        {(!step.documents.is_empty()).then(|| {
                                            let step = step.clone();
                                            let documents = move || step.documents_in(zh()).join(", ");
                                            view! { <p class="item-body">{i18n.tr(Msg::Documents)}": "{documents}</p> }
                                        })}
                                        {routes.with(|routes| step_sources(routes, &id))}
                                    </div>
                                    {waiting.then(|| view! {
                                        <span class="pill pill-waiting" data-testid="waiting">
                                            {i18n.tr(Msg::Waiting)}
                                        </span>
                                    })}
                                    <Select id=select_id label=Msg::Progress value=chosen testid="step-state"
                                        hidden_label=true disabled=Signal::derive(move || !editable.get())
                                        writes=state_tag on_edit=Callback::new(move |()| {
                                            set_state(step_id.clone(), chosen.get_untracked())
                                        })>
                                        {STATES.iter().map(|(state, key)| view! {
                                            <option value=*key>{move || i18n.t(state_msg(*state))}</option>
                                        }).collect_view()}
                                    </Select>
                                </li>
                            }
                        }).collect_view()
                    }}
                </ul>
            </Show>
        </section>
    }
}

/// "Checked on <date> · <source>" for a checklist step, from the current template of its route
/// (matched by the step's record id).
fn step_sources(routes: &[VisaRouteTemplate], id: &RecordId) -> Option<impl IntoView> {
    let i18n = use_i18n();
    let (route, step) = routes.iter().find_map(|route| {
        let step = route
            .steps
            .iter()
            .find(|step| step_record_id(&route.id, &step.id) == *id)?;
        Some((route, step))
    })?;
    let verified = route.verified_on;
    let sources = step.sources.clone();
    (!sources.is_empty()).then(|| {
        view! {
            <p class="item-meta step-sources" data-testid="step-sources">
                {verified.map(|day| view! {
                    {i18n.tr(Msg::CheckedOn)}" "{move || format_date(i18n.lang.get(), day)}" · "
                })}
                {i18n.tr(Msg::SourceLabel)}": "
                {sources.into_iter().filter_map(|source| {
                    let href = source.link()?.to_owned();
                    Some((href, source))
                }).enumerate().map(|(index, (href, source))| view! {
                    {(index > 0).then_some(", ")}
                    <a href=href target="_blank" rel="noopener noreferrer" data-testid="step-source">
                        {move || source.title_in(i18n.lang.get().is_zh()).to_owned()}
                    </a>
                }).collect_view()}
            </p>
        }
    })
}

/// Sessions, workshops and visa deadlines as one `.ics` file (RFC 5545), downloaded at once.
#[component]
fn CalendarExport(space: Signal<Option<SpaceId>>) -> impl IntoView {
    let i18n = use_i18n();
    let handle = use_engine();
    let export = move |_| {
        let (Some(handle), Some(space)) = (handle, space.get_untracked()) else {
            return;
        };
        let engine = handle.get();
        let lang = i18n.lang.get_untracked();
        let events = engine.with_view(&space, |view| {
            engine.with_view(&SpaceId::Program, |program| {
                person_events(&[view], true, program, lang.is_zh())
            })
        });
        download(
            "imp-companion.ics",
            "text/calendar;charset=utf-8",
            &to_ics(Msg::AppName.text(lang), &events, Utc::now()),
        );
    };
    view! {
        <section class="card">
            <h2 class="card-title">{i18n.tr(Msg::Calendar)}</h2>
            <p class="muted">{i18n.tr(Msg::CalendarHelp)}</p>
            <button class="button" data-testid="export-calendar" data-local="download"
                on:click=export>{i18n.tr(Msg::ExportCalendar)}</button>
        </section>
    }
}

/// Saves text as a file through a temporary object URL.
pub fn download(filename: &str, mime: &str, text: &str) {
    use wasm_bindgen::JsCast;
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let anchor = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.create_element("a").ok())
        .and_then(|element| element.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    if let Some(anchor) = anchor {
        anchor.set_href(&url);
        anchor.set_download(filename);
        anchor.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// The visa routes in force: the program space's templates, with newer built-in versions in
/// place of older stored ones (`imp_shared::visa_chooser::current_routes`); the built-in routes
/// until the program space has synced.
pub fn use_visa_routes() -> Memo<Vec<VisaRouteTemplate>> {
    let records = use_typed::<VisaRoute>(program_space());
    Memo::new(move |_| {
        let stored: Vec<VisaRouteTemplate> = records
            .get()
            .into_iter()
            .map(|(_, route)| route.template)
            .collect();
        current_routes(stored, builtin_routes())
    })
}
