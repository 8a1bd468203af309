//! The app's addresses: one table of every signed-in screen, the roles it is for and its place
//! in the navigation. The router (`lib.rs`) and the navigation (`components/shell.rs`) both read
//! it, so a screen cannot be linked for a role the router would not show it to. Someone who opens
//! a screen that is not for their role (a student typing `/matching`) sees a "not for your role"
//! screen instead of editors the server would refuse.

use imp_shared::domain::Role;

use crate::i18n::Msg;
use crate::pieces::Screen;

/// What an address shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    /// The home screen for the signed-in role.
    Home,
    /// A screen from its wasm piece.
    Screen(Screen),
}

/// A screen's entry in the main navigation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NavEntry {
    /// A decorative symbol shown beside the label.
    pub icon: &'static str,
    /// The label.
    pub label: Msg,
}

/// A signed-in address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AppRoute {
    /// The path, without query.
    pub path: &'static str,
    /// What it shows.
    pub page: Page,
    /// The roles it is for.
    pub roles: &'static [Role],
    /// Its entry in the navigation of those roles, if it has one.
    pub nav: Option<NavEntry>,
}

impl AppRoute {
    /// Whether the screen is for `role`.
    pub fn allows(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

const EVERYONE: &[Role] = &[Role::Student, Role::Mentor, Role::Staff];
const PAIRS: &[Role] = &[Role::Student, Role::Mentor];
const STUDENTS: &[Role] = &[Role::Student];
const STAFF: &[Role] = &[Role::Staff];
const MENTORS_AND_STAFF: &[Role] = &[Role::Mentor, Role::Staff];

const fn nav(icon: &'static str, label: Msg) -> Option<NavEntry> {
    Some(NavEntry { icon, label })
}

const fn route(
    path: &'static str,
    screen: Screen,
    roles: &'static [Role],
    nav: Option<NavEntry>,
) -> AppRoute {
    AppRoute {
        path,
        page: Page::Screen(screen),
        roles,
        nav,
    }
}

/// Every signed-in address, in navigation order.
pub const ROUTES: &[AppRoute] = &[
    AppRoute {
        path: "/",
        page: Page::Home,
        roles: EVERYONE,
        nav: nav("⌂", Msg::Home),
    },
    route("/tasks", Screen::Tasks, PAIRS, nav("✓", Msg::Tasks)),
    route(
        "/sessions",
        Screen::Sessions,
        PAIRS,
        nav("◷", Msg::Sessions),
    ),
    route("/jobs", Screen::Jobs, PAIRS, nav("▤", Msg::Jobs)),
    route("/visa", Screen::Visa, PAIRS, nav("✈", Msg::Visa)),
    route("/people", Screen::People, STAFF, nav("☺", Msg::People)),
    route(
        "/program",
        Screen::Program,
        STAFF,
        nav("▣", Msg::ProgramData),
    ),
    route(
        "/matching",
        Screen::Matching,
        STAFF,
        nav("⇄", Msg::Matching),
    ),
    route(
        "/workshops",
        Screen::Workshops,
        STAFF,
        nav("▦", Msg::ManageWorkshops),
    ),
    route(
        "/concerns",
        Screen::Concerns,
        STAFF,
        nav("!", Msg::Concerns),
    ),
    route(
        "/announcements",
        Screen::Announcements,
        STAFF,
        nav("✉", Msg::Announcements),
    ),
    route(
        "/settings",
        Screen::Settings,
        EVERYONE,
        nav("⚙", Msg::Settings),
    ),
    route("/positions", Screen::Positions, STUDENTS, None),
    route("/profile", Screen::Profile, PAIRS, None),
    route("/checkin", Screen::CheckIn, STUDENTS, None),
    route("/concern", Screen::Concern, PAIRS, None),
    route("/student", Screen::Student, STAFF, None),
    route("/partner", Screen::Partner, STAFF, None),
    route("/visa-routes", Screen::VisaRoutes, STAFF, None),
    route("/hiring", Screen::Hiring, MENTORS_AND_STAFF, None),
    route("/changes", Screen::Changes, EVERYONE, None),
    route("/inbox", Screen::Inbox, EVERYONE, None),
    route("/evaluations", Screen::Evaluations, PAIRS, None),
    route(
        "/evaluation-templates",
        Screen::EvaluationTemplates,
        STAFF,
        None,
    ),
];

/// The route of a path (query excluded; a trailing slash is ignored), if it is one.
pub fn route_for(path: &str) -> Option<&'static AppRoute> {
    let path = match path.strip_suffix('/') {
        Some(trimmed) if !trimmed.is_empty() => trimmed,
        _ => path,
    };
    ROUTES.iter().find(|route| route.path == path)
}

/// The navigation of a role, in order.
pub fn nav_for(role: Role) -> impl Iterator<Item = (&'static AppRoute, NavEntry)> {
    ROUTES
        .iter()
        .filter(move |route| route.allows(role))
        .filter_map(|route| route.nav.map(|nav| (route, nav)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nav_paths(role: Role) -> Vec<&'static str> {
        nav_for(role).map(|(route, _)| route.path).collect()
    }

    #[test]
    fn each_role_has_its_own_navigation() {
        assert_eq!(
            nav_paths(Role::Student),
            ["/", "/tasks", "/sessions", "/jobs", "/visa", "/settings"]
        );
        assert_eq!(nav_paths(Role::Mentor), nav_paths(Role::Student));
        assert_eq!(
            nav_paths(Role::Staff),
            [
                "/",
                "/people",
                "/program",
                "/matching",
                "/workshops",
                "/concerns",
                "/announcements",
                "/settings"
            ]
        );
    }

    #[test]
    fn paths_are_unique_and_every_screen_of_a_piece_has_one_address() {
        for (index, route) in ROUTES.iter().enumerate() {
            assert!(route.path.starts_with('/'), "{}", route.path);
            assert!(!route.roles.is_empty(), "{} is for nobody", route.path);
            assert!(
                ROUTES[index + 1..]
                    .iter()
                    .all(|other| other.path != route.path),
                "{} twice",
                route.path
            );
        }
        let screens = ROUTES
            .iter()
            .filter(|route| matches!(route.page, Page::Screen(_)));
        // The two role homes are shown by `/`, not by an address of their own.
        assert_eq!(screens.count(), Screen::ALL.len() - 2);
        for screen in Screen::ALL {
            let routed = ROUTES
                .iter()
                .any(|route| route.page == Page::Screen(*screen));
            let home = matches!(screen, Screen::MentorHome | Screen::StaffHome);
            assert!(routed != home, "{screen:?}");
        }
    }

    #[test]
    fn a_path_finds_its_route_with_or_without_a_trailing_slash() {
        assert_eq!(route_for("/matching").map(|r| r.roles), Some(STAFF));
        assert_eq!(route_for("/matching/").map(|r| r.path), Some("/matching"));
        assert_eq!(route_for("/").map(|r| r.page), Some(Page::Home));
        assert_eq!(route_for("/nowhere"), None);
        assert_eq!(route_for(""), None);
    }

    #[test]
    fn staff_screens_are_not_for_students_and_theirs_not_for_staff() {
        for path in [
            "/matching",
            "/program",
            "/people",
            "/student",
            "/partner",
            "/concerns",
        ] {
            let route = route_for(path).expect("a staff route");
            assert!(
                route.allows(Role::Staff) && !route.allows(Role::Student),
                "{path}"
            );
            assert!(!route.allows(Role::Mentor), "{path}");
        }
        for path in ["/tasks", "/positions", "/checkin"] {
            let route = route_for(path).expect("a student route");
            assert!(
                route.allows(Role::Student) && !route.allows(Role::Staff),
                "{path}"
            );
        }
    }
}
