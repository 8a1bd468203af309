//! Job applications as a pipeline board: applied → interview → offer → accepted / rejected /
//! withdrawn. A card moves with a tap on the next stage (touch-friendly; no drag needed).

use chrono::{NaiveDate, Utc};
use leptos::prelude::*;

use imp_shared::domain::{ApplicationStage, Entity, JobApplication, RecordKind};
use imp_shared::ids::{RecordId, SpaceId};
use imp_shared::mutation::Mutation;

use crate::components::form::{Field, WriteForm};
use crate::components::space_picker::{use_working_space, MenteePicker};
use crate::components::write;
use crate::i18n::{format_date, use_i18n, Msg};
use crate::sync::hooks::{
    use_pending_ids, use_session, use_typed, use_write, FormError, WriteErrorLine,
};

const STAGES: [ApplicationStage; 6] = [
    ApplicationStage::Applied,
    ApplicationStage::Interview,
    ApplicationStage::Offer,
    ApplicationStage::Accepted,
    ApplicationStage::Rejected,
    ApplicationStage::Withdrawn,
];

fn stage_msg(stage: ApplicationStage) -> Msg {
    match stage {
        ApplicationStage::Applied => Msg::StageApplied,
        ApplicationStage::Interview => Msg::StageInterview,
        ApplicationStage::Offer => Msg::StageOffer,
        ApplicationStage::Accepted => Msg::StageAccepted,
        ApplicationStage::Rejected => Msg::StageRejected,
        ApplicationStage::Withdrawn => Msg::StageWithdrawn,
    }
}

fn stage_key(stage: ApplicationStage) -> &'static str {
    match stage {
        ApplicationStage::Applied => "applied",
        ApplicationStage::Interview => "interview",
        ApplicationStage::Offer => "offer",
        ApplicationStage::Accepted => "accepted",
        ApplicationStage::Rejected => "rejected",
        ApplicationStage::Withdrawn => "withdrawn",
    }
}

/// The job applications screen.
#[component]
pub fn JobsPage() -> impl IntoView {
    let i18n = use_i18n();
    let working = use_working_space();
    let space = working.space;
    let session = use_session();
    let is_student = move || {
        session
            .get()
            .is_some_and(|s| s.user.role == imp_shared::domain::Role::Student)
    };
    view! {
        <h1>{i18n.tr(Msg::Jobs)}</h1>
        <MenteePicker working=working />
        <Show when=move || space.get().is_some()>
            <Show when=is_student>
                <NewApplication space=space />
            </Show>
            <Board space=space />
        </Show>
    }
}

#[component]
fn NewApplication(space: Signal<Option<SpaceId>>) -> impl IntoView {
    let i18n = use_i18n();
    let write = use_write();
    let company = RwSignal::new(String::new());
    let role = RwSignal::new(String::new());
    let next_step = RwSignal::new(String::new());
    let submit = Callback::new(move |()| {
        let (company_text, role_text) = (
            company.get_untracked().trim().to_owned(),
            role.get_untracked().trim().to_owned(),
        );
        if company_text.is_empty() || role_text.is_empty() {
            write.fail(Msg::CompanyAndRoleRequired);
            return;
        }
        write.clear();
        let Some(space) = space.get_untracked() else {
            return;
        };
        let application = JobApplication {
            company: company_text,
            role: role_text,
            stage: ApplicationStage::Applied,
            applied_on: Some(Utc::now().date_naive()),
            next_step: next_step.get_untracked().trim().to_owned(),
            notes: String::new(),
        };
        write.run(
            space,
            Mutation::Create {
                id: RecordId(format!("job-{}", uuid::Uuid::new_v4().simple())),
                record: Entity::JobApplication(application),
            },
            move || {
                company.set(String::new());
                role.set(String::new());
                next_step.set(String::new());
            },
        );
    });
    let missing = Signal::derive(move || {
        write.error.get() == Some(FormError::Form(Msg::CompanyAndRoleRequired))
    });
    let writes =
        Signal::derive(move || write::creates(space.get().as_ref(), RecordKind::JobApplication));
    view! {
        <section class="card">
            <h2 class="card-title">{i18n.tr(Msg::NewApplication)}</h2>
            <WriteForm write=write writes=writes on_submit=submit submit=Msg::Add submit_testid="add-application"
                inline=true error_id="job-error">
                <Field id="job-company" label=Msg::Company value=company grow=true maxlength=200
                    invalid=Signal::derive(move || missing.get() && company.get().trim().is_empty())
                    described_by="job-error" />
                <Field id="job-role" label=Msg::Role value=role grow=true maxlength=200
                    invalid=Signal::derive(move || missing.get() && role.get().trim().is_empty())
                    described_by="job-error" />
                <Field id="job-next" label=Msg::NextStep value=next_step grow=true maxlength=200 />
            </WriteForm>
        </section>
    }
}

#[component]
fn Board(space: Signal<Option<SpaceId>>) -> impl IntoView {
    let i18n = use_i18n();
    let applications = use_typed::<JobApplication>(space);
    let pending = use_pending_ids(space);
    let session = use_session();
    let can_move = move || {
        session
            .get()
            .is_some_and(|s| s.user.role != imp_shared::domain::Role::Mentor)
    };
    let write = use_write();
    let by_stage = move |stage: ApplicationStage| {
        let mut list: Vec<(RecordId, JobApplication)> = applications
            .get()
            .into_iter()
            .filter(|(_, application)| application.stage == stage)
            .collect();
        list.sort_by(|(a_id, a), (b_id, b)| (&a.company, a_id).cmp(&(&b.company, b_id)));
        list
    };
    let move_card = move |id: RecordId, stage: ApplicationStage| {
        if let Some(space) = space.get_untracked() {
            write.dispatch((space, Mutation::MoveApplication { id, stage }));
        }
    };
    view! {
        <WriteErrorLine write=write />
        <div class="board" data-testid="job-board">
            {STAGES.into_iter().map(|stage| view! {
                <section class="card board-column" data-stage=stage_key(stage)>
                    <h2 class="card-title">
                        {move || i18n.t(stage_msg(stage))}" "<span class="muted">{move || by_stage(stage).len()}</span>
                    </h2>
                    <ul class="list">
                        {move || by_stage(stage).into_iter().map(|(id, application)| {
                            let waiting = pending.get().contains(&id);
                            let applied: Option<NaiveDate> = application.applied_on;
                            let next_stages: Vec<ApplicationStage> =
                                STAGES.into_iter().filter(|next| stage.can_become(*next)).collect();
                            let card_id = id.to_string();
                            let next_step = application.next_step.clone();
                            view! {
                                <li class="list-item job-card" data-testid="job" data-job-id=card_id
                                    data-company=application.company.clone()>
                                    <div class="grow">
                                        <p class="item-title">{application.company.clone()}</p>
                                        <p class="item-meta">
                                            {application.role.clone()}
                                            {applied.map(|date| format!(" · {}", format_date(i18n.lang.get(), date)))}
                                        </p>
                                        {(!next_step.is_empty())
                                            .then(|| view! { <p class="item-body">{next_step}</p> })}
                                    </div>
                                    {waiting.then(|| view! {
                                        <span class="pill pill-waiting" data-testid="waiting">
                                            {i18n.tr(Msg::Waiting)}
                                        </span>
                                    })}
                                    <Show when=can_move>
                                        <div class="card-actions">
                                            {next_stages.iter().map(|next| {
                                                let (id, next) = (id.clone(), *next);
                                                let tag = write::changes(
                                                    space.get_untracked().as_ref(),
                                                    RecordKind::JobApplication,
                                                    &id,
                                                );
                                                view! {
                                                    <button class="button button-small"
                                                        data-testid=format!("move-{}", stage_key(next))
                                                        data-write=tag on:click=move |_| move_card(id.clone(), next)>
                                                        {move || format!("→ {}", i18n.t(stage_msg(next)))}
                                                    </button>
                                                }
                                            }).collect_view()}
                                        </div>
                                    </Show>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            }).collect_view()}
        </div>
    }
}
