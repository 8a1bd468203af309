//! Ending a placement early, from either side: the student (on their profile) or the mentor (on
//! the mentee's card) says why, and the placement ends (`Mutation::EndPlacement`); staff see the
//! reason on the student's page. The mentor's access to the student's space ends with it.

use leptos::prelude::*;

use imp_shared::domain::{Placement, RecordKind};
use imp_shared::ids::SpaceId;
use imp_shared::mutation::Mutation;

use crate::components::form::TextArea;
use crate::components::write;
use crate::i18n::{use_i18n, Msg};
use crate::sync::hooks::{use_typed, use_write, WriteErrorLine};

/// "End this placement early" with the reason, for the space's confirmed or active placement
/// (nothing when there is none). The reason stays in the field until the change is accepted.
#[component]
pub fn EndPlacement(#[prop(into)] space: Signal<Option<SpaceId>>) -> impl IntoView {
    let i18n = use_i18n();
    let placements = use_typed::<Placement>(space);
    let current = Memo::new(move |_| {
        placements.with(|list| {
            list.iter()
                .find(|(_, placement)| placement.state.grants_mentor_access())
                .map(|(id, _)| id.clone())
        })
    });
    let write = use_write();
    let reason = RwSignal::new(String::new());
    let tag = move || {
        current
            .get()
            .map(|id| write::changes(space.get().as_ref(), RecordKind::Placement, &id))
            .unwrap_or_default()
    };
    let end = move |_| {
        let (Some(space), Some(id)) = (space.get_untracked(), current.get_untracked()) else {
            return;
        };
        let text = reason.get_untracked().trim().to_owned();
        if text.is_empty() {
            return write.fail(Msg::EndPlacementNeedsReason);
        }
        let mutation = Mutation::EndPlacement { id, reason: text };
        write.run(space, mutation, move || reason.set(String::new()));
    };
    view! {
        <Show when=move || current.with(Option::is_some)>
            <details class="end-placement" data-testid="end-placement" data-write=tag>
                <summary>{i18n.tr(Msg::EndPlacementTitle)}</summary>
                <p class="muted">{i18n.tr(Msg::EndPlacementHelp)}</p>
                <TextArea id="end-placement-reason" label=Msg::EndPlacementReason value=reason rows=3
                    maxlength=2000 />
                <button class="button" data-testid="end-placement-confirm" disabled=move || write.pending.get()
                    on:click=end>{i18n.tr(Msg::EndPlacementButton)}</button>
                <WriteErrorLine write=write />
            </details>
        </Show>
    }
}
