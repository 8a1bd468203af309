//! "Hiring an IMP graduate", for mentors and their companies (and staff): for each visa route in
//! force, what the company must do and when, from the same route data students follow, then what
//! the graduate does meanwhile so the company can plan around it.

use leptos::prelude::*;

use imp_shared::visa::{VisaRouteTemplate, VisaStepTemplate};

use crate::i18n::{use_i18n, Msg};
use crate::pages::visa::use_visa_routes;
use crate::wording::due_rule_text;

/// The hiring page.
#[component]
pub fn HiringPage() -> impl IntoView {
    let i18n = use_i18n();
    let routes = use_visa_routes();
    view! {
        <h1>{i18n.tr(Msg::HiringTitle)}</h1>
        <p class="muted">{i18n.tr(Msg::HiringIntro)}</p>
        {move || routes.get().into_iter().map(|route| view! { <HiringRoute route=route /> }).collect_view()}
    }
}

/// One route: the company's steps, then the graduate's.
#[component]
fn HiringRoute(route: VisaRouteTemplate) -> impl IntoView {
    let i18n = use_i18n();
    let (company, graduate): (Vec<VisaStepTemplate>, Vec<VisaStepTemplate>) = route
        .steps
        .iter()
        .cloned()
        .partition(|step| step.by_employer);
    let has_company_steps = !company.is_empty();
    let name = {
        let route = route.clone();
        move || route.name_in(i18n.lang.get().is_zh()).to_owned()
    };
    view! {
        <section class="card" data-testid="hiring-route" data-route=route.id.clone()>
            <h2 class="card-title">{name}</h2>
            <h3 class="card-subtitle">{i18n.tr(Msg::HiringCompanyDoes)}</h3>
            {if has_company_steps {
                view! {
                    <ul class="list">
                        {company.into_iter().map(|step| view! { <HiringStep step=step /> }).collect_view()}
                    </ul>
                }
                .into_any()
            } else {
                view! {
                    <p class="muted" data-testid="company-nothing">{i18n.tr(Msg::HiringNothingForCompany)}</p>
                }
                .into_any()
            }}
            <h3 class="card-subtitle">{i18n.tr(Msg::HiringGraduateDoes)}</h3>
            <ul class="list">
                {graduate.into_iter().map(|step| view! { <HiringStep step=step /> }).collect_view()}
            </ul>
        </section>
    }
}

/// A step with when it is due (in words), its fee and its fine print.
#[component]
fn HiringStep(step: VisaStepTemplate) -> impl IntoView {
    let i18n = use_i18n();
    let zh = move || i18n.lang.get().is_zh();
    let due = step.due;
    let fee = step.fee_twd;
    let title = step.clone();
    let note = step.clone();
    view! {
        <li class="list-item" data-testid="hiring-step" data-step=step.id.clone()>
            <div class="grow">
                <p class="item-title">{move || title.title_in(zh()).to_owned()}</p>
                <p class="item-meta" data-testid="hiring-due">
                    {i18n.tr(Msg::HiringWhen)}" "{move || due_rule_text(i18n.lang.get(), &due)}
                    {fee.map(|fee| view! { " · "{i18n.tr(Msg::FeeLabel)}": NT$"{fee} })}
                </p>
                <p class="item-body">{move || note.note_in(zh()).to_owned()}</p>
            </div>
        </li>
    }
}
