//! Positions and rankings: the student browses the cohort's open positions (filter and search),
//! ranks up to the cohort's limit with a reason each, reorders, and can change the list until the
//! deadline; after it the list is read-only. Every change is one `SetRankings`, saved offline at
//! once and judged by the server against the cohort's rules when it syncs.

use std::collections::HashMap;

use chrono::Utc;
use leptos::prelude::*;

use imp_shared::domain::{
    Cohort, Entity, Organization, PlacementState, Position, RankingChoice, RecordKind,
};
use imp_shared::ids::{RecordId, SpaceId};
use imp_shared::mutation::Mutation;

use crate::components::write;
use crate::i18n::{days_left_text, format_date, n_of_m_ranked, pick, use_i18n, Msg};
use crate::sync::hooks::{
    use_pending_ids, use_records, use_session, use_write, FormWrite, WriteErrorLine,
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
    let program = Signal::derive(|| Some(SpaceId::Program));
    let profiles = use_records(space, RecordKind::StudentProfile);
    let cohorts = use_records(program, RecordKind::Cohort);
    let rankings = use_records(space, RecordKind::Ranking);
    let placements = use_records(space, RecordKind::Placement);
    Memo::new(move |_| {
        let year = profiles.get().into_iter().find_map(|(_, e)| match e {
            Entity::StudentProfile(profile) => Some(profile.cohort_year),
            _ => None,
        })?;
        let (cohort_id, cohort) = cohorts.get().into_iter().find_map(|(id, e)| match e {
            Entity::Cohort(cohort) if cohort.year == year => Some((id, cohort)),
            _ => None,
        })?;
        let choices = rankings
            .get()
            .into_iter()
            .find_map(|(id, e)| match e {
                Entity::Ranking(ranking) if id == cohort_id => Some(ranking.choices),
                _ => None,
            })
            .unwrap_or_default();
        let placed = placements.get().into_iter().any(|(_, e)| {
            matches!(e, Entity::Placement(p) if matches!(
                p.state,
                PlacementState::Confirmed | PlacementState::Active | PlacementState::Completed
            ))
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
    let program = Signal::derive(|| Some(SpaceId::Program));
    let positions = use_records(program, RecordKind::Position);
    let organizations = use_records(program, RecordKind::Organization);
    let catalogue = Memo::new(move |_| {
        let orgs: Vec<(RecordId, Organization)> = organizations
            .get()
            .into_iter()
            .filter_map(|(id, e)| match e {
                Entity::Organization(org) => Some((id, org)),
                _ => None,
            })
            .collect();
        let year = round.get().map(|r| r.cohort.year);
        let mut list: Vec<Listed> = positions
            .get()
            .into_iter()
            .filter_map(|(id, e)| match e {
                // Closed positions stay listed here so a ranking that holds one names it; the
                // browser shows only open ones.
                Entity::Position(position) if Some(position.cohort_year) == year => {
                    let org = orgs
                        .iter()
                        .find(|(org_id, _)| *org_id == position.organization_id)
                        .map(|(_, org)| org.clone());
                    Some(Listed {
                        id,
                        organization: org.as_ref().map(|o| o.name.clone()).unwrap_or_default(),
                        industry: org.as_ref().map(|o| o.industry.clone()).unwrap_or_default(),
                        industry_zh: org.map(|o| o.industry_zh).unwrap_or_default(),
                        position,
                    })
                }
                _ => None,
            })
            .collect();
        list.sort_by(|a, b| {
            (&a.organization, &a.position.title).cmp(&(&b.organization, &b.position.title))
        });
        list
    });
    view! {
        <h1>{i18n.tr(Msg::RankPositions)}</h1>
        <Show when=move || round.with(Option::is_some) fallback=move || view! { <p class="muted empty">{i18n.tr(Msg::NoCohort)}</p> }>
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
    let change = move |edit: &dyn Fn(&mut Vec<RankingChoice>)| {
        if let Some(round) = round.get_untracked() {
            let mut choices = round.choices.clone();
            edit(&mut choices);
            save(write, space, &round, choices, || {});
        }
    };
    // A reason is kept as typed until its change is accepted.
    let save_reason = move |target: RecordId, typed: String| {
        let Some(round) = round.get_untracked() else {
            return;
        };
        let mut choices = round.choices.clone();
        if let Some(choice) = choices.iter_mut().find(|c| c.position_id == target) {
            choice.reason = typed.trim().to_owned();
        }
        reason_drafts.update(|drafts| {
            drafts.insert(target.clone(), typed);
        });
        save(write, space, &round, choices, move || {
            reason_drafts.update(|drafts| {
                drafts.remove(&target);
            })
        });
    };
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
    view! {
        <section class="card" data-testid="my-ranking" data-closed=move || round.get().is_some_and(|r| r.closed()).to_string()>
            <h2 class="card-title">{i18n.tr(Msg::MyRanking)}</h2>
            <p class="item-meta">
                {move || round.get().map(|r| n_of_m_ranked(i18n.lang.get(), r.choices.len(), r.cohort.max_rankings))}
                {move || deadline().map(|(local, left)| view! {
                    " · "{i18n.t(Msg::RankingDeadline)}" "{format_date(i18n.lang.get(), local.date_naive())}" "{local.format("%H:%M").to_string()}
                    <span class="pill" class:pill-danger=left < 3>{days_left_text(i18n.lang.get(), left)}</span>
                })}
                <Show when=waiting>
                    <span class="pill pill-waiting" data-testid="waiting">{i18n.tr(Msg::Waiting)}</span>
                </Show>
            </p>
            <Show when=move || round.get().is_some_and(|r| r.closed())>
                <p class="notice" data-testid="ranking-closed">{i18n.tr(Msg::RankingClosed)}</p>
            </Show>
            <WriteErrorLine write=write />
            <Show when=move || round.get().is_some_and(|r| !r.choices.is_empty()) fallback=move || view! { <p class="muted">{i18n.tr(Msg::RankingEmpty)}</p> }>
                <ol class="list ranking" data-testid="ranking" data-write=move || round.get().map(|r| write::changes(space.get().as_ref(), RecordKind::Ranking, &r.cohort_id))>
                    {move || {
                        let Some(round) = round.get() else { return Vec::new() };
                        let closed = round.closed();
                        let count = round.choices.len();
                        let listed = catalogue.get();
                        round.choices.iter().enumerate().map(|(index, choice)| {
                            let entry = listed.iter().find(|l| l.id == choice.position_id).cloned();
                            // A position staff closed (or removed) after it was ranked: named, marked,
                            // and removable; the rest of the ranking stays editable.
                            let position_closed = entry.as_ref().is_none_or(|l| !l.position.open);
                            let title = entry.as_ref().map_or_else(|| i18n.t(Msg::PositionGone).to_owned(), |l| l.position.title.clone());
                            let org = entry.map(|l| l.organization).unwrap_or_default();
                            let reason_id = format!("reason-{}", choice.position_id);
                            let reason = choice.reason.clone();
                            let position_id = choice.position_id.clone();
                            let (up, down, remove, edit) = (position_id.clone(), position_id.clone(), position_id.clone(), position_id.clone());
                            view! {
                                <li class="list-item ranked" data-testid="ranked" data-position-id=position_id.to_string() data-position-closed=position_closed.to_string()>
                                    <span class="rank-number" aria-hidden="true">{index + 1}</span>
                                    <div class="grow">
                                        <p class="item-title">{title}
                                            {position_closed.then(|| view! { " " <span class="pill pill-danger" data-testid="position-closed">{i18n.tr(Msg::PositionClosedPill)}</span> })}
                                        </p>
                                        <p class="item-meta">{org}</p>
                                        <label class="visually-hidden" for=reason_id.clone()>{i18n.tr(Msg::WhyThisChoice)}</label>
                                        <input id=reason_id class="reason" data-testid="reason" maxlength="500" disabled=closed
                                            placeholder=i18n.tr(Msg::WhyThisChoice)
                                            prop:value={ let key = edit.clone(); move || reason_drafts.with(|d| d.get(&key).cloned()).unwrap_or_else(|| reason.clone()) }
                                            on:change=move |event| save_reason(edit.clone(), event_target_value(&event)) />
                                    </div>
                                    <Show when=move || !closed>
                                        <div class="row-actions">
                                            <button class="button button-small" data-testid="move-up" disabled=index == 0
                                                aria-label=i18n.tr(Msg::MoveUp)
                                                on:click={ let up = up.clone(); move |_| { let target = up.clone(); change(&move |c: &mut Vec<RankingChoice>| { if let Some(i) = c.iter().position(|x| x.position_id == target) { if i > 0 { c.swap(i, i - 1); } } }) } }>"↑"</button>
                                            <button class="button button-small" data-testid="move-down" disabled=index + 1 == count
                                                aria-label=i18n.tr(Msg::MoveDown)
                                                on:click={ let down = down.clone(); move |_| { let target = down.clone(); change(&move |c: &mut Vec<RankingChoice>| { if let Some(i) = c.iter().position(|x| x.position_id == target) { if i + 1 < c.len() { c.swap(i, i + 1); } } }) } }>"↓"</button>
                                            <button class="button button-small button-danger" data-testid="remove-choice"
                                                on:click={ let remove = remove.clone(); move |_| { let target = remove.clone(); change(&move |c: &mut Vec<RankingChoice>| c.retain(|x| x.position_id != target)) } }>{i18n.tr(Msg::Remove)}</button>
                                        </div>
                                    </Show>
                                </li>
                            }
                        }).collect::<Vec<_>>()
                    }}
                </ol>
            </Show>
        </section>
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
                <div class="field grow">
                    <label for="position-search">{i18n.tr(Msg::Search)}</label>
                    <input id="position-search" type="search" data-testid="position-search" prop:value=move || query.get()
                        on:input=move |event| query.set(event_target_value(&event)) />
                </div>
                <div class="field">
                    <label for="position-industry">{i18n.tr(Msg::Industry)}</label>
                    <select id="position-industry" data-testid="position-industry" on:change=move |event| industry.set(event_target_value(&event))>
                        <option value="">{i18n.tr(Msg::AllIndustries)}</option>
                        {move || industries.get().into_iter().map(|(name, zh)| view! { <option value=name.clone()>{pick(i18n.lang.get(), &name, &zh).to_owned()}</option> }).collect_view()}
                    </select>
                </div>
                <label class="check">
                    <input type="checkbox" data-testid="paid-only" prop:checked=move || paid_only.get() on:change=move |event| paid_only.set(event_target_checked(&event)) />
                    {i18n.tr(Msg::PaidOnly)}
                </label>
                <label class="check">
                    <input type="checkbox" data-testid="housing-only" prop:checked=move || housing_only.get() on:change=move |event| housing_only.set(event_target_checked(&event)) />
                    {i18n.tr(Msg::WithHousing)}
                </label>
            </div>
            <Show when=move || round.get().is_some_and(|r| r.full() && !r.closed())>
                <p class="notice">{i18n.tr(Msg::RankingFull)}</p>
            </Show>
            <WriteErrorLine write=write />
            <Show when=move || !shown.get().is_empty() fallback=move || view! { <p class="muted empty">{i18n.tr(Msg::NoPositionsMatch)}</p> }>
                <ul class="list" data-testid="position-list" data-write=move || round.get().map(|r| write::changes(space.get().as_ref(), RecordKind::Ranking, &r.cohort_id))>
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
    view! {
        <li class="list-item" data-testid="position" data-position-id=id_text>
            <div class="grow">
                <p class="item-title">{position.title.clone()}</p>
                <p class="item-meta" data-testid="position-org">{move || format!("{} · {}", listed.organization, pick(i18n.lang.get(), &listed.industry, &listed.industry_zh))}</p>
                <p class="item-meta">
                    <span class="pill">{move || i18n.t(if position.paid { Msg::Paid } else { Msg::Unpaid })}</span>
                    {position.housing.then(|| view! { <span class="pill">{i18n.tr(Msg::Housing)}</span> })}
                    " "{languages}" · "{i18n.tr(Msg::Slots)}" "{position.slots}
                </p>
            </div>
            <Show when=ranked.clone() fallback=move || {
                let target = id.clone();
                let can_add = can_add.clone();
                view! {
                    <button class="button button-small" data-testid="rank" disabled=move || !can_add() on:click=move |_| add(target.clone())>{i18n.tr(Msg::RankThis)}</button>
                }
            }>
                <span class="pill">{i18n.tr(Msg::Ranked)}</span>
            </Show>
        </li>
    }
}
