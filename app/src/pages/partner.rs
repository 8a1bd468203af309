//! A partner organization's one-page report for staff (`/partner?id=`): its positions and
//! mentors, the students placed with it and how far they got, the sessions they held, and where
//! they ended up (`imp_shared::dashboard::partner_report`), from the data on the device, so it
//! works offline and prints on one page.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use imp_shared::dashboard::partner_report;
use imp_shared::domain::{MentorProfile, Organization, Position};
use imp_shared::ids::RecordId;

use crate::i18n::{pick, placement_msg, use_i18n, Msg};
use crate::pages::dashboard::{funnel_msg, use_summaries};
use crate::sync::hooks::{program_space, use_typed};

/// Opens the browser's print dialog (the page's print style leaves out the app's bars).
fn print() {
    if let Some(window) = web_sys::window() {
        // Nothing to tell the person if the browser will not print.
        let _ = window.print();
    }
}

/// The report screen.
#[component]
pub fn PartnerPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let id = Signal::derive(move || query.get().get("id").map(RecordId));
    let organizations = use_typed::<Organization>(program_space());
    let positions = use_typed::<Position>(program_space());
    let mentors = use_typed::<MentorProfile>(program_space());
    let summaries = use_summaries();
    let organization = Memo::new(move |_| {
        let id = id.get()?;
        organizations.with(|list| {
            list.iter()
                .find(|(key, _)| *key == id)
                .map(|(_, org)| org.clone())
        })
    });
    let report = Memo::new(move |_| {
        let id = id.get()?;
        Some(partner_report(
            &id,
            &positions.get(),
            &mentors.get(),
            &summaries.get(),
        ))
    });
    let position_title = move |id: &RecordId| {
        positions.with_untracked(|list| {
            list.iter()
                .find(|(key, _)| key == id)
                .map_or_else(|| id.to_string(), |(_, position)| position.title.clone())
        })
    };
    let stat = move |value: String, label: Msg, test_id: &'static str| {
        view! {
            <div class="stat">
                <span class="stat-value" data-testid=test_id>{value}</span>
                <span class="stat-label">{i18n.tr(label)}</span>
            </div>
        }
    };
    view! {
        {move || match (organization.get(), report.get()) {
            (Some(org), Some(report)) => {
                let industry = pick(i18n.lang.get(), &org.industry, &org.industry_zh).to_owned();
                let students = report.students.clone();
                let rows = students
                    .into_iter()
                    .map(|student| {
                        let href = format!("/student?id={}", student.student_id);
                        let meta = format!(
                            "{} · {} · {} · {}",
                            student.cohort_year,
                            position_title(&student.position_id),
                            i18n.t(placement_msg(student.state)),
                            i18n.t(funnel_msg(student.stage)),
                        );
                        view! {
                            <li class="list-row" data-testid="partner-student"
                                data-id=student.student_id.to_string()>
                                <a href=href>{student.display_name.clone()}</a>
                                <span class="item-meta">{meta}</span>
                            </li>
                        }
                    })
                    .collect_view();
                view! {
                    <h1 data-testid="partner-name">{org.name.clone()}</h1>
                    <p class="muted">{industry}" · "{i18n.tr(Msg::PartnerReport)}</p>
                    <p class="muted">{i18n.tr(Msg::PartnerReportHelp)}</p>
                    <section class="card" data-testid="partner-numbers">
                        <div class="stats">
                            {stat(report.positions.to_string(), Msg::Positions, "partner-positions")}
                            {stat(report.open_positions.to_string(), Msg::OpenPositions, "partner-open")}
                            {stat(report.open_slots.to_string(), Msg::OpenPlaces, "partner-places")}
                            {stat(report.mentors.to_string(), Msg::Mentors, "partner-mentors")}
                            {stat(report.students.len().to_string(), Msg::StudentsPlaced, "partner-placed")}
                            {stat(report.sessions_held.to_string(), Msg::SessionsHeldTotal, "partner-sessions")}
                            {stat(report.employed.to_string(), Msg::Employed, "partner-employed")}
                            {stat(report.working_in_taiwan.to_string(), Msg::FunnelWorkingInTaiwan,
                                "partner-in-taiwan")}
                        </div>
                    </section>
                    <section class="card" data-testid="partner-students">
                        <h2 class="card-title">{i18n.tr(Msg::StudentsPlaced)}</h2>
                        {report.students.is_empty().then(|| view! {
                            <p class="muted empty" data-testid="empty">{i18n.tr(Msg::NoStudentsPlaced)}</p>
                        })}
                        <ul class="list">{rows}</ul>
                    </section>
                    <p class="no-print" data-local="print">
                        <button type="button" class="button" data-testid="print-report"
                            on:click=move |_| print()>{i18n.tr(Msg::Print)}</button>
                    </p>
                }
                .into_any()
            }
            _ => view! {
                <h1>{i18n.tr(Msg::PartnerReport)}</h1>
                <p class="muted empty">{i18n.tr(Msg::NoSuchOrganization)}</p>
            }
            .into_any(),
        }}
    }
}
