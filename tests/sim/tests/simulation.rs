//! Runs the sync simulation over many seeds (SIM_SEEDS, default 1,000; `make soak` runs 10,000).
//! `SIM_SEED=N` replays one seed.

use imp_sim::run_seed;

const STEPS: usize = 120;

#[test]
fn sync_invariants_hold_over_many_seeded_runs() {
    let seeds: Vec<u64> = match std::env::var("SIM_SEED").ok().and_then(|s| s.parse().ok()) {
        Some(seed) => vec![seed],
        None => {
            let n_seeds = std::env::var("SIM_SEEDS")
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(1_000);
            (0..n_seeds).collect()
        }
    };
    let mut failures = Vec::new();
    let mut totals = imp_sim::Stats::default();
    for seed in &seeds {
        match run_seed(*seed, STEPS) {
            Ok(stats) => {
                totals.writes += stats.writes;
                totals.pushes_committed += stats.pushes_committed;
                totals.rejected += stats.rejected;
                totals.faults += stats.faults;
                totals.resets += stats.resets;
                totals.pages_with_more += stats.pages_with_more;
                totals.snapshot_pages += stats.snapshot_pages;
                totals.acknowledged += stats.acknowledged;
                totals.kept_without_access += stats.kept_without_access;
                totals.lost_access += stats.lost_access;
                totals.rankings += stats.rankings;
                totals.check_ins += stats.check_ins;
                totals.feedback += stats.feedback;
            }
            Err(message) => failures.push(message),
        }
    }
    println!(
        "simulation: {} seeds × {STEPS} steps: {} writes, {} committed pushes, {} acknowledged (replayed by the oracle), {} rejected, {} faults, {} resets, {} paged pulls went on ({} continuing a reset), {} clients without access at the end ({} writes kept for them); acknowledged: {} rankings, {} check-ins, {} feedback",
        seeds.len(), totals.writes, totals.pushes_committed, totals.acknowledged, totals.rejected, totals.faults, totals.resets, totals.pages_with_more, totals.snapshot_pages, totals.lost_access, totals.kept_without_access, totals.rankings, totals.check_ins, totals.feedback
    );
    assert!(
        failures.is_empty(),
        "{} of {} seeds failed:\n{}",
        failures.len(),
        seeds.len(),
        failures
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(
        totals.writes > seeds.len() * 10,
        "the simulation made too few writes to mean anything"
    );
    if seeds.len() >= 100 {
        assert!(
            totals.faults > 0 && totals.resets > 0,
            "faults and resets must actually happen"
        );
        assert!(
            totals.pages_with_more > 0 && totals.snapshot_pages > 0,
            "paged pulls, and resets over several pages, must actually happen"
        );
        assert!(
            totals.lost_access > 0,
            "the mentor must lose access in some runs"
        );
        assert!(
            totals.rankings > 0 && totals.check_ins > 0 && totals.feedback > 0,
            "rankings, check-ins and feedback must get through in some runs"
        );
    }
}
