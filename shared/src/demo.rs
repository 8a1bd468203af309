//! The demo program `make run` seeds: deterministic, and shaped like the real IMP's growth
//! (2022: 40 organizations, 51 mentors, 58 students → 2024: 91 / 113 / 180, cumulative).

use chrono::{Duration, NaiveDate, TimeZone, Utc};

use crate::calendar::PROGRAM_ZONE;
use crate::domain::{
    Announcement, ApplicationStage, Cohort, Entity, Goal, JobApplication, MentorProfile,
    MentoringSession, Organization, Outcome, PartnerUniversity, Placement, PlacementState,
    Position, RankingChoice, Role, SessionFormat, SessionState, StudentProfile, Task, VisaStep,
    VisaStepState, Workshop,
};
use crate::ids::{RecordId, SpaceId, UserId};
use crate::mutation::Mutation;
use crate::visa_chooser::DegreeLevel;

/// Cohort years and the cumulative counts of organizations, mentors and students by each.
pub const GROWTH: [(i32, usize, usize, usize); 3] = [
    (2022, 40, 51, 58),
    (2023, 66, 82, 119),
    (2024, 91, 113, 180),
];

/// The password of the three demo logins.
pub const DEMO_PASSWORD: &str = "imp-demo-password";

/// One account of the demo directory.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoAccount {
    /// Its id.
    pub id: UserId,
    /// Its email.
    pub email: String,
    /// Its name.
    pub display_name: String,
    /// Its role.
    pub role: Role,
    /// Whether it is one of the three printed demo logins (with [`DEMO_PASSWORD`]).
    pub is_login: bool,
}

/// The whole demo program: accounts, and the mutations that fill each space.
#[derive(Debug, Clone)]
pub struct DemoProgram {
    /// Every account.
    pub accounts: Vec<DemoAccount>,
    /// Mutations per space, in order.
    pub spaces: Vec<(SpaceId, Vec<Mutation>)>,
}

const FIRST_NAMES: [&str; 24] = [
    "Linh", "Arjun", "Siti", "Mateo", "Aiko", "Kwame", "Priya", "Lucas", "Mai", "Omar", "Yuki",
    "Amara", "Daniel", "Thao", "Rizal", "Elena", "Hana", "Samuel", "Nadia", "Kenji", "Fatima",
    "Jonas", "Ayu", "Marco",
];
const LAST_NAMES: [&str; 20] = [
    "Nguyen", "Sharma", "Rahman", "García", "Tanaka", "Mensah", "Patel", "Silva", "Tran", "Haddad",
    "Sato", "Okafor", "Müller", "Pham", "Santoso", "Rossi", "Kim", "Adeyemi", "Hussain", "Lin",
];
const COUNTRIES: [&str; 12] = [
    "Vietnam",
    "India",
    "Indonesia",
    "Mexico",
    "Japan",
    "Ghana",
    "Malaysia",
    "Brazil",
    "Thailand",
    "Jordan",
    "Philippines",
    "Germany",
];
/// Mentors' family and given names: mentor `i` is `FAMILY[i % 16] GIVEN[(i / 16 + i) % 16]`, a
/// different name for each of the first 256 mentors.
const MENTOR_FAMILY_NAMES: [&str; 16] = [
    "Chen", "Lin", "Huang", "Chang", "Wang", "Liu", "Tsai", "Yang", "Hsu", "Kuo", "Cheng", "Lai",
    "Wu", "Hung", "Chou", "Lee",
];
const MENTOR_GIVEN_NAMES: [&str; 16] = [
    "Wei-Ting",
    "Yu-Chen",
    "Po-Han",
    "Hsin-Yi",
    "Chih-Hao",
    "Mei-Ling",
    "Ming-Jui",
    "Shu-Fen",
    "Chia-Hung",
    "Pei-Shan",
    "Yi-Ting",
    "Kuan-Ting",
    "Ya-Wen",
    "Tzu-Yu",
    "Jen-Hao",
    "Hui-Chun",
];
/// Industries: the English name (matching's key), a word for organization names, the name in
/// 繁體中文.
const INDUSTRIES: [(&str, &str, &str); 10] = [
    ("Semiconductors", "Silicon", "半導體"),
    ("Software", "Cloud", "軟體"),
    ("Finance", "Capital", "金融"),
    ("Non-profit", "Bridges", "非營利"),
    ("Manufacturing", "Precision", "製造"),
    ("Biotech", "Life Sciences", "生物科技"),
    ("Consulting", "Advisory", "顧問"),
    ("Education", "Learning", "教育"),
    ("Logistics", "Harbor", "物流"),
    ("Energy", "Green Power", "能源"),
];
/// Where organizations are: with ten industries, twelve places name 120 organizations apart.
const PLACES: [&str; 12] = [
    "Formosa",
    "Taipei",
    "Hsinchu",
    "Keelung",
    "Yangmingshan",
    "Danshui",
    "Tamsui",
    "Daan",
    "Taichung",
    "Tainan",
    "Taoyuan",
    "Kaohsiung",
];
const ROLES: [&str; 8] = [
    "Data Analyst Intern",
    "Software Engineer Intern",
    "Marketing Associate",
    "Process Engineer Trainee",
    "Research Assistant",
    "Business Development Intern",
    "UX Research Intern",
    "Supply Chain Analyst",
];
const DEPARTMENTS: [&str; 8] = [
    "Electrical Engineering",
    "Computer Science",
    "Finance",
    "Chemical Engineering",
    "Public Health",
    "International Business",
    "Mechanical Engineering",
    "Economics",
];

fn id(text: String) -> RecordId {
    RecordId(text)
}

fn create(record_id: RecordId, record: Entity) -> Mutation {
    Mutation::Create {
        id: record_id,
        record,
    }
}

fn year_of(index: usize, counts: impl Fn(&(i32, usize, usize, usize)) -> usize) -> i32 {
    GROWTH
        .iter()
        .find(|row| index < counts(row))
        .map_or(2024, |row| row.0)
}

/// What graduates' mentors wrote as their strengths in the final evaluation.
const STRENGTHS: [&str; 4] = [
    "Careful, reliable work",
    "Learns fast and asks good questions",
    "Works well across languages",
    "Takes ownership of tasks",
];

/// Why demo students ranked a position.
const REASONS: [&str; 4] = [
    "Matches my thesis topic",
    "I want to work in this industry after graduating",
    "The team works in English and Mandarin",
    "Close to campus",
];

/// Whether a demo student (by index) waits for this year's matching round: fourteen students of
/// the current cohort, not the demo login.
pub fn awaiting_match(student: usize) -> bool {
    (165..179).contains(&student)
}

/// Builds the demo program. `today` anchors upcoming sessions and deadlines.
pub fn demo_program(today: NaiveDate) -> DemoProgram {
    let n_orgs = GROWTH[2].1;
    let n_mentors = GROWTH[2].2;
    let n_students = GROWTH[2].3;
    let at = |date: NaiveDate, hour: u32| {
        Utc.from_utc_datetime(&date.and_hms_opt(hour, 0, 0).unwrap_or_default())
    };

    let mut accounts = vec![DemoAccount {
        id: UserId::from("staff-1"),
        email: "staff@demo.imp".to_owned(),
        display_name: "Program Office (Demo)".to_owned(),
        role: Role::Staff,
        is_login: true,
    }];
    let mut program = Vec::new();

    for (year, ..) in GROWTH {
        program.push(create(
            id(format!("cohort-{year}")),
            Entity::Cohort(Cohort {
                year,
                name: format!("IMP {year}"),
                // The current cohort still ranks (its deadline is two weeks away, 23:59 in
                // Taipei); earlier cohorts ranked by the end of March.
                ranking_deadline: Some(if year == GROWTH[2].0 {
                    at(today + Duration::days(14), 15) + Duration::minutes(59)
                } else {
                    Utc.with_ymd_and_hms(year, 3, 31, 15, 59, 0)
                        .single()
                        .unwrap_or_default()
                }),
                max_rankings: 5,
            }),
        ));
    }
    for (index, (name, country)) in [
        ("National Taiwan University", "Taiwan"),
        ("University College London", "United Kingdom"),
        ("Singapore Management University", "Singapore"),
        ("University of Washington", "United States"),
    ]
    .into_iter()
    .enumerate()
    {
        program.push(create(
            id(format!("university-{}", index + 1)),
            Entity::PartnerUniversity(PartnerUniversity {
                name: name.to_owned(),
                country: country.to_owned(),
            }),
        ));
    }

    let mut positions_by_year: Vec<(i32, RecordId, RecordId)> = Vec::new();
    for org in 0..n_orgs {
        let joined = year_of(org, |row| row.1);
        let (industry, word, industry_zh) = INDUSTRIES[org % INDUSTRIES.len()];
        let place = PLACES[(org / INDUSTRIES.len()) % PLACES.len()];
        let org_id = id(format!("org-{:03}", org + 1));
        let years: Vec<i32> = GROWTH
            .iter()
            .map(|row| row.0)
            .filter(|y| *y >= joined)
            .collect();
        program.push(create(
            org_id.clone(),
            Entity::Organization(Organization {
                name: format!(
                    "{place} {word} {}",
                    ["Co.", "Group", "Labs", "Foundation"][org % 4]
                ),
                industry: industry.to_owned(),
                industry_zh: industry_zh.to_owned(),
                approved: true,
                contact_email: Some(format!("imp@org{:03}.example.tw", org + 1)),
                cohort_years: years.clone(),
            }),
        ));
        for year in years {
            let position_id = id(format!("pos-{year}-{:03}", org + 1));
            positions_by_year.push((year, position_id.clone(), org_id.clone()));
            program.push(create(
                position_id,
                Entity::Position(Position {
                    organization_id: org_id.clone(),
                    cohort_year: year,
                    title: ROLES[(org + year as usize) % ROLES.len()].to_owned(),
                    slots: 1 + (org % 3) as u32,
                    paid: org % 5 != 0,
                    housing: org % 4 == 0,
                    languages: if org % 3 == 0 {
                        vec!["English".to_owned(), "Mandarin".to_owned()]
                    } else {
                        vec!["English".to_owned()]
                    },
                    description: format!(
                        "A {industry} placement in {place} with a dedicated mentor."
                    ),
                    open: year == 2024,
                }),
            ));
        }
    }

    let mut mentor_orgs = Vec::new();
    for mentor in 0..n_mentors {
        let joined = year_of(mentor, |row| row.2);
        let orgs_then = GROWTH
            .iter()
            .find(|row| row.0 == joined)
            .map_or(n_orgs, |row| row.1);
        let org = mentor % orgs_then;
        let user_id = UserId(format!("m-{:03}", mentor + 1));
        let display_name = format!(
            "{} {}",
            MENTOR_FAMILY_NAMES[mentor % MENTOR_FAMILY_NAMES.len()],
            MENTOR_GIVEN_NAMES
                [(mentor / MENTOR_FAMILY_NAMES.len() + mentor) % MENTOR_GIVEN_NAMES.len()]
        );
        accounts.push(DemoAccount {
            id: user_id.clone(),
            email: if mentor == 0 {
                "mentor@demo.imp".to_owned()
            } else {
                format!("mentor{:03}@demo.imp", mentor + 1)
            },
            display_name: display_name.clone(),
            role: Role::Mentor,
            is_login: mentor == 0,
        });
        mentor_orgs.push((user_id.clone(), org, joined));
        program.push(create(
            id(format!("mentor-{}", user_id)),
            Entity::MentorProfile(MentorProfile {
                user_id,
                display_name,
                organization_id: id(format!("org-{:03}", org + 1)),
                expertise: vec![INDUSTRIES[org % INDUSTRIES.len()].0.to_owned()],
                languages: if mentor % 4 == 1 {
                    vec![
                        "Mandarin".to_owned(),
                        "English".to_owned(),
                        "Vietnamese".to_owned(),
                    ]
                } else {
                    vec!["Mandarin".to_owned(), "English".to_owned()]
                },
                capacity: 2 + (mentor % 2) as u32,
                contact_email: Some(if mentor == 0 {
                    "mentor@demo.imp".to_owned()
                } else {
                    format!("mentor{:03}@demo.imp", mentor + 1)
                }),
                cohort_years: GROWTH
                    .iter()
                    .map(|row| row.0)
                    .filter(|y| *y >= joined)
                    .collect(),
            }),
        ));
    }

    for (index, (title, days, place)) in [
        (
            "Job search in Taiwan: where to start",
            7,
            "NTU Global Lounge",
        ),
        (
            "Work permits and the Gold Card, explained",
            14,
            "NTU Conference Hall",
        ),
        (
            "Mandarin for the workplace",
            21,
            "Room 204, Liberal Arts Building",
        ),
        (
            "CVs and interviews for Taiwanese employers",
            35,
            "NTU Global Lounge",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        program.push(create(
            id(format!("workshop-{}", index + 1)),
            Entity::Workshop(Workshop {
                title: title.to_owned(),
                starts_at: at(today + Duration::days(days), 10),
                duration_minutes: 90,
                place: place.to_owned(),
                capacity: 60,
                going: 0,
            }),
        ));
    }

    for (index, (title, days)) in [
        ("Orientation: your first month in the program", 40),
        ("Taiwanese workplace culture", 12),
    ]
    .into_iter()
    .enumerate()
    {
        program.push(create(
            id(format!("workshop-past-{}", index + 1)),
            Entity::Workshop(Workshop {
                title: title.to_owned(),
                starts_at: at(today - Duration::days(days), 10),
                duration_minutes: 120,
                place: "NTU Global Lounge".to_owned(),
                capacity: 80,
                going: 0,
            }),
        ));
    }

    // News from staff to everyone, shown on the home screens.
    program.push(create(
        id("announcement-welcome".to_owned()),
        Entity::Announcement(Announcement {
            title: "Welcome to the new cohort".to_owned(),
            body: "Ranking is open until the deadline on your home screen. The visa clinic is \
                   on Fridays at the NTU Global Lounge."
                .to_owned(),
            published_at: at(today - Duration::days(2), 9),
            cohort_year: None,
        }),
    ));

    // The visa routes' templates live in the program space, where staff correct them.
    for template in crate::visa::builtin_routes() {
        program.push(create(
            id(template.id.clone()),
            Entity::VisaRoute(crate::domain::VisaRoute { template }),
        ));
    }

    let mut spaces = vec![(SpaceId::Program, program)];
    let mut enrollments = Vec::new();
    for student in 0..n_students {
        let cohort_year = year_of(student, |row| row.3);
        let user_id = UserId(format!("s-{:03}", student + 1));
        let is_login = student + 1 == n_students;
        // A different name for each of the first 480 students (s-180 stays Amara Patel).
        let name = format!(
            "{} {}",
            FIRST_NAMES[student % FIRST_NAMES.len()],
            LAST_NAMES[(student / FIRST_NAMES.len() + 7 * (student % FIRST_NAMES.len()) + 2)
                % LAST_NAMES.len()]
        );
        enrollments.push(create(
            id(format!("enrollment-{user_id}")),
            Entity::Enrollment(crate::domain::Enrollment {
                student_id: user_id.clone(),
                display_name: name.clone(),
                cohort_year,
            }),
        ));
        accounts.push(DemoAccount {
            id: user_id.clone(),
            email: if is_login {
                "student@demo.imp".to_owned()
            } else {
                format!("student{:03}@demo.imp", student + 1)
            },
            display_name: name.clone(),
            role: Role::Student,
            is_login,
        });
        // The demo student is placed with the demo mentor; the others go round the mentors of
        // their cohort.
        let mentors_then: Vec<&(UserId, usize, i32)> = mentor_orgs
            .iter()
            .filter(|(_, _, joined)| *joined <= cohort_year)
            .collect();
        let (mentor_id, org, _) = if is_login {
            mentor_orgs[0].clone()
        } else {
            (*mentors_then[student % mentors_then.len()]).clone()
        };
        let position = positions_by_year
            .iter()
            .find(|(year, _, org_id)| {
                *year == cohort_year && org_id.as_str() == format!("org-{:03}", org + 1)
            })
            .or_else(|| {
                positions_by_year
                    .iter()
                    .find(|(year, ..)| *year == cohort_year)
            })
            .map(|(_, position, _)| position.clone())
            .unwrap_or_else(|| id("pos-unknown".to_owned()));
        // The current cohort graduates in the coming months, so deadlines count down in the demo.
        let graduation = if cohort_year == GROWTH[2].0 {
            today + Duration::days(200 + (student % 60) as i64)
        } else {
            NaiveDate::from_ymd_opt(cohort_year + 1, 6, 30).unwrap_or(today)
        };
        let mut mutations = vec![create(
            id(user_id.to_string()),
            Entity::StudentProfile(StudentProfile {
                display_name: name,
                nationality: COUNTRIES[student % COUNTRIES.len()].to_owned(),
                university: "National Taiwan University".to_owned(),
                department: DEPARTMENTS[student % DEPARTMENTS.len()].to_owned(),
                degree: ["MSc", "MBA", "PhD", "BSc"][student % 4].to_owned(),
                graduation_date: Some(graduation),
                languages: vec!["English".to_owned()],
                mandarin_level: Some((student % 5) as u8),
                residence_card_expiry: Some(
                    today + Duration::days(20 + (student as i64 * 7) % 300),
                ),
                interests: vec![INDUSTRIES[student % INDUSTRIES.len()].0.to_owned()],
                cohort_year,
                degree_level: Some(
                    [
                        DegreeLevel::Master,
                        DegreeLevel::Master,
                        DegreeLevel::Doctorate,
                        DegreeLevel::Bachelor,
                    ][student % 4],
                ),
                hong_kong_macau: false,
                placement_start: None,
                placement_end: None,
            }),
        )];
        let current = cohort_year == GROWTH[2].0;
        if awaiting_match(student) {
            // Not placed yet: ranked the cohort's positions and waits for the matching round.
            let mut choices: Vec<RankingChoice> = Vec::new();
            for step in [0usize, 1, 3, 6, 10] {
                let org = (student * 7 + step * 5) % n_orgs;
                let position_id = id(format!("pos-{cohort_year}-{:03}", org + 1));
                if !choices.iter().any(|c| c.position_id == position_id) {
                    choices.push(RankingChoice {
                        position_id,
                        reason: REASONS[(student + step) % REASONS.len()].to_owned(),
                    });
                }
            }
            // Everyone in the round also wants the demo mentor's organization's position, so
            // the round has to choose.
            let popular = id(format!("pos-{cohort_year}-001"));
            if !choices.iter().any(|c| c.position_id == popular) {
                choices.insert(
                    student % 3,
                    RankingChoice {
                        position_id: popular,
                        reason: REASONS[0].to_owned(),
                    },
                );
                choices.truncate(5);
            }
            mutations.push(Mutation::SetRankings {
                id: id(format!("cohort-{cohort_year}")),
                choices,
            });
        } else {
            mutations.push(create(
                id(format!("placement-{cohort_year}")),
                Entity::Placement(Placement {
                    student_id: user_id.clone(),
                    position_id: position,
                    mentor_id,
                    state: PlacementState::Confirmed,
                    started_at: None,
                    end_reason: String::new(),
                    ended_by: None,
                    ended_at: None,
                }),
            ));
            mutations.push(Mutation::SetPlacementState {
                id: id(format!("placement-{cohort_year}")),
                state: PlacementState::Active,
            });
            if !current {
                mutations.push(Mutation::SetPlacementState {
                    id: id(format!("placement-{cohort_year}")),
                    state: PlacementState::Completed,
                });
            }
        }
        if !current && student % 2 == 0 {
            // Graduates' mentors gave most of them a final evaluation.
            use crate::evaluation::{evaluation_id, template_id, Answer, EvaluationKind};
            let placement = id(format!("placement-{cohort_year}"));
            let kind = EvaluationKind::MentorFinal;
            let point = |question: &str, point: u8| Answer {
                question: question.to_owned(),
                scale: Some(point),
                ..Answer::default()
            };
            mutations.push(create(
                evaluation_id(kind, &placement),
                Entity::Evaluation(crate::domain::Evaluation {
                    placement_id: placement,
                    kind,
                    template_id: template_id(kind, 1),
                    template_version: 1,
                    answers: vec![
                        point("performance", 3 + (student % 3) as u8),
                        point("progress", 3 + (student % 2) as u8),
                        Answer {
                            question: "strengths".to_owned(),
                            text: STRENGTHS[student % STRENGTHS.len()].to_owned(),
                            ..Answer::default()
                        },
                    ],
                    author: None,
                    submitted_at: None,
                }),
            ));
        }
        if !current {
            // Graduates: most found work, most of those stayed in Taiwan, on one of the routes.
            let employed = student % 5 != 0;
            let in_taiwan = employed && student % 4 != 0;
            mutations.push(create(
                id("outcome".to_owned()),
                Entity::Outcome(Outcome {
                    employed,
                    in_taiwan,
                    visa_route: in_taiwan.then(|| {
                        [
                            crate::visa::JOB_SEEKING_RESIDENCE,
                            crate::visa::GRADUATE_POINTS_WORK_PERMIT,
                            crate::visa::EMPLOYMENT_GOLD_CARD,
                        ][student % 3]
                            .to_owned()
                    }),
                }),
            ));
        } else {
            // The current cohort: a first session held last month, and the past workshops some
            // of them attended.
            mutations.push(create(
                id("session-0".to_owned()),
                Entity::MentoringSession(MentoringSession {
                    starts_at: at(today - Duration::days(20 + (student % 10) as i64), 7),
                    time_zone: PROGRAM_ZONE.to_owned(),
                    duration_minutes: 45,
                    format: SessionFormat::Video,
                    location: String::new(),
                    agenda: "Introductions".to_owned(),
                    notes: String::new(),
                    next_steps: String::new(),
                    state: SessionState::Scheduled,
                }),
            ));
            mutations.push(Mutation::LogSession {
                id: id("session-0".to_owned()),
                notes: "Got to know each other; agreed on monthly sessions.".to_owned(),
                next_steps: "Draft three goals for the placement.".to_owned(),
            });
            for (workshop, every) in [("workshop-past-1", 2), ("workshop-past-2", 3)] {
                if student % every == 0 && !is_login {
                    mutations.push(create(
                        id(workshop.to_owned()),
                        Entity::Attendance(crate::domain::Attendance {
                            checked_in_at: at(
                                today - Duration::days(if every == 2 { 40 } else { 12 }),
                                10,
                            ),
                        }),
                    ));
                }
            }
        }
        let session_day = if current {
            today + Duration::days(3 + (student % 10) as i64)
        } else {
            NaiveDate::from_ymd_opt(cohort_year, 10, 15).unwrap_or(today)
        };
        mutations.push(create(
            id("session-1".to_owned()),
            Entity::MentoringSession(MentoringSession {
                starts_at: at(session_day, 7),
                time_zone: PROGRAM_ZONE.to_owned(),
                duration_minutes: 60,
                format: [
                    SessionFormat::InPerson,
                    SessionFormat::Video,
                    SessionFormat::Phone,
                ][student % 3],
                location: "Mentor's office".to_owned(),
                agenda: "Goals for the placement; first weeks".to_owned(),
                notes: String::new(),
                next_steps: String::new(),
                state: SessionState::Scheduled,
            }),
        ));
        if !current {
            mutations.push(Mutation::LogSession {
                id: id("session-1".to_owned()),
                notes: "Talked through the first month and the team's expectations.".to_owned(),
                next_steps: "Shadow the weekly planning meeting.".to_owned(),
            });
        }
        mutations.push(create(
            id("goal-1".to_owned()),
            Entity::Goal(Goal {
                title: "Land a full-time role in Taiwan".to_owned(),
                target_date: Some(graduation),
                success_criteria: "A signed offer and a work permit".to_owned(),
            }),
        ));
        for (index, (title, days)) in [
            ("Update my CV in Mandarin and English", 5),
            ("Ask my mentor for two referrals", 12),
        ]
        .into_iter()
        .enumerate()
        {
            mutations.push(create(
                id(format!("task-{}", index + 1)),
                Entity::Task(Task {
                    goal_id: Some(id("goal-1".to_owned())),
                    title: title.to_owned(),
                    due_date: Some(today + Duration::days(days)),
                    done: !current,
                    created_by: None,
                }),
            ));
        }
        mutations.push(create(
            id("job-1".to_owned()),
            Entity::JobApplication(JobApplication {
                company: format!(
                    "{} {}",
                    PLACES[student % PLACES.len()],
                    INDUSTRIES[(student + 3) % INDUSTRIES.len()].1
                ),
                role: ROLES[(student + 2) % ROLES.len()].to_owned(),
                stage: ApplicationStage::Applied,
                applied_on: Some(today - Duration::days(10)),
                next_step: "Wait for the recruiter's call".to_owned(),
                notes: String::new(),
            }),
        ));
        mutations.push(create(
            id("visa-1".to_owned()),
            Entity::VisaStep(VisaStep {
                route: "job_seeking".to_owned(),
                title: "Apply for job-seeking residence".to_owned(),
                authority: "National Immigration Agency".to_owned(),
                due_date: Some(graduation + Duration::days(14)),
                documents: vec![
                    "Diploma".to_owned(),
                    "Passport".to_owned(),
                    "ARC".to_owned(),
                ],
                state: if current {
                    VisaStepState::Todo
                } else {
                    VisaStepState::Done
                },
                title_zh: String::new(),
                authority_zh: String::new(),
                documents_zh: Vec::new(),
                route_version: 0,
                fee_twd: None,
            }),
        ));
        // Some of the current cohort have said they come to the next workshops; the seed goes
        // through the server's own counting, so staff see "Going N / 60". The demo student has
        // not answered yet.
        if current && !is_login {
            for (workshop, every) in [("workshop-1", 3), ("workshop-2", 5)] {
                if student % every == 0 {
                    mutations.push(Mutation::RsvpWorkshop {
                        workshop_id: id(workshop.to_owned()),
                        going: true,
                    });
                }
            }
        }
        spaces.push((SpaceId::Student(user_id), mutations));
    }

    spaces.push((SpaceId::Staff, enrollments));
    DemoProgram { accounts, spaces }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apply::{apply, ApplyContext, MemoryRecords, RecordView};
    use crate::domain::RecordKind;
    use crate::permissions::Actor;

    #[test]
    fn demo_people_and_organizations_have_names_that_tell_them_apart() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or_default();
        let demo = demo_program(today);
        let mut names: Vec<&str> = demo
            .accounts
            .iter()
            .map(|a| a.display_name.as_str())
            .collect();
        assert!(
            names.iter().all(|n| !n.chars().any(|c| c.is_ascii_digit())),
            "no numbered names"
        );
        let all = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all, "every account has its own name");
        let mut orgs: Vec<String> = demo
            .spaces
            .iter()
            .flat_map(|(_, mutations)| mutations)
            .filter_map(|m| match m {
                Mutation::Create {
                    record: Entity::Organization(org),
                    ..
                } => Some(org.name.clone()),
                _ => None,
            })
            .collect();
        let count = orgs.len();
        assert_eq!(count, 91);
        orgs.sort_unstable();
        orgs.dedup();
        assert_eq!(orgs.len(), count, "every organization has its own name");
        // The demo logins keep the names the guides use.
        let name = |id: &str| {
            demo.accounts
                .iter()
                .find(|a| a.id.as_str() == id)
                .map(|a| a.display_name.clone())
        };
        assert_eq!(name("s-180").as_deref(), Some("Amara Patel"));
        assert_eq!(name("m-001").as_deref(), Some("Chen Wei-Ting"));
    }

    #[test]
    fn demo_program_applies_cleanly_and_follows_the_growth() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or_default();
        let demo = demo_program(today);
        let staff = Actor {
            user_id: UserId::from("staff-1"),
            role: Role::Staff,
        };
        let count = |role| demo.accounts.iter().filter(|a| a.role == role).count();
        assert_eq!(count(Role::Student), 180);
        assert_eq!(count(Role::Mentor), 113);
        assert_eq!(demo.accounts.iter().filter(|a| a.is_login).count(), 3);
        // The judging clock is the seeding day's (the demo is built around `today`).
        let now = today.and_hms_opt(8, 0, 0).unwrap_or_default().and_utc();
        for (space, mutations) in &demo.spaces {
            assert!(
                mutations.len() <= crate::protocol::MAX_MUTATIONS_PER_PUSH,
                "{space}"
            );
            let mut records = MemoryRecords::default();
            let context = ApplyContext::new(&staff, space, now);
            for mutation in mutations {
                let changes = apply(&records, &context, mutation);
                assert!(changes.is_ok(), "{space}: {mutation:?} → {changes:?}");
                records.write(&changes.unwrap_or_default());
            }
            if *space == SpaceId::Program {
                assert_eq!(records.list(RecordKind::Organization).len(), 91);
                assert_eq!(records.list(RecordKind::MentorProfile).len(), 113);
                let orgs_2022 = records
                    .list(RecordKind::Organization)
                    .into_iter()
                    .filter(|(_, e)| matches!(e, Entity::Organization(o) if o.cohort_years.contains(&2022)))
                    .count();
                assert_eq!(orgs_2022, 40);
            }
        }
    }

    #[test]
    fn some_demo_students_go_to_the_next_workshops_within_their_capacity() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or_default();
        let demo = demo_program(today);
        let staff = Actor {
            user_id: UserId::from("staff-1"),
            role: Role::Staff,
        };
        let now = today.and_hms_opt(8, 0, 0).unwrap_or_default().and_utc();
        let mut summaries = Vec::new();
        for (space, mutations) in &demo.spaces {
            let SpaceId::Student(student) = space else {
                continue;
            };
            let mut records = MemoryRecords::default();
            let context = ApplyContext::new(&staff, space, now);
            for mutation in mutations {
                records.write(&apply(&records, &context, mutation).unwrap_or_default());
            }
            summaries.extend(crate::summary::summarize(&records, student, now));
        }
        let counts = crate::summary::count_going(&summaries, None);
        let going = |workshop: &str| counts.get(&id(workshop.to_owned())).copied();
        for workshop in ["workshop-1", "workshop-2"] {
            assert!(
                going(workshop).is_some_and(|n| (1..=60).contains(&n)),
                "{workshop}: {counts:?}"
            );
        }
        assert_eq!(going("workshop-3"), None);
        assert!(
            !summaries
                .iter()
                .any(|s| s.display_name == "Amara Patel" && !s.workshops_going.is_empty()),
            "the demo student has not answered yet"
        );
    }
}
