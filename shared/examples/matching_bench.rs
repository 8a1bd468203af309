//! Benchmark of `matching::propose_matches` on a full-size cohort: 1,000 students, 400 positions
//! (1–3 slots each), 5 ranked choices per student, 400 mentors. Prints figures; asserts nothing.
//!
//! Run with `cargo run --release -p imp-shared --example matching_bench`.

use std::time::Instant;

use imp_shared::ids::{RecordId, UserId};
use imp_shared::matching::{
    propose_matches, MatchInput, MatchMentor, MatchPosition, MatchStudent, RankedChoice,
};

const N_STUDENTS: usize = 1_000;
const N_POSITIONS: usize = 400;
const N_MENTORS: usize = 400;
const N_ORGANIZATIONS: usize = 120;
const N_CHOICES: usize = 5;
const RUNS: usize = 5;
const LANGUAGES: [&str; 6] = [
    "English",
    "Mandarin",
    "Vietnamese",
    "Indonesian",
    "Thai",
    "Japanese",
];
const INDUSTRIES: [&str; 8] = [
    "Fintech",
    "Semiconductors",
    "Healthcare",
    "Logistics",
    "Education",
    "Energy",
    "Retail",
    "Agritech",
];

/// splitmix64: a fixed seed gives the same cohort on every run, so figures compare across runs.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: usize) -> usize {
        usize::try_from(self.next() % bound as u64).unwrap_or(0)
    }

    fn pick<'a>(&mut self, pool: &[&'a str]) -> &'a str {
        pool[self.below(pool.len())]
    }

    /// One to three distinct entries of `pool`.
    fn some(&mut self, pool: &[&str]) -> Vec<String> {
        let mut chosen: Vec<String> = Vec::new();
        for _ in 0..=self.below(3) {
            let entry = self.pick(pool).to_owned();
            if !chosen.contains(&entry) {
                chosen.push(entry);
            }
        }
        chosen
    }
}

fn cohort(random: &mut Random) -> MatchInput {
    let industries: Vec<&str> = (0..N_ORGANIZATIONS)
        .map(|_| random.pick(&INDUSTRIES))
        .collect();
    let positions: Vec<MatchPosition> = (0..N_POSITIONS)
        .map(|index| {
            let organization = random.below(N_ORGANIZATIONS);
            MatchPosition {
                id: RecordId(format!("position-{index:03}")),
                organization_id: RecordId(format!("org-{organization:03}")),
                industry: industries[organization].to_owned(),
                slots: 1 + u32::try_from(random.below(3)).unwrap_or(0),
                languages: random.some(&LANGUAGES),
                open: true,
            }
        })
        .collect();
    let students = (0..N_STUDENTS)
        .map(|index| {
            // Popular positions attract more rankings, as in a real cohort: half of all choices go
            // to the first quarter of the positions.
            let mut chosen: Vec<usize> = Vec::new();
            while chosen.len() < N_CHOICES {
                let candidate = if random.below(2) == 0 {
                    random.below(N_POSITIONS / 4)
                } else {
                    random.below(N_POSITIONS)
                };
                if !chosen.contains(&candidate) {
                    chosen.push(candidate);
                }
            }
            MatchStudent {
                id: UserId(format!("student-{index:04}")),
                languages: random.some(&LANGUAGES),
                interests: random.some(&INDUSTRIES),
                choices: chosen
                    .into_iter()
                    .zip(1u8..)
                    .map(|(position, rank)| RankedChoice {
                        position_id: RecordId(format!("position-{position:03}")),
                        rank,
                    })
                    .collect(),
            }
        })
        .collect();
    let mentors = (0..N_MENTORS)
        .map(|index| MatchMentor {
            user_id: UserId(format!("mentor-{index:03}")),
            organization_id: RecordId(format!("org-{:03}", random.below(N_ORGANIZATIONS))),
            languages: random.some(&LANGUAGES),
            expertise: random.some(&INDUSTRIES),
            capacity: 1 + u32::try_from(random.below(3)).unwrap_or(0),
            current_load: Some(u32::try_from(random.below(3)).unwrap_or(0)),
        })
        .collect();
    MatchInput {
        students,
        positions,
        mentors,
    }
}

fn main() {
    let input = cohort(&mut Random(2026));
    let n_slots: u32 = input.positions.iter().map(|position| position.slots).sum();
    let mut timings = Vec::with_capacity(RUNS);
    let mut last = None;
    for _ in 0..RUNS {
        let started = Instant::now();
        let outcome = propose_matches(&input);
        timings.push(started.elapsed().as_secs_f64() * 1000.0);
        last = Some(outcome);
    }
    let Some(Ok(outcome)) = last else {
        eprintln!("matching refused the generated cohort: {last:?}");
        std::process::exit(1);
    };
    timings.sort_by(f64::total_cmp);
    let objective = outcome.objective();
    println!(
        "matching {N_STUDENTS} students, {N_POSITIONS} positions ({n_slots} slots), \
         {N_MENTORS} mentors, {N_CHOICES} choices each"
    );
    println!(
        "  placed {}, with a mentor {}, unmatched {}; first choices {}",
        objective.matched,
        objective.with_mentor,
        outcome.unmatched.len(),
        outcome.proposals.iter().filter(|p| p.rank == 1).count()
    );
    println!(
        "  time over {RUNS} runs: best {:.1} ms, median {:.1} ms, worst {:.1} ms",
        timings.first().copied().unwrap_or(0.0),
        timings.get(RUNS / 2).copied().unwrap_or(0.0),
        timings.last().copied().unwrap_or(0.0)
    );
}
