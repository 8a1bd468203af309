//! The staff dashboard's program numbers (placements by state, sessions held per month, workshop
//! attendance, job outcomes, graduates who stayed in Taiwan by route, the funnel from ranking to
//! working in Taiwan by cohort and by route) and the CSV exports, all
//! computed on the device from the students' summaries in the staff space.

use leptos::prelude::*;
use leptos_router::components::A;

use imp_shared::dashboard::{
    funnel_by_cohort, funnel_by_route, job_outcomes, placements_by_state, sessions_per_month,
    stayed_by_route, unplaced, workshop_attendance, FunnelRow, FunnelStage, FUNNEL_STAGES,
};
use imp_shared::domain::{
    Cohort, EvaluationTemplate, MentorProfile, Organization, Position, StudentSummary, Workshop,
};
use imp_shared::exports::{
    evaluations_csv, outcomes_csv, placements_csv, sessions_csv, students_csv,
};
use imp_shared::ids::{RecordId, SpaceId};
use imp_shared::visa::{builtin_routes, VisaRouteTemplate};

use crate::i18n::{format_date, placement_msg, use_i18n, Msg};
use crate::pages::visa::download;
use crate::sync::hooks::{program_space, use_typed};
use crate::zone::in_program_zone;

/// The students' summaries, as `(student id, summary)`.
pub fn use_summaries() -> Memo<Vec<(RecordId, StudentSummary)>> {
    use_typed::<StudentSummary>(Signal::derive(|| Some(SpaceId::Staff)))
}

/// One labelled bar, its length relative to `max`.
fn bar(label: String, value: usize, max: usize, test_id: &'static str) -> impl IntoView {
    let percent = (value * 100).checked_div(max).unwrap_or(0);
    let attribute = label.clone();
    view! {
        <li class="bar-row" data-testid=test_id data-label=attribute data-value=value.to_string()>
            <span class="bar-label">{label}</span>
            <span class="bar-track" aria-hidden="true">
                <span class="bar-fill" style:width=format!("{percent}%")></span>
            </span>
            <span class="bar-value">{value}</span>
        </li>
    }
}

/// A visa route's name among `routes`, or its id when none has it.
fn route_name(routes: &[VisaRouteTemplate], id: &str) -> String {
    routes
        .iter()
        .find(|route| route.id == id)
        .map_or_else(|| id.to_owned(), |route| route.name.clone())
}

/// How the dashboard names a stage of the funnel.
pub fn funnel_msg(stage: FunnelStage) -> Msg {
    match stage {
        FunnelStage::Enrolled => Msg::FunnelEnrolled,
        FunnelStage::Ranked => Msg::FunnelRanked,
        FunnelStage::Matched => Msg::FunnelMatched,
        FunnelStage::Started => Msg::FunnelStarted,
        FunnelStage::Evaluated => Msg::FunnelEvaluated,
        FunnelStage::Employed => Msg::Employed,
        FunnelStage::WorkingInTaiwan => Msg::FunnelWorkingInTaiwan,
    }
}

/// One funnel table: a row per group (named by `name`), a column per stage.
fn funnel_table(
    rows: Vec<FunnelRow>,
    first: Msg,
    caption: Msg,
    name: impl Fn(&str) -> String,
    test_id: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let header = FUNNEL_STAGES
        .into_iter()
        .map(|stage| view! { <th scope="col">{i18n.tr(funnel_msg(stage))}</th> })
        .collect_view();
    let body = rows
        .into_iter()
        .map(|row| {
            let cells = FUNNEL_STAGES
                .into_iter()
                .zip(row.reached)
                .map(|(stage, n)| {
                    let stage = serde_json::to_value(stage)
                        .ok()
                        .and_then(|value| value.as_str().map(str::to_owned))
                        .unwrap_or_default();
                    view! { <td data-stage=stage>{n}</td> }
                })
                .collect_view();
            view! {
                <tr data-testid="funnel-row" data-group=row.group.clone()>
                    <th scope="row">{name(&row.group)}</th>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label=i18n.tr(caption)>
            <table class="funnel" data-testid=test_id>
                <caption class="visually-hidden">{i18n.tr(caption)}</caption>
                <thead><tr><th scope="col">{i18n.tr(first)}</th>{header}</tr></thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
}

/// The program's funnel, from ranking to working in Taiwan, by cohort and by visa route.
#[component]
fn Funnel(summaries: Memo<Vec<(RecordId, StudentSummary)>>) -> impl IntoView {
    let i18n = use_i18n();
    let by_cohort = Memo::new(move |_| {
        summaries.with(|list| funnel_by_cohort(list.iter().map(|(_, summary)| summary)))
    });
    let by_route = Memo::new(move |_| {
        summaries.with(|list| funnel_by_route(list.iter().map(|(_, summary)| summary)))
    });
    let cohort_table = move || {
        let rows = by_cohort.get();
        funnel_table(
            rows,
            Msg::CohortYear,
            Msg::FunnelByCohort,
            str::to_owned,
            "funnel-cohort",
        )
    };
    let route_table = move || {
        let rows = by_route.get();
        let routes = builtin_routes();
        funnel_table(
            rows,
            Msg::VisaRouteColumn,
            Msg::FunnelByRoute,
            move |id| route_name(&routes, id),
            "funnel-route",
        )
    };
    view! {
        <section class="card" data-testid="funnel">
            <h2 class="card-title">{i18n.tr(Msg::Funnel)}</h2>
            <p class="muted">{i18n.tr(Msg::FunnelHelp)}</p>
            <h3 class="card-subtitle">{i18n.tr(Msg::FunnelByCohort)}</h3>
            {cohort_table}
            <h3 class="card-subtitle">{i18n.tr(Msg::FunnelByRoute)}</h3>
            {route_table}
        </section>
    }
}

/// The program numbers for the staff dashboard.
#[component]
pub fn ProgramNumbers() -> impl IntoView {
    let i18n = use_i18n();
    let summaries = use_summaries();
    let cohorts = use_typed::<Cohort>(program_space());
    let workshops = use_typed::<Workshop>(program_space());
    let current = Memo::new(move |_| cohorts.with(|list| list.iter().map(|(_, c)| c.year).max()));
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
        let now = chrono::Utc::now();
        workshop_attendance(&list(), &workshops.get())
            .into_iter()
            .filter(|w| w.starts_at <= now)
            .collect::<Vec<_>>()
    });
    let outcomes = Memo::new(move |_| job_outcomes(&list(), None));
    let stayed = Memo::new(move |_| stayed_by_route(&list()));
    let placements_title = move || {
        let year = current.get().map(|y| y.to_string()).unwrap_or_default();
        format!("{} · {year}", i18n.t(Msg::PlacementsByState))
    };
    let placement_bars = move || {
        let rows = placements.get();
        let max = rows
            .iter()
            .map(|(_, n)| *n)
            .chain([waiting.get()])
            .max()
            .unwrap_or(0);
        let mut views: Vec<_> = rows
            .into_iter()
            .map(|(state, n)| {
                let label = i18n.t(placement_msg(state)).to_owned();
                bar(label, n, max, "placement-state").into_any()
            })
            .collect();
        let label = i18n.t(Msg::WaitingForPlacement).to_owned();
        views.push(bar(label, waiting.get(), max, "placement-state").into_any());
        views
    };
    let month_bars = move || {
        let rows = months.get();
        let max = rows.iter().map(|m| m.count as usize).max().unwrap_or(0);
        rows.into_iter()
            .map(|m| bar(m.month, m.count as usize, max, "sessions-month"))
            .collect_view()
    };
    let attendance_bars = move || {
        let rows = attendance.get();
        let max = rows.iter().map(|w| w.attended).max().unwrap_or(0);
        rows.into_iter()
            .map(|w| {
                let day = in_program_zone(w.starts_at).date_naive();
                let label = format!("{} · {}", format_date(i18n.lang.get(), day), w.title);
                bar(label, w.attended, max, "attendance")
            })
            .collect_view()
    };
    let route_bars = move || {
        let rows = stayed.get();
        let max = rows.iter().map(|r| r.stayed).max().unwrap_or(0);
        let routes = builtin_routes();
        rows.into_iter()
            .map(|r| bar(route_name(&routes, &r.route), r.stayed, max, "stayed-route"))
            .collect_view()
    };
    view! {
        <section class="card" data-testid="placements-by-state">
            <h2 class="card-title">{placements_title}</h2>
            <ul class="bars">{placement_bars}</ul>
        </section>
        <section class="card" data-testid="sessions-per-month">
            <h2 class="card-title">{i18n.tr(Msg::SessionsPerMonth)}</h2>
            <ul class="bars">{month_bars}</ul>
        </section>
        <section class="card" data-testid="workshop-attendance">
            <h2 class="card-title">{i18n.tr(Msg::WorkshopAttendance)}</h2>
            <ul class="bars">{attendance_bars}</ul>
        </section>
        <section class="card" data-testid="job-outcomes">
            <h2 class="card-title">{i18n.tr(Msg::JobOutcomes)}</h2>
            <div class="stats">
                <div class="stat">
                    <span class="stat-value" data-testid="graduates">{move || outcomes.get().graduates}</span>
                    <span class="stat-label">{i18n.tr(Msg::Graduates)}</span>
                </div>
                <div class="stat">
                    <span class="stat-value" data-testid="employed">{move || outcomes.get().employed}</span>
                    <span class="stat-label">{i18n.tr(Msg::Employed)}</span>
                </div>
                <div class="stat">
                    <span class="stat-value" data-testid="in-taiwan">{move || outcomes.get().in_taiwan}</span>
                    <span class="stat-label">{i18n.tr(Msg::StayedInTaiwan)}</span>
                </div>
            </div>
            <h3 class="card-subtitle">{i18n.tr(Msg::StayedByRoute)}</h3>
            <ul class="bars">{route_bars}</ul>
        </section>
        <Funnel summaries=summaries />
    }
}

/// The CSV exports: students, placements, sessions, outcomes and evaluation answers.
#[component]
pub fn Exports() -> impl IntoView {
    let i18n = use_i18n();
    let summaries = use_summaries();
    let positions = use_typed::<Position>(program_space());
    let organizations = use_typed::<Organization>(program_space());
    let mentors = use_typed::<MentorProfile>(program_space());
    let templates = use_typed::<EvaluationTemplate>(program_space());
    let export = move |which: &'static str| {
        let list = summaries.get_untracked();
        let text = match which {
            "students" => students_csv(&list),
            "placements" => placements_csv(
                &list,
                &positions.get_untracked(),
                &organizations.get_untracked(),
                &mentors.get_untracked(),
            ),
            "sessions" => sessions_csv(&list),
            "evaluations" => evaluations_csv(&list, &templates.get_untracked()),
            _ => outcomes_csv(&list),
        };
        download(&format!("imp-{which}.csv"), "text/csv;charset=utf-8", &text);
    };
    view! {
        <section class="card card-links" data-testid="exports" data-local="download">
            <h2 class="card-title">{i18n.tr(Msg::Exports)}</h2>
            <button class="button" data-testid="export-students" on:click=move |_| export("students")>
                {i18n.tr(Msg::ExportStudents)}
            </button>
            <button class="button" data-testid="export-placements" on:click=move |_| export("placements")>
                {i18n.tr(Msg::ExportPlacements)}
            </button>
            <button class="button" data-testid="export-sessions" on:click=move |_| export("sessions")>
                {i18n.tr(Msg::ExportSessions)}
            </button>
            <button class="button" data-testid="export-outcomes" on:click=move |_| export("outcomes")>
                {i18n.tr(Msg::ExportOutcomes)}
            </button>
            <button class="button" data-testid="export-evaluations" on:click=move |_| export("evaluations")>
                {i18n.tr(Msg::ExportEvaluations)}
            </button>
            <A href="/evaluation-templates" attr:data-testid="evaluation-templates-link">
                {i18n.tr(Msg::TplHeading)}
            </A>
        </section>
    }
}
