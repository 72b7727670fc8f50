//! The workshop job: the bundled workshop set (a run of the baseline, the capacity,
//! structures and disengagement sweeps, a run of the lifecycle scenario) into one
//! folder, with one HTML page over all of it; and the report job, which builds that
//! page for any single output folder.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::{claim, run, sweep, CommonSpec, JobError, RunSpec, SweepHooks, SweepSpec};
use crate::report::html::{self, Part};
use crate::report::Claim;

/// What a part of the workshop runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartKind {
    /// `sresim run`.
    Run,
    /// `sresim sweep` over the file's `[sweep]` table.
    Sweep,
}

/// One scenario of the workshop set.
#[derive(Debug, Clone, Copy)]
pub struct WorkshopPart {
    /// Folder name inside the workshop folder, and the file's stem.
    pub folder: &'static str,
    /// Heading on the page.
    pub title: &'static str,
    /// What runs.
    pub kind: PartKind,
    /// The scenario text (the file under `scenarios/`, bundled in the binary).
    pub scenario: &'static str,
}

/// The workshop set, in the order of the page: where a team stands, how far it
/// stretches, how to structure teams, when to hand pagers back, and the lifecycle.
pub const WORKSHOP: [WorkshopPart; 5] = [
    WorkshopPart {
        folder: "baseline",
        title: "1. Where the team stands: one follow-the-sun team of 12",
        kind: PartKind::Run,
        scenario: crate::scenario::BASELINE_TOML,
    },
    WorkshopPart {
        folder: "capacity",
        title: "2. How many services a team can carry",
        kind: PartKind::Sweep,
        scenario: include_str!("../../scenarios/capacity.toml"),
    },
    WorkshopPart {
        folder: "structures",
        title: "3. One team, a team per product, or a team per stack",
        kind: PartKind::Sweep,
        scenario: include_str!("../../scenarios/structures.toml"),
    },
    WorkshopPart {
        folder: "disengagement",
        title: "4. When and how to hand pagers back",
        kind: PartKind::Sweep,
        scenario: include_str!("../../scenarios/disengagement.toml"),
    },
    WorkshopPart {
        folder: "lifecycle",
        title: "5. Services through their lifecycle, with readiness reviews",
        kind: PartKind::Run,
        scenario: include_str!("../../scenarios/lifecycle.toml"),
    },
];

/// What to run for a workshop.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkshopSpec {
    /// The workshop folder; `None` for `output/workshop`.
    pub out: Option<PathBuf>,
    /// Worker threads (0 = one per core). Results do not depend on it.
    pub threads: usize,
}

/// What a workshop job did.
#[derive(Debug, Clone)]
pub struct WorkshopReport {
    /// The page.
    pub page: PathBuf,
    /// Each part's folder and the warnings its section of the page shows, in page
    /// order.
    pub parts: Vec<(WorkshopPart, PathBuf, Vec<String>)>,
    /// Wall time of the whole job.
    pub wall_time: Duration,
}

/// Runs the workshop set into the workshop folder: writes each scenario file into
/// `scenarios/` there, runs or sweeps it into a folder of its own (CSV, charts,
/// manifest), then writes `index.html` over all of them.
pub fn workshop(spec: &WorkshopSpec) -> Result<WorkshopReport, JobError> {
    let started = Instant::now();
    let root = spec
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join("workshop"));
    let scenarios = root.join("scenarios");
    std::fs::create_dir_all(&scenarios).map_err(|source| {
        JobError::Report(crate::report::ReportError::Io {
            path: scenarios.clone(),
            source,
        })
    })?;
    let stop = std::sync::atomic::AtomicBool::new(false);
    let mut parts = Vec::with_capacity(WORKSHOP.len());
    for part in WORKSHOP {
        let file = scenarios.join(format!("{}.toml", part.folder));
        crate::report::write_atomic(&file, part.scenario.as_bytes()).map_err(JobError::Report)?;
        let out = root.join(part.folder);
        let verb = match part.kind {
            PartKind::Run => "run",
            PartKind::Sweep => "sweep",
        };
        let common = CommonSpec {
            scenario: Some(file.clone()),
            out: Some(out.clone()),
            threads: spec.threads,
            command_line: vec![
                "sresim".into(),
                verb.into(),
                format!("scenarios/{}.toml", part.folder),
            ],
            ..CommonSpec::default()
        };
        match part.kind {
            PartKind::Run => {
                run(&RunSpec {
                    common,
                    trace: false,
                })?;
            }
            PartKind::Sweep => {
                let spec = SweepSpec {
                    common,
                    ..SweepSpec::default()
                };
                let progress = |_: u64, _: u64| {};
                sweep(
                    &spec,
                    SweepHooks {
                        stop: &stop,
                        progress: &progress,
                    },
                )?;
            }
        }
        parts.push((part, out, Vec::new()));
    }
    let _lock = claim(&root, Claim::InPlace)?;
    let page_parts: Vec<Part> = WORKSHOP
        .iter()
        .map(|p| Part {
            folder: p.folder.to_string(),
            title: p.title.to_string(),
        })
        .collect();
    let (page, warnings) = html::write_workshop(
        &root,
        "sresim workshop: sizing, structuring and handing back SRE support",
        "Five questions an SRE leadership workshop asks, each answered by a simulation of the bundled scenarios; \
         every figure comes from the CSV files linked in its section.",
        &page_parts,
    )
    .map_err(JobError::Plot)?;
    for (part, w) in parts.iter_mut().zip(warnings) {
        part.2 = w;
    }
    Ok(WorkshopReport {
        page,
        parts,
        wall_time: started.elapsed(),
    })
}

/// Builds the HTML page of an output folder (of a run, sweep, comparison or merge) as
/// `DIR/index.html`, drawing its charts first if it has none. Returns the page's path.
pub fn report(dir: &Path) -> Result<PathBuf, JobError> {
    let _lock = claim(dir, Claim::InPlace)?;
    html::write_report(dir).map_err(JobError::Plot)
}
