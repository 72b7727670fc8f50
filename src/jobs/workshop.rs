//! The workshop job: the bundled workshop set (a run of the baseline, the capacity,
//! structures and disengagement sweeps, a run of the lifecycle scenario) into one
//! folder, with one HTML page over all of it.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::{
    claim, run, sweep, CommonSpec, JobError, PlanSpec, RunSpec, SensitivitySpec, SweepHooks,
    SweepSpec,
};
use crate::report::files::{PARTIAL, PROGRESS_LOG, SCENARIOS_DIR};
use crate::report::html::{self, Part};
use crate::report::outdir::WorkshopManifest;
use crate::report::{Claim, ReportError};

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

/// The folders of the workshop's parts and their scenario text, in page order.
const PART_FILES: [(&str, &str); 5] = [
    (WORKSHOP[0].folder, WORKSHOP[0].scenario),
    (WORKSHOP[1].folder, WORKSHOP[1].scenario),
    (WORKSHOP[2].folder, WORKSHOP[2].scenario),
    (WORKSHOP[3].folder, WORKSHOP[3].scenario),
    (WORKSHOP[4].folder, WORKSHOP[4].scenario),
];

/// What to run for a workshop.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkshopSpec {
    /// The workshop folder; `None` for `output/workshop`.
    pub out: Option<PathBuf>,
    /// Worker threads (0 = one per core). Results do not depend on it.
    pub threads: usize,
    /// Finish an interrupted workshop: sweeps continue from their complete points.
    /// Without it, a workshop folder holding an interrupted sweep is refused with the
    /// command that finishes it.
    pub resume: bool,
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
    let _lock = claim(&root, Claim::Workshop(&PART_FILES))?;
    let interrupted: Vec<&str> = WORKSHOP
        .iter()
        .map(|p| p.folder)
        .filter(|p| root.join(p).join(PARTIAL).join(PROGRESS_LOG).exists())
        .collect();
    if !interrupted.is_empty() && !spec.resume {
        return Err(JobError::Report(ReportError::Encode {
            path: root.clone(),
            message: format!(
                "holds an interrupted workshop ({} did not finish); finish it with `{}`, or delete the folder",
                interrupted.join(", "),
                resume_command(spec)
            ),
        }));
    }
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| JobError::Report(ReportError::Io { path, source })
    };
    let scenarios = root.join(SCENARIOS_DIR);
    std::fs::create_dir_all(&scenarios).map_err(io(&scenarios))?;
    let marker = WorkshopManifest {
        generator: crate::report::GENERATOR.to_string(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        workshop: WORKSHOP.iter().map(|p| p.folder.to_string()).collect(),
    };
    let marker = serde_json::to_vec_pretty(&marker).map_err(|e| {
        JobError::Report(ReportError::Encode {
            path: root.join(crate::report::files::MANIFEST_JSON),
            message: e.to_string(),
        })
    })?;
    crate::report::write_atomic(&root.join(crate::report::files::MANIFEST_JSON), &marker)
        .map_err(JobError::Report)?;
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
        let result = match part.kind {
            PartKind::Run => run(&RunSpec {
                common,
                trace: false,
            })
            .map(|_| ()),
            PartKind::Sweep => {
                let spec = SweepSpec {
                    common,
                    resume: interrupted.contains(&part.folder),
                    ..SweepSpec::default()
                };
                let progress = |_: u64, _: u64| {};
                sweep(
                    &spec,
                    SweepHooks {
                        stop: &stop,
                        progress: &progress,
                    },
                )
                .map(|_| ())
            }
        };
        if let Err(e) = result {
            return Err(in_workshop(e, part.folder, spec));
        }
        parts.push((part, out, Vec::new()));
    }
    let page_parts: Vec<Part> = WORKSHOP
        .iter()
        .map(|p| Part {
            folder: p.folder.to_string(),
            title: p.title.to_string(),
        })
        .collect();
    let answers = answers(&scenarios, spec.threads)?;
    let (page, warnings) = html::write_workshop(
        &root,
        "sresim workshop: sizing, structuring and handing back SRE support",
        "Five questions an SRE leadership workshop asks, each answered by a simulation of the bundled scenarios; \
         every figure comes from the CSV files linked in its section.",
        &page_parts,
        &answers,
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

/// The questions the page answers first, in the order of a workshop: the smallest team
/// for the book's limits, the minimum rotation included (a plan over both sites of the
/// baseline), how many services it
/// carries, which structure holds, which hand-back trades what (the sections' first
/// readings), when growth breaks the limits and when to open requisitions (a timeline
/// over the lifecycle scenario), and which assumption matters most (the baseline's team
/// and page-rate keys for ops load). Nothing is written: the commands shown reproduce
/// each figure.
fn answers(scenarios: &Path, threads: usize) -> Result<Vec<html::WorkshopAnswer>, JobError> {
    let file = |name: &str| scenarios.join(format!("{name}.toml"));
    let common = |name: &str, replications: Option<u32>| CommonSpec {
        scenario: Some(file(name)),
        threads,
        replications,
        no_charts: true,
        ..CommonSpec::default()
    };
    let team = super::plan::plan_in_memory(&PlanSpec {
        common: common("baseline", None),
        over: vec![
            "teams.core.members.london=2..8".into(),
            "teams.core.members.mountain-view=2..8".into(),
        ],
        targets: vec![
            "pages_per_shift_mean<=2".into(),
            "oncall_time_frac<=0.25".into(),
            "ops_load_frac<=0.5".into(),
            "understaffed_weeks<=0".into(),
        ],
        max_replications: 80,
        ..PlanSpec::default()
    })?;
    let growth = super::plan::plan_in_memory(&PlanSpec {
        common: common("lifecycle", Some(10)),
        over: vec!["teams.core.members.london=3..8".into()],
        targets: vec!["ops_load_frac<=0.5".into()],
        max_replications: 40,
        by: Some("quarter".into()),
        ..PlanSpec::default()
    })?;
    let matters = super::sensitivity::sensitivity_in_memory(&SensitivitySpec {
        common: common("baseline", None),
        metric: "ops_load_frac".into(),
        keys: vec![
            "teams.core.*".into(),
            "services.*.page_rate_per_week".into(),
        ],
        ..SensitivitySpec::default()
    })?;
    let answer = |question: &str, folder: &str, text: Option<String>, command: Option<&str>| {
        html::WorkshopAnswer {
            question: question.into(),
            folder: folder.into(),
            text,
            command: command.map(String::from),
        }
    };
    Ok(vec![
        answer(
            "The smallest team for the book's limits.",
            WORKSHOP[0].folder,
            Some(team.sentence),
            Some("sresim plan scenarios/baseline.toml --over teams.core.members.london=2..8 --over teams.core.members.mountain-view=2..8 --target \"pages_per_shift_mean<=2\" --target \"oncall_time_frac<=0.25\" --target \"ops_load_frac<=0.5\" --target \"understaffed_weeks<=0\" --max-replications 80"),
        ),
        answer("How many services a team carries.", WORKSHOP[1].folder, None, None),
        answer("Which structure holds.", WORKSHOP[2].folder, None, None),
        answer("Which hand-back strategy trades what.", WORKSHOP[3].folder, None, None),
        answer(
            "When growth breaks the limits, and when to open requisitions.",
            WORKSHOP[4].folder,
            Some(growth.sentence),
            Some("sresim plan scenarios/lifecycle.toml --over teams.core.members.london=3..8 --target \"ops_load_frac<=0.5\" --by quarter --replications 10 --max-replications 40"),
        ),
        answer(
            "Which assumption matters most.",
            WORKSHOP[0].folder,
            Some(matters.sentence),
            Some("sresim sensitivity scenarios/baseline.toml --metric ops_load_frac --keys 'teams.core.*,services.*.page_rate_per_week'"),
        ),
    ])
}

/// `sresim workshop` with the options that finish `spec`'s workshop.
fn resume_command(spec: &WorkshopSpec) -> String {
    match &spec.out {
        Some(out) => format!("sresim workshop --out {} --resume", out.display()),
        None => "sresim workshop --resume".to_string(),
    }
}

/// A part's failure as the workshop reports it: where a sweep part kept its complete
/// points, the command that finishes the workshop rather than the part's own.
fn in_workshop(e: JobError, folder: &str, spec: &WorkshopSpec) -> JobError {
    let resumable = matches!(e, JobError::Interrupted { .. } | JobError::Sweep(_))
        || matches!(&e, JobError::Report(ReportError::Io { .. }));
    if !resumable {
        return e;
    }
    JobError::Report(ReportError::Encode {
        path: PathBuf::from(folder),
        message: format!(
            "the workshop stopped in this part ({e}); once the cause is fixed, `{}` finishes it",
            resume_command(spec)
        ),
    })
}
