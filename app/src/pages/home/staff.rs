//! Staff's home: the program at a glance (counts, growth, numbers, exports) and the concern
//! inbox.

use leptos::prelude::*;

use imp_shared::dashboard::growth;
use imp_shared::domain::{Entity, RecordKind};
use imp_shared::ids::{RecordId, SpaceId};

use crate::components::chart::GrowthChart;
use crate::i18n::{use_i18n, Msg};
use crate::pages::concern_inbox::ConcernInbox;
use crate::pages::dashboard::{Exports, ProgramNumbers};
use crate::pages::pair_health::PairsQueue;
use crate::sync::hooks::{program_space, use_records};

/// Staff's home: the program dashboard and the concern inbox.
#[component]
pub fn StaffHome() -> impl IntoView {
    let i18n = use_i18n();
    let program = program_space();
    let staff = Signal::derive(|| Some(SpaceId::Staff));
    let organizations = use_records(program, RecordKind::Organization);
    let mentors = use_records(program, RecordKind::MentorProfile);
    let positions = use_records(program, RecordKind::Position);
    let cohorts = use_records(program, RecordKind::Cohort);
    let enrollments = use_records(staff, RecordKind::Enrollment);
    // The growth chart reads the records as they are, whatever their kind.
    let points = Signal::derive(move || {
        let program: Vec<Entity> = cohorts
            .get()
            .into_iter()
            .chain(organizations.get())
            .chain(mentors.get())
            .map(|(_, e)| e)
            .collect();
        let staff: Vec<Entity> = enrollments.get().into_iter().map(|(_, e)| e).collect();
        growth(&program, &staff)
    });
    let count =
        |records: Memo<Vec<(RecordId, Entity)>>| Signal::derive(move || records.with(Vec::len));
    view! {
        <section class="card stats" data-testid="program-stats">
            <Stat label=Msg::Organizations value=count(organizations) />
            <Stat label=Msg::Mentors value=count(mentors) />
            <Stat label=Msg::Positions value=count(positions) />
        </section>
        <section class="card">
            <h2 class="card-title">{i18n.tr(Msg::GrowthTitle)}</h2>
            <GrowthChart points=points />
        </section>
        <ProgramNumbers />
        <Exports />
        <PairsQueue />
        <ConcernInbox />
    }
}

/// One number of the program with what it counts.
#[component]
fn Stat(label: Msg, value: Signal<usize>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="stat">
            <span class="stat-value">{move || value.get()}</span>
            <span class="stat-label">{move || i18n.t(label)}</span>
        </div>
    }
}
