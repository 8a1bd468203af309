//! Which student space a screen works on: a student's own, or the mentee a mentor picks.

use leptos::prelude::*;

use imp_shared::apply::RecordView;
use imp_shared::domain::{Record, Role, StudentProfile};
use imp_shared::ids::{RecordId, SpaceId};

use crate::components::form::{Bound, Select};
use crate::i18n::{use_i18n, Msg};
use crate::sync::hooks::{use_engine, use_session};

/// The student spaces the signed-in person can open, with a display name each.
pub fn use_student_spaces() -> Memo<Vec<(SpaceId, String)>> {
    let handle = use_engine();
    Memo::new(move |_| {
        let Some(handle) = handle else {
            return Vec::new();
        };
        handle.read(|engine| {
            engine
                .spaces()
                .into_iter()
                .filter_map(|space| match &space {
                    SpaceId::Student(user) => {
                        let profile = RecordId(user.as_str().to_owned());
                        let name = engine.with_view(&space, |view| {
                            RecordView::get(view, StudentProfile::KIND, &profile)
                                .and_then(StudentProfile::from_entity)
                                .map(|profile| profile.display_name)
                        });
                        Some((space.clone(), name.unwrap_or_else(|| user.to_string())))
                    }
                    _ => None,
                })
                .collect()
        })
    })
}

/// The student space a screen works on, and the picker for mentors.
#[derive(Clone, Copy)]
pub struct WorkingSpace {
    /// The chosen space (None until there is one).
    pub space: Signal<Option<SpaceId>>,
    chosen: RwSignal<Option<SpaceId>>,
    spaces: Memo<Vec<(SpaceId, String)>>,
}

/// A student's own space, or the mentee a mentor picked (the first by default).
pub fn use_working_space() -> WorkingSpace {
    let session = use_session();
    let spaces = use_student_spaces();
    // A mentee chosen on another screen (`?mentee=student:…`) comes along in the link.
    let from_link = leptos_router::hooks::use_query_map()
        .get_untracked()
        .get("mentee")
        .and_then(|text| SpaceId::parse(&text).ok());
    let chosen = RwSignal::new(from_link);
    let space = Signal::derive(move || {
        let session = session.get()?;
        match session.user.role {
            Role::Student => Some(SpaceId::Student(session.user.id)),
            _ => chosen
                .get()
                .or_else(|| spaces.get().first().map(|(space, _)| space.clone())),
        }
    });
    WorkingSpace {
        space,
        chosen,
        spaces,
    }
}

/// The mentee a picker shows: the working space, by its id.
#[derive(Clone, Copy)]
struct MenteeChoice(WorkingSpace);

impl Bound for MenteeChoice {
    fn text(&self) -> String {
        self.0
            .space
            .get()
            .map(|space| space.to_string())
            .unwrap_or_default()
    }

    fn text_untracked(&self) -> String {
        self.0
            .space
            .get_untracked()
            .map(|space| space.to_string())
            .unwrap_or_default()
    }

    fn edit(&self, text: String) {
        self.0.chosen.set(SpaceId::parse(&text).ok());
    }
}

/// The mentee picker (shown to mentors; students never see it).
#[component]
pub fn MenteePicker(working: WorkingSpace) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let is_student = move || session.get().is_some_and(|s| s.user.role == Role::Student);
    let no_mentees = move || view! { <p class="muted empty">{i18n.tr(Msg::NoMentees)}</p> };
    view! {
        <Show when=move || !is_student()>
            <Show when=move || !working.spaces.get().is_empty() fallback=no_mentees>
                <div data-local="mentee">
                    <Select id="mentee" label=Msg::ChooseMentee value=MenteeChoice(working)>
                        // The working mentee is marked too: the options arrive after the choice's value.
                        {move || working.spaces.get().into_iter().map(|(space, name)| {
                            let selected = working.space.get_untracked().as_ref() == Some(&space);
                            view! { <option value=space.to_string() selected=selected>{name}</option> }
                        }).collect_view()}
                    </Select>
                </div>
            </Show>
        </Show>
    }
}
