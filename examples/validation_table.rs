//! Prints the README's validation table: the on-call model against M/M/1, Erlang C
//! (M/M/c) and the Poisson tail of pages per shift, each with the 95% CI of the
//! replications.
//!
//! ```text
//! cargo run --release --example validation_table
//! ```

use std::path::Path;

use sresim::model::{Metric, RunResult, Summary};
use sresim::scenario::{Override, ScenarioSource};
use sresim::sweep::ci::MeanCi;
use sresim::sweep::run_replications;

fn runs(file: &str, sets: &[String]) -> Vec<RunResult> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    let source = ScenarioSource::from_file(&path).unwrap_or_else(|e| panic!("{e}"));
    let overrides: Vec<Override> = sets
        .iter()
        .map(|s| Override::parse(s).unwrap_or_else(|e| panic!("{e}")))
        .collect();
    let cfg = source.resolve(&overrides).unwrap_or_else(|e| panic!("{e}"));
    run_replications(&cfg, false, 0).unwrap_or_else(|e| panic!("{e}"))
}

fn ci(runs: &[RunResult], f: impl Fn(&Summary) -> f64) -> MeanCi {
    MeanCi::of(runs.iter().map(|r| f(&r.summary)))
}

fn erlang_c(c: u32, a: f64) -> f64 {
    let (mut term, mut sum) = (1.0, 0.0);
    for k in 0..c {
        if k > 0 {
            term *= a / f64::from(k);
        }
        sum += term;
    }
    let tail = term * a / f64::from(c) / (1.0 - a / f64::from(c));
    tail / (sum + tail)
}

fn row(quantity: &str, theory: f64, sim: &MeanCi) -> String {
    format!(
        "| {quantity} | {theory:.4} | {:.4} | [{:.4}, {:.4}] | {} |",
        sim.mean,
        sim.low(),
        sim.high(),
        if sim.contains(theory) { "yes" } else { "no" }
    )
}

fn main() {
    println!("| check | theory | simulated mean | 95% CI | inside |");
    println!("|---|---|---|---|---|");
    for c in [1u32, 2, 4] {
        for rho in [0.5, 0.85] {
            let lambda = rho * f64::from(c);
            let mut sets = vec![format!(
                "services.load.page_rate_per_week={}",
                lambda * 168.0
            )];
            let file = if c == 1 {
                "scenarios/validation/mm1.toml"
            } else {
                sets.push(format!("teams.queue.members.site={c}"));
                sets.push(format!("teams.queue.responders_per_shift={c}"));
                "scenarios/validation/mmc.toml"
            };
            let r = runs(file, &sets);
            let wq = erlang_c(c, lambda) / (f64::from(c) - lambda);
            let name = format!("M/M/{c}, ρ = {rho}");
            println!(
                "{}",
                row(
                    &format!("{name}: Wq (h)"),
                    wq,
                    &ci(&r, |s| s[Metric::WaitHoursMean])
                )
            );
            println!(
                "{}",
                row(
                    &format!("{name}: utilisation"),
                    rho,
                    &ci(&r, |s| s[Metric::ResponderBusyFrac])
                )
            );
            println!(
                "{}",
                row(
                    &format!("{name}: Little L = λWq"),
                    lambda * wq,
                    &ci(&r, |s| s[Metric::QueueLengthMean])
                )
            );
        }
    }
    for lambda in [0.5f64, 1.5, 3.0] {
        let sets = vec![
            format!("services.load.page_rate_per_week={}", lambda * 14.0),
            "simulation.replications=1000".into(),
            "teams.queue.shift_hours=12".into(),
            "teams.queue.pager_budget_per_shift=2".into(),
            "services.load.severities.only.time_to_mitigate={ fixed = { hours = 0.01 } }".into(),
        ];
        let r = runs("scenarios/validation/mm1.toml", &sets);
        let tail = 1.0 - (-lambda).exp() * (1.0 + lambda + lambda * lambda / 2.0);
        println!(
            "{}",
            row(
                &format!("Poisson λ = {lambda}/shift: P(pages > 2)"),
                tail,
                &ci(&r, |s| s[Metric::ShiftsOverBudgetFrac])
            )
        );
    }
}
