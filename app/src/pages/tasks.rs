//! Tasks: add, check off, rename and delete tasks in a student's space, offline first. Students
//! see their own; mentors pick a mentee.

use chrono::NaiveDate;
use leptos::prelude::*;

use imp_shared::domain::{
    Entity, EntityPatch, Record, RecordKind, StudentProfile, Task, TaskPatch,
};
use imp_shared::ids::{RecordId, SpaceId};
use imp_shared::mutation::Mutation;
use imp_shared::permissions::WriteOp;

use crate::components::confirm::DeleteButton;
use crate::components::form::{Field, InlineEdit, Input, ListCard, Select, WriteForm};
use crate::components::space_picker::{use_working_space, MenteePicker};
use crate::components::write;
use crate::i18n::{format_date, use_i18n, Msg};
use crate::pages::goals::{use_goals, GoalsSection};
use crate::sync::hooks::{
    use_engine, use_pending_ids, use_typed, use_write, FormError, WriteErrorLine,
};
use crate::wording::only_they_change_task;

/// The tasks screen.
#[component]
pub fn TasksPage() -> impl IntoView {
    let i18n = use_i18n();
    let working = use_working_space();
    let space = working.space;
    view! {
        <h1>{i18n.tr(Msg::Tasks)}</h1>
        <MenteePicker working=working />
        <Show when=move || space.get().is_some()>
            <GoalsSection space=space />
            <TaskList space=space />
        </Show>
    }
}

#[component]
fn TaskList(space: Signal<Option<SpaceId>>) -> impl IntoView {
    let i18n = use_i18n();
    let tasks = use_typed::<Task>(space);
    let pending = use_pending_ids(space);
    let write = use_write();
    let title = RwSignal::new(String::new());
    let due = RwSignal::new(String::new());
    let goal = RwSignal::new(String::new());
    let goals = use_goals(space);

    let add = Callback::new(move |()| {
        let text = title.get_untracked().trim().to_owned();
        if text.is_empty() {
            write.fail(Msg::TitleRequired);
            return;
        }
        write.clear();
        let Some(space) = space.get_untracked() else {
            return;
        };
        let due_date = NaiveDate::parse_from_str(&due.get_untracked(), "%Y-%m-%d").ok();
        let mutation = Mutation::Create {
            id: RecordId(format!("t-{}", uuid::Uuid::new_v4().simple())),
            record: Entity::Task(Task {
                goal_id: Some(goal.get_untracked())
                    .filter(|id| !id.is_empty())
                    .map(RecordId),
                title: text,
                due_date,
                done: false,
                created_by: None,
            }),
        };
        write.run(space, mutation, move || {
            title.set(String::new());
            due.set(String::new());
        });
    });

    let sorted = Memo::new(move |_| {
        let mut list = tasks.get();
        list.sort_by(|(a_id, a), (b_id, b)| {
            (a.done, a.due_date.is_none(), a.due_date, &a.title, a_id).cmp(&(
                b.done,
                b.due_date.is_none(),
                b.due_date,
                &b.title,
                b_id,
            ))
        });
        list
    });
    let title_missing =
        Signal::derive(move || write.error.get() == Some(FormError::Form(Msg::TitleRequired)));
    let writes = Signal::derive(move || write::creates(space.get().as_ref(), RecordKind::Task));

    view! {
        <section class="card">
            <h2 class="card-title">{i18n.tr(Msg::NewTask)}</h2>
            <WriteForm write=write writes=writes on_submit=add submit=Msg::Add submit_testid="add-task"
                inline=true error_id="task-title-error">
                <Field id="task-title" label=Msg::TaskTitle value=title grow=true maxlength=200
                    invalid=title_missing described_by="task-title-error" />
                <Field id="task-due" label=Msg::DueDate value=due input=Input::Date />
                <Show when=move || !goals.get().is_empty()>
                    <Select id="task-goal" label=Msg::UnderGoal value=goal>
                        <option value="">{i18n.tr(Msg::NoGoal)}</option>
                        {move || goals.get().into_iter().map(|progress| view! {
                            <option value=progress.id.to_string()>{progress.goal.title.clone()}</option>
                        }).collect_view()}
                    </Select>
                </Show>
            </WriteForm>
        </section>
        <ListCard title=Msg::Tasks empty=Msg::NoTasks count=Signal::derive(move || sorted.with(Vec::len))
            testid="task-list">
            <For each=move || sorted.get() key=|(id, task)| (id.clone(), task.title.clone(), task.done, task.due_date)
                let((id, task))>
                <TaskItem space=space id=id.clone() task=task
                    waiting=Signal::derive({ let id = id.clone(); move || pending.get().contains(&id) }) />
            </For>
        </ListCard>
    }
}

#[component]
fn TaskItem(
    space: Signal<Option<SpaceId>>,
    id: RecordId,
    task: Task,
    waiting: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let write = use_write();
    let editing = RwSignal::new(false);
    let draft = RwSignal::new(task.title.clone());
    let run = move |mutation: Mutation| {
        if let Some(space) = space.get_untracked() {
            write.dispatch((space, mutation));
        }
    };
    let toggle = {
        let id = id.clone();
        let done = task.done;
        move |_| {
            run(Mutation::SetTaskDone {
                id: id.clone(),
                done: !done,
            })
        }
    };
    let save = {
        let id = id.clone();
        Callback::new(move |()| {
            let text = draft.get_untracked().trim().to_owned();
            if text.is_empty() {
                write.fail(Msg::TitleRequired);
                return;
            }
            let Some(space) = space.get_untracked() else {
                return;
            };
            // The edit stays open with the typed title until the change is accepted.
            write.run(
                space,
                Mutation::Update {
                    id: id.clone(),
                    patch: EntityPatch::Task(TaskPatch {
                        title: Some(text),
                        ..TaskPatch::default()
                    }),
                },
                move || editing.set(false),
            );
        })
    };
    // Deleting asks first: the task goes for the student and the mentor alike.
    let delete = {
        let id = id.clone();
        Callback::new(move |()| {
            run(Mutation::Delete {
                kind: RecordKind::Task,
                id: id.clone(),
            })
        })
    };
    // Only the controls the permission rules allow (the server's own rule): a mentor reads a
    // student's own tasks, and is told who can change them.
    let handle = use_engine();
    let entity = Entity::Task(task.clone());
    let may = {
        let entity = entity.clone();
        move |op: WriteOp| {
            let (Some(handle), Some(space)) = (handle, space.get()) else {
                return false;
            };
            handle.read(|engine| engine.allows(&space, RecordKind::Task, op, Some(&entity)))
        }
    };
    let can_change = {
        let may = may.clone();
        move || may(WriteOp::Change)
    };
    let can_delete = move || may(WriteOp::Delete);
    let owner_name = {
        let created_by = task.created_by.clone();
        move || {
            let (Some(handle), Some(space), Some(creator)) =
                (handle, space.get(), created_by.clone())
            else {
                return None;
            };
            handle.read(|engine| {
                engine.with_view(&space, |view| {
                    let profile_id = RecordId(creator.to_string());
                    imp_shared::apply::RecordView::get(view, StudentProfile::KIND, &profile_id)
                        .and_then(StudentProfile::from_entity)
                        .map(|profile| profile.display_name)
                })
            })
        }
    };
    let checkbox_id = format!("done-{id}");
    let (change_tag, delete_tag) = {
        let id = id.clone();
        (
            Signal::derive({
                let id = id.clone();
                move || write::changes(space.get().as_ref(), RecordKind::Task, &id)
            }),
            Signal::derive(move || write::deletes(space.get().as_ref(), RecordKind::Task, &id)),
        )
    };
    let title = task.title.clone();
    let title_for_cancel = task.title.clone();
    let due = task.due_date;
    view! {
        <li class="list-item task" class:done=task.done data-testid="task" data-task-id=id.to_string()
            data-title=task.title.clone()>
            <input type="checkbox" id=checkbox_id.clone() data-write=change_tag prop:checked=task.done
                on:change=toggle disabled={ let can_change = can_change.clone(); move || !can_change() }
                aria-label=move || format!("{} — {}", i18n.t(Msg::Done), title) />
            <InlineEdit open=editing write=write writes=change_tag on_save=save edit_testid="edit-task"
                allowed=Signal::derive({ let can_change = can_change.clone(); move || can_change() })
                on_cancel=Callback::new(move |()| draft.set(title_for_cancel.clone()))
                shown=ViewFn::from({
                    let title = task.title.clone();
                    let checkbox_id = checkbox_id.clone();
                    move || view! { <label class="item-title" for=checkbox_id.clone()>{title.clone()}</label> }
                })>
                <Field id="edit-title" label=Msg::TaskTitle value=draft hidden_label=true maxlength=200 />
            </InlineEdit>
            <span class="item-meta">{move || due.map(|date| format_date(i18n.lang.get(), date))}</span>
            <Show when=move || waiting.get()>
                <span class="pill pill-waiting" data-testid="waiting">{i18n.tr(Msg::Waiting)}</span>
            </Show>
            <Show when=can_delete>
                <DeleteButton testid="delete-task" writes=delete_tag title=Msg::ConfirmDeleteTaskTitle
                    body=Msg::ConfirmDeleteTaskBody on_delete=delete />
            </Show>
            <Show when={ let can_change = can_change.clone(); move || !can_change() }>
                <p class="item-meta grow-full" data-testid="read-only">{
                    let owner_name = owner_name.clone();
                    move || only_they_change_task(i18n.lang.get(), owner_name().as_deref())
                }</p>
            </Show>
            <WriteErrorLine write=write />
        </li>
    }
}
