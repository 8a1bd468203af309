//! Changes: how sync is doing (with a retry), what is waiting to sync, and what the server refused
//! with its reason, in the reader's language. A refused change keeps what the person typed: they
//! can copy it, try the change again, or dismiss it.

use leptos::prelude::*;

use imp_shared::apply::MemoryRecords;
use imp_shared::client::RejectedEntry;
use imp_shared::mutation::Mutation;

use crate::components::form::ListCard;
use crate::components::write;
use crate::i18n::{last_synced_text, use_i18n, Lang, Msg};
use crate::storage::OutboxEntry;
use crate::sync::engine::{Engine, SyncProblem};
use crate::sync::hooks::{
    spawn_with_engine, use_engine, use_sync_status, write_error_text, EngineHandle,
};
use crate::wording::{describe_change, refusal_text, typed_text};
use crate::zone::program_offset_at;

/// A change as the lists name it, from the records this device holds in its space.
fn describe(
    engine: &Engine,
    lang: Lang,
    space: &imp_shared::ids::SpaceId,
    mutation: &Mutation,
) -> String {
    // A workshop (RSVP, check-in) lives in the program space; everything else in its own.
    let program = imp_shared::ids::SpaceId::Program;
    let space = match mutation {
        Mutation::RsvpWorkshop { .. } | Mutation::CheckIn { .. } => &program,
        _ => space,
    };
    engine.with_view(space, |view: &MemoryRecords| {
        describe_change(lang, mutation, view)
    })
}

/// The refused entry's reason in `lang`: the structured reason when the server sent one, else its
/// sentence (servers before reasons existed).
fn reason_text(lang: Lang, entry: &RejectedEntry) -> String {
    match &entry.reason {
        Some(reason) => refusal_text(lang, reason),
        None => entry.message.clone(),
    }
}

/// The changes screen.
#[component]
pub fn ChangesPage() -> impl IntoView {
    let i18n = use_i18n();
    let handle = use_engine();
    let outbox = Memo::new(move |_| {
        let lang = i18n.lang.get();
        read_list(handle, |engine| {
            engine
                .outbox()
                .into_iter()
                .map(|entry: OutboxEntry| {
                    (
                        entry.pending.seq.0,
                        describe(engine, lang, &entry.space, &entry.pending.mutation),
                    )
                })
                .collect()
        })
    });
    let rejected = Memo::new(move |_| read_list(handle, |engine| engine.rejected()));
    view! {
        <h1>{i18n.tr(Msg::Changes)}</h1>
        <SyncStatusCard />
        <ListCard title=Msg::RejectedChanges empty=Msg::NothingRejected testid="rejected-list"
            count=Signal::derive(move || rejected.with(Vec::len))>
            <For each=move || rejected.get() key=|entry| entry.pending.seq.0 let(entry)>
                <RefusedItem entry=entry />
            </For>
        </ListCard>
        <ListCard title=Msg::WaitingChanges empty=Msg::NothingWaiting testid="waiting-list"
            count=Signal::derive(move || outbox.with(Vec::len))>
            <For each=move || outbox.get() key=|(seq, what)| (*seq, what.clone()) let((_seq, what))>
                <li class="list-item"><span class="item-title wrap">{what}</span></li>
            </For>
        </ListCard>
    }
}

fn read_list<T>(handle: Option<EngineHandle>, read: impl FnOnce(&Engine) -> Vec<T>) -> Vec<T> {
    handle.map(|handle| handle.read(read)).unwrap_or_default()
}

/// How sync is doing: the problem if there is one, when it last worked, and a retry.
#[component]
fn SyncStatusCard() -> impl IntoView {
    let i18n = use_i18n();
    let status = use_sync_status();
    let handle = use_engine();
    let problem = move || {
        let status = status.get();
        match status.problem {
            Some(SyncProblem::Server(_)) if status.online => Some(Msg::ServerProblem),
            Some(SyncProblem::Storage) => Some(Msg::StorageProblem),
            Some(SyncProblem::NotLoaded) => Some(Msg::SyncNotLoaded),
            Some(SyncProblem::SignedOut) => Some(Msg::SignInAgain),
            Some(SyncProblem::TooOld) => Some(Msg::ReloadToUpdate),
            _ if !status.online => Some(Msg::Offline),
            _ => None,
        }
    };
    let retry = move |_| spawn_with_engine(handle, |engine| async move { engine.sync().await });
    let last_synced = move || {
        let at = status.get().last_synced;
        last_synced_text(i18n.lang.get(), at, chrono::Utc::now(), program_offset_at)
    };
    view! {
        <section class="card" data-testid="sync-card">
            <h2 class="card-title">{i18n.tr(Msg::SyncStatusTitle)}</h2>
            {move || problem().map(|msg| view! {
                <p class="form-error" role="alert" data-testid="sync-problem">{i18n.t(msg)}</p>
            })}
            <p class="item-meta" data-testid="last-synced">{last_synced}</p>
            <Show when=move || problem().is_some()>
                <p class="muted">{i18n.tr(Msg::ChangesKeptOnDevice)}</p>
            </Show>
            <button class="button" type="button" data-testid="retry-sync" data-local="sync" on:click=retry
                disabled=move || status.get().syncing>
                {move || i18n.t(if problem().is_some() { Msg::RetryNow } else { Msg::SyncNow })}
            </button>
        </section>
    }
}

/// One refused change: what it was, why, what the person typed, and what they can do now.
#[component]
fn RefusedItem(entry: RejectedEntry) -> impl IntoView {
    let i18n = use_i18n();
    let handle = use_engine();
    let seq = entry.pending.seq;
    let error = RwSignal::new(None::<crate::sync::engine::WriteError>);
    let copied = RwSignal::new(false);
    let what = {
        let entry = entry.clone();
        move || {
            let lang = i18n.lang.get();
            read_list(handle, |engine| {
                vec![describe(
                    engine,
                    lang,
                    &entry.space,
                    &entry.pending.mutation,
                )]
            })
            .pop()
            .unwrap_or_default()
        }
    };
    let reason = {
        let entry = entry.clone();
        move || reason_text(i18n.lang.get(), &entry)
    };
    let typed = {
        let mutation = entry.pending.mutation.clone();
        move || typed_text(i18n.lang.get(), &mutation)
    };
    // What was typed, as plain text for the clipboard (the same in every language).
    let plain_text = typed_text(Lang::En, &entry.pending.mutation)
        .into_iter()
        .map(|(_, text)| text)
        .collect::<Vec<_>>()
        .join("\n");
    let has_text = !plain_text.is_empty();
    let copy = move |_| {
        if write_clipboard(&plain_text) {
            copied.set(true);
        }
    };
    let dismiss = move |_| {
        spawn_with_engine(handle, move |engine| async move {
            let _ = engine.dismiss_rejected(seq).await;
        });
    };
    let try_again = {
        let entry = entry.clone();
        move |_| {
            let (space, mutation) = (entry.space.clone(), entry.pending.mutation.clone());
            // The same change as a new one: checked again here first.
            spawn_with_engine(handle, move |engine| {
                replace_refused(engine, space, vec![mutation], seq, error)
            });
        }
    };
    let error_text = move || {
        error
            .get()
            .map(|refusal| write_error_text(i18n.lang.get(), &refusal))
    };
    let retry_tag = write::of_mutation(&entry.space, &entry.pending.mutation);
    let redo = redo_on_new_record(&entry);
    let can_redo = redo.is_some();
    let redo_label = match &entry.pending.mutation {
        Mutation::LogSession { .. } => Msg::RedoAsNewSession,
        _ => Msg::RedoAsNewTask,
    };
    let redo_tag = write::creates(Some(&entry.space), entry.pending.mutation.target().0);
    let redo_now = move |_| {
        let Some((space, build)) = redo.clone() else {
            return;
        };
        spawn_with_engine(handle, move |engine| async move {
            if let Some(mutations) = engine.with_view(&space, |view| build(view)) {
                replace_refused(engine, space, mutations, seq, error).await;
            }
        });
    };
    view! {
        <li class="list-item rejected" data-testid="rejected" data-seq=seq.0.to_string()>
            <div class="grow">
                <p class="item-title wrap" data-testid="rejected-what">{what}</p>
                <p class="item-reason">
                    <strong>{move || labelled(i18n.lang.get(), i18n.t(Msg::Reason))}</strong>
                    <span data-testid="rejected-reason">{reason}</span>
                </p>
                {has_text.then(|| view! {
                    <div class="typed" data-testid="rejected-typed">
                        <p class="item-meta">{i18n.tr(Msg::WhatYouTyped)}</p>
                        {move || typed().into_iter().map(|(label, text)| view! {
                            <p class="item-body wrap">
                                <strong>{labelled(i18n.lang.get_untracked(), label)}</strong>
                                <span data-testid="typed-text">{text}</span>
                            </p>
                        }).collect_view()}
                    </div>
                })}
                <p class="form-error" role="alert">{error_text}</p>
                <div class="actions">
                    {has_text.then(|| view! {
                        <button class="button secondary" type="button" data-testid="copy-refused" data-local="clipboard"
                            on:click=copy>
                            {move || i18n.t(if copied.get() { Msg::Copied } else { Msg::CopyText })}
                        </button>
                    })}
                    {can_redo.then(|| view! {
                        <button class="button secondary" type="button" data-testid="redo-refused"
                            data-write=redo_tag.clone() on:click=redo_now>{move || i18n.t(redo_label)}</button>
                    })}
                    <button class="button secondary" type="button" data-testid="retry-refused" data-write=retry_tag
                        on:click=try_again>{i18n.tr(Msg::TryAgain)}</button>
                    <button class="button" type="button" data-testid="dismiss-refused" data-local="dismiss"
                        on:click=dismiss>
                        {i18n.tr(Msg::Dismiss)}
                    </button>
                </div>
            </div>
        </li>
    }
}

/// "Reason: " / "原因：".
fn labelled(lang: Lang, label: &str) -> String {
    match lang {
        Lang::En => format!("{label}: "),
        Lang::ZhTw => format!("{label}："),
    }
}

/// Puts text on the clipboard (where the browser allows it); true when it was handed over.
fn write_clipboard(text: &str) -> bool {
    use wasm_bindgen::{JsCast, JsValue};
    let Some(window) = web_sys::window() else {
        return false;
    };
    let navigator = JsValue::from(window.navigator());
    let clipboard = js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard"))
        .ok()
        .filter(|value| !value.is_undefined() && !value.is_null());
    let Some(clipboard) = clipboard else {
        return false;
    };
    let write = js_sys::Reflect::get(&clipboard, &JsValue::from_str("writeText"))
        .ok()
        .and_then(|value| value.dyn_into::<js_sys::Function>().ok());
    write
        .map(|write| write.call1(&clipboard, &JsValue::from_str(text)).is_ok())
        .unwrap_or(false)
}

/// Makes `mutations` in place of the refused change `seq`: the refused entry goes only once they
/// are all queued; a local refusal shows in `error` and the entry stays.
async fn replace_refused(
    engine: Engine,
    space: imp_shared::ids::SpaceId,
    mutations: Vec<Mutation>,
    seq: imp_shared::ids::MutationSeq,
    error: RwSignal<Option<crate::sync::engine::WriteError>>,
) {
    for mutation in mutations {
        if let Err(refusal) = engine.write(&space, mutation).await {
            error.set(Some(refusal));
            return;
        }
    }
    error.set(None);
    let _ = engine.dismiss_rejected(seq).await;
}

/// What redoing a refused change on a new record means, where that makes sense: notes logged on a
/// session that was cancelled (or deleted) meanwhile go on a new session like it; an edit of a task
/// deleted meanwhile becomes a new task. The builder reads the space's view when the person taps.
type Redo = (
    imp_shared::ids::SpaceId,
    std::sync::Arc<dyn Fn(&MemoryRecords) -> Option<Vec<Mutation>> + Send + Sync>,
);

fn redo_on_new_record(entry: &RejectedEntry) -> Option<Redo> {
    use imp_shared::apply::RecordView;
    use imp_shared::domain::{
        EntityPatch, MentoringSession, Record, RecordKind, SessionState, Task,
    };
    use imp_shared::ids::RecordId;
    let space = entry.space.clone();
    match entry.pending.mutation.clone() {
        Mutation::LogSession {
            id,
            notes,
            next_steps,
        } => Some((
            space,
            std::sync::Arc::new(move |view: &MemoryRecords| {
                let mut session = view
                    .get(RecordKind::MentoringSession, &id)
                    .and_then(MentoringSession::from_entity)?;
                if session.state == SessionState::Scheduled {
                    return None;
                }
                session.state = SessionState::Scheduled;
                session.notes = String::new();
                session.next_steps = String::new();
                let new_id = RecordId(format!("session-{}", uuid::Uuid::new_v4().simple()));
                Some(vec![
                    Mutation::Create {
                        id: new_id.clone(),
                        record: session.into_entity(),
                    },
                    Mutation::LogSession {
                        id: new_id,
                        notes: notes.clone(),
                        next_steps: next_steps.clone(),
                    },
                ])
            }),
        )),
        Mutation::Update {
            id,
            patch: EntityPatch::Task(patch),
        } if patch.title.is_some() => Some((
            space,
            std::sync::Arc::new(move |view: &MemoryRecords| {
                if view.get(RecordKind::Task, &id).is_some() {
                    return None;
                }
                let mut task = Task {
                    goal_id: None,
                    title: String::new(),
                    due_date: None,
                    done: false,
                    created_by: None,
                };
                patch.clone().apply_to(&mut task);
                task.done = false;
                Some(vec![Mutation::Create {
                    id: RecordId(format!("t-{}", uuid::Uuid::new_v4().simple())),
                    record: task.into_entity(),
                }])
            }),
        )),
        _ => None,
    }
}
