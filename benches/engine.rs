//! Engine benchmarks: raw event-queue throughput, and the full on-call model running
//! the M/M/c validation scenario (c = 2, rho = 0.9), reported in incidents per second.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use rand::Rng;
use sresim::engine::{stream_rng, EventQueue};
use sresim::model::{simulate, Metric, RunOptions};
use sresim::scenario::{Override, ScenarioSource};

fn queue_push_pop(c: &mut Criterion) {
    const N: u64 = 100_000;
    let mut g = c.benchmark_group("event_queue");
    g.throughput(Throughput::Elements(N));
    // A hold model: a queue of 64 pending events; each step pops one and pushes one.
    g.bench_function("hold_64_pending", |b| {
        let mut rng = stream_rng(1, 0, 0, 0);
        b.iter_batched(
            || {
                let mut q = EventQueue::new();
                for i in 0..64u32 {
                    q.push(rng.random::<f64>(), i);
                }
                q
            },
            |mut q| {
                let mut now = 0.0;
                for _ in 0..N {
                    if let Some((t, e)) = q.pop() {
                        now = t;
                        q.push(now + 1.0 + f64::from(e % 7), e);
                    }
                }
                now
            },
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

fn mmc_model(c: &mut Criterion) {
    let source = ScenarioSource::from_file(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/validation/mmc.toml"),
    )
    .expect("mmc.toml loads");
    // c = 2, rho = 0.9, mean service 1 h: lambda = 1.8/h = 302.4 per week; about
    // 1 million arrivals in 3,307 weeks.
    let sets = [
        "services.load.page_rate_per_week=302.4",
        "simulation.horizon_weeks=3307",
    ];
    let overrides: Vec<Override> = sets
        .iter()
        .map(|s| Override::parse(s).expect("override"))
        .collect();
    let cfg = source.resolve(&overrides).expect("valid");
    let probe = simulate(&cfg, RunOptions::default()).expect("stable");
    let mut g = c.benchmark_group("mmc_model");
    g.sample_size(10);
    g.throughput(Throughput::Elements(
        probe.summary[Metric::Incidents] as u64,
    ));
    g.bench_function("c2_rho0.9_1M_incidents", |b| {
        b.iter(|| {
            simulate(&cfg, RunOptions::default())
                .expect("stable")
                .summary[Metric::Incidents] as u64
        })
    });
    g.finish();
}

criterion_group!(benches, queue_push_pop, mmc_model);
criterion_main!(benches);
