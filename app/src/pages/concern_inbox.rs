//! Staff's concern inbox: every concern raised, open ones first, urgent first, then the newest;
//! who handles each one, staff's notes on it and how far it has come. Shown on staff's home and
//! on the concerns screen.

use std::cmp::Reverse;
use std::collections::HashSet;

use leptos::prelude::*;
use leptos_router::components::A;

use imp_shared::domain::{
    ConcernFlag, ConcernFlagPatch, ConcernState, Enrollment, EntityPatch, Priority, RecordKind,
};
use imp_shared::glance::enrolled_name;
use imp_shared::ids::{RecordId, SpaceId};
use imp_shared::mutation::Mutation;

use crate::components::form::{ListCard, Select, TextArea};
use crate::components::write;
use crate::i18n::{use_i18n, Msg};
use crate::pages::concern::{PRIORITIES, TOPICS};
use crate::pages::home::date_time;
use crate::sync::hooks::{use_session, use_typed, use_write, FormWrite, WriteErrorLine};
use crate::zone::in_program_zone;

/// A concern's progress with its value in the choice and its label.
const STATES: [(ConcernState, &str, Msg); 3] = [
    (ConcernState::Open, "open", Msg::ConcernOpen),
    (
        ConcernState::InProgress,
        "in_progress",
        Msg::ConcernInProgress,
    ),
    (ConcernState::Resolved, "resolved", Msg::ConcernResolved),
];

/// Staff's concern inbox: open ones first, urgent first, then the newest.
#[component]
pub fn ConcernInbox() -> impl IntoView {
    let staff = Signal::derive(|| Some(SpaceId::Staff));
    let flags = use_typed::<ConcernFlag>(staff);
    let enrollments = use_typed::<Enrollment>(staff);
    // Concerns whose notes this device stored since they were last typed in (kept here: a
    // stored change redraws the rows).
    let saved_notes = RwSignal::new(HashSet::<RecordId>::new());
    let concerns = Memo::new(move |_| {
        let mut list: Vec<(RecordId, ConcernFlag, String)> = enrollments.with(|enrollments| {
            flags
                .get()
                .into_iter()
                .map(|(id, flag)| {
                    let name = enrolled_name(enrollments, &flag.student_id);
                    (id, flag, name)
                })
                .collect()
        });
        let order = |id: &RecordId, flag: &ConcernFlag| {
            let resolved = flag.state == ConcernState::Resolved;
            (
                resolved,
                Reverse(flag.priority),
                Reverse(flag.raised_at),
                id.clone(),
            )
        };
        list.sort_by_cached_key(|(id, flag, _)| order(id, flag));
        list
    });
    view! {
        <ListCard title=Msg::Concerns empty=Msg::NoConcerns count=Signal::derive(move || concerns.with(Vec::len))
            testid="concerns">
            {move || concerns.get().into_iter().map(|(id, flag, name)| view! {
                <ConcernRow id=id flag=flag name=name saved=saved_notes />
            }).collect_view()}
        </ListCard>
    }
}

/// One concern: who it is about and what, when it was raised, its priority, who handles it and
/// staff's notes, and its progress. A refused change says why under the row.
#[component]
fn ConcernRow(
    id: RecordId,
    flag: ConcernFlag,
    name: String,
    saved: RwSignal<HashSet<RecordId>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let write = use_write();
    let topic = TOPICS
        .iter()
        .find(|(topic, _, _)| *topic == flag.topic)
        .map_or(Msg::TopicOther, |(_, _, msg)| *msg);
    let (priority_key, priority) = PRIORITIES
        .iter()
        .find(|(priority, _, _)| *priority == flag.priority)
        .map_or(("normal", Msg::PriorityNormal), |(_, key, msg)| {
            (*key, *msg)
        });
    let state_key = STATES
        .iter()
        .find(|(state, _, _)| *state == flag.state)
        .map_or("open", |(_, key, _)| *key);
    let urgent = flag.priority == Priority::Urgent;
    let raised = flag
        .raised_at
        .map(|at| (at.to_rfc3339(), in_program_zone(at)));
    let student_link = format!("/student?id={}", flag.student_id);
    let chosen = RwSignal::new(state_key.to_owned());
    let set_state = {
        let id = id.clone();
        Callback::new(move |()| {
            let chosen = chosen.get_untracked();
            let state = STATES
                .iter()
                .find(|(_, key, _)| *key == chosen)
                .map_or(ConcernState::Open, |(state, _, _)| *state);
            let id = id.clone();
            write.dispatch((SpaceId::Staff, Mutation::SetConcernState { id, state }));
        })
    };
    let state_write = write::changes(Some(&SpaceId::Staff), RecordKind::ConcernFlag, &id);
    let text = flag.text.clone();
    let options = STATES
        .into_iter()
        .map(|(_, key, msg)| view! { <option value=key>{i18n.tr(msg)}</option> })
        .collect_view();
    view! {
        <li class="list-item" data-testid="concern" data-concern-id=id.to_string() data-state=state_key
            data-priority=priority_key>
            <div class="grow">
                <p class="item-title">
                    <A href=student_link attr:data-testid="concern-student">{name}</A>" · "{move || i18n.t(topic)}
                </p>
                {raised.map(|(stamp, local)| view! {
                    <p class="item-meta"><time datetime=stamp data-testid="concern-raised">
                        {move || format!("{} {}", i18n.t(Msg::Raised), date_time(i18n.lang.get(), local))}
                    </time></p>
                })}
                <p class="item-body">{text}</p>
            </div>
            <span class="pill" class:pill-danger=urgent>{move || i18n.t(priority)}</span>
            <ConcernHandling id=id.clone() flag=flag saved=saved write=write />
            <Select id=format!("concern-state-{id}") testid="concern-state" label=Msg::Progress value=chosen
                hidden_label=true writes=state_write on_edit=set_state>
                {options}
            </Select>
        </li>
    }
}

/// Who handles a concern and staff's notes on it (stored when the notes field is left).
#[component]
fn ConcernHandling(
    id: RecordId,
    flag: ConcernFlag,
    saved: RwSignal<HashSet<RecordId>>,
    write: FormWrite,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let me = move || session.get().map(|s| s.user.id);
    let mine = {
        let assignee = flag.assignee.clone();
        Signal::derive(move || assignee.is_some() && assignee == me())
    };
    let assignee = {
        let name = flag.assignee.map(|a| a.to_string());
        move || match (mine.get(), &name) {
            (true, _) => i18n.t(Msg::You).to_owned(),
            (false, Some(name)) => name.clone(),
            (false, None) => i18n.t(Msg::Nobody).to_owned(),
        }
    };
    let notes = RwSignal::new(flag.notes);
    // "Saved" once this device has stored the notes (they sync from there).
    let is_saved = {
        let id = id.clone();
        move || saved.with(|set| set.contains(&id))
    };
    let mark = {
        let id = id.clone();
        move |done: bool| {
            saved.update(|set| {
                if done {
                    set.insert(id.clone());
                } else {
                    set.remove(&id);
                }
            })
        }
    };
    let change = {
        let id = id.clone();
        move |patch: ConcernFlagPatch| Mutation::Update {
            id: id.clone(),
            patch: EntityPatch::ConcernFlag(patch),
        }
    };
    let take = {
        let change = change.clone();
        move |_| {
            let patch = ConcernFlagPatch {
                assignee: Some(me()),
                ..Default::default()
            };
            write.dispatch((SpaceId::Staff, change(patch)));
        }
    };
    // The notes are stored when the field is left (its `change`, which reaches this row's box).
    let save_notes = {
        let mark = mark.clone();
        move |_| {
            mark(false);
            let patch = ConcernFlagPatch {
                notes: Some(notes.get_untracked()),
                ..Default::default()
            };
            let mark = mark.clone();
            write.run(SpaceId::Staff, change(patch), move || mark(true));
        }
    };
    let edited = Callback::new(move |()| mark(false));
    let writes = write::changes(Some(&SpaceId::Staff), RecordKind::ConcernFlag, &id);
    view! {
        <div class="grow-full concern-handling" data-testid="concern-handling" data-write=writes
            on:change=save_notes>
            <p class="item-meta" data-testid="assignee">
                <strong>{i18n.tr(Msg::Assignee)}": "</strong>{assignee}
            </p>
            <Show when=move || !mine.get()>
                <button class="button button-small" data-testid="take-concern" on:click=take.clone()>
                    {i18n.tr(Msg::TakeConcern)}
                </button>
            </Show>
            <TextArea id=format!("concern-notes-{id}") testid="concern-notes" label=Msg::StaffNotes value=notes
                rows=2 maxlength=5000 on_edit=edited />
            <Show when=is_saved.clone()>
                <p class="item-meta" role="status" data-testid="notes-saved">{i18n.tr(Msg::Saved)}</p>
            </Show>
            <WriteErrorLine write=write />
        </div>
    }
}
