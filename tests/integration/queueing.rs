//! The on-call model against closed forms: M/M/1, Erlang C (M/M/c), the Poisson tail of
//! pages per shift, and Little's law. Each check asks the theoretical value to lie in
//! the 95% Student-t confidence interval of the replications.

use sresim::model::Metric;

use crate::support::{ci, load, run};

/// Erlang C: probability that an arrival waits in an M/M/c queue with offered load
/// `a = λ/μ` (requires a < c).
fn erlang_c(c: u32, a: f64) -> f64 {
    let mut term = 1.0; // a^k / k!
    let mut sum = 0.0;
    for k in 0..c {
        if k > 0 {
            term *= a / f64::from(k);
        }
        sum += term;
    }
    let last = term * a / f64::from(c); // a^c / c!
    let rho = a / f64::from(c);
    let tail = last / (1.0 - rho);
    tail / (sum + tail)
}

/// Mean wait in queue Wq of M/M/c with arrival rate λ and mean service 1/μ.
fn mmc_wq(c: u32, lambda: f64, mean_service: f64) -> f64 {
    let mu = 1.0 / mean_service;
    erlang_c(c, lambda / mu) / (f64::from(c) * mu - lambda)
}

#[test]
fn erlang_c_formula_matches_known_values() {
    // M/M/1: P(wait) = rho.
    assert!((erlang_c(1, 0.7) - 0.7).abs() < 1e-12);
    // c = 2, a = 1.7: 9.6333 / 12.3333.
    assert!((erlang_c(2, 1.7) - 0.781_081).abs() < 1e-6);
    // M/M/1 Wq = rho / (mu - lambda).
    assert!((mmc_wq(1, 0.85, 1.0) - 0.85 / 0.15).abs() < 1e-12);
}

/// Runs the validation scenario at `c` responders and load `rho` with its 100
/// replications. (With 20, the first block of seed 12 at c = 4, rho = 0.85 fell 2.9
/// standard errors below Erlang C; 400 replications at another seed gave
/// Wq = 1.1485 ± 0.0043 h against 1.1489 h and utilisation 0.8497 ± 0.0003: no
/// bias, so the scenario files now carry enough replications to detect a 1% one.)
fn check_mmc(c: u32, rho: f64) {
    let mean_service = 1.0;
    let lambda = rho * f64::from(c) / mean_service;
    let rate_per_week = lambda * 168.0;
    let (file, sets) = if c == 1 {
        (
            "validation/mm1.toml",
            vec![format!("services.load.page_rate_per_week={rate_per_week}")],
        )
    } else {
        (
            "validation/mmc.toml",
            vec![
                format!("services.load.page_rate_per_week={rate_per_week}"),
                format!("teams.queue.members.site={c}"),
                format!("teams.queue.responders_per_shift={c}"),
            ],
        )
    };
    let sets: Vec<&str> = sets.iter().map(String::as_str).collect();
    let cfg = load(file, &sets);
    let runs = run(&cfg);
    let wq = mmc_wq(c, lambda, mean_service);
    let wait = ci(&runs, |s| s[Metric::WaitHoursMean]);
    assert!(
        wait.contains(wq),
        "c = {c}, rho = {rho}: Wq = {wq:.4} h outside the 95% CI [{:.4}, {:.4}] (mean {:.4}, n {})",
        wait.low(),
        wait.high(),
        wait.mean,
        wait.n
    );
    let busy = ci(&runs, |s| s[Metric::ResponderBusyFrac]);
    assert!(
        busy.contains(rho),
        "c = {c}, rho = {rho}: utilisation outside the 95% CI [{:.4}, {:.4}]",
        busy.low(),
        busy.high()
    );
    // Little's law on the queue: L = lambda * Wq.
    let queue = ci(&runs, |s| s[Metric::QueueLengthMean]);
    let little = ci(&runs, |s| {
        s[Metric::ArrivalsPerHour] * s[Metric::WaitHoursMean]
    });
    assert!(
        queue.contains(little.mean),
        "c = {c}, rho = {rho}: lambda*W = {:.4} outside the CI of L [{:.4}, {:.4}]",
        little.mean,
        queue.low(),
        queue.high()
    );
    // And against theory: L = lambda * Wq.
    assert!(
        queue.contains(lambda * wq),
        "c = {c}, rho = {rho}: L = {:.4} outside the CI of L [{:.4}, {:.4}]",
        lambda * wq,
        queue.low(),
        queue.high()
    );
}

#[test]
fn mm1_at_half_load_matches_theory() {
    check_mmc(1, 0.5);
}

#[test]
fn mm1_at_085_load_matches_theory() {
    check_mmc(1, 0.85);
}

#[test]
fn mm2_at_half_load_matches_erlang_c() {
    check_mmc(2, 0.5);
}

#[test]
fn mm2_at_085_load_matches_erlang_c() {
    check_mmc(2, 0.85);
}

#[test]
fn mm4_at_half_load_matches_erlang_c() {
    check_mmc(4, 0.5);
}

#[test]
fn mm4_at_085_load_matches_erlang_c() {
    check_mmc(4, 0.85);
}

/// P(N > 2) for N ~ Poisson(λ).
fn poisson_tail_above_2(lambda: f64) -> f64 {
    1.0 - (-lambda).exp() * (1.0 + lambda + lambda * lambda / 2.0)
}

/// Pages are cheap here (a few thousand per replication), so this test uses 1000
/// replications. Smaller samples were unlucky twice at lambda = 1.5: the first 20
/// replications of seed 11 sat 2.8 standard errors above the tail, and after the
/// streams were re-keyed by service name 200 replications sat 2.4 above. Three seeds of
/// 1000 replications each gave 0.19089 ± 0.00034, 0.19130 ± 0.00033 and 0.19110 ±
/// 0.00031 against 0.19115: chance, not bias.
#[test]
fn shifts_over_budget_follow_the_poisson_tail() {
    for lambda_per_shift in [0.5, 1.5, 3.0] {
        // 12-hour shifts: 14 per week.
        let rate = lambda_per_shift * 14.0;
        let cfg = load(
            "validation/mm1.toml",
            &[
                &format!("services.load.page_rate_per_week={rate}"),
                "simulation.replications=1000",
                "teams.queue.shift_hours=12",
                "teams.queue.pager_budget_per_shift=2",
                "services.load.severities.only.time_to_mitigate={ fixed = { hours = 0.01 } }",
            ],
        );
        let runs = run(&cfg);
        let expected = poisson_tail_above_2(lambda_per_shift);
        let over = ci(&runs, |s| s[Metric::ShiftsOverBudgetFrac]);
        assert!(
            over.contains(expected),
            "lambda {lambda_per_shift}/shift: P(N>2) = {expected:.4} outside [{:.4}, {:.4}]",
            over.low(),
            over.high()
        );
        let mean = ci(&runs, |s| s[Metric::PagesPerShiftMean]);
        assert!(
            mean.contains(lambda_per_shift),
            "lambda {lambda_per_shift}/shift: mean pages per shift outside [{:.4}, {:.4}]",
            mean.low(),
            mean.high()
        );
    }
}
