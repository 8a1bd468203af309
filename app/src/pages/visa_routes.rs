//! Staff's editor of the visa routes (`/visa-routes`, linked from Program data).
//!
//! Every route in force (`crate::pages::visa::use_visa_routes`) is listed with its version, the
//! day its sources were last checked, and a warning once that check is more than
//! [`imp_shared::visa::REVIEW_AFTER_MONTHS`] months old. One route at a time opens in a form that
//! edits every step's texts in both languages, its fee, its due rule, its documents, its note and
//! its sources, and the route's name and the day its sources were checked. Saving writes the whole
//! template as the next version, with a note to students in both languages on what changed; like
//! every write it is stored on this device at once and syncs when the device is online.

use chrono::{NaiveDate, Utc};
use leptos::prelude::*;

use imp_shared::domain::{Entity, EntityPatch, RecordKind, VisaRoute, VisaRoutePatch};
use imp_shared::ids::{RecordId, SpaceId};
use imp_shared::mutation::Mutation;
use imp_shared::visa::{pick, Anchor, DueRule, Source, VisaRouteTemplate, VisaStepTemplate};
use leptos_router::components::A;

use crate::components::form::{Field, Input, Select, TextArea};
use crate::components::write;
use crate::i18n::{format_date, use_i18n, Msg};
use crate::pages::visa::use_visa_routes;
use crate::sync::hooks::{program_space, use_records, use_write, WriteErrorLine};

/// The most days a due rule may count (ten years).
const MAX_DAYS: u32 = 3650;

/// The anchors a due rule can count from: their names in the form and their labels.
const ANCHORS: [(Anchor, &str, Msg); 6] = [
    (
        Anchor::GraduationDate,
        "graduation_date",
        Msg::VisaEditAnchorGraduation,
    ),
    (
        Anchor::ResidenceCardExpiry,
        "residence_card_expiry",
        Msg::VisaEditAnchorResidenceCard,
    ),
    (
        Anchor::PlacementStart,
        "placement_start",
        Msg::VisaEditAnchorPlacementStart,
    ),
    (
        Anchor::PermitExpiry,
        "permit_expiry",
        Msg::VisaEditAnchorPermitExpiry,
    ),
    (
        Anchor::PermitIssued,
        "permit_issued",
        Msg::VisaEditAnchorPermitIssued,
    ),
    (
        Anchor::ChosenDate,
        "chosen_date",
        Msg::VisaEditAnchorChosenDate,
    ),
];

/// The kinds of due rule, by their names in the form.
const RULES: [(&str, Msg); 4] = [
    ("within_days_after", Msg::VisaEditDueWithinAfter),
    ("days_before", Msg::VisaEditDueBefore),
    ("on_anchor", Msg::VisaEditDueOnDate),
    ("no_due_date", Msg::VisaEditDueNone),
];

fn anchor_name(anchor: Anchor) -> &'static str {
    ANCHORS
        .iter()
        .find(|(known, _, _)| *known == anchor)
        .map_or("graduation_date", |(_, name, _)| name)
}

fn anchor_named(name: &str) -> Option<Anchor> {
    ANCHORS
        .iter()
        .find(|(_, known, _)| *known == name)
        .map(|(anchor, _, _)| *anchor)
}

/// Whether a kind of rule counts days (the days field is used).
fn counts_days(rule: &str) -> bool {
    matches!(rule, "within_days_after" | "days_before")
}

/// One step of the form as text, the way the fields hold it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct StepText {
    title: String,
    title_zh: String,
    authority: String,
    authority_zh: String,
    fee: String,
    rule: String,
    anchor: String,
    days: String,
    documents: String,
    documents_zh: String,
    note: String,
    note_zh: String,
    sources: String,
}

impl StepText {
    fn of(step: &VisaStepTemplate) -> Self {
        let (rule, anchor, days) = match step.due {
            DueRule::WithinDaysAfter { anchor, days } => {
                ("within_days_after", anchor, days.to_string())
            }
            DueRule::DaysBefore { anchor, days } => ("days_before", anchor, days.to_string()),
            DueRule::OnAnchor { anchor } => ("on_anchor", anchor, String::new()),
            DueRule::NoDueDate => ("no_due_date", Anchor::GraduationDate, String::new()),
        };
        Self {
            title: step.title.clone(),
            title_zh: step.title_zh.clone(),
            authority: step.authority.clone(),
            authority_zh: step.authority_zh.clone(),
            fee: step.fee_twd.map(|fee| fee.to_string()).unwrap_or_default(),
            rule: rule.to_owned(),
            anchor: anchor_name(anchor).to_owned(),
            days,
            documents: step.documents.join("\n"),
            documents_zh: step.documents_zh.join("\n"),
            note: step.note.clone(),
            note_zh: step.note_zh.clone(),
            sources: step
                .sources
                .iter()
                .map(source_line)
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }

    /// The step as edited (`base` keeps its id); why not, when a field is not right.
    fn step(&self, base: &VisaStepTemplate) -> Result<VisaStepTemplate, Msg> {
        let (title, authority) = (self.title.trim(), self.authority.trim());
        if title.is_empty() || authority.is_empty() {
            return Err(Msg::VisaEditFieldsRequired);
        }
        Ok(VisaStepTemplate {
            id: base.id.clone(),
            title: title.to_owned(),
            authority: authority.to_owned(),
            documents: lines(&self.documents),
            fee_twd: parse_fee(&self.fee)?,
            due: parse_rule(&self.rule, &self.anchor, &self.days)?,
            note: self.note.trim().to_owned(),
            title_zh: self.title_zh.trim().to_owned(),
            authority_zh: self.authority_zh.trim().to_owned(),
            documents_zh: lines(&self.documents_zh),
            note_zh: self.note_zh.trim().to_owned(),
            sources: parse_sources(&self.sources)?,
            by_employer: base.by_employer,
        })
    }
}

/// A fee in whole NT$, or none when the text is empty ("1,500" is read as 1500).
fn parse_fee(text: &str) -> Result<Option<u32>, Msg> {
    let digits: String = text.trim().chars().filter(|c| *c != ',').collect();
    if digits.is_empty() {
        return Ok(None);
    }
    digits.parse().map(Some).map_err(|_| Msg::VisaEditEnterFee)
}

fn parse_rule(rule: &str, anchor: &str, days: &str) -> Result<DueRule, Msg> {
    let anchor = || anchor_named(anchor).ok_or(Msg::VisaEditFieldsRequired);
    let days = || match days.trim().parse::<u32>() {
        Ok(days) if days <= MAX_DAYS => Ok(days),
        _ => Err(Msg::VisaEditEnterDays),
    };
    match rule {
        "within_days_after" => Ok(DueRule::WithinDaysAfter {
            anchor: anchor()?,
            days: days()?,
        }),
        "days_before" => Ok(DueRule::DaysBefore {
            anchor: anchor()?,
            days: days()?,
        }),
        "on_anchor" => Ok(DueRule::OnAnchor { anchor: anchor()? }),
        "no_due_date" => Ok(DueRule::NoDueDate),
        _ => Err(Msg::VisaEditFieldsRequired),
    }
}

/// The non-empty lines of a text, trimmed.
fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A source as one line: `url | title | title_zh`. An untranslated title leaves the last part out,
/// unless the title itself holds a `|`: then the line ends in an empty last part, so it reads back
/// the same.
fn source_line(source: &Source) -> String {
    if !source.title_zh.is_empty() {
        format!("{} | {} | {}", source.url, source.title, source.title_zh)
    } else if source.title.contains('|') {
        format!("{} | {} |", source.url, source.title)
    } else {
        format!("{} | {}", source.url, source.title)
    }
}

/// Sources written one per line as `url | title | title_zh`: the address runs to the first `|`,
/// the Chinese title from the last one (with three parts or more); each needs a web address and a
/// title.
fn parse_sources(text: &str) -> Result<Vec<Source>, Msg> {
    lines(text)
        .iter()
        .map(|line| {
            let parts: Vec<&str> = line.split('|').collect();
            let (title, title_zh) = match parts.as_slice() {
                [_] => (String::new(), ""),
                [_, title] => (title.trim().to_owned(), ""),
                [_, middle @ .., last] => (middle.join("|").trim().to_owned(), last.trim()),
                [] => (String::new(), ""),
            };
            let source = Source {
                url: parts.first().copied().unwrap_or_default().trim().to_owned(),
                title,
                title_zh: title_zh.to_owned(),
            };
            if source.link().is_none() || source.title.is_empty() {
                return Err(Msg::VisaEditSourceInvalid);
            }
            Ok(source)
        })
        .collect()
}

/// The route-wide fields of the form as text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct RouteText {
    name: String,
    name_zh: String,
    verified_on: String,
    changes: String,
    changes_zh: String,
}

/// The route as edited, as version `version`: `base` keeps what the form does not edit.
fn edited_route(
    base: &VisaRouteTemplate,
    route: &RouteText,
    steps: &[StepText],
    version: u32,
) -> Result<VisaRouteTemplate, Msg> {
    let name = route.name.trim();
    if name.is_empty() {
        return Err(Msg::VisaEditFieldsRequired);
    }
    let steps = base
        .steps
        .iter()
        .zip(steps)
        .map(|(step, text)| text.step(step))
        .collect::<Result<Vec<_>, Msg>>()?;
    let verified_on = match route.verified_on.trim() {
        "" => None,
        day => Some(NaiveDate::parse_from_str(day, "%Y-%m-%d").map_err(|_| Msg::DateRequired)?),
    };
    let (changes, changes_zh) = (route.changes.trim(), route.changes_zh.trim());
    if changes.is_empty() || changes_zh.is_empty() {
        return Err(Msg::VisaEditChangesRequired);
    }
    Ok(VisaRouteTemplate {
        id: base.id.clone(),
        version,
        name: name.to_owned(),
        authority: base.authority.clone(),
        steps,
        name_zh: route.name_zh.trim().to_owned(),
        authority_zh: base.authority_zh.clone(),
        verified_on,
        changes: changes.to_owned(),
        changes_zh: changes_zh.to_owned(),
    })
}

/// The write that stores `template`: a create when the program space has no record of it yet
/// (a built-in route never stored), else a change of the stored one.
fn route_write(template: VisaRouteTemplate, stored: bool) -> Mutation {
    let id = RecordId(template.id.clone());
    if stored {
        Mutation::Update {
            id,
            patch: EntityPatch::VisaRoute(VisaRoutePatch {
                template: Some(template),
            }),
        }
    } else {
        Mutation::Create {
            id,
            record: Entity::VisaRoute(VisaRoute { template }),
        }
    }
}

/// One step's fields, each a signal holding its text.
#[derive(Clone)]
struct StepForm {
    base: VisaStepTemplate,
    title: RwSignal<String>,
    title_zh: RwSignal<String>,
    authority: RwSignal<String>,
    authority_zh: RwSignal<String>,
    fee: RwSignal<String>,
    rule: RwSignal<String>,
    anchor: RwSignal<String>,
    days: RwSignal<String>,
    documents: RwSignal<String>,
    documents_zh: RwSignal<String>,
    note: RwSignal<String>,
    note_zh: RwSignal<String>,
    sources: RwSignal<String>,
}

impl StepForm {
    fn new(step: &VisaStepTemplate) -> Self {
        let text = StepText::of(step);
        Self {
            base: step.clone(),
            title: RwSignal::new(text.title),
            title_zh: RwSignal::new(text.title_zh),
            authority: RwSignal::new(text.authority),
            authority_zh: RwSignal::new(text.authority_zh),
            fee: RwSignal::new(text.fee),
            rule: RwSignal::new(text.rule),
            anchor: RwSignal::new(text.anchor),
            days: RwSignal::new(text.days),
            documents: RwSignal::new(text.documents),
            documents_zh: RwSignal::new(text.documents_zh),
            note: RwSignal::new(text.note),
            note_zh: RwSignal::new(text.note_zh),
            sources: RwSignal::new(text.sources),
        }
    }

    fn text(&self) -> StepText {
        StepText {
            title: self.title.get_untracked(),
            title_zh: self.title_zh.get_untracked(),
            authority: self.authority.get_untracked(),
            authority_zh: self.authority_zh.get_untracked(),
            fee: self.fee.get_untracked(),
            rule: self.rule.get_untracked(),
            anchor: self.anchor.get_untracked(),
            days: self.days.get_untracked(),
            documents: self.documents.get_untracked(),
            documents_zh: self.documents_zh.get_untracked(),
            note: self.note.get_untracked(),
            note_zh: self.note_zh.get_untracked(),
            sources: self.sources.get_untracked(),
        }
    }
}

/// The visa routes editor.
#[component]
pub fn VisaRoutesPage() -> impl IntoView {
    let i18n = use_i18n();
    let routes = use_visa_routes();
    let editing = RwSignal::new(None::<String>);
    let ids = Memo::new(move |_| {
        routes
            .get()
            .into_iter()
            .map(|route| route.id)
            .collect::<Vec<_>>()
    });
    view! {
        <h1>{i18n.tr(Msg::VisaEditTitle)}</h1>
        <A href="/program" attr:class="card-link" attr:data-testid="back-to-program">{i18n.tr(Msg::ProgramData)}</A>
        " · "<A href="/hiring" attr:data-testid="open-hiring">{i18n.tr(Msg::HiringTitle)}</A>
        <section class="card" data-testid="visa-routes-admin">
            <p class="muted">{i18n.tr(Msg::VisaEditHelp)}</p>
            <ul class="list">
                <For each=move || ids.get() key=|id| id.clone() let(id)>
                    <RouteItem id=id routes=routes editing=editing />
                </For>
            </ul>
        </section>
    }
}

/// One route of the list: what it is, how current it is, and its editor when open.
#[component]
fn RouteItem(
    id: String,
    routes: Memo<Vec<VisaRouteTemplate>>,
    editing: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let route = {
        let id = id.clone();
        Memo::new(move |_| routes.get().into_iter().find(|route| route.id == id))
    };
    let open = {
        let id = id.clone();
        Memo::new(move |_| editing.get().as_deref() == Some(id.as_str()))
    };
    let toggle = {
        let id = id.clone();
        move |_| editing.set((!open.get_untracked()).then(|| id.clone()))
    };
    let close = Callback::new(move |()| editing.set(None));
    let today = Utc::now().date_naive();
    let name = move || {
        route
            .get()
            .map(|route| route.name_in(i18n.lang.get().is_zh()).to_owned())
    };
    let version = move || route.get().map(|route| route.version).unwrap_or_default();
    let checked = move || {
        let lang = i18n.lang.get();
        match route.get().and_then(|route| route.verified_on) {
            Some(day) => format!("{} {}", i18n.t(Msg::CheckedOn), format_date(lang, day)),
            None => i18n.t(Msg::VisaEditNeverChecked).to_owned(),
        }
    };
    let stale = move || route.get().is_some_and(|route| route.needs_review(today));
    view! {
        <li class="list-item route-item" data-testid="visa-route-item" data-route=id.clone()
            data-version=move || version().to_string()>
            <div class="grow">
                <p class="item-title" data-testid="route-name">{name}</p>
                <p class="item-meta" data-testid="route-checked">
                    {move || format!("{} {} · {}", i18n.t(Msg::VisaEditVersion), version(), checked())}
                </p>
            </div>
            <button class="button button-small" type="button" data-testid="edit-route" data-route=id.clone()
                data-local="open-editor" aria-expanded=move || open.get().to_string() on:click=toggle>
                {move || if open.get() { i18n.t(Msg::Cancel) } else { i18n.t(Msg::Edit) }}
            </button>
            <Show when=stale>
                <p class="route-review grow-full" data-testid="route-needs-review">
                    {i18n.tr(Msg::VisaEditNeedsReview)}
                </p>
            </Show>
            <Show when=move || open.get()>
                {move || route.get_untracked().map(|route| view! {
                    <RouteEditor route=route routes=routes close=close />
                })}
            </Show>
        </li>
    }
}

/// The form of one route.
#[component]
fn RouteEditor(
    route: VisaRouteTemplate,
    routes: Memo<Vec<VisaRouteTemplate>>,
    close: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let write = use_write();
    let program = program_space();
    let records = use_records(program, RecordKind::VisaRoute);
    let record_id = RecordId(route.id.clone());
    let stored = {
        let record_id = record_id.clone();
        Memo::new(move |_| records.get().iter().any(|(key, _)| *key == record_id))
    };
    // The route as now in force (this device's saves included): its version is the one the next
    // save follows, and its note to students is shown under "what changed".
    let current = {
        let id = route.id.clone();
        Memo::new(move |_| routes.get().into_iter().find(|route| route.id == id))
    };
    let saved = RwSignal::new(None::<u32>);
    // Typing takes back the "saved" line.
    let unsaved = Callback::new(move |()| saved.set(None));
    let name = RwSignal::new(route.name.clone());
    let name_zh = RwSignal::new(route.name_zh.clone());
    let verified_on = RwSignal::new(
        route
            .verified_on
            .map(|day| day.to_string())
            .unwrap_or_default(),
    );
    // Each version says what changed in it: the note starts empty.
    let changes = RwSignal::new(String::new());
    let changes_zh = RwSignal::new(String::new());
    let steps: Vec<StepForm> = route.steps.iter().map(StepForm::new).collect();
    let prefix = format!("route-{}", route.id);
    let submit = {
        let steps = steps.clone();
        let base = route.clone();
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            saved.set(None);
            let text = RouteText {
                name: name.get_untracked(),
                name_zh: name_zh.get_untracked(),
                verified_on: verified_on.get_untracked(),
                changes: changes.get_untracked(),
                changes_zh: changes_zh.get_untracked(),
            };
            let step_texts: Vec<StepText> = steps.iter().map(StepForm::text).collect();
            let version = current
                .get_untracked()
                .map_or(base.version, |route| route.version)
                .saturating_add(1);
            let template = match edited_route(&base, &text, &step_texts, version) {
                Ok(template) => template,
                Err(msg) => {
                    write.fail(msg);
                    return;
                }
            };
            write.clear();
            write.run(
                SpaceId::Program,
                route_write(template, stored.get_untracked()),
                move || {
                    saved.set(Some(version));
                    changes.set(String::new());
                    changes_zh.set(String::new());
                },
            );
        }
    };
    let writes = move || {
        if stored.get() {
            write::changes(Some(&SpaceId::Program), RecordKind::VisaRoute, &record_id)
        } else {
            write::creates(Some(&SpaceId::Program), RecordKind::VisaRoute)
        }
    };
    let before = move || {
        current
            .get()
            .map(|route| route.changes_in(i18n.lang.get().is_zh()).to_owned())
            .filter(|text| !text.trim().is_empty())
    };
    let saved_text = move || {
        saved.get().map(|version| {
            format!(
                "{} {} — {}",
                i18n.t(Msg::VisaEditVersion),
                version,
                i18n.t(Msg::Saved)
            )
        })
    };
    let step_views = steps
        .into_iter()
        .enumerate()
        .map(|(index, step)| view! { <StepFields index=index step=step prefix=prefix.clone() saved=saved /> })
        .collect_view();
    view! {
        <form class="form route-editor grow-full" novalidate=true data-testid="route-form" data-route=route.id.clone()
            data-write=writes on:submit=submit>
            <div class="route-pair">
                <Field id=format!("{prefix}-name") label=Msg::VisaEditNameEn value=name on_edit=unsaved
                    testid="route-name-en" lang="en" maxlength=200 />
                <Field id=format!("{prefix}-name-zh") label=Msg::VisaEditNameZh value=name_zh on_edit=unsaved
                    testid="route-name-zh" lang="zh-TW" maxlength=200 />
            </div>
            <Field id=format!("{prefix}-verified") label=Msg::VisaEditCheckedOn value=verified_on
                input=Input::Date testid="route-verified-on" on_edit=unsaved />
            {step_views}
            <div class="route-pair">
                <TextArea id=format!("{prefix}-changes") label=Msg::VisaEditChangesEn value=changes
                    on_edit=unsaved testid="route-changes" lang="en" />
                <TextArea id=format!("{prefix}-changes-zh") label=Msg::VisaEditChangesZh value=changes_zh
                    on_edit=unsaved testid="route-changes-zh" lang="zh-TW" />
            </div>
            {move || before().map(|text| view! {
                <p class="muted" data-testid="route-changes-before">
                    {i18n.tr(Msg::VisaEditChangesBefore)}" "{text}
                </p>
            })}
            <WriteErrorLine write=write />
            <div class="form-inline">
                <button class="button button-primary" type="submit" data-testid="save-route"
                    prop:disabled=move || write.pending.get()>
                    {i18n.tr(Msg::VisaEditSave)}
                </button>
                <button class="button" type="button" data-testid="close-route" data-local="close-editor"
                    on:click=move |_| close.run(())>
                    {i18n.tr(Msg::Cancel)}
                </button>
            </div>
            <Show when=move || saved.get().is_some()>
                <p class="muted" role="status" data-testid="route-saved">{saved_text}</p>
            </Show>
        </form>
    }
}

/// The fields of one step.
#[component]
fn StepFields(
    index: usize,
    step: StepForm,
    prefix: String,
    saved: RwSignal<Option<u32>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let unsaved = Callback::new(move |()| saved.set(None));
    let step_id = step.base.id.clone();
    let id = |field: &str| format!("{prefix}-{step_id}-{field}");
    let (title, title_zh) = (step.title, step.title_zh);
    // "Step 2 · what to do", in the reader's language as typed so far.
    let legend = move || {
        let (en, zh) = (title.get(), title_zh.get());
        let shown = pick(i18n.lang.get().is_zh(), &en, &zh);
        format!("{} {} · {}", i18n.t(Msg::VisaEditStep), index + 1, shown)
    };
    view! {
        <fieldset class="route-step" data-testid="route-step" data-step=step_id.clone()>
            <legend>{legend}</legend>
            <div class="route-pair">
                <Field id=id("title") label=Msg::VisaEditStepTitleEn value=step.title on_edit=unsaved
                    testid="step-title" lang="en" maxlength=200 />
                <Field id=id("title-zh") label=Msg::VisaEditStepTitleZh value=step.title_zh on_edit=unsaved
                    testid="step-title-zh" lang="zh-TW" maxlength=200 />
                <Field id=id("authority") label=Msg::VisaEditAuthorityEn value=step.authority
                    on_edit=unsaved testid="step-authority" lang="en" maxlength=200 />
                <Field id=id("authority-zh") label=Msg::VisaEditAuthorityZh value=step.authority_zh
                    on_edit=unsaved testid="step-authority-zh" lang="zh-TW" maxlength=200 />
            </div>
            <div class="form-inline">
                <Field id=id("fee") label=Msg::VisaEditFee value=step.fee on_edit=unsaved testid="step-fee"
                    numeric=true />
                <DueFields id=id("due") step=step.clone() saved=saved />
            </div>
            <div class="route-pair">
                <TextArea id=id("documents") label=Msg::VisaEditDocumentsEn value=step.documents on_edit=unsaved
                    testid="step-documents" lang="en" rows=4 />
                <TextArea id=id("documents-zh") label=Msg::VisaEditDocumentsZh value=step.documents_zh
                    on_edit=unsaved testid="step-documents-zh" lang="zh-TW" rows=4 />
                <TextArea id=id("note") label=Msg::VisaEditNoteEn value=step.note on_edit=unsaved
                    testid="step-note" lang="en" />
                <TextArea id=id("note-zh") label=Msg::VisaEditNoteZh value=step.note_zh on_edit=unsaved
                    testid="step-note-zh" lang="zh-TW" />
            </div>
            <TextArea id=id("sources") label=Msg::VisaEditSources value=step.sources on_edit=unsaved
                testid="step-sources-edit" rows=2 />
        </fieldset>
    }
}

/// A step's due rule: its kind, the date it counts from and how many days.
#[component]
fn DueFields(id: String, step: StepForm, saved: RwSignal<Option<u32>>) -> impl IntoView {
    let i18n = use_i18n();
    let (rule, anchor, days) = (step.rule, step.anchor, step.days);
    let (rule_id, anchor_id) = (format!("{id}-rule"), format!("{id}-anchor"));
    let unsaved = Callback::new(move |()| saved.set(None));
    let first_rule = rule.get_untracked();
    let first_anchor = anchor.get_untracked();
    let rule_options = RULES
        .into_iter()
        .map(|(name, label)| {
            view! { <option value=name selected=name == first_rule>{i18n.tr(label)}</option> }
        })
        .collect_view();
    let anchor_options = ANCHORS
        .into_iter()
        .map(|(_, name, label)| {
            view! { <option value=name selected=name == first_anchor>{i18n.tr(label)}</option> }
        })
        .collect_view();
    let no_anchor = Signal::derive(move || rule.get() == "no_due_date");
    let no_days = Signal::derive(move || !counts_days(&rule.get()));
    view! {
        <Select id=rule_id label=Msg::VisaEditDue value=rule testid="step-due-rule" on_edit=unsaved>
            {rule_options}
        </Select>
        <Select id=anchor_id label=Msg::VisaEditCountedFrom value=anchor testid="step-due-anchor"
            disabled=no_anchor on_edit=unsaved>
            {anchor_options}
        </Select>
        <Field id=format!("{id}-days") label=Msg::VisaEditDays value=days on_edit=unsaved
            testid="step-due-days" numeric=true disabled=no_days />
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use imp_shared::visa::{builtin_routes, GRADUATE_POINTS_WORK_PERMIT, REVIEW_AFTER_MONTHS};

    fn points_route() -> VisaRouteTemplate {
        builtin_routes()
            .into_iter()
            .find(|route| route.id == GRADUATE_POINTS_WORK_PERMIT)
            .expect("the points route is built in")
    }

    fn texts(route: &VisaRouteTemplate) -> (RouteText, Vec<StepText>) {
        let text = RouteText {
            name: route.name.clone(),
            name_zh: route.name_zh.clone(),
            verified_on: route
                .verified_on
                .map(|day| day.to_string())
                .unwrap_or_default(),
            changes: "The fee is now NT$600.".to_owned(),
            changes_zh: "規費調整為新臺幣 600 元。".to_owned(),
        };
        (text, route.steps.iter().map(StepText::of).collect())
    }

    #[test]
    fn an_untouched_form_gives_back_the_route_as_the_next_version() {
        for route in builtin_routes() {
            let (text, steps) = texts(&route);
            let edited = edited_route(&route, &text, &steps, route.version + 1);
            let expected = VisaRouteTemplate {
                version: route.version + 1,
                changes: text.changes.clone(),
                changes_zh: text.changes_zh.clone(),
                ..route.clone()
            };
            assert_eq!(edited, Ok(expected), "{}", route.id);
        }
    }

    #[test]
    fn an_edited_fee_and_due_rule_are_read_back() {
        let route = points_route();
        let (text, mut steps) = texts(&route);
        let index = route
            .steps
            .iter()
            .position(|step| step.id == "employer-applies")
            .expect("the employer applies");
        steps[index].fee = "600".to_owned();
        steps[index].rule = "within_days_after".to_owned();
        steps[index].anchor = "permit_issued".to_owned();
        steps[index].days = " 30 ".to_owned();
        let edited = edited_route(&route, &text, &steps, 3).expect("a valid route");
        assert_eq!(edited.version, 3);
        assert_eq!(edited.steps[index].fee_twd, Some(600));
        assert_eq!(
            edited.steps[index].due,
            DueRule::WithinDaysAfter {
                anchor: Anchor::PermitIssued,
                days: 30
            }
        );
        steps[index].fee = String::new();
        let edited = edited_route(&route, &text, &steps, 3).expect("a valid route");
        assert_eq!(edited.steps[index].fee_twd, None, "an empty fee is none");
    }

    #[test]
    fn what_is_not_right_is_refused_with_its_reason() {
        let route = points_route();
        let (text, steps) = texts(&route);
        let with_step = |change: fn(&mut StepText)| {
            let mut steps = steps.clone();
            change(&mut steps[0]);
            edited_route(&route, &text, &steps, 3).err()
        };
        assert_eq!(
            with_step(|step| step.fee = "five hundred".to_owned()),
            Some(Msg::VisaEditEnterFee)
        );
        assert_eq!(
            with_step(|step| {
                step.rule = "days_before".to_owned();
                step.days = "two weeks".to_owned();
            }),
            Some(Msg::VisaEditEnterDays)
        );
        assert_eq!(
            with_step(|step| step.sources = "javascript:alert(1) | A page".to_owned()),
            Some(Msg::VisaEditSourceInvalid)
        );
        assert_eq!(
            with_step(|step| step.sources = "https://www.wda.gov.tw/".to_owned()),
            Some(Msg::VisaEditSourceInvalid),
            "a source needs a title"
        );
        assert_eq!(
            with_step(|step| step.title = "  ".to_owned()),
            Some(Msg::VisaEditFieldsRequired)
        );
        // Days are not read for a rule without them.
        assert_eq!(
            with_step(|step| {
                step.rule = "on_anchor".to_owned();
                step.days = "not used".to_owned();
            }),
            None
        );
        for (changes, changes_zh) in [("", "說明"), ("Explained", " ")] {
            let text = RouteText {
                changes: changes.to_owned(),
                changes_zh: changes_zh.to_owned(),
                ..text.clone()
            };
            assert_eq!(
                edited_route(&route, &text, &steps, 3).err(),
                Some(Msg::VisaEditChangesRequired)
            );
        }
    }

    #[test]
    fn sources_and_lists_read_one_per_line() {
        let sources =
            parse_sources("https://a.example/x | Page A | 甲頁\n\n  http://b.example | Page B  \n")
                .expect("valid sources");
        assert_eq!(sources.len(), 2);
        assert_eq!(sources[0].title_zh, "甲頁");
        assert_eq!(sources[1].title, "Page B");
        assert_eq!(sources[1].title_zh, "");
        assert_eq!(
            parse_sources(
                &sources
                    .iter()
                    .map(source_line)
                    .collect::<Vec<_>>()
                    .join("\n")
            ),
            Ok(sources)
        );
        let piped = parse_sources("https://c.example | Update | Rules (C) |").expect("valid");
        assert_eq!(piped[0].title, "Update | Rules (C)");
        assert_eq!(piped[0].title_zh, "");
        assert_eq!(
            source_line(&piped[0]),
            "https://c.example | Update | Rules (C) |"
        );
        assert_eq!(lines(" Passport \n\n Diploma"), ["Passport", "Diploma"]);
        assert_eq!(parse_fee("1,500"), Ok(Some(1500)));
        assert_eq!(parse_fee("-5"), Err(Msg::VisaEditEnterFee));
    }

    #[test]
    fn a_save_changes_a_stored_route_and_creates_a_new_one() {
        let route = points_route();
        assert!(matches!(
            route_write(route.clone(), true),
            Mutation::Update {
                patch: EntityPatch::VisaRoute(VisaRoutePatch { template: Some(_) }),
                ..
            }
        ));
        assert!(matches!(
            route_write(route, false),
            Mutation::Create {
                record: Entity::VisaRoute(_),
                ..
            }
        ));
    }

    #[test]
    fn the_review_warning_names_the_review_interval() {
        let months = REVIEW_AFTER_MONTHS.to_string();
        for lang in Lang::ALL {
            assert!(
                Msg::VisaEditNeedsReview.text(lang).contains(&months),
                "{lang:?}"
            );
        }
    }
}
