//! Program numbers for the staff dashboard, computed from records (pure, so tests can check them
//! against a known dataset).

use serde::{Deserialize, Serialize};

use crate::domain::Entity;

/// The program's size in one cohort year (cumulative participants, as the program reports it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrowthPoint {
    /// The cohort year.
    pub year: i32,
    /// Organizations taking part that year.
    pub organizations: usize,
    /// Mentors taking part that year.
    pub mentors: usize,
    /// Students enrolled in that cohort or earlier.
    pub students: usize,
}

/// Growth by cohort year, from the program space (cohorts, organizations, mentor profiles) and the
/// staff space (enrolments). Years come from the cohorts, oldest first.
pub fn growth<'a>(
    program: impl IntoIterator<Item = &'a Entity>,
    staff: impl IntoIterator<Item = &'a Entity>,
) -> Vec<GrowthPoint> {
    let mut years = Vec::new();
    let mut organizations = Vec::new();
    let mut mentors = Vec::new();
    for entity in program {
        match entity {
            Entity::Cohort(cohort) => years.push(cohort.year),
            Entity::Organization(organization) => organizations.push(&organization.cohort_years),
            Entity::MentorProfile(mentor) => mentors.push(&mentor.cohort_years),
            _ => {}
        }
    }
    let enrolled: Vec<i32> = staff
        .into_iter()
        .filter_map(|entity| match entity {
            Entity::Enrollment(enrollment) => Some(enrollment.cohort_year),
            _ => None,
        })
        .collect();
    years.sort_unstable();
    years.dedup();
    years
        .into_iter()
        .map(|year| GrowthPoint {
            year,
            organizations: organizations
                .iter()
                .filter(|years| years.contains(&year))
                .count(),
            mentors: mentors.iter().filter(|years| years.contains(&year)).count(),
            students: enrolled.iter().filter(|cohort| **cohort <= year).count(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::{demo_program, GROWTH};
    use crate::ids::SpaceId;
    use crate::mutation::Mutation;

    fn created(mutations: &[Mutation]) -> Vec<Entity> {
        mutations
            .iter()
            .filter_map(|mutation| match mutation {
                Mutation::Create { record, .. } => Some(record.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn the_demo_program_shows_the_published_growth() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or_default();
        let demo = demo_program(today);
        let space = |id: SpaceId| {
            created(
                &demo
                    .spaces
                    .iter()
                    .find(|(space, _)| *space == id)
                    .map(|(_, m)| m.clone())
                    .unwrap_or_default(),
            )
        };
        let points = growth(&space(SpaceId::Program), &space(SpaceId::Staff));
        let expected: Vec<GrowthPoint> = GROWTH
            .iter()
            .map(|(year, organizations, mentors, students)| GrowthPoint {
                year: *year,
                organizations: *organizations,
                mentors: *mentors,
                students: *students,
            })
            .collect();
        assert_eq!(points, expected);
        assert_eq!(
            (
                points[0].organizations,
                points[0].mentors,
                points[0].students
            ),
            (40, 51, 58)
        );
        assert_eq!(
            (
                points[2].organizations,
                points[2].mentors,
                points[2].students
            ),
            (91, 113, 180)
        );
    }

    #[test]
    fn no_cohorts_no_points() {
        assert!(growth(&[], &[]).is_empty());
    }
}
