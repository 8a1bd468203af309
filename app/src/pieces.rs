//! The app's wasm pieces. In the shipped build (feature `split`, see `scripts/build.sh`) the main
//! piece holds the shell, sign-in, the student's home, the engine's first-frame reads and
//! storage; the other signed-in screens come in two lazily loaded pieces, one for the screens
//! students and mentors use every day and one for staff's screens, so a student's first screen
//! carries neither (the rest of the engine is a third piece, declared in `sync/engine.rs`). The
//! service worker precaches every piece of a build, so each screen also opens offline.
//!
//! Without the feature (tests, clippy, benches) the same calls run directly ([`from_piece`]).

use leptos::prelude::*;
use leptos::wasm_split::SplitLoaderError;

use crate::i18n::{use_i18n, Msg};
use crate::pages;

/// Calls a function of a lazy piece (one marked `wasm_split`): awaited in the split build, where
/// the call loads its piece first, called directly without the `split` feature. Only inside an
/// `async fn`.
macro_rules! from_piece {
    ($call:expr) => {{
        #[cfg(feature = "split")]
        let result = $call.await;
        #[cfg(not(feature = "split"))]
        let result = $call;
        result
    }};
}
pub(crate) use from_piece;

/// A signed-in screen shown from a lazily loaded piece.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
pub enum Screen {
    Tasks,
    Sessions,
    Jobs,
    Visa,
    Profile,
    Concern,
    CheckIn,
    Positions,
    Changes,
    Settings,
    MentorHome,
    StaffHome,
    Concerns,
    Program,
    Student,
    People,
    Matching,
    Workshops,
    VisaRoutes,
    Hiring,
    Announcements,
    Partner,
    Inbox,
    Evaluations,
    EvaluationTemplates,
    /// Not a screen: the app bar's inbox bell, which the shell loads from the everyday piece
    /// once the first screen is up (it is not in [`Screen::ALL`]).
    InboxBell,
}

impl Screen {
    /// Every screen.
    pub const ALL: &'static [Screen] = &[
        Screen::Tasks,
        Screen::Sessions,
        Screen::Jobs,
        Screen::Visa,
        Screen::Profile,
        Screen::Concern,
        Screen::CheckIn,
        Screen::Positions,
        Screen::Changes,
        Screen::Settings,
        Screen::MentorHome,
        Screen::StaffHome,
        Screen::Concerns,
        Screen::Program,
        Screen::Student,
        Screen::People,
        Screen::Matching,
        Screen::Workshops,
        Screen::VisaRoutes,
        Screen::Hiring,
        Screen::Announcements,
        Screen::Partner,
        Screen::Inbox,
        Screen::Evaluations,
        Screen::EvaluationTemplates,
    ];

    /// Whether the screen lives in staff's piece.
    fn for_staff(self) -> bool {
        matches!(
            self,
            Screen::StaffHome
                | Screen::Concerns
                | Screen::Program
                | Screen::Student
                | Screen::People
                | Screen::Matching
                | Screen::Workshops
                | Screen::VisaRoutes
                | Screen::Announcements
                | Screen::Partner
                | Screen::EvaluationTemplates
        )
    }
}

/// The screens students and mentors use every day (and staff's settings and waiting changes).
#[cfg_attr(
    feature = "split",
    leptos::wasm_split::wasm_split(imp_everyday, fallible, wasm_split_path = ::leptos::wasm_split)
)]
fn everyday_screen(screen: Screen) -> Result<AnyView, SplitLoaderError> {
    use pages::*;
    Ok(match screen {
        Screen::Tasks => view! { <tasks::TasksPage /> }.into_any(),
        Screen::Sessions => view! { <sessions::SessionsPage /> }.into_any(),
        Screen::Jobs => view! { <jobs::JobsPage /> }.into_any(),
        Screen::Visa => view! { <visa::VisaPage /> }.into_any(),
        Screen::Profile => view! { <profile::ProfilePage /> }.into_any(),
        Screen::Concern => view! { <concern::ConcernPage /> }.into_any(),
        Screen::CheckIn => view! { <checkin::CheckInPage /> }.into_any(),
        Screen::Positions => view! { <positions::PositionsPage /> }.into_any(),
        Screen::Changes => view! { <changes::ChangesPage /> }.into_any(),
        Screen::Settings => view! { <settings::SettingsPage /> }.into_any(),
        Screen::MentorHome => view! { <home::MentorHome /> }.into_any(),
        Screen::Hiring => view! { <hiring::HiringPage /> }.into_any(),
        Screen::Inbox => view! { <inbox::InboxPage /> }.into_any(),
        Screen::Evaluations => view! { <evaluations::EvaluationsPage /> }.into_any(),
        Screen::InboxBell => view! { <inbox::InboxBell /> }.into_any(),
        _ => ().into_any(),
    })
}

/// Staff's screens: the dashboard home, concerns, program data, people, matching, workshops, a
/// student's page, a partner organization's report, the visa routes editor and the evaluation
/// templates editor.
#[cfg_attr(
    feature = "split",
    leptos::wasm_split::wasm_split(imp_staff, fallible, wasm_split_path = ::leptos::wasm_split)
)]
fn staff_screen(screen: Screen) -> Result<AnyView, SplitLoaderError> {
    use pages::*;
    Ok(match screen {
        Screen::StaffHome => view! { <home::StaffHome /> }.into_any(),
        Screen::Concerns => view! { <concern::ConcernsPage /> }.into_any(),
        Screen::Program => view! { <program::ProgramPage /> }.into_any(),
        Screen::Student => view! { <student::StudentPage /> }.into_any(),
        Screen::People => view! { <people::PeoplePage /> }.into_any(),
        Screen::Matching => view! { <matching::MatchingPage /> }.into_any(),
        Screen::Workshops => view! { <workshops::WorkshopsPage /> }.into_any(),
        Screen::VisaRoutes => view! { <visa_routes::VisaRoutesPage /> }.into_any(),
        Screen::Announcements => view! { <announcements::AnnouncementsPage /> }.into_any(),
        Screen::Partner => view! { <partner::PartnerPage /> }.into_any(),
        Screen::EvaluationTemplates => {
            view! { <evaluation_templates::EvaluationTemplatesPage /> }.into_any()
        }
        _ => ().into_any(),
    })
}

/// Why the visa chooser proposes a route (`why_json`, an `imp_shared::visa_chooser::Why`), as
/// the app words it in `lang`; empty when unreadable. For the end-to-end wording checks
/// (`visa_why_text` in `lib.rs`); it lives with the visa screen's words.
#[cfg_attr(
    feature = "split",
    leptos::wasm_split::wasm_split(imp_everyday, fallible, wasm_split_path = ::leptos::wasm_split)
)]
fn visa_why_in_piece(
    lang: crate::i18n::Lang,
    why_json: String,
) -> Result<String, SplitLoaderError> {
    Ok(
        serde_json::from_str::<imp_shared::visa_chooser::Why>(&why_json)
            .map(|why| crate::wording::visa_why_text(lang, &why))
            .unwrap_or_default(),
    )
}

/// [`visa_why_in_piece`], loading the everyday piece first.
pub(crate) async fn visa_why_text(
    lang: crate::i18n::Lang,
    why_json: String,
) -> Result<String, SplitLoaderError> {
    from_piece!(visa_why_in_piece(lang, why_json))
}

/// The screen's view, loading its piece first when it is not loaded yet.
pub(crate) async fn load(screen: Screen) -> Result<AnyView, SplitLoaderError> {
    if screen.for_staff() {
        from_piece!(staff_screen(screen))
    } else {
        from_piece!(everyday_screen(screen))
    }
}

/// Shows a screen from its piece. A piece that cannot be fetched (offline before the service
/// worker finished installing) says so in place with a retry, instead of stopping the app.
#[component]
pub fn LazyScreen(screen: Screen) -> impl IntoView {
    let i18n = use_i18n();
    let attempt = RwSignal::new(0u32);
    view! {
        <Suspense
            fallback=move || view! {
                <p class="muted" role="status" data-testid="screen-loading">{i18n.tr(Msg::Loading)}</p>
            }>
            {move || {
                attempt.track();
                Suspend::new(async move {
                    match load(screen).await {
                        Ok(view) => view,
                        Err(_) => {
                            view! {
                                <section class="card" data-testid="screen-not-loaded">
                                    <p class="form-error" role="alert">{i18n.tr(Msg::ScreenNotLoaded)}</p>
                                    <button
                                        class="button"
                                        data-local="retry-screen"
                                        on:click=move |_| attempt.update(|n| *n += 1)
                                    >
                                        {i18n.tr(Msg::RetryNow)}
                                    </button>
                                </section>
                            }
                                .into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
}
