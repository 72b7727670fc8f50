//! Each command: builds the job's spec from the arguments, calls [`sresim::jobs`] and
//! prints the report it returns, or the error and its exit code.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use sresim::jobs::json;
use sresim::jobs::{
    self, CommonSpec, CompareSpec, JobError, MergeSpec, RunSpec, SweepHooks, SweepSpec, UsageError,
    DEFAULT_MAX_REPLICATIONS,
};
use sresim::report::terminal;

use super::output::{self, Stream};
use super::{exit_code, Cli, Common, CompletionShell, SweepArgs};

/// Prints a line on stdout, ignoring a closed pipe (`sresim … | head` must not panic).
macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}

/// Prints on stdout without a newline, ignoring a closed pipe.
macro_rules! say_raw {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout(), $($t)*);
    }};
}

/// Prints a line on stderr, ignoring a failure to write it (`2>/dev/full` must not
/// panic; the exit code still tells).
macro_rules! tell {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}

static STOP: AtomicBool = AtomicBool::new(false);

/// Prints the error (and, for scenario problems, how many) on stderr; its exit code.
fn fail(e: &JobError) -> u8 {
    tell!("{e}");
    let problems = e.problems().len();
    if problems > 0 {
        tell!(
            "{problems} problem{} found",
            if problems == 1 { "" } else { "s" }
        );
    }
    exit_code(e.kind())
}

fn common_spec(c: &Common) -> CommonSpec {
    CommonSpec {
        scenario: c.scenario.clone(),
        out: c.out.clone(),
        replications: c.replications,
        seed: c.seed,
        sets: c.set.clone(),
        threads: c.threads,
        no_charts: c.no_charts,
        force: c.force,
        command_line: std::env::args().collect(),
    }
}

fn say_charts(charts: Option<usize>) {
    if let Some(n) = charts {
        say!("charts: {n} files");
    }
}

fn say_wrote(dir: &Path, wall_time: Duration) {
    say!(
        "wrote {} in {:.2} s",
        dir.display(),
        wall_time.as_secs_f64()
    );
}

/// `sresim run`.
pub fn run(c: &Common, trace: bool) -> u8 {
    let spec = RunSpec {
        common: common_spec(c),
        trace,
    };
    let r = match jobs::run(&spec) {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };
    if c.json {
        output::json(&json::run(&r));
    } else if !c.quiet {
        say_charts(r.output.charts);
        output::write(Stream::Stdout, &r.summary);
        say_wrote(&r.output.dir, r.wall_time);
    }
    0
}

/// `sresim validate`.
pub fn validate(files: &[PathBuf], as_json: bool) -> u8 {
    let mut worst = 0u8;
    let results = jobs::validate(files);
    if as_json {
        output::json(&json::validate(&results));
        for (_, checked) in results {
            if let Err(e) = checked {
                worst = worst.max(exit_code(JobError::from(e).kind()));
            }
        }
        return worst;
    }
    for (file, checked) in results {
        match checked {
            Ok(cfg) => say!(
                "{}: ok ({} sites, {} teams, {} services)",
                file.display(),
                cfg.sites.len(),
                cfg.teams.len(),
                cfg.services.len()
            ),
            Err(e) => worst = worst.max(fail(&JobError::from(e))),
        }
    }
    worst
}

/// `sresim sweep`.
pub fn sweep(a: &SweepArgs) -> u8 {
    if let (Some(n), None) = (a.max_replications, a.ci_target) {
        return fail(&JobError::Usage(UsageError::MaxReplicationsWithoutTarget(
            n,
        )));
    }
    let spec = SweepSpec {
        common: common_spec(&a.common),
        vary: a.vary.clone(),
        sample: a.sample,
        trace: a.trace,
        shard: a.shard.clone(),
        resume: a.resume,
        ci_target: a.ci_target,
        max_replications: a.max_replications.unwrap_or(DEFAULT_MAX_REPLICATIONS),
    };
    let bar = if std::io::stderr().is_terminal() && !a.common.quiet {
        indicatif::ProgressBar::new(0)
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} runs, {elapsed} elapsed, eta {eta}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let _ = ctrlc::set_handler(|| STOP.store(true, Ordering::SeqCst));
    let progress = |done: u64, total: u64| {
        bar.set_length(total);
        bar.set_position(done);
    };
    let hooks = SweepHooks {
        stop: &STOP,
        progress: &progress,
    };
    let result = jobs::sweep(&spec, hooks);
    bar.finish_and_clear();
    let r = match result {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };
    for w in &r.warnings {
        output::write(Stream::Stderr, &format!("warning: {w}\n"));
    }
    if a.common.json {
        output::json(&json::sweep(&r));
    } else if !a.common.quiet {
        say_charts(r.output.charts);
        say!(
            "{}: {} points × {} replications{}{}",
            r.config.name,
            r.points,
            r.config.simulation.replications,
            r.shard.map_or(String::new(), |(k, n)| format!(
                ", shard {k}/{n} ({} points)",
                r.points_in_shard
            )),
            match (r.resumed_after, r.recomputed) {
                (0, 0) => String::new(),
                (done, 0) => format!(", resumed after {done} verified points"),
                (done, bad) => format!(
                    ", resumed after {done} verified points ({bad} recorded points did not verify and ran again)"
                ),
            }
        );
        let points: Vec<_> = r
            .first_points
            .iter()
            .map(|p| (p.point, p.axis_values.as_slice(), p.summaries.as_slice()))
            .collect();
        say_raw!("{}", terminal::point_table(&r.axis_titles, &points));
        if r.first_points.len() < r.points_run {
            say!("… see points.csv");
        }
        if r.ci_target.is_some() {
            say!(
                "replications per point to reach the CI target: {} to {}",
                r.replications_per_point.0,
                r.replications_per_point.1
            );
        }
        say_wrote(&r.output.dir, r.wall_time);
    }
    0
}

/// `sresim compare`.
pub fn compare(c: &Common, variants: &[String]) -> u8 {
    let spec = CompareSpec {
        common: common_spec(c),
        variants: variants.to_vec(),
    };
    let r = match jobs::compare(&spec) {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };
    if c.json {
        output::json(&json::compare(&r));
    } else if !c.quiet {
        say_charts(r.output.charts);
        say_raw!("{}", terminal::compare_table(&r.names, &r.rows));
        if let Some(table) = terminal::compare_team_table(&r.rows) {
            say_raw!("{table}");
        }
        if let Some(note) = terminal::compare_limits_note(&r.names, &r.rows) {
            output::write(Stream::Stdout, &note);
        }
        say!(
            "paired on {} replications (same seeds); change from the base in %; * = the paired 95% CI of the change excludes 0 and the change is at least the metric's minimum effect",
            r.base.simulation.replications
        );
        say_wrote(&r.output.dir, r.wall_time);
    }
    0
}

/// `sresim plan`.
pub fn plan(a: &super::PlanArgs) -> u8 {
    let spec = jobs::PlanSpec {
        common: common_spec(&a.common),
        over: a.over.clone(),
        targets: a.target.clone(),
        confidence: a.confidence,
        scope: a.scope.clone(),
        max_replications: a.max_replications,
        every: a.every,
        by: a.by.clone(),
    };
    let r = match jobs::plan(&spec) {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };
    if a.common.json {
        output::json(&json::plan(&r));
    } else if !a.common.quiet {
        say_charts(r.output.charts);
        say_raw!("{}", r.table());
        say!("{}", r.sentence);
        say_wrote(&r.output.dir, r.wall_time);
    }
    0
}

/// `sresim sensitivity`.
pub fn sensitivity(a: &super::SensitivityArgs) -> u8 {
    let delta = match a.delta.strip_suffix('%') {
        Some(p) => p.trim().parse::<f64>().map(|x| x / 100.0),
        None => a.delta.trim().parse::<f64>(),
    };
    let Ok(delta) = delta else {
        return fail(&jobs::JobError::Usage(jobs::UsageError::Plan(format!(
            "--delta {:?}: expected a fraction (0.2) or a percentage (20%)",
            a.delta
        ))));
    };
    let spec = jobs::SensitivitySpec {
        common: common_spec(&a.common),
        metric: a.metric.clone(),
        keys: a.keys.clone(),
        delta,
        sample: a.sample,
    };
    let r = match jobs::sensitivity(&spec) {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };
    if a.common.json {
        output::json(&json::sensitivity(&r));
    } else if !a.common.quiet {
        say_charts(r.output.charts);
        say_raw!("{}", r.table());
        if let Some(g) = r.global_table() {
            say_raw!("{g}");
        }
        say!("{}", r.sentence);
        say_wrote(&r.output.dir, r.wall_time);
    }
    0
}

/// `sresim plot`.
pub fn plot(dir: &Path, force: bool) -> u8 {
    let spec = jobs::FolderSpec {
        dir: dir.to_path_buf(),
        force,
    };
    match jobs::plot(&spec) {
        Ok(files) => {
            for f in &files {
                say!("{}", f.display());
            }
            0
        }
        Err(e) => fail(&e),
    }
}

/// `sresim merge`.
pub fn merge(shards: &[PathBuf], out: &Path, no_charts: bool) -> u8 {
    let spec = MergeSpec {
        shards: shards.to_vec(),
        out: out.to_path_buf(),
        no_charts,
        command_line: std::env::args().collect(),
    };
    match jobs::merge(&spec) {
        Ok(r) => {
            say_charts(r.output.charts);
            say!("merged {} shards into {}", r.shards, r.output.dir.display());
            0
        }
        Err(e) => fail(&e),
    }
}

/// `sresim workshop` (and `sresim` alone).
pub fn workshop(out: Option<PathBuf>, threads: usize, resume: bool) -> u8 {
    let spec = jobs::WorkshopSpec {
        out,
        threads,
        resume,
    };
    match jobs::workshop(&spec) {
        Ok(r) => {
            for (part, dir, warnings) in &r.parts {
                say!("{:<14} {}", part.folder, dir.display());
                for w in warnings {
                    output::write(Stream::Stdout, &format!("warning: {}: {w}\n", part.folder));
                }
            }
            say!(
                "workshop: {} scenarios in {:.1} s; open this page in a browser:",
                r.parts.len(),
                r.wall_time.as_secs_f64()
            );
            say!("{}", r.page.display());
            0
        }
        Err(e) => fail(&e),
    }
}

/// `sresim report`.
pub fn report(dir: &Path, force: bool) -> u8 {
    let spec = jobs::FolderSpec {
        dir: dir.to_path_buf(),
        force,
    };
    match jobs::report(&spec) {
        Ok(r) => {
            for m in &r.unverified {
                output::write(
                    Stream::Stderr,
                    &format!("warning: drawn with --force although it does not verify: {m}\n"),
                );
            }
            say!("{}", r.page.display());
            0
        }
        Err(e) => fail(&e),
    }
}

/// `sresim schema`.
pub fn schema() -> u8 {
    say_raw!("{}", sresim::scenario::schema::scenario_schema_text());
    0
}

/// `sresim completions SHELL`.
pub fn completions(shell: CompletionShell) -> u8 {
    use clap::CommandFactory as _;
    use clap_complete::Shell;
    let shell = match shell {
        CompletionShell::Bash => Shell::Bash,
        CompletionShell::Zsh => Shell::Zsh,
        CompletionShell::Fish => Shell::Fish,
    };
    // Generated into memory first: the generator panics on a write error, and a closed
    // pipe must not panic.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "sresim", &mut script);
    say_raw!("{}", String::from_utf8_lossy(&script));
    0
}
