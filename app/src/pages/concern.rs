//! Raise a concern to program staff (visa, housing, health, legal, placement, other; priority).
//! Students raise them about themselves, mentors about a mentee. Only staff can read them.

use leptos::prelude::*;

use imp_shared::domain::{
    ConcernFlag, ConcernState, ConcernTopic, Entity, Priority, Record, RecordKind, Role,
};
use imp_shared::ids::{RecordId, SpaceId, UserId};
use imp_shared::mutation::Mutation;

use crate::components::form::{Select, TextArea, WriteForm};
use crate::components::space_picker::{use_working_space, MenteePicker};
use crate::components::write;
use crate::i18n::{use_i18n, Msg};
use crate::sync::hooks::{typed, use_pending_creates, use_session, use_write, FormError};

/// Topics with their labels.
pub const TOPICS: [(ConcernTopic, &str, Msg); 6] = [
    (ConcernTopic::Visa, "visa", Msg::TopicVisa),
    (ConcernTopic::Housing, "housing", Msg::TopicHousing),
    (ConcernTopic::Health, "health", Msg::TopicHealth),
    (ConcernTopic::Legal, "legal", Msg::TopicLegal),
    (ConcernTopic::Placement, "placement", Msg::TopicPlacement),
    (ConcernTopic::Other, "other", Msg::TopicOther),
];

/// Priorities with their labels.
pub const PRIORITIES: [(Priority, &str, Msg); 3] = [
    (Priority::Low, "low", Msg::PriorityLow),
    (Priority::Normal, "normal", Msg::PriorityNormal),
    (Priority::Urgent, "urgent", Msg::PriorityUrgent),
];

/// The concern screen.
#[component]
pub fn ConcernPage() -> impl IntoView {
    let i18n = use_i18n();
    let working = use_working_space();
    let session = use_session();
    let write = use_write();
    let topic = RwSignal::new("visa".to_owned());
    let priority = RwSignal::new("normal".to_owned());
    let text = RwSignal::new(String::new());
    let sent = RwSignal::new(false);
    // Staff's space is write-only for the sender: a concern shows here while it waits on this
    // device, and leaves once it has reached staff.
    let pending = use_pending_creates(SpaceId::Staff);
    let waiting = Memo::new(move |_| typed(pending.get(), ConcernFlag::from_entity));
    let send = Callback::new(move |()| {
        let body = text.get_untracked().trim().to_owned();
        if body.is_empty() {
            write.fail(Msg::ConcernRequired);
            return;
        }
        let student: Option<UserId> = match (session.get_untracked(), working.space.get_untracked())
        {
            (Some(s), _) if s.user.role == Role::Student => Some(s.user.id),
            (_, Some(SpaceId::Student(student))) => Some(student),
            _ => None,
        };
        let Some(student_id) = student else { return };
        let topic = TOPICS
            .iter()
            .find(|(_, key, _)| *key == topic.get_untracked())
            .map_or(ConcernTopic::Other, |(t, _, _)| *t);
        let priority = PRIORITIES
            .iter()
            .find(|(_, key, _)| *key == priority.get_untracked())
            .map_or(Priority::Normal, |(p, _, _)| *p);
        let flag = ConcernFlag {
            student_id,
            topic,
            priority,
            text: body,
            state: ConcernState::Open,
            assignee: None,
            raised_by: None,
            raised_at: None,
            notes: String::new(),
        };
        sent.set(false);
        write.run(
            SpaceId::Staff,
            Mutation::Create {
                id: RecordId(format!("concern-{}", uuid::Uuid::new_v4().simple())),
                record: Entity::ConcernFlag(flag),
            },
            move || {
                sent.set(true);
                text.set(String::new());
            },
        );
    });
    let text_missing =
        Signal::derive(move || write.error.get() == Some(FormError::Form(Msg::ConcernRequired)));
    let writes = write::creates(Some(&SpaceId::Staff), RecordKind::ConcernFlag);
    let topic_msg = |topic: ConcernTopic| {
        TOPICS
            .iter()
            .find(|(t, _, _)| *t == topic)
            .map_or(Msg::TopicOther, |(_, _, m)| *m)
    };
    view! {
        <h1>{i18n.tr(Msg::RaiseConcern)}</h1>
        <MenteePicker working=working />
        <section class="card">
            <p class="muted">{i18n.tr(Msg::ConcernHelp)}</p>
            <WriteForm write=write writes=writes on_submit=send submit=Msg::SendToStaff
                submit_testid="send-concern" testid="concern-form">
                <div class="form-inline">
                    <Select id="concern-topic" label=Msg::Topic value=topic>
                        {TOPICS.iter().map(|(_, key, label)| view! {
                            <option value=*key>{i18n.tr(*label)}</option>
                        }).collect_view()}
                    </Select>
                    <Select id="concern-priority" label=Msg::Priority value=priority>
                        {PRIORITIES.iter().map(|(_, key, label)| view! {
                            <option value=*key>{i18n.tr(*label)}</option>
                        }).collect_view()}
                    </Select>
                </div>
                <TextArea id="concern-text" label=Msg::WhatHappened value=text rows=4 maxlength=5000
                    invalid=text_missing />
            </WriteForm>
            <Show when=move || sent.get()>
                <p class="muted" role="status" data-testid="concern-sent">
                    {move || i18n.t(if waiting.get().is_empty() { Msg::ConcernReached } else { Msg::ConcernSent })}
                </p>
            </Show>
        </section>
        // Not a `ListCard`: the card only shows while something waits (no empty sentence).
        <Show when=move || !waiting.get().is_empty()>
            <section class="card">
                <h2 class="card-title">{i18n.tr(Msg::ConcernsWaiting)}</h2>
                <ul class="list" data-testid="concerns-waiting">
                    <For each=move || waiting.get() key=|(id, _)| id.clone() let((_, flag))>
                        <li class="list-item" data-testid="concern-waiting">
                            <div class="grow">
                                <p class="item-title">{i18n.tr(topic_msg(flag.topic))}</p>
                                <p class="item-body">{flag.text.clone()}</p>
                            </div>
                            <span class="pill pill-waiting" data-testid="waiting">{i18n.tr(Msg::Waiting)}</span>
                        </li>
                    </For>
                </ul>
            </section>
        </Show>
    }
}

/// Staff's concerns screen (reached from the navigation, which counts the open ones).
#[component]
pub fn ConcernsPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1>{i18n.tr(Msg::Concerns)}</h1>
        <crate::pages::home::ConcernInbox />
    }
}
