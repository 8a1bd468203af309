//! Staff notes on a student: what staff want each other to know (a call made, a document still
//! missing), kept in the staff space, which students and mentors never read. Shown on staff's
//! page of a student, offline like every other change.

use chrono::Utc;
use leptos::prelude::*;

use imp_shared::domain::{EntityPatch, Record, RecordKind, StaffNote, StaffNotePatch};
use imp_shared::ids::{RecordId, SpaceId, UserId};
use imp_shared::mutation::Mutation;

use crate::components::confirm::DeleteButton;
use crate::components::form::{InlineEdit, ListCard, TextArea, WriteForm};
use crate::components::write;
use crate::i18n::{use_i18n, Msg};
use crate::sync::hooks::{use_pending_ids, use_typed, use_write, FormError, WriteErrorLine};

fn staff_space() -> Signal<Option<SpaceId>> {
    Signal::derive(|| Some(SpaceId::Staff))
}

/// Staff's notes about `student`, newest first, with a form to add one.
#[component]
pub fn StaffNotes(#[prop(into)] student: Signal<Option<UserId>>) -> impl IntoView {
    let i18n = use_i18n();
    let notes = use_typed::<StaffNote>(staff_space());
    let pending = use_pending_ids(staff_space());
    let write = use_write();
    let text = RwSignal::new(String::new());
    let add = Callback::new(move |()| {
        let Some(student_id) = student.get_untracked() else {
            return;
        };
        let note = text.get_untracked().trim().to_owned();
        if note.is_empty() {
            write.fail(Msg::TextRequired);
            return;
        }
        // Ids sort by time, so the newest note is listed first even before it syncs.
        let id = RecordId(format!(
            "n-{}-{}",
            Utc::now().timestamp_millis(),
            uuid::Uuid::new_v4().simple()
        ));
        let record = StaffNote {
            student_id,
            text: note,
        };
        let mutation = Mutation::Create {
            id,
            record: record.into_entity(),
        };
        write.run(SpaceId::Staff, mutation, move || text.set(String::new()));
    });
    let mine = Memo::new(move |_| {
        let Some(student) = student.get() else {
            return Vec::new();
        };
        let mut list: Vec<(RecordId, StaffNote)> = notes
            .get()
            .into_iter()
            .filter(|(_, note)| note.student_id == student)
            .collect();
        list.sort_by(|(a, _), (b, _)| b.cmp(a));
        list
    });
    let empty_text =
        Signal::derive(move || write.error.get() == Some(FormError::Form(Msg::TextRequired)));
    let writes = Signal::derive(|| write::creates(Some(&SpaceId::Staff), RecordKind::StaffNote));
    view! {
        <section class="card" data-testid="staff-notes">
            <h2 class="card-title">{i18n.tr(Msg::StaffNotesOnStudent)}</h2>
            <p class="muted">{i18n.tr(Msg::StaffNotesHelp)}</p>
            <WriteForm write=write writes=writes on_submit=add submit=Msg::NewStaffNote
                submit_testid="add-staff-note" testid="staff-note-form">
                <TextArea id="staff-note-text" label=Msg::StaffNoteText value=text rows=3 maxlength=5000
                    invalid=empty_text />
            </WriteForm>
        </section>
        <ListCard title=Msg::StaffNotesOnStudent empty=Msg::NoStaffNotes
            count=Signal::derive(move || mine.with(Vec::len)) testid="staff-note-list">
            <For each=move || mine.get() key=|(id, note)| (id.clone(), note.text.clone()) let((id, note))>
                <NoteItem id=id.clone() note=note
                    waiting=Signal::derive({ let id = id.clone(); move || pending.get().contains(&id) }) />
            </For>
        </ListCard>
    }
}

/// One note: corrected in place, or deleted after a question.
#[component]
fn NoteItem(id: RecordId, note: StaffNote, waiting: Signal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let write = use_write();
    let editing = RwSignal::new(false);
    let text = RwSignal::new(note.text.clone());
    let save = {
        let id = id.clone();
        Callback::new(move |()| {
            let new = text.get_untracked().trim().to_owned();
            if new.is_empty() {
                write.fail(Msg::TextRequired);
                return;
            }
            let patch = EntityPatch::StaffNote(StaffNotePatch {
                text: Some(new),
                ..StaffNotePatch::default()
            });
            let mutation = Mutation::Update {
                id: id.clone(),
                patch,
            };
            write.run(SpaceId::Staff, mutation, move || editing.set(false));
        })
    };
    let cancel = {
        let old = note.text.clone();
        Callback::new(move |()| text.set(old.clone()))
    };
    let delete = {
        let id = id.clone();
        Callback::new(move |()| {
            let mutation = Mutation::Delete {
                kind: RecordKind::StaffNote,
                id: id.clone(),
            };
            write.dispatch((SpaceId::Staff, mutation))
        })
    };
    let change_tag = {
        let id = id.clone();
        Signal::derive(move || write::changes(Some(&SpaceId::Staff), RecordKind::StaffNote, &id))
    };
    let delete_tag = write::deletes(Some(&SpaceId::Staff), RecordKind::StaffNote, &id);
    let shown = {
        let note = note.text.clone();
        ViewFn::from(move || {
            view! { <p class="item-body grow" data-testid="staff-note-text-shown">{note.clone()}</p> }
        })
    };
    let edit_id = format!("edit-note-{id}");
    view! {
        <li class="list-item" data-testid="staff-note" data-id=id.to_string()>
            <InlineEdit open=editing write=write writes=change_tag on_save=save on_cancel=cancel
                edit_testid="edit-staff-note" shown=shown>
                <TextArea id=edit_id.clone() testid="edit-staff-note-text" label=Msg::StaffNoteText value=text
                    maxlength=5000 />
            </InlineEdit>
            <Show when=move || waiting.get()>
                <span class="pill pill-waiting" data-testid="waiting">{i18n.tr(Msg::Waiting)}</span>
            </Show>
            <DeleteButton testid="delete-staff-note" writes=delete_tag
                title=Msg::ConfirmDeleteNoteTitle body=Msg::ConfirmDeleteNoteBody
                on_delete=delete />
            <WriteErrorLine write=write />
        </li>
    }
}
