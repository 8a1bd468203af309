//! The student's profile: nationality, university and department, degree, expected graduation,
//! languages and Mandarin level, residence-card (ARC) expiry, career interests. The student edits
//! it (field-level patches, so a concurrent edit of another field survives); mentors and staff read.

use chrono::NaiveDate;
use leptos::prelude::*;

use imp_shared::domain::{EntityPatch, RecordKind, Role, StudentProfile, StudentProfilePatch};
use imp_shared::ids::RecordId;
use imp_shared::mutation::Mutation;
use imp_shared::visa_chooser::DegreeLevel;

use crate::components::form::{Bound, Draft, Field, Input, Select};
use crate::components::space_picker::{use_working_space, MenteePicker};
use crate::components::write;
use crate::i18n::{use_i18n, Msg};
use crate::pages::end_placement::EndPlacement;
use crate::sync::hooks::{use_pending_ids, use_session, use_typed, use_write, WriteErrorLine};

/// A typed list ("English, 中文、Vietnamese") split on Latin and Chinese commas.
pub(crate) fn split_list(text: &str) -> Vec<String> {
    text.split([',', '，', '、'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A degree level's name.
fn degree_msg(level: DegreeLevel) -> Msg {
    match level {
        DegreeLevel::Associate => Msg::DegreeAssociate,
        DegreeLevel::Bachelor => Msg::DegreeBachelor,
        DegreeLevel::Master => Msg::DegreeMaster,
        DegreeLevel::Doctorate => Msg::DegreeDoctorate,
    }
}

/// The profile screen.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let i18n = use_i18n();
    let working = use_working_space();
    let space = working.space;
    let session = use_session();
    let editable =
        Signal::derive(move || session.get().is_some_and(|s| s.user.role == Role::Student));
    let profiles = use_typed::<StudentProfile>(space);
    let profile = Memo::new(move |_| profiles.get().into_iter().next());
    let has_profile = move || profile.with(Option::is_some);
    view! {
        <h1>{i18n.tr(Msg::Profile)}</h1>
        <MenteePicker working=working />
        <Show when=has_profile>
            <ProfileForm space_id=space profile=profile editable=editable />
        </Show>
        <Show when=move || editable.get()>
            <section class="card">
                <h2 class="card-title">{i18n.tr(Msg::MyPlacement)}</h2>
                <EndPlacement space=space />
            </section>
        </Show>
    }
}

#[component]
fn ProfileForm(
    space_id: Signal<Option<imp_shared::ids::SpaceId>>,
    profile: Memo<Option<(RecordId, StudentProfile)>>,
    editable: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let write = use_write();
    let pending = use_pending_ids(space_id);
    let waiting =
        move || profile.with(|p| p.as_ref().is_some_and(|(id, _)| pending.get().contains(id)));
    let stored = move |read: fn(&StudentProfile) -> String| {
        Signal::derive(move || {
            profile.with(|p| p.as_ref().map(|(_, p)| read(p)).unwrap_or_default())
        })
    };
    let nationality = Draft::new(stored(|p| p.nationality.clone()));
    let university = Draft::new(stored(|p| p.university.clone()));
    let department = Draft::new(stored(|p| p.department.clone()));
    let degree = Draft::new(stored(|p| p.degree.clone()));
    let graduation = Draft::new(stored(|p| {
        p.graduation_date.map(|d| d.to_string()).unwrap_or_default()
    }));
    let languages = Draft::new(stored(|p| p.languages.join(", ")));
    let mandarin = Draft::new(stored(|p| {
        p.mandarin_level.map(|l| l.to_string()).unwrap_or_default()
    }));
    let arc = Draft::new(stored(|p| {
        p.residence_card_expiry
            .map(|d| d.to_string())
            .unwrap_or_default()
    }));
    let interests = Draft::new(stored(|p| p.interests.join(", ")));
    let degree_level = Draft::new(stored(|p| {
        p.degree_level
            .map(|level| level.as_str().to_owned())
            .unwrap_or_default()
    }));
    let hong_kong_macau = Draft::new(stored(|p| {
        if p.hong_kong_macau { "yes" } else { "" }.to_owned()
    }));
    let placement_start = Draft::new(stored(|p| {
        p.placement_start.map(|d| d.to_string()).unwrap_or_default()
    }));
    let placement_end = Draft::new(stored(|p| {
        p.placement_end.map(|d| d.to_string()).unwrap_or_default()
    }));
    let drafts = [
        nationality,
        university,
        department,
        degree,
        graduation,
        languages,
        mandarin,
        arc,
        interests,
        degree_level,
        hong_kong_macau,
        placement_start,
        placement_end,
    ];
    let saved = RwSignal::new(false);
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some((id, current)) = profile.get_untracked() else {
            return;
        };
        let date = |text: String| {
            if text.trim().is_empty() {
                Ok(None)
            } else {
                NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map(Some)
            }
        };
        let (Ok(graduation_date), Ok(arc_date), Ok(start_date), Ok(end_date)) = (
            date(graduation.text_untracked()),
            date(arc.text_untracked()),
            date(placement_start.text_untracked()),
            date(placement_end.text_untracked()),
        ) else {
            saved.set(false);
            write.fail(Msg::DateRequired);
            return;
        };
        if let (Some(start), Some(end)) = (start_date, end_date) {
            if end < start {
                saved.set(false);
                write.fail(Msg::EndBeforeStart);
                return;
            }
        }
        let new_degree_level = DegreeLevel::parse(degree_level.text_untracked().trim());
        let from_hong_kong_macau = hong_kong_macau.text_untracked() == "yes";
        // An empty level clears it; anything else must be a level from 0 to 6.
        let level_text = mandarin.text_untracked();
        let level = match level_text.trim() {
            "" => None,
            text => match text.parse::<u8>() {
                Ok(level @ 0..=6) => Some(level),
                _ => {
                    saved.set(false);
                    write.fail(Msg::EnterMandarinLevel);
                    return;
                }
            },
        };
        // Only the fields that changed go into the patch, so other people's edits survive.
        let mut patch = StudentProfilePatch::default();
        let changed = |draft: Draft, old: &str| draft.changed_from(old);
        patch.nationality = changed(nationality, &current.nationality);
        patch.university = changed(university, &current.university);
        patch.department = changed(department, &current.department);
        patch.degree = changed(degree, &current.degree);
        patch.graduation_date =
            (graduation_date != current.graduation_date).then_some(graduation_date);
        patch.residence_card_expiry =
            (arc_date != current.residence_card_expiry).then_some(arc_date);
        patch.mandarin_level = (level != current.mandarin_level).then_some(level);
        patch.degree_level = (new_degree_level != current.degree_level).then_some(new_degree_level);
        patch.hong_kong_macau =
            (from_hong_kong_macau != current.hong_kong_macau).then_some(from_hong_kong_macau);
        patch.placement_start = (start_date != current.placement_start).then_some(start_date);
        patch.placement_end = (end_date != current.placement_end).then_some(end_date);
        let new_languages = split_list(&languages.text_untracked());
        patch.languages = (new_languages != current.languages).then_some(new_languages);
        let new_interests = split_list(&interests.text_untracked());
        patch.interests = (new_interests != current.interests).then_some(new_interests);
        if patch.fields().is_empty() {
            write.clear();
            saved.set(true);
            return;
        }
        let Some(space) = space_id.get_untracked() else {
            return;
        };
        saved.set(false);
        write.run(
            space,
            Mutation::Update {
                id,
                patch: EntityPatch::StudentProfile(patch),
            },
            move || {
                // The edit is in the view now (outbox replayed over base): show the record again.
                for draft in drafts {
                    draft.reset();
                }
                saved.set(true);
            },
        );
    };
    let disabled = Signal::derive(move || !editable.get());
    let writes = move || {
        let space = space_id.get();
        profile.with(|p| {
            p.as_ref()
                .map(|(id, _)| write::changes(space.as_ref(), RecordKind::StudentProfile, id))
        })
    };
    let unsaved = Callback::new(move |()| saved.set(false));
    view! {
        <section class="card">
            <h2 class="card-title">
                {move || profile.with(|p| p.as_ref().map(|(_, p)| p.display_name.clone()).unwrap_or_default())}
                <Show when=waiting>
                    " "<span class="pill pill-waiting" data-testid="waiting">{i18n.tr(Msg::Waiting)}</span>
                </Show>
            </h2>
            <form class="form" on:submit=save novalidate=true data-testid="profile-form"
                data-write=writes>
                <Field id="nationality" label=Msg::Nationality value=nationality disabled=disabled on_edit=unsaved />
                <Field id="university" label=Msg::University value=university disabled=disabled on_edit=unsaved />
                <Field id="department" label=Msg::Department value=department disabled=disabled on_edit=unsaved />
                <Field id="degree" label=Msg::Degree value=degree disabled=disabled on_edit=unsaved />
                <Field id="graduation" label=Msg::Graduation value=graduation input=Input::Date
                    disabled=disabled on_edit=unsaved />
                <Field id="languages" label=Msg::Languages value=languages disabled=disabled on_edit=unsaved />
                <Field id="mandarin" label=Msg::MandarinLevel value=mandarin input=Input::Number
                    disabled=disabled on_edit=unsaved />
                <Field id="arc" label=Msg::ArcExpiry value=arc input=Input::Date disabled=disabled on_edit=unsaved />
                <Select id="degree-level" label=Msg::DegreeLevel value=degree_level disabled=disabled
                    on_edit=unsaved>
                    <option value="">{i18n.tr(Msg::DegreeNotSet)}</option>
                    {DegreeLevel::ALL.into_iter().map(|level| view! {
                        <option value=level.as_str()>{move || i18n.t(degree_msg(level))}</option>
                    }).collect_view()}
                </Select>
                <label class="check">
                    <input type="checkbox" data-testid="hong-kong-macau" disabled=disabled
                        prop:checked=move || hong_kong_macau.text() == "yes"
                        on:change=move |event| {
                            saved.set(false);
                            hong_kong_macau.edit(if event_target_checked(&event) { "yes" } else { "" }.to_owned())
                        } />
                    {i18n.tr(Msg::HongKongMacau)}
                </label>
                <Field id="placement-start" label=Msg::PlacementStart value=placement_start input=Input::Date
                    disabled=disabled on_edit=unsaved />
                <Field id="placement-end" label=Msg::PlacementEnd value=placement_end input=Input::Date
                    disabled=disabled on_edit=unsaved />
                <Field id="interests" label=Msg::Interests value=interests disabled=disabled on_edit=unsaved />
                <WriteErrorLine write=write />
                <Show when=move || editable.get()>
                    <button class="button button-primary" type="submit" data-testid="save-profile"
                        prop:disabled=move || write.pending.get()>{i18n.tr(Msg::Save)}</button>
                </Show>
                <Show when=move || saved.get()>
                    <p class="muted" role="status" data-testid="profile-saved">{i18n.tr(Msg::Saved)}</p>
                </Show>
            </form>
        </section>
    }
}
