//! Positions and rankings: the student browses the cohort's open positions (filter and search),
//! ranks up to the cohort's limit with a reason each, reorders, and can change the list until the
//! deadline; after it the list is read-only. Every change is one `SetRankings`, saved offline at
//! once and judged by the server against the cohort's rules when it syncs.

use std::collections::HashMap;

use chrono::Utc;
use leptos::prelude::*;

use imp_shared::domain::{
    Cohort, Organization, Placement, PlacementState, Position, Ranking, RankingChoice, RecordKind,
    StudentProfile,
};
use imp_shared::ids::{RecordId, SpaceId};
use imp_shared::mutation::Mutation;

use crate::components::form::{bind, Bound, Check, Select};
use crate::components::list::SearchField;
use crate::components::write;
use crate::i18n::{days_left_text, format_date, n_of_m_ranked, pick, use_i18n, Msg};
use crate::sync::hooks::{
    program_space, use_pending_ids, use_session, use_typed, use_write, FormWrite, WriteErrorLine,
};
use crate::zone::in_program_zone;

/// The student's cohort and its ranking round, as this device knows them.
#[derive(Debug, Clone, PartialEq)]
pub struct RankingRound {
    /// The cohort's record id (also the ranking's).
    pub cohort_id: RecordId,
    /// The cohort.
    pub cohort: Cohort,
    /// The student's choices so far, best first.
    pub choices: Vec<RankingChoice>,
    /// Whether the student already has a placement that counts (confirmed, active or
    /// completed): they take no part in matching, so nobody asks them to rank.
    pub placed: bool,
}

impl RankingRound {
    /// Whether the deadline has passed on this device's clock.
    pub fn closed(&self) -> bool {
        self.cohort
            .ranking_deadline
            .is_some_and(|deadline| Utc::now() > deadline)
    }

    /// Whether another choice fits.
    pub fn full(&self) -> bool {
        self.choices.len() >= usize::from(self.cohort.max_rankings)
    }
}

/// The signed-in student's ranking round: their cohort (from the profile) and their choices.
pub fn use_ranking_round() -> Memo<Option<RankingRound>> {
    let session = use_session();
    let space = Signal::derive(move || session.get().map(|s| SpaceId::Student(s.user.id)));
    let profiles = use_typed::<StudentProfile>(space);
    let cohorts = use_typed::<Cohort>(program_space());
    let rankings = use_typed::<Ranking>(space);
    let placements = use_typed::<Placement>(space);
    Memo::new(move |_| {
        let year = profiles.with(|list| list.first().map(|(_, profile)| profile.cohort_year))?;
        let (cohort_id, cohort) = cohorts.get().into_iter().find(|(_, c)| c.year == year)?;
        let choices = rankings
            .get()
            .into_iter()
            .find(|(id, _)| *id == cohort_id)
            .map(|(_, ranking)| ranking.choices)
            .unwrap_or_default();
        let placed = placements.with(|list| {
            list.iter().any(|(_, p)| {
                matches!(
                    p.state,
                    PlacementState::Confirmed | PlacementState::Active | PlacementState::Completed
                )
            })
        });
        Some(RankingRound {
            cohort_id,
            cohort,
            choices,
            placed,
        })
    })
}

/// The positions screen.
#[component]
pub fn PositionsPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let space = Signal::derive(move || session.get().map(|s| SpaceId::Student(s.user.id)));
    let round = use_ranking_round();
    let positions = use_typed::<Position>(program_space());
    let organizations = use_typed::<Organization>(program_space());
    let catalogue = Memo::new(move |_| {
        let orgs: Vec<(RecordId, Organization)> = organizations.get();
        let year = round.get().map(|r| r.cohort.year);
        let mut list: Vec<Listed> = positions
            .get()
            .into_iter()
            // Closed positions stay listed here so a ranking that holds one names it; the
            // browser shows only open ones.
            .filter(|(_, position)| Some(position.cohort_year) == year)
            .map(|(id, position)| {
                let org = orgs
                    .iter()
                    .find(|(org_id, _)| *org_id == position.organization_id)
                    .map(|(_, org)| org);
                Listed {
                    id,
                    organization: org.map(|o| o.name.clone()).unwrap_or_default(),
                    industry: org.map(|o| o.industry.clone()).unwrap_or_default(),
                    industry_zh: org.map(|o| o.industry_zh.clone()).unwrap_or_default(),
                    position,
                }
            })
            .collect();
        list.sort_by(|a, b| {
            (&a.organization, &a.position.title).cmp(&(&b.organization, &b.position.title))
        });
        list
    });
    view! {
        <h1>{i18n.tr(Msg::RankPositions)}</h1>
        <Show when=move || round.with(Option::is_some)
            fallback=move || view! { <p class="muted empty">{i18n.tr(Msg::NoCohort)}</p> }>
            <Show when=move || round.with(|r| r.as_ref().is_some_and(|r| r.placed))>
                <p class="notice" data-testid="already-placed">{i18n.tr(Msg::AlreadyPlaced)}</p>
            </Show>
            <MyRanking space=space round=round catalogue=catalogue />
            <PositionBrowser space=space round=round catalogue=catalogue />
        </Show>
    }
}

/// A position with its organization's name and industry, as the lists show it.
#[derive(Debug, Clone, PartialEq)]
pub struct Listed {
    id: RecordId,
    organization: String,
    industry: String,
    /// The industry in 繁體中文 (empty when not translated).
    industry_zh: String,
    position: Position,
}

/// A ranked choice's reason as the field shows it: what the person typed, kept (by position) until
/// its change is accepted so a refused edit keeps their text; otherwise the stored reason. The field
/// stays hand-written (a placeholder, saved when it is left), bound with [`bind`].
#[derive(Clone, Copy)]
struct Reason {
    drafts: RwSignal<HashMap<RecordId, String>>,
    position: StoredValue<RecordId>,
    stored: StoredValue<String>,
}

impl Bound for Reason {
    fn text(&self) -> String {
        self.position
            .with_value(|position| self.drafts.with(|drafts| drafts.get(position).cloned()))
            .unwrap_or_else(|| self.stored.get_value())
    }

    fn text_untracked(&self) -> String {
        self.position
            .with_value(|position| {
                self.drafts
                    .with_untracked(|drafts| drafts.get(position).cloned())
            })
            .unwrap_or_else(|| self.stored.get_value())
    }

    fn edit(&self, text: String) {
        let position = self.position.get_value();
        self.drafts.update(|drafts| {
            drafts.insert(position, text);
        });
    }
}

fn save(
    write: FormWrite,
    space: Signal<Option<SpaceId>>,
    round: &RankingRound,
    choices: Vec<RankingChoice>,
    on_accepted: impl FnOnce() + 'static,
) {
    if let Some(space) = space.get_untracked() {
        write.run(
            space,
            Mutation::SetRankings {
                id: round.cohort_id.clone(),
                choices,
            },
            on_accepted,
        );
    }
}

#[component]
fn MyRanking(
    space: Signal<Option<SpaceId>>,
    round: Memo<Option<RankingRound>>,
    catalogue: Memo<Vec<Listed>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let write = use_write();
    let pending = use_pending_ids(space);
    // Reasons typed but not (yet) accepted, by position: shown instead of the stored reason so a
    // refused edit keeps the person's text.
    let reason_drafts = RwSignal::new(HashMap::<RecordId, String>::new());
    let waiting = move || {
        round
            .get()
            .is_some_and(|r| pending.get().contains(&r.cohort_id))
    };
    let reorder_choice = Callback::new(move |(target, how): (RecordId, Reorder)| {
        if let Some(round) = round.get_untracked() {
            let mut choices = round.choices.clone();
            reorder(&mut choices, &target, how);
            save(write, space, &round, choices, || {});
        }
    });
    // A reason is kept as typed until its change is accepted.
    let save_reason = Callback::new(move |reason: Reason| {
        let Some(round) = round.get_untracked() else {
            return;
        };
        let target = reason.position.get_value();
        let mut choices = round.choices.clone();
        if let Some(choice) = choices.iter_mut().find(|c| c.position_id == target) {
            choice.reason = reason.text_untracked().trim().to_owned();
        }
        save(write, space, &round, choices, move || {
            reason_drafts.update(|drafts| {
                drafts.remove(&target);
            })
        });
    });
    let deadline = move || {
        round
            .get()
            .and_then(|r| r.cohort.ranking_deadline)
            .map(|deadline| {
                let local = in_program_zone(deadline);
                let left =
                    (local.date_naive() - in_program_zone(Utc::now()).date_naive()).num_days();
                (local, left)
            })
    };
    let closed = move || round.get().is_some_and(|r| r.closed());
    let counted = move || {
        round
            .get()
            .map(|r| n_of_m_ranked(i18n.lang.get(), r.choices.len(), r.cohort.max_rankings))
    };
    let ranking_tag = move || {
        round
            .get()
            .map(|r| write::changes(space.get().as_ref(), RecordKind::Ranking, &r.cohort_id))
    };
    let rows = move || {
        let Some(round) = round.get() else {
            return Vec::new();
        };
        let closed = round.closed();
        let count = round.choices.len();
        let listed = catalogue.get();
        round
            .choices
            .iter()
            .enumerate()
            .map(|(index, choice)| {
                let entry = listed.iter().find(|l| l.id == choice.position_id).cloned();
                let reason = Reason {
                    drafts: reason_drafts,
                    position: StoredValue::new(choice.position_id.clone()),
                    stored: StoredValue::new(choice.reason.clone()),
                };
                view! {
                    <RankedChoice index=index count=count closed=closed entry=entry reason=reason
                        on_reason=save_reason on_reorder=reorder_choice />
                }
            })
            .collect::<Vec<_>>()
    };
    view! {
        <section class="card" data-testid="my-ranking" data-closed=move || closed().to_string()>
            <h2 class="card-title">{i18n.tr(Msg::MyRanking)}</h2>
            <p class="item-meta">
                {counted}
                {move || deadline().map(|(local, left)| view! {
                    " · "{i18n.t(Msg::RankingDeadline)}" "{format_date(i18n.lang.get(), local.date_naive())}
                    " "{crate::i18n::clock(local)}
                    <span class="pill" class:pill-danger=left < 3>{days_left_text(i18n.lang.get(), left)}</span>
                })}
                <Show when=waiting>
                    <span class="pill pill-waiting" data-testid="waiting">{i18n.tr(Msg::Waiting)}</span>
                </Show>
            </p>
            <Show when=closed>
                <p class="notice" data-testid="ranking-closed">{i18n.tr(Msg::RankingClosed)}</p>
            </Show>
            <WriteErrorLine write=write />
            <Show when=move || round.get().is_some_and(|r| !r.choices.is_empty())
                fallback=move || view! { <p class="muted">{i18n.tr(Msg::RankingEmpty)}</p> }>
                <ol class="list ranking" data-testid="ranking" data-write=ranking_tag>{rows}</ol>
            </Show>
        </section>
    }
}

/// A change to the ranking's order: one choice moved up or down, or taken off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reorder {
    Up,
    Down,
    Remove,
}

/// Moves or takes off the choice of position `target`.
fn reorder(choices: &mut Vec<RankingChoice>, target: &RecordId, how: Reorder) {
    let Some(index) = choices.iter().position(|c| c.position_id == *target) else {
        return;
    };
    match how {
        Reorder::Up if index > 0 => choices.swap(index, index - 1),
        Reorder::Down if index + 1 < choices.len() => choices.swap(index, index + 1),
        Reorder::Remove => choices.retain(|c| c.position_id != *target),
        Reorder::Up | Reorder::Down => {}
    }
}

/// One ranked choice: its place, the position (or that it is gone), the reason, and the buttons
/// that move it or take it off while the round is open.
#[component]
fn RankedChoice(
    /// Its place in the ranking, from 0.
    index: usize,
    /// How many choices the ranking has.
    count: usize,
    /// Whether the round is closed (the ranking is read-only).
    closed: bool,
    /// The position as the catalogue lists it (none once it was removed).
    entry: Option<Listed>,
    reason: Reason,
    on_reason: Callback<Reason>,
    on_reorder: Callback<(RecordId, Reorder)>,
) -> impl IntoView {
    let i18n = use_i18n();
    // A position staff closed (or removed) after it was ranked: named, marked, and removable; the
    // rest of the ranking stays editable.
    let position_closed = entry.as_ref().is_none_or(|l| !l.position.open);
    let title = entry.as_ref().map_or_else(
        || i18n.t(Msg::PositionGone).to_owned(),
        |l| l.position.title.clone(),
    );
    let org = entry.map(|l| l.organization).unwrap_or_default();
    let position_id = reason.position.get_value();
    let reason_id = format!("reason-{position_id}");
    let typed = bind(reason);
    let button = move |how: Reorder| {
        let target = position_id.clone();
        move |_| on_reorder.run((target.clone(), how))
    };
    let (up, down, remove) = (
        button(Reorder::Up),
        button(Reorder::Down),
        button(Reorder::Remove),
    );
    view! {
        <li class="list-item ranked" data-testid="ranked" data-position-id=reason.position.get_value().to_string()
            data-position-closed=position_closed.to_string()>
            <span class="rank-number" aria-hidden="true">{index + 1}</span>
            <div class="grow">
                <p class="item-title">{title}
                    {position_closed.then(|| view! {
                        " "<span class="pill pill-danger" data-testid="position-closed">
                            {i18n.tr(Msg::PositionClosedPill)}
                        </span>
                    })}
                </p>
                <p class="item-meta">{org}</p>
                <label class="visually-hidden" for=reason_id.clone()>{i18n.tr(Msg::WhyThisChoice)}</label>
                <input id=reason_id class="reason" data-testid="reason" maxlength="500" disabled=closed
                    placeholder=i18n.tr(Msg::WhyThisChoice) prop:value=move || reason.text()
                    on:change=move |event| { typed(event); on_reason.run(reason) } />
            </div>
            <Show when=move || !closed>
                <div class="row-actions">
                    <button class="button button-small" data-testid="move-up" disabled=index == 0
                        aria-label=i18n.tr(Msg::MoveUp) on:click=up.clone()>"↑"</button>
                    <button class="button button-small" data-testid="move-down" disabled=index + 1 == count
                        aria-label=i18n.tr(Msg::MoveDown) on:click=down.clone()>"↓"</button>
                    <button class="button button-small button-danger" data-testid="remove-choice"
                        on:click=remove.clone()>{i18n.tr(Msg::Remove)}</button>
                </div>
            </Show>
        </li>
    }
}

#[component]
fn PositionBrowser(
    space: Signal<Option<SpaceId>>,
    round: Memo<Option<RankingRound>>,
    catalogue: Memo<Vec<Listed>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let write = use_write();
    let query = RwSignal::new(String::new());
    let industry = RwSignal::new(String::new());
    let paid_only = RwSignal::new(false);
    let housing_only = RwSignal::new(false);
    let industries = Memo::new(move |_| {
        let mut all: Vec<(String, String)> = catalogue
            .get()
            .into_iter()
            .filter(|l| l.position.open)
            .map(|l| (l.industry, l.industry_zh))
            .collect();
        all.sort();
        all.dedup_by(|a, b| a.0 == b.0);
        all
    });
    let shown = Memo::new(move |_| {
        let needle = query.get().trim().to_lowercase();
        let industry = industry.get();
        catalogue
            .get()
            .into_iter()
            .filter(|l| l.position.open)
            .filter(|l| industry.is_empty() || l.industry == industry)
            .filter(|l| !paid_only.get() || l.position.paid)
            .filter(|l| !housing_only.get() || l.position.housing)
            .filter(|l| {
                needle.is_empty()
                    || [
                        &l.position.title,
                        &l.organization,
                        &l.industry,
                        &l.industry_zh,
                        &l.position.description,
                    ]
                    .iter()
                    .any(|text| text.to_lowercase().contains(&needle))
                    || l.position
                        .languages
                        .iter()
                        .any(|lang| lang.to_lowercase().contains(&needle))
            })
            .collect::<Vec<_>>()
    });
    let ranking_tag = move || {
        round
            .get()
            .map(|r| write::changes(space.get().as_ref(), RecordKind::Ranking, &r.cohort_id))
    };
    let add = move |position_id: RecordId| {
        if let Some(round) = round.get_untracked() {
            let mut choices = round.choices.clone();
            choices.push(RankingChoice {
                position_id,
                reason: String::new(),
            });
            save(write, space, &round, choices, || {});
        }
    };
    view! {
        <section class="card" data-testid="positions">
            <h2 class="card-title">{i18n.tr(Msg::OpenPositions)}</h2>
            <div class="form-inline filters" data-local="filters">
                <SearchField id="position-search" query=query grow=true />
                <Select id="position-industry" label=Msg::Industry value=industry>
                    <option value="">{i18n.tr(Msg::AllIndustries)}</option>
                    // The chosen industry is marked too: the options are made again in the other language.
                    {move || industries.get().into_iter().map(|(name, zh)| {
                        let selected = industry.get_untracked() == name;
                        let text = pick(i18n.lang.get(), &name, &zh).to_owned();
                        view! { <option value=name selected=selected>{text}</option> }
                    }).collect_view()}
                </Select>
                <Check testid="paid-only" label=Msg::PaidOnly checked=paid_only />
                <Check testid="housing-only" label=Msg::WithHousing checked=housing_only />
            </div>
            <Show when=move || round.get().is_some_and(|r| r.full() && !r.closed())>
                <p class="notice">{i18n.tr(Msg::RankingFull)}</p>
            </Show>
            <WriteErrorLine write=write />
            <Show when=move || !shown.get().is_empty()
                fallback=move || view! { <p class="muted empty">{i18n.tr(Msg::NoPositionsMatch)}</p> }>
                <ul class="list" data-testid="position-list" data-write=ranking_tag>
                    <For each=move || shown.get() key=|l| l.id.clone() let(listed)>
                        <PositionItem listed=listed round=round add=add />
                    </For>
                </ul>
            </Show>
        </section>
    }
}

#[component]
fn PositionItem(
    listed: Listed,
    round: Memo<Option<RankingRound>>,
    add: impl Fn(RecordId) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = listed.id.clone();
    let ranked = {
        let id = id.clone();
        move || {
            round
                .get()
                .is_some_and(|r| r.choices.iter().any(|c| c.position_id == id))
        }
    };
    let can_add = {
        let ranked = ranked.clone();
        move || round.get().is_some_and(|r| !r.closed() && !r.full()) && !ranked()
    };
    let position = listed.position.clone();
    let languages = position.languages.join(", ");
    let id_text = id.to_string();
    let org = move || {
        let industry = pick(i18n.lang.get(), &listed.industry, &listed.industry_zh);
        format!("{} · {industry}", listed.organization)
    };
    let pay = move || {
        i18n.t(if position.paid {
            Msg::Paid
        } else {
            Msg::Unpaid
        })
    };
    view! {
        <li class="list-item" data-testid="position" data-position-id=id_text>
            <div class="grow">
                <p class="item-title">{position.title.clone()}</p>
                <p class="item-meta" data-testid="position-org">{org}</p>
                <p class="item-meta">
                    <span class="pill">{pay}</span>
                    {position.housing.then(|| view! { <span class="pill">{i18n.tr(Msg::Housing)}</span> })}
                    " "{languages}" · "{i18n.tr(Msg::Slots)}" "{position.slots}
                </p>
            </div>
            <Show when=ranked.clone() fallback=move || {
                let target = id.clone();
                let can_add = can_add.clone();
                view! {
                    <button class="button button-small" data-testid="rank" disabled=move || !can_add()
                        on:click=move |_| add(target.clone())>{i18n.tr(Msg::RankThis)}</button>
                }
            }>
                <span class="pill">{i18n.tr(Msg::Ranked)}</span>
            </Show>
        </li>
    }
}
