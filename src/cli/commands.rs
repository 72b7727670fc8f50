//! What each command does, on top of the library; every error ends here as a message
//! on stderr and an exit code.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use serde::Serialize;

use sresim::model::Summary;
use sresim::report::sweep::{merge_shards, SweepWriter};
use sresim::report::{self, charts, terminal, Manifest};
use sresim::scenario::{Override, ScenarioConfig, ScenarioError, ScenarioSource};
use sresim::sweep::{self, compare, plan, Outcome, PlanError, SweepOptions, SweepPlan};

use super::{Common, SweepArgs};

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

const USAGE: u8 = 2;
const INTERRUPTED: u8 = 130;

static STOP: AtomicBool = AtomicBool::new(false);

fn fail(message: impl std::fmt::Display, code: u8) -> u8 {
    eprintln!("{message}");
    code
}

fn report_scenario_error(e: &ScenarioError) -> u8 {
    eprintln!("{e}");
    if let ScenarioError::Invalid(problems) = e {
        eprintln!(
            "{} problem{} found",
            problems.len(),
            if problems.len() == 1 { "" } else { "s" }
        );
    }
    e.exit_code() as u8
}

fn load(path: Option<&Path>) -> Result<ScenarioSource, ScenarioError> {
    match path {
        Some(p) => ScenarioSource::from_file(p),
        None => Ok(ScenarioSource::baseline()),
    }
}

/// The scenario source and the overrides from --set, --replications and --seed.
fn prepare(c: &Common) -> Result<(ScenarioSource, Vec<Override>), u8> {
    let source = load(c.scenario.as_deref()).map_err(|e| report_scenario_error(&e))?;
    let mut overrides = Vec::new();
    for text in &c.set {
        overrides.push(Override::parse(text).map_err(|e| report_scenario_error(&e))?);
    }
    if let Some(n) = c.replications {
        overrides.push(Override::new(
            "simulation.replications",
            toml::Value::Integer(i64::from(n)),
        ));
    }
    if let Some(seed) = c.seed {
        let s = i64::try_from(seed).map_err(|_| {
            fail(
                format!("--seed {seed}: seeds above {} are not supported", i64::MAX),
                USAGE,
            )
        })?;
        overrides.push(Override::new("simulation.seed", toml::Value::Integer(s)));
    }
    Ok((source, overrides))
}

fn threads(n: usize) -> usize {
    if n == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        n
    }
}

fn write_manifest(dir: &Path, manifest: &impl Serialize) -> Result<(), u8> {
    let json = serde_json::to_vec_pretty(manifest)
        .map_err(|e| fail(format!("cannot encode manifest: {e}"), USAGE))?;
    report::write_atomic(&dir.join("manifest.json"), &json)
        .map_err(|e| fail(format!("cannot write results: {e}"), USAGE))
}

/// Draws the folder's charts unless switched off; a chart failure is reported but the
/// CSV results stand.
fn draw(dir: &Path, skip: bool, quiet: bool) -> Result<(), u8> {
    if skip {
        return Ok(());
    }
    match charts::plot_dir(dir) {
        Ok(files) => {
            if !quiet {
                say!("charts: {} files", files.len());
            }
            Ok(())
        }
        Err(e) => Err(fail(format!("cannot draw charts: {e}"), USAGE)),
    }
}

fn seed_note() -> &'static str {
    "stream seed = stream_seed(seed, 0, replication, stream id): replication r of every point \
     and variant shares its streams (common random numbers); a service's streams are keyed by \
     its name: ids b (arrivals), b+1 (handling), b+2 (tickets), b+3..b+15 reserved and spare, with b = 16 × FNV-1a(name)"
}

/// `sresim run`.
pub fn run(c: &Common, trace: bool) -> u8 {
    let started = Instant::now();
    let (source, overrides) = match prepare(c) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let cfg = match source.resolve(&overrides) {
        Ok(cfg) => cfg,
        Err(e) => return report_scenario_error(&e),
    };
    let threads = threads(c.threads);
    let runs = match sweep::run_replications(&cfg, trace, threads) {
        Ok(r) => r,
        Err(e) => return fail(e, USAGE),
    };
    let sim_seconds = started.elapsed().as_secs_f64();
    let out = c
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(&cfg.name));
    let mut files = match report::write_run(&out, &runs, trace) {
        Ok(f) => f,
        Err(e) => return fail(format!("cannot write results: {e}"), USAGE),
    };
    files.push("manifest.json".into());
    let manifest = Manifest {
        version: env!("CARGO_PKG_VERSION"),
        command_line: std::env::args().collect(),
        scenario_origin: source.origin(),
        overrides: overrides.iter().map(|o| o.text().to_string()).collect(),
        resolved_scenario: &cfg,
        seed: cfg.simulation.seed,
        replications: u64::from(cfg.simulation.replications),
        seed_derivation: seed_note(),
        threads,
        wall_time_seconds: sim_seconds,
        files,
    };
    if let Err(code) = write_manifest(&out, &manifest) {
        return code;
    }
    if let Err(code) = draw(&out, c.no_charts, c.quiet) {
        return code;
    }
    if !c.quiet {
        let summaries: Vec<_> = runs.iter().map(|r| &r.summary).collect();
        say!(
            "{}: {} replications × {} weeks ({} warm-up), seed {}",
            cfg.name,
            cfg.simulation.replications,
            cfg.simulation.horizon_weeks,
            cfg.simulation.warmup_weeks,
            cfg.simulation.seed
        );
        say_raw!("{}", report::headline_table(&summaries));
        say!(
            "wrote {} in {:.2} s",
            out.display(),
            started.elapsed().as_secs_f64()
        );
    }
    0
}

/// `sresim validate`.
pub fn validate(files: &[PathBuf]) -> u8 {
    let mut worst = 0u8;
    for file in files {
        let checked = ScenarioSource::from_file(file).and_then(|s| {
            let cfg = s.resolve(&[])?;
            plan::from_file(&s).map_err(|e| match e {
                PlanError::Invalid(p) => ScenarioError::Invalid(p),
                PlanError::Usage(m) => ScenarioError::Invalid(vec![s.problem_at(&[], m)]),
            })?;
            Ok(cfg)
        });
        match checked {
            Ok(cfg) => say!(
                "{}: ok ({} sites, {} teams, {} services)",
                file.display(),
                cfg.sites.len(),
                cfg.teams.len(),
                cfg.services.len()
            ),
            Err(e) => worst = worst.max(report_scenario_error(&e)),
        }
    }
    worst
}

fn plan_error(e: PlanError) -> u8 {
    match e {
        PlanError::Usage(m) => fail(m, USAGE),
        PlanError::Invalid(p) => report_scenario_error(&ScenarioError::Invalid(p)),
    }
}

/// Parses `K/N` with 1 ≤ K ≤ N.
fn parse_shard(text: &str) -> Result<(usize, usize), String> {
    let bad = || format!("--shard {text:?}: expected K/N with 1 <= K <= N, e.g. 3/16");
    let (k, n) = text.split_once('/').ok_or_else(bad)?;
    let k: usize = k.trim().parse().map_err(|_| bad())?;
    let n: usize = n.trim().parse().map_err(|_| bad())?;
    if k == 0 || n == 0 || k > n {
        return Err(bad());
    }
    Ok((k, n))
}

/// A stable 64-bit FNV-1a hash, as hex.
fn fingerprint(text: &str) -> String {
    format!("{:016x}", sresim::engine::fnv1a64(text))
}

/// What `manifest.json` records about a sweep.
#[derive(Serialize)]
struct SweepManifest<'a> {
    version: &'a str,
    command_line: Vec<String>,
    scenario_origin: &'a str,
    overrides: Vec<String>,
    resolved_scenario: &'a ScenarioConfig,
    sweep_fingerprint: String,
    axes: Vec<String>,
    points: usize,
    sample: Option<usize>,
    shard: Option<(usize, usize)>,
    points_in_shard: usize,
    seed: u64,
    replications: u32,
    ci_target: Option<f64>,
    max_replications: u32,
    replications_per_point_min: u64,
    replications_per_point_max: u64,
    runs: u64,
    seed_derivation: &'a str,
    threads: usize,
    wall_time_seconds: f64,
    files: Vec<String>,
}

/// `sresim sweep`.
pub fn sweep(a: &SweepArgs) -> u8 {
    let started = Instant::now();
    let (source, base) = match prepare(&a.common) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let base_cfg = match source.resolve(&base) {
        Ok(cfg) => cfg,
        Err(e) => return report_scenario_error(&e),
    };
    let file = match plan::from_file(&source) {
        Ok(f) => f,
        Err(e) => return plan_error(e),
    };
    let mut axes = file.axes;
    for v in &a.vary {
        match sweep::parse_vary(v) {
            Ok(axis) => match axes.iter_mut().find(|x| x.key == axis.key) {
                Some(x) => *x = axis,
                None => axes.push(axis),
            },
            Err(e) => return plan_error(e),
        }
    }
    let sample = a.sample.or(file.sample);
    let plan = match sample {
        Some(n) => SweepPlan::latin_hypercube(axes, n, base_cfg.simulation.seed),
        None => SweepPlan::grid(axes),
    };
    let plan = match plan {
        Ok(p) => p,
        Err(e) => return plan_error(e),
    };
    let shard = match a.shard.as_deref().map(parse_shard).transpose() {
        Ok(s) => s,
        Err(m) => return fail(m, USAGE),
    };
    if let Some(t) = a.ci_target {
        if !(t > 0.0 && t.is_finite()) {
            return fail(
                format!("--ci-target must be a positive fraction; got {t}"),
                USAGE,
            );
        }
        if a.max_replications < base_cfg.simulation.replications.max(2) {
            return fail(
                format!(
                    "--max-replications {} is below the starting replications ({})",
                    a.max_replications, base_cfg.simulation.replications
                ),
                USAGE,
            );
        }
    }
    if let Err(e) = sweep::check_plan(&source, &base, &plan) {
        return report_scenario_error(&e);
    }
    let axis_keys: Vec<String> = plan.axes.iter().map(|x| x.key.clone()).collect();
    let identity = serde_json::json!({
        "scenario": source.resolved_table(&base).ok(),
        "axes": axis_keys,
        "points": plan.points.iter().map(|p| p.iter().map(plan::value_text).collect::<Vec<_>>()).collect::<Vec<_>>(),
        "ci_target": a.ci_target,
        "max_replications": a.ci_target.map(|_| a.max_replications),
        "trace": a.trace,
    });
    let fp = fingerprint(&identity.to_string());
    let out = a
        .common
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("{}-sweep", base_cfg.name)));
    let shard_tag = shard.map_or(String::new(), |(k, n)| format!("/shard {k}/{n}"));
    let mut writer = match SweepWriter::open(
        &out,
        &axis_keys,
        &format!("{fp}{shard_tag}"),
        a.trace,
        a.resume,
    ) {
        Ok(w) => w,
        Err(e) => return fail(format!("cannot write results: {e}"), USAGE),
    };
    let done: Vec<usize> = writer.completed().to_vec();
    let in_shard = sweep::shard_points(plan.points.len(), shard).len();
    let threads = threads(a.common.threads);
    let opts = SweepOptions {
        threads,
        shard,
        ci_target: a.ci_target,
        max_replications: a.max_replications,
        trace: a.trace,
    };
    let total = (in_shard - done.len()) as u64 * u64::from(base_cfg.simulation.replications);
    let bar = if std::io::stderr().is_terminal() && !a.common.quiet {
        indicatif::ProgressBar::new(total)
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
    let mut lines = Vec::new();
    let mut reps = (u64::MAX, 0u64, 0u64);
    let prepare = |pr: sweep::PointRuns| {
        let values: Vec<String> = (0..plan.axes.len())
            .map(|x| plan.value_text(pr.point, x))
            .collect();
        let summaries: Vec<Summary> = pr.runs.iter().map(|r| r.summary.clone()).collect();
        let line = terminal::point_line(pr.point, &values, &summaries);
        let n = pr.runs.len() as u64;
        (
            SweepWriter::encode(pr.point, &values, &pr.runs, a.trace),
            line,
            n,
        )
    };
    let outcome = sweep::execute(
        &source,
        &base,
        &plan,
        &opts,
        &|p| done.contains(&p),
        &STOP,
        &|n| {
            if n > bar.length().unwrap_or(0) {
                bar.set_length(n);
            }
            bar.set_position(n);
        },
        &prepare,
        |(encoded, line, n)| {
            reps = (reps.0.min(n), reps.1.max(n), reps.2 + n);
            if lines.len() < 40 {
                lines.push(line);
            }
            writer.write_encoded(encoded?)
        },
    );
    bar.finish_and_clear();
    match outcome {
        Ok(Outcome::Complete) => {}
        Ok(Outcome::Stopped) => {
            return fail(
                format!(
                    "interrupted: {} of {} points complete in {}; rerun the same command with --resume to continue",
                    writer.completed().len(),
                    in_shard,
                    out.display()
                ),
                INTERRUPTED,
            )
        }
        Err(e) => return fail(format!("sweep failed: {e}"), USAGE),
    }
    let mut files = match writer.finish() {
        Ok(f) => f,
        Err(e) => return fail(format!("cannot write results: {e}"), USAGE),
    };
    files.push("manifest.json".into());
    let manifest = SweepManifest {
        version: env!("CARGO_PKG_VERSION"),
        command_line: std::env::args().collect(),
        scenario_origin: source.origin(),
        overrides: base.iter().map(|o| o.text().to_string()).collect(),
        resolved_scenario: &base_cfg,
        sweep_fingerprint: fp,
        axes: axis_keys.clone(),
        points: plan.points.len(),
        sample,
        shard,
        points_in_shard: in_shard,
        seed: base_cfg.simulation.seed,
        replications: base_cfg.simulation.replications,
        ci_target: a.ci_target,
        max_replications: a.max_replications,
        replications_per_point_min: if reps.0 == u64::MAX { 0 } else { reps.0 },
        replications_per_point_max: reps.1,
        runs: reps.2,
        seed_derivation: seed_note(),
        threads,
        wall_time_seconds: started.elapsed().as_secs_f64(),
        files,
    };
    if let Err(code) = write_manifest(&out, &manifest) {
        return code;
    }
    if shard.is_none() {
        if let Err(code) = draw(&out, a.common.no_charts, a.common.quiet) {
            return code;
        }
    }
    if !a.common.quiet {
        say!(
            "{}: {} points × {} replications{}{}",
            base_cfg.name,
            plan.points.len(),
            base_cfg.simulation.replications,
            shard.map_or(String::new(), |(k, n)| format!(
                ", shard {k}/{n} ({in_shard} points)"
            )),
            if done.is_empty() {
                String::new()
            } else {
                format!(", resumed after {} points", done.len())
            }
        );
        say!("{}", terminal::point_header(&axis_keys));
        for l in &lines {
            say!("{l}");
        }
        if lines.len() < in_shard - done.len() {
            say!("… see points.csv");
        }
        if a.ci_target.is_some() {
            say!(
                "replications per point to reach the CI target: {} to {}",
                manifest.replications_per_point_min,
                manifest.replications_per_point_max
            );
        }
        say!(
            "wrote {} in {:.2} s",
            out.display(),
            started.elapsed().as_secs_f64()
        );
    }
    0
}

/// A parsed `--variant`.
enum Variant {
    File { name: String, path: PathBuf },
    Sets { name: String, sets: Vec<String> },
}

fn parse_variant(spec: &str) -> Result<Variant, String> {
    let spec = spec.trim();
    if let Some((name, rest)) = spec.split_once('=') {
        let rest = rest.trim();
        if rest.ends_with(".toml") && !name.contains(':') {
            return Ok(Variant::File {
                name: name.trim().to_owned(),
                path: PathBuf::from(rest),
            });
        }
    }
    let (name, sets) = match spec.split_once(':') {
        Some((n, rest)) if !n.contains('=') => (n.trim().to_owned(), rest),
        _ => (spec.to_owned(), spec),
    };
    let sets: Vec<String> = sets
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    if name.is_empty() || sets.is_empty() {
        return Err(format!(
            "--variant {spec:?}: expected NAME=FILE.toml, \"NAME: KEY=VALUE; KEY=VALUE\" or KEY=VALUE"
        ));
    }
    Ok(Variant::Sets { name, sets })
}

/// `sresim compare`.
pub fn compare(c: &Common, specs: &[String]) -> u8 {
    let started = Instant::now();
    let (source, base) = match prepare(c) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let base_cfg = match source.resolve(&base) {
        Ok(cfg) => cfg,
        Err(e) => return report_scenario_error(&e),
    };
    // Every variant runs with the base's seed and replications: pairs share streams.
    let same_runs = [
        Override::new(
            "simulation.seed",
            toml::Value::Integer(base_cfg.simulation.seed as i64),
        ),
        Override::new(
            "simulation.replications",
            toml::Value::Integer(i64::from(base_cfg.simulation.replications)),
        ),
    ];
    let mut names = vec!["base".to_string()];
    let mut cfgs = vec![base_cfg.clone()];
    let mut origins = vec![source.origin().to_string()];
    let mut problems = Vec::new();
    for spec in specs {
        let (name, resolved) = match parse_variant(spec) {
            Err(m) => return fail(m, USAGE),
            Ok(Variant::File { name, path }) => {
                let src = match ScenarioSource::from_file(&path) {
                    Ok(s) => s,
                    Err(e) => return report_scenario_error(&e),
                };
                origins.push(src.origin().to_string());
                let mut o = base.clone();
                o.extend(same_runs.iter().cloned());
                (name, src.resolve(&o))
            }
            Ok(Variant::Sets { name, sets }) => {
                let mut o = base.clone();
                for s in &sets {
                    match Override::parse(s) {
                        Ok(x) => o.push(x),
                        Err(e) => return report_scenario_error(&e),
                    }
                }
                origins.push(format!("{}: {}", source.origin(), sets.join("; ")));
                (name, source.resolve(&o))
            }
        };
        if names.contains(&name) {
            return fail(
                format!("--variant {spec:?}: the name {name:?} is used twice"),
                USAGE,
            );
        }
        match resolved {
            Ok(cfg) => {
                names.push(name);
                cfgs.push(cfg);
            }
            Err(ScenarioError::Invalid(p)) => problems.extend(p),
            Err(e) => return report_scenario_error(&e),
        }
    }
    if !problems.is_empty() {
        return report_scenario_error(&ScenarioError::Invalid(problems));
    }
    let threads = threads(c.threads);
    let refs: Vec<&ScenarioConfig> = cfgs.iter().collect();
    let runs = match sweep::run_many(&refs, false, threads) {
        Ok(r) => r,
        Err(e) => return fail(e, USAGE),
    };
    let summaries: Vec<Vec<Summary>> = runs
        .iter()
        .map(|v| v.iter().map(|r| r.summary.clone()).collect())
        .collect();
    let rows = compare::compare(&names, &summaries);
    let out = c
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("{}-compare", base_cfg.name)));
    if let Err(e) = report::write_csv(&out.join("compare.csv"), &rows) {
        return fail(format!("cannot write results: {e}"), USAGE);
    }
    let header = report::sweep::runs_header(&["variant".into(), "replication".into()]);
    let run_rows = names.iter().zip(&summaries).flat_map(|(name, v)| {
        v.iter()
            .map(|s| report::sweep::runs_record(vec![name.clone(), s.replication.to_string()], s))
    });
    if let Err(e) = report::write_csv(
        &out.join("runs.csv"),
        std::iter::once(header).chain(run_rows),
    ) {
        return fail(format!("cannot write results: {e}"), USAGE);
    }
    let manifest = serde_json::json!({
        "version": env!("CARGO_PKG_VERSION"),
        "command_line": std::env::args().collect::<Vec<_>>(),
        "variants": names.iter().zip(&origins).map(|(n, o)| serde_json::json!({"name": n, "origin": o})).collect::<Vec<_>>(),
        "overrides": base.iter().map(|o| o.text().to_string()).collect::<Vec<_>>(),
        "resolved_base": &base_cfg,
        "seed": base_cfg.simulation.seed,
        "replications": base_cfg.simulation.replications,
        "seed_derivation": seed_note(),
        "threads": threads,
        "wall_time_seconds": started.elapsed().as_secs_f64(),
        "files": ["compare.csv", "runs.csv", "manifest.json"],
    });
    if let Err(code) = write_manifest(&out, &manifest) {
        return code;
    }
    if let Err(code) = draw(&out, c.no_charts, c.quiet) {
        return code;
    }
    if !c.quiet {
        say_raw!("{}", terminal::compare_table(&names, &rows));
        say!(
            "paired on {} replications (same seeds); * = 95% CI of the difference excludes 0",
            base_cfg.simulation.replications
        );
        say!(
            "wrote {} in {:.2} s",
            out.display(),
            started.elapsed().as_secs_f64()
        );
    }
    0
}

/// `sresim plot`.
pub fn plot(dir: &Path) -> u8 {
    match charts::plot_dir(dir) {
        Ok(files) => {
            for f in &files {
                say!("{}", f.display());
            }
            0
        }
        Err(e) => fail(e, USAGE),
    }
}

/// `sresim merge`.
pub fn merge(shards: &[PathBuf], out: &Path, no_charts: bool) -> u8 {
    let (mut files, mut manifest) = match merge_shards(shards, out) {
        Ok(x) => x,
        Err(e) => return fail(format!("cannot merge: {e}"), USAGE),
    };
    files.push("manifest.json".into());
    manifest["shard"] = serde_json::Value::Null;
    manifest["merged_from"] = serde_json::json!(shards
        .iter()
        .map(|s| s.display().to_string())
        .collect::<Vec<_>>());
    manifest["files"] = serde_json::json!(files);
    manifest["command_line"] = serde_json::json!(std::env::args().collect::<Vec<_>>());
    if let Err(code) = write_manifest(out, &manifest) {
        return code;
    }
    if let Err(code) = draw(out, no_charts, false) {
        return code;
    }
    say!("merged {} shards into {}", shards.len(), out.display());
    0
}
