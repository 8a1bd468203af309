//! Visa and work permit: the student picks their route(s); the steps come from the versioned route
//! templates in `imp_shared::visa`, become the student's checklist with computed due dates, and
//! count down here and on Home (red under 30 days). Also the calendar export.

use chrono::Utc;
use leptos::prelude::*;

use imp_shared::calendar::{to_ics, CalendarEvent};
use imp_shared::domain::{Entity, RecordKind, Role, VisaStep, VisaStepState};
use imp_shared::ids::{RecordId, SpaceId};
use imp_shared::mutation::Mutation;
use imp_shared::visa::{
    builtin_routes, checklist, days_left, is_urgent, Anchors, VisaRouteTemplate,
};

use crate::components::space_picker::{use_working_space, MenteePicker};
use crate::components::write;
use crate::i18n::{days_left_text, format_date, use_i18n, Msg};
use crate::sync::hooks::{
    use_engine, use_pending_ids, use_records, use_session, use_write, WriteErrorLine,
};

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
    let records = use_records(space, RecordKind::VisaStep);
    Memo::new(move |_| {
        let mut steps: Vec<(RecordId, VisaStep)> = records
            .get()
            .into_iter()
            .filter_map(|(id, entity)| match entity {
                Entity::VisaStep(step) => Some((id, step)),
                _ => None,
            })
            .collect();
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
        <Show when=move || space.get().is_some()>
            <Checklist space=space editable=Signal::derive(is_student) />
            <Show when=is_student>
                <RoutePicker space=space />
            </Show>
            <CalendarExport space=space />
        </Show>
    }
}

#[component]
fn RoutePicker(space: Signal<Option<SpaceId>>) -> impl IntoView {
    let i18n = use_i18n();
    let write = use_write();
    let profiles = use_records(space, RecordKind::StudentProfile);
    let steps = use_visa_steps(space);
    let taken = move |route_id: &str| steps.get().iter().any(|(_, step)| step.route == route_id);
    let routes = use_visa_routes();
    let add_route = move |route_id: String| {
        let Some(space) = space.get_untracked() else {
            return;
        };
        let anchors = profiles
            .get_untracked()
            .into_iter()
            .find_map(|(_, entity)| match entity {
                Entity::StudentProfile(profile) => Some(Anchors::from_profile(&profile)),
                _ => None,
            })
            .unwrap_or_default();
        let Some(route) = routes
            .get_untracked()
            .into_iter()
            .find(|route| route.id == route_id)
        else {
            return;
        };
        for planned in checklist(&route, &anchors) {
            let id = RecordId(format!("visa-{}-{}", planned.route_id, planned.step.id));
            write.dispatch((
                space.clone(),
                Mutation::Create {
                    id,
                    record: Entity::VisaStep(planned.to_visa_step()),
                },
            ));
        }
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
                                <p class="item-title" data-testid="route-name">{let route = route.clone(); move || route.name_in(i18n.lang.get().is_zh()).to_owned()}</p>
                                <p class="item-meta">{let route = route.clone(); move || route.authority_in(i18n.lang.get().is_zh()).to_owned()}</p>
                            </div>
                            <Show when=move || !taken(&check_id) fallback=move || view! { <span class="pill">{i18n.tr(Msg::RouteAdded)}</span> }>
                                <button class="button button-small" data-testid="add-route" data-write=move || write::creates(space.get().as_ref(), RecordKind::VisaStep) on:click={
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
    let steps = use_visa_steps(space);
    let pending = use_pending_ids(space);
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
    view! {
        <section class="card">
            <h2 class="card-title">{i18n.tr(Msg::Checklist)}</h2>
            <WriteErrorLine write=write />
            <Show when=move || !steps.get().is_empty() fallback=move || view! { <p class="muted empty">{i18n.tr(Msg::NoVisaSteps)}</p> }>
                <ul class="list" data-testid="visa-steps">
                    {move || {
                        let today = Utc::now().date_naive();
                        steps.get().into_iter().map(|(id, step)| {
                            let left = step.due_date.map(|due| days_left(due, today));
                            let open = !matches!(step.state, VisaStepState::Done | VisaStepState::NotNeeded);
                            let urgent = open && left.is_some_and(is_urgent);
                            let waiting = pending.get().contains(&id);
                            let select_id = format!("state-{id}");
                            let state_key = STATES.iter().find(|(state, _)| *state == step.state).map_or("todo", |(_, key)| *key);
                            let step_id = id.clone();
                            view! {
                                <li class="list-item visa-step" class:urgent=urgent data-testid="visa-step" data-step-id=id.to_string() data-state=state_key data-urgent=urgent.to_string()>
                                    <div class="grow">
                                        <p class="item-title" data-testid="step-title">{let step = step.clone(); move || step.title_in(i18n.lang.get().is_zh()).to_owned()}</p>
                                        <p class="item-meta">{let step = step.clone(); move || step.authority_in(i18n.lang.get().is_zh()).to_owned()}</p>
                                        {step.due_date.map(|due| view! {
                                            <p class="item-meta due" data-testid="due">
                                                {move || format_date(i18n.lang.get(), due)}" · "
                                                <span class:countdown-urgent=urgent>{move || left.map(|days| days_left_text(i18n.lang.get(), days)).unwrap_or_default()}</span>
                                            </p>
                                        })}
                                        {(!step.documents.is_empty()).then(|| view! { <p class="item-body">{i18n.tr(Msg::Documents)}": "{let step = step.clone(); move || step.documents_in(i18n.lang.get().is_zh()).join(", ")}</p> })}
                                    </div>
                                    {waiting.then(|| view! { <span class="pill pill-waiting" data-testid="waiting">{i18n.tr(Msg::Waiting)}</span> })}
                                    <div class="field">
                                        <label class="visually-hidden" for=select_id.clone()>{i18n.tr(Msg::Progress)}</label>
                                        <select id=select_id data-testid="step-state" data-write=write::changes(space.get_untracked().as_ref(), RecordKind::VisaStep, &step_id) disabled=move || !editable.get() prop:value=state_key
                                            on:change=move |event| set_state(step_id.clone(), event_target_value(&event))>
                                            {STATES.iter().map(|(state, key)| view! { <option value=*key>{move || i18n.t(state_msg(*state))}</option> }).collect_view()}
                                        </select>
                                    </div>
                                </li>
                            }
                        }).collect_view()
                    }}
                </ul>
            </Show>
        </section>
    }
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
        let mut events = Vec::new();
        engine.with_view(&space, |view| {
            for (key, entity) in &view.records {
                match entity {
                    Entity::MentoringSession(session) => {
                        events.extend(CalendarEvent::from_mentoring_session(
                            &key.id,
                            session,
                            "Mentoring session",
                        ))
                    }
                    Entity::VisaStep(step) => {
                        events.extend(CalendarEvent::from_visa_step(&key.id, step))
                    }
                    _ => {}
                }
            }
        });
        engine.with_view(&SpaceId::Program, |view| {
            for (key, entity) in &view.records {
                if let Entity::Workshop(workshop) = entity {
                    events.push(CalendarEvent::from_workshop(&key.id, workshop));
                }
            }
        });
        download(
            "imp-companion.ics",
            "text/calendar;charset=utf-8",
            &to_ics("IMP Companion", &events, Utc::now()),
        );
    };
    view! {
        <section class="card">
            <h2 class="card-title">{i18n.tr(Msg::Calendar)}</h2>
            <p class="muted">{i18n.tr(Msg::CalendarHelp)}</p>
            <button class="button" data-testid="export-calendar" data-local="download" on:click=export>{i18n.tr(Msg::ExportCalendar)}</button>
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

/// The visa routes' templates as staff keep them in the program space; the built-in first
/// versions until the program space has synced.
pub fn use_visa_routes() -> Memo<Vec<VisaRouteTemplate>> {
    let program = Signal::derive(|| Some(SpaceId::Program));
    let records = use_records(program, RecordKind::VisaRoute);
    Memo::new(move |_| {
        let mut routes: Vec<VisaRouteTemplate> = records
            .get()
            .into_iter()
            .filter_map(|(_, entity)| match entity {
                Entity::VisaRoute(route) => Some(route.template),
                _ => None,
            })
            .collect();
        if routes.is_empty() {
            return builtin_routes();
        }
        let order = |id: &str| {
            builtin_routes()
                .iter()
                .position(|r| r.id == id)
                .unwrap_or(usize::MAX)
        };
        routes.sort_by(|a, b| (order(&a.id), &a.id).cmp(&(order(&b.id), &b.id)));
        routes
    })
}
