//! Evaluations and outcome surveys (`imp_shared::evaluation`): what the signed-in person owes for
//! a placement now (a student's self-assessments and outcome surveys; a mentor's mid-point and
//! final evaluations of the mentee they pick), each answered in a form built from the program's
//! current template, and what was answered already. Answers are written like every other change:
//! offline into the outbox, sent when the device is online; the form keeps them until the write
//! is accepted, and the server's refusal (a missing answer) shows under it.

use chrono::Utc;
use leptos::prelude::*;

use imp_shared::domain::{
    Entity, Evaluation, EvaluationTemplate, Placement, RecordKind, Role, StudentProfile, VisaRoute,
};
use imp_shared::evaluation::{
    current_template, due_evaluations, template_named, Answer, AnswerKind, DueEvaluation, Question,
    MAX_ANSWER_TEXT, SCALE,
};
use imp_shared::ids::{RecordId, SpaceId};
use imp_shared::inbox::Reader;
use imp_shared::mutation::Mutation;

use crate::components::form::bind;
use crate::components::space_picker::{use_working_space, MenteePicker};
use crate::components::write::creates;
use crate::i18n::{format_date, pick, use_i18n, Lang, Msg};
use crate::storage::local::local_storage;
use crate::sync::hooks::{program_space, use_session, use_typed, use_write, WriteErrorLine};
use crate::zone::in_program_zone;

/// A template's title in the reader's language.
fn template_title(lang: Lang, template: &EvaluationTemplate) -> String {
    pick(lang, &template.title, &template.title_zh).to_owned()
}

/// A question in the reader's language.
fn question_text(lang: Lang, question: &Question) -> String {
    pick(lang, &question.text, &question.text_zh).to_owned()
}

/// An answer as text: the scale point, yes/no, the words, or a route's name.
fn answer_text(lang: Lang, answer: &Answer, routes: &[(RecordId, VisaRoute)]) -> String {
    match (answer.scale, answer.yes) {
        (Some(point), _) => format!("{point} / {}", SCALE.end()),
        (None, Some(true)) => Msg::EvaluationYes.text(lang).to_owned(),
        (None, Some(false)) => Msg::EvaluationNo.text(lang).to_owned(),
        (None, None) => routes
            .iter()
            .find(|(_, route)| route.template.id == answer.text)
            .map(|(_, route)| pick(lang, &route.template.name, &route.template.name_zh).to_owned())
            .unwrap_or_else(|| answer.text.clone()),
    }
}

/// Answered evaluations, each with its title (from the template it answered), the day it was
/// sent and its answers: on `/evaluations`, and on staff's page of a student (from the summary).
pub fn answered_view(
    lang: Lang,
    answered: &[Evaluation],
    stored: &[(RecordId, EvaluationTemplate)],
    routes: &[(RecordId, VisaRoute)],
) -> impl IntoView {
    answered
        .iter()
        .map(|evaluation| {
            let template = template_named(stored, &evaluation.template_id);
            let title = template.as_ref().map_or_else(
                || evaluation.kind.title(lang.is_zh()).to_owned(),
                |template| template_title(lang, template),
            );
            let when = evaluation
                .submitted_at
                .map(|at| format_date(lang, in_program_zone(at).date_naive()))
                .unwrap_or_default();
            let rows = evaluation
                .answers
                .iter()
                .filter(|answer| answer.is_given())
                .map(|answer| {
                    let question = template
                        .as_ref()
                        .and_then(|t| t.questions.iter().find(|q| q.id == answer.question))
                        .map_or_else(|| answer.question.clone(), |q| question_text(lang, q));
                    let value = answer_text(lang, answer, routes);
                    view! { <dt>{question}</dt><dd>{value}</dd> }
                })
                .collect_view();
            let test_id = format!("evaluation-done-{}", evaluation.kind.name());
            view! {
                <li data-testid=test_id>
                    <strong>{title}</strong>
                    <span class="muted">" · "{when}</span>
                    <dl class="answers">{rows}</dl>
                </li>
            }
        })
        .collect_view()
}

/// The evaluations screen.
#[component]
pub fn EvaluationsPage() -> impl IntoView {
    let i18n = use_i18n();
    let working = use_working_space();
    let session = use_session();
    let placements = use_typed::<Placement>(working.space);
    let evaluations = use_typed::<Evaluation>(working.space);
    let profiles = use_typed::<StudentProfile>(working.space);
    let templates = use_typed::<EvaluationTemplate>(program_space());
    let routes = use_typed::<VisaRoute>(program_space());
    let due = Memo::new(move |_| {
        let Some(session) = session.get() else {
            return Vec::new();
        };
        let reader = match session.user.role {
            Role::Student => Reader::Student,
            Role::Mentor => Reader::Mentor(&session.user.id),
            // Staff answer none themselves.
            Role::Staff => return Vec::new(),
        };
        let planned_end = profiles.with(|list| list.first().and_then(|(_, p)| p.placement_end));
        let today = in_program_zone(Utc::now()).date_naive();
        placements.with(|placements| {
            evaluations
                .with(|answered| due_evaluations(placements, planned_end, answered, reader, today))
        })
    });
    let has_placement = Memo::new(move |_| placements.with(|list| !list.is_empty()));
    let opened = RwSignal::new(None::<RecordId>);
    let due_list = move || {
        let lang = i18n.lang.get();
        due.get()
            .into_iter()
            .map(|owed| {
                let (template_id, template) = templates.with(|stored| current_template(stored, owed.window.kind));
                view! { <DueCard owed=owed template_id=template_id template=template lang=lang opened=opened
                    space=working.space routes=routes /> }
            })
            .collect_view()
    };
    let done_list = move || {
        let answered: Vec<Evaluation> = evaluations.get().into_iter().map(|(_, e)| e).collect();
        answered_view(i18n.lang.get(), &answered, &templates.get(), &routes.get())
    };
    view! {
        <section class="page" data-testid="evaluations-page">
            <h1>{i18n.tr(Msg::Evaluations)}</h1>
            <p class="muted">{i18n.tr(Msg::EvaluationsHelp)}</p>
            <MenteePicker working=working />
            <section class="card" data-testid="evaluations-due">
                <h2 class="card-title">{i18n.tr(Msg::EvaluationsDue)}</h2>
                <Show when=move || !has_placement.get()>
                    <p class="muted">{i18n.tr(Msg::EvaluationNoPlacement)}</p>
                </Show>
                <Show when=move || has_placement.get() && due.with(Vec::is_empty)>
                    <p class="muted" data-testid="no-evaluations-due">{i18n.tr(Msg::NoEvaluationsDue)}</p>
                </Show>
                <ul class="list evaluations">{due_list}</ul>
            </section>
            <section class="card" data-testid="evaluations-done">
                <h2 class="card-title">{i18n.tr(Msg::EvaluationsDone)}</h2>
                <Show when=move || evaluations.with(Vec::is_empty)>
                    <p class="muted">{i18n.tr(Msg::NoEvaluationsDone)}</p>
                </Show>
                <ul class="list evaluations">{done_list}</ul>
            </section>
        </section>
    }
}

/// One evaluation owed: its title and due day, and its form once opened.
#[component]
fn DueCard(
    owed: DueEvaluation,
    template_id: RecordId,
    template: EvaluationTemplate,
    lang: Lang,
    opened: RwSignal<Option<RecordId>>,
    space: Signal<Option<SpaceId>>,
    routes: Memo<Vec<(RecordId, VisaRoute)>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let kind = owed.window.kind;
    let id = owed.id.clone();
    let is_open = {
        let id = id.clone();
        Memo::new(move |_| opened.with(|open| open.as_ref() == Some(&id)))
    };
    let draft = draft_key(space.get_untracked().as_ref(), &id);
    // Answers typed before a reload: the form opens again with them.
    if opened.get_untracked().is_none() && !load_draft(&draft).is_empty() {
        opened.set(Some(id.clone()));
    }
    let title = template_title(lang, &template);
    let due = format_date(lang, owed.window.due);
    let open_id = id.clone();
    view! {
        <li data-testid=format!("evaluation-due-{}", kind.name())>
            <strong>{title}</strong>
            <span class="muted">" · "{i18n.tr(Msg::EvaluationDueOn)}" "{due}</span>
            <Show when=move || !is_open.get()>
                <button class="button" type="button" data-local="open form"
                    data-testid=format!("evaluation-open-{}", kind.name())
                    on:click={
                        let open_id = open_id.clone();
                        move |_| opened.set(Some(open_id.clone()))
                    }>
                    {i18n.tr(Msg::EvaluationOpen)}
                </button>
            </Show>
            <Show when=move || is_open.get()>
                <EvaluationForm owed=owed.clone() template_id=template_id.clone() template=template.clone()
                    draft=draft.clone() opened=opened space=space routes=routes />
            </Show>
        </li>
    }
}

/// Where this device keeps what someone typed into an evaluation not sent yet (per space and
/// evaluation: two mentees' placements may share an id), so a reload or a closed tab loses none of
/// it; removed once the write is accepted.
fn draft_key(space: Option<&SpaceId>, id: &RecordId) -> String {
    let space = space.map(ToString::to_string).unwrap_or_default();
    format!("imp-evaluation-draft-{space}-{id}")
}

/// The answers typed so far, by question id.
fn load_draft(key: &str) -> Vec<(String, String)> {
    local_storage()
        .and_then(|storage| storage.get_item(key).ok().flatten())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

fn save_draft(key: &str, values: &[(String, String)]) {
    let Some(storage) = local_storage() else {
        return;
    };
    // A full or unavailable storage only means the draft is not kept across a reload.
    let _ = if values.iter().all(|(_, value)| value.is_empty()) {
        storage.remove_item(key)
    } else {
        match serde_json::to_string(values) {
            Ok(text) => storage.set_item(key, &text),
            Err(_) => Ok(()),
        }
    };
}

/// The answers to one evaluation, one control per question of its template. What is typed is
/// kept on the device under `draft` (`draft_key`) as it is typed, until the write is accepted.
#[component]
fn EvaluationForm(
    owed: DueEvaluation,
    template_id: RecordId,
    template: EvaluationTemplate,
    draft: String,
    opened: RwSignal<Option<RecordId>>,
    space: Signal<Option<SpaceId>>,
    routes: Memo<Vec<(RecordId, VisaRoute)>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let write = use_write();
    let kind = owed.window.kind;
    let key = draft;
    let draft = load_draft(&key);
    let values: Vec<(Question, RwSignal<String>)> = template
        .questions
        .iter()
        .map(|question| {
            let typed = draft
                .iter()
                .find(|(id, _)| *id == question.id)
                .map(|(_, value)| value.clone())
                .unwrap_or_default();
            (question.clone(), RwSignal::new(typed))
        })
        .collect();
    {
        let values = values.clone();
        let key = key.clone();
        Effect::new(move |_| {
            let typed: Vec<(String, String)> = values
                .iter()
                .map(|(question, value)| (question.id.clone(), value.get()))
                .collect();
            save_draft(&key, &typed);
        });
    }
    let answers_of = {
        let values = values.clone();
        move || -> Vec<Answer> {
            values
                .iter()
                .filter_map(|(question, value)| {
                    let text = value.get_untracked().trim().to_owned();
                    let mut answer = Answer {
                        question: question.id.clone(),
                        ..Answer::default()
                    };
                    match question.answer {
                        _ if text.is_empty() => return None,
                        AnswerKind::Scale => answer.scale = text.parse().ok(),
                        AnswerKind::YesNo => answer.yes = Some(text == "yes"),
                        AnswerKind::Text | AnswerKind::VisaRoute => answer.text = text,
                    }
                    Some(answer)
                })
                .collect()
        }
    };
    let version = template.version;
    let send = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(space) = space.get_untracked() else {
            return;
        };
        let record = Evaluation {
            placement_id: owed.placement_id.clone(),
            kind,
            template_id: template_id.clone(),
            template_version: version,
            answers: answers_of(),
            author: None,
            submitted_at: None,
        };
        let mutation = Mutation::Create {
            id: owed.id.clone(),
            record: Entity::Evaluation(record),
        };
        let key = key.clone();
        write.run(space, mutation, move || {
            save_draft(&key, &[]);
            opened.set(None);
        });
    };
    let controls = values
        .into_iter()
        .enumerate()
        .map(|(index, (question, value))| {
            let control_id = format!("answer-{}", question.id);
            let lang = i18n.lang;
            let label = {
                let question = question.clone();
                move || {
                    let text = question_text(lang.get(), &question);
                    format!("{}. {text}", index + 1)
                }
            };
            let required = question
                .required
                .then(|| view! { <span class="muted">" ("{i18n.tr(Msg::EvaluationRequired)}")"</span> });
            let control = match question.answer {
                AnswerKind::Text => view! {
                    <textarea id=control_id.clone() data-testid=control_id.clone() rows="3" maxlength=MAX_ANSWER_TEXT
                        prop:value=move || value.get() on:input=bind(value)></textarea>
                }
                .into_any(),
                AnswerKind::Scale => {
                    let points = SCALE
                        .map(|point| view! { <option value=point.to_string()>{point}</option> })
                        .collect_view();
                    view! {
                        <select id=control_id.clone() data-testid=control_id.clone() prop:value=move || value.get()
                            on:change=bind(value)>
                            <option value="">{i18n.tr(Msg::EvaluationNoAnswer)}</option>
                            {points}
                        </select>
                    }
                    .into_any()
                }
                AnswerKind::YesNo => view! {
                    <select id=control_id.clone() data-testid=control_id.clone() prop:value=move || value.get()
                        on:change=bind(value)>
                        <option value="">{i18n.tr(Msg::EvaluationNoAnswer)}</option>
                        <option value="yes">{i18n.tr(Msg::EvaluationYes)}</option>
                        <option value="no">{i18n.tr(Msg::EvaluationNo)}</option>
                    </select>
                }
                .into_any(),
                AnswerKind::VisaRoute => {
                    let options = move || {
                        let lang = i18n.lang.get();
                        routes
                            .get()
                            .into_iter()
                            .map(|(_, route)| {
                                let name = pick(lang, &route.template.name, &route.template.name_zh).to_owned();
                                view! { <option value=route.template.id.clone()>{name}</option> }
                            })
                            .collect_view()
                    };
                    view! {
                        <select id=control_id.clone() data-testid=control_id.clone() prop:value=move || value.get()
                            on:change=bind(value)>
                            <option value="">{i18n.tr(Msg::EvaluationOtherRoute)}</option>
                            {options}
                        </select>
                    }
                    .into_any()
                }
            };
            view! {
                <div class="field">
                    <label for=control_id>{label}{required}</label>
                    {control}
                </div>
            }
        })
        .collect_view();
    let tag = creates(space.get_untracked().as_ref(), RecordKind::Evaluation);
    view! {
        <form class="evaluation-form" data-testid="evaluation-form" data-write=tag on:submit=send>
            {controls}
            <button class="button" type="submit" data-testid="evaluation-send" disabled=move || write.pending.get()>
                {i18n.tr(Msg::EvaluationSend)}
            </button>
            <WriteErrorLine write=write />
        </form>
    }
}
