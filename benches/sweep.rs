//! Sweep throughput: runs per second of a baseline sweep (24 points × 8 replications of
//! 52 weeks) on one thread and on every core. The ratio of the two is the parallel
//! speed-up; output is streamed, so memory stays flat in the number of runs.

use std::sync::atomic::AtomicBool;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sresim::model::Metric;
use sresim::scenario::{Override, ScenarioSource};
use sresim::sweep::{self, SweepOptions, SweepPlan};

fn sweep_runs(c: &mut Criterion) {
    let source = ScenarioSource::baseline();
    let base = vec![
        Override::parse("simulation.horizon_weeks=52").expect("override"),
        Override::parse("simulation.replications=8").expect("override"),
    ];
    let plan = SweepPlan::grid(vec![
        sweep::parse_vary("services.catalog.count=1..24").expect("axis")
    ])
    .expect("plan");
    let runs = (plan.points.len() * 8) as u64;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut g = c.benchmark_group("baseline_sweep");
    g.sample_size(10);
    g.throughput(Throughput::Elements(runs));
    for threads in [1, cores] {
        let opts = SweepOptions {
            threads,
            shard: None,
            ci_target: None,
            max_replications: 8,
            trace: false,
        };
        g.bench_function(format!("{threads}_threads"), |b| {
            b.iter(|| {
                let stop = AtomicBool::new(false);
                let mut incidents = 0u64;
                sweep::execute(
                    &source,
                    &base,
                    &plan,
                    &opts,
                    &|_| false,
                    &stop,
                    &|_| {},
                    &|pr| pr,
                    |pr| {
                        incidents += pr
                            .runs
                            .iter()
                            .map(|r| r.summary[Metric::Incidents] as u64)
                            .sum::<u64>();
                        Ok::<(), ()>(())
                    },
                )
                .map(|_| incidents)
            })
        });
    }
    g.finish();
}

criterion_group!(benches, sweep_runs);
criterion_main!(benches);
