//! The compare job: variants of a scenario run with the base on the same seeds and
//! replications, compared pair by pair.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::{
    claim, estimate_all, finish, manifest, out_dir, prepare, threads, CommonSpec, JobError, Output,
    UsageError,
};
use crate::model::Summary;
use crate::report::{self, Claim, CompareManifest, Manifest, VariantOrigin};
use crate::scenario::{Override, ScenarioConfig, ScenarioError, ScenarioSource};
use crate::sweep::{self, compare::CompareRow};

/// A parsed `--variant`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Variant {
    /// `NAME=FILE.toml`: another scenario file, with the base's overrides.
    File {
        /// The variant's name.
        name: String,
        /// The scenario file.
        path: PathBuf,
    },
    /// `NAME: KEY=VALUE; KEY=VALUE`, or one `KEY=VALUE` (which is then also the name):
    /// the base scenario with more overrides.
    Sets {
        /// The variant's name.
        name: String,
        /// The `KEY=VALUE` overrides, in order.
        sets: Vec<String>,
    },
}

/// Longest variant name accepted (it labels CSV rows, table columns and chart legends).
pub const MAX_VARIANT_NAME: usize = 64;

/// Parses a variant: `NAME=FILE.toml`, `NAME: KEY=VALUE; KEY=VALUE` or `KEY=VALUE`.
/// A name may not hold control characters (they would reach the terminal, the CSV
/// files and the charts raw) nor be longer than [`MAX_VARIANT_NAME`] characters.
pub fn parse_variant(spec: &str) -> Result<Variant, UsageError> {
    let v = parse_variant_parts(spec)?;
    let name = match &v {
        Variant::File { name, .. } | Variant::Sets { name, .. } => name,
    };
    if let Some(c) = name
        .chars()
        .find(|&c| crate::scenario::is_forbidden_char(c))
    {
        return Err(UsageError::VariantName {
            spec: spec.escape_debug().to_string(),
            why: format!(
                "it holds the {} character {}",
                if c.is_control() {
                    "control"
                } else {
                    "invisible"
                },
                c.escape_unicode()
            ),
        });
    }
    // A cell that starts with one of these is a formula to a spreadsheet opening
    // compare.csv.
    if let Some(c) = name
        .chars()
        .next()
        .filter(|c| matches!(c, '=' | '+' | '-' | '@'))
    {
        return Err(UsageError::VariantName {
            spec: spec.escape_debug().to_string(),
            why: format!("it starts with '{c}', which a spreadsheet reads as a formula"),
        });
    }
    if name.chars().count() > MAX_VARIANT_NAME {
        return Err(UsageError::VariantName {
            spec: spec.escape_debug().to_string(),
            why: format!("it is longer than {MAX_VARIANT_NAME} characters"),
        });
    }
    Ok(v)
}

fn parse_variant_parts(spec: &str) -> Result<Variant, UsageError> {
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
        return Err(UsageError::Variant(spec.to_owned()));
    }
    Ok(Variant::Sets { name, sets })
}

/// What to compare.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CompareSpec {
    /// The base scenario, its overrides, output folder, threads, charts, command line.
    pub common: CommonSpec,
    /// The variants, as parsed by [`parse_variant`].
    pub variants: Vec<String>,
}

/// What a compare job did.
#[derive(Debug, Clone)]
pub struct CompareReport {
    /// The base scenario (overrides applied); every variant ran its seed and
    /// replications.
    pub base: ScenarioConfig,
    /// `base`, then the variants' names, in the order given.
    pub names: Vec<String>,
    /// One summary per replication for each name, in the same order.
    pub summaries: Vec<Vec<Summary>>,
    /// The rows of `compare.csv`: per variant and metric, the mean and the paired
    /// difference from the base.
    pub rows: Vec<CompareRow>,
    /// The output folder and what was written there.
    pub output: Output,
    /// Wall time of the whole job.
    pub wall_time: Duration,
}

/// Runs the base and every variant on the same seeds and replications and writes
/// `compare.csv`, `runs.csv`, `manifest.json` and the charts. Problems of every variant
/// are collected before anything runs.
pub fn compare(spec: &CompareSpec) -> Result<CompareReport, JobError> {
    let started = Instant::now();
    let c = &spec.common;
    let (source, base, base_cfg) = prepare(c)?;
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
    for text in &spec.variants {
        let (name, resolved) = match parse_variant(text)? {
            Variant::File { name, path } => {
                let src = ScenarioSource::from_file(&path)?;
                origins.push(src.origin().to_string());
                let mut o = base.clone();
                o.extend(same_runs.iter().cloned());
                (name, src.resolve(&o))
            }
            Variant::Sets { name, sets } => {
                let mut o = base.clone();
                for s in &sets {
                    o.push(Override::parse(s)?);
                }
                origins.push(format!("{}: {}", source.origin(), sets.join("; ")));
                (name, source.resolve(&o))
            }
        };
        if names.contains(&name) {
            return Err(UsageError::DuplicateVariant {
                spec: text.clone(),
                name,
            }
            .into());
        }
        match resolved {
            Ok(cfg) => {
                names.push(name);
                cfgs.push(cfg);
            }
            Err(ScenarioError::Invalid(p)) => problems.extend(p),
            Err(e) => return Err(e.into()),
        }
    }
    if !problems.is_empty() {
        return Err(ScenarioError::Invalid(problems).into());
    }
    let threads = threads(c.threads)?;
    let refs: Vec<&ScenarioConfig> = cfgs.iter().collect();
    estimate_all(&refs, false).check(c.force)?;
    let mut out = claim(
        &out_dir(c.out.as_deref(), &base_cfg.name, "-compare"),
        Claim::Replace,
    )?;
    let runs = sweep::run_many(&refs, false, threads)?;
    let summaries: Vec<Vec<Summary>> = runs
        .iter()
        .map(|v| v.iter().map(|r| r.summary.clone()).collect())
        .collect();
    let rows = sweep::compare::compare(&names, &runs);
    let stage = out.staging().map_err(JobError::Report)?;
    report::write_csv(&stage.join("compare.csv"), &rows).map_err(JobError::Report)?;
    let header = report::sweep::runs_header(&["variant".into(), "replication".into()]);
    let run_rows = names.iter().zip(&summaries).flat_map(|(name, v)| {
        v.iter()
            .map(|s| report::sweep::runs_record(vec![name.clone(), s.replication.to_string()], s))
    });
    report::write_csv(
        &stage.join("runs.csv"),
        std::iter::once(header).chain(run_rows),
    )
    .map_err(JobError::Report)?;
    let variants = names
        .iter()
        .zip(origins)
        .map(|(name, origin)| VariantOrigin {
            name: name.clone(),
            origin,
        })
        .collect();
    let mut m = Manifest {
        scenario_text: Some(source.text().to_string()),
        wall_time_seconds: started.elapsed().as_secs_f64(),
        files: ["compare.csv", "runs.csv", "manifest.json"]
            .map(String::from)
            .to_vec(),
        compare: Some(CompareManifest {
            variants,
            resolved_base: base_cfg.clone(),
        }),
        ..manifest(&c.command_line, &base, &base_cfg, threads)
    };
    let output = finish(out, &mut m, c.no_charts)?;
    Ok(CompareReport {
        base: base_cfg,
        names,
        summaries,
        rows,
        output,
        wall_time: started.elapsed(),
    })
}
