//! Goals: what a student works towards, with a target date and success criteria; progress comes
//! from the tasks filed under each goal.

use chrono::NaiveDate;
use leptos::prelude::*;

use imp_shared::domain::{Entity, Goal, RecordKind, Role, Task};
use imp_shared::glance::goal_progress;
use imp_shared::ids::{RecordId, SpaceId};
use imp_shared::mutation::Mutation;

use crate::components::form::{Field, Input, WriteForm};
use crate::components::write;
use crate::i18n::{format_date, use_i18n, Msg};
use crate::sync::hooks::{use_session, use_typed, use_write, FormError};

pub use imp_shared::glance::GoalProgress;

/// The goals of a space with their progress, by target date (`imp_shared::glance::goal_progress`).
pub fn use_goals(space: Signal<Option<SpaceId>>) -> Memo<Vec<GoalProgress>> {
    let goals = use_typed::<Goal>(space);
    let tasks = use_typed::<Task>(space);
    Memo::new(move |_| goals.with(|goals| tasks.with(|tasks| goal_progress(goals, tasks))))
}

/// Goals with progress bars, and (for the student) a form to add one.
#[component]
pub fn GoalsSection(space: Signal<Option<SpaceId>>) -> impl IntoView {
    let i18n = use_i18n();
    let goals = use_goals(space);
    let session = use_session();
    let is_student = move || session.get().is_some_and(|s| s.user.role == Role::Student);
    let write = use_write();
    let title = RwSignal::new(String::new());
    let target = RwSignal::new(String::new());
    let criteria = RwSignal::new(String::new());
    let add = Callback::new(move |()| {
        let text = title.get_untracked().trim().to_owned();
        if text.is_empty() {
            write.fail(Msg::GoalTitleRequired);
            return;
        }
        write.clear();
        let Some(space) = space.get_untracked() else {
            return;
        };
        let goal = Goal {
            title: text,
            target_date: NaiveDate::parse_from_str(&target.get_untracked(), "%Y-%m-%d").ok(),
            success_criteria: criteria.get_untracked().trim().to_owned(),
        };
        write.run(
            space,
            Mutation::Create {
                id: RecordId(format!("goal-{}", uuid::Uuid::new_v4().simple())),
                record: Entity::Goal(goal),
            },
            move || {
                title.set(String::new());
                target.set(String::new());
                criteria.set(String::new());
            },
        );
    });
    let title_missing =
        Signal::derive(move || write.error.get() == Some(FormError::Form(Msg::GoalTitleRequired)));
    let writes = Signal::derive(move || write::creates(space.get().as_ref(), RecordKind::Goal));
    // Not a `ListCard`: the student's form to add a goal sits in the same card, under the list.
    view! {
        <section class="card">
            <h2 class="card-title">{i18n.tr(Msg::Goals)}</h2>
            <Show when=move || !goals.get().is_empty()
                fallback=move || view! { <p class="muted">{i18n.tr(Msg::NoGoals)}</p> }>
                <ul class="list" data-testid="goals">
                    {move || goals.get().into_iter().map(|progress| {
                        let percent = (progress.done * 100).checked_div(progress.total).unwrap_or(0);
                        let target = progress.goal.target_date;
                        let criteria = progress.goal.success_criteria.clone();
                        view! {
                            <li class="list-item goal" data-testid="goal" data-title=progress.goal.title.clone()
                                data-done=progress.done.to_string() data-total=progress.total.to_string()>
                                <div class="grow">
                                    <p class="item-title">{progress.goal.title.clone()}</p>
                                    <p class="item-meta">
                                        {move || target.map(|date| format_date(i18n.lang.get(), date))}
                                    </p>
                                    {(!criteria.is_empty()).then(|| view! { <p class="item-body">{criteria}</p> })}
                                    <div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100"
                                        aria-valuenow=percent
                                        aria-label=move || {
                                            format!("{} {}/{}", i18n.t(Msg::Progress), progress.done, progress.total)
                                        }>
                                        <span style:width=format!("{percent}%")></span>
                                    </div>
                                </div>
                                <span class="item-meta">{format!("{}/{}", progress.done, progress.total)}</span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </Show>
            <Show when=is_student>
                <WriteForm write=write writes=writes on_submit=add submit=Msg::Add submit_testid="add-goal"
                    testid="goal-form" error_id="goal-title-error">
                    <div class="form-inline">
                        <Field id="goal-title" label=Msg::NewGoal value=title grow=true maxlength=200
                            invalid=title_missing described_by="goal-title-error" />
                        <Field id="goal-target" label=Msg::TargetDate value=target input=Input::Date />
                    </div>
                    <Field id="goal-criteria" label=Msg::SuccessCriteria value=criteria maxlength=5000 />
                </WriteForm>
            </Show>
        </section>
    }
}
