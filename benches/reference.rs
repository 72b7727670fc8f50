//! The reference for the model's speed: a minimal hand-written M/M/c simulation (a binary
//! heap of events, two exponential streams, a FIFO queue, no model) of the same queue as
//! the full-model benchmark in `benches/engine.rs` (c = 2, rho = 0.9, 1 million
//! arrivals). The model's time per incident is reported against this loop's.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rand_distr::{Distribution, Exp};
use sresim::engine::stream_rng;

const SERVERS: usize = 2;
const ARRIVAL_RATE: f64 = 1.8; // per hour: rho = 0.9 with a 1 h mean service
const ARRIVALS: u64 = 1_000_000;

/// An event: its time, and whether it is an arrival (else a departure).
#[derive(Clone, Copy, PartialEq)]
struct Event {
    time: f64,
    arrival: bool,
}

impl Eq for Event {}

impl Ord for Event {
    // Reversed, so that the max-heap pops the earliest event.
    fn cmp(&self, other: &Self) -> Ordering {
        other.time.total_cmp(&self.time)
    }
}

impl PartialOrd for Event {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Runs the queue to `ARRIVALS` arrivals; returns the total wait (so nothing is
/// optimised away).
fn mmc() -> f64 {
    let interarrival = Exp::new(ARRIVAL_RATE).expect("positive rate");
    let service = Exp::new(1.0).expect("positive rate");
    let mut arrivals_rng = stream_rng(1, 0, 0, 0);
    let mut service_rng = stream_rng(1, 0, 0, 1);
    let mut heap = BinaryHeap::new();
    let mut queue: VecDeque<f64> = VecDeque::new();
    let (mut busy, mut arrived, mut wait) = (0usize, 0u64, 0.0);
    heap.push(Event {
        time: interarrival.sample(&mut arrivals_rng),
        arrival: true,
    });
    while let Some(Event { time, arrival }) = heap.pop() {
        let start = if arrival {
            arrived += 1;
            if arrived < ARRIVALS {
                heap.push(Event {
                    time: time + interarrival.sample(&mut arrivals_rng),
                    arrival: true,
                });
            }
            if busy < SERVERS {
                busy += 1;
                true
            } else {
                queue.push_back(time);
                false
            }
        } else if let Some(paged) = queue.pop_front() {
            wait += time - paged;
            true
        } else {
            busy -= 1;
            false
        };
        if start {
            heap.push(Event {
                time: time + service.sample(&mut service_rng),
                arrival: false,
            });
        }
    }
    wait
}

fn reference(c: &mut Criterion) {
    let mut g = c.benchmark_group("mmc_reference");
    g.sample_size(10);
    g.throughput(Throughput::Elements(ARRIVALS));
    g.bench_function("c2_rho0.9_1M_incidents", |b| b.iter(mmc));
    g.finish();
}

criterion_group!(benches, reference);
criterion_main!(benches);
