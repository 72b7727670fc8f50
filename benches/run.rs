//! One replication of the bundled baseline scenario (104 weeks, 20 services).

use criterion::{criterion_group, criterion_main, Criterion};
use sresim::model::{simulate, Metric, RunOptions};
use sresim::scenario::ScenarioSource;

fn baseline_replication(c: &mut Criterion) {
    let cfg = ScenarioSource::baseline()
        .resolve(&[])
        .expect("baseline is valid");
    c.bench_function("baseline_one_replication", |b| {
        b.iter(|| {
            simulate(&cfg, RunOptions::default())
                .expect("stable")
                .summary[Metric::Incidents] as u64
        })
    });
}

criterion_group!(benches, baseline_replication);
criterion_main!(benches);
