//! The staff dashboard's program numbers (placements by state, sessions held per month, workshop
//! attendance, job outcomes, graduates who stayed in Taiwan by route) and the CSV exports, all
//! computed on the device from the students' summaries in the staff space.

use leptos::prelude::*;

use imp_shared::dashboard::{
    job_outcomes, placements_by_state, sessions_per_month, stayed_by_route, unplaced,
    workshop_attendance,
};
use imp_shared::domain::{Entity, RecordKind, StudentSummary};
use imp_shared::exports::{outcomes_csv, placements_csv, sessions_csv, students_csv};
use imp_shared::ids::{RecordId, SpaceId};

use crate::i18n::{format_date, placement_msg, use_i18n, Msg};
use crate::pages::visa::download;
use crate::sync::hooks::{typed, use_records};
use crate::zone::in_program_zone;

/// The students' summaries, as `(student id, summary)`.
pub fn use_summaries() -> Memo<Vec<(RecordId, StudentSummary)>> {
    let staff = Signal::derive(|| Some(SpaceId::Staff));
    let records = use_records(staff, RecordKind::StudentSummary);
    Memo::new(move |_| {
        records
            .get()
            .into_iter()
            .filter_map(|(id, entity)| match entity {
                Entity::StudentSummary(summary) => Some((id, summary)),
                _ => None,
            })
            .collect()
    })
}

/// One labelled bar, its length relative to `max`.
fn bar(label: String, value: usize, max: usize, test_id: &'static str) -> impl IntoView {
    let percent = (value * 100).checked_div(max).unwrap_or(0);
    let attribute = label.clone();
    view! {
        <li class="bar-row" data-testid=test_id data-label=attribute data-value=value.to_string()>
            <span class="bar-label">{label}</span>
            <span class="bar-track" aria-hidden="true"><span class="bar-fill" style:width=format!("{percent}%")></span></span>
            <span class="bar-value">{value}</span>
        </li>
    }
}

/// The program numbers for the staff dashboard.
#[component]
pub fn ProgramNumbers() -> impl IntoView {
    let i18n = use_i18n();
    let summaries = use_summaries();
    let program = Signal::derive(|| Some(SpaceId::Program));
    let cohorts = use_records(program, RecordKind::Cohort);
    let workshops = use_records(program, RecordKind::Workshop);
    let current = Memo::new(move |_| {
        cohorts
            .get()
            .into_iter()
            .filter_map(|(_, e)| match e {
                Entity::Cohort(c) => Some(c.year),
                _ => None,
            })
            .max()
    });
    let list =
        move || -> Vec<StudentSummary> { summaries.get().into_iter().map(|(_, s)| s).collect() };
    let placements = Memo::new(move |_| placements_by_state(&list(), current.get()));
    let waiting = Memo::new(move |_| unplaced(&list(), current.get()));
    let months = Memo::new(move |_| {
        let mut all = sessions_per_month(&list());
        let keep = all.len().saturating_sub(12);
        all.drain(..keep);
        all
    });
    let attendance = Memo::new(move |_| {
        let workshops: Vec<(RecordId, imp_shared::domain::Workshop)> = workshops
            .get()
            .into_iter()
            .filter_map(|(id, e)| match e {
                Entity::Workshop(w) => Some((id, w)),
                _ => None,
            })
            .collect();
        let now = chrono::Utc::now();
        workshop_attendance(&list(), &workshops)
            .into_iter()
            .filter(|w| w.starts_at <= now)
            .collect::<Vec<_>>()
    });
    let outcomes = Memo::new(move |_| job_outcomes(&list(), None));
    let stayed = Memo::new(move |_| stayed_by_route(&list()));
    view! {
        <section class="card" data-testid="placements-by-state">
            <h2 class="card-title">{move || format!("{} · {}", i18n.t(Msg::PlacementsByState), current.get().map(|y| y.to_string()).unwrap_or_default())}</h2>
            <ul class="bars">
                {move || {
                    let rows = placements.get();
                    let max = rows.iter().map(|(_, n)| *n).chain([waiting.get()]).max().unwrap_or(0);
                    let mut views: Vec<_> = rows.into_iter().map(|(state, n)| bar(i18n.t(placement_msg(state)).to_owned(), n, max, "placement-state").into_any()).collect();
                    views.push(bar(i18n.t(Msg::WaitingForPlacement).to_owned(), waiting.get(), max, "placement-state").into_any());
                    views
                }}
            </ul>
        </section>
        <section class="card" data-testid="sessions-per-month">
            <h2 class="card-title">{i18n.tr(Msg::SessionsPerMonth)}</h2>
            <ul class="bars">
                {move || {
                    let rows = months.get();
                    let max = rows.iter().map(|m| m.count as usize).max().unwrap_or(0);
                    rows.into_iter().map(|m| bar(m.month, m.count as usize, max, "sessions-month")).collect_view()
                }}
            </ul>
        </section>
        <section class="card" data-testid="workshop-attendance">
            <h2 class="card-title">{i18n.tr(Msg::WorkshopAttendance)}</h2>
            <ul class="bars">
                {move || {
                    let rows = attendance.get();
                    let max = rows.iter().map(|w| w.attended).max().unwrap_or(0);
                    rows.into_iter().map(|w| {
                        let day = in_program_zone(w.starts_at).date_naive();
                        bar(format!("{} · {}", format_date(i18n.lang.get(), day), w.title), w.attended, max, "attendance")
                    }).collect_view()
                }}
            </ul>
        </section>
        <section class="card" data-testid="job-outcomes">
            <h2 class="card-title">{i18n.tr(Msg::JobOutcomes)}</h2>
            <div class="stats">
                <div class="stat"><span class="stat-value" data-testid="graduates">{move || outcomes.get().graduates}</span><span class="stat-label">{i18n.tr(Msg::Graduates)}</span></div>
                <div class="stat"><span class="stat-value" data-testid="employed">{move || outcomes.get().employed}</span><span class="stat-label">{i18n.tr(Msg::Employed)}</span></div>
                <div class="stat"><span class="stat-value" data-testid="in-taiwan">{move || outcomes.get().in_taiwan}</span><span class="stat-label">{i18n.tr(Msg::StayedInTaiwan)}</span></div>
            </div>
            <h3 class="card-subtitle">{i18n.tr(Msg::StayedByRoute)}</h3>
            <ul class="bars">
                {move || {
                    let rows = stayed.get();
                    let max = rows.iter().map(|r| r.stayed).max().unwrap_or(0);
                    let routes = imp_shared::visa::builtin_routes();
                    rows.into_iter().map(|r| {
                        let name = routes.iter().find(|t| t.id == r.route).map_or_else(|| r.route.clone(), |t| t.name.clone());
                        bar(name, r.stayed, max, "stayed-route")
                    }).collect_view()
                }}
            </ul>
        </section>
    }
}

/// The CSV exports: students, placements, sessions and outcomes.
#[component]
pub fn Exports() -> impl IntoView {
    let i18n = use_i18n();
    let summaries = use_summaries();
    let program = Signal::derive(|| Some(SpaceId::Program));
    let positions = use_records(program, RecordKind::Position);
    let organizations = use_records(program, RecordKind::Organization);
    let mentors = use_records(program, RecordKind::MentorProfile);
    let export = move |which: &'static str| {
        let list = summaries.get_untracked();
        let text = match which {
            "students" => students_csv(&list),
            "placements" => {
                let positions = typed(positions.get_untracked(), |e| match e {
                    Entity::Position(p) => Some(p),
                    _ => None,
                });
                let organizations = typed(organizations.get_untracked(), |e| match e {
                    Entity::Organization(o) => Some(o),
                    _ => None,
                });
                let mentors = typed(mentors.get_untracked(), |e| match e {
                    Entity::MentorProfile(m) => Some(m),
                    _ => None,
                });
                placements_csv(&list, &positions, &organizations, &mentors)
            }
            "sessions" => sessions_csv(&list),
            _ => outcomes_csv(&list),
        };
        download(&format!("imp-{which}.csv"), "text/csv;charset=utf-8", &text);
    };
    view! {
        <section class="card card-links" data-testid="exports" data-local="download">
            <h2 class="card-title">{i18n.tr(Msg::Exports)}</h2>
            <button class="button" data-testid="export-students" on:click=move |_| export("students")>{i18n.tr(Msg::ExportStudents)}</button>
            <button class="button" data-testid="export-placements" on:click=move |_| export("placements")>{i18n.tr(Msg::ExportPlacements)}</button>
            <button class="button" data-testid="export-sessions" on:click=move |_| export("sessions")>{i18n.tr(Msg::ExportSessions)}</button>
            <button class="button" data-testid="export-outcomes" on:click=move |_| export("outcomes")>{i18n.tr(Msg::ExportOutcomes)}</button>
        </section>
    }
}
